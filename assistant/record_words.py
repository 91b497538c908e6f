"""The record in plain words: the sentences and labels both the screens and the paper copy use.

Day periods and moments, how much and how often to take a medicine, a medicine's status today,
a result's value, usual values and what they mean, kinds of allergies, statuses of problems,
why a part could not be read, the titles of the record's sections. English Easy Read msgids
translated at call time (``assistant.i18n``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import date

from babel.dates import get_day_names

from assistant.dayplan import DayKey, Dose, Moment, PlanRow, Rhythm
from assistant.glossary import explain_specific, explain_unit
from assistant.i18n import (
    N_,
    _,
    current_locale,
    current_locale_name,
    format_date,
    format_decimal,
    format_time,
    ngettext,
    pgettext,
)
from assistant.records.model import (
    VACCINE_DUE,
    VACCINE_NOT_GIVEN,
    Allergy,
    AllergyKind,
    Coding,
    ConsentStatus,
    DayPeriod,
    Interpretation,
    LabResult,
    Medication,
    MedicationStatus,
    Patient,
    Problem,
    ProblemStatus,
    ResultStatus,
    UnreadableReason,
    Vaccination,
    Verification,
    Weekday,
)
from assistant.text_language import primary_language

MOMENT_WORDS: dict[Moment, str] = {
    Moment.MORNING: N_("Morning"),
    Moment.NOON: N_("Noon"),
    Moment.EVENING: N_("Evening"),
    Moment.NIGHT: N_("Night"),
}

MOMENT_ICONS: dict[Moment, str] = {
    Moment.MORNING: "morning",
    Moment.NOON: "noon",
    Moment.EVENING: "evening",
    Moment.NIGHT: "night",
}

PERIOD_WORDS: dict[DayPeriod, str] = {
    DayPeriod.MORNING: N_("in the morning"),
    DayPeriod.NOON: N_("at noon"),
    DayPeriod.AFTERNOON: N_("in the afternoon"),
    DayPeriod.EVENING: N_("in the evening"),
    DayPeriod.NIGHT: N_("at night"),
    DayPeriod.BEDTIME: N_("at bedtime"),
    DayPeriod.WAKE: N_("when you wake up"),
    DayPeriod.BEFORE_BREAKFAST: N_("before breakfast"),
    DayPeriod.DURING_BREAKFAST: N_("with breakfast"),
    DayPeriod.AFTER_BREAKFAST: N_("after breakfast"),
    DayPeriod.BEFORE_LUNCH: N_("before lunch"),
    DayPeriod.DURING_LUNCH: N_("with lunch"),
    DayPeriod.AFTER_LUNCH: N_("after lunch"),
    DayPeriod.BEFORE_DINNER: N_("before dinner"),
    DayPeriod.DURING_DINNER: N_("with dinner"),
    DayPeriod.AFTER_DINNER: N_("after dinner"),
    DayPeriod.BEFORE_MEAL: N_("before each meal"),
    DayPeriod.DURING_MEAL: N_("with each meal"),
    DayPeriod.AFTER_MEAL: N_("after each meal"),
    DayPeriod.BETWEEN_MEALS: N_("between meals"),
    DayPeriod.BETWEEN_BREAKFAST_AND_LUNCH: N_("between breakfast and lunch"),
    DayPeriod.BETWEEN_LUNCH_AND_DINNER: N_("between lunch and dinner"),
    DayPeriod.BETWEEN_DINNER_AND_SLEEP: N_("between dinner and bedtime"),
}


def moment_word(moment: Moment) -> str:
    return _(MOMENT_WORDS[moment])


def weekday_names(days: tuple[Weekday, ...]) -> str:
    names = get_day_names("wide", locale=current_locale_name())
    return ", ".join(str(names[d.value - 1]) for d in days)


_BASE_PERIODS = (DayPeriod.MORNING, DayPeriod.NOON, DayPeriod.EVENING, DayPeriod.NIGHT)

_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def unit_text(unit: str) -> str:
    """A UCUM unit as people write it: "mL/min/{1.73_m2}" -> "mL/min/1.73 m²",
    "10*9/L" -> "10⁹/L", "ug" -> "µg"."""
    text = unit.replace("{", "").replace("}", "").replace("_", " ")
    text = re.sub(r"10\*(-?\d+)", lambda m: "10" + m.group(1).translate(_SUPERSCRIPT), text)
    text = re.sub(r"(?<=[a-zA-Z])2(?![\d.])", "²", text)
    text = re.sub(r"(?<=[a-zA-Z])3(?![\d.])", "³", text)
    text = re.sub(r"\bu(?=(L|g|mol|l|U)\b)", "µ", text)
    return text


def _counted_unit(key: str, n: int) -> str | None:
    """ "2 tablets" / "2 comprimés" for the units people count; None for other units."""
    if key == "tablet":
        return ngettext("{n} tablet", "{n} tablets", n)
    if key == "capsule":
        return ngettext("{n} capsule", "{n} capsules", n)
    if key == "puff":
        return ngettext("{n} puff", "{n} puffs", n)
    if key == "drop":
        return ngettext("{n} drop", "{n} drops", n)
    if key == "sachet":
        return ngettext("{n} sachet", "{n} sachets", n)
    if key == "ampoule":
        return ngettext("{n} ampoule", "{n} ampoules", n)
    if key == "suppository":
        return ngettext("{n} suppository", "{n} suppositories", n)
    if key == "patch":
        return ngettext("{n} patch", "{n} patches", n)
    if key == "injection":
        return ngettext("{n} injection", "{n} injections", n)
    if key == "iu":
        return ngettext("{n} unit", "{n} units", n)
    return None


_UNIT_KEYS: dict[str, str] = {
    "tablet": "tablet",
    "tablets": "tablet",
    "tab": "tablet",
    "tabl": "tablet",
    "effervescent-tablet": "tablet",
    "capsule": "capsule",
    "capsules": "capsule",
    "puff": "puff",
    "puffs": "puff",
    "inhalation": "puff",
    "drop": "drop",
    "drops": "drop",
    "[drp]": "drop",
    "sachet": "sachet",
    "sachets": "sachet",
    "ampoule": "ampoule",
    "ampule": "ampoule",
    "suppository": "suppository",
    "patch": "patch",
    "injection": "injection",
    "iu": "iu",
    "[iu]": "iu",
    "internationalunits": "iu",
}


def unit_word(amount: str, quantity: float | None, unit: str, coding: Coding | None) -> str:
    """The amount with its unit in the current language: "2 tablets", "5 mL", "1 drop"."""
    key = _UNIT_KEYS.get(unit.strip().lower())
    term = ""
    if key is None:
        entry = explain_specific(coding) if coding is not None else None
        entry = entry or (explain_unit(unit) if unit else None)
        if entry is not None:
            term = entry.term
            key = _UNIT_KEYS.get(entry.key.removeprefix("unit:"))
    if key is not None:
        count = 1 if quantity is not None and quantity <= 1 else 2
        counted = _counted_unit(key, count)
        if counted is not None:
            return counted.format(n=amount)
    if term:
        word = re.sub(r"\s*\(.*\)$", "", term)  # "mL (millilitre)" -> "mL"
    elif unit.isdigit():
        word = ""  # an unknown unit code ("00005") means nothing to a patient
    else:
        word = unit_text(unit)
    return f"{amount} {word}".strip()


def dose_text(dose: Dose) -> str:
    """E.g. "1 tablet, after breakfast" or "2 (07:30)" (the plan's own column is not
    repeated: "in the morning" is left out of the morning column)."""
    if dose.quantity is not None:
        amount = format_decimal(dose.quantity, max_decimals=2)
    else:
        amount = dose.quantity_text or "?"
    text = unit_word(amount, dose.quantity, dose.unit, dose.unit_coding)
    hints = [_(PERIOD_WORDS[p]) for p in dose.periods if p not in _BASE_PERIODS]
    hints += [format_time(t) for t in dose.times]
    if hints:
        text = _("{amount}, {when}").format(amount=text, when=", ".join(hints))
    return text


def rhythm_text(row: PlanRow) -> str:
    """How often, in words."""
    r = row.rhythm
    n = round(row.every)
    if r is Rhythm.DAILY:
        if row.times_per_day:
            return ngettext("{n} time a day", "{n} times a day", row.times_per_day).format(
                n=row.times_per_day
            )
        return _("Every day")
    if r is Rhythm.EVERY_N_DAYS:
        return ngettext("Every day", "Every {n} days", n).format(n=n)
    if r is Rhythm.WEEKLY:
        if row.weekdays:
            return ngettext("Every week on {days}", "Every {n} weeks on {days}", n).format(
                n=n, days=weekday_names(row.weekdays)
            )
        return ngettext("Every week", "Every {n} weeks", n).format(n=n)
    if r is Rhythm.MONTHLY:
        if row.day_numbers:
            days = ", ".join(str(d) for d in row.day_numbers)
            return ngettext(
                "Every month on day {days}", "Every {n} months on day {days}", n
            ).format(n=n, days=days)
        return ngettext("Every month", "Every {n} months", n).format(n=n)
    if r is Rhythm.YEARLY:
        return ngettext("Every year", "Every {n} years", n).format(n=n)
    if r is Rhythm.SOME_DATES:
        if row.dates:
            return _("Only on {dates}").format(
                dates=", ".join(format_date(d, "long") for d in row.dates)
            )
        days = ", ".join(str(d) for d in row.day_numbers)
        return _("Only on day {days} of the treatment").format(days=days)
    if r is Rhythm.SEVERAL_TIMES_A_DAY:
        med = row.medication
        if med.frequency is not None and med.frequency.unit.value == "minute":
            return ngettext("Every minute", "Every {n} minutes", n).format(n=n)
        return ngettext("Every hour", "Every {n} hours", n).format(n=n)
    if r is Rhythm.AS_NEEDED:
        return _("Only when you need it")
    return _("Read how to take it below.")


def day_key_text(key: DayKey) -> str:
    if isinstance(key, Weekday):
        return weekday_names((key,))
    if isinstance(key, date):
        return format_date(key)
    return _("Day {n}").format(n=key)


def doses_text(doses: Iterable[tuple[Moment, Dose]]) -> str:
    """E.g. "Morning: 1 tablet; Evening: 2 tablet"."""
    return "; ".join(
        _("{moment}: {dose}").format(moment=moment_word(m), dose=dose_text(d)) for m, d in doses
    )


def schedule_lines(row: PlanRow) -> list[str]:
    """How often, then what to take when: one line per different day if days differ."""
    lines = [rhythm_text(row)] if row.rhythm is not Rhythm.SEE_TEXT else []
    if row.doses and (row.due_today or len(row.by_day) <= 1):
        lines.append(doses_text(row.doses))
    elif row.by_day:
        lines += [
            _("{day}: {doses}").format(day=day_key_text(k), doses=doses_text(d))
            for k, d in row.by_day
            if d
        ]
    elif row.doses:
        lines.append(doses_text(row.doses))
    no_intakes = not row.doses and not any(d for _k, d in row.by_day)
    if no_intakes and not row.medication.posology_text and row.rhythm is not Rhythm.AS_NEEDED:
        lines.append(_("Your record does not say when or how much. Ask your doctor or pharmacist."))
    return lines


def status_text(med: Medication, today: date) -> tuple[str, str]:
    """(words, icon) for the status of a medicine today."""
    status = med.status_on(today)
    if status is MedicationStatus.STOPPED:
        end = med.end
        for s in med.suspensions:
            if s.stopped and s.begin is not None:
                end = s.begin
        if end is not None:
            return _("Stopped since {date}").format(date=format_date(end)), "blocked"
        return _("Stopped"), "blocked"
    if status is MedicationStatus.SUSPENDED:
        for s in med.suspensions:
            started = s.begin is None or s.begin <= today
            if started and (s.end is None or today <= s.end) and not s.stopped:
                if s.end is not None:
                    return _("Paused until {date}").format(date=format_date(s.end)), "pause"
        return _("Paused for now"), "pause"
    if med.begin is not None and med.begin > today:
        return _("Starts on {date}").format(date=format_date(med.begin)), "calendar"
    if status is MedicationStatus.UNKNOWN:
        return _("We do not know if you still take it."), "info"
    return _("You take it now"), "check"


INTERPRETATION: dict[Interpretation, tuple[str, str, str]] = {
    # (words, icon, theme colour role). "Reference values", not "usual": the values of
    # healthy people, not what is usual for this patient.
    Interpretation.HIGH: (N_("Above the reference values"), "higher", "problem"),
    Interpretation.LOW: (N_("Below the reference values"), "lower", "problem"),
    Interpretation.NORMAL: (N_("Within the reference values"), "normal", "success"),
    Interpretation.ABNORMAL: (N_("Outside the reference values"), "warning", "problem"),
    Interpretation.UNKNOWN: (N_("No comparison given"), "info", "text"),
}


def value_text(result: LabResult) -> str:
    if result.status is ResultStatus.CANCELLED:
        return _("Test cancelled: no result")
    if result.value is not None:
        value = format_decimal(result.value, max_decimals=3)
        text = f"{result.comparator}{value}"
    else:
        text = result.value_text or "?"
    return f"{text} {unit_text(result.unit)}".strip()


def range_text(result: LabResult) -> str:
    rng = result.reference_range
    if rng is None:
        return ""
    unit = unit_text(rng.unit or result.unit)
    if rng.low is not None and rng.high is not None:
        return (
            _("Reference values: {low} to {high} {unit}")
            .format(
                low=format_decimal(rng.low, max_decimals=3),
                high=format_decimal(rng.high, max_decimals=3),
                unit=unit,
            )
            .strip()
        )
    if rng.low is not None:
        return (
            _("Reference values: more than {low} {unit}")
            .format(low=format_decimal(rng.low, max_decimals=3), unit=unit)
            .strip()
        )
    if rng.high is not None:
        return (
            _("Reference values: less than {high} {unit}")
            .format(high=format_decimal(rng.high, max_decimals=3), unit=unit)
            .strip()
        )
    if rng.text:
        return _("Reference values: {text}").format(text=rng.text)
    return ""


def target_text(result: LabResult) -> str:
    """The patient's own target for this test, when the record gives one ("" otherwise)."""
    rng = result.target
    if rng is None:
        return ""
    unit = unit_text(rng.unit or result.unit)
    low = format_decimal(rng.low, max_decimals=3) if rng.low is not None else ""
    high = format_decimal(rng.high, max_decimals=3) if rng.high is not None else ""
    if low and high:
        text = _("Your own target: {low} to {high} {unit}").format(low=low, high=high, unit=unit)
    elif high:
        text = _("Your own target: less than {high} {unit}").format(high=high, unit=unit)
    elif low:
        text = _("Your own target: more than {low} {unit}").format(low=low, unit=unit)
    elif rng.text:
        return _("Your own target: {text}").format(text=rng.text)
    else:
        return ""
    return text.strip()


