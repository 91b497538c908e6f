"""FHIR mapper: every fixture, counts from an independent JSON walk, posology, lab results,
vaccinations, the other Belgian resources, and malformed resources."""

from __future__ import annotations

import base64
import json
from datetime import date, time
from pathlib import Path
from typing import Any

import pytest

from assistant.errors import BadDataError
from assistant.records.fhir_map import record_from_fhir
from assistant.records.model import (
    AllergyKind,
    Criticality,
    DayPeriod,
    Interpretation,
    ItemSource,
    Medication,
    MedicationStatus,
    ProblemStatus,
    Record,
    RelationKind,
    ResultStatus,
    SourceKind,
    TimeUnit,
    UnreadableReason,
    Weekday,
)
from tests.support.fixtures import FHIR_SCHEMES, FIXTURES, fhir_scheme_files

SCHEMES = FHIR_SCHEMES
SCHEME_FILES = fhir_scheme_files()
SOURCE = ItemSource(SourceKind.FHIR_FILE, "test")


def load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def read(path: Path) -> Record:
    return record_from_fhir(load(path), ItemSource(SourceKind.FHIR_FILE, path.name))


def every(med: Medication) -> tuple[float, TimeUnit] | None:
    return (med.frequency.every, med.frequency.unit) if med.frequency else None


def by_name(record: Record) -> dict[str, Medication]:
    return {m.name: m for m in record.medications}


def resources(data: Any, kind: str) -> list[dict[str, Any]]:
    """Independent walk: every resource of ``kind`` in a Bundle."""
    return [e["resource"] for e in data["entry"] if e["resource"]["resourceType"] == kind]


def test_fixture_folder_has_the_20_schemes() -> None:
    assert len(SCHEME_FILES) == 20


@pytest.mark.parametrize("path", SCHEME_FILES, ids=lambda p: p.stem)
def test_every_scheme_opens_with_every_medication(path: Path) -> None:
    data = load(path)
    record = read(path)
    statements = resources(data, "MedicationStatement")
    assert len(record.medications) == len(statements)
    assert [m.name for m in record.medications] == [
        s["medicationCodeableConcept"]["text"] for s in statements
    ]
    patient = resources(data, "Patient")[0]
    assert record.patient is not None
    assert record.patient.national_number == patient["identifier"][0]["value"]
    for med in record.medications:
        assert med.source is not None and med.source.ref.startswith("MedicationStatement/")
        assert med.prescriber  # the recorder, resolved through PractitionerRole


def test_ts02_posologies() -> None:
    meds = by_name(read(SCHEMES / "TS-02-posologies.json"))
    d3 = meds["Drug n°3"]
    assert d3.as_needed and d3.posology_text == "Take it when needed"
    assert d3.frequency is not None and (d3.frequency.every, d3.frequency.unit) == (
        6,
        TimeUnit.HOUR,
    )
    d5 = meds["Drug n°5"]
    assert [(t.time_of_day, t.quantity) for t in d5.posology] == [(time(7, 59), 2)]
    assert d5.posology[0].on_date == date(2021, 3, 22)
    d8 = meds["Drug n°8"]
    assert [t.day_number for t in d8.posology][:2] == [1, 2]
    assert d8.posology[0].unit_coding is not None and d8.posology[0].unit_coding.code == "5.mL"
    d9 = meds["Drug n°9"]
    assert [(t.weekday, t.period, t.quantity) for t in d9.posology] == [
        (Weekday.FRIDAY, DayPeriod.BEFORE_BREAKFAST, 2)
    ]
    d11 = meds["Drug n°11"]
    assert [t.period for t in d11.posology][:3] == [
        DayPeriod.AFTER_BREAKFAST,
        DayPeriod.DURING_LUNCH,
        DayPeriod.AFTER_DINNER,
    ]
    d14 = meds["Drug n°14"]
    assert [(t.weekday, t.quantity) for t in d14.posology] == [
        (Weekday.TUESDAY, 2.5),
        (Weekday.FRIDAY, 2),
    ]
    assert d14.frequency is not None
    assert d14.frequency.weekdays == (Weekday.TUESDAY, Weekday.FRIDAY)


