"""The health record as plain typed objects the UI shows without knowing FHIR or KMEHR.

Items are frozen dataclasses with tuple fields; the :class:`Record` that holds them is
mutable so that it can be wiped in place when the card leaves the reader. Every item keeps
its :class:`ItemSource` and its original codings (CNK, ATC, LOINC, ICPC, ICD-10, SNOMED,
KMEHR CD-* values) so that the glossary can explain them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, fields
from datetime import date, datetime, time
from enum import Enum
from functools import cached_property
from typing import Any

from assistant.errors import ProblemKind

_Date = date  # for classes with a field named ``date``

# --------------------------------------------------------------------------------------------
# Provenance and codes


class SourceKind(Enum):
    """Where a piece of the record came from."""

    KMEHR_FILE = "kmehr_file"
    FHIR_FILE = "fhir_file"
    HUB = "hub"
    DEMO = "demo"


@dataclass(frozen=True)
class ItemSource:
    """The origin of an item: a file name or a server address, plus the item's id there.

    ``label`` never holds personal data (a file's name or a server URL). ``ref`` is the
    identifier of the item inside that source (FHIR ``Resource/id``, KMEHR item id).
    ``language`` is the language the source declares for the item's texts (BCP 47 as written:
    FHIR ``language`` of the resource, its narrative or its Bundle; KMEHR ``L`` of its texts),
    "" when it declares none.
    """

    kind: SourceKind
    label: str
    ref: str = ""
    language: str = ""

    def at(self, ref: str) -> ItemSource:
        """The same source, pointing at one item inside it."""
        # (a record has thousands of items: not replace())
        return ItemSource(self.kind, self.label, ref, self.language)

    def speaking(self, language: str) -> ItemSource:
        """The same source, its items' texts declared in ``language``."""
        return ItemSource(self.kind, self.label, self.ref, language)


@dataclass(frozen=True)
class Coding:
    """One code from one code system (URI or KMEHR CD-* name), with its display text."""

    system: str
    code: str
    display: str = ""


class Verification(Enum):
    """How sure the source is that a finding (an allergy, a health problem) is true.

    FHIR ``verificationStatus``: confirmed; unconfirmed, provisional, differential (UNCONFIRMED);
    refuted (REFUTED: checked, and it is *not* so). Entered-in-error items are never made: the
    mapper notes them as unreadable parts instead. KMEHR ``notpresent``/``excluded`` map to
    REFUTED.
    """

    CONFIRMED = "confirmed"
    UNCONFIRMED = "unconfirmed"
    REFUTED = "refuted"
    UNKNOWN = "unknown"


# --------------------------------------------------------------------------------------------
# Patient


@dataclass(frozen=True)
class Patient:
    given_names: str = ""
    surname: str = ""
    national_number: str = ""
    birth_date: date | None = None
    sex: str = ""  # "M", "F", "X" or "" when unknown
    language: str = ""
    source: ItemSource | None = None

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.given_names, self.surname) if p)


# --------------------------------------------------------------------------------------------
# Medications


class DayPeriod(Enum):
    """A moment of the day a dose is taken (KMEHR CD-DAYPERIOD / FHIR Timing.when)."""

    MORNING = "morning"
    NOON = "midday"
    AFTERNOON = "afternoon"
    EVENING = "evening"
    NIGHT = "night"
    BEDTIME = "thehourofsleep"
    WAKE = "wake"
    BEFORE_BREAKFAST = "beforebreakfast"
    DURING_BREAKFAST = "duringbreakfast"
    AFTER_BREAKFAST = "afterbreakfast"
    BEFORE_LUNCH = "beforelunch"
    DURING_LUNCH = "duringlunch"
    AFTER_LUNCH = "afterlunch"
    BEFORE_DINNER = "beforedinner"
    DURING_DINNER = "duringdinner"
    AFTER_DINNER = "afterdinner"
    BEFORE_MEAL = "beforemeal"
    DURING_MEAL = "duringmeal"
    AFTER_MEAL = "aftermeal"
    BETWEEN_MEALS = "betweenmeals"
    BETWEEN_BREAKFAST_AND_LUNCH = "betweenbreakfastandlunch"
    BETWEEN_LUNCH_AND_DINNER = "betweenlunchanddinner"
    BETWEEN_DINNER_AND_SLEEP = "betweendinnerandsleep"


class Weekday(Enum):
    MONDAY = 1
    TUESDAY = 2
    WEDNESDAY = 3
    THURSDAY = 4
    FRIDAY = 5
    SATURDAY = 6
    SUNDAY = 7


