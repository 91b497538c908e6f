"""The i18n API: language switching, listeners, catalog lookup and Babel formatting."""

from __future__ import annotations

import gettext
import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant import i18n


@pytest.fixture(autouse=True)
def _restore_language() -> Iterator[None]:
    before = i18n.current_language()
    yield
    i18n.set_language(before)


FAKE_FRENCH_PO = r"""msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\n"
"Language: fr\n"
"Plural-Forms: nplurals=2; plural=(n > 1);\n"

msgid "Next"
msgstr "Suivant"

#, fuzzy
msgid "Back"
msgstr "Retour"

msgid "You have {n} try left."
msgid_plural "You have {n} tries left."
msgstr[0] "Il vous reste {n} essai."
msgstr[1] "Il vous reste {n} essais."

msgctxt "menu"
msgid "Open"
msgstr "Ouvrir (menu)"
"""


@pytest.fixture
def fake_locales(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A locales/ tree with a small French catalog (one translated, one fuzzy, plurals).

    Written by hand with its own Plural-Forms header, as our catalogs have: Babel 2.19's
    French has three plural forms (CLDR "many"), so a Babel-made header would not match.
    """
    folder = tmp_path / "locales" / "fr" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "dossier.po").write_text(FAKE_FRENCH_PO, encoding="utf-8")
    monkeypatch.setattr(i18n, "locales_dir", lambda: tmp_path / "locales")
    i18n.reload_catalogs()
    yield tmp_path
    monkeypatch.undo()
    i18n.reload_catalogs()


def test_languages_are_the_four_with_own_names() -> None:
    assert i18n.LANGUAGES == {
        "fr": "Français",
        "nl": "Nederlands",
        "en": "English",
        "de": "Deutsch",
    }


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("fr_BE", "fr"),
        ("NL", "nl"),
        ("de-BE.UTF-8", "de"),
        ("en", "en"),
        ("es", None),
        ("", None),
        (None, None),
    ],
)
def test_normalize_language(raw: str | None, expected: str | None) -> None:
    assert i18n.normalize_language(raw) == expected


def test_set_language_rejects_unknown() -> None:
    with pytest.raises(ValueError):
        i18n.set_language("es")


def test_translation_from_po_without_compiling(fake_locales: Path) -> None:
    i18n.set_language("fr_BE")
    assert i18n.current_language() == "fr"
    assert i18n._("Next") == "Suivant"
    # Fuzzy entries are not trusted: the English msgid is shown instead.
    assert i18n._("Back") == "Back"
    # Unknown msgids fall back to English.
    assert i18n._("Not in the catalog") == "Not in the catalog"
    assert i18n.pgettext("menu", "Open") == "Ouvrir (menu)"
    one = i18n.ngettext("You have {n} try left.", "You have {n} tries left.", 1)
    two = i18n.ngettext("You have {n} try left.", "You have {n} tries left.", 2)
    assert one.format(n=1) == "Il vous reste 1 essai."
    assert two.format(n=2) == "Il vous reste 2 essais."
    i18n.set_language("en")
    assert i18n._("Next") == "Next"
    assert i18n.translate_in("fr", "Next") == "Suivant"
    assert i18n.current_language() == "en"


def test_fresher_mo_file_is_used(fake_locales: Path) -> None:
    from babel.messages.mofile import write_mo

    catalog = Catalog(locale="fr", domain="dossier")
    catalog.add("Next", "Continuer")
    folder = fake_locales / "locales" / "fr" / "LC_MESSAGES"
    with (folder / "dossier.mo").open("wb") as handle:
        write_mo(handle, catalog)
    i18n.reload_catalogs()
    assert i18n.translate_in("fr", "Next") == "Continuer"


def test_broken_po_falls_back_to_english(fake_locales: Path) -> None:
    po = fake_locales / "locales" / "fr" / "LC_MESSAGES" / "dossier.po"
    po.write_bytes(b'msgid "Next"\nmsgstr "Suivant\n\xff\xfe garbage "')
    i18n.reload_catalogs()
    i18n.set_language("fr")
    assert i18n._("Next") in {"Next", "Suivant"}


def test_listeners_called_once_per_change() -> None:
    i18n.set_language("en")
    seen: list[str] = []
    i18n.add_language_listener(seen.append)
    i18n.add_language_listener(seen.append)  # added twice, called once
    try:
        i18n.set_language("nl")
        i18n.set_language("nl")  # no change, no call
        i18n.set_language("de")
    finally:
        i18n.remove_language_listener(seen.append)
    i18n.set_language("fr")
    assert seen == ["nl", "de"]


def test_failing_listener_does_not_stop_others() -> None:
    i18n.set_language("en")
    seen: list[str] = []

    def broken(_code: str) -> None:
        raise RuntimeError("boom")

    i18n.add_language_listener(broken)
    i18n.add_language_listener(seen.append)
    try:
        i18n.set_language("fr")
    finally:
        i18n.remove_language_listener(broken)
        i18n.remove_language_listener(seen.append)
    assert seen == ["fr"]


def test_n_marker_is_identity() -> None:
    assert i18n.N_("My medicines") == "My medicines"


@pytest.mark.parametrize(
    ("lang", "long", "short"),
    [
        ("fr", "3 mars 2025", "3/03/2025"),
        ("nl", "3 maart 2025", "3/03/2025"),
        ("de", "3. März 2025", "03.03.2025"),
        ("en", "3 March 2025", "03/03/2025"),
    ],
)
def test_format_date(lang: str, long: str, short: str) -> None:
    i18n.set_language(lang)
    assert i18n.format_date(date(2025, 3, 3)) == long
    assert i18n.format_date(datetime(2025, 3, 3, 10, 0), length="short") == short


@pytest.mark.parametrize(
    ("lang", "decimal", "big"),
    [
        ("fr", "5,4", "12\u202f345"),
        ("nl", "5,4", "12.345"),
        ("de", "5,4", "12.345"),
        ("en", "5.4", "12,345"),
    ],
)
def test_format_numbers(lang: str, decimal: str, big: str) -> None:
    i18n.set_language(lang)
    assert i18n.format_decimal(5.4) == decimal
    assert i18n.format_decimal(Decimal("5.40"), max_decimals=1) == decimal
    assert i18n.format_number(12345) == big


def test_format_datetime_and_time() -> None:
    i18n.set_language("nl")
    moment = datetime(2025, 3, 3, 14, 5, tzinfo=UTC)
    assert "14:05" in i18n.format_time(moment)
    assert "2025" in i18n.format_datetime(moment)


@settings(max_examples=60, deadline=None)
@given(
    value=st.decimals(
        min_value=Decimal("-100000"), max_value=Decimal("100000"), places=3, allow_nan=False
    ),
    lang=st.sampled_from(sorted(i18n.LANGUAGES)),
)
def test_format_decimal_round_trips(value: Decimal, lang: str) -> None:
    from babel.numbers import parse_decimal

    i18n.set_language(lang)
    text = i18n.format_decimal(value, max_decimals=3)
    assert parse_decimal(text, locale=i18n.LOCALE_NAMES[lang]) == value


def test_system_language(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(var, raising=False)
    assert i18n.system_language() == "en"
    monkeypatch.setenv("LANG", "nl_BE.UTF-8")
    assert i18n.system_language() == "nl"
    monkeypatch.setenv("LANGUAGE", "es:de")
    assert i18n.system_language() == "de"


def test_translation_is_thread_safe_while_switching() -> None:
    errors: list[BaseException] = []

    def reader() -> None:
        try:
            for _ in range(2000):
                assert isinstance(i18n._("Next"), str)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=reader) for _ in range(3)]
    for thread in threads:
        thread.start()
    for code in ["fr", "nl", "de", "en"] * 20:
        i18n.set_language(code)
    for thread in threads:
        thread.join()
    assert errors == []


@pytest.mark.parametrize("lang", ["fr", "nl", "de", "en"])
def test_fast_po_reader_matches_babel(lang: str) -> None:
    from babel.messages.pofile import read_po

    path = Path(__file__).resolve().parents[2] / "locales" / lang / "LC_MESSAGES" / "dossier.po"
    fast = i18n.PoTranslations(path.read_text(encoding="utf-8"))
    with path.open("rb") as handle:
        reference = read_po(handle, locale=lang)
    plural = gettext.c2py(reference.plural_expr)
    count = 0
    for message in reference:
        if not message.id or message.fuzzy:
            continue
        if isinstance(message.id, tuple | list):
            for n in (0, 1, 2, 5):
                expected = message.string[plural(n)]
                assert fast.ngettext(message.id[0], message.id[1], n) == expected
        elif message.context:
            assert fast.pgettext(message.context, message.id) == message.string
        else:
            assert fast.gettext(message.id) == message.string
        count += 1
    assert count == len(fast) and count > 100


def test_po_reader_escapes_context_plural_and_fuzzy() -> None:
    text = "\n".join(
        [
            'msgid ""',
            'msgstr ""',
            '"Plural-Forms: nplurals=2; plural=(n > 1);\\n"',
            "",
            "#, fuzzy",
            'msgid "Back"',
            'msgstr "Retour"',
            "",
            'msgctxt "menu"',
            'msgid "Open"',
            'msgstr "Ouvrir"',
            "",
            'msgid "Say \\"hi\\""',
            'msgstr ""',
            '"Dites \\"bonjour\\"\\n"',
            '"sur 2 lignes"',
            "",
            'msgid "{n} try"',
            'msgid_plural "{n} tries"',
            'msgstr[0] "{n} essai"',
            'msgstr[1] "{n} essais"',
            "",
            'msgid "Empty"',
            'msgstr ""',
        ]
    )
    po = i18n.PoTranslations(text)
    assert po.gettext("Back") == "Back"
    assert po.pgettext("menu", "Open") == "Ouvrir"
    assert po.gettext("Open") == "Open"
    assert po.gettext('Say "hi"') == 'Dites "bonjour"\nsur 2 lignes'
    assert po.ngettext("{n} try", "{n} tries", 0) == "{n} essai"  # French: 0 is singular
    assert po.ngettext("{n} try", "{n} tries", 2) == "{n} essais"
    assert po.gettext("Empty") == "Empty"
    assert len(po) == 3
    with pytest.raises(ValueError):
        i18n.PoTranslations('msgid "x\nmsgstr "y"')


@pytest.mark.parametrize(
    ("lang", "joined", "monday"),
    [
        ("fr", "A, B et C", "lundi"),
        ("nl", "A, B en C", "maandag"),
        ("en", "A, B and C", "Monday"),
        ("de", "A, B und C", "Montag"),
    ],
)
def test_lists_and_weekdays(lang: str, joined: str, monday: str) -> None:
    i18n.set_language(lang)
    assert i18n.format_list(["A", "B", "C"]) == joined
    assert i18n.format_list([]) == ""
    names = i18n.weekday_names()
    assert len(names) == 7 and names[0] == monday
    assert i18n.language_name("nl_BE") == "Nederlands"


def _lookups(catalog: gettext.NullTranslations) -> list[str]:
    return [
        catalog.gettext("Next"),
        catalog.gettext("Back"),
        catalog.ngettext("You have {n} try left.", "You have {n} tries left.", 1),
        catalog.ngettext("You have {n} try left.", "You have {n} tries left.", 5),
        catalog.pgettext("menu", "Open"),
    ]


def test_po_and_compiled_mo_give_the_same_translations(fake_locales: Path) -> None:
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    from_po = i18n.load_catalog("fr")
    expected = ["Suivant", "Back", "Il vous reste {n} essai.", "Il vous reste {n} essais."]
    assert _lookups(from_po)[:4] == expected
    folder = fake_locales / "locales" / "fr" / "LC_MESSAGES"
    with (folder / "dossier.po").open("rb") as po, (folder / "dossier.mo").open("wb") as mo:
        write_mo(mo, read_po(po))
    i18n.reload_catalogs()
    from_mo = i18n.load_catalog("fr")
    assert from_mo is not from_po
    assert _lookups(from_mo) == _lookups(from_po)