def test_ts04_day_periods() -> None:
    (med,) = read(SCHEMES / "TS-04-CD-DAYPERIOD.json").medications
    assert [t.day_number for t in med.posology] == list(range(1, 15))
    assert [t.period for t in med.posology][:6] == [
        DayPeriod.AFTER_BREAKFAST,
        DayPeriod.AFTER_DINNER,
        DayPeriod.AFTER_LUNCH,
        DayPeriod.BEFORE_BREAKFAST,
        DayPeriod.BEFORE_DINNER,
        DayPeriod.BEFORE_LUNCH,
    ]
    assert med.posology[12].period is DayPeriod.MORNING
    assert med.posology[13].period is DayPeriod.BEDTIME


def test_ts06_periodicity_from_timing_repeat() -> None:
    path = SCHEMES / "TS-06-CD-PERIODICITY.json"
    data = load(path)
    record = read(path)
    expected = []
    for s in resources(data, "MedicationStatement"):
        repeat = s["dosage"][0]["timing"]["repeat"]
        expected.append((repeat["period"], repeat["periodUnit"]))
    units = {"h": TimeUnit.HOUR, "d": TimeUnit.DAY, "wk": TimeUnit.WEEK, "mo": TimeUnit.MONTH}
    units["a"] = TimeUnit.YEAR
    got = [(m.frequency.every, m.frequency.unit) for m in record.medications if m.frequency]
    assert got == [(float(p), units[u]) for p, u in expected]


def test_ts08_suspensions_match_the_kmehr_version() -> None:
    from assistant.records.kmehr import record_from_kmehr

    fhir = read(SCHEMES / "TS-08-THERAPEUTIC_SUSPENSIONS.json")
    xml = FIXTURES / "kmehr" / "medication-scheme" / "TS-08-THERAPEUTIC_SUSPENSIONS.xml"
    kmehr = record_from_kmehr(xml.read_bytes(), SOURCE)
    for a, b in zip(fhir.medications, kmehr.medications, strict=True):
        assert a.name == b.name
        assert [(s.begin, s.end) for s in a.suspensions] == [
            (s.begin, s.end) for s in b.suspensions
        ], a.name
    d1 = by_name(fhir)["Drug 001"]
    assert d1.status_on(date(2022, 7, 4)) is MedicationStatus.SUSPENDED
    assert d1.status_on(date(2022, 7, 6)) is MedicationStatus.ACTIVE


def test_ts13_duration() -> None:
    meds = by_name(read(SCHEMES / "TS-13-duration.json"))
    d2 = meds["Drug 0002"].duration
    assert d2 is not None and (d2.value, d2.unit) == (5, TimeUnit.YEAR)
    d6 = meds["Drug 0006"].duration
    assert d6 is not None and (d6.value, d6.unit) == (5, TimeUnit.MONTH)
    assert meds["Drug 0013"].duration is None


def test_ts11_and_ts16_keep_every_medication() -> None:
    for name in ("TS-11-Unexpected_Scenarios", "TS-16-NOT-PERMITTED-VALUES"):
        data = load(SCHEMES / f"{name}.json")
        record = read(SCHEMES / f"{name}.json")
        assert len(record.medications) == len(resources(data, "MedicationStatement"))
    ts11 = read(SCHEMES / "TS-11-Unexpected_Scenarios.json")
    whys = " / ".join(u.why for u in ts11.unreadable)
    for expected in (
        "weekday used with a frequency in days",
        "quantity has more than 4 digits",
        "more than 5 suspensions",
        "quantity is 0 or less",
        "instructions are longer than 340 characters",
    ):
        assert expected in whys
    refs = {m.source.ref for m in ts11.medications if m.source}
    assert all(u.source is not None and u.source.ref in refs for u in ts11.unreadable)


@pytest.mark.parametrize("path", SCHEME_FILES, ids=lambda p: p.stem)
def test_fhir_and_kmehr_versions_list_the_same_medications(path: Path) -> None:
    from assistant.records.kmehr import record_from_kmehr

    xml = FIXTURES / "kmehr" / "medication-scheme" / f"{path.stem}.xml"
    kmehr = record_from_kmehr(xml.read_bytes(), SOURCE)
    fhir = read(path)
    assert len(fhir.medications) == len(kmehr.medications)
    assert sorted(m.name for m in fhir.medications) == sorted(m.name for m in kmehr.medications)
    assert [m.name for m in fhir.medications] == [m.name for m in kmehr.medications]
    for a, b in zip(fhir.medications, kmehr.medications, strict=True):
        if a.begin is not None:  # some FHIR versions leave the begin date out
            assert a.begin == b.begin, a.name
        assert [t.quantity for t in a.posology] == [t.quantity for t in b.posology], a.name
        assert a.as_needed == b.as_needed, a.name
        assert a.end == b.end, a.name
        assert every(a) == every(b), a.name
        assert [(t.weekday, t.time_of_day, t.day_number) for t in a.posology] == [
            (t.weekday, t.time_of_day, t.day_number) for t in b.posology
        ], a.name
        if a.duration or b.duration:
            assert a.duration is not None and b.duration is not None, a.name
            assert a.duration.unit is b.duration.unit, a.name
            assert a.duration.value == pytest.approx(b.duration.value), a.name
        if path.stem == "TS-13-duration":
            continue  # its FHIR version drops the duration of the suspension
        for day in (date(2020, 1, 1), date(2022, 7, 4), date(2026, 8, 1), date(2030, 1, 1)):
            assert a.status_on(day) is b.status_on(day), (a.name, day)


