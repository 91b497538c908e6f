"""Plain-language explanations of medical terms, codes, units and abbreviations (4 languages).

Data: ``locales/glossary/*.json``. Each entry has a key, a category, the codes it explains
(``"LOINC|718-7"``), aliases (words as they appear on screen) and, per language, a term and
an explanation of at most 3 short sentences. ``explain_coding`` finds the most specific entry for
a code and falls back to the code system's own entry, so every code shown has words.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Any, Protocol

from assistant.assets import locales_dir
from assistant.i18n import LANGUAGES, current_language

log = logging.getLogger(__name__)

#: Short system names used in the data files -> the system identifiers found in codings.
SYSTEM_ALIASES: dict[str, tuple[str, ...]] = {
    "LOINC": ("http://loinc.org", "CD-LOINC", "LOINC"),
    "SNOMED": ("http://snomed.info/sct", "CD-SNOMED", "SNOMED", "SNOMED-CT"),
    "ICPC2": (
        "http://hl7.org/fhir/sid/icpc-2",
        "http://hl7.org/fhir/sid/icpc2",
        "ICPC",
        "ICPC2",
        "ICPC-2",
    ),
    "ICD10": (
        "http://hl7.org/fhir/sid/icd-10",
        "http://hl7.org/fhir/sid/icd-10-cm",
        "ICD",
        "ICD10",
        "ICD-10",
    ),
    "ATC": ("http://www.whocc.no/atc", "http://whocc.no/atc", "CD-ATC", "ATC"),
    "CNK": (
        "https://www.ehealth.fgov.be/standards/fhir/medication/NamingSystem/be-ns-cnk-codes",
        "CD-DRUG-CNK",
        "CNK",
    ),
    "UCUM": ("http://unitsofmeasure.org", "UCUM"),
    "INNCLUSTER": ("CD-INNCLUSTER",),
    "VMPGROUP": ("CD-VMPGROUP",),
    "CLINICAL": ("CD-CLINICAL",),
    "VACCINEINDICATION": ("CD-VACCINEINDICATION",),
    "DRUGROUTE": ("CD-DRUG-ROUTE",),
    "ADMINUNIT": ("CD-ADMINISTRATIONUNIT", "CD-ADMINISTRATION-UNIT"),
    "DAYPERIOD": ("CD-DAYPERIOD",),
    "PERIODICITY": ("CD-PERIODICITY",),
    "TEMPORALITY": ("CD-TEMPORALITY",),
    "LIFECYCLE": ("CD-LIFECYCLE",),
    "ITEM": ("CD-ITEM",),
    "HCPARTY": (
        "https://www.ehealth.fgov.be/standards/fhir/core/CodeSystem/cd-hcparty",
        "CD-HCPARTY",
    ),
    "INTERPRETATION": (
        "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation",
        "INTERPRETATION",
    ),
    "VACCINEROUTE": (
        "https://www.ehealth.fgov.be/standards/fhir/vaccination/CodeSystem/"
        "be-cs-vaccination-administration-route",
    ),
    "MEDICATIONTYPE": (
        "https://www.ehealth.fgov.be/standards/fhir/medication/CodeSystem/medication-type",
    ),
    "TRANSACTION": ("CD-TRANSACTION",),
    "CVX": ("http://hl7.org/fhir/sid/cvx",),
    "RELATION": ("https://demo-hub.invalid/fhir/CodeSystem/therapeutic-relation",),
}

_SYSTEM_BY_IDENTIFIER: dict[str, str] = {
    ident.lower(): short for short, idents in SYSTEM_ALIASES.items() for ident in idents
}


class CodingLike(Protocol):
    """Anything with a code system and a code (``assistant.records.model.Coding``)."""

    @property
    def system(self) -> str: ...

    @property
    def code(self) -> str: ...

    @property
    def display(self) -> str: ...


@dataclass(frozen=True, slots=True)
class GlossaryEntry:
    """One explanation in one language."""

    term: str
    explanation: str
    key: str = ""
    category: str = ""
    language: str = ""


@dataclass(frozen=True, slots=True)
class Contact:
    """Someone who can explain the record to the patient (shown on "Who can explain this?")."""

    key: str
    name: str
    description: str
    phone: str = ""
    website: str = ""
    region: str = ""


@dataclass(frozen=True, slots=True)
class _Entry:
    key: str
    category: str
    codes: tuple[tuple[str, str], ...]
    aliases: tuple[str, ...]
    texts: dict[str, tuple[str, str]]

    def localized(self, lang: str) -> GlossaryEntry:
        term, explanation = self.texts.get(lang) or self.texts["en"]
        return GlossaryEntry(term, explanation, self.key, self.category, lang)


@dataclass
class _Data:
    entries: dict[str, _Entry]
    by_code: dict[tuple[str, str], _Entry]
    by_alias: dict[str, _Entry]
    contacts: list[dict[str, Any]]


_load_lock = threading.Lock()


def normalize_system(system: str) -> str | None:
    """The short system name ("LOINC", "ICPC2", ...) of a system URI or KMEHR name."""
    return _SYSTEM_BY_IDENTIFIER.get(system.strip().lower())


def _normalize_code(short_system: str, code: str) -> str:
    code = code.strip()
    if short_system in {"ICPC2", "ICD10", "ATC", "INTERPRETATION", "VACCINEROUTE"}:
        return code.upper()
    if short_system == "UCUM":
        return _normalize_unit(code)
    return code.lower() if short_system not in {"LOINC", "SNOMED", "CNK"} else code


def _normalize_unit(unit: str) -> str:
    """ "mL/min/{1.73_m2}", "ml/min/1.73m2" and "mL/min/1.73 m²" compare equal."""
    text = unicodedata.normalize("NFKC", unit).replace("µ", "u").replace("μ", "u")
    text = re.sub(r"[\s{}_\[\]]", "", text)
    return text.lower()


def _fold(text: str) -> str:
    """Case- and accent-insensitive form of an alias."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).strip()


