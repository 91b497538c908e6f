"""The record shown is what the source says: versions, statuses, entered-in-error, flags.

Real files (the shared fixtures, ``more/`` with FHIR 1.7.0 examples and an R4 build example)
and hand-made variants of them, for each FHIR version the data can come in (DSTU2 and the
builds before STU3, STU3, R4, R4B, R5) and for KMEHR.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from assistant.i18n import set_language
from assistant.paper_copy import paper_html
from assistant.record_words import value_text
from assistant.records.fhir_map import record_from_fhir
from assistant.records.fhir_version import (
    FhirVersion,
    declared_version,
    shape_version,
    version_of_number,
)
from assistant.records.files import open_record_file, record_from_bytes
from assistant.records.json_view import JsonView
from assistant.records.model import (
    VACCINE_GIVEN,
    VACCINE_NOT_GIVEN,
    VACCINE_UNSURE,
    Interpretation,
    ItemSource,
    MedicationStatus,
    Record,
    ResultStatus,
    SourceKind,
    UnreadableReason,
    Verification,
)
from tests.support.fixtures import (
    MORE,
    fixture,
    more_record_files,
    read_json,
    record_files,
)

SRC = ItemSource(SourceKind.FHIR_FILE, "test.json")
OLD = MORE / "fhir-old"


@pytest.fixture(autouse=True)
def _english() -> None:
    set_language("en")


def fhir(*resources: dict[str, Any]) -> Record:
    return record_from_fhir(list(resources), SRC)


def reasons(record: Record) -> list[UnreadableReason]:
    return [u.reason for u in record.unreadable]


def r4_allergy() -> dict[str, Any]:
    data: dict[str, Any] = read_json(MORE / "fhir-r4" / "r4-allergyintolerance-example.json")
    return data


def coded(system: str, code: str) -> dict[str, Any]:
    return {"coding": [{"system": system, "code": code}]}


ALLERGY_CLINICAL = "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical"
ALLERGY_VERIFICATION = "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification"
CONDITION_VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status"


# --- versions -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "version"),
    [
        ("1.0.2", FhirVersion.OLDER),
        ("1.7.0", FhirVersion.OLDER),
        ("3.0.2", FhirVersion.STU3),
        ("3.3.0", FhirVersion.R4),
        ("4.0.1", FhirVersion.R4),
        ("4.3.0", FhirVersion.R4B),
        ("4.6.0", FhirVersion.R5),
        ("5.0.0", FhirVersion.R5),
        ("six", FhirVersion.UNKNOWN),
        ("", FhirVersion.UNKNOWN),
    ],
)
def test_version_numbers(number: str, version: FhirVersion) -> None:
    assert version_of_number(number) is version


def test_declared_version_from_a_capability_statement_or_a_core_profile() -> None:
    cap = JsonView({"resourceType": "CapabilityStatement", "fhirVersion": "5.0.0"})
    assert declared_version([cap]) is FhirVersion.R5
    old = JsonView({"resourceType": "Conformance", "fhirVersion": "3.0.1"})
    assert declared_version([old]) is FhirVersion.STU3
    profiled = JsonView(
        {
            "resourceType": "Observation",
            "meta": {"profile": ["http://hl7.org/fhir/StructureDefinition/vitalsigns|4.0.1"]},
        }
    )
    assert declared_version([profiled]) is FhirVersion.R4
    # a national profile's own version says nothing about the FHIR version
    national = JsonView(
        {"resourceType": "Observation", "meta": {"profile": ["https://x.be/fhir/lab|1.0.0"]}}
    )
    assert declared_version([national]) is FhirVersion.UNKNOWN


@pytest.mark.parametrize(
    ("name", "version"),
    [
        ("fhir170-immunization-example-refused.json", FhirVersion.OLDER),
        ("fhir170-allergyintolerance-example.json", FhirVersion.OLDER),
        ("fhir170-condition-example-f201-fever.json", FhirVersion.OLDER),
        ("fhir170-documentreference-example.json", FhirVersion.STU3),
        ("fhir170-observation-example-bloodpressure.json", FhirVersion.STU3),
    ],
)
def test_shape_of_older_files(name: str, version: FhirVersion) -> None:
    assert shape_version(JsonView(read_json(OLD / name))) is version


def test_shape_of_r4_and_r5() -> None:
    allergy = r4_allergy()
    assert shape_version(JsonView(allergy)) is FhirVersion.UNKNOWN  # looks like R4
    r5 = copy.deepcopy(allergy)
    r5["reaction"][0]["manifestation"] = [{"concept": r5["reaction"][0]["manifestation"][0]}]
    assert shape_version(JsonView(r5)) is FhirVersion.R5


@pytest.mark.parametrize(
    "path", [*record_files("fhir"), *record_files("more/fhir-r4")], ids=lambda p: p.name
)
def test_r4_files_have_nothing_of_another_version(path: Path) -> None:
    record = open_record_file(path)
    assert UnreadableReason.OTHER_VERSION not in reasons(record)


@pytest.mark.parametrize("path", record_files("more/fhir-old"), ids=lambda p: p.name)
def test_older_files_open_and_flag_what_they_hold_beyond_r4(path: Path) -> None:
    record = open_record_file(path)
    assert not record.is_empty
    for part in record.unreadable:
        assert part.why  # each flag says why


def test_members_of_another_version_are_flagged_not_dropped() -> None:
    record = open_record_file(OLD / "fhir170-immunization-example.json")
    flag = next(u for u in record.unreadable if u.reason is UnreadableReason.OTHER_VERSION)
    assert "vaccinationProtocol" in flag.why and "vaccinationProtocol" in flag.raw
    assert record.vaccinations[0].given  # wasNotGiven: false


def test_a_modifier_extension_is_flagged() -> None:
    allergy = r4_allergy()
    allergy["modifierExtension"] = [
        {"url": "https://x.be/not-for-this-patient", "valueBoolean": True}
    ]
    record = fhir(allergy)
    assert UnreadableReason.UNSUPPORTED in reasons(record)


# --- vaccines (point 1) ---------------------------------------------------------------------


def test_refused_vaccine_of_an_older_version_is_not_given() -> None:
    record = open_record_file(OLD / "fhir170-immunization-example-refused.json")
    (v,) = record.vaccinations
    assert v.status == VACCINE_NOT_GIVEN and not v.given
    assert v.status_reason == "medical precaution"
    html = paper_html(record, ["vaccines"])
    assert "Not given" in html and "Given on" not in html


def immunization(**more: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "resourceType": "Immunization",
        "id": "i1",
        "status": "completed",
        "vaccineCode": {"text": "DTP"},
        "patient": {"reference": "Patient/p"},
        "occurrenceDateTime": "2020-01-10",
    }
    base.update(more)
    return base


@pytest.mark.parametrize(
    ("shape", "status"),
    [
        ({}, VACCINE_GIVEN),
        ({"status": "not-done", "statusReason": {"text": "patient objection"}}, VACCINE_NOT_GIVEN),
        ({"notGiven": True, "date": "2020-01-10"}, VACCINE_NOT_GIVEN),  # STU3
        ({"wasNotGiven": True}, VACCINE_NOT_GIVEN),  # DSTU2, 1.x
        ({"notGiven": False}, VACCINE_GIVEN),
        ({"notGiven": "yes"}, VACCINE_UNSURE),
        ({"status": "unheard-of"}, VACCINE_UNSURE),
    ],
)
def test_vaccine_given_or_not_in_every_version(shape: dict[str, Any], status: str) -> None:
    (v,) = fhir(immunization(**shape)).vaccinations
    assert v.status == status


def test_entered_in_error_vaccine_is_never_shown_as_fact() -> None:
    record = fhir(immunization(status="entered-in-error"))
    assert record.vaccinations == []
    assert reasons(record) == [UnreadableReason.ENTERED_IN_ERROR]
    assert "mistake" in paper_html(record, ["vaccines"])


# --- allergies (points 2, 3) ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("clinical", "verification", "active", "verified"),
    [
        ("active", "confirmed", True, Verification.CONFIRMED),
        ("inactive", "confirmed", False, Verification.CONFIRMED),
        ("resolved", "confirmed", False, Verification.CONFIRMED),
        (None, "refuted", False, Verification.REFUTED),
        ("active", "unconfirmed", True, Verification.UNCONFIRMED),
    ],
)
def test_allergy_statuses_r4(
    clinical: str | None, verification: str, active: bool, verified: Verification
) -> None:
    allergy = r4_allergy()
    if clinical is None:
        del allergy["clinicalStatus"]
    else:
        allergy["clinicalStatus"] = coded(ALLERGY_CLINICAL, clinical)
    allergy["verificationStatus"] = coded(ALLERGY_VERIFICATION, verification)
    (a,) = fhir(allergy).allergies
    assert (a.active, a.verification) == (active, verified)
    assert a.holds == (active and verified is not Verification.REFUTED)


def test_refuted_allergy_says_so_on_paper_and_is_not_dangerous() -> None:
    allergy = r4_allergy()
    allergy["verificationStatus"] = coded(ALLERGY_VERIFICATION, "refuted")
    html = paper_html(fhir(allergy), ["allergies"])
    assert "you do not have this allergy" in html


def test_allergy_statuses_stu3_and_older() -> None:
    stu3 = r4_allergy()
    stu3["clinicalStatus"] = "resolved"
    stu3["verificationStatus"] = "confirmed"
    (a,) = fhir(stu3).allergies
    assert not a.active and a.verification is Verification.CONFIRMED
    older = read_json(OLD / "fhir170-allergyintolerance-example.json")
    older["status"] = "refuted"
    (b,) = fhir(older).allergies
    assert b.verification is Verification.REFUTED and not b.holds
    (c,) = fhir(read_json(OLD / "fhir170-allergyintolerance-example.json")).allergies
    assert c.active and c.verification is Verification.CONFIRMED  # "active-confirmed"


@pytest.mark.parametrize("version", ["r4", "stu3", "older"])
def test_entered_in_error_allergy_is_never_shown(version: str) -> None:
    allergy = r4_allergy()
    if version == "r4":
        allergy["verificationStatus"] = coded(ALLERGY_VERIFICATION, "entered-in-error")
    elif version == "stu3":
        allergy["verificationStatus"] = "entered-in-error"
    else:
        allergy = read_json(OLD / "fhir170-allergyintolerance-example.json")
        allergy["status"] = "entered-in-error"
    record = fhir(allergy)
    assert record.allergies == []
    assert UnreadableReason.ENTERED_IN_ERROR in reasons(record)


def test_r5_reaction_is_read_and_an_unreadable_one_is_flagged() -> None:
    r5 = r4_allergy()
    for reaction in r5["reaction"]:
        reaction["manifestation"] = [{"concept": m} for m in reaction["manifestation"]]
    (a,) = fhir(r5).allergies
    assert "Anaphylactic reaction" in a.reaction
    odd = r4_allergy()
    odd["reaction"][0]["manifestation"] = [{"shape": "from the future"}]
    del odd["reaction"][0]["description"]
    record = fhir(odd)
    assert record.allergies  # the allergy stays
    assert any("reaction" in u.why for u in record.unreadable)


# --- conditions -----------------------------------------------------------------------------


def condition(**more: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "resourceType": "Condition",
        "id": "c1",
        "code": {"text": "Diabetes"},
        "subject": {"reference": "Patient/p"},
    }
    base.update(more)
    return base


def test_condition_verification() -> None:
    (p,) = fhir(condition(verificationStatus=coded(CONDITION_VERIFICATION, "refuted"))).problems
    assert p.verification is Verification.REFUTED
    assert "you do not have this" in paper_html(
        fhir(condition(verificationStatus="refuted")), ["allergies"]
    )
    (q,) = fhir(condition(verificationStatus="provisional")).problems  # STU3
    assert q.verification is Verification.UNCONFIRMED
    record = fhir(condition(verificationStatus=coded(CONDITION_VERIFICATION, "entered-in-error")))
    assert record.problems == [] and reasons(record) == [UnreadableReason.ENTERED_IN_ERROR]


# --- observations ---------------------------------------------------------------------------


def glucose(**more: Any) -> dict[str, Any]:
    data: dict[str, Any] = read_json(OLD / "fhir170-observation-example-f001-glucose.json")
    data.update(more)
    return data


def test_observation_statuses() -> None:
    (r,) = fhir(glucose()).lab_results
    assert r.level is Interpretation.HIGH  # STU3-shaped interpretation (one object)
    (c,) = fhir(glucose(status="cancelled")).lab_results
    assert c.status is ResultStatus.CANCELLED and c.level is Interpretation.UNKNOWN
    assert "cancelled" in value_text(c)
    (a,) = fhir(glucose(status="amended")).lab_results
    assert a.status is ResultStatus.CORRECTED
    record = fhir(glucose(status="entered-in-error"))
    assert record.lab_results == [] and reasons(record) == [UnreadableReason.ENTERED_IN_ERROR]


def test_observation_data_absent() -> None:
    data = glucose()
    del data["valueQuantity"]
    del data["interpretation"]
    data["dataAbsentReason"] = {"coding": [{"code": "error", "display": "Error"}]}
    (r,) = fhir(data).lab_results
    assert r.value is None and r.value_text == "Error" and r.level is Interpretation.UNKNOWN


# --- medicines ------------------------------------------------------------------------------


def statement(**more: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "resourceType": "MedicationStatement",
        "id": "m1",
        "status": "active",
        "medicationCodeableConcept": {"text": "Ramipril 5 mg"},
        "subject": {"reference": "Patient/p"},
    }
    base.update(more)
    return base


@pytest.mark.parametrize(
    ("shape", "status"),
    [
        ({}, MedicationStatus.ACTIVE),
        ({"status": "on-hold"}, MedicationStatus.SUSPENDED),
        ({"status": "completed", "taken": "n"}, MedicationStatus.STOPPED),  # STU3
        ({"status": "active", "taken": "unk"}, MedicationStatus.UNKNOWN),  # STU3
        ({"status": "recorded"}, MedicationStatus.UNKNOWN),  # R5 without adherence
        (
            {"status": "recorded", "adherence": {"code": coded("x", "not-taking")}},
            MedicationStatus.STOPPED,
        ),
    ],
)
def test_medication_statement_status_in_every_version(
    shape: dict[str, Any], status: MedicationStatus
) -> None:
    (m,) = fhir(statement(**shape)).medications
    assert m.status is status


def test_r5_medication_is_a_codeable_reference() -> None:
    data = statement(status="recorded")
    del data["medicationCodeableConcept"]
    data["medication"] = {"concept": {"text": "Metformin 850 mg"}}
    (m,) = fhir(data).medications
    assert m.name == "Metformin 850 mg"


def test_entered_in_error_medicine_and_prescription_are_not_shown() -> None:
    record = fhir(statement(status="entered-in-error"))
    assert record.medications == [] and reasons(record) == [UnreadableReason.ENTERED_IN_ERROR]
    request = {
        "resourceType": "MedicationRequest",
        "id": "r1",
        "status": "entered-in-error",
        "identifier": [{"system": "rid", "value": "BEP0123"}],
        "medicationCodeableConcept": {"text": "Ramipril"},
    }
    record = fhir(request)
    assert record.prescriptions == [] and reasons(record) == [UnreadableReason.ENTERED_IN_ERROR]


def test_only_open_prescriptions_are_to_collect() -> None:
    base = {
        "resourceType": "MedicationRequest",
        "identifier": [{"system": "rid", "value": "BEP0123"}],
        "medicationCodeableConcept": {"text": "Ramipril"},
    }
    cancelled = {**base, "id": "a", "status": "cancelled"}
    active = {
        **base,
        "id": "b",
        "status": "active",
        "medicationCodeableConcept": {"text": "Aspirin"},
    }
    record = fhir(cancelled, active)
    assert [p.medication for p in record.open_prescriptions()] == ["Aspirin"]
    html = paper_html(record, ["medicines"])
    assert "Aspirin" in html and "Ramipril" not in html


def test_a_request_not_to_give_a_medicine_is_never_a_prescription() -> None:
    request = {
        "resourceType": "MedicationRequest",
        "id": "r1",
        "status": "active",
        "doNotPerform": True,
        "identifier": [{"system": "rid", "value": "BEP0123"}],
        "medicationCodeableConcept": {"text": "Ibuprofen"},
    }
    record = fhir(request)
    assert record.prescriptions == [] and reasons(record) == [UnreadableReason.UNSUPPORTED]


# --- documents ------------------------------------------------------------------------------


def test_document_superseded_and_entered_in_error() -> None:
    doc = read_json(OLD / "fhir170-documentreference-example.json")
    doc["status"] = "superseded"
    (d,) = fhir(doc).documents
    assert d.superseded
    assert "newer version" in paper_html(fhir(doc), ["documents"])
    doc["status"] = "entered-in-error"
    record = fhir(doc)
    assert record.documents == [] and UnreadableReason.ENTERED_IN_ERROR in reasons(record)


# --- KMEHR ----------------------------------------------------------------------------------


def with_lifecycle(kind: str, lifecycle: str, relevant: str = "true") -> Record:
    text = fixture("kmehr/sumehr/sumehr_example.kmehr").read_text(encoding="utf-8")
    start = text.index(f">{kind}</cd>")
    close = text.index("</item>", start)
    extra = (
        f'<lifecycle><cd S="CD-LIFECYCLE" SV="1.0">{lifecycle}</cd></lifecycle>'
        f"<isrelevant>{relevant}</isrelevant>"
    )
    changed = text[:close] + extra + text[close:]
    return record_from_bytes(changed.encode("utf-8"), "sumehr.kmehr")


def test_kmehr_lifecycles() -> None:
    base = open_record_file(fixture("kmehr/sumehr/sumehr_example.kmehr"))
    assert all(v.given for v in base.vaccinations)
    assert all(a.active for a in base.allergies)
    refused = with_lifecycle("vaccine", "refused")
    assert sum(not v.given for v in refused.vaccinations) == 1
    inactive = with_lifecycle("allergy", "inactive")
    assert sum(not a.active for a in inactive.allergies) == 1
    ruled_out = with_lifecycle("allergy", "notpresent")
    assert sum(a.verification is Verification.REFUTED for a in ruled_out.allergies) == 1


def test_kmehr_item_not_relevant_is_flagged_not_shown() -> None:
    base = open_record_file(fixture("kmehr/sumehr/sumehr_example.kmehr"))
    record = with_lifecycle("allergy", "active", relevant="false")
    assert len(record.allergies) == len(base.allergies) - 1
    assert UnreadableReason.NOT_RELEVANT in reasons(record)


# --- flagged parts on paper -----------------------------------------------------------------


@pytest.mark.parametrize("path", more_record_files(), ids=lambda p: p.name)
def test_every_flagged_part_is_on_paper(path: Path) -> None:
    record = open_record_file(path)
    html = paper_html(record)
    for part in record.unreadable:
        assert part.where.replace("&", "&amp;") in html
