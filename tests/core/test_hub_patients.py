"""The demo hub's synthetic patients: one per citizen, deterministic, rich where it matters."""

from __future__ import annotations

import base64
import itertools
import json
import re
from collections import Counter
from datetime import date

import pytest

from assistant.demo.card.citizens import CITIZENS
from assistant.demo.hub import fhir_build as fb
from assistant.demo.hub.patients import seed_of, synthetic_patients
from assistant.demo.hub.patients.adult import build_adult
from assistant.demo.hub.patients.kid import build_kid
from assistant.demo.hub.patients.pdf import tiny_pdf


def _by_type(citizen_id: str) -> dict[str, list[dict]]:
    patient = synthetic_patients()[CITIZENS[citizen_id].national_number]
    out: dict[str, list[dict]] = {}
    for r in patient.resources:
        out.setdefault(r["resourceType"], []).append(r)
    return out


def test_every_citizen_has_a_patient_matched_by_national_number() -> None:
    patients = synthetic_patients()
    assert set(patients) == {c.national_number for c in CITIZENS.values()}
    for citizen in CITIZENS.values():
        patient = patients[citizen.national_number]
        assert patient.citizen_id == citizen.id
        (res,) = [r for r in patient.resources if r["resourceType"] == "Patient"]
        assert res["identifier"][0] == {
            "use": "official",
            "system": fb.SYSTEM_SSIN,
            "value": citizen.national_number,
        }
        assert res["name"][0]["family"] == citizen.surname
        assert res["meta"]["profile"] == [fb.PROFILE_PATIENT]
        assert res["gender"] == ("female" if citizen.is_female else "male")
        assert res["birthDate"].startswith(str(citizen.birth_year))


def test_partial_birth_dates_stay_partial() -> None:
    assert seed_of(CITIZENS["year_only"]).birth_date == "1938"
    assert seed_of(CITIZENS["year_month"]).birth_date == "1945-05"
    assert seed_of(CITIZENS["adult"]).birth_date == "1956-03-12"


def test_same_data_every_run() -> None:
    seed = seed_of(CITIZENS["adult"])
    first = json.dumps(build_adult(seed).resources, sort_keys=True)
    second = json.dumps(build_adult(seed).resources, sort_keys=True)
    assert first == second
    kid_seed = seed_of(CITIZENS["kid"])
    assert build_kid(kid_seed).resources == build_kid(kid_seed).resources
    # ids are uuid5 of the national number: independent of process and hash seed
    assert build_adult(seed).patient_id == fb.stable_id(seed.national_number, "Patient", 0)


@pytest.mark.parametrize("citizen_id", sorted(CITIZENS))
def test_every_reference_resolves_inside_the_patient(citizen_id: str) -> None:
    patient = synthetic_patients()[CITIZENS[citizen_id].national_number]
    keys = {f"{r['resourceType']}/{r['id']}" for r in patient.resources}
    assert len(keys) == len(patient.resources), "ids are unique"

    def refs(value: object) -> list[str]:
        if isinstance(value, dict):
            own = [value["reference"]] if isinstance(value.get("reference"), str) else []
            return own + [x for v in value.values() for x in refs(v)]
        if isinstance(value, list):
            return [x for v in value for x in refs(v)]
        return []

    for resource in patient.resources:
        for ref in refs(resource):
            assert ref in keys, f"{resource['resourceType']} points at missing {ref}"
        json.dumps(resource)  # plain JSON only


def test_adult_medication_scheme_is_rich() -> None:
    by_type = _by_type("adult")
    lines = by_type["MedicationStatement"]
    assert len(lines) >= 10
    assert all(line["meta"]["profile"] == [fb.PROFILE_MEDICATION_LINE] for line in lines)
    statuses = Counter(line["status"] for line in lines)
    assert statuses["completed"] == 1  # one stopped
    assert statuses["on-hold"] == 1  # one suspended
    (suspended,) = [line for line in lines if line["status"] == "on-hold"]
    extension = suspended["statusReason"][0]["extension"][0]
    assert extension["url"] == fb.EXT_SUSPENSION
    assert extension["valuePeriod"]["start"] <= "2026-11-23" <= extension["valuePeriod"]["end"]
    whens = {
        w for line in lines for d in line["dosage"] for w in d["timing"]["repeat"].get("when", [])
    }
    assert {"MORN", "NOON", "EVE", "HS"} <= whens
    routes = {d["route"]["coding"][0]["code"] for line in lines for d in line["dosage"]}
    assert len(routes) >= 3  # oral, subcutaneous, inhalation
    units = {
        d["doseAndRate"][0]["doseQuantity"]["unit"]
        for line in lines
        for d in line["dosage"]
        if "doseAndRate" in d
    }
    assert {"tablet", "puff", "IU"} <= units
    assert any(d.get("asNeededBoolean") for line in lines for d in line["dosage"])
    cnks = [
        c["code"]
        for line in lines
        for c in line["medicationCodeableConcept"]["coding"]
        if c["system"] == fb.SYSTEM_CNK
    ]
    assert len(cnks) == len(lines) and all(re.fullmatch(r"\d{7}", c) for c in cnks)


