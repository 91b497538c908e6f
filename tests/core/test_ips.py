"""International Patient Summary documents (the HL7 IPS guide's own examples, tests/data/ips):
every part the record can hold, the sections it cannot hold flagged with their own words, the
"no known ..." statements kept apart from the lists, and the document's date and author."""

from __future__ import annotations

import copy
import json
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from assistant.records.files import open_record_file, record_from_bytes
from assistant.records.ips import is_patient_summary, narrative_text
from assistant.records.model import (
    AllergyKind,
    Criticality,
    MedicationStatus,
    ProblemStatus,
    Record,
    SourceKind,
    UnreadableReason,
)

IPS = Path(__file__).resolve().parents[1] / "data" / "ips"
ALL_EXAMPLES = sorted(IPS.glob("*.json"))


def load(name: str) -> Record:
    return open_record_file(IPS / name)


def raw(name: str) -> dict[str, Any]:
    value: dict[str, Any] = json.loads((IPS / name).read_text(encoding="utf-8"))
    return value


def test_the_examples_are_there_and_are_patient_summaries() -> None:
    assert [p.name for p in ALL_EXAMPLES] == [
        "IPS-examples-Bundle-01.json",
        "IPS-examples-Bundle-with-immunization.json",
        "bundle-ips-all-sections.json",
        "bundle-no-info-required-sections.json",
    ]
    for path in ALL_EXAMPLES:
        assert is_patient_summary(json.loads(path.read_text(encoding="utf-8")))


def test_other_fhir_is_not_a_patient_summary() -> None:
    lab = json.loads(
        (IPS.parent / "shared-fixtures" / "fhir" / "lab" / "molis_1A.json").read_text("utf-8")
    )
    assert lab["type"] == "document"  # a lab report document: read as plain FHIR
    assert not is_patient_summary(lab)
    assert not is_patient_summary({"resourceType": "Bundle", "type": "collection"})
    assert not is_patient_summary({"resourceType": "Bundle", "type": "document", "entry": []})
    assert not is_patient_summary([])


def test_bundle_01_patient_medicines_allergies_problems_results() -> None:
    record = load("IPS-examples-Bundle-01.json")
    assert record.patient is not None
    assert record.patient.full_name == "Martha DeLarosa"
    assert record.patient.birth_date == date(1972, 5, 1)
    assert record.patient.sex == "F"

    meds = {m.name: m for m in record.medications}
    assert set(meds) == {
        "Product containing anastrozole (medicinal product)",
        "Black Cohosh Extract herbal supplement",
    }
    anastrozole = meds["Product containing anastrozole (medicinal product)"]
    assert anastrozole.status is MedicationStatus.ACTIVE
    assert anastrozole.begin == date(2015, 3, 1)
    assert anastrozole.posology[0].quantity == 1 and anastrozole.posology[0].unit == "tablet"
    assert anastrozole.route is not None and anastrozole.route.display == "Oral use"

    # the penicillin allergy is an allergy; "No known food allergy" is not
    assert [(a.substance, a.kind, a.criticality) for a in record.allergies] == [
        ("Substance with penicillin structure (substance)", AllergyKind.ALLERGY, Criticality.HIGH)
    ]
    assert record.allergies[0].onset == date(2010, 1, 1)

    problems = {p.name: p for p in record.problems}
    assert problems["Menopausal flushing (finding)"].status is ProblemStatus.ACTIVE
    cancer = problems["Malignant tumor of breast"]
    assert cancer.status is ProblemStatus.INACTIVE  # "remission"
    assert (cancer.onset, cancer.end) == (date(2015, 1, 1), date(2015, 3, 1))

    results = {r.test_name: r for r in record.lab_results}
    assert len(results) == 6
    assert results["ABO and Rh group [Type] in Blood"].value_text == (
        "Blood group A Rh(D) positive"
    )
    assert results["ABO and Rh group [Type] in Blood"].category == "Blood typing"
    hba1c = results["Hemoglobin A1c/Hemoglobin.total in Blood by HPLC"]
    assert (hba1c.value, hba1c.unit) == (7.5, "%")
    assert hba1c.note == "Above stated goal of 7.0 %"
    assert results["little c Ab [Presence] in Serum or Plasma"].value_text == "Negative"
    assert not record.vaccinations and not record.documents
    assert record.consent is None