class TimeUnit(Enum):
    MINUTE = "minute"
    HOUR = "hour"
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    YEAR = "year"


@dataclass(frozen=True)
class Duration:
    value: float
    unit: TimeUnit


@dataclass(frozen=True)
class DoseTiming:
    """One intake: when (day period or exact time, optionally on a weekday / day number /
    date) and how much."""

    period: DayPeriod | None = None
    time_of_day: time | None = None
    quantity: float | None = None
    quantity_text: str = ""  # the quantity as written when it is not a plain number
    unit: str = ""  # human text of the unit ("tablet", "ml") or its code
    unit_coding: Coding | None = None
    route: Coding | None = None
    weekday: Weekday | None = None
    day_number: int | None = None
    on_date: date | None = None


@dataclass(frozen=True)
class Frequency:
    """How often the regimen repeats: every ``every`` ``unit`` (1 day, 2 weeks, ...)."""

    every: float = 1
    unit: TimeUnit = TimeUnit.DAY
    times: int | None = None  # "3 times per <every unit>" when no day periods are given
    weekdays: tuple[Weekday, ...] = ()
    coding: Coding | None = None  # e.g. KMEHR CD-PERIODICITY "W"


class MedicationStatus(Enum):
    ACTIVE = "active"
    SUSPENDED = "suspended"
    STOPPED = "stopped"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Suspension:
    """A period during which a medication is suspended (or from which it is stopped)."""

    begin: date | None = None
    end: date | None = None
    reason: str = ""
    stopped: bool = False  # True: "stop from begin", False: temporary suspension
    source: ItemSource | None = None


@dataclass(frozen=True)
class Medication:
    name: str
    codings: tuple[Coding, ...] = ()  # CNK, ATC, ingredient or medication-type codes
    identifier: str = ""  # medication line id (KMEHR id, FHIR identifier)
    active_ingredient: str = ""
    strength: str = ""
    form: str = ""
    kind: str = ""  # "medicinalproduct", "substanceproduct", "magistral", "compoundprescription"
    posology: tuple[DoseTiming, ...] = ()
    frequency: Frequency | None = None
    as_needed: bool = False
    posology_text: str = ""
    route: Coding | None = None
    administration_unit: Coding | None = None
    begin: date | None = None
    end: date | None = None
    duration: Duration | None = None
    begin_condition: str = ""
    end_condition: str = ""
    temporality: Coding | None = None  # acute / chronic / oneshot
    status: MedicationStatus = MedicationStatus.ACTIVE
    suspensions: tuple[Suspension, ...] = ()
    instructions: str = ""  # instructions for the patient
    use: str = ""  # what the medicine is for, as the prescriber wrote it
    prescriber: str = ""
    recorded: datetime | None = None
    source: ItemSource | None = None

    def status_on(self, day: date) -> MedicationStatus:
        """The status on ``day`` taking begin/end dates and suspensions into account."""
        if self.end is not None and day > self.end:
            return MedicationStatus.STOPPED
        for s in self.suspensions:
            started = s.begin is None or s.begin <= day
            if started and (s.end is None or day <= s.end):
                return MedicationStatus.STOPPED if s.stopped else MedicationStatus.SUSPENDED
        return self.status


# --------------------------------------------------------------------------------------------
# Vaccinations, results, allergies, problems


#: Vaccination.status values: given, not given (refused, contra-indicated, ...), only due.
VACCINE_GIVEN = "completed"
VACCINE_NOT_GIVEN = "not-done"
VACCINE_DUE = "due"
VACCINE_UNSURE = "unknown"  # the source's status could not be read


@dataclass(frozen=True)
class Vaccination:
    vaccine: str
    codings: tuple[Coding, ...] = ()  # vaccine product and target disease codes
    date: _Date | None = None
    dose_number: int | None = None
    next_due: _Date | None = None
    performer: str = ""
    lot_number: str = ""
    status: str = VACCINE_GIVEN  # VACCINE_GIVEN, _NOT_GIVEN, _DUE or _UNSURE
    status_reason: str = ""  # why it was not given, as the source wrote it
    target_diseases: tuple[str, ...] = ()
    note: str = ""
    source: ItemSource | None = None

    @property
    def given(self) -> bool:
        """Whether the source says this dose was given (never true for a refused or a due
        dose)."""
        return self.status == VACCINE_GIVEN


class Interpretation(Enum):
    NORMAL = "normal"
    HIGH = "high"
    LOW = "low"
    ABNORMAL = "abnormal"
    UNKNOWN = "unknown"


