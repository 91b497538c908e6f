"""Translations (gettext catalogs read with Babel) and locale-aware formatting.

Messages are English Easy Read msgids. ``_`` looks the text up in the current language at call
time, so call it when the text is shown, not at import (use ``N_`` to mark module constants).
Catalogs are read from ``locales/<lang>/LC_MESSAGES/dossier.po`` (or a fresher ``.mo``) without
any compile step.
"""

from __future__ import annotations

import gettext
import logging
import os
import re
import threading
from collections.abc import Callable
from datetime import date, datetime, time
from decimal import Decimal
from typing import TYPE_CHECKING, Literal

from assistant.assets import locales_dir

if TYPE_CHECKING:  # (Babel is imported where it is used: ~10 ms, not needed at start)
    from babel import Locale

log = logging.getLogger(__name__)

DOMAIN = "dossier"

#: Language code -> the language's own name (shown on the language screen).
LANGUAGES: dict[str, str] = {
    "fr": "Français",
    "nl": "Nederlands",
    "en": "English",
    "de": "Deutsch",
}
DEFAULT_LANGUAGE = "en"

#: Babel / Qt locale used for formatting and speech in each language (Belgian variants).
LOCALE_NAMES: dict[str, str] = {
    "fr": "fr_BE",
    "nl": "nl_BE",
    "en": "en_GB",
    "de": "de_BE",
}

DateLength = Literal["full", "long", "medium", "short"]

_lock = threading.RLock()
_current = DEFAULT_LANGUAGE
_catalogs: dict[str, gettext.NullTranslations] = {}
_active: gettext.NullTranslations = gettext.NullTranslations()
_listeners: list[Callable[[str], object]] = []


def normalize_language(code: str | None) -> str | None:
    """``"fr_BE"``, ``"FR"``, ``"nl-BE.UTF-8"`` -> ``"fr"`` / ``"nl"``; None if not supported."""
    if not code:
        return None
    short = code.strip().replace("-", "_").split(".")[0].split("_")[0].lower()
    return short if short in LANGUAGES else None


def load_catalog(code: str) -> gettext.NullTranslations:
    """The translations for one language (cached). English uses its catalog if present."""
    with _lock:
        cached = _catalogs.get(code)
        if cached is not None:
            return cached
        catalog = _read_catalog(code)
        _catalogs[code] = catalog
        return catalog


def _read_catalog(code: str) -> gettext.NullTranslations:
    folder = locales_dir() / code / "LC_MESSAGES"
    po_path = folder / f"{DOMAIN}.po"
    mo_path = folder / f"{DOMAIN}.mo"
    try:
        if mo_path.is_file() and (
            not po_path.is_file() or mo_path.stat().st_mtime >= po_path.stat().st_mtime
        ):
            with mo_path.open("rb") as mo_file:
                return gettext.GNUTranslations(mo_file)
        if po_path.is_file():
            return PoTranslations(po_path.read_text(encoding="utf-8"))
        if code != "en":
            log.warning("no catalog for %s; falling back to English", code)
        return gettext.NullTranslations()
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        log.error("catalog for %s unreadable (%s); falling back to English", code, exc)
        return gettext.NullTranslations()


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b"}
_ESCAPE_RE = re.compile(r"\\(.)")


def _po_string(line: str) -> str:
    """The text of one quoted .po string: ``"a\\"b"`` -> ``a"b``."""
    line = line.strip()
    if len(line) < 2 or line[0] != '"' or line[-1] != '"':
        raise ValueError(f"bad .po string: {line[:40]!r}")
    return _ESCAPE_RE.sub(lambda m: _ESCAPES.get(m.group(1), m.group(1)), line[1:-1])


