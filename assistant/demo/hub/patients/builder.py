"""Builds one synthetic patient's FHIR resources with stable ids and the Belgian profiles."""

from __future__ import annotations

import base64
import itertools
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from assistant.demo.hub import fhir_build as fb
from assistant.demo.hub.fhir_build import Resource
from assistant.demo.hub.patients.pdf import tiny_pdf
from assistant.records.model import Interpretation, ReferenceRange

ROUTE_ORAL = fb.concept("Oral use", fb.coding(fb.SYSTEM_SNOMED, "26643006", "Oral route"))
ROUTE_SUBCUTANEOUS = fb.concept(
    "Subcutaneous use", fb.coding(fb.SYSTEM_SNOMED, "34206005", "Subcutaneous route")
)
ROUTE_INHALATION = fb.concept(
    "Inhalation use", fb.coding(fb.SYSTEM_SNOMED, "447694001", "Respiratory tract route")
)
ROUTE_CUTANEOUS = fb.concept(
    "Cutaneous use", fb.coding(fb.SYSTEM_SNOMED, "6064005", "Topical route")
)

UNIT_TABLET = ("tablet", "732936001")
UNIT_CAPSULE = ("capsule", "732937005")
UNIT_PUFF = ("puff", "415215001")
UNIT_SACHET = ("sachet", "733010002")
UNIT_AMPOULE = ("ampoule", "732978007")
UNIT_INSULIN = ("IU", "[iU]")
UNIT_APPLICATION = ("application", "733024002")

CONSENT_POLICY = "https://www.ehealth.fgov.be/ehealthplatform/fr/service-consentement-patient"

#: Kinds of therapeutic relation (codes of the demo hub's own relation code system).
RELATIONS = {
    "gmd-holder": "Holds your global medical file (GMD)",
    "reference-pharmacist": "Your reference pharmacist",
    "therapeutic-relation": "Therapeutic relation",
}

#: Our day periods → FHIR EventTiming codes used by BeDosage.
WHEN = {
    "morning": "MORN",
    "noon": "NOON",
    "evening": "EVE",
    "night": "HS",
    "breakfast": "CM",
    "lunch": "CD",
    "dinner": "CV",
    "before_breakfast": "ACM",
    "after_dinner": "PCV",
}


@dataclass(frozen=True, slots=True)
class PatientSeed:
    """What the hub knows of the person behind a virtual card."""

    citizen_id: str
    national_number: str
    family: str
    given: tuple[str, ...]
    gender: str  # "male" / "female"
    birth_date: str  # FHIR date: "1956-03-12", "1938" or "1961-07"
    language: str  # "fr", "nl", "de"


@dataclass(frozen=True, slots=True)
class Dose:
    """One BeDosage line: when, how much, in which unit."""

    when: str
    quantity: float
    unit: tuple[str, str] = UNIT_TABLET


