"""Code systems and the KMEHR CD-* / FHIR code tables the record readers need."""

from __future__ import annotations

from assistant.records.model import DayPeriod, Medication, TimeUnit, UnreadableReason, Weekday

# --------------------------------------------------------------------------------------------
# Code system identifiers used in :class:`~assistant.records.model.Coding` (FHIR URIs; KMEHR
# tables keep their CD-* name so the glossary can tell them apart).

CNK = "https://www.ehealth.fgov.be/standards/fhir/medication/NamingSystem/be-ns-cnk-codes"
ATC = "http://www.whocc.no/atc"
INN_CLUSTER = "CD-INNCLUSTER"
VMP_GROUP = "CD-VMPGROUP"
MEDICATION_TYPE = "https://www.ehealth.fgov.be/standards/fhir/medication/CodeSystem/medication-type"
LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
SNOMED = "http://snomed.info/sct"
ICPC2 = "http://hl7.org/fhir/sid/icpc-2"
ICD10 = "http://hl7.org/fhir/sid/icd-10"
SSIN = "https://www.ehealth.fgov.be/standards/fhir/core/NamingSystem/ssin"
NIHDI = "https://www.ehealth.fgov.be/standards/fhir/core/NamingSystem/nihdi"
CD_ADMINISTRATION_UNIT = "CD-ADMINISTRATIONUNIT"
CD_DRUG_ROUTE = "CD-DRUG-ROUTE"
CD_PERIODICITY = "CD-PERIODICITY"
CD_TEMPORALITY = "CD-TEMPORALITY"
CD_DAYPERIOD = "CD-DAYPERIOD"
CD_VACCINE_INDICATION = "CD-VACCINEINDICATION"
CD_CLINICAL = "CD-CLINICAL"
CD_ITEM = "CD-ITEM"

#: KMEHR "S" attribute of a <cd>/<intendedcd> -> the system used in our codings.
KMEHR_SYSTEMS: dict[str, str] = {
    "CD-DRUG-CNK": CNK,
    "CD-ATC": ATC,
    "ICPC": ICPC2,
    "ICD": ICD10,
    "CD-SNOMED": SNOMED,
    "CD-LOINC": LOINC,
    "LOINC": LOINC,
}

#: FHIR systems whose code we treat as the same as another spelling.
FHIR_SYSTEM_ALIASES: dict[str, str] = {
    "http://whocc.no/atc": ATC,
    "http://www.whocc.no/atc": ATC,
    "http://hl7.org/fhir/sid/icd-10-cm": ICD10,
    "http://hl7.org/fhir/sid/icpc-2": ICPC2,
    "http://hl7.org/fhir/sid/icpc2": ICPC2,
}

# --------------------------------------------------------------------------------------------
# Day periods

KMEHR_DAYPERIODS: dict[str, DayPeriod] = {p.value: p for p in DayPeriod}
KMEHR_DAYPERIODS.update({"midday": DayPeriod.NOON, "noon": DayPeriod.NOON})

#: FHIR Timing.when (HL7 v3 TimingEvent + event-timing) -> day period.
FHIR_WHEN: dict[str, DayPeriod] = {
    "MORN": DayPeriod.MORNING,
    "MORN.early": DayPeriod.MORNING,
    "MORN.late": DayPeriod.MORNING,
    "NOON": DayPeriod.NOON,
    "AFT": DayPeriod.AFTERNOON,
    "AFT.early": DayPeriod.AFTERNOON,
    "AFT.late": DayPeriod.AFTERNOON,
    "EVE": DayPeriod.EVENING,
    "EVE.early": DayPeriod.EVENING,
    "EVE.late": DayPeriod.EVENING,
    "NIGHT": DayPeriod.NIGHT,
    "PHS": DayPeriod.AFTER_MEAL,
    "HS": DayPeriod.BEDTIME,
    "WAKE": DayPeriod.WAKE,
    "C": DayPeriod.DURING_MEAL,
    "CM": DayPeriod.DURING_BREAKFAST,
    "CD": DayPeriod.DURING_LUNCH,
    "CV": DayPeriod.DURING_DINNER,
    "AC": DayPeriod.BEFORE_MEAL,
    "ACM": DayPeriod.BEFORE_BREAKFAST,
    "ACD": DayPeriod.BEFORE_LUNCH,
    "ACV": DayPeriod.BEFORE_DINNER,
    "PC": DayPeriod.AFTER_MEAL,
    "PCM": DayPeriod.AFTER_BREAKFAST,
    "PCD": DayPeriod.AFTER_LUNCH,
    "PCV": DayPeriod.AFTER_DINNER,
}

# --------------------------------------------------------------------------------------------
# Weekdays and time units

KMEHR_WEEKDAYS: dict[str, Weekday] = {d.name.lower(): d for d in Weekday}
FHIR_WEEKDAYS: dict[str, Weekday] = {d.name.lower()[:3]: d for d in Weekday}