def glossary_dir() -> Path:
    """Folder of the glossary data files."""
    return locales_dir() / "glossary"


@cache
def _data() -> _Data:
    with _load_lock:
        return _load(glossary_dir())


def _load(folder: Path) -> _Data:
    entries: dict[str, _Entry] = {}
    by_code: dict[tuple[str, str], _Entry] = {}
    by_alias: dict[str, _Entry] = {}
    contacts: list[dict[str, Any]] = []
    for path in sorted(folder.glob("*.json")):
        with path.open(encoding="utf-8") as handle:
            content = json.load(handle)
        contacts.extend(content.get("contacts", []))
        for raw in content.get("entries", []):
            entry = _parse_entry(raw, path.name)
            if entry.key in entries:
                raise ValueError(f"{path.name}: glossary key {entry.key!r} defined twice")
            entries[entry.key] = entry
            for code_key in entry.codes:
                if code_key in by_code:
                    raise ValueError(f"{path.name}: code {code_key} explained twice")
                by_code[code_key] = entry
            for alias in (*entry.aliases, *(t[0] for t in entry.texts.values())):
                by_alias.setdefault(_fold(alias), entry)
    return _Data(entries, by_code, by_alias, contacts)


def _parse_entry(raw: dict[str, Any], filename: str) -> _Entry:
    key = str(raw["key"])
    codes: list[tuple[str, str]] = []
    for spec in raw.get("codes", []):
        system, _, code = str(spec).partition("|")
        if system not in SYSTEM_ALIASES or not code:
            raise ValueError(f"{filename}: bad code {spec!r} in {key}")
        codes.append((system, _normalize_code(system, code)))
    texts: dict[str, tuple[str, str]] = {}
    for lang in LANGUAGES:
        pair = raw.get(lang)
        if not (isinstance(pair, list) and len(pair) == 2 and all(pair)):
            raise ValueError(f"{filename}: {key} lacks a term and explanation in {lang}")
        texts[lang] = (str(pair[0]), str(pair[1]))
    return _Entry(
        key=key,
        category=str(raw.get("category", "term")),
        codes=tuple(codes),
        aliases=tuple(str(a) for a in raw.get("aliases", [])),
        texts=texts,
    )


def reload() -> None:
    """Forget the loaded data (tests, or after editing the files)."""
    _data.cache_clear()
    _alias_pattern.cache_clear()


def _lang(language: str | None) -> str:
    return language if language in LANGUAGES else current_language()


def explain_term(key: str, language: str | None = None) -> GlossaryEntry | None:
    """The entry for a glossary key ("posology", "sumehr", "lab:hba1c") or a word on screen
    ("HbA1c", "eGFR", "Sumehr"), in the current language."""
    data = _data()
    entry = (
        data.entries.get(key) or data.entries.get(f"term:{key}") or data.by_alias.get(_fold(key))
    )
    return entry.localized(_lang(language)) if entry else None


def _lookup(short: str, code: str) -> _Entry | None:
    data = _data()
    norm = _normalize_code(short, code)
    found = data.by_code.get((short, norm))
    if found is not None:
        return found
    if short == "ATC":
        # ATC is a hierarchy: J07BB02 -> J07BB -> J07B -> J07 -> J.
        for length in (5, 4, 3, 1):
            if len(norm) > length and (hit := data.by_code.get((short, norm[:length]))):
                return hit
    if short == "ICD10" and "." in norm:
        return data.by_code.get((short, norm.split(".")[0]))
    if short == "ICPC2" and len(norm) > 3:
        return data.by_code.get((short, norm[:3]))
    return None


#: Categories a coding may be matched to by its display text when its code is unknown
#: (local lab codes, brand names of vaccines), per code system.
_DISPLAY_CATEGORIES = frozenset({"lab", "vaccine", "problem", "allergy", "reaction"})
_MEDICINE_SYSTEMS = frozenset({"CNK", "ATC", "INNCLUSTER", "VMPGROUP"})


