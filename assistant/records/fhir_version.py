"""Which FHIR version a file, a server or one resource is written in.

The mapper reads R4 (and R4B, which is the same for every resource it reads). Older and newer
versions name or shape some elements differently, and a few of those differences change the
meaning: a vaccine that was *not* given (STU3 ``notGiven``, DSTU2 and the builds before STU3
``wasNotGiven``, R4 ``status: not-done``), statuses written as plain codes (STU3) instead of
CodeableConcepts (R4), a reaction written as a CodeableReference (R5).

The version comes from what the data declares (a CapabilityStatement's ``fhirVersion``, a
``meta.profile`` canonical with a ``|version``) or else from the shape of each resource.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum

from assistant.records.json_view import JsonView


class FhirVersion(Enum):
    """A FHIR release, as far as the mapper needs to tell them apart."""

    OLDER = "older"  # DSTU2 (1.0) and the builds before STU3 (1.x)
    STU3 = "STU3"  # 3.0
    R4 = "R4"  # 4.0
    R4B = "R4B"  # 4.3
    R5 = "R5"  # 5.0
    UNKNOWN = "unknown"


#: The versions the mapper reads fully.
READ_FULLY = frozenset({FhirVersion.R4, FhirVersion.R4B})


def version_of_number(number: str) -> FhirVersion:
    """The release of a FHIR version number ("4.0.1" → R4, "4.3.0" → R4B, "1.7.0" → OLDER);
    UNKNOWN for anything else. Ballots count as the release they lead to."""
    parts = number.strip().split(".")
    try:
        major = int(parts[0])
        minor = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0
    except ValueError:
        return FhirVersion.UNKNOWN
    if major in (0, 1):
        return FhirVersion.OLDER
    if major == 3:
        # 3.0 is STU3; 3.1-3.6 were the R4 ballots
        return FhirVersion.STU3 if minor == 0 else FhirVersion.R4
    if major == 4:
        if minor == 0:
            return FhirVersion.R4
        if minor in (1, 3):
            return FhirVersion.R4B
        return FhirVersion.R5  # 4.2, 4.4-4.6: R5 previews and ballots
    if major == 5:
        return FhirVersion.R5
    return FhirVersion.UNKNOWN


def declared_version(resources: Iterable[JsonView]) -> FhirVersion:
    """The version the data states about itself, or UNKNOWN.

    A CapabilityStatement (Conformance before STU3) gives ``fhirVersion``; a profile canonical
    ``http://…|4.0.1`` gives the version of the package it belongs to only when the profile is
    one of FHIR's own (``http://hl7.org/fhir/StructureDefinition/…``).
    """
    for r in resources:
        if r.text("resourceType") in ("CapabilityStatement", "Conformance"):
            found = version_of_number(r.text("fhirVersion"))
            if found is not FhirVersion.UNKNOWN:
                return found
        for profile in r.obj("meta").texts("profile"):
            url, _bar, number = profile.partition("|")
            if number and url.startswith("http://hl7.org/fhir/StructureDefinition/"):
                found = version_of_number(number)
                if found is not FhirVersion.UNKNOWN:
                    return found
    return FhirVersion.UNKNOWN


def _coded_as_text(r: JsonView, key: str) -> bool:
    """Whether ``key`` is a plain code string (STU3) where R4 has a CodeableConcept."""
    return isinstance(r.get(key), str)


def shape_version(r: JsonView) -> FhirVersion:
    """The version one resource's shape shows, or UNKNOWN when it looks like R4 (or like
    every version). Only differences the mapper's reading depends on are checked."""
    rtype = r.text("resourceType")
    if rtype == "Immunization":
        if r.has("wasNotGiven"):
            return FhirVersion.OLDER
        if r.has("notGiven") or r.has("explanation") or r.has("date"):
            return FhirVersion.STU3
        if r.has("reason") or r.has("informationSource") or r.has("supportingInformation"):
            return FhirVersion.R5
    elif rtype == "AllergyIntolerance":
        if r.has("status") or r.has("onset") or r.has("attestedDate"):
            return FhirVersion.OLDER
        if _coded_as_text(r, "clinicalStatus") or _coded_as_text(r, "verificationStatus"):
            return FhirVersion.STU3
        if r.has("assertedDate"):
            return FhirVersion.STU3
        if r.has("participant") or _reaction_is_r5(r):
            return FhirVersion.R5
    elif rtype == "Condition":
        if r.has("dateRecorded"):
            return FhirVersion.OLDER
        if _coded_as_text(r, "clinicalStatus") or _coded_as_text(r, "verificationStatus"):
            return FhirVersion.STU3
        if r.has("participant"):
            return FhirVersion.R5
    elif rtype == "MedicationStatement":
        if r.has("wasNotTaken"):
            return FhirVersion.OLDER
        if r.has("taken") or r.has("reasonNotTaken"):
            return FhirVersion.STU3
        if isinstance(r.get("medication"), dict) or r.text("status") in ("recorded", "draft"):
            return FhirVersion.R5
    elif rtype == "MedicationRequest":
        if r.has("stage"):
            return FhirVersion.OLDER
        if isinstance(r.get("medication"), dict):
            return FhirVersion.R5
    elif rtype == "DocumentReference":
        if r.has("indexed") or r.has("created") or r.has("class"):
            return FhirVersion.STU3
        if r.has("attester") or r.has("modality") or r.has("version"):
            return FhirVersion.R5
    elif rtype == "Observation":
        interpretation = r.get("interpretation")
        if isinstance(interpretation, dict):
            return FhirVersion.STU3  # 0..1 before R4, a list since
        if r.has("triggeredBy") or r.has("instantiatesCanonical") or r.has("bodyStructure"):
            return FhirVersion.R5
    return FhirVersion.UNKNOWN