def test_bundle_01_summary_date_author_and_sections_in_order() -> None:
    record = load("IPS-examples-Bundle-01.json")
    (summary,) = record.summaries
    assert summary.date == datetime(2017, 12, 11, 14, 30, tzinfo=timezone(timedelta(hours=1)))
    assert summary.author == "Beetje van Hulp"
    assert summary.title == "Patient Summary as of December 11, 2017 14:30"
    assert [(s.title, s.part) for s in summary.sections] == [
        ("Active Problems", "problems"),
        ("Medication", "medicines"),
        ("Allergies and Intolerances", "allergies"),
        ("History of Past Problems", "problems"),
        ("Plan of Treatment", ""),
        ("Results", "results"),
    ]
    assert summary.statements("allergies") == ["No known food allergy (situation)"]
    assert summary.statements("medicines") == []
    assert summary.source is not None and summary.source.kind is SourceKind.FHIR_FILE
    assert summary.source.label == "IPS-examples-Bundle-01.json"


def test_bundle_01_section_without_a_place_is_flagged_with_its_own_words() -> None:
    record = load("IPS-examples-Bundle-01.json")
    (part,) = record.unreadable
    assert part.reason is UnreadableReason.UNSUPPORTED
    assert "Plan of Treatment" in part.where
    assert part.raw.startswith("Continue hormone medication with Anastrozole for total of 5 years")


def test_the_immunization_example_adds_one_vaccine() -> None:
    record = load("IPS-examples-Bundle-with-immunization.json")
    (shot,) = record.vaccinations
    assert shot.vaccine == "Vaccin anti diphtérie-coqueluche-tétanos-poliomyélite"
    assert shot.date == date(1998, 6, 4)
    assert len(record.medications) == 2 and len(record.lab_results) == 6
    assert record.summaries[0].sections[-1].title == "Immunizations"
    assert record.summaries[0].sections[-1].part == "vaccines"


def test_all_sections_every_part_the_record_holds() -> None:
    record = load("bundle-ips-all-sections.json")
    assert record.patient is not None and record.patient.full_name == "Patricia JORDANA"
    assert record.patient.birth_date == date(1956, 9, 30)
    meds = {m.name.split(" ")[0]: m for m in record.medications}
    assert set(meds) == {"cilazapril", "lisinopril", "Ultraproct"}
    assert meds["cilazapril"].status is MedicationStatus.STOPPED
    assert meds["lisinopril"].status is MedicationStatus.ACTIVE
    assert meds["lisinopril"].posology_text == "Take One tablet once daily"
    assert [a.substance for a in record.allergies] == ["Penicillin"]
    assert {p.name: p.status for p in record.problems} == {
        "Essential hypertension": ProblemStatus.ACTIVE,
        "Gout": ProblemStatus.ACTIVE,
        "Impaired Mobility": ProblemStatus.ACTIVE,  # functional status
        "Fever": ProblemStatus.RESOLVED,  # a past problem
    }
    assert len(record.vaccinations) == 8
    assert sum("COVID-19" in v.vaccine for v in record.vaccinations) == 5
    assert max(v.date for v in record.vaccinations if v.date) == date(2024, 4, 10)
    names = {r.test_name: r for r in record.lab_results}
    assert len(record.lab_results) == 10  # 6 laboratory results, weight, BMI, 2 pressures
    assert names["Cholesterol [Moles/volume] in Serum or Plasma"].value == 5.7
    assert names["Body weight"].value == 91.5 and names["Body weight"].unit == "kg"
    assert names["Systolic blood pressure"].value == 140
    # the advance directive is a Consent about care, never the consent to share data
    assert record.consent is None
    # its document is referenced by the directive, with no content in the file
    assert [d.title for d in record.documents] == ["Advance Directive Document"]