#: A trailing count after a unit or a pharmaceutical form is the number in the box:
#: "Ramipril EG 5 mg tabl. 98", "Lantus SoloStar 100 E/ml 1,5 ml 3", "Dafalgan 1 g 16".
_PACK_SIZE = re.compile(
    r"^(?P<name>.*?(?:\b(?:mg|g|µg|ug|mcg|ml|l|ie|iu|e|%|dosis|doses|e/ml|mg/ml)|\.)"
    r"(?:\s+(?:MR|LP|SR|XR|ZOC|retard))?)"  # a release form belongs to the name
    r"\s+(?:x\s*)?(?P<count>\d{1,4})$",
    re.IGNORECASE,
)


def medicine_name(name: str) -> tuple[str, int | None]:
    """(the name with its strength, the number in the box) from a medicine's name as the
    record writes it: the pack size reads as a dose ("tabl. 98") and is shown apart."""
    m = _PACK_SIZE.match(name.strip())
    if m is None:
        return name, None
    return m.group("name").strip(), int(m.group("count"))


def medicine_title(name: str) -> str:
    """A medicine's name and strength, without the number in the box."""
    return medicine_name(name)[0]


def pack_size_text(name: str) -> str:
    """ "In the box: 98" when the name holds the number in the box, else ""."""
    count = medicine_name(name)[1]
    return _("In the box: {n}").format(n=count) if count is not None else ""