def test_molis_lab_report() -> None:
    path = FIXTURES / "fhir" / "lab" / "molis_1A.json"
    data = load(path)
    record = read(path)
    observations = resources(data, "Observation")
    assert len(observations) == 27
    with_value = [o for o in observations if any(k.startswith("value") for k in o)]
    panels = [o for o in observations if "hasMember" in o]
    assert len(with_value) + len(panels) == 27
    assert len(record.lab_results) == len(with_value)
    # every member of a panel carries the panel's name
    panel_name = panels[0]["code"]["text"]
    members = {m["reference"].split("/")[1] for m in panels[0]["hasMember"]}
    for result in record.lab_results:
        if result.source and result.source.ref.split("/")[1] in members:
            assert result.category == panel_name
    results = {r.test_name: r for r in record.lab_results}
    hct = results["Hematocriet"]
    assert hct.value == 47.6 and hct.unit == "%"
    assert hct.reference_range is not None
    assert (hct.reference_range.low, hct.reference_range.high) == (39.9, 51.0)
    assert hct.interpretation is Interpretation.NORMAL
    assert ("http://loinc.org", "4544-3") in {(c.system, c.code) for c in hct.codings}
    assert hct.report_title == "Laboratoriumrapport"
    assert hct.status is ResultStatus.FINAL
    pattern = results["Nucleair patroon"]
    assert pattern.value is None and pattern.value_text == "Homogeen (AC-1)"
    interpreted = {
        c["code"] for o in observations for i in o.get("interpretation", []) for c in i["coding"]
    }
    mapped = {r.interpretation for r in record.lab_results}
    if "H" in interpreted:
        assert Interpretation.HIGH in mapped
    if "L" in interpreted:
        assert Interpretation.LOW in mapped
    with_range = [o for o in with_value if "referenceRange" in o]
    assert sum(1 for r in record.lab_results if r.reference_range) == len(with_range)
    # the PDF of the report is a document with its bytes
    (doc,) = record.documents
    assert doc.content_type == "application/pdf" and doc.content is not None
    assert doc.content.startswith(b"%PDF")


def test_vaccinations() -> None:
    vaccinnet = read(FIXTURES / "fhir" / "vaccination" / "vaccinnet.json")
    (v,) = vaccinnet.vaccinations
    assert v.date == date(2024, 1, 5) and v.status == "completed"
    assert {c.code for c in v.codings} == {"871751006", "1149939"}
    assert vaccinnet.unreadable == []
    # the IG's template keeps "???" placeholders and a misspelt date: listed, and reported
    template = read(FIXTURES / "fhir" / "vaccination" / "katrijn1.json")
    (t,) = template.vaccinations
    assert t.date is None
    whys = {u.why for u in template.unreadable}
    assert "vaccination without a date" in whys
    assert "SNOMED CT code is not a number" in whys


# ----------------------------------------------------------------------------- other resources


def bundle(*entries: dict[str, Any]) -> dict[str, Any]:
    return {
        "resourceType": "Bundle",
        "type": "searchset",
        "entry": [{"fullUrl": f"urn:uuid:{i}", "resource": e} for i, e in enumerate(entries)],
    }


PRACTITIONER = {
    "resourceType": "Practitioner",
    "id": "p1",
    "name": [{"given": ["Ann"], "family": "Peeters", "prefix": ["Dr"]}],
}
ORGANISATION = {"resourceType": "Organization", "id": "o1", "name": "AZ Sint-Jan"}
ROLE = {
    "resourceType": "PractitionerRole",
    "id": "r1",
    "practitioner": {"reference": "Practitioner/p1"},
    "organization": {"reference": "Organization/o1"},
}