@dataclass
class PatientBuilder:
    """Accumulates the resources of one patient; every id is stable across runs."""

    seed: PatientSeed
    resources: list[Resource] = field(default_factory=list)
    _counter: itertools.count[int] = field(default_factory=itertools.count)

    def __post_init__(self) -> None:
        self.patient = self._new("Patient", fb.PROFILE_PATIENT, subject=False)
        self.patient.update(
            identifier=[
                {"use": "official", "system": fb.SYSTEM_SSIN, "value": self.seed.national_number}
            ],
            active=True,
            name=[{"use": "official", "family": self.seed.family, "given": list(self.seed.given)}],
            gender=self.seed.gender,
            birthDate=self.seed.birth_date,
            communication=[
                {
                    "language": fb.concept(None, fb.coding("urn:ietf:bcp:47", self.seed.language)),
                    "preferred": True,
                }
            ],
        )

    @property
    def patient_id(self) -> str:
        return str(self.patient["id"])

    def _new(
        self, resource_type: str, profile: str | None, *, subject: bool | str = "subject"
    ) -> Resource:
        n = next(self._counter)
        resource: Resource = {
            "resourceType": resource_type,
            "id": fb.stable_id(self.seed.national_number, resource_type, n),
        }
        if profile:
            resource["meta"] = fb.meta(profile)
        if subject:
            key = "subject" if subject is True else subject
            resource[key] = fb.ref(self.patient)
        self.resources.append(resource)
        return resource

    # -- care providers --------------------------------------------------------------

    def practitioner(
        self,
        family: str,
        given: str,
        nihdi: str,
        role: str,
        role_display: str,
        organization: Resource | None,
    ) -> Resource:
        """A practitioner and their role; returns the PractitionerRole."""
        person = self._new("Practitioner", fb.PROFILE_PRACTITIONER, subject=False)
        person.update(
            identifier=[{"system": fb.SYSTEM_NIHDI, "value": nihdi}],
            name=[
                {
                    "family": family,
                    "given": [given],
                    "prefix": ["Dr"] if role.startswith("persphys") else [],
                }
            ],
        )
        if not person["name"][0]["prefix"]:
            del person["name"][0]["prefix"]
        role_res = self._new("PractitionerRole", fb.PROFILE_PRACTITIONER_ROLE, subject=False)
        role_res.update(
            practitioner={**fb.ref(person), "display": f"{given} {family}"},
            code=[fb.concept(role_display, fb.coding(fb.SYSTEM_HCPARTY, role, role_display))],
        )
        if organization is not None:
            role_res["organization"] = {**fb.ref(organization), "display": organization["name"]}
        return role_res

    def organization(self, name: str, nihdi: str, city: str) -> Resource:
        org = self._new("Organization", fb.PROFILE_ORGANIZATION, subject=False)
        org.update(
            identifier=[{"system": fb.SYSTEM_NIHDI, "value": nihdi}],
            name=name,
            address=[{"city": city, "country": "BE"}],
        )
        return org

    @staticmethod
    def display_of(role: Resource) -> str:
        return str(role["practitioner"]["display"])

    # -- medication ------------------------------------------------------------------

    def medication_line(
        self,
        name: str,
        cnk: str,
        atc: str,
        doses: list[Dose] | None,
        *,
        start: str,
        recorder: Resource,
        route: dict[str, Any] = ROUTE_ORAL,
        end: str | None = None,
        status: str = "active",
        every: tuple[int, str] = (1, "d"),
        as_needed: str | None = None,
        max_per_day: float | None = None,
        instruction: str | None = None,
        reason: str | None = None,
        suspension: tuple[str, str | None, str] | None = None,
    ) -> Resource:
        """A BeMedicationLine (MedicationStatement) with BeDosage lines."""
        line = self._new("MedicationStatement", fb.PROFILE_MEDICATION_LINE)
        line["identifier"] = [{"system": fb.SYSTEM_MEDICATION_LINE, "value": line["id"]}]
        line["extension"] = [{"url": fb.EXT_RECORDED_DATE, "valueDateTime": f"{start}T09:00:00Z"}]
        line["status"] = status
        line["medicationCodeableConcept"] = fb.concept(
            name, fb.coding(fb.SYSTEM_CNK, cnk, name), fb.coding(fb.SYSTEM_ATC, atc)
        )
        line["dateAsserted"] = f"{start}T09:00:00+01:00"
        line["informationSource"] = {**fb.ref(recorder), "display": self.display_of(recorder)}
        period: dict[str, str] = {"start": start}
        if end:
            period["end"] = end
        line["effectivePeriod"] = period
        if reason:
            line["reasonCode"] = [fb.concept(reason)]
        dosage: list[dict[str, Any]] = []
        repeat_base = {"frequency": 1, "period": every[0], "periodUnit": every[1]}
        if as_needed:
            entry: dict[str, Any] = {
                "text": as_needed,
                "asNeededBoolean": True,
                "route": route,
                "timing": {"repeat": dict(repeat_base)},
            }
            if max_per_day is not None:
                entry["maxDosePerPeriod"] = {
                    "numerator": {"value": max_per_day, "unit": "tablet"},
                    "denominator": {"value": 1, "unit": "d", "system": fb.SYSTEM_UCUM, "code": "d"},
                }
            dosage.append(entry)
        for seq, dose in enumerate(doses or [], start=1):
            unit_text, unit_code = dose.unit
            system = fb.SYSTEM_UCUM if unit_code.startswith("[") else fb.SYSTEM_SNOMED
            entry = {
                "sequence": seq,
                "timing": {"repeat": {**repeat_base, "when": [WHEN[dose.when]]}},
                "route": route,
                "doseAndRate": [
                    {
                        "doseQuantity": {
                            "value": dose.quantity,
                            "unit": unit_text,
                            "system": system,
                            "code": unit_code,
                        }
                    }
                ],
            }
            if instruction:
                entry["patientInstruction"] = instruction
            dosage.append(entry)
        line["dosage"] = dosage
        if suspension:
            s_start, s_end, s_reason = suspension
            s_period = {"start": s_start} | ({"end": s_end} if s_end else {})
            until = f" to {s_end}" if s_end else ""
            line["statusReason"] = [
                {
                    "extension": [
                        {
                            "url": fb.EXT_SUSPENSION,
                            "valuePeriod": s_period,
                            "extension": [
                                {"url": fb.EXT_SUSPENSION_REASON, "valueString": s_reason}
                            ],
                        }
                    ],
                    "text": f"Temporary suspension from {s_start}{until}: {s_reason}",
                }
            ]
        return line

    def prescription(
        self,
        rid: str,
        name: str,
        cnk: str,
        atc: str,
        *,
        authored: str,
        valid_until: str,
        requester: Resource,
        instruction: str,
        boxes: int = 1,
    ) -> Resource:
        """An open e-prescription (BeMedicationPrescription) with its RID."""
        req = self._new("MedicationRequest", fb.PROFILE_PRESCRIPTION)
        req.update(
            identifier=[{"system": fb.SYSTEM_PRESCRIPTION_ID, "value": rid}],
            status="active",
            intent="order",
            medicationCodeableConcept=fb.concept(
                name, fb.coding(fb.SYSTEM_CNK, cnk, name), fb.coding(fb.SYSTEM_ATC, atc)
            ),
            authoredOn=authored,
            requester={**fb.ref(requester), "display": self.display_of(requester)},
            dosageInstruction=[{"text": instruction}],
            dispenseRequest={
                "validityPeriod": {"start": authored, "end": valid_until},
                "quantity": {"value": boxes, "unit": "box"},
            },
        )
        return req

    # -- vaccination -----------------------------------------------------------------

    def vaccination(
        self,
        name: str,
        atc: str,
        cnk: str,
        when: str,
        *,
        performer: Resource | None,
        dose: int | None = None,
        series: int | None = None,
        target: str | None = None,
        lot: str | None = None,
    ) -> Resource:
        imm = self._new("Immunization", fb.PROFILE_VACCINATION, subject="patient")
        imm.update(
            status="completed",
            vaccineCode=fb.concept(
                name, fb.coding(fb.SYSTEM_CNK, cnk, name), fb.coding(fb.SYSTEM_ATC, atc)
            ),
            occurrenceDateTime=when,
            recorded=when,
            primarySource=True,
            route=fb.concept(
                "Intramuscular use" if atc != "J07BH01" else "Oral use",
                fb.coding(fb.SYSTEM_SNOMED, "78421000" if atc != "J07BH01" else "26643006"),
            ),
        )
        if lot:
            imm["lotNumber"] = lot
        if performer is not None:
            imm["performer"] = [
                {"actor": {**fb.ref(performer), "display": self.display_of(performer)}}
            ]
        if dose is not None:
            applied: dict[str, Any] = {"doseNumberPositiveInt": dose}
            if series is not None:
                applied["seriesDosesPositiveInt"] = series
            if target:
                applied["targetDisease"] = [fb.concept(target)]
            imm["protocolApplied"] = [applied]
        return imm

    def vaccination_due(self, name: str, atc: str, due: str, *, dose: int, target: str) -> Resource:
        """A next dose due (ImmunizationRecommendation)."""
        rec = self._new("ImmunizationRecommendation", None, subject="patient")
        rec.update(
            date="2026-11-01",
            recommendation=[
                {
                    "vaccineCode": [fb.concept(name, fb.coding(fb.SYSTEM_ATC, atc))],
                    "targetDisease": fb.concept(target),
                    "forecastStatus": fb.concept(
                        "due",
                        fb.coding(
                            "http://terminology.hl7.org/CodeSystem/immunization-recommendation-status",
                            "due",
                        ),
                    ),
                    "dateCriterion": [
                        {
                            "code": fb.concept(
                                "Due", fb.coding(fb.SYSTEM_LOINC, "30980-7", "Date vaccine due")
                            ),
                            "value": due,
                        }
                    ],
                    "doseNumberPositiveInt": dose,
                }
            ],
        )
        return rec

    # -- allergies and problems ------------------------------------------------------

    def allergy(
        self,
        substance: str,
        substance_code: tuple[str, str],
        *,
        kind: str,
        category: str,
        criticality: str,
        reaction: tuple[str, str] | None,
        onset: str,
        recorder: Resource,
        note: str | None = None,
    ) -> Resource:
        """An allergy (kind "allergy") or intolerance / adverse drug reaction ("intolerance")."""
        res = self._new("AllergyIntolerance", fb.PROFILE_ALLERGY, subject="patient")
        res.update(
            clinicalStatus=fb.concept(
                None,
                fb.coding(
                    "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical", "active"
                ),
            ),
            verificationStatus=fb.concept(
                None,
                fb.coding(
                    "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification",
                    "confirmed",
                ),
            ),
            type=kind,
            category=[category],
            criticality=criticality,
            code=fb.concept(substance, fb.coding(substance_code[0], substance_code[1], substance)),
            onsetDateTime=onset,
            recordedDate=onset,
            recorder={**fb.ref(recorder), "display": self.display_of(recorder)},
        )
        if reaction:
            res["reaction"] = [
                {
                    "manifestation": [
                        fb.concept(
                            reaction[0], fb.coding(fb.SYSTEM_SNOMED, reaction[1], reaction[0])
                        )
                    ]
                }
            ]
        if note:
            res["note"] = [{"text": note}]
        return res

    def problem(
        self,
        text: str,
        icpc: str,
        icd10: str,
        snomed: str,
        *,
        onset: str,
        abatement: str | None = None,
        recorder: Resource,
    ) -> Resource:
        res = self._new("Condition", fb.PROFILE_PROBLEM)
        status = "resolved" if abatement else "active"
        res.update(
            clinicalStatus=fb.concept(
                None,
                fb.coding("http://terminology.hl7.org/CodeSystem/condition-clinical", status),
            ),
            verificationStatus=fb.concept(
                None,
                fb.coding(
                    "http://terminology.hl7.org/CodeSystem/condition-ver-status", "confirmed"
                ),
            ),
            category=[
                fb.concept(
                    None,
                    fb.coding(
                        "http://terminology.hl7.org/CodeSystem/condition-category",
                        "problem-list-item",
                    ),
                )
            ],
            code=fb.concept(
                text,
                fb.coding(fb.SYSTEM_ICPC2, icpc),
                fb.coding(fb.SYSTEM_ICD10, icd10),
                fb.coding(fb.SYSTEM_SNOMED, snomed, text),
            ),
            onsetDateTime=onset,
            recordedDate=onset,
            recorder={**fb.ref(recorder), "display": self.display_of(recorder)},
        )
        if abatement:
            res["abatementDateTime"] = abatement
        return res

    # -- laboratory ------------------------------------------------------------------

    def lab_report(
        self,
        when: str,
        results: list[LabValue],
        *,
        lab: Resource,
        requester: Resource,
        status: str = "final",
        title: str = "Laboratory report",
    ) -> Resource:
        """A be-laboratory-report (DiagnosticReport) with its be-observation-laboratory results."""
        observations = [self._observation(when, value, lab, status) for value in results]
        report = self._new("DiagnosticReport", fb.PROFILE_LAB_REPORT)
        report.update(
            identifier=[
                {
                    "system": "https://www.ehealth.fgov.be/lab-report/diagnostic-report-id",
                    "value": f"LAB-{report['id'][:8].upper()}",
                }
            ],
            status=status,
            category=[
                fb.concept(
                    None,
                    fb.coding("http://terminology.hl7.org/CodeSystem/v2-0074", "LAB", "Laboratory"),
                )
            ],
            code=fb.concept(title, fb.coding(fb.SYSTEM_LOINC, "11502-2", "Laboratory report")),
            effectiveDateTime=f"{when}T08:30:00+01:00",
            issued=f"{when}T16:00:00+01:00",
            performer=[{**fb.ref(lab), "display": lab["name"]}],
            resultsInterpreter=[{**fb.ref(requester), "display": self.display_of(requester)}],
            result=[fb.ref(o) for o in observations],
        )
        return report

    def _observation(self, when: str, value: LabValue, lab: Resource, status: str) -> Resource:
        obs = self._new("Observation", fb.PROFILE_LAB_OBSERVATION)
        obs.update(
            status=status,
            category=[
                fb.concept(
                    None,
                    fb.coding(
                        "http://terminology.hl7.org/CodeSystem/observation-category", "laboratory"
                    ),
                )
            ],
            code=fb.concept(value.name, fb.coding(fb.SYSTEM_LOINC, value.loinc, value.name)),
            effectiveDateTime=f"{when}T08:30:00+01:00",
            issued=f"{when}T16:00:00+01:00",
            performer=[{**fb.ref(lab), "display": lab["name"]}],
            valueQuantity=fb.quantity(value.value, value.unit, value.ucum),
        )
        rng: dict[str, Any] = {}
        if value.low is not None:
            rng["low"] = fb.quantity(value.low, value.unit, value.ucum)
        if value.high is not None:
            rng["high"] = fb.quantity(value.high, value.unit, value.ucum)
        if rng:
            obs["referenceRange"] = [rng]
        flag = value.interpretation()
        display = {"H": "High", "L": "Low", "N": "Normal"}[flag]
        obs["interpretation"] = [
            fb.concept(display, fb.coding(fb.SYSTEM_INTERPRETATION, flag, display))
        ]
        return obs

    # -- documents -------------------------------------------------------------------

    def document(
        self,
        title: str,
        loinc: tuple[str, str],
        when: str,
        *,
        author: Resource,
        custodian: Resource,
        body: list[str],
        pdf: bool = True,
    ) -> Resource:
        """A DocumentReference with a small inline PDF (or plain text) attachment."""
        doc = self._new("DocumentReference", None)
        if pdf:
            data = tiny_pdf(title, body)
            content_type = "application/pdf"
        else:
            data = ("\n".join([title, "", *body]) + "\n").encode("utf-8")
            content_type = "text/plain; charset=utf-8"
        doc.update(
            masterIdentifier={"system": "urn:ietf:rfc:3986", "value": f"urn:uuid:{doc['id']}"},
            status="current",
            docStatus="final",
            type=fb.concept(loinc[1], fb.coding(fb.SYSTEM_LOINC, loinc[0], loinc[1])),
            date=f"{when}T12:00:00+01:00",
            author=[{**fb.ref(author), "display": self.display_of(author)}],
            custodian={**fb.ref(custodian), "display": custodian["name"]},
            description=title,
            content=[
                {
                    "attachment": {
                        "contentType": content_type,
                        "language": self.seed.language,
                        "data": base64.b64encode(data).decode("ascii"),
                        "size": len(data),
                        "title": title,
                        "creation": f"{when}T12:00:00+01:00",
                    }
                }
            ],
        )
        return doc

    # -- consent, relations, exclusions, access log ----------------------------------

    def consent(self, since: str) -> Resource:
        """The patient's informed consent for sharing data through the hubs (active)."""
        res = self._new("Consent", None, subject="patient")
        res.update(
            status="active",
            scope=fb.concept(
                "Privacy consent",
                fb.coding("http://terminology.hl7.org/CodeSystem/consentscope", "patient-privacy"),
            ),
            category=[
                fb.concept(
                    "eHealth consent for sharing health data",
                    fb.coding(fb.SYSTEM_LOINC, "59284-0", "Patient Consent"),
                )
            ],
            dateTime=f"{since}T10:00:00+01:00",
            policy=[{"uri": CONSENT_POLICY}],
            provision={"type": "permit", "period": {"start": since}},
        )
        return res

    def exclusion(self, excluded: Resource, since: str) -> Resource:
        """A care provider the patient excluded from their data (Consent with a deny)."""
        res = self._new("Consent", None, subject="patient")
        res.update(
            status="active",
            scope=fb.concept(
                "Privacy consent",
                fb.coding("http://terminology.hl7.org/CodeSystem/consentscope", "patient-privacy"),
            ),
            category=[
                fb.concept(
                    "Exclusion of a care provider",
                    fb.coding(
                        "http://terminology.hl7.org/CodeSystem/v3-ActCode", "NOPP", "no disclosure"
                    ),
                )
            ],
            dateTime=f"{since}T10:00:00+01:00",
            policy=[{"uri": CONSENT_POLICY}],
            provision={
                "type": "deny",
                "period": {"start": since},
                "actor": [
                    {
                        "role": fb.concept(
                            None,
                            fb.coding(
                                "http://terminology.hl7.org/CodeSystem/v3-ParticipationType",
                                "PRCP",
                                "primary information recipient",
                            ),
                        ),
                        "reference": {**fb.ref(excluded), "display": self.display_of(excluded)},
                    }
                ],
            },
        )
        return res

    def care_team(self, members: list[tuple[Resource, str, str]]) -> Resource:
        """Therapeutic relations: (role resource, relation code of RELATIONS, since)."""
        team = self._new("CareTeam", None)
        participants: list[dict[str, Any]] = []
        for member, relation, since in members:
            participants.append(
                {
                    "role": [
                        fb.concept(
                            RELATIONS[relation],
                            fb.coding(fb.SYSTEM_RELATION, relation, RELATIONS[relation]),
                        )
                    ],
                    "member": {**fb.ref(member), "display": self.display_of(member)},
                    "period": {"start": since},
                }
            )
        team.update(status="active", name="Therapeutic relations", participant=participants)
        return team

    def access(
        self, who: Resource, organization: Resource, when: str, what: str, action: str = "R"
    ) -> Resource:
        """One line of the access log (AuditEvent)."""
        event = self._new("AuditEvent", None, subject=False)
        event.update(
            type=fb.coding(
                "http://terminology.hl7.org/CodeSystem/audit-event-type",
                "rest",
                "RESTful Operation",
            ),
            action=action,
            recorded=when,
            outcome="0",
            agent=[
                {
                    "who": {**fb.ref(who), "display": self.display_of(who)},
                    "requestor": True,
                },
                {
                    "who": {**fb.ref(organization), "display": organization["name"]},
                    "requestor": False,
                },
            ],
            source={"observer": {"display": "Demo hub"}},
            entity=[{"what": fb.ref(self.patient), "name": what, "description": what}],
        )
        return event

    def build(self) -> SyntheticPatient:
        return SyntheticPatient(
            citizen_id=self.seed.citizen_id,
            national_number=self.seed.national_number,
            patient_id=self.patient_id,
            resources=tuple(self.resources),
        )


@dataclass(frozen=True, slots=True)
class LabValue:
    """One laboratory value with its reference range."""

    name: str
    loinc: str
    value: float
    unit: str
    low: float | None
    high: float | None
    ucum: str | None = None

    def interpretation(self) -> str:
        """The lab's flag (HL7 v3 ObservationInterpretation): "L", "H" or "N"."""
        level = ReferenceRange(self.low, self.high).classify(self.value)
        return {Interpretation.LOW: "L", Interpretation.HIGH: "H"}.get(level, "N")


@dataclass(frozen=True, slots=True)
class SyntheticPatient:
    """All resources of one synthetic patient, matched to a virtual card by national number."""

    citizen_id: str
    national_number: str
    patient_id: str
    resources: tuple[Resource, ...]

    def count(self, resource_type: str) -> int:
        return sum(1 for r in self.resources if r["resourceType"] == resource_type)


def iso(d: date) -> str:
    return d.isoformat()