def plan_source_text(medications: Sequence[Medication], today: date) -> str:
    """Where the day plan and the medicine lists come from: the record, of a date."""
    recorded = [m.recorded.date() for m in medications if m.recorded is not None]
    if recorded:
        return _("According to your record of {date}.").format(date=format_date(max(recorded)))
    return _("According to your record, read on {date}.").format(date=format_date(today))


def change_nothing_text() -> str:
    """Beside every list of medicines, on screen, aloud and on paper."""
    return _("Change nothing without your doctor or pharmacist.")


ALLERGY_KIND: dict[AllergyKind, str] = {
    AllergyKind.ALLERGY: N_("Allergy"),
    AllergyKind.INTOLERANCE: N_("Intolerance"),
    AllergyKind.ADVERSE_DRUG_REACTION: N_("Bad reaction to a medicine"),
    AllergyKind.UNKNOWN: N_("Allergy or intolerance"),
}

PROBLEM_STATUS: dict[ProblemStatus, str] = {
    ProblemStatus.ACTIVE: N_("Still there"),
    ProblemStatus.RESOLVED: N_("Over"),
    ProblemStatus.INACTIVE: N_("Not active now"),
    ProblemStatus.UNKNOWN: N_("Status not known"),
}

UNREADABLE_WHY: dict[UnreadableReason, str] = {
    UnreadableReason.NOT_PERMITTED_VALUE: N_("It holds a value that is not allowed."),
    UnreadableReason.UNEXPECTED_VALUE: N_("It holds a value we did not expect."),
    UnreadableReason.MISSING_VALUE: N_("A value is missing."),
    UnreadableReason.MALFORMED: N_("It is damaged or badly written."),
    UnreadableReason.UNSUPPORTED: N_("This program cannot show this kind of data yet."),
    UnreadableReason.ENTERED_IN_ERROR: N_(
        "Your care provider marked this entry as a mistake. It is not shown as true."
    ),
    UnreadableReason.NOT_RELEVANT: N_(
        "Your care provider marked this entry as no longer valid. It is not shown."
    ),
    UnreadableReason.OTHER_VERSION: N_(
        "It is written in another version of the health data standard. "
        "This program cannot read this part."
    ),
}