def test_other_belgian_resources() -> None:
    pdf = b"%PDF-1.4 letter"
    data = bundle(
        PRACTITIONER,
        ORGANISATION,
        ROLE,
        {
            "resourceType": "AllergyIntolerance",
            "id": "a1",
            "type": "intolerance",
            "category": ["medication"],
            "criticality": "high",
            "code": {"text": "Penicillin"},
            "reaction": [{"manifestation": [{"text": "Rash"}]}],
            "clinicalStatus": {"coding": [{"code": "active"}]},
        },
        {
            "resourceType": "Condition",
            "id": "c1",
            "code": {
                "coding": [{"system": "http://hl7.org/fhir/sid/icpc-2", "code": "K86"}],
                "text": "High blood pressure",
            },
            "clinicalStatus": {"coding": [{"code": "resolved"}]},
            "onsetDateTime": "2010-05",
        },
        {
            "resourceType": "DocumentReference",
            "id": "d1",
            "type": {"text": "Discharge letter"},
            "author": [{"reference": "PractitionerRole/r1"}],
            "date": "2023-02-03T10:00:00+01:00",
            "content": [
                {
                    "attachment": {
                        "contentType": "application/pdf",
                        "data": base64.b64encode(pdf).decode(),
                        "title": "Letter",
                    }
                }
            ],
        },
        {
            "resourceType": "DocumentReference",
            "id": "d2",
            "type": {"text": "Radiology"},
            "content": [{"attachment": {"contentType": "text/plain", "url": "Binary/9"}}],
        },
        {
            "resourceType": "Consent",
            "id": "k1",
            "status": "active",
            "dateTime": "2019-04-01",
            "scope": {"text": "Sharing between care providers"},
        },
        {
            "resourceType": "Consent",
            "id": "k2",
            "status": "active",
            "dateTime": "2020-01-01",
            "provision": {
                "type": "deny",
                "actor": [{"reference": {"reference": "Practitioner/p1"}}],
            },
        },
        {
            "resourceType": "AuditEvent",
            "id": "e1",
            "action": "R",
            "recorded": "2024-03-04T09:30:00Z",
            "agent": [{"requestor": True, "who": {"reference": "PractitionerRole/r1"}}],
            "entity": [{"what": {"display": "Lab results"}}],
        },
        {
            "resourceType": "MedicationRequest",
            "id": "m1",
            "identifier": [{"system": "urn:be:fgov:ehealth:pres-id", "value": "BEP0ABCDEFGH"}],
            "status": "active",
            "medicationCodeableConcept": {"text": "Amoxicilline 500 mg"},
            "requester": {"reference": "Practitioner/p1"},
            "authoredOn": "2024-05-01",
            "dispenseRequest": {"validityPeriod": {"end": "2025-05-01"}},
        },
        {
            "resourceType": "CareTeam",
            "id": "t1",
            "participant": [
                {"member": {"reference": "PractitionerRole/r1"}, "role": [{"text": "GP"}]}
            ],
        },
        {"resourceType": "Basic", "id": "x1"},
    )
    record = record_from_fhir(data, SOURCE)
    (allergy,) = record.allergies
    assert allergy.kind is AllergyKind.ADVERSE_DRUG_REACTION
    assert (allergy.substance, allergy.reaction, allergy.criticality) == (
        "Penicillin",
        "Rash",
        Criticality.HIGH,
    )
    (problem,) = record.problems
    assert problem.status is ProblemStatus.RESOLVED and problem.onset == date(2010, 5, 1)
    letter, radiology = record.documents
    assert letter.content == pdf and letter.author == "Dr Ann Peeters, AZ Sint-Jan"
    assert letter.title == "Letter" and letter.kind == "Discharge letter"
    assert radiology.content is None and radiology.url == "Binary/9"
    assert record.consent is not None and record.consent.granted is True
    assert record.consent.since == date(2019, 4, 1)
    (exclusion,) = record.exclusions
    assert exclusion.who == "Dr Ann Peeters"
    (entry,) = record.access_log
    assert (entry.who, entry.organisation, entry.action, entry.what) == (
        "Dr Ann Peeters, AZ Sint-Jan",
        "AZ Sint-Jan",
        "read",
        "Lab results",
    )
    (prescription,) = record.prescriptions
    assert prescription.rid == "BEP0ABCDEFGH" and prescription.expiry == date(2025, 5, 1)
    assert prescription.prescriber == "Dr Ann Peeters"
    (relation,) = record.relations
    assert relation.kind is RelationKind.CARE_TEAM and relation.role == "GP"
    assert relation.organisation == "AZ Sint-Jan"
    (part,) = record.unreadable
    assert part.reason is UnreadableReason.UNSUPPORTED and "Basic" in part.why