#: UCUM / KMEHR CD-TIMEUNIT -> (unit, factor). Sub-minute units become fractions of a minute.
TIME_UNITS: dict[str, tuple[TimeUnit, float]] = {
    "a": (TimeUnit.YEAR, 1),
    "mo": (TimeUnit.MONTH, 1),
    "wk": (TimeUnit.WEEK, 1),
    "d": (TimeUnit.DAY, 1),
    "h": (TimeUnit.HOUR, 1),
    "hr": (TimeUnit.HOUR, 1),
    "min": (TimeUnit.MINUTE, 1),
    "s": (TimeUnit.MINUTE, 1 / 60),
    "ms": (TimeUnit.MINUTE, 1 / 60_000),
    "us": (TimeUnit.MINUTE, 1 / 60_000_000),
    "ns": (TimeUnit.MINUTE, 1 / 60_000_000_000),
}

# --------------------------------------------------------------------------------------------
# KMEHR CD-PERIODICITY: a unit letter, then a multiplier letter (none = 1).

_PERIODICITY_UNITS: dict[str, TimeUnit] = {
    "U": TimeUnit.HOUR,
    "D": TimeUnit.DAY,
    "W": TimeUnit.WEEK,
    "M": TimeUnit.MONTH,
    "J": TimeUnit.YEAR,
}
_PERIODICITY_MULTIPLIERS: dict[str, float] = {
    "": 1,
    "H": 0.5,
    "H2": 0.5,
    "T": 2,
    "D": 3,
    "V": 4,
    "Q": 5,
    "Z": 6,
    "Z2": 6,
    "S": 7,
    "A": 8,
    "N": 9,
    "X": 10,
    "E": 11,
    "W": 12,
    "C": 18,
    "P": 24,
}


def kmehr_periodicity(code: str) -> tuple[float, TimeUnit] | None:
    """``"WT"`` -> (2, WEEK); ``"O1"`` -> (2, DAY) (every other day); None if unknown."""
    if code == "O1":
        return 2, TimeUnit.DAY
    if not code or code[0] not in _PERIODICITY_UNITS:
        return None
    factor = _PERIODICITY_MULTIPLIERS.get(code[1:])
    if factor is None:
        return None
    return factor, _PERIODICITY_UNITS[code[0]]


# --------------------------------------------------------------------------------------------
# Administration units (KMEHR CD-ADMINISTRATIONUNIT) and their FHIR equivalents

#: Numeric KMEHR administration units -> the SNOMED CT or UCUM coding the Belgian FHIR
#: medication scheme uses for the same unit (the glossary explains those).
ADMINISTRATION_UNIT_EQUIVALENTS: dict[str, tuple[str, str]] = {
    "00001": (UCUM, "5.mL"),
    "00002": (SNOMED, "732978007"),
    "00003": (SNOMED, "413568008"),
    "00004": (SNOMED, "428641000"),
    "00005": (SNOMED, "336624003"),
    "00006": (SNOMED, "408102007"),
    "00007": (UCUM, "[drp]"),
    "00008": (SNOMED, "419672006"),
    "00009": (SNOMED, "732996003"),
    "00010": (SNOMED, "129331004"),
    "00011": (SNOMED, "422237004"),
    "00012": (SNOMED, "257867005"),
    "00013": (SNOMED, "732989000"),
    "00014": (SNOMED, "336624003"),
    "00015": (SNOMED, "337087003"),
    "00016": (UCUM, "mL"),
    "00017": (SNOMED, "73153001"),
    "00018": (SNOMED, "34258004"),
    "00019": (SNOMED, "429587008"),
    "00020": (SNOMED, "419702001"),
    "00021": (SNOMED, "732988008"),
    "00022": (SNOMED, "733006000"),
    "00023": (SNOMED, "415215001"),
    "00024": (SNOMED, "429671000"),
    "00025": (SNOMED, "733006000"),
    "00026": (SNOMED, "430293001"),
    "00027": (SNOMED, "418530008"),
    "00028": (SNOMED, "116251003"),
    "00029": (SNOMED, "428672001"),
    "00030": (SNOMED, "426148002"),
    "cm": (UCUM, "cm"),
    "dropsperminute": (UCUM, "[drp]/min"),
    "gm": (UCUM, "g"),
    "internationalunits": (UCUM, "[IU]"),
    "mg": (UCUM, "mg"),
    "mg/ml": (UCUM, "mg/mL"),
    "mck/h": (UCUM, "ug/h"),
    "mck/kg/minute": (UCUM, "ug/kg/min"),
    "measure": (SNOMED, "767524001"),
    "mg/h": (UCUM, "mg/h"),
    "ml/h": (UCUM, "ml/h"),
    "tbl": (UCUM, "{TBL}"),
    "tsp": (UCUM, "[tsp_m]"),
    "unt/h": (UCUM, "[IU]/h"),
}