def vaccine_status_lines(v: Vaccination) -> list[str]:
    """What the record says about giving this vaccine, when it is *not* simply "given"."""
    if v.given:
        return []
    if v.status == VACCINE_NOT_GIVEN:
        lines = [_("Not given")]
        if v.status_reason:
            lines.append(_("Why: {reason}").format(reason=v.status_reason))
        return lines
    if v.status == VACCINE_DUE:
        return [_("Not given yet")]
    return [_("Your record does not say if this vaccine was given.")]


def vaccine_date_text(v: Vaccination) -> str:
    """ "Given on 3 May 2021" for a given dose; for any other, only the date of the entry."""
    if v.date is None:
        return _("Date not known")
    if v.given:
        return _("Given on {date}").format(date=format_date(v.date))
    return _("Date in the record: {date}").format(date=format_date(v.date))


def allergy_status_lines(a: Allergy) -> list[str]:
    """Whether an allergy holds: ruled out, not confirmed, not active now."""
    if a.verification is Verification.REFUTED:
        return [_("Checked by a doctor: you do not have this allergy.")]
    lines = []
    if a.verification is Verification.UNCONFIRMED:
        lines.append(_("Not confirmed yet."))
    if not a.active:
        # (a context: the French for a health problem and for an allergy differ in gender)
        lines.append(pgettext("allergy", "Not active now"))
    return lines


