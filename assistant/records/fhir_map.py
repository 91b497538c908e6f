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
from assistant.records.model import (
    RAW_LIMIT,
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
# tolerant JSON access


def _d(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _l(value: Any) -> list[Any]:
    if isinstance(value, list):
        return value
    return [] if value is None else [value]


def _s(value: Any) -> str:
    if isinstance(value, str):
        return " ".join(value.split())
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, int | float):
        return str(value)
    return ""


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
    text = _s(value)
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
    text = _s(value)
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


def _codings(concept: Any) -> list[Coding]:
    out: list[Coding] = []
    for c in _l(_d(concept).get("coding")):
        c = _d(c)
        code = _s(c.get("code"))
        if not code:
            continue
        system = _s(c.get("system"))
        out.append(
            Coding(codes.FHIR_SYSTEM_ALIASES.get(system, system), code, _s(c.get("display")))
        )
    return out


def _concept_text(concept: Any) -> str:
    concept = _d(concept)
    text = _s(concept.get("text"))
    if text:
        return text
    for c in _l(concept.get("coding")):
        display = _s(_d(c).get("display"))
        if display:
            return display
    for c in _l(concept.get("coding")):
        code = _s(_d(c).get("code"))
        if code:
            return code
    return ""


def _ext(resource: dict[str, Any], url_part: str) -> list[dict[str, Any]]:
    return [e for e in map(_d, _l(resource.get("extension"))) if url_part in _s(e.get("url"))]


def _human_name(names: Any) -> str:
    for n in map(_d, _l(names)):
        text = _s(n.get("text"))
        if text:
            return text
        given = " ".join(_s(g) for g in _l(n.get("given")) if _s(g))
        parts = [
            p
            for p in (
                " ".join(_s(x) for x in _l(n.get("prefix"))),
                given,
                _s(n.get("family")),
            )
            if p
        ]
        if parts:
            return " ".join(parts)
    return ""


def _quantity_text(q: Any) -> str:
    q = _d(q)
    value = q.get("value")
    if isinstance(value, bool) or not isinstance(value, int | float):
        return ""
    number = f"{value:g}"
    unit = _s(q.get("unit")) or _s(q.get("code"))
    return f"{number} {unit}".strip()


def _ratio_text(ratio: Any) -> str:
    """ "500 mg" or "100000 [iU]/1 mL" from a FHIR Ratio."""
    ratio = _d(ratio)
    top = _quantity_text(ratio.get("numerator"))
    bottom = _d(ratio.get("denominator"))
    if not top:
        return ""
    if not bottom or (
        bottom.get("value") == 1 and not (_s(bottom.get("unit")) or _s(bottom.get("code")))
    ):
        return top
    return f"{top}/{_quantity_text(bottom)}"


def _annotation_text(notes: Any) -> str:
    return " ".join(_s(_d(n).get("text")) for n in _l(notes) if _s(_d(n).get("text")))


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
    resources: list[dict[str, Any]] = field(default_factory=list)
    index: dict[str, dict[str, Any]] = field(default_factory=dict)
    reports: dict[int, _Report] = field(default_factory=dict)
    default_report: _Report | None = None
    report_count: int = 0
    panels: dict[str, str] = field(default_factory=dict)
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
    def collect(self, resource: Any, depth: int, full_url: str = "") -> None:
        if not isinstance(resource, dict) or not isinstance(resource.get("resourceType"), str):
            self.unreadable(
                "resource",
                "entry is not a FHIR resource",
                UnreadableReason.MALFORMED,
                _raw(resource),
            )
            return
        rtype = resource["resourceType"]
        if rtype == "Bundle":
            if depth >= _MAX_BUNDLE_DEPTH:
                self.unreadable("Bundle", "bundles nested too deeply", UnreadableReason.UNSUPPORTED)
                return
            for entry in _l(resource.get("entry")):
                entry = _d(entry)
                if "resource" not in entry:
                    if entry:
                        self.unreadable(
                            "Bundle.entry",
                            "entry without a resource",
                            UnreadableReason.MISSING_VALUE,
                            _raw(entry),
                        )
                    continue
                self.collect(entry["resource"], depth + 1, _s(entry.get("fullUrl")))
            return
        self.resources.append(resource)
        rid = _s(resource.get("id"))
        if rid:
            self.index[f"{rtype}/{rid}"] = resource
        if full_url:
            self.index[full_url] = resource
        for ident in map(_d, _l(resource.get("identifier"))):
            value = _s(ident.get("value"))
            if value:
                self.index.setdefault(f"{rtype}/{value}", resource)

    def resolve(self, reference: Any) -> dict[str, Any] | None:
        ref = _d(reference)
        text = _s(ref.get("reference"))
        if not text:
            return None
        if text in self.index:
            return self.index[text]
        # "urn:be:custom:PractitionerRole/123", "https://host/fhir/Patient/1"
        tail = "/".join(text.rsplit(":", 1)[-1].split("/")[-2:])
        return self.index.get(tail)

    def who(self, reference: Any) -> str:
        """Display name of a referenced practitioner / organisation / patient."""
        ref = _d(reference)
        display = _s(ref.get("display"))
        if display:
            return display
        target = self.resolve(ref)
        if target is None:
            return ""
        rtype = target.get("resourceType")
        if rtype == "PractitionerRole":
            person = self.who(target.get("practitioner"))
            org = self.who(target.get("organization"))
            return ", ".join(p for p in (person, org) if p)
        if rtype == "Organization":
            return _s(target.get("name"))
        return _human_name(target.get("name"))

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
        handlers: dict[str, Callable[[dict[str, Any], str], None]] = {
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
        ordered = sorted(self.resources, key=lambda r: _ORDER.get(_s(r.get("resourceType")), 1))
        self.report_count = sum(
            1 for x in self.resources if x.get("resourceType") == "DiagnosticReport"
        )
        self.panels = dict(self.soft("panels", lambda: list(self.panel_names()), []))
        self.problems = []
        for resource in ordered:
            rtype = resource["resourceType"]
            ref = _resource_ref(resource)
            self.problems = []
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
                        _raw(resource),
                        ref,
                    )
            except _PART_ERRORS as exc:
                why = (
                    exc.why
                    if isinstance(exc, _Unreadable)
                    else f"{type(exc).__name__} while reading"
                )
                reason = exc.reason if isinstance(exc, _Unreadable) else UnreadableReason.MALFORMED
                self.unreadable(ref, why, reason, _raw(resource), ref)
            except RecursionError:
                self.unreadable(
                    ref, "resource nested too deeply", UnreadableReason.MALFORMED, "", ref
                )
            for reason, why, raw in self.problems:
                self.unreadable(ref, why, reason, raw, ref)
        if self.record.unreadable:
            log.info("FHIR: %d part(s) could not be read", len(self.record.unreadable))
        return self.record

    def patient(self, r: dict[str, Any], ref: str) -> None:
        if self.record.patient is not None:
            return
        nn = ""
        for ident in map(_d, _l(r.get("identifier"))):
            if _s(ident.get("system")) == codes.SSIN:
                nn = _s(ident.get("value"))
        given = ""
        family = ""
        for n in map(_d, _l(r.get("name"))):
            given = " ".join(_s(g) for g in _l(n.get("given")) if _s(g))
            family = _s(n.get("family"))
            if given or family:
                break
        language = ""
        for comm in map(_d, _l(r.get("communication"))):
            language = next((c.code for c in _codings(comm.get("language"))), "")
            if language:
                break
        self.record.patient = Patient(
            given_names=given,
            surname=family,
            national_number=nn,
            birth_date=_date(r.get("birthDate"), "birthDate"),
            sex={"male": "M", "female": "F", "other": "X"}.get(_s(r.get("gender")), ""),
            language=language,
            source=self.source.at(ref),
        )

    # medications ----------------------------------------------------------------------------
    def medication_concept(self, r: dict[str, Any]) -> tuple[str, list[Coding]]:
        concept = r.get("medicationCodeableConcept")
        if concept is None and r.get("medicationReference") is not None:
            target = self.resolve(r.get("medicationReference"))
            concept = _d(target).get("code") if target else None
            if concept is None:
                name = _s(_d(r.get("medicationReference")).get("display"))
                return name, []
        return _concept_text(concept), _codings(concept)

    def medication_details(self, r: dict[str, Any]) -> dict[str, str]:
        """Form, ingredient and strength from a referenced Medication resource, if any."""
        target = self.resolve(r.get("medicationReference"))
        if target is None or target.get("resourceType") != "Medication":
            return {}
        ingredients = [_d(i) for i in _l(target.get("ingredient"))]
        names = [_concept_text(i.get("itemCodeableConcept")) for i in ingredients]
        strengths = [_ratio_text(i.get("strength")) for i in ingredients]
        return {
            "form": _concept_text(target.get("form")),
            "active_ingredient": ", ".join(n for n in names if n),
            "strength": ", ".join(x for x in strengths if x),
        }

    def medication_statement(self, r: dict[str, Any], ref: str) -> None:
        problems = self.problems
        guarded = self.soft
        name, codings = guarded("medication", lambda: self.medication_concept(r), ("", []))
        if not name:
            problems.append((UnreadableReason.MISSING_VALUE, "medication without a name", ""))
        kind = next((c.code for c in codings if c.system == codes.MEDICATION_TYPE), "")
        period = _d(r.get("effectivePeriod"))
        begin = guarded(
            "effectivePeriod.start",
            lambda: _date(period.get("start") or r.get("effectiveDateTime")),
        )
        end = guarded("effectivePeriod.end", lambda: _date(period.get("end")))
        status_text = _s(r.get("status"))
        status = _STATEMENT_STATUS.get(status_text)
        if status is None:
            problems.append(
                (UnreadableReason.NOT_PERMITTED_VALUE, "status not permitted", status_text)
            )
            status = MedicationStatus.UNKNOWN
        dosage = guarded("dosage", lambda: self.dosage(_l(r.get("dosage")), problems), {})
        details = guarded("medication details", lambda: self.medication_details(r), {})
        suspensions = guarded("statusReason", lambda: self.suspensions(r, status_text, ref), ())
        if status is MedicationStatus.STOPPED and any(s.stopped for s in suspensions):
            # the stop has a date: Medication.status_on() tells before from after
            status = MedicationStatus.ACTIVE
        recorded = None
        for e in _ext(r, _RECORDED_DATE_URL):
            recorded = guarded("recorded date", partial(_datetime, e.get("valueDateTime")))
        prescriber = self.who(r.get("informationSource"))
        for e in _ext(r, "BeExtRecorder"):
            prescriber = prescriber or self.who(e.get("valueReference"))
        identifier = next(
            (_s(_d(i).get("value")) for i in _l(r.get("identifier")) if _s(_d(i).get("value"))), ""
        )
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
            use=_concept_text(next(iter(_l(r.get("reasonCode"))), None)),
            source=self.source.at(ref),
            **dosage,
            **details,
        )
        note = _annotation_text(r.get("note"))
        if note:
            med = replace(med, instructions=" ".join(p for p in (med.instructions, note) if p))
        self.record.medications.append(med)
        self.check_codings(codings)
        problems.extend(codes.medication_rule_breaks(med))

    def suspensions(self, r: dict[str, Any], status: str, ref: str) -> tuple[Suspension, ...]:
        out: list[Suspension] = []
        for reason in map(_d, _l(r.get("statusReason"))):
            for e in _ext(reason, _SUSPENSION_URL):
                p = _d(e.get("valuePeriod"))
                why = " ".join(
                    _s(x.get("valueString"))
                    for x in map(_d, _l(e.get("extension")))
                    if _s(x.get("valueString"))
                )
                begin = _date(p.get("start"), "suspension start")
                end = _date(p.get("end"), "suspension end")
                text = _s(reason.get("text")).lower()
                stopped = end is None and (status == "stopped" or "definitive" in text)
                out.append(
                    Suspension(
                        begin=begin,
                        end=end,
                        reason=why or _s(reason.get("text")),
                        stopped=stopped,
                        source=self.source.at(ref),
                    )
                )
        return tuple(out)

    def dosage(
        self, dosages: list[Any], problems: list[tuple[UnreadableReason, str, str]]
    ) -> dict[str, Any]:
        timings: list[DoseTiming] = []
        texts: list[str] = []
        instructions: list[str] = []
        frequency: Frequency | None = None
        duration: Duration | None = None
        as_needed = False
        route: Coding | None = None
        for ds in map(_d, dosages):
            text = _s(ds.get("text"))
            if text and text not in texts:
                texts.append(text)
            patient_instruction = _s(ds.get("patientInstruction"))
            if patient_instruction and patient_instruction not in instructions:
                instructions.append(patient_instruction)
            if ds.get("asNeededBoolean") is True or ds.get("asNeededCodeableConcept") is not None:
                as_needed = True
            route_codings = _codings(ds.get("route"))
            if route_codings:
                route = route_codings[0]
            day_number: int | None = None
            for extra in map(_d, _l(ds.get("additionalInstruction"))):
                extra_text = _concept_text(extra)
                m = _CYCLE_DAY.search(extra_text)
                if m and "cycle" in extra_text.lower():
                    day_number = int(m.group(1))
                elif extra_text and extra_text not in instructions:
                    instructions.append(extra_text)
            timing = _d(ds.get("timing"))
            repeat = _d(timing.get("repeat"))
            f = self.frequency(repeat, problems)
            frequency = frequency or f
            if repeat.get("duration") is not None:
                unit = codes.TIME_UNITS.get(_s(repeat.get("durationUnit")))
                value = _num(repeat.get("duration"), "duration")
                if unit is None:
                    problems.append(
                        (
                            UnreadableReason.NOT_PERMITTED_VALUE,
                            "duration unit not permitted",
                            _s(repeat.get("durationUnit")),
                        )
                    )
                elif value is not None:
                    duration = Duration(value * unit[1], unit[0])
            quantity: dict[str, Any] = {}
            for dr in map(_d, _l(ds.get("doseAndRate"))):
                q = _d(dr.get("doseQuantity")) or _d(_d(dr.get("doseRange")).get("high"))
                if q:
                    value = _num(q.get("value"), "dose quantity")
                    if value is not None:
                        quantity["quantity"] = value
                        quantity["quantity_text"] = _s(q.get("value"))
                    code = _s(q.get("code"))
                    unit_text = _s(q.get("unit")) or code
                    if unit_text:
                        quantity["unit"] = unit_text
                    if code:
                        system = _s(q.get("system"))
                        quantity["unit_coding"] = Coding(system, code, _s(q.get("unit")))
                    break
            if route is not None and quantity:
                quantity["route"] = route
            weekdays = []
            for wd in _l(repeat.get("dayOfWeek")):
                day = codes.FHIR_WEEKDAYS.get(_s(wd))
                if day is None:
                    problems.append(
                        (UnreadableReason.NOT_PERMITTED_VALUE, "day of week not permitted", _s(wd))
                    )
                else:
                    weekdays.append(day)
            events = [_date(e, "timing.event") for e in _l(timing.get("event"))]
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
            for w in _l(repeat.get("when")):
                period = codes.FHIR_WHEN.get(_s(w))
                if period is None:
                    problems.append(
                        (
                            UnreadableReason.NOT_PERMITTED_VALUE,
                            "time of day code not permitted",
                            _s(w),
                        )
                    )
                    slots.append({})
                else:
                    slots.append({"period": period})
            for t in _l(repeat.get("timeOfDay")):
                try:
                    slots.append({"time_of_day": time.fromisoformat(_s(t))})
                except ValueError:
                    problems.append(
                        (UnreadableReason.MALFORMED, "time of day is not a time", _s(t))
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
        self, repeat: dict[str, Any], problems: list[tuple[UnreadableReason, str, str]]
    ) -> Frequency | None:
        if repeat.get("period") is None:
            return None
        unit_code = _s(repeat.get("periodUnit"))
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
                    _s(repeat.get("period")),
                )
            )
            return None
        return Frequency(
            every=period * unit[1],
            unit=unit[0],
            times=int(times) if times is not None and times > 1 else None,
        )

    def medication_request(self, r: dict[str, Any], ref: str) -> None:
        name, codings = self.medication_concept(r)
        rid = ""
        for ident in map(_d, _l(r.get("identifier"))):
            value = _s(ident.get("value"))
            system = _s(ident.get("system")).lower()
            if value and ("rid" in system or "pres-id" in system or "prescription" in system):
                rid = value
                break
            rid = rid or value
        group = _s(_d(r.get("groupIdentifier")).get("value"))
        dispense = _d(r.get("dispenseRequest"))
        validity = _d(dispense.get("validityPeriod"))
        quantity = _d(dispense.get("quantity"))
        dosage_text = " ".join(
            _s(_d(d).get("text")) for d in _l(r.get("dosageInstruction")) if _s(_d(d).get("text"))
        )
        self.record.prescriptions.append(
            Prescription(
                rid=rid or group,
                medication=name,
                codings=tuple(codings),
                prescriber=self.who(r.get("requester")),
                date=_date(r.get("authoredOn"), "authoredOn"),
                expiry=_date(validity.get("end"), "validity end"),
                status=_s(r.get("status")) or "unknown",
                posology_text=dosage_text,
                quantity=" ".join(
                    p for p in (_s(quantity.get("value")), _s(quantity.get("unit"))) if p
                ),
                source=self.source.at(ref),
            )
        )
        if not rid and not group:
            self.unreadable(
                ref, "prescription without an identifier", UnreadableReason.MISSING_VALUE, name, ref
            )

    # other sections -------------------------------------------------------------------------
    def immunization(self, r: dict[str, Any], ref: str) -> None:
        concept = r.get("vaccineCode")
        codings = _codings(concept)
        for e in _ext(r, "administeredProduct"):
            for x in map(_d, _l(e.get("extension"))):
                codings.extend(_codings(x.get("valueCodeableConcept")))
        targets: list[str] = []
        dose: int | None = None
        for pa in map(_d, _l(r.get("protocolApplied"))):
            for td in _l(pa.get("targetDisease")):
                codings.extend(_codings(td))
                t = _concept_text(td)
                if t:
                    targets.append(t)
            n = pa.get("doseNumberPositiveInt")
            if n is None and _s(pa.get("doseNumberString")).isdigit():
                n = int(_s(pa.get("doseNumberString")))
            if isinstance(n, int) and not isinstance(n, bool):
                dose = n
        performer = ", ".join(
            p for p in (self.who(_d(p).get("actor")) for p in _l(r.get("performer"))) if p
        )
        occurrence = r.get("occurrenceDateTime") or r.get("occurrenceString")
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
                lot_number=_s(r.get("lotNumber")),
                status=_s(r.get("status")) or "completed",
                target_diseases=tuple(targets),
                note=_annotation_text(r.get("note")),
                source=self.source.at(ref),
            )
        )

    def immunization_recommendation(self, r: dict[str, Any], ref: str) -> None:
        """A due date completes the latest matching vaccination, or is listed on its own."""
        if not _l(r.get("recommendation")):
            self.problems.append(
                (UnreadableReason.MISSING_VALUE, "recommendation without items", "")
            )
        for rec in map(_d, _l(r.get("recommendation"))):
            codings = [c for vc in _l(rec.get("vaccineCode")) for c in _codings(vc)]
            name = next((_concept_text(vc) for vc in _l(rec.get("vaccineCode"))), "")
            targets = [_concept_text(td) for td in _l(rec.get("targetDisease"))]
            due: date | None = None
            for criterion in map(_d, _l(rec.get("dateCriterion"))):
                if any(c.code == "30980-7" for c in _codings(criterion.get("code"))) or due is None:
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
                    status="due",
                    target_diseases=tuple(t for t in targets if t),
                    source=self.source.at(ref),
                )
            )

    def allergy(self, r: dict[str, Any], ref: str) -> None:
        reactions = []
        for reaction in map(_d, _l(r.get("reaction"))):
            for m in _l(reaction.get("manifestation")):
                t = _concept_text(m)
                if t:
                    reactions.append(t)
            d = _s(reaction.get("description"))
            if d:
                reactions.append(d)
        kind_text = _s(r.get("type"))
        categories = {_s(c) for c in _l(r.get("category"))}
        kind = {"allergy": AllergyKind.ALLERGY, "intolerance": AllergyKind.INTOLERANCE}.get(
            kind_text, AllergyKind.UNKNOWN
        )
        if kind is AllergyKind.INTOLERANCE and "medication" in categories:
            kind = AllergyKind.ADVERSE_DRUG_REACTION
        clinical = next((c.code for c in _codings(r.get("clinicalStatus"))), "active")
        self.record.allergies.append(
            Allergy(
                substance=_concept_text(r.get("code")),
                codings=tuple(_codings(r.get("code"))),
                reaction=", ".join(reactions),
                kind=kind,
                criticality={
                    "low": Criticality.LOW,
                    "high": Criticality.HIGH,
                    "unable-to-assess": Criticality.UNABLE_TO_ASSESS,
                }.get(_s(r.get("criticality")), Criticality.UNKNOWN),
                onset=_date(r.get("onsetDateTime"), "onset"),
                active=clinical == "active",
                note=_annotation_text(r.get("note")),
                source=self.source.at(ref),
            )
        )

    def condition(self, r: dict[str, Any], ref: str) -> None:
        clinical = next((c.code for c in _codings(r.get("clinicalStatus"))), "")
        onset = r.get("onsetDateTime") or _d(r.get("onsetPeriod")).get("start")
        end = r.get("abatementDateTime") or _d(r.get("abatementPeriod")).get("end")
        self.record.problems.append(
            Problem(
                name=_concept_text(r.get("code")),
                codings=tuple(_codings(r.get("code"))),
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
                note=_annotation_text(r.get("note")),
                source=self.source.at(ref),
            )
        )

    def diagnostic_report(self, r: dict[str, Any], ref: str) -> None:
        report_id = next(
            (_s(_d(i).get("value")) for i in _l(r.get("identifier")) if _s(_d(i).get("value"))),
            _s(r.get("id")),
        )
        title = _concept_text(r.get("code"))
        when = _datetime(r.get("effectiveDateTime") or r.get("issued"), "report date")
        info = _Report(report_id=report_id, title=title, when=when, status=_s(r.get("status")))
        for res in _l(r.get("result")):
            target = self.resolve(res)
            if target is not None:
                self.reports[id(target)] = info
        # an observation no report lists belongs to the report only when there is just one
        if self.report_count == 1:
            self.default_report = info
        author = ", ".join(p for p in (self.who(x) for x in _l(r.get("performer"))) if p)
        for form in map(_d, _l(r.get("presentedForm"))):
            self.record.documents.append(
                self.attachment_document(form, title, author, when, _codings(r.get("code")), ref)
            )

    def attachment_document(
        self,
        att: dict[str, Any],
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
                content = base64.b64decode(_s(data).replace(" ", ""), validate=True)
            except (binascii.Error, ValueError):
                raise _Unreadable(
                    "attachment data is not base64", UnreadableReason.MALFORMED, _s(data)[:80]
                ) from None
        return Document(
            title=_s(att.get("title")) or title,
            author=author,
            date=_datetime(att.get("creation"), "creation") or when,
            kind=title,
            codings=tuple(codings),
            content_type=_s(att.get("contentType")),
            content=content,
            url=_s(att.get("url")),
            source=self.source.at(ref),
        )

    def observation(self, r: dict[str, Any], ref: str) -> None:
        name = _concept_text(r.get("code"))
        has_value = any(k.startswith("value") for k in r) or "dataAbsentReason" in r
        components = [_d(c) for c in _l(r.get("component"))]
        if not has_value and not components and r.get("hasMember") is not None:
            return  # a panel: its members carry its name as their category
        report = self.reports.get(id(r)) or self.default_report
        when = _datetime(
            r.get("effectiveDateTime")
            or _d(r.get("effectivePeriod")).get("start")
            or r.get("issued"),
            "effective",
        )
        status = _RESULT_STATUS.get(_s(r.get("status")), ResultStatus.UNKNOWN)
        category = self.panels.get(_s(r.get("id")), "") or ", ".join(
            t for t in (_concept_text(c) for c in _l(r.get("category"))) if t
        )
        common: dict[str, Any] = {
            "date": when or (report.when if report else None),
            "report_id": report.report_id if report else "",
            "report_title": report.title if report else "",
            "note": _annotation_text(r.get("note")),
            "source": self.source.at(ref),
        }
        if components and not has_value:
            # e.g. blood pressure: one result per component, grouped under the observation
            for c in components:
                self.record.lab_results.append(self.result_of(c, status, category=name, **common))
            return
        self.record.lab_results.append(self.result_of(r, status, category=category, **common))

    def result_of(self, r: dict[str, Any], status: ResultStatus, **more: Any) -> LabResult:
        """The value part of an Observation or of one of its components (``more``: the other
        fields of the result, made at once rather than copied after)."""
        value: float | None = None
        value_text = ""
        comparator = ""
        unit = ""
        if "valueQuantity" in r:
            q = _d(r["valueQuantity"])
            value = _num(q.get("value"), "value")
            comparator = _s(q.get("comparator"))
            unit = _s(q.get("code")) or _s(q.get("unit"))
        elif "valueString" in r:
            value_text = _s(r["valueString"])
        elif "valueCodeableConcept" in r:
            value_text = _concept_text(r["valueCodeableConcept"])
        elif "valueBoolean" in r:
            value_text = "yes" if r["valueBoolean"] is True else "no"
        elif "valueInteger" in r:
            value = _num(r["valueInteger"], "value")
        elif "valueRange" in r:
            low = _s(_d(_d(r["valueRange"]).get("low")).get("value"))
            high = _s(_d(_d(r["valueRange"]).get("high")).get("value"))
            value_text = f"{low}-{high}"
        absent = _codings(r.get("dataAbsentReason"))
        if any(c.code in ("masked", "temp-unknown") for c in absent):
            status = ResultStatus.HELD_BACK
        if not value_text and absent:
            value_text = _concept_text(r.get("dataAbsentReason"))
        ranges = [self.reference_range(_d(rr)) for rr in _l(r.get("referenceRange"))]
        ref_range = ranges[0] if ranges else None
        interpretation = Interpretation.UNKNOWN
        for c in (c for i in _l(r.get("interpretation")) for c in _codings(i)):
            interpretation = _INTERPRETATIONS.get(c.code, Interpretation.UNKNOWN)
            break
        else:
            if ref_range is not None:
                interpretation = ref_range.classify(value, comparator=comparator, unit=unit)
        return LabResult(
            test_name=_concept_text(r.get("code")),
            codings=tuple(_codings(r.get("code"))),
            value=value,
            value_text=value_text,
            comparator=comparator,
            unit=unit,
            reference_range=ref_range,
            interpretation=interpretation,
            status=status,
            **more,
        )

    def reference_range(self, rr: dict[str, Any]) -> ReferenceRange:
        low = _d(rr.get("low"))
        high = _d(rr.get("high"))
        return ReferenceRange(
            low=_num(low.get("value"), "range low"),
            high=_num(high.get("value"), "range high"),
            text=_s(rr.get("text")),
            unit=_s(high.get("code") or low.get("code") or high.get("unit") or low.get("unit")),
        )

    def document_reference(self, r: dict[str, Any], ref: str) -> None:
        title = _s(r.get("description")) or _concept_text(r.get("type"))
        author = ", ".join(p for p in (self.who(a) for a in _l(r.get("author"))) if p)
        when = _datetime(r.get("date"), "date")
        contents = [_d(_d(c).get("attachment")) for c in _l(r.get("content"))]
        if not contents:
            raise _Unreadable("document without content", UnreadableReason.MISSING_VALUE)
        att = next((a for a in contents if a.get("data") is not None), contents[0])
        doc = self.attachment_document(att, title, author, when, _codings(r.get("type")), ref)
        self.record.documents.append(replace(doc, kind=_concept_text(r.get("type")) or doc.kind))

    def consent(self, r: dict[str, Any], ref: str) -> None:
        provision = _d(r.get("provision"))
        actors = [_d(a).get("reference") for a in _l(provision.get("actor"))]
        if _s(provision.get("type")) == "deny" and actors:
            for actor in actors:
                target = self.resolve(actor)
                org = ""
                if target is not None and target.get("resourceType") == "PractitionerRole":
                    org = self.who(target.get("organization"))
                self.record.exclusions.append(
                    Exclusion(
                        who=self.who(actor),
                        organisation=org,
                        since=_date(r.get("dateTime"), "dateTime"),
                        source=self.source.at(ref),
                    )
                )
            return
        status = _s(r.get("status"))
        granted = {"active": True, "rejected": False, "inactive": False}.get(status)
        if _s(provision.get("type")) == "deny" and granted:
            granted = False
        scope = _concept_text(next(iter(_l(r.get("category"))), None)) or _concept_text(
            r.get("scope")
        )
        self.record.consent = ConsentStatus(
            granted=granted,
            since=_date(r.get("dateTime"), "dateTime"),
            scope=scope,
            source=self.source.at(ref),
        )

    def audit_event(self, r: dict[str, Any], ref: str) -> None:
        who = ""
        organisation = ""
        for agent in map(_d, _l(r.get("agent"))):
            if agent.get("requestor") is True or not who:
                who = self.who(agent.get("who")) or _s(agent.get("name")) or who
                target = self.resolve(agent.get("who"))
                if target is not None and target.get("resourceType") == "PractitionerRole":
                    organisation = self.who(target.get("organization"))
        what = ", ".join(
            x
            for x in (
                _s(_d(e).get("name"))
                or _s(_d(_d(e).get("what")).get("display"))
                or _s(_d(_d(e).get("type")).get("display"))
                for e in _l(r.get("entity"))
            )
            if x
        )
        action = {"C": "create", "R": "read", "U": "update", "D": "delete", "E": "execute"}.get(
            _s(r.get("action")), _s(r.get("action"))
        )
        self.record.access_log.append(
            AccessLogEntry(
                who=who,
                organisation=organisation,
                when=_datetime(r.get("recorded"), "recorded"),
                what=what or _concept_text(r.get("type")),
                action=action,
                source=self.source.at(ref),
            )
        )

    def care_team(self, r: dict[str, Any], ref: str) -> None:
        for participant in map(_d, _l(r.get("participant"))):
            member = participant.get("member")
            target = self.resolve(member)
            org = self.who(participant.get("onBehalfOf"))
            if target is not None and target.get("resourceType") == "PractitionerRole":
                org = org or self.who(target.get("organization"))
            roles = [_concept_text(x) for x in _l(participant.get("role"))]
            period = _d(participant.get("period"))
            kind = RelationKind.CARE_TEAM
            role_codes = {c.code for x in _l(participant.get("role")) for c in _codings(x)}
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
                    codings=tuple(c for x in _l(participant.get("role")) for c in _codings(x)),
                    source=self.source.at(ref),
                )
            )

    def operation_outcome(self, r: dict[str, Any], ref: str) -> None:
        for issue in map(_d, _l(r.get("issue"))):
            if _s(issue.get("severity")) in ("error", "fatal"):
                self.unreadable(
                    ref,
                    f"the server reported a problem: {_s(issue.get('code'))}",
                    UnreadableReason.UNSUPPORTED,
                    _s(issue.get("diagnostics")) or _concept_text(issue.get("details")),
                    ref,
                )

    def panel_names(self) -> Iterator[tuple[str, str]]:
        for r in self.resources:
            if r.get("resourceType") == "Observation" and r.get("hasMember") is not None:
                name = _concept_text(r.get("code"))
                for member in _l(r.get("hasMember")):
                    target = self.resolve(member)
                    if target is not None:
                        yield _s(target.get("id")), name