def test_malformed_resources_are_reported_not_dropped() -> None:
    data = [
        {
            "resourceType": "Observation",
            "id": "o1",
            "code": {"text": "Glucose"},
            "valueQuantity": {"value": "high"},
        },
        {
            "resourceType": "Condition",
            "id": "c1",
            "code": {"text": "Asthma"},
            "onsetDateTime": "yesterday",
        },
        {
            "resourceType": "MedicationStatement",
            "id": "m1",
            "status": "taking-it",
            "medicationCodeableConcept": {"text": "Aspirin"},
            "effectivePeriod": {"start": "2020-02-30"},
            "dosage": [
                {
                    "timing": {
                        "repeat": {"when": ["TEATIME"], "period": 1, "periodUnit": "fortnight"}
                    }
                }
            ],
        },
        {
            "resourceType": "DocumentReference",
            "id": "d1",
            "content": [{"attachment": {"data": "!!"}}],
        },
        "not a resource",
    ]
    record = record_from_fhir(data, SOURCE)  # type: ignore[arg-type]
    assert record.lab_results == [] and record.problems == [] and record.documents == []
    (med,) = record.medications
    assert med.name == "Aspirin" and med.begin is None and med.status is MedicationStatus.UNKNOWN
    where = [u.where for u in record.unreadable]
    assert "Observation/o1" in where and "Condition/c1" in where and "DocumentReference/d1" in where
    med_whys = {u.why for u in record.unreadable if u.where == "MedicationStatement/m1"}
    assert "status not permitted" in med_whys
    assert "time of day code not permitted" in med_whys
    assert "period unit not permitted" in med_whys
    assert any("effectivePeriod.start" in w for w in med_whys)
    assert any(u.where == "resource" for u in record.unreadable)


@pytest.mark.parametrize("data", [42, "text", {"hello": 1}, None])
def test_not_fhir_is_bad_data(data: Any) -> None:
    with pytest.raises(BadDataError):
        record_from_fhir(data, SOURCE)


def test_nested_bundles_are_bounded() -> None:
    inner: dict[str, Any] = {"resourceType": "Condition", "code": {"text": "deep"}}
    for _ in range(10):
        inner = {"resourceType": "Bundle", "entry": [{"resource": inner}]}
    record = record_from_fhir(inner, SOURCE)
    assert record.problems == []
    assert any("nested too deeply" in u.why for u in record.unreadable)


def test_immunization_recommendations_give_next_doses() -> None:
    atc = "http://www.whocc.no/atc"
    data = [
        {
            "resourceType": "Immunization",
            "id": "i1",
            "status": "completed",
            "vaccineCode": {"coding": [{"system": atc, "code": "J07AJ52"}], "text": "Boostrix"},
            "occurrenceDateTime": "2019-04-02",
        },
        {
            "resourceType": "Immunization",
            "id": "i2",
            "status": "completed",
            "vaccineCode": {"coding": [{"system": atc, "code": "J07AJ52"}], "text": "Boostrix"},
            "occurrenceDateTime": "2009-04-02",
        },
        {
            "resourceType": "ImmunizationRecommendation",
            "id": "r1",
            "recommendation": [
                {"vaccineCode": [{"text": "Nothing"}]},
                {
                    "vaccineCode": [{"coding": [{"system": atc, "code": "J07AJ52"}]}],
                    "dateCriterion": [
                        {"code": {"coding": [{"code": "30980-7"}]}, "value": "2029-04-02"}
                    ],
                },
                {
                    "vaccineCode": [
                        {"coding": [{"system": atc, "code": "J07BM03"}], "text": "Gardasil 9"}
                    ],
                    "targetDisease": {"text": "HPV"},
                    "doseNumberPositiveInt": 1,
                    "dateCriterion": [{"code": {"text": "Due"}, "value": "2030-09-01"}],
                },
            ],
        },
    ]
    record = record_from_fhir(data, SOURCE)  # type: ignore[arg-type]
    latest, older, hpv = record.vaccinations
    assert (latest.date, latest.next_due) == (date(2019, 4, 2), date(2029, 4, 2))
    assert older.next_due is None
    assert (hpv.vaccine, hpv.date, hpv.next_due, hpv.status) == (
        "Gardasil 9",
        None,
        date(2030, 9, 1),
        "due",
    )
    assert hpv.target_diseases == ("HPV",) and hpv.dose_number == 1
    (part,) = record.unreadable
    assert part.reason is UnreadableReason.MISSING_VALUE


