"""Glossary: well-formed data in 4 languages; every code of the fixtures and demo hub explained."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant import glossary, i18n
from assistant.records.fhir_map import record_from_fhir
from assistant.records.files import open_record_file
from assistant.records.model import Coding, ItemSource, Record, SourceKind
from tests.support.fixtures import FIXTURES, record_files

ROOT = Path(__file__).resolve().parents[2]
LANGS = ("fr", "nl", "en", "de")
SECTIONS = ("lab_results", "problems", "vaccinations", "allergies")


def fixture_files() -> list[Path]:
    """Every shared record fixture (in-repo copy) except the 10x/100x load copies."""
    return [p for p in record_files() if not re.search(r"example10+\.", p.name)]


@cache
def hub_records() -> dict[str, Record]:
    from assistant.demo.hub.patients import synthetic_patients

    return {
        patient.citizen_id: record_from_fhir(
            list(patient.resources), ItemSource(SourceKind.DEMO, "demo hub")
        )
        for patient in synthetic_patients().values()
    }


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    before = i18n.current_language()
    i18n.set_language("en")
    yield
    i18n.set_language(before)


def raw_entries() -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    for path in sorted((ROOT / "locales" / "glossary").glob("*.json")):
        out.extend(json.loads(path.read_text(encoding="utf-8")).get("entries", []))
    return out


def test_data_loads_and_is_large_enough() -> None:
    glossary.reload()
    entries = glossary.all_entries()
    assert len(entries) > 300
    categories = {e.category for e in entries}
    assert {
        "system",
        "lab",
        "problem",
        "vaccine",
        "unit",
        "route",
        "term",
        "medicine",
    } <= categories


@pytest.mark.parametrize("lang", LANGS)
def test_every_entry_in_every_language_is_easy_read(lang: str) -> None:
    for entry in glossary.all_entries(lang):
        assert entry.language == lang
        assert entry.term.strip() and entry.explanation.strip(), entry.key
        sentences = [s for s in re.split(r"(?<=[.!?])\s+", entry.explanation) if s]
        assert len(sentences) <= 3, (entry.key, entry.explanation)
        assert len(entry.explanation) <= 320, entry.key
        assert entry.explanation.rstrip()[-1] in ".!?)", entry.key


def test_translations_differ_from_english() -> None:
    # A copied English text in another language is a missed translation.
    copied = []
    for raw in raw_entries():
        english = raw["en"]
        for lang in ("fr", "nl", "de"):
            if raw[lang][1] == english[1]:  # type: ignore[index]
                copied.append((raw["key"], lang))
    assert copied == []


def test_every_code_system_has_its_own_entry() -> None:
    for short in glossary.SYSTEM_ALIASES:
        assert glossary.explain_system(short) is not None, short
        for ident in glossary.SYSTEM_ALIASES[short]:
            assert glossary.normalize_system(ident) == short


def test_duplicate_codes_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    entry = {"key": "a", "codes": ["LOINC|1-8"], **{lang: ["t", "e."] for lang in LANGS}}
    twin = {**entry, "key": "b"}
    (tmp_path / "x.json").write_text(json.dumps({"entries": [entry, twin]}))
    with pytest.raises(ValueError, match="explained twice"):
        glossary._load(tmp_path)
    missing_lang = {"key": "c", "en": ["t", "e."], "fr": ["t", "e."]}
    (tmp_path / "x.json").write_text(json.dumps({"entries": [missing_lang]}))
    with pytest.raises(ValueError, match="lacks"):
        glossary._load(tmp_path)


@pytest.mark.parametrize(
    ("system", "code", "key"),
    [
        ("http://loinc.org", "718-7", "lab:hemoglobin"),
        ("http://loinc.org", "4548-4", "lab:hba1c"),
        ("ICPC", "K77", "problem:heart-failure"),
        ("http://hl7.org/fhir/sid/icd-10", "I50.1", "problem:heart-failure"),
        ("http://hl7.org/fhir/sid/icd-10", "E11.65", "problem:diabetes-type-2"),  # parent code
        ("CD-CLINICAL", "10044432", "problem:hypothyroidism"),
        ("CD-VACCINEINDICATION", "hepatitisb", "vaccine:hepatitis-b"),
        ("http://www.whocc.no/atc", "J07BB02", "vaccine:flu"),
        ("http://www.whocc.no/atc", "C09AA05", "medicine:c09"),  # ATC group
        ("http://unitsofmeasure.org", "mL/min/{1.73_m2}", "unit:egfr"),
        ("http://unitsofmeasure.org", "10*9/L", "unit:thousand-per-microlitre"),
        ("CD-PERIODICITY", "WT", "periodicity:wt"),
        ("CD-DAYPERIOD", "afterbreakfast", "dayperiod:afterbreakfast"),
        ("CD-DRUG-ROUTE", "eye_left", "route:eye-left"),
        ("http://snomed.info/sct", "764146007", "allergen:penicillin"),
    ],
)
def test_specific_entries(system: str, code: str, key: str) -> None:
    entry = glossary.explain_coding(Coding(system, code))
    assert entry is not None and entry.key == key


def test_display_text_explains_local_codes() -> None:
    local = Coding("https://cgm.com/MOLIS/ANA", "HB", "Hemoglobine")
    entry = glossary.explain_coding(local)
    assert entry is not None and entry.key == "lab:hemoglobin"
    brand = Coding(glossary.SYSTEM_ALIASES["CNK"][0], "4148128", "Vaxigrip Tetra")
    entry = glossary.explain_coding(brand)
    assert entry is not None and entry.key == "vaccine:flu"
    # A medicine's brand name never borrows an allergy text.
    medicine = Coding(glossary.SYSTEM_ALIASES["CNK"][0], "2788305", "Dafalgan 1 g tabl. 60")
    entry = glossary.explain_coding(medicine)
    assert entry is not None and entry.key == "system:cnk"
    assert entry.term.startswith("Dafalgan 1 g tabl. 60") and "CNK" in entry.term


def test_unknown_system_and_code() -> None:
    assert glossary.explain_coding(Coding("urn:unknown", "x")) is None
    unknown_loinc = glossary.explain_coding(Coding("http://loinc.org", "99999-9"))
    assert unknown_loinc is not None and unknown_loinc.key == "system:loinc"
    assert glossary.explain_specific(Coding("http://loinc.org", "99999-9")) is None


def test_language_follows_the_program() -> None:
    coding = Coding("http://loinc.org", "718-7")
    terms = {}
    for lang in LANGS:
        i18n.set_language(lang)
        entry = glossary.explain_coding(coding)
        assert entry is not None
        terms[lang] = entry.term
    assert terms == {
        "fr": "Hémoglobine",
        "nl": "Hemoglobine",
        "en": "Haemoglobin",
        "de": "Hämoglobin",
    }
    assert glossary.explain_coding(coding, "nl").term == "Hemoglobine"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("word", "key"),
    [
        ("posology", "term:posology"),
        ("Sumehr", "term:sumehr"),
        ("GMD", "term:gmd"),
        ("PUK", "term:puk"),
        ("PIN letter", "term:pin-letter"),
        ("consent", "term:consent"),
        ("therapeutic relation", "term:therapeutic-relation"),
        ("reference range", "term:reference-range"),
        ("hub", "term:hub"),
        ("e-prescription", "term:e-prescription"),
        ("eGFR", "lab:egfr"),
        ("hémoglobine", "lab:hemoglobin"),
        ("Hamoglobin", "lab:hemoglobin"),  # accents are optional
        ("flux capacitor", None),
    ],
)
def test_explain_term(word: str, key: str | None) -> None:
    entry = glossary.explain_term(word)
    assert (entry.key if entry else None) == key


def test_find_terms_in_text() -> None:
    found = [e.key for e in glossary.find_terms("Your HbA1c and eGFR, from the Sumehr of your GP.")]
    assert found == ["lab:hba1c", "lab:egfr", "term:sumehr", "term:gp"]
    assert glossary.find_terms("") == []
    everyday = "Every day in the morning. Status: active. Unit: week."
    assert glossary.find_terms(everyday) == []
    assert [e.key for e in glossary.find_terms("CNK code and ATC")] == ["system:cnk", "system:atc"]


def test_units_as_printed() -> None:
    for unit in ("mmol/L", "mg/dL", "g/dL", "%", "10*9/L", "mL/min/1.73m2", "µg/h", "U/mL"):
        assert glossary.explain_unit(unit) is not None, unit
    assert glossary.explain_unit("furlongs") is None


def test_contacts_who_can_explain() -> None:
    for lang in LANGS:
        contacts = glossary.who_can_explain(lang)
        keys = {c.key for c in contacts}
        assert {"gp", "pharmacist", "luss", "vpp", "patientenrat", "emergency"} <= keys
        assert all(c.name and c.description for c in contacts)
    emergency = next(c for c in glossary.who_can_explain("en") if c.key == "emergency")
    assert emergency.phone == "112"


def real_code(coding: Coding) -> bool:
    return any(ch.isalnum() for ch in coding.code)


def check_record(name: str, record: Record) -> list[str]:
    """Problems: items without a specific explanation, codings without any explanation."""
    problems = []
    for section in SECTIONS:
        for item in getattr(record, section):
            codings = [c for c in item.codings if real_code(c)]
            if not codings:
                continue
            if not any(glossary.explain_specific(c) for c in codings):
                problems.append(f"{name} {section}: {[(c.system, c.code) for c in codings]}")
    for coding in record.all_codings():
        if real_code(coding) and glossary.normalize_system(coding.system) is not None:
            if glossary.explain_coding(coding) is None:
                problems.append(f"{name}: no words for {coding.system} {coding.code}")
    return problems


@pytest.mark.parametrize("path", fixture_files(), ids=lambda p: p.name)
def test_every_fixture_item_is_explained(path: Path) -> None:
    record = open_record_file(path)
    assert check_record(path.name, record) == []


def test_fixtures_are_present() -> None:
    # Without the shared fixtures the test above would silently test nothing.
    assert len(fixture_files()) >= 20


def test_fixture_lab_codes_all_specific() -> None:
    record = open_record_file(FIXTURES / "fhir" / "lab" / "molis_1A.json")
    loinc = [c for r in record.lab_results for c in r.codings if c.system == "http://loinc.org"]
    assert len(loinc) >= 20
    assert [c.code for c in loinc if glossary.explain_specific(c) is None] == []


def test_every_demo_hub_item_is_explained() -> None:
    records = hub_records()
    assert {"adult", "kid"} <= records.keys()
    problems = []
    for citizen, record in records.items():
        problems.extend(check_record(f"hub:{citizen}", record))
    assert problems == []
    adult = records["adult"]
    assert len(adult.lab_results) > 10 and len(adult.problems) >= 8


def test_every_demo_hub_medicine_has_words() -> None:
    for record in hub_records().values():
        for medication in record.medications:
            words = [glossary.explain_coding(c) for c in medication.codings]
            assert any(w is not None for w in words), medication


@settings(max_examples=80, deadline=None)
@given(
    system=st.sampled_from([i for idents in glossary.SYSTEM_ALIASES.values() for i in idents]),
    code=st.text(max_size=12),
    display=st.text(max_size=30),
)
def test_any_coding_of_a_known_system_gets_words(system: str, code: str, display: str) -> None:
    entry = glossary.explain_coding(Coding(system, code, display))
    assert entry is not None and entry.term and entry.explanation