class ResultStatus(Enum):
    FINAL = "final"
    PRELIMINARY = "preliminary"
    CORRECTED = "corrected"
    HELD_BACK = "held_back"  # the result exists but is not released to the patient yet
    CANCELLED = "cancelled"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class ReferenceRange:
    low: float | None = None
    high: float | None = None
    text: str = ""
    unit: str = ""

    def classify(
        self, value: float | None, *, comparator: str = "", unit: str = ""
    ) -> Interpretation:
        """Whether ``value`` is lower than, within or higher than this range.

        The single rule for "is this result low, normal or high" when the lab said nothing.
        UNKNOWN when there is no value, when the value is only a bound (``comparator`` "<",
        ">=", ...: "<5" may be in or out of the range), when the range has no bounds, and
        when both the value and the range have a unit and the units differ. The bounds
        belong to the range (a value equal to a bound is normal).
        """
        if value is None or comparator or (self.low is None and self.high is None):
            return Interpretation.UNKNOWN
        if unit and self.unit and not same_unit(unit, self.unit):
            return Interpretation.UNKNOWN
        if self.high is not None and value > self.high:
            return Interpretation.HIGH
        if self.low is not None and value < self.low:
            return Interpretation.LOW
        return Interpretation.NORMAL


def same_unit(a: str, b: str) -> bool:
    """Whether two written units mean the same (case and spaces aside: "mmol/L", "mmol/l")."""
    return "".join(a.split()).casefold() == "".join(b.split()).casefold()


@dataclass(frozen=True)
class LabResult:
    test_name: str
    codings: tuple[Coding, ...] = ()  # LOINC and local codes
    value: float | None = None
    value_text: str = ""  # text result, or the value as written ("<5", "positive")
    comparator: str = ""  # "<", "<=", ">=", ">" for values given as a bound
    unit: str = ""  # UCUM code or unit text
    reference_range: ReferenceRange | None = None
    target: ReferenceRange | None = None  # the patient's own target (INR, HbA1c, ...)
    interpretation: Interpretation = Interpretation.UNKNOWN
    date: datetime | None = None
    report_id: str = ""
    report_title: str = ""
    status: ResultStatus = ResultStatus.UNKNOWN
    category: str = ""
    note: str = ""
    source: ItemSource | None = None

    @cached_property
    def test_key(self) -> str:
        """Results of the same test share a key: the LOINC code when there is one, else the
        name (case and outer spaces aside). Worked out once per result (a 10-year record has
        thousands, grouped on every screen that lists them)."""
        for c in self.codings:
            if "loinc" in c.system.lower() and c.code:
                return f"loinc:{c.code}"
        return "name:" + self.test_name.strip().lower()

    @property
    def level(self) -> Interpretation:
        """The lab's own interpretation, or else the one its reference range gives; UNKNOWN
        for a cancelled test (its value, if any, is not a result)."""
        if self.status is ResultStatus.CANCELLED:
            return Interpretation.UNKNOWN
        if self.interpretation is not Interpretation.UNKNOWN or self.reference_range is None:
            return self.interpretation
        return self.reference_range.classify(self.value, comparator=self.comparator, unit=self.unit)


class AllergyKind(Enum):
    ALLERGY = "allergy"
    INTOLERANCE = "intolerance"
    ADVERSE_DRUG_REACTION = "adverse_drug_reaction"
    UNKNOWN = "unknown"


class Criticality(Enum):
    LOW = "low"
    HIGH = "high"
    UNABLE_TO_ASSESS = "unable_to_assess"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Allergy:
    substance: str
    codings: tuple[Coding, ...] = ()
    reaction: str = ""
    reaction_codings: tuple[Coding, ...] = ()  # codes of the reaction (SNOMED CT "hives")
    kind: AllergyKind = AllergyKind.UNKNOWN
    criticality: Criticality = Criticality.UNKNOWN
    onset: date | None = None
    active: bool = True
    verification: Verification = Verification.UNKNOWN
    note: str = ""
    source: ItemSource | None = None

    @property
    def holds(self) -> bool:
        """Whether this allergy is to be heeded now: active and not ruled out."""
        return self.active and self.verification is not Verification.REFUTED


class ProblemStatus(Enum):
    ACTIVE = "active"
    RESOLVED = "resolved"
    INACTIVE = "inactive"
    UNKNOWN = "unknown"


class ProblemCategory(Enum):
    PROBLEM = "problem"
    RISK = "risk"  # medical risk factor (Sumehr "risk")
    SOCIAL_RISK = "social_risk"
    HISTORY = "history"


