"""Small builders for the demo hub's FHIR R4 resources (plain dicts, Belgian profiles)."""

from __future__ import annotations

import uuid
from typing import Any

Resource = dict[str, Any]

BE = "https://www.ehealth.fgov.be/standards/fhir"
PROFILE_PATIENT = f"{BE}/core/StructureDefinition/be-patient"
PROFILE_PRACTITIONER = f"{BE}/core/StructureDefinition/be-practitioner"
PROFILE_PRACTITIONER_ROLE = f"{BE}/core/StructureDefinition/be-practitionerrole"
PROFILE_ORGANIZATION = f"{BE}/core/StructureDefinition/be-organization"
PROFILE_MEDICATION_LINE = f"{BE}/medication/StructureDefinition/BeMedicationLine"
PROFILE_PRESCRIPTION = f"{BE}/medication/StructureDefinition/BeMedicationPrescription"
PROFILE_VACCINATION = f"{BE}/vaccination/StructureDefinition/be-vaccination"
PROFILE_ALLERGY = f"{BE}/allergy/StructureDefinition/be-allergyintolerance"
PROFILE_PROBLEM = f"{BE}/core-clinical/StructureDefinition/be-problem"
PROFILE_LAB_REPORT = f"{BE}/lab/StructureDefinition/be-laboratory-report"
PROFILE_LAB_OBSERVATION = f"{BE}/lab/StructureDefinition/be-observation-laboratory"

SYSTEM_SSIN = f"{BE}/core/NamingSystem/ssin"
SYSTEM_NIHDI = f"{BE}/core/NamingSystem/nihdi"
SYSTEM_CNK = f"{BE}/medication/NamingSystem/be-ns-cnk-codes"
SYSTEM_MEDICATION_LINE = (
    "http://ehealth.fgov.be/standards/fhir/medication/NamingSystem/be-ns-medicationline"
)
SYSTEM_PRESCRIPTION_ID = f"{BE}/medication/NamingSystem/be-ns-prescription-ids"
SYSTEM_HCPARTY = f"{BE}/core/CodeSystem/cd-hcparty"
SYSTEM_ATC = "http://www.whocc.no/atc"
SYSTEM_SNOMED = "http://snomed.info/sct"
SYSTEM_LOINC = "http://loinc.org"
SYSTEM_UCUM = "http://unitsofmeasure.org"
SYSTEM_ICPC2 = "http://hl7.org/fhir/sid/icpc-2"
SYSTEM_ICD10 = "http://hl7.org/fhir/sid/icd-10"
SYSTEM_INTERPRETATION = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"
SYSTEM_CVX = "http://hl7.org/fhir/sid/cvx"
#: The demo hub's own (synthetic) code system for kinds of therapeutic relation.
SYSTEM_RELATION = "https://demo-hub.invalid/fhir/CodeSystem/therapeutic-relation"

EXT_RECORDED_DATE = f"{BE}/medication/StructureDefinition/BeExtRecordedDate"
EXT_SUSPENSION = f"{BE}/medication/StructureDefinition/extension-MedicationSuspension"
EXT_SUSPENSION_REASON = "http://ehealth.fgov.be/standards/fhir/MedicationSuspensionReason"

#: Namespace of every demo hub id: ids are uuid5(namespace, "<national number>/<kind>/<n>").
ID_NAMESPACE = uuid.UUID("6b0f5e38-2d41-4c61-9d1b-5f3c2a7e9b10")


def stable_id(*parts: object) -> str:
    """A deterministic UUID text for one resource."""
    return str(uuid.uuid5(ID_NAMESPACE, "/".join(str(p) for p in parts)))


def coding(system: str, code: str, display: str | None = None) -> dict[str, str]:
    out = {"system": system, "code": code}
    if display is not None:
        out["display"] = display
    return out


def concept(text: str | None, *codings: dict[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if codings:
        out["coding"] = list(codings)
    if text is not None:
        out["text"] = text
    return out


def ref(resource: Resource) -> dict[str, str]:
    """A relative reference ``Type/id`` to ``resource``."""
    return {"reference": f"{resource['resourceType']}/{resource['id']}"}


def meta(profile: str | None) -> dict[str, Any]:
    return {"profile": [profile]} if profile else {}


def quantity(value: float, unit: str, code: str | None = None) -> dict[str, Any]:
    return {"value": value, "unit": unit, "system": SYSTEM_UCUM, "code": code or unit}
