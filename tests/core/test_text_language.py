"""Issue 13.10 (core): the language of texts from the record, declared by the source or
guessed with care; real files of the shared fixtures and hand-made variants."""

from __future__ import annotations

from collections import Counter

import pytest

from assistant.records.fhir_map import record_from_fhir
from assistant.records.files import open_record_file
from assistant.records.model import ItemSource, SourceKind
from assistant.text_language import foreign_language, guess_language, primary_language
from tests.support.fixtures import FIXTURES
from tests.support.records import demo_record

SOURCE = ItemSource(SourceKind.FHIR_FILE, "test.json")


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Never skip a dose.", "en"),
        ("1 tablet if pain, up to 3 a day", "en"),
        ("Take with a meal.", "en"),
        ("Prendre avec un repas, le matin.", "fr"),
        ("Neem 1 tablet na de maaltijd, 's avonds", "nl"),
        ("Nie eine Dosis auslassen, täglich mit Wasser", "de"),
        # names and short phrases: no guess
        ("Penicillin", ""),
        ("Hives", ""),
        ("0.5 tab", ""),
        ("Eliquis 5 mg filmomh. tabl.", ""),
        ("", ""),
    ],
)
def test_guess_is_safe(text: str, language: str) -> None:
    assert guess_language(text) == language


def test_the_sources_word_wins_and_the_readers_own_language_is_not_foreign() -> None:
    assert primary_language("nl-BE") == "nl" and primary_language("en_GB") == "en"
    assert foreign_language("Nooit overslaan", "nl-BE", "fr") == "nl"
    assert foreign_language("Never skip a dose.", "", "fr") == "en"
    assert foreign_language("Never skip a dose.", "", "en") == ""
    assert foreign_language("Never skip a dose.", "fr", "fr") == ""  # declared: not guessed
    assert foreign_language("Penicillin", "", "fr") == ""  # not known: no label


def test_kmehr_items_carry_the_language_of_their_texts() -> None:
    record = open_record_file(FIXTURES / "kmehr" / "sumehr" / "sumehr_example.kmehr")
    languages = Counter(i.source.language for i in record.items() if i.source is not None)
    assert {"nl", "en", "fr"} <= set(languages)


@pytest.mark.parametrize(
    ("path", "language"),
    [
        ("fhir/vaccination/vaccinnet.json", "nl-BE"),
        ("more/fhir-r4/lab-Macsys-815333041-44.json", "nl"),
    ],
)
def test_fhir_files_declare_their_language(path: str, language: str) -> None:
    record = open_record_file(FIXTURES / path)
    assert language in {i.source.language for i in record.items() if i.source is not None}


def _allergy(**extra: object) -> dict[str, object]:
    return {
        "resourceType": "AllergyIntolerance",
        "id": "a1",
        "code": {"text": "Penicillin"},
        "reaction": [
            {
                "manifestation": [
                    {
                        "coding": [{"system": "http://snomed.info/sct", "code": "126485001"}],
                        "text": "Hives",
                    }
                ]
            }
        ],
        **extra,
    }


def test_fhir_language_of_the_resource_its_narrative_or_its_bundle() -> None:
    own = record_from_fhir(_allergy(language="en-GB"), SOURCE)
    assert own.allergies[0].source is not None and own.allergies[0].source.language == "en-GB"
    div = '<div xmlns="http://www.w3.org/1999/xhtml" lang="nl">Penicilline</div>'
    narrative = record_from_fhir(_allergy(text={"status": "generated", "div": div}), SOURCE)
    assert narrative.allergies[0].source.language == "nl"  # type: ignore[union-attr]
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "language": "de",
        "entry": [{"resource": _allergy()}, {"resource": _allergy(id="a2", language="fr")}],
    }
    both = record_from_fhir(bundle, SOURCE)
    assert [a.source.language for a in both.allergies] == ["de", "fr"]  # type: ignore[union-attr]
    none = record_from_fhir(_allergy(), SOURCE)
    assert none.allergies[0].source.language == ""  # type: ignore[union-attr]


def test_reaction_codes_are_kept_for_the_glossary() -> None:
    record = record_from_fhir(_allergy(), SOURCE)
    assert [c.code for c in record.allergies[0].reaction_codings] == ["126485001"]
    adult = demo_record("adult")
    hives = next(a for a in adult.allergies if a.reaction == "Hives")
    assert any(c.code == "126485001" for c in hives.reaction_codings)