@dataclass(frozen=True)
class Problem:
    name: str
    codings: tuple[Coding, ...] = ()  # ICPC-2, ICD-10, SNOMED CT
    onset: date | None = None
    end: date | None = None
    status: ProblemStatus = ProblemStatus.UNKNOWN
    category: ProblemCategory = ProblemCategory.PROBLEM
    verification: Verification = Verification.UNKNOWN
    note: str = ""
    source: ItemSource | None = None


# --------------------------------------------------------------------------------------------
# Documents, prescriptions, consent, relations, access log


@dataclass(frozen=True)
class Document:
    title: str
    author: str = ""
    date: datetime | None = None
    kind: str = ""  # e.g. "discharge letter", the display of the document type
    codings: tuple[Coding, ...] = ()
    content_type: str = ""
    content: bytes | None = None
    url: str = ""  # where the content can be fetched when it is not inline
    superseded: bool = False  # a newer version of this document replaces it
    source: ItemSource | None = None


@dataclass(frozen=True)
class Prescription:
    """An open e-prescription the pharmacist can deliver, identified by its RID."""

    rid: str
    medication: str
    codings: tuple[Coding, ...] = ()
    prescriber: str = ""
    date: _Date | None = None
    expiry: _Date | None = None
    status: str = "active"
    posology_text: str = ""
    quantity: str = ""
    source: ItemSource | None = None

    @property
    def is_open(self) -> bool:
        """Whether the pharmacist can still deliver it (not cancelled, stopped, completed,
        on hold or a draft)."""
        return self.status in ("active", "open", "")


@dataclass(frozen=True)
class ConsentStatus:
    """Whether the patient agreed to share health data between care providers."""

    granted: bool | None = None  # None: unknown
    since: date | None = None
    scope: str = ""
    source: ItemSource | None = None


class RelationKind(Enum):
    GMD_HOLDER = "gmd_holder"  # global medical file holder (usually the GP)
    THERAPEUTIC = "therapeutic"  # a care provider with a therapeutic relation
    CONTACT_PERSON = "contact_person"
    CARE_TEAM = "care_team"


@dataclass(frozen=True)
class TherapeuticRelation:
    name: str
    kind: RelationKind = RelationKind.THERAPEUTIC
    role: str = ""  # profession or relation to the patient ("GP", "mother")
    organisation: str = ""
    telecom: tuple[str, ...] = ()
    begin: date | None = None
    end: date | None = None
    codings: tuple[Coding, ...] = ()
    source: ItemSource | None = None


@dataclass(frozen=True)
class Exclusion:
    """A care provider the patient excluded from seeing their data."""

    who: str
    organisation: str = ""
    since: date | None = None
    source: ItemSource | None = None


@dataclass(frozen=True)
class AccessLogEntry:
    who: str
    organisation: str = ""
    when: datetime | None = None
    what: str = ""
    action: str = ""  # "read", "create", "update", ...
    source: ItemSource | None = None


class UnreadableReason(Enum):
    """Why part of a record could not be read; the UI translates these."""

    NOT_PERMITTED_VALUE = "not_permitted_value"
    UNEXPECTED_VALUE = "unexpected_value"
    MISSING_VALUE = "missing_value"
    MALFORMED = "malformed"
    UNSUPPORTED = "unsupported"
    #: the source itself says the entry was a mistake (FHIR entered-in-error)
    ENTERED_IN_ERROR = "entered_in_error"
    #: the source itself says the entry no longer counts (KMEHR isrelevant false)
    NOT_RELEVANT = "not_relevant"
    #: written in a FHIR version whose elements the program does not read
    OTHER_VERSION = "other_version"


#: How much of the original text an :class:`UnreadablePart` keeps.
RAW_LIMIT = 2000


@dataclass(frozen=True)
class UnreadablePart:
    """A part of the record that could not be read.

    ``where`` and ``why`` are developer words (no personal data). ``raw`` is the original text
    the UI may show as-is ("this is what we received").
    """

    where: str
    why: str
    reason: UnreadableReason = UnreadableReason.MALFORMED
    kind: ProblemKind = ProblemKind.BAD_DATA
    raw: str = ""
    source: ItemSource | None = None


# --------------------------------------------------------------------------------------------
# The record

#: The parts of the record a patient opens, in the order the screens and the paper show them.
RECORD_PARTS: tuple[str, ...] = (
    "medicines",
    "vaccines",
    "results",
    "allergies",
    "documents",
    "sharing",
)

_LIST_SECTIONS = (
    "medications",
    "vaccinations",
    "lab_results",
    "allergies",
    "problems",
    "documents",
    "prescriptions",
    "relations",
    "exclusions",
    "access_log",
    "unreadable",
)


