"""Map FHIR R4 resources (Belgian profiles) to a :class:`Record`.

Handles Bundles (any type, nested), single resources and lists of resources. A resource that
cannot be read becomes an :class:`UnreadablePart` (never fatal, never dropped); a medication
with a value that is not permitted is kept with what could be read, plus an UnreadablePart.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from functools import partial
from typing import Any

from assistant.errors import BadDataError
from assistant.records import codes
from assistant.records.fhir_version import (
    READ_FULLY,
    FhirVersion,
    declared_version,
    members_not_in_r4,
    shape_version,
)
from assistant.records.json_view import JsonView, as_text
from assistant.records.model import (
    RAW_LIMIT,
    VACCINE_DUE,
    VACCINE_GIVEN,
    VACCINE_NOT_GIVEN,
    VACCINE_UNSURE,
    AccessLogEntry,
    Allergy,
    AllergyKind,
    Coding,
    ConsentStatus,
    Criticality,
    Document,
    DoseTiming,
    Duration,
    Exclusion,
    Frequency,
    Interpretation,
    ItemSource,
    LabResult,
    Medication,
    MedicationStatus,
    Patient,
    Prescription,
    Problem,
    ProblemStatus,
    Record,
    ReferenceRange,
    RelationKind,
    ResultStatus,
    Suspension,
    TherapeuticRelation,
    UnreadableReason,
    Vaccination,
    Verification,
    Weekday,
)

log = logging.getLogger(__name__)

_MAX_BUNDLE_DEPTH = 4
_PART_ERRORS = (ValueError, TypeError, KeyError, AttributeError, IndexError, ArithmeticError)
_CYCLE_DAY = re.compile(r"\bday\s+(\d{1,4})\b", re.IGNORECASE)
_SUSPENSION_URL = "MedicationSuspension"
_RECORDED_DATE_URL = "BeExtRecordedDate"

#: Resources used only as context for others (names, reports); they are not listed.
_CONTEXT_TYPES = frozenset(
    {
        "Practitioner",
        "PractitionerRole",
        "Organization",
        "Composition",
        "ServiceRequest",
        "Specimen",
        "Medication",
        "Provenance",
        "Device",
        "Encounter",
        "RelatedPerson",
        "Location",
    }
)


class _NotFact(Exception):
    """The source marks this resource as entered in error: it is noted as such (with
    ``what``, a few words saying which entry), never shown as fact."""

    def __init__(self, what: str) -> None:
        super().__init__(what)
        self.what = what


class _Unreadable(ValueError):
    def __init__(self, why: str, reason: UnreadableReason, raw: str = "") -> None:
        super().__init__(why)
        self.why = why
        self.reason = reason
        self.raw = raw


def record_from_fhir(data: dict[str, Any] | list[dict[str, Any]], source: ItemSource) -> Record:
    """Map a FHIR Bundle, a single resource or a list of resources; raises BadDataError if
    ``data`` is not FHIR at all."""
    if isinstance(data, dict):
        if not isinstance(data.get("resourceType"), str):
            raise BadDataError("JSON object without a FHIR resourceType")
        top: list[Any] = [data]
    elif isinstance(data, list):
        top = data
    else:
        raise BadDataError("FHIR data must be a JSON object or a list")
    mapper = _Mapper(source)
    for resource in top:
        mapper.collect(resource, depth=0)
    return mapper.run()


# --------------------------------------------------------------------------------------------
# values with a meaning (a number, a date) and FHIR data types


def _num(value: Any, what: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise _Unreadable(f"{what} is not a number", UnreadableReason.MALFORMED, _raw(value))
    try:
        out = float(value)
    except ValueError:
        raise _Unreadable(
            f"{what} is not a number", UnreadableReason.MALFORMED, _raw(value)
        ) from None
    if not math.isfinite(out):
        raise _Unreadable(f"{what} is not finite", UnreadableReason.MALFORMED, _raw(value))
    return out


def _raw(value: Any) -> str:
    try:
        text = json.dumps(value, ensure_ascii=False, default=str)
    except (TypeError, ValueError, RecursionError):
        text = repr(value)
    return text[:RAW_LIMIT]


def _date(value: Any, what: str = "date") -> date | None:
    text = as_text(value)
    if not text:
        return None
    try:
        if len(text) == 4:
            return date(int(text), 1, 1)
        if len(text) == 7:
            return date(int(text[:4]), int(text[5:7]), 1)
        return date.fromisoformat(text[:10])
    except ValueError:
        raise _Unreadable(f"{what} is not a date", UnreadableReason.MALFORMED, text[:40]) from None


def _datetime(value: Any, what: str = "date") -> datetime | None:
    text = as_text(value)
    if not text:
        return None
    if len(text) <= 10:
        d = _date(text, what)
        return datetime.combine(d, time()) if d else None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise _Unreadable(
            f"{what} is not a date-time", UnreadableReason.MALFORMED, text[:40]
        ) from None


def _codings(concept: JsonView) -> list[Coding]:
    out: list[Coding] = []
    for c in concept.each("coding"):
        code = c.text("code")
        if not code:
            continue
        system = c.text("system")
        out.append(Coding(codes.FHIR_SYSTEM_ALIASES.get(system, system), code, c.text("display")))
    return out


def _concept_text(concept: JsonView) -> str:
    """A CodeableConcept's text, else its first coding's display, else its first code."""
    text = concept.text("text")
    if text:
        return text
    for c in concept.each("coding"):
        display = c.text("display")
        if display:
            return display
    for c in concept.each("coding"):
        code = c.text("code")
        if code:
            return code
    return ""


def _status_code(r: JsonView, key: str) -> str:
    """A status written as a plain code (STU3 and older) or as a CodeableConcept (R4, R5)."""
    value = r.get(key)
    if isinstance(value, str):
        return value.strip()
    return next((c.code for c in _codings(r.obj(key))), "")


def _reference_text(ref: JsonView) -> str:
    """What a CodeableReference (R5) or a CodeableConcept says: its concept's text, else the
    display of its reference."""
    return (
        _concept_text(ref)
        or _concept_text(ref.obj("concept"))
        or ref.obj("reference").text("display")
    )


#: Members of other FHIR versions the mapper reads, by resource type (see fhir_version).
_READ_FROM_OTHER_VERSIONS: dict[str, frozenset[str]] = {
    "Immunization": frozenset({"wasNotGiven", "notGiven", "explanation", "date", "statusReason"}),
    "AllergyIntolerance": frozenset({"status", "onset"}),
    "MedicationStatement": frozenset({"taken", "wasNotTaken", "medication", "adherence"}),
    "MedicationRequest": frozenset({"medication"}),
    "DocumentReference": frozenset({"created", "indexed"}),
}

_ALLERGY_VERIFICATION: dict[str, Verification] = {
    "confirmed": Verification.CONFIRMED,
    "unconfirmed": Verification.UNCONFIRMED,
    "presumed": Verification.UNCONFIRMED,
    "refuted": Verification.REFUTED,
}

_CONDITION_VERIFICATION: dict[str, Verification] = {
    "confirmed": Verification.CONFIRMED,
    "unconfirmed": Verification.UNCONFIRMED,
    "provisional": Verification.UNCONFIRMED,
    "differential": Verification.UNCONFIRMED,
    "refuted": Verification.REFUTED,
    "unknown": Verification.UNKNOWN,
}


def _ext(resource: JsonView, url_part: str) -> list[JsonView]:
    """The extensions whose URL holds ``url_part``."""
    return [e for e in resource.each("extension") if url_part in e.text("url")]


def _human_name(names: list[JsonView]) -> str:
    for n in names:
        text = n.text("text")
        if text:
            return text
        parts = [
            p
            for p in (
                " ".join(x.as_text() for x in n.each("prefix")),
                " ".join(n.texts("given")),
                n.text("family"),
            )
            if p
        ]
        if parts:
            return " ".join(parts)
    return ""


def _quantity_text(q: JsonView) -> str:
    value = q.get("value")
    if isinstance(value, bool) or not isinstance(value, int | float):
        return ""
    number = f"{value:g}"
    unit = q.text("unit") or q.text("code")
    return f"{number} {unit}".strip()


def _ratio_text(ratio: JsonView) -> str:
    """ "500 mg" or "100000 [iU]/1 mL" from a FHIR Ratio."""
    top = _quantity_text(ratio.obj("numerator"))
    bottom = ratio.obj("denominator")
    if not top:
        return ""
    per_one = bottom.get("value") == 1 and not (bottom.text("unit") or bottom.text("code"))
    if not bottom or per_one:
        return top
    return f"{top}/{_quantity_text(bottom)}"


def _annotation_text(notes: list[JsonView]) -> str:
    return " ".join(t for t in (n.text("text") for n in notes) if t)


def _first_identifier(r: JsonView) -> str:
    """The first identifier value of a resource, or ""."""
    return next((v for v in (i.text("value") for i in r.each("identifier")) if v), "")


# --------------------------------------------------------------------------------------------


@dataclass
class _Report:
    report_id: str
    title: str
    when: datetime | None
    status: str


@dataclass
class _Mapper:
    source: ItemSource
    record: Record = field(default_factory=Record)
    resources: list[JsonView] = field(default_factory=list)
    index: dict[str, JsonView] = field(default_factory=dict)
    reports: dict[int, _Report] = field(default_factory=dict)
    default_report: _Report | None = None
    report_count: int = 0
    panels: dict[str, str] = field(default_factory=dict)
    #: Language each resource's texts are declared in (its own, its narrative's or its Bundle's).
    languages: dict[int, str] = field(default_factory=dict)
    problems: list[tuple[UnreadableReason, str, str]] = field(default_factory=list)

    def soft(self, what: str, fn: Callable[[], Any], default: Any = None) -> Any:
        """Run ``fn``; a failure becomes a problem of the current resource and ``default``."""
        try:
            return fn()
        except _Unreadable as exc:
            self.problems.append((exc.reason, f"{what}: {exc.why}", exc.raw))
        except _PART_ERRORS as exc:
            self.problems.append((UnreadableReason.MALFORMED, f"{what}: {type(exc).__name__}", ""))
        return default

    def check_codings(self, codings: list[Coding]) -> None:
        for c in codings:
            if c.system == codes.CNK and not (c.code.isdigit() and len(c.code) == 7):
                self.problems.append(
                    (UnreadableReason.NOT_PERMITTED_VALUE, "CNK code is not 7 digits", c.code)
                )
            elif c.system == codes.SNOMED and not (c.code.isdigit() and 6 <= len(c.code) <= 18):
                self.problems.append(
                    (UnreadableReason.NOT_PERMITTED_VALUE, "SNOMED CT code is not a number", c.code)
                )

    # collecting -----------------------------------------------------------------------------
    def collect(self, resource: Any, depth: int, full_url: str = "", language: str = "") -> None:
        if not isinstance(resource, dict) or not isinstance(resource.get("resourceType"), str):
            self.unreadable(
                "resource",
                "entry is not a FHIR resource",
                UnreadableReason.MALFORMED,
                _raw(resource),
            )
            return
        rtype = resource["resourceType"]
        view = JsonView(resource)
        language = declared_language(view) or language
        if rtype == "Bundle":
            if depth >= _MAX_BUNDLE_DEPTH:
                self.unreadable("Bundle", "bundles nested too deeply", UnreadableReason.UNSUPPORTED)
                return
            for entry in view.each("entry"):
                if not entry.has("resource"):
                    if entry:
                        self.unreadable(
                            "Bundle.entry",
                            "entry without a resource",
                            UnreadableReason.MISSING_VALUE,
                            _raw(entry.raw),
                        )
                    continue
                self.collect(entry.get("resource"), depth + 1, entry.text("fullUrl"), language)
            return
        self.resources.append(view)
        if language:
            self.languages[id(view)] = language
        rid = view.text("id")
        if rid:
            self.index[f"{rtype}/{rid}"] = view
        if full_url:
            self.index[full_url] = view
        for ident in view.each("identifier"):
            value = ident.text("value")
            if value:
                self.index.setdefault(f"{rtype}/{value}", view)

    def resolve(self, ref: JsonView) -> JsonView | None:
        """The resource a Reference points at, when the data holds it."""
        text = ref.text("reference")
        if not text:
            return None
        if text in self.index:
            return self.index[text]
        # "urn:be:custom:PractitionerRole/123", "https://host/fhir/Patient/1"
        tail = "/".join(text.rsplit(":", 1)[-1].split("/")[-2:])
        return self.index.get(tail)

    def who(self, ref: JsonView) -> str:
        """Display name of a referenced practitioner / organisation / patient."""
        display = ref.text("display")
        if display:
            return display
        target = self.resolve(ref)
        if target is None:
            return ""
        rtype = target.get("resourceType")
        if rtype == "PractitionerRole":
            person = self.who(target.obj("practitioner"))
            org = self.who(target.obj("organization"))
            return ", ".join(p for p in (person, org) if p)
        if rtype == "Organization":
            return target.text("name")
        return _human_name(target.each("name"))

    def unreadable(
        self,
        where: str,
        why: str,
        reason: UnreadableReason = UnreadableReason.MALFORMED,
        raw: str = "",
        ref: str = "",
    ) -> None:
        self.record.add_unreadable(where, why, reason, self.source.at(ref), raw)

    # mapping --------------------------------------------------------------------------------
    def run(self) -> Record:
        self.record.sources.append(self.source)
        handlers: dict[str, Callable[[JsonView, str], None]] = {
            "Patient": self.patient,
            "MedicationStatement": self.medication_statement,
            "MedicationRequest": self.medication_request,
            "Immunization": self.immunization,
            "AllergyIntolerance": self.allergy,
            "Condition": self.condition,
            "Observation": self.observation,
            "DocumentReference": self.document_reference,
            "Consent": self.consent,
            "AuditEvent": self.audit_event,
            "CareTeam": self.care_team,
            "ImmunizationRecommendation": self.immunization_recommendation,
        }
        # reports first, so that observations know the report they belong to
        ordered = sorted(self.resources, key=lambda r: _ORDER.get(r.text("resourceType"), 1))
        self.report_count = sum(
            1 for x in self.resources if x.get("resourceType") == "DiagnosticReport"
        )
        self.panels = dict(self.soft("panels", lambda: list(self.panel_names()), []))
        declared = declared_version(self.resources)
        self.problems = []
        base = self.source
        for resource in ordered:
            rtype = resource.get("resourceType")  # a string: collect() checked it
            ref = _resource_ref(resource)
            self.problems = []
            self.source = base.speaking(self.languages.get(id(resource), ""))
            self.check_version(resource, declared)
            try:
                if rtype == "DiagnosticReport":
                    self.diagnostic_report(resource, ref)
                elif rtype in handlers:
                    handlers[rtype](resource, ref)
                elif rtype == "OperationOutcome":
                    self.operation_outcome(resource, ref)
                elif rtype not in _CONTEXT_TYPES:
                    self.unreadable(
                        ref,
                        f"this kind of resource is not shown: {rtype}",
                        UnreadableReason.UNSUPPORTED,
                        _raw(resource.raw),
                        ref,
                    )
            except _PART_ERRORS as exc:
                why = (
                    exc.why
                    if isinstance(exc, _Unreadable)
                    else f"{type(exc).__name__} while reading"
                )
                reason = exc.reason if isinstance(exc, _Unreadable) else UnreadableReason.MALFORMED
                self.unreadable(ref, why, reason, _raw(resource.raw), ref)
            except _NotFact as exc:
                self.unreadable(
                    ref, "entered in error", UnreadableReason.ENTERED_IN_ERROR, exc.what, ref
                )
            except RecursionError:
                self.unreadable(
                    ref, "resource nested too deeply", UnreadableReason.MALFORMED, "", ref
                )
            for reason, why, raw in self.problems:
                self.unreadable(ref, why, reason, raw, ref)
        self.source = base
        if self.record.unreadable:
            log.info("FHIR: %d part(s) could not be read", len(self.record.unreadable))
        return self.record

    def check_version(self, r: JsonView, declared: FhirVersion) -> None:
        """Note, as problems of ``r``, what its FHIR version holds that the mapper does not
        read, and any modifier extension (it changes the meaning of the resource)."""
        if r.has("modifierExtension"):
            urls = ", ".join(e.text("url") for e in r.each("modifierExtension"))
            self.problems.append(
                (UnreadableReason.UNSUPPORTED, "modifier extension not understood", urls)
            )
        version = shape_version(r)
        if version is FhirVersion.UNKNOWN:
            version = declared
        if version in READ_FULLY or version is FhirVersion.UNKNOWN:
            return
        rtype = r.text("resourceType")
        extra = members_not_in_r4(r, _READ_FROM_OTHER_VERSIONS.get(rtype, frozenset()))
        if extra:
            self.problems.append(
                (
                    UnreadableReason.OTHER_VERSION,
                    f"FHIR {version.value}: not read: {', '.join(extra)}",
                    _raw({k: r.get(k) for k in extra}),
                )
            )

    def patient(self, r: JsonView, ref: str) -> None:
        if self.record.patient is not None:
            return
        nn = ""
        for ident in r.each("identifier"):
            if ident.text("system") == codes.SSIN:
                nn = ident.text("value")
        given = ""
        family = ""
        for n in r.each("name"):
            given = " ".join(n.texts("given"))
            family = n.text("family")
            if given or family:
                break
        language = ""
        for comm in r.each("communication"):
            language = next((c.code for c in _codings(comm.obj("language"))), "")
            if language:
                break
        self.record.patient = Patient(
            given_names=given,
            surname=family,
            national_number=nn,
            birth_date=_date(r.get("birthDate"), "birthDate"),
            sex={"male": "M", "female": "F", "other": "X"}.get(r.text("gender"), ""),
            language=language,
            source=self.source.at(ref),
        )

    # medications ----------------------------------------------------------------------------
    def medication_concept(self, r: JsonView) -> tuple[str, list[Coding]]:
        concept = r.get("medicationCodeableConcept")
        reference = r.obj("medicationReference")
        if concept is None and r.obj("medication"):  # R5: a CodeableReference
            concept = r.obj("medication").get("concept")
            reference = r.obj("medication").obj("reference")
        if concept is None and reference:
            target = self.resolve(reference)
            concept = target.get("code") if target else None
            if concept is None:
                return reference.text("display"), []
        return _concept_text(JsonView(concept)), _codings(JsonView(concept))

    def medication_details(self, r: JsonView) -> dict[str, str]:
        """Form, ingredient and strength from a referenced Medication resource, if any."""
        target = self.resolve(r.obj("medicationReference"))
        if target is None or target.get("resourceType") != "Medication":
            return {}
        ingredients = target.each("ingredient")
        names = [_concept_text(i.obj("itemCodeableConcept")) for i in ingredients]
        strengths = [_ratio_text(i.obj("strength")) for i in ingredients]
        return {
            "form": _concept_text(target.obj("form")),
            "active_ingredient": ", ".join(n for n in names if n),
            "strength": ", ".join(x for x in strengths if x),
        }

    def medication_statement(self, r: JsonView, ref: str) -> None:
        problems = self.problems
        guarded = self.soft
        name, codings = guarded("medication", lambda: self.medication_concept(r), ("", []))
        if not name:
            problems.append((UnreadableReason.MISSING_VALUE, "medication without a name", ""))
        kind = next((c.code for c in codings if c.system == codes.MEDICATION_TYPE), "")
        period = r.obj("effectivePeriod")
        begin = guarded(
            "effectivePeriod.start",
            lambda: _date(period.get("start") or r.get("effectiveDateTime")),
        )
        end = guarded("effectivePeriod.end", lambda: _date(period.get("end")))
        status_text = r.text("status")
        if status_text == "entered-in-error":
            raise _NotFact(name or "medication")
        status = _statement_status(r, status_text)
        if status is None:
            problems.append(
                (UnreadableReason.NOT_PERMITTED_VALUE, "status not permitted", status_text)
            )
            status = MedicationStatus.UNKNOWN
        dosage = guarded("dosage", lambda: self.dosage(r.each("dosage"), problems), {})
        details = guarded("medication details", lambda: self.medication_details(r), {})
        suspensions = guarded("statusReason", lambda: self.suspensions(r, status_text, ref), ())
        if status is MedicationStatus.STOPPED and any(s.stopped for s in suspensions):
            # the stop has a date: Medication.status_on() tells before from after
            status = MedicationStatus.ACTIVE
        recorded = None
        for e in _ext(r, _RECORDED_DATE_URL):
            recorded = guarded("recorded date", partial(_datetime, e.get("valueDateTime")))
        prescriber = self.who(r.obj("informationSource"))
        for e in _ext(r, "BeExtRecorder"):
            prescriber = prescriber or self.who(e.obj("valueReference"))
        identifier = _first_identifier(r)
        med = Medication(
            name=name,
            codings=tuple(codings),
            identifier=identifier,
            kind=kind,
            begin=begin,
            end=end,
            status=status,
            suspensions=suspensions,
            prescriber=prescriber,
            recorded=recorded,
            use=_concept_text(next(iter(r.each("reasonCode")), JsonView())),
            source=self.source.at(ref),
            **dosage,
            **details,
        )
        note = _annotation_text(r.each("note"))
        if note:
            med = replace(med, instructions=" ".join(p for p in (med.instructions, note) if p))
        self.record.medications.append(med)
        self.check_codings(codings)
        problems.extend(codes.medication_rule_breaks(med))

    def suspensions(self, r: JsonView, status: str, ref: str) -> tuple[Suspension, ...]:
        out: list[Suspension] = []
        for reason in r.each("statusReason"):
            for e in _ext(reason, _SUSPENSION_URL):
                p = e.obj("valuePeriod")
                why = " ".join(t for t in (x.text("valueString") for x in e.each("extension")) if t)
                begin = _date(p.get("start"), "suspension start")
                end = _date(p.get("end"), "suspension end")
                text = reason.text("text").lower()
                stopped = end is None and (status == "stopped" or "definitive" in text)
                out.append(
                    Suspension(
                        begin=begin,
                        end=end,
                        reason=why or reason.text("text"),
                        stopped=stopped,
                        source=self.source.at(ref),
                    )
                )
        return tuple(out)

    def dosage(
        self, dosages: list[JsonView], problems: list[tuple[UnreadableReason, str, str]]
    ) -> dict[str, Any]:
        timings: list[DoseTiming] = []
        texts: list[str] = []
        instructions: list[str] = []
        frequency: Frequency | None = None
        duration: Duration | None = None
        as_needed = False
        route: Coding | None = None
        for ds in dosages:
            text = ds.text("text")
            if text and text not in texts:
                texts.append(text)
            patient_instruction = ds.text("patientInstruction")
            if patient_instruction and patient_instruction not in instructions:
                instructions.append(patient_instruction)
            if ds.get("asNeededBoolean") is True or ds.get("asNeededCodeableConcept") is not None:
                as_needed = True
            route_codings = _codings(ds.obj("route"))
            if route_codings:
                route = route_codings[0]
            day_number: int | None = None
            for extra in ds.each("additionalInstruction"):
                extra_text = _concept_text(extra)
                m = _CYCLE_DAY.search(extra_text)
                if m and "cycle" in extra_text.lower():
                    day_number = int(m.group(1))
                elif extra_text and extra_text not in instructions:
                    instructions.append(extra_text)
            timing = ds.obj("timing")
            repeat = timing.obj("repeat")
            f = self.frequency(repeat, problems)
            frequency = frequency or f
            if repeat.get("duration") is not None:
                unit = codes.TIME_UNITS.get(repeat.text("durationUnit"))
                value = _num(repeat.get("duration"), "duration")
                if unit is None:
                    problems.append(
                        (
                            UnreadableReason.NOT_PERMITTED_VALUE,
                            "duration unit not permitted",
                            repeat.text("durationUnit"),
                        )
                    )
                elif value is not None:
                    duration = Duration(value * unit[1], unit[0])
            quantity: dict[str, Any] = {}
            for dr in ds.each("doseAndRate"):
                q = dr.obj("doseQuantity") or dr.obj("doseRange").obj("high")
                if q:
                    value = _num(q.get("value"), "dose quantity")
                    if value is not None:
                        quantity["quantity"] = value
                        quantity["quantity_text"] = q.text("value")
                    code = q.text("code")
                    unit_text = q.text("unit") or code
                    if unit_text:
                        quantity["unit"] = unit_text
                    if code:
                        quantity["unit_coding"] = Coding(q.text("system"), code, q.text("unit"))
                    break
            if route is not None and quantity:
                quantity["route"] = route
            weekdays = []
            for wd in repeat.each("dayOfWeek"):
                day = codes.FHIR_WEEKDAYS.get(wd.as_text())
                if day is None:
                    problems.append(
                        (
                            UnreadableReason.NOT_PERMITTED_VALUE,
                            "day of week not permitted",
                            wd.as_text(),
                        )
                    )
                else:
                    weekdays.append(day)
            events = [_date(e.raw, "timing.event") for e in timing.each("event")]
            on_date = (
                events[0]
                if len(events) == 1
                and (repeat.get("when") or repeat.get("timeOfDay"))
                and not repeat.get("frequency")
                else None
            )
            base: dict[str, Any] = dict(quantity)
            if day_number is not None:
                base["day_number"] = day_number
            if on_date is not None:
                base["on_date"] = on_date
            slots: list[dict[str, Any]] = []
            for w in repeat.each("when"):
                period = codes.FHIR_WHEN.get(w.as_text())
                if period is None:
                    problems.append(
                        (
                            UnreadableReason.NOT_PERMITTED_VALUE,
                            "time of day code not permitted",
                            w.as_text(),
                        )
                    )
                    slots.append({})
                else:
                    slots.append({"period": period})
            for t in repeat.each("timeOfDay"):
                try:
                    slots.append({"time_of_day": time.fromisoformat(t.as_text())})
                except ValueError:
                    problems.append(
                        (UnreadableReason.MALFORMED, "time of day is not a time", t.as_text())
                    )
            if not slots and quantity:
                slots.append({})
            for slot in slots:
                days: list[Weekday | None] = list(weekdays) or [None]
                for day in days:
                    values = {**base, **slot}
                    if day is not None:
                        values["weekday"] = day
                    timings.append(DoseTiming(**values))
        if frequency is not None and not any(t.weekday for t in timings):
            pass
        elif frequency is not None:
            found = [t.weekday for t in timings if t.weekday is not None]
            frequency = replace(frequency, weekdays=tuple(dict.fromkeys(found)))
        return {
            "posology": tuple(timings),
            "posology_text": " ".join(texts),
            "instructions": " ".join(instructions),
            "frequency": frequency,
            "duration": duration,
            "as_needed": as_needed,
            "route": route,
            "administration_unit": next((t.unit_coding for t in timings if t.unit_coding), None),
        }

    def frequency(
        self, repeat: JsonView, problems: list[tuple[UnreadableReason, str, str]]
    ) -> Frequency | None:
        if repeat.get("period") is None:
            return None
        unit_code = repeat.text("periodUnit")
        unit = codes.TIME_UNITS.get(unit_code)
        if unit is None:
            problems.append(
                (UnreadableReason.NOT_PERMITTED_VALUE, "period unit not permitted", unit_code)
            )
            return None
        period = _num(repeat.get("period"), "period")
        times = _num(repeat.get("frequency"), "frequency")
        if period is None or period <= 0:
            problems.append(
                (
                    UnreadableReason.NOT_PERMITTED_VALUE,
                    "period is 0 or less",
                    repeat.text("period"),
                )
            )
            return None
        return Frequency(
            every=period * unit[1],
            unit=unit[0],
            times=int(times) if times is not None and times > 1 else None,
        )

    def medication_request(self, r: JsonView, ref: str) -> None:
        name, codings = self.medication_concept(r)
        if r.text("status") == "entered-in-error":
            raise _NotFact(name or "prescription")
        if r.get("doNotPerform") is True:
            # an order *not* to take this medicine: never listed as a prescription to collect
            self.unreadable(
                ref, "request not to give a medicine", UnreadableReason.UNSUPPORTED, name, ref
            )
            return
        rid = ""
        for ident in r.each("identifier"):
            value = ident.text("value")
            system = ident.text("system").lower()
            if value and ("rid" in system or "pres-id" in system or "prescription" in system):
                rid = value
                break
            rid = rid or value
        group = r.obj("groupIdentifier").text("value")
        dispense = r.obj("dispenseRequest")
        validity = dispense.obj("validityPeriod")
        quantity = dispense.obj("quantity")
        dosage_text = " ".join(
            t for t in (d.text("text") for d in r.each("dosageInstruction")) if t
        )
        self.record.prescriptions.append(
            Prescription(
                rid=rid or group,
                medication=name,
                codings=tuple(codings),
                prescriber=self.who(r.obj("requester")),
                date=_date(r.get("authoredOn"), "authoredOn"),
                expiry=_date(validity.get("end"), "validity end"),
                status=r.text("status") or "unknown",
                posology_text=dosage_text,
                quantity=" ".join(p for p in (quantity.text("value"), quantity.text("unit")) if p),
                source=self.source.at(ref),
            )
        )
        if not rid and not group:
            self.unreadable(
                ref, "prescription without an identifier", UnreadableReason.MISSING_VALUE, name, ref
            )

    # other sections -------------------------------------------------------------------------
    def immunization(self, r: JsonView, ref: str) -> None:
        concept = r.obj("vaccineCode")
        status_text = r.text("status")
        if status_text == "entered-in-error":
            raise _NotFact(_concept_text(concept) or "vaccination")
        status, reason = self.immunization_status(r, status_text)
        codings = _codings(concept)
        for e in _ext(r, "administeredProduct"):
            for x in e.each("extension"):
                codings.extend(_codings(x.obj("valueCodeableConcept")))
        targets: list[str] = []
        dose: int | None = None
        for pa in r.each("protocolApplied"):
            for td in pa.each("targetDisease"):
                codings.extend(_codings(td))
                t = _concept_text(td)
                if t:
                    targets.append(t)
            n = pa.get("doseNumberPositiveInt")
            if n is None and pa.text("doseNumberString").isdigit():
                n = int(pa.text("doseNumberString"))
            if isinstance(n, int) and not isinstance(n, bool):
                dose = n
        performer = ", ".join(
            p for p in (self.who(p.obj("actor")) for p in r.each("performer")) if p
        )
        # STU3 and older: "date"
        occurrence = r.get("occurrenceDateTime") or r.get("occurrenceString") or r.get("date")
        if occurrence is None:
            self.problems.append(
                (
                    UnreadableReason.MISSING_VALUE,
                    "vaccination without a date",
                    _raw(r.get("occurenceDateTime")),
                )
            )
        self.check_codings(codings)
        self.record.vaccinations.append(
            Vaccination(
                vaccine=_concept_text(concept) or ", ".join(targets),
                codings=tuple(codings),
                date=self.soft("occurrence", lambda: _date(occurrence, "occurrence")),
                dose_number=dose,
                performer=performer,
                lot_number=r.text("lotNumber"),
                status=status,
                status_reason=reason,
                target_diseases=tuple(targets),
                note=_annotation_text(r.each("note")),
                source=self.source.at(ref),
            )
        )

    def immunization_status(self, r: JsonView, status_text: str) -> tuple[str, str]:
        """(VACCINE_GIVEN / VACCINE_NOT_GIVEN / VACCINE_UNSURE, why not given).

        Not given: R4 and R5 ``status: not-done`` (reason in ``statusReason``), STU3
        ``notGiven: true``, DSTU2 and older ``wasNotGiven: true`` (reason in
        ``explanation.reasonNotGiven``); whatever ``status`` says beside them.
        """
        reasons = [_concept_text(x) for x in r.each("statusReason")]
        reasons += [_concept_text(x) for x in r.obj("explanation").each("reasonNotGiven")]
        reason = ", ".join(x for x in reasons if x)
        flags = [r.get(k) for k in ("notGiven", "wasNotGiven") if r.has(k)]
        if status_text == "not-done" or True in flags:
            return VACCINE_NOT_GIVEN, reason
        if any(not isinstance(f, bool) for f in flags):
            self.problems.append(
                (UnreadableReason.MALFORMED, "not-given flag is not true or false", _raw(flags))
            )
            return VACCINE_UNSURE, reason
        if status_text in ("completed", ""):
            return VACCINE_GIVEN, ""
        self.problems.append(
            (UnreadableReason.NOT_PERMITTED_VALUE, "vaccination status not permitted", status_text)
        )
        return VACCINE_UNSURE, reason

    def immunization_recommendation(self, r: JsonView, ref: str) -> None:
        """A due date completes the latest matching vaccination, or is listed on its own."""
        if not r.each("recommendation"):
            self.problems.append(
                (UnreadableReason.MISSING_VALUE, "recommendation without items", "")
            )
        for rec in r.each("recommendation"):
            codings = [c for vc in rec.each("vaccineCode") for c in _codings(vc)]
            name = next((_concept_text(vc) for vc in rec.each("vaccineCode")), "")
            targets = [_concept_text(td) for td in rec.each("targetDisease")]
            due: date | None = None
            for criterion in rec.each("dateCriterion"):
                if any(c.code == "30980-7" for c in _codings(criterion.obj("code"))) or due is None:
                    due = _date(criterion.get("value"), "date criterion") or due
            if due is None:
                self.problems.append(
                    (UnreadableReason.MISSING_VALUE, "recommendation without a due date", name)
                )
                continue
            dose = rec.get("doseNumberPositiveInt")
            dose = dose if isinstance(dose, int) and not isinstance(dose, bool) else None
            keys = {(c.system, c.code) for c in codings}
            match = None
            for i, v in enumerate(self.record.vaccinations):
                same = bool(keys & {(c.system, c.code) for c in v.codings}) or (
                    bool(name) and name.casefold() == v.vaccine.casefold()
                )
                latest = match is None or (v.date or date.min) >= (
                    self.record.vaccinations[match].date or date.min
                )
                if same and latest:
                    match = i
            if match is not None:
                v = self.record.vaccinations[match]
                self.record.vaccinations[match] = replace(v, next_due=due)
                continue
            self.record.vaccinations.append(
                Vaccination(
                    vaccine=name or ", ".join(t for t in targets if t),
                    codings=tuple(codings),
                    dose_number=dose,
                    next_due=due,
                    status=VACCINE_DUE,
                    target_diseases=tuple(t for t in targets if t),
                    source=self.source.at(ref),
                )
            )

    def allergy(self, r: JsonView, ref: str) -> None:
        substance = _concept_text(r.obj("code"))
        active, verification = self.allergy_status(r, substance)
        reactions = []
        reaction_codings: list[Coding] = []
        for reaction in r.each("reaction"):
            for m in reaction.each("manifestation"):
                t = _reference_text(m)  # R4 CodeableConcept, R5 CodeableReference
                reaction_codings += _codings(m) or _codings(m.obj("concept"))
                if t:
                    reactions.append(t)
                else:
                    self.problems.append(
                        (UnreadableReason.MALFORMED, "reaction not read", _raw(m.raw))
                    )
            d = reaction.text("description")
            if d:
                reactions.append(d)
        kind_text = r.text("type")
        categories = {c.as_text() for c in r.each("category")}
        kind = {"allergy": AllergyKind.ALLERGY, "intolerance": AllergyKind.INTOLERANCE}.get(
            kind_text, AllergyKind.UNKNOWN
        )
        if kind is AllergyKind.INTOLERANCE and "medication" in categories:
            kind = AllergyKind.ADVERSE_DRUG_REACTION
        self.record.allergies.append(
            Allergy(
                substance=substance,
                codings=tuple(_codings(r.obj("code"))),
                reaction=", ".join(reactions),
                reaction_codings=tuple(reaction_codings),
                kind=kind,
                criticality={
                    "low": Criticality.LOW,
                    "high": Criticality.HIGH,
                    "unable-to-assess": Criticality.UNABLE_TO_ASSESS,
                }.get(r.text("criticality"), Criticality.UNKNOWN),
                onset=_date(r.get("onsetDateTime") or r.get("onset"), "onset"),
                active=active,
                verification=verification,
                note=_annotation_text(r.each("note")),
                source=self.source.at(ref),
            )
        )

    def allergy_status(self, r: JsonView, substance: str) -> tuple[bool, Verification]:
        """(active, verification) from R4/R5 CodeableConcepts, STU3 codes or the single
        ``status`` of DSTU2 and older ("active", "refuted", "active-confirmed", ...)."""
        clinical = _status_code(r, "clinicalStatus")
        verified = _status_code(r, "verificationStatus")
        old = r.text("status")
        if old:
            words = {old} if old == "entered-in-error" else set(old.split("-"))
            order = ("entered-in-error", "refuted", "unconfirmed", "confirmed")
            verified = verified or next((w for w in order if w in words), "")
            clinical = clinical or next(
                (w for w in ("resolved", "inactive", "active") if w in words), ""
            )
        if verified == "entered-in-error":
            raise _NotFact(substance or "allergy")
        verification = _ALLERGY_VERIFICATION.get(verified, Verification.UNKNOWN)
        if verified and verified not in _ALLERGY_VERIFICATION:
            self.problems.append(
                (UnreadableReason.NOT_PERMITTED_VALUE, "verification not permitted", verified)
            )
        if clinical not in ("", "active", "inactive", "resolved"):
            self.problems.append(
                (UnreadableReason.NOT_PERMITTED_VALUE, "clinical status not permitted", clinical)
            )
        # no clinical status: R4 leaves it out only for refuted and entered-in-error
        active = clinical in ("", "active") and verification is not Verification.REFUTED
        return active, verification

    def condition(self, r: JsonView, ref: str) -> None:
        clinical = _status_code(r, "clinicalStatus")
        verified = _status_code(r, "verificationStatus")
        if verified == "entered-in-error":
            raise _NotFact(_concept_text(r.obj("code")) or "health problem")
        if verified and verified not in _CONDITION_VERIFICATION:
            self.problems.append(
                (UnreadableReason.NOT_PERMITTED_VALUE, "verification not permitted", verified)
            )
        onset = r.get("onsetDateTime") or r.obj("onsetPeriod").get("start")
        end = r.get("abatementDateTime") or r.obj("abatementPeriod").get("end")
        self.record.problems.append(
            Problem(
                name=_concept_text(r.obj("code")),
                codings=tuple(_codings(r.obj("code"))),
                onset=_date(onset, "onset"),
                end=_date(end, "abatement"),
                status={
                    "active": ProblemStatus.ACTIVE,
                    "recurrence": ProblemStatus.ACTIVE,
                    "relapse": ProblemStatus.ACTIVE,
                    "inactive": ProblemStatus.INACTIVE,
                    "remission": ProblemStatus.INACTIVE,
                    "resolved": ProblemStatus.RESOLVED,
                }.get(clinical, ProblemStatus.UNKNOWN),
                verification=_CONDITION_VERIFICATION.get(verified, Verification.UNKNOWN),
                note=_annotation_text(r.each("note")),
                source=self.source.at(ref),
            )
        )

    def diagnostic_report(self, r: JsonView, ref: str) -> None:
        report_id = _first_identifier(r) or r.text("id")
        title = _concept_text(r.obj("code"))
        if r.text("status") == "entered-in-error":
            raise _NotFact(title or "report")
        when = _datetime(r.get("effectiveDateTime") or r.get("issued"), "report date")
        info = _Report(report_id=report_id, title=title, when=when, status=r.text("status"))
        for res in r.each("result"):
            target = self.resolve(res)
            if target is not None:
                self.reports[id(target.raw)] = info
        # an observation no report lists belongs to the report only when there is just one
        if self.report_count == 1:
            self.default_report = info
        author = ", ".join(p for p in (self.who(x) for x in r.each("performer")) if p)
        for form in r.each("presentedForm"):
            self.record.documents.append(
                self.attachment_document(form, title, author, when, _codings(r.obj("code")), ref)
            )

    def attachment_document(
        self,
        att: JsonView,
        title: str,
        author: str,
        when: datetime | None,
        codings: list[Coding],
        ref: str,
    ) -> Document:
        content: bytes | None = None
        data = att.get("data")
        if data is not None:
            try:
                content = base64.b64decode(as_text(data).replace(" ", ""), validate=True)
            except (binascii.Error, ValueError):
                raise _Unreadable(
                    "attachment data is not base64", UnreadableReason.MALFORMED, as_text(data)[:80]
                ) from None
        return Document(
            title=att.text("title") or title,
            author=author,
            date=_datetime(att.get("creation"), "creation") or when,
            kind=title,
            codings=tuple(codings),
            content_type=att.text("contentType"),
            content=content,
            url=att.text("url"),
            source=self.source.at(ref),
        )

    def observation(self, r: JsonView, ref: str) -> None:
        name = _concept_text(r.obj("code"))
        if r.text("status") == "entered-in-error":
            raise _NotFact(name or "result")
        has_value = any(k.startswith("value") for k in r.keys()) or r.has("dataAbsentReason")
        components = r.each("component")
        if not has_value and not components and r.get("hasMember") is not None:
            return  # a panel: its members carry its name as their category
        report = self.reports.get(id(r.raw)) or self.default_report
        when = _datetime(
            r.get("effectiveDateTime") or r.obj("effectivePeriod").get("start") or r.get("issued"),
            "effective",
        )
        status = _RESULT_STATUS.get(r.text("status"), ResultStatus.UNKNOWN)
        category = self.panels.get(r.text("id"), "") or ", ".join(
            t for t in (_concept_text(c) for c in r.each("category")) if t
        )
        common: dict[str, Any] = {
            "date": when or (report.when if report else None),
            "report_id": report.report_id if report else "",
            "report_title": report.title if report else "",
            "note": _annotation_text(r.each("note")),
            "source": self.source.at(ref),
        }
        if components and not has_value:
            # e.g. blood pressure: one result per component, grouped under the observation
            for c in components:
                self.record.lab_results.append(self.result_of(c, status, category=name, **common))
            return
        self.record.lab_results.append(self.result_of(r, status, category=category, **common))

    def result_of(self, r: JsonView, status: ResultStatus, **more: Any) -> LabResult:
        """The value part of an Observation or of one of its components (``more``: the other
        fields of the result, made at once rather than copied after)."""
        value: float | None = None
        value_text = ""
        comparator = ""
        unit = ""
        if r.has("valueQuantity"):
            q = r.obj("valueQuantity")
            value = _num(q.get("value"), "value")
            comparator = q.text("comparator")
            unit = q.text("code") or q.text("unit")
        elif r.has("valueString"):
            value_text = r.text("valueString")
        elif r.has("valueCodeableConcept"):
            value_text = _concept_text(r.obj("valueCodeableConcept"))
        elif r.has("valueBoolean"):
            value_text = "yes" if r.get("valueBoolean") is True else "no"
        elif r.has("valueInteger"):
            value = _num(r.get("valueInteger"), "value")
        elif r.has("valueRange"):
            low = r.obj("valueRange").obj("low").text("value")
            high = r.obj("valueRange").obj("high").text("value")
            value_text = f"{low}-{high}"
        absent = _codings(r.obj("dataAbsentReason"))
        if any(c.code in ("masked", "temp-unknown") for c in absent):
            status = ResultStatus.HELD_BACK
        if not value_text and absent:
            value_text = _concept_text(r.obj("dataAbsentReason"))
        ranges: list[ReferenceRange] = []
        targets: list[ReferenceRange] = []
        for rr in r.each("referenceRange"):
            meaning = {c.code for c in _codings(rr.obj("type"))}
            (targets if meaning & _TARGET_RANGES else ranges).append(self.reference_range(rr))
        ref_range = ranges[0] if ranges else None
        interpretation = Interpretation.UNKNOWN
        for c in (c for i in r.each("interpretation") for c in _codings(i)):
            interpretation = _INTERPRETATIONS.get(c.code, Interpretation.UNKNOWN)
            break
        else:
            if ref_range is not None:
                interpretation = ref_range.classify(value, comparator=comparator, unit=unit)
        return LabResult(
            test_name=_concept_text(r.obj("code")),
            codings=tuple(_codings(r.obj("code"))),
            value=value,
            value_text=value_text,
            comparator=comparator,
            unit=unit,
            reference_range=ref_range,
            target=targets[0] if targets else None,
            interpretation=interpretation,
            status=status,
            **more,
        )

    def reference_range(self, rr: JsonView) -> ReferenceRange:
        low = rr.obj("low")
        high = rr.obj("high")
        return ReferenceRange(
            low=_num(low.get("value"), "range low"),
            high=_num(high.get("value"), "range high"),
            text=rr.text("text"),
            unit=as_text(
                high.get("code") or low.get("code") or high.get("unit") or low.get("unit")
            ),
        )

    def document_reference(self, r: JsonView, ref: str) -> None:
        title = r.text("description") or _concept_text(r.obj("type"))
        if "entered-in-error" in (r.text("status"), _status_code(r, "docStatus")):
            raise _NotFact(title or "document")
        author = ", ".join(p for p in (self.who(a) for a in r.each("author")) if p)
        # STU3: "indexed" (when the reference was made), "created" (when the document was)
        when = _datetime(r.get("date") or r.get("created") or r.get("indexed"), "date")
        contents = [c.obj("attachment") for c in r.each("content")]
        if not contents:
            raise _Unreadable("document without content", UnreadableReason.MISSING_VALUE)
        att = next((a for a in contents if a.get("data") is not None), contents[0])
        doc = self.attachment_document(att, title, author, when, _codings(r.obj("type")), ref)
        self.record.documents.append(
            replace(
                doc,
                kind=_concept_text(r.obj("type")) or doc.kind,
                superseded=r.text("status") == "superseded",
            )
        )

    def consent(self, r: JsonView, ref: str) -> None:
        provision = r.obj("provision")
        actors = [a.obj("reference") for a in provision.each("actor")]
        if provision.text("type") == "deny" and actors:
            for actor in actors:
                target = self.resolve(actor)
                org = ""
                if target is not None and target.get("resourceType") == "PractitionerRole":
                    org = self.who(target.obj("organization"))
                self.record.exclusions.append(
                    Exclusion(
                        who=self.who(actor),
                        organisation=org,
                        since=_date(r.get("dateTime"), "dateTime"),
                        source=self.source.at(ref),
                    )
                )
            return
        status = r.text("status")
        granted = {"active": True, "rejected": False, "inactive": False}.get(status)
        if provision.text("type") == "deny" and granted:
            granted = False
        scope = _concept_text(next(iter(r.each("category")), JsonView())) or _concept_text(
            r.obj("scope")
        )
        self.record.consent = ConsentStatus(
            granted=granted,
            since=_date(r.get("dateTime"), "dateTime"),
            scope=scope,
            source=self.source.at(ref),
        )

    def audit_event(self, r: JsonView, ref: str) -> None:
        who = ""
        organisation = ""
        for agent in r.each("agent"):
            if agent.get("requestor") is True or not who:
                who = self.who(agent.obj("who")) or agent.text("name") or who
                target = self.resolve(agent.obj("who"))
                if target is not None and target.get("resourceType") == "PractitionerRole":
                    organisation = self.who(target.obj("organization"))
        what = ", ".join(
            x
            for x in (
                e.text("name") or e.obj("what").text("display") or e.obj("type").text("display")
                for e in r.each("entity")
            )
            if x
        )
        action = {"C": "create", "R": "read", "U": "update", "D": "delete", "E": "execute"}.get(
            r.text("action"), r.text("action")
        )
        self.record.access_log.append(
            AccessLogEntry(
                who=who,
                organisation=organisation,
                when=_datetime(r.get("recorded"), "recorded"),
                what=what or _concept_text(r.obj("type")),
                action=action,
                source=self.source.at(ref),
            )
        )

    def care_team(self, r: JsonView, ref: str) -> None:
        for participant in r.each("participant"):
            member = participant.obj("member")
            target = self.resolve(member)
            org = self.who(participant.obj("onBehalfOf"))
            if target is not None and target.get("resourceType") == "PractitionerRole":
                org = org or self.who(target.obj("organization"))
            roles = [_concept_text(x) for x in participant.each("role")]
            period = participant.obj("period")
            kind = RelationKind.CARE_TEAM
            role_codes = {c.code for x in participant.each("role") for c in _codings(x)}
            if role_codes & {"gmd", "gmdmanager", "gmd-holder"}:
                kind = RelationKind.GMD_HOLDER
            self.record.relations.append(
                TherapeuticRelation(
                    name=self.who(member),
                    kind=kind,
                    role=", ".join(x for x in roles if x),
                    organisation=org,
                    begin=_date(period.get("start"), "period start"),
                    end=_date(period.get("end"), "period end"),
                    codings=tuple(c for x in participant.each("role") for c in _codings(x)),
                    source=self.source.at(ref),
                )
            )

    def operation_outcome(self, r: JsonView, ref: str) -> None:
        for issue in r.each("issue"):
            if issue.text("severity") in ("error", "fatal"):
                self.unreadable(
                    ref,
                    f"the server reported a problem: {issue.text('code')}",
                    UnreadableReason.UNSUPPORTED,
                    issue.text("diagnostics") or _concept_text(issue.obj("details")),
                    ref,
                )

    def panel_names(self) -> Iterator[tuple[str, str]]:
        for r in self.resources:
            if r.get("resourceType") == "Observation" and r.get("hasMember") is not None:
                name = _concept_text(r.obj("code"))
                for member in r.each("hasMember"):
                    target = self.resolve(member)
                    if target is not None:
                        yield target.text("id"), name


#: Reports before their observations, recommendations after the vaccinations they complete.
_ORDER = {"DiagnosticReport": 0, "ImmunizationRecommendation": 2}


def _resource_ref(r: JsonView) -> str:
    rtype = r.text("resourceType")
    rid = r.text("id") or _first_identifier(r)
    return f"{rtype}/{rid}" if rid else rtype


_STATEMENT_STATUS: dict[str, MedicationStatus] = {
    "active": MedicationStatus.ACTIVE,
    "intended": MedicationStatus.ACTIVE,
    "unknown": MedicationStatus.ACTIVE,
    "on-hold": MedicationStatus.SUSPENDED,
    "stopped": MedicationStatus.STOPPED,
    "completed": MedicationStatus.STOPPED,
    "not-taken": MedicationStatus.STOPPED,
}


def _statement_status(r: JsonView, status: str) -> MedicationStatus | None:
    """The status of a MedicationStatement in every version, None when not permitted.

    R4 (and STU3): its status; STU3 ``taken`` n / unk, DSTU2 ``wasNotTaken``: not taken / not
    known. R5 only says ``recorded`` or ``draft``; whether it is taken is in ``adherence``.
    """
    taken = r.text("taken")
    if r.get("wasNotTaken") is True or taken == "n":
        return MedicationStatus.STOPPED
    if taken == "unk":
        return MedicationStatus.UNKNOWN
    if status in ("recorded", "draft"):
        adherence = next((c.code for c in _codings(r.obj("adherence").obj("code"))), "")
        return {
            "taking": MedicationStatus.ACTIVE,
            "taking-as-directed": MedicationStatus.ACTIVE,
            "taking-not-as-directed": MedicationStatus.ACTIVE,
            "not-taking": MedicationStatus.STOPPED,
            "on-hold": MedicationStatus.SUSPENDED,
            "stopped": MedicationStatus.STOPPED,
        }.get(adherence, MedicationStatus.UNKNOWN)
    return _STATEMENT_STATUS.get(status)


#: referenceRange.type codes (referencerange-meaning) that give the patient's own target
#: rather than the values of healthy people.
_TARGET_RANGES = frozenset({"treatment", "therapeutic", "recommended"})

_RESULT_STATUS: dict[str, ResultStatus] = {
    "final": ResultStatus.FINAL,
    "amended": ResultStatus.CORRECTED,
    "corrected": ResultStatus.CORRECTED,
    "preliminary": ResultStatus.PRELIMINARY,
    "registered": ResultStatus.HELD_BACK,
    "cancelled": ResultStatus.CANCELLED,
    "unknown": ResultStatus.UNKNOWN,
}

_INTERPRETATIONS: dict[str, Interpretation] = {
    "N": Interpretation.NORMAL,
    "NEG": Interpretation.NORMAL,
    "H": Interpretation.HIGH,
    "HH": Interpretation.HIGH,
    "HU": Interpretation.HIGH,
    ">": Interpretation.HIGH,
    "L": Interpretation.LOW,
    "LL": Interpretation.LOW,
    "LU": Interpretation.LOW,
    "<": Interpretation.LOW,
    "A": Interpretation.ABNORMAL,
    "AA": Interpretation.ABNORMAL,
    "POS": Interpretation.ABNORMAL,
    "DET": Interpretation.ABNORMAL,
}

__all__ = ["record_from_fhir"]


#: The ``lang`` (or ``xml:lang``) of a narrative's div: a BCP 47 tag.
_LANG_ATTRIBUTE = re.compile(
    r"""<div\b[^>]*?\b(?:xml:)?lang\s*=\s*["']([A-Za-z]{2,3}(?:-[A-Za-z0-9]+)*)["']"""
)


def declared_language(resource: JsonView) -> str:
    """The language a resource declares for its texts: its ``language``, else the ``lang`` of
    its narrative's div ("" when neither)."""
    own = resource.get("language")
    if isinstance(own, str) and own.strip():
        return own.strip()
    div = resource.obj("text").get("div")
    if isinstance(div, str):
        found = _LANG_ATTRIBUTE.search(div[:500])
        if found:
            return found.group(1)
    return ""