#: Reports before their observations, recommendations after the vaccinations they complete.
_ORDER = {"DiagnosticReport": 0, "ImmunizationRecommendation": 2}


def _resource_ref(r: dict[str, Any]) -> str:
    rtype = _s(r.get("resourceType"))
    rid = _s(r.get("id")) or next(
        (_s(_d(i).get("value")) for i in _l(r.get("identifier")) if _s(_d(i).get("value"))), ""
    )
    return f"{rtype}/{rid}" if rid else rtype


_STATEMENT_STATUS: dict[str, MedicationStatus] = {
    "active": MedicationStatus.ACTIVE,
    "intended": MedicationStatus.ACTIVE,
    "unknown": MedicationStatus.ACTIVE,
    "on-hold": MedicationStatus.SUSPENDED,
    "stopped": MedicationStatus.STOPPED,
    "completed": MedicationStatus.STOPPED,
    "not-taken": MedicationStatus.STOPPED,
    "entered-in-error": MedicationStatus.UNKNOWN,
}

_RESULT_STATUS: dict[str, ResultStatus] = {
    "final": ResultStatus.FINAL,
    "amended": ResultStatus.CORRECTED,
    "corrected": ResultStatus.CORRECTED,
    "preliminary": ResultStatus.PRELIMINARY,
    "registered": ResultStatus.HELD_BACK,
    "cancelled": ResultStatus.CANCELLED,
    "entered-in-error": ResultStatus.CANCELLED,
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