#: Members every resource may have.
BASE_MEMBERS = frozenset(
    {
        "resourceType",
        "id",
        "meta",
        "implicitRules",
        "language",
        "text",
        "contained",
        "extension",
        "modifierExtension",
        "fhir_comments",  # comments in DSTU2 JSON
    }
)

#: The R4 members of the resources whose content the patient sees (FHIR R4 4.0.1; R4B has
#: the same members for these resources). A member outside these, in data of another
#: version, is content the mapper did not read: it is flagged, never dropped in silence.
R4_MEMBERS: dict[str, frozenset[str]] = {
    "Immunization": frozenset(
        "identifier status statusReason vaccineCode patient encounter occurrenceDateTime "
        "occurrenceString recorded primarySource reportOrigin location manufacturer lotNumber "
        "expirationDate site route doseQuantity performer note reasonCode reasonReference "
        "isSubpotent subpotentReason education programEligibility fundingSource reaction "
        "protocolApplied".split()
    ),
    "AllergyIntolerance": frozenset(
        "identifier clinicalStatus verificationStatus type category criticality code patient "
        "encounter onsetDateTime onsetAge onsetPeriod onsetRange onsetString recordedDate "
        "recorder asserter lastOccurrence note reaction".split()
    ),
    "Condition": frozenset(
        "identifier clinicalStatus verificationStatus category severity code bodySite subject "
        "encounter onsetDateTime onsetAge onsetPeriod onsetRange onsetString abatementDateTime "
        "abatementAge abatementPeriod abatementRange abatementString recordedDate recorder "
        "asserter stage evidence note".split()
    ),
    "Observation": frozenset(
        "identifier basedOn partOf status category code subject focus encounter "
        "effectiveDateTime effectivePeriod effectiveTiming effectiveInstant issued performer "
        "valueQuantity valueCodeableConcept valueString valueBoolean valueInteger valueRange "
        "valueRatio valueSampledData valueTime valueDateTime valuePeriod dataAbsentReason "
        "interpretation note bodySite method specimen device referenceRange hasMember "
        "derivedFrom component".split()
    ),
    "MedicationStatement": frozenset(
        "identifier basedOn partOf status statusReason category medicationCodeableConcept "
        "medicationReference subject context effectiveDateTime effectivePeriod dateAsserted "
        "informationSource derivedFrom reasonCode reasonReference note dosage".split()
    ),
    "MedicationRequest": frozenset(
        "identifier status statusReason intent category priority doNotPerform reportedBoolean "
        "reportedReference medicationCodeableConcept medicationReference subject encounter "
        "supportingInformation authoredOn requester performer performerType recorder "
        "reasonCode reasonReference instantiatesCanonical instantiatesUri basedOn "
        "groupIdentifier courseOfTherapyType insurance note dosageInstruction dispenseRequest "
        "substitution priorPrescription detectedIssue eventHistory".split()
    ),
    "DocumentReference": frozenset(
        "masterIdentifier identifier status docStatus type category subject date author "
        "authenticator custodian relatesTo description securityLabel content context".split()
    ),
}


def members_not_in_r4(r: JsonView, read_also: frozenset[str] = frozenset()) -> list[str]:
    """The members of ``r`` that R4 does not have for its type (``read_also``: members of
    other versions the mapper reads all the same); [] for types outside R4_MEMBERS."""
    known = R4_MEMBERS.get(r.text("resourceType"))
    if known is None:
        return []
    return [
        k
        for k in r.keys()
        if not k.startswith("_") and k not in known and k not in BASE_MEMBERS and k not in read_also
    ]


def _reaction_is_r5(r: JsonView) -> bool:
    """R5 writes each reaction manifestation as a CodeableReference (``concept`` /
    ``reference``), R4 as a CodeableConcept."""
    return any(
        m.has("concept") or (m.has("reference") and not m.has("coding"))
        for reaction in r.each("reaction")
        for m in reaction.each("manifestation")
    )


__all__ = [
    "BASE_MEMBERS",
    "R4_MEMBERS",
    "READ_FULLY",
    "FhirVersion",
    "declared_version",
    "members_not_in_r4",
    "shape_version",
    "version_of_number",
]