def test_all_sections_the_sections_without_a_place_are_flagged_once_each() -> None:
    record = load("bundle-ips-all-sections.json")
    flagged = [u.where for u in record.unreadable]
    assert flagged == [
        "summary section: History of Procedures (47519-4)",
        "summary section: Device Use (46264-8)",
        "summary section: Social History (29762-2)",
        "summary section: Alerts (104605-1)",
        "summary section: Patient Story (81338-6)",
        "summary section: Advance Directives (42348-3)",
        "summary section: History of Pregnancy (10162-6)",
        "summary section: Plan of Care (18776-5)",
    ]
    assert all(u.reason is UnreadableReason.UNSUPPORTED for u in record.unreadable)
    words = {u.where.split(": ")[1].split(" (")[0]: u.raw for u in record.unreadable}
    assert "Total hip replacement" in words["History of Procedures"]
    assert "Never smoker" in words["Social History"]
    assert words["Patient Story"] == (
        "Patient undergoing lifestyle changes to lower blood pressure."
    )
    # the smoking habit and the pregnancy status are not results
    assert not any("smok" in r.test_name.lower() for r in record.lab_results)
    assert not any("regnan" in r.test_name for r in record.lab_results)


def test_all_sections_summary() -> None:
    (summary,) = load("bundle-ips-all-sections.json").summaries
    assert summary.date == datetime(2024, 9, 13)
    assert summary.author == "NorthCare Pukete Road-Thomas Road"
    assert len(summary.sections) == 16
    assert [s.part for s in summary.sections if s.part] == [
        "problems",
        "allergies",
        "medicines",
        "vaccines",
        "results",
        "results",
        "problems",
        "problems",
    ]


def test_empty_required_sections_say_so_and_hold_nothing() -> None:
    record = load("bundle-no-info-required-sections.json")
    assert record.patient is not None and record.patient.full_name == "James Judge"
    assert not record.medications and not record.allergies and not record.problems
    assert [v.date for v in record.vaccinations] == [date(2020, 7, 3), date(2019, 6, 3)]
    assert not record.unreadable
    (summary,) = record.summaries
    assert summary.author == "Northcare, Thomas Road"  # a PractitionerRole: person, place
    assert summary.statements("allergies") == [
        "There is no information available regarding the subject's allergies."
    ]
    assert summary.statements("medicines") == [
        "There is no information available about the subject's medication use or administration."
    ]
    assert {s.empty_reason for s in summary.sections if s.part != "vaccines"} == {"unavailable"}


def test_an_entry_missing_from_the_file_is_flagged() -> None:
    changed = copy.deepcopy(raw("IPS-examples-Bundle-01.json"))
    changed["entry"][0]["resource"]["section"][0]["entry"].append(
        {"reference": "Condition/not-in-this-file"}
    )
    record = record_from_bytes(json.dumps(changed).encode(), "summary.json")
    missing = [u for u in record.unreadable if u.reason is UnreadableReason.MISSING_VALUE]
    assert [u.raw for u in missing] == ["Condition/not-in-this-file"]
    assert len(record.problems) == 2  # the rest is read


def test_a_resource_without_a_section_is_still_read() -> None:
    changed = copy.deepcopy(raw("IPS-examples-Bundle-01.json"))
    for section in changed["entry"][0]["resource"]["section"]:
        if section["title"] == "Medication":
            section["entry"] = section["entry"][:1]
    record = record_from_bytes(json.dumps(changed).encode(), "summary.json")
    assert len(record.medications) == 2  # never dropped because a section forgot it


def test_a_damaged_composition_still_reads_the_resources() -> None:
    changed = copy.deepcopy(raw("IPS-examples-Bundle-01.json"))
    changed["entry"][0]["resource"]["section"] = "not a list of sections"
    changed["entry"][0]["resource"]["date"] = "11/12/2017"
    record = record_from_bytes(json.dumps(changed).encode(), "summary.json")
    assert len(record.medications) == 2 and len(record.allergies) == 2
    assert record.summaries[0].date is None


@pytest.mark.parametrize("path", ALL_EXAMPLES, ids=lambda p: p.stem)
def test_every_example_merges_and_wipes(path: Path) -> None:
    record = open_record_file(path)
    merged = record.merge(record)
    assert merged.summaries == record.summaries  # once, not twice
    merged.wipe()
    assert not merged.summaries and merged.is_empty


def test_narrative_text_keeps_paragraphs_and_table_rows() -> None:
    html = (
        '<div xmlns="http://www.w3.org/1999/xhtml"><p>First  line</p><table><tr><th>A</th>'
        "<th>B</th></tr><tr><td>1 &amp; 2</td><td>x</td></tr></table><br/>end</div>"
    )
    assert narrative_text(html) == "First line\nA | B\n1 & 2 | x\nend"
    assert narrative_text("") == ""
    assert narrative_text("<div><style>p {}</style>words</div>") == "words"