def problem_status_lines(p: Problem) -> list[str]:
    """The status of a health problem, and whether it was ruled out or not confirmed."""
    if p.verification is Verification.REFUTED:
        return [_("Checked by a doctor: you do not have this.")]
    lines = [_(PROBLEM_STATUS[p.status])]
    if p.verification is Verification.UNCONFIRMED:
        lines.append(_("Not confirmed yet."))
    return lines


def superseded_text() -> str:
    return _("There is a newer version of this document.")


SECTION_TITLES: dict[str, str] = {
    "medicines": N_("My medicines"),
    "vaccines": N_("My vaccines"),
    "results": N_("My results"),
    "allergies": N_("My allergies and problems"),
    "documents": N_("My documents"),
    "sharing": N_("Who can see my record"),
    "notes": N_("Questions for my doctor"),
}


def section_title(key: str) -> str:
    return _(SECTION_TITLES[key])


def record_title(patient: Patient | None) -> str:
    """ "Health record of Anna Peeters", or "My health record" when the name is not known."""
    who = patient.full_name if patient is not None else ""
    return _("Health record of {name}").format(name=who) if who else _("My health record")


#: What a part of the record says when it has nothing, by part.
NOTHING_IN: dict[str, str] = {
    "medicines": N_("Your record has no medicines."),
    "vaccines": N_("Your record has no vaccines."),
    "results": N_("Your record has no results."),
    "allergies": N_("Your record has no allergies."),
    "problems": N_("Your record has no health problems."),
    "documents": N_("Your record has no documents."),
}


def nothing_text(part: str) -> str:
    return _(NOTHING_IN[part])


def reaction_text(reaction: str) -> str:
    return _("What happens: {reaction}").format(reaction=reaction)


def consent_text(consent: ConsentStatus | None) -> str:
    """Whether the patient agreed to share their health data, as a yes / no / not known."""
    if consent is None or consent.granted is None:
        return _("We do not know if you agreed to share your health data.")
    if consent.granted:
        return _("Yes. You agreed to share your health data between your care providers.")
    return _("No. You did not agree to share your health data.")


def language_name(code: str) -> str:
    """The name of a language in the patient's language ("anglais" for "en" in French), ""
    when it has none."""
    names = current_locale().languages
    return str(names.get(primary_language(code), ""))


def written_in_text(language: str) -> str:
    """The label over a text from the record left in its own language (never translated)."""
    name = language_name(language)
    if name:
        return _("Written in {language} by your care provider:").format(language=name)
    return _("Written in another language by your care provider:")


def as_written_text(text: str, language: str = "") -> str:
    """The name as the record writes it, beside the glossary's name in the patient's language;
    ``language``: the record's language when it is not the patient's."""
    name = language_name(language) if language else ""
    if name:
        return _("In your record, in {language}: {text}").format(language=name, text=text)
    return _("In your record: {text}").format(text=text)