@dataclass
class Record:
    """Everything known about one patient, from one or more sources."""

    patient: Patient | None = None
    medications: list[Medication] = field(default_factory=list)
    vaccinations: list[Vaccination] = field(default_factory=list)
    lab_results: list[LabResult] = field(default_factory=list)
    allergies: list[Allergy] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)
    prescriptions: list[Prescription] = field(default_factory=list)
    consent: ConsentStatus | None = None
    relations: list[TherapeuticRelation] = field(default_factory=list)
    exclusions: list[Exclusion] = field(default_factory=list)
    access_log: list[AccessLogEntry] = field(default_factory=list)
    unreadable: list[UnreadablePart] = field(default_factory=list)
    sources: list[ItemSource] = field(default_factory=list)

    def open_prescriptions(self) -> list[Prescription]:
        """The prescriptions the pharmacist can still deliver."""
        return [p for p in self.prescriptions if p.is_open]

    def counts(self) -> dict[str, int]:
        """Number of items per list section (e.g. ``{"medications": 4, ...}``)."""
        return {name: len(getattr(self, name)) for name in _LIST_SECTIONS}

    @property
    def is_empty(self) -> bool:
        return self.patient is None and self.consent is None and not any(self.counts().values())

    def items(self) -> Iterator[Any]:
        """Every item of every list section."""
        for name in _LIST_SECTIONS:
            yield from getattr(self, name)

    def all_codings(self) -> list[Coding]:
        """Every coding used anywhere in the record, once each, in order of appearance."""
        seen: dict[Coding, None] = {}
        for item in self.items():
            for c in _codings_of(item):
                seen.setdefault(c, None)
        return list(seen)

    def merge(self, other: Record) -> Record:
        """A new record with the items of both; ``self``'s patient and consent win if set.

        Items that are exactly equal (same content, same source) appear once.
        """
        merged = Record(
            patient=self.patient if self.patient is not None else other.patient,
            consent=self.consent if self.consent is not None else other.consent,
        )
        for name in (*_LIST_SECTIONS, "sources"):
            out: list[Any] = getattr(merged, name)
            seen: set[Any] = set()
            for item in (*getattr(self, name), *getattr(other, name)):
                key = _hash_key(item)
                if key in seen:
                    continue
                seen.add(key)
                out.append(item)
        return merged

    def add_unreadable(
        self,
        where: str,
        why: str,
        reason: UnreadableReason,
        source: ItemSource | None,
        raw: str = "",
    ) -> None:
        """Note a part that could not be read, keeping at most ``RAW_LIMIT`` of its text."""
        self.unreadable.append(
            UnreadablePart(where=where, why=why, reason=reason, raw=raw[:RAW_LIMIT], source=source)
        )

    def wipe(self) -> None:
        """Forget everything (card removed, Finish, inactivity lock)."""
        self.patient = None
        self.consent = None
        for name in (*_LIST_SECTIONS, "sources"):
            getattr(self, name).clear()


def _hash_key(item: Any) -> Any:
    try:
        hash(item)
    except TypeError:
        return id(item)
    return item


def _codings_of(item: Any) -> Iterator[Coding]:
    """Codings held directly by an item and by its nested timings/frequency."""
    for f in fields(item):
        value = getattr(item, f.name)
        if isinstance(value, Coding):
            yield value
        elif isinstance(value, tuple):
            for v in value:
                if isinstance(v, Coding):
                    yield v
                elif isinstance(v, DoseTiming):
                    yield from _codings_of(v)
        elif isinstance(value, Frequency) and value.coding is not None:
            yield value.coding


__all__ = [
    "RECORD_PARTS",
    "VACCINE_DUE",
    "VACCINE_GIVEN",
    "VACCINE_NOT_GIVEN",
    "VACCINE_UNSURE",
    "AccessLogEntry",
    "Allergy",
    "AllergyKind",
    "Coding",
    "ConsentStatus",
    "Criticality",
    "DayPeriod",
    "Document",
    "DoseTiming",
    "Duration",
    "Exclusion",
    "Frequency",
    "Interpretation",
    "ItemSource",
    "LabResult",
    "Medication",
    "MedicationStatus",
    "Patient",
    "Prescription",
    "Problem",
    "ProblemCategory",
    "ProblemStatus",
    "Record",
    "ReferenceRange",
    "RelationKind",
    "ResultStatus",
    "SourceKind",
    "Suspension",
    "TherapeuticRelation",
    "TimeUnit",
    "UnreadablePart",
    "UnreadableReason",
    "Vaccination",
    "Verification",
    "Weekday",
]