class PoTranslations(gettext.NullTranslations):
    """Translations read straight from a .po file (fast: no compile step, no Babel).

    Fuzzy and untranslated entries are left out, as msgfmt does; plural rules come from the
    ``Plural-Forms`` header.
    """

    def __init__(self, text: str) -> None:
        super().__init__()
        self._catalog: dict[tuple[str | None, str], list[str]] = {}
        self._plural: Callable[[int], int] = lambda n: int(n != 1)
        for entry in self._entries(text):
            self._add(entry)

    @staticmethod
    def _entries(text: str) -> list[dict[str, object]]:
        entries: list[dict[str, object]] = []
        current: dict[str, object] = {}
        key: str | None = None
        for raw in text.splitlines():
            line = raw.strip()
            if not line:
                continue
            if line.startswith("#"):
                if line.startswith("#,") and "fuzzy" in line:
                    if "msgid" in current:
                        entries.append(current)
                        current = {}
                    current["fuzzy"] = True
                continue
            if line.startswith('"'):
                if key is None:
                    raise ValueError("continuation line without a keyword")
                current[key] = str(current[key]) + _po_string(line)
                continue
            word, _, rest = line.partition(" ")
            starts_entry = word == "msgctxt" or (
                word == "msgid" and ("msgstr" in current or "msgstr[0]" in current)
            )
            if starts_entry and "msgid" in current:
                entries.append(current)
                current = {}
            key = word
            current[key] = _po_string(rest)
        if "msgid" in current:
            entries.append(current)
        return entries

    def _add(self, entry: dict[str, object]) -> None:
        msgid = str(entry["msgid"])
        context = entry.get("msgctxt")
        ctx = None if context is None else str(context)
        if "msgid_plural" in entry:
            forms = [str(entry[f"msgstr[{i}]"]) for i in range(10) if f"msgstr[{i}]" in entry]
        else:
            forms = [str(entry.get("msgstr", ""))]
        if msgid == "" and ctx is None:
            self._read_header(forms[0])
            return
        if entry.get("fuzzy") or not forms or not all(forms):
            return
        self._catalog[(ctx, msgid)] = forms

    def _read_header(self, header: str) -> None:
        for line in header.splitlines():
            name, _, value = line.partition(":")
            if name.strip().lower() == "plural-forms":
                rule = value.split("plural=", 1)[-1].strip().rstrip(";")
                self._plural = gettext.c2py(rule)

    def gettext(self, message: str) -> str:
        forms = self._catalog.get((None, message))
        return forms[0] if forms else message

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        forms = self._catalog.get((None, msgid1))
        if not forms:
            return msgid1 if n == 1 else msgid2
        index = self._plural(n)
        return forms[index] if index < len(forms) else forms[-1]

    def pgettext(self, context: str, message: str) -> str:
        forms = self._catalog.get((context, message))
        return forms[0] if forms else message

    def npgettext(self, context: str, msgid1: str, msgid2: str, n: int) -> str:
        forms = self._catalog.get((context, msgid1))
        if not forms:
            return msgid1 if n == 1 else msgid2
        index = self._plural(n)
        return forms[index] if index < len(forms) else forms[-1]

    def __len__(self) -> int:
        return len(self._catalog)


def reload_catalogs() -> None:
    """Forget cached catalogs (after editing .po files) and reload the current one."""
    global _active
    with _lock:
        _catalogs.clear()
        _active = load_catalog(_current)


def set_language(code: str) -> None:
    """Switch the whole program to ``code`` (fr/nl/en/de or a locale like fr_BE) and notify."""
    global _current, _active
    lang = normalize_language(code)
    if lang is None:
        raise ValueError(f"unsupported language: {code!r}")
    with _lock:
        changed = lang != _current
        _active = load_catalog(lang)
        _current = lang
        listeners = list(_listeners)
    if changed:
        for listener in listeners:
            try:
                listener(lang)
            except Exception:
                log.exception("language listener failed")


def current_language() -> str:
    """The current language code: "fr", "nl", "en" or "de"."""
    return _current


def current_locale_name() -> str:
    """The Belgian locale name of the current language, e.g. "nl_BE" (for speech, Qt)."""
    return LOCALE_NAMES[_current]


def current_locale() -> Locale:
    """The Babel Locale of the current language."""
    from babel import Locale

    return Locale.parse(LOCALE_NAMES[_current])


def add_language_listener(callback: Callable[[str], object]) -> None:
    """Call ``callback(code)`` after every language change (on the thread that changed it)."""
    with _lock:
        if callback not in _listeners:
            _listeners.append(callback)


def remove_language_listener(callback: Callable[[str], object]) -> None:
    """Stop notifying ``callback``; no error if it was not registered."""
    with _lock:
        if callback in _listeners:
            _listeners.remove(callback)