def test_observation_components_status_and_derived_interpretation() -> None:
    loinc = "http://loinc.org"
    data = bundle(
        {
            "resourceType": "DiagnosticReport",
            "id": "dr1",
            "identifier": [{"value": "R-7"}],
            "code": {"text": "Check-up"},
            "status": "final",
            "effectiveDateTime": "2024-02-01",
            "result": [{"reference": "Observation/bp"}, {"reference": "Observation/k"}],
        },
        {
            "resourceType": "Observation",
            "id": "bp",
            "status": "final",
            "code": {"coding": [{"system": loinc, "code": "85354-9"}], "text": "Blood pressure"},
            "component": [
                {
                    "code": {"coding": [{"system": loinc, "code": "8480-6"}], "text": "Systolic"},
                    "valueQuantity": {"value": 150, "code": "mm[Hg]"},
                    "referenceRange": [{"high": {"value": 140}}],
                },
                {
                    "code": {"text": "Diastolic"},
                    "valueQuantity": {"value": 80, "code": "mm[Hg]"},
                    "referenceRange": [{"low": {"value": 60}, "high": {"value": 90}}],
                },
            ],
        },
        {
            "resourceType": "Observation",
            "id": "k",
            "status": "final",
            "code": {"text": "Potassium"},
            "dataAbsentReason": {"coding": [{"code": "masked"}], "text": "Not released yet"},
        },
        {
            "resourceType": "Observation",
            "id": "g",
            "status": "preliminary",
            "code": {"text": "Glucose"},
            "valueQuantity": {"value": 3.1, "comparator": "<"},
            "referenceRange": [{"low": {"value": 3.9}}],
        },
    )
    record = record_from_fhir(data, SOURCE)
    assert record.unreadable == []
    systolic, diastolic, potassium, glucose = record.lab_results
    assert (systolic.test_name, systolic.category, systolic.value) == (
        "Systolic",
        "Blood pressure",
        150,
    )
    assert systolic.interpretation is Interpretation.HIGH
    assert diastolic.interpretation is Interpretation.NORMAL
    assert systolic.report_id == "R-7" and systolic.report_title == "Check-up"
    assert systolic.date is not None and systolic.date.date() == date(2024, 2, 1)
    assert potassium.status is ResultStatus.HELD_BACK
    assert potassium.value is None and potassium.value_text == "Not released yet"
    # a bound ("< 3.1") is not compared with the range, and is kept as written
    assert glucose.comparator == "<" and glucose.interpretation is Interpretation.UNKNOWN
    assert glucose.status is ResultStatus.PRELIMINARY


def test_unlisted_observations_belong_to_a_report_only_when_there_is_one() -> None:
    def report(rid: str) -> dict[str, Any]:
        return {"resourceType": "DiagnosticReport", "id": rid, "code": {"text": rid}}

    obs = {"resourceType": "Observation", "code": {"text": "Iron"}, "valueInteger": 7}
    (single,) = record_from_fhir(bundle(report("A"), obs), SOURCE).lab_results
    assert single.report_title == "A"
    (unsure,) = record_from_fhir(bundle(report("A"), report("B"), obs), SOURCE).lab_results
    assert unsure.report_title == "" and unsure.value == 7


def test_a_referenced_medication_gives_form_ingredient_and_strength() -> None:
    data = bundle(
        {
            "resourceType": "Medication",
            "id": "med1",
            "code": {"text": "Dafalgan 500 mg"},
            "form": {"text": "tablet"},
            "ingredient": [
                {
                    "itemCodeableConcept": {"text": "paracetamol"},
                    "strength": {
                        "numerator": {"value": 500, "unit": "mg"},
                        "denominator": {"value": 1},
                    },
                }
            ],
        },
        {
            "resourceType": "MedicationStatement",
            "id": "s1",
            "status": "active",
            "medicationReference": {"reference": "Medication/med1"},
            "note": [{"text": "Not more than 4 a day."}],
        },
    )
    (med,) = record_from_fhir(data, SOURCE).medications
    assert (med.name, med.form, med.active_ingredient, med.strength) == (
        "Dafalgan 500 mg",
        "tablet",
        "paracetamol",
        "500 mg",
    )
    assert med.instructions == "Not more than 4 a day."