def test_adult_open_prescriptions_have_rids() -> None:
    requests = _by_type("adult")["MedicationRequest"]
    assert len(requests) == 2
    for req in requests:
        assert req["status"] == "active"
        (ident,) = req["identifier"]
        assert ident["system"] == fb.SYSTEM_PRESCRIPTION_ID
        assert re.fullmatch(r"BEP0[0-9A-Z]{8}", ident["value"])


def test_adult_has_years_of_lab_results() -> None:
    by_type = _by_type("adult")
    reports = by_type["DiagnosticReport"]
    final_dates = sorted(
        date.fromisoformat(r["effectiveDateTime"][:10]) for r in reports if r["status"] == "final"
    )
    assert final_dates[0].year == 2021 and final_dates[-1].year == 2026
    gaps = [(b - a).days for a, b in itertools.pairwise(final_dates)]
    assert all(85 <= g <= 190 for g in gaps), gaps
    assert Counter(r["status"] for r in reports)["preliminary"] == 1
    assert Counter(r["status"] for r in reports)["registered"] == 1  # held back
    observations = by_type["Observation"]
    loincs = {o["code"]["coding"][0]["code"] for o in observations}
    assert {"4548-4", "2160-0", "62238-1", "2093-3", "2823-3"} <= loincs
    with_value = [o for o in observations if "valueQuantity" in o]
    assert all(o["referenceRange"] and o["interpretation"] for o in with_value)
    flags = {o["interpretation"][0]["coding"][0]["code"] for o in with_value}
    assert flags == {"H", "L", "N"}
    for o in with_value:  # interpretation agrees with the range
        value = o["valueQuantity"]["value"]
        rng = o["referenceRange"][0]
        expected = (
            "L"
            if "low" in rng and value < rng["low"]["value"]
            else "H"
            if "high" in rng and value > rng["high"]["value"]
            else "N"
        )
        assert o["interpretation"][0]["coding"][0]["code"] == expected


def test_adult_allergies_problems_documents_consent_relations_log() -> None:
    by_type = _by_type("adult")
    allergies = by_type["AllergyIntolerance"]
    assert {a["type"] for a in allergies} == {"allergy", "intolerance"}
    assert any(a["category"] == ["medication"] and a["type"] == "intolerance" for a in allergies)
    systems = {c["system"] for p in by_type["Condition"] for c in p["code"]["coding"]}
    assert {fb.SYSTEM_ICPC2, fb.SYSTEM_ICD10, fb.SYSTEM_SNOMED} <= systems
    docs = by_type["DocumentReference"]
    assert len(docs) >= 5
    for doc in docs:
        attachment = doc["content"][0]["attachment"]
        data = base64.b64decode(attachment["data"])
        assert attachment["size"] == len(data)
        if attachment["contentType"] == "application/pdf":
            assert data.startswith(b"%PDF-1.4") and data.rstrip().endswith(b"%%EOF")
    consents = by_type["Consent"]
    assert [c["provision"]["type"] for c in consents].count("permit") == 1
    assert [c["provision"]["type"] for c in consents].count("deny") == 1
    assert all(c["status"] == "active" for c in consents)
    assert len(by_type["CareTeam"][0]["participant"]) >= 3
    assert len(by_type["AuditEvent"]) >= 5


def test_kid_follows_the_belgian_schedule_with_doses_due() -> None:
    by_type = _by_type("kid")
    born = date(2018, 5, 7)
    shots = by_type["Immunization"]
    assert len(shots) >= 10
    hexa = sorted(
        s["occurrenceDateTime"] for s in shots if s["vaccineCode"]["coding"][1]["code"] == "J07CA09"
    )
    assert [(date.fromisoformat(d) - born).days // 7 for d in hexa[:3]] == [8, 12, 16]
    assert all(s["meta"]["profile"] == [fb.PROFILE_VACCINATION] for s in shots)
    due = [
        r["recommendation"][0]["dateCriterion"][0]["value"]
        for r in by_type["ImmunizationRecommendation"]
    ]
    assert due and all(d > "2026-11-23" for d in due)
    assert by_type["DiagnosticReport"] and by_type["DocumentReference"]


def test_tiny_pdf_cross_reference_offsets_are_right() -> None:
    data = tiny_pdf("Title (with) brackets", ["Hélène: line one", "line two"])
    xref_at = int(data.rsplit(b"startxref\n", 1)[1].split(b"\n", 1)[0])
    assert data[xref_at:].startswith(b"xref\n")
    table = data[xref_at:].split(b"\n")[3:8]
    for number, row in enumerate(table, start=1):
        offset = int(row[:10])
        assert data[offset:].startswith(b"%d 0 obj" % number)
    assert b"\\(with\\)" in data