def _by_display(short: str | None, display: str) -> _Entry | None:
    """An entry whose alias is the coding's display text, or starts it ("Vaxigrip Tetra")."""
    text = _fold(re.sub(r"\([^)]*\)", " ", display))
    text = re.sub(r"\s+", " ", text).strip()
    if len(text) < 2:
        return None
    allowed = {"vaccine"} if short in _MEDICINE_SYSTEMS else _DISPLAY_CATEGORIES
    aliases = _data().by_alias
    exact = aliases.get(text)
    if exact is not None and exact.category in allowed:
        return exact
    for alias, entry in aliases.items():
        if len(alias) >= 4 and entry.category in allowed:
            if text.startswith(alias) and not text[len(alias) : len(alias) + 1].isalnum():
                return entry
    return None


def _specific(coding: CodingLike) -> _Entry | None:
    short = normalize_system(coding.system)
    entry = _lookup(short, coding.code) if short is not None and coding.code else None
    if entry is None:
        display = getattr(coding, "display", "") or ""
        if display:
            entry = _by_display(short, str(display))
    return entry


def explain_coding(coding: CodingLike, language: str | None = None) -> GlossaryEntry | None:
    """The most specific explanation of a code; else the entry of its code system.

    A code system entry is named after the item when the coding has a display text
    ("Metformine 850 mg — CNK code"). None only when neither the code, its display text nor
    its system is known.
    """
    lang = _lang(language)
    entry = _specific(coding)
    if entry is not None:
        return entry.localized(lang)
    short = normalize_system(coding.system)
    if short is None:
        return None
    system_entry = _data().entries.get(f"system:{short.lower()}")
    if system_entry is None:
        return None
    localized = system_entry.localized(lang)
    display = str(getattr(coding, "display", "") or "").strip()
    if display:
        return replace(localized, term=f"{display} — {localized.term}")
    return localized


def explain_specific(coding: CodingLike, language: str | None = None) -> GlossaryEntry | None:
    """Like ``explain_coding`` but without the fallback to the code system's entry."""
    entry = _specific(coding)
    return entry.localized(_lang(language)) if entry else None


def explain_system(system: str, language: str | None = None) -> GlossaryEntry | None:
    """What a code system is ("CNK code", "LOINC", ...)."""
    short = normalize_system(system) or system.upper()
    entry = _data().entries.get(f"system:{short.lower()}")
    return entry.localized(_lang(language)) if entry else None


def explain_unit(unit: str, language: str | None = None) -> GlossaryEntry | None:
    """The explanation of a unit as printed ("mmol/L", "10*9/L", "%")."""
    entry = _data().by_code.get(("UCUM", _normalize_unit(unit)))
    return entry.localized(_lang(language)) if entry else None


#: Entries that explain everyday words ("day", "active", "morning"): reachable by their code,
#: but not picked out of running text by ``find_terms``.
_EVERYDAY_CATEGORIES = frozenset(
    {"dayperiod", "periodicity", "lifecycle", "item", "hcparty", "interpretation", "temporality"}
)
_EVERYDAY_KEYS = frozenset(
    {"unit:day", "unit:week", "unit:month", "unit:year", "unit:hour", "unit:minute"}
)


@cache
def _alias_pattern() -> re.Pattern[str]:
    """One pattern matching any alias of two letters or more as a whole word (longest first)."""
    aliases = sorted(
        (
            alias
            for alias, entry in _data().by_alias.items()
            if len(alias) >= 2
            and entry.category not in _EVERYDAY_CATEGORIES
            and entry.key not in _EVERYDAY_KEYS
            and (entry.category != "system" or alias in {_fold(a) for a in entry.aliases})
        ),
        key=len,
        reverse=True,
    )
    return re.compile(r"(?<!\w)(" + "|".join(re.escape(a) for a in aliases) + r")(?!\w)")


def find_terms(text: str, language: str | None = None) -> list[GlossaryEntry]:
    """Glossary entries whose term or alias appears as a whole word in ``text`` (in order)."""
    data = _data()
    seen: set[str] = set()
    found: list[_Entry] = []
    for match in _alias_pattern().finditer(_fold(text)):
        entry = data.by_alias[match.group(1)]
        if entry.key not in seen:
            seen.add(entry.key)
            found.append(entry)
    lang = _lang(language)
    return [entry.localized(lang) for entry in found]


def all_entries(
    language: str | None = None, categories: Iterable[str] | None = None
) -> list[GlossaryEntry]:
    """Every entry (optionally only some categories), sorted by term in that language."""
    lang = _lang(language)
    wanted = set(categories) if categories is not None else None
    out = [
        entry.localized(lang)
        for entry in _data().entries.values()
        if wanted is None or entry.category in wanted
    ]
    return sorted(out, key=lambda e: _fold(e.term))


def who_can_explain(language: str | None = None) -> list[Contact]:
    """People and organisations who can explain the record, in the given language."""
    lang = _lang(language)
    out = []
    for raw in _data().contacts:
        name, description = raw.get(lang) or raw["en"]
        out.append(
            Contact(
                key=str(raw["key"]),
                name=str(name),
                description=str(description),
                phone=str(raw.get("phone", "")),
                website=str(raw.get("website", "")),
                region=str(raw.get("region", "")),
            )
        )
    return out