#: Textual KMEHR administration units that have no numeric code.
KMEHR_TEXT_UNITS = frozenset(
    {
        "ampoule",
        "bandage",
        "bottle",
        "box",
        "effervescent-tablet",
        "iu",
        "liter",
        "meq",
        "micrograms",
        "miu",
        "mmol",
        "piece",
        "syringe",
        "syringe-ampoule",
    }
)

KNOWN_ADMINISTRATION_UNITS = frozenset(ADMINISTRATION_UNIT_EQUIVALENTS) | KMEHR_TEXT_UNITS

# --------------------------------------------------------------------------------------------
# Other KMEHR tables we check values against

KMEHR_TEMPORALITY = frozenset({"acute", "chronic", "oneshot", "subacute"})
KMEHR_LIFECYCLE = frozenset(
    {
        "active",
        "inactive",
        "stopped",
        "suspended",
        "aborted",
        "completed",
        "planned",
        "refused",
        "cancelled",
        "prescribed",
        "delivered",
        "administrated",
        "notpresent",
        "excluded",
        "proposed",
        "ordered",
        "corrected",
        "pending",
    }
)
#: CD-ITEM-MS values permitted on a medication scheme element's healthcare element.
KMEHR_ITEM_MS_PERMITTED = frozenset({"medicationuse", "begincondition", "endcondition", "origin"})

#: The maximum length Vitalink allows for a patient instruction.
MAX_INSTRUCTION_LENGTH = 340
#: Vitalink limits: quantities have at most 4 integer digits; at most 5 suspensions per line.
MAX_QUANTITY = 9999
MAX_SUSPENSIONS = 5


# --------------------------------------------------------------------------------------------
# Medication line rules (Vitalink validation): a broken rule does not hide the medication,
# it adds an UnreadablePart next to it.

_DAY_LIKE = (TimeUnit.DAY, TimeUnit.HOUR, TimeUnit.MINUTE)


def medication_rule_breaks(med: Medication) -> list[tuple[UnreadableReason, str, str]]:
    """(reason, developer words, raw value) for every rule the medication line breaks."""
    out: list[tuple[UnreadableReason, str, str]] = []

    def bad(why: str, raw: object = "") -> None:
        out.append((UnreadableReason.UNEXPECTED_VALUE, why, str(raw)))

    freq = med.frequency
    timings = med.posology
    with_weekday = [t for t in timings if t.weekday is not None]
    if with_weekday:
        one_time = med.temporality is None or med.temporality.code == "oneshot"
        if freq is None:
            if not one_time:
                bad("weekday used without a frequency", _weekday_name(with_weekday[0].weekday))
        elif freq.unit in _DAY_LIKE:
            bad("weekday used with a frequency in days", freq.coding.code if freq.coding else "")
        elif freq.unit is TimeUnit.YEAR:
            bad("weekday used with a frequency in years", freq.coding.code if freq.coding else "")
        if len(with_weekday) != len(timings):
            bad("regimen mixes intakes with and without a weekday")
    for t in timings:
        if t.day_number is not None and freq is not None:
            if freq.unit is TimeUnit.DAY and t.day_number > freq.every:
                bad("day number is higher than the frequency in days", t.day_number)
            elif freq.unit is TimeUnit.WEEK and t.day_number > 7 * freq.every:
                bad("day number is higher than the frequency in weeks", t.day_number)
        if t.on_date is not None and freq is not None:
            if freq.unit is TimeUnit.WEEK:
                bad("date used with a frequency in weeks", t.on_date.isoformat())
            elif freq.unit in (TimeUnit.MONTH, TimeUnit.YEAR) and t.on_date.day > 28:
                bad("day of the month after 28 with a monthly or yearly frequency", t.on_date)
        if t.quantity is not None:
            if t.quantity <= 0:
                bad("quantity is 0 or less", t.quantity_text or t.quantity)
            elif t.quantity > MAX_QUANTITY:
                bad("quantity has more than 4 digits", t.quantity_text or t.quantity)
        q = t.quantity_text
        if "." in q and q.endswith("0"):
            bad("quantity has trailing zeros", q)
    if len(med.instructions) > MAX_INSTRUCTION_LENGTH:
        bad(f"instructions are longer than {MAX_INSTRUCTION_LENGTH} characters", "")
    if med.duration is not None:
        if med.duration.value <= 0:
            bad("duration is 0", med.duration.value)
        if med.end is not None:
            bad("end date and duration are both given")
    if len(med.suspensions) > MAX_SUSPENSIONS:
        bad(f"more than {MAX_SUSPENSIONS} suspensions", len(med.suspensions))
    for s in med.suspensions:
        if not s.stopped and s.end is None:
            bad("suspended without an end date", s.begin.isoformat() if s.begin else "")
    return out


def _weekday_name(day: Weekday | None) -> str:
    return day.name.lower() if day is not None else ""