def _(message: str) -> str:
    """Translate an English msgid into the current language."""
    return _active.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """Translate with the plural form for ``n`` (the text still needs ``.format(n=n)``)."""
    return _active.ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """Translate a msgid that needs a context to tell two meanings apart."""
    return _active.pgettext(context, message)


def N_(message: str) -> str:
    """Mark a string for extraction without translating it now (translate later with ``_``)."""
    return message


def translate_in(code: str, message: str) -> str:
    """Translate ``message`` into a given language without changing the current one."""
    lang = normalize_language(code)
    if lang is None:
        raise ValueError(f"unsupported language: {code!r}")
    return load_catalog(lang).gettext(message)


def system_language(default: str = DEFAULT_LANGUAGE) -> str:
    """Best guess of the user's language from the environment (LANGUAGE, LC_ALL, LANG)."""
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        for part in os.environ.get(var, "").split(":"):
            lang = normalize_language(part)
            if lang is not None:
                return lang
    return default


def format_date(d: date | datetime, length: DateLength = "long") -> str:
    """A date in the current language, e.g. "23 novembre 2026" (long) or "23/11/2026" (short)."""
    if isinstance(d, datetime):
        d = d.date()
    from babel.dates import format_date as _babel_format_date

    locale = LOCALE_NAMES[_current]
    if length == "short":
        return _babel_format_date(d, format=_short_date_pattern(locale), locale=locale)
    return _babel_format_date(d, format=length, locale=locale)


def _short_date_pattern(locale: str) -> str:
    """CLDR's short date pattern with a 4-digit year (two digits confuse readers)."""
    from babel import Locale

    pattern = str(Locale.parse(locale).date_formats["short"].pattern)
    if "yyyy" not in pattern:
        pattern = pattern.replace("yy", "yyyy")
    return pattern


def format_datetime(dt: datetime, length: DateLength = "medium") -> str:
    """A date and time in the current language (times keep the timezone they carry)."""
    from babel.dates import format_datetime as _babel_format_datetime

    return _babel_format_datetime(dt, format=length, locale=LOCALE_NAMES[_current])


def format_time(t: time | datetime, length: DateLength = "short") -> str:
    """A time of day in the current language, e.g. "14:05"."""
    from babel.dates import format_time as _babel_format_time

    return _babel_format_time(t, format=length, locale=LOCALE_NAMES[_current])


def format_decimal(x: float | Decimal | int, max_decimals: int | None = None) -> str:
    """A number with the current language's decimal sign, e.g. "5,4" in French.

    ``max_decimals`` rounds (half-even through Decimal) and drops trailing zeros.
    """
    from babel.numbers import format_decimal as _babel_format_decimal

    value: float | Decimal | int = x
    if max_decimals is not None:
        value = round(Decimal(str(x)), max_decimals)
        pattern = "#,##0." + "#" * max_decimals if max_decimals > 0 else "#,##0"
        return _babel_format_decimal(value, format=pattern, locale=LOCALE_NAMES[_current])
    return _babel_format_decimal(value, locale=LOCALE_NAMES[_current], decimal_quantization=False)


def format_number(n: int) -> str:
    """A whole number with the current language's grouping, e.g. "1 000" / "1.000"."""
    from babel.numbers import format_decimal as _babel_format_decimal

    return _babel_format_decimal(n, locale=LOCALE_NAMES[_current])


def format_list(items: list[str], style: Literal["standard", "or"] = "standard") -> str:
    """Join words the way the current language does: "A, B et C" / "A, B oder C"."""
    from babel.lists import format_list as _babel_format_list

    if not items:
        return ""
    return _babel_format_list(list(items), style=style, locale=LOCALE_NAMES[_current])


def weekday_names(width: Literal["wide", "abbreviated"] = "wide") -> list[str]:
    """Monday..Sunday in the current language ("lundi", "maandag", ...)."""
    from babel.dates import get_day_names

    names = get_day_names(width, context="format", locale=LOCALE_NAMES[_current])
    return [str(names[i]) for i in range(7)]


def language_name(code: str) -> str:
    """A language's own name ("Nederlands"); the code itself when unknown."""
    lang = normalize_language(code)
    return LANGUAGES[lang] if lang else code
