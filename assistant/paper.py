"""The paper copy of the record, and the plain words both the screens and the paper use.

Words: day periods, rhythms, statuses, result interpretations — English Easy Read msgids
translated at call time. The paper copy is HTML in the patient's language, in large type, with
the date and "This is a copy for you"; the UI prints it with Qt (QPrinter / PDF).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime

from babel.dates import get_day_names

from assistant.dayplan import MOMENTS, DayKey, Dose, Moment, PlanRow, Rhythm, day_plan
from assistant.glossary import explain_specific, explain_unit
from assistant.i18n import (
    N_,
    _,
    current_locale_name,
    format_date,
    format_decimal,
    format_time,
    ngettext,
)
from assistant.records.model import (
    AllergyKind,
    Coding,
    DayPeriod,
    Interpretation,
    LabResult,
    Medication,
    MedicationStatus,
    ProblemStatus,
    Record,
    ResultStatus,
    UnreadableReason,
    Weekday,
)

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
    # (words, icon, theme colour role)
    Interpretation.HIGH: (N_("Higher than usual"), "higher", "problem"),
    Interpretation.LOW: (N_("Lower than usual"), "lower", "problem"),
    Interpretation.NORMAL: (N_("Normal"), "normal", "success"),
    Interpretation.ABNORMAL: (N_("Not as usual"), "warning", "problem"),
    Interpretation.UNKNOWN: (N_("No comparison given"), "info", "text"),
}


def value_text(result: LabResult) -> str:
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
            _("Usual values: {low} to {high} {unit}")
            .format(
                low=format_decimal(rng.low, max_decimals=3),
                high=format_decimal(rng.high, max_decimals=3),
                unit=unit,
            )
            .strip()
        )
    if rng.low is not None:
        return (
            _("Usual values: more than {low} {unit}")
            .format(low=format_decimal(rng.low, max_decimals=3), unit=unit)
            .strip()
        )
    if rng.high is not None:
        return (
            _("Usual values: less than {high} {unit}")
            .format(high=format_decimal(rng.high, max_decimals=3), unit=unit)
            .strip()
        )
    if rng.text:
        return _("Usual values: {text}").format(text=rng.text)
    return ""


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
}


# --------------------------------------------------------------------------------------------
# The paper copy

#: Sections of the paper copy, in order.
PAPER_SECTIONS: tuple[str, ...] = (
    "medicines",
    "vaccines",
    "results",
    "allergies",
    "documents",
    "sharing",
    "notes",
)

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


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _p(text: str) -> str:
    return f"<p>{_e(text)}</p>" if text else ""


#: Image addresses the paper copy uses for scannable codes; the printing side draws them.
QR_SCHEME = "qr:"
#: Printed size of a code in document pixels (about 4 cm on A4: a phone scans it at arm's length).
QR_PRINT_PX = 150


def qr_img(text: str) -> str:
    """An image tag for a scannable code of ``text`` (resolved by the printer's document)."""
    url = html.escape(QR_SCHEME + text, quote=True)
    return f'<p><img src="{url}" width="{QR_PRINT_PX}" height="{QR_PRINT_PX}"></p>'


def qr_payloads(page_html: str) -> list[str]:
    """The texts of every scannable code in a paper copy, in order."""
    return [html.unescape(m) for m in re.findall(r'<img src="qr:([^"]*)"', page_html)]


def _table(head: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    out = ['<table border="1" cellspacing="0" cellpadding="6" width="100%">', "<tr>"]
    out += [f'<th align="left">{_e(h)}</th>' for h in head]
    out.append("</tr>")
    for row in rows:
        out.append("<tr>" + "".join(f"<td>{_e(c)}</td>" for c in row) + "</tr>")
    out.append("</table>")
    return "".join(out)


def _medicines_html(record: Record, day: date) -> str:
    plan = day_plan(record.medications, day)
    parts: list[str] = []
    if not record.medications and not record.prescriptions:
        return _p(_("Your record has no medicines."))
    if plan.today:
        parts.append(
            f"<h3>{_e(_('What to take today, {date}').format(date=format_date(day)))}</h3>"
        )
        rows = []
        for row in plan.today:
            cells = [row.medication.name]
            for m in MOMENTS:
                dose = row.dose_at(m)
                cells.append(dose_text(dose) if dose is not None else "—")
            rows.append(cells)
        parts.append(_table([_("Medicine"), *(moment_word(m) for m in MOMENTS)], rows))
    others = [*plan.other_days, *plan.as_needed, *plan.see_text]
    if others:
        parts.append(f"<h3>{_e(_('Not every day, or only when needed'))}</h3>")
        for row in others:
            how = ". ".join([*schedule_lines(row), row.medication.posology_text]).strip(". ")
            parts.append(_p(_("{name}: {how}").format(name=row.medication.name, how=how)))
    if record.prescriptions:
        parts.append(f"<h3>{_e(_('Prescriptions to collect at the pharmacy'))}</h3>")
        for pr in record.prescriptions:
            parts.append(
                _p(
                    _("{name}: code for the pharmacist {rid}").format(
                        name=pr.medication, rid=pr.rid
                    )
                )
            )
            parts.append(qr_img(pr.rid))
    parts.append(f"<h3>{_e(_('All my medicines'))}</h3>")
    for med in record.medications:
        status, _icon = status_text(med, day)
        parts.append(_p(_("{name}: {status}").format(name=med.name, status=status)))
    return "".join(parts)


def _vaccines_html(record: Record) -> str:
    if not record.vaccinations:
        return _p(_("Your record has no vaccines."))
    rows = []
    for v in sorted(record.vaccinations, key=lambda v: v.date or date.min, reverse=True):
        rows.append(
            [
                v.vaccine,
                format_date(v.date) if v.date else _("Date not known"),
                format_date(v.next_due) if v.next_due else "",
            ]
        )
    return _table([_("Vaccine"), _("Date"), _("Next dose")], rows)


def latest_results(record: Record) -> list[LabResult]:
    """The newest result of each test that the patient may see."""
    seen: dict[str, LabResult] = {}
    for r in sorted(
        record.lab_results,
        key=lambda r: r.date.replace(tzinfo=None) if r.date else datetime.min,
        reverse=True,
    ):
        if r.status is ResultStatus.HELD_BACK:
            continue
        key = next((c.code for c in r.codings if "loinc" in c.system.lower()), r.test_name)
        seen.setdefault(key, r)
    return list(seen.values())


def _results_html(record: Record) -> str:
    latest = latest_results(record)
    if not latest:
        return _p(_("Your record has no results."))
    rows = [
        [
            r.test_name,
            value_text(r),
            range_text(r),
            _(INTERPRETATION[r.level][0]),
            format_date(r.date) if r.date else "",
        ]
        for r in latest
    ]
    return _table(
        [_("Test"), _("Result"), _("Usual values"), _("Compared to usual"), _("Date")], rows
    )


def _allergies_html(record: Record) -> str:
    parts = [f"<h3>{_e(_('Allergies and bad reactions'))}</h3>"]
    if not record.allergies:
        parts.append(_p(_("Your record has no allergies.")))
    for a in record.allergies:
        line = f"{a.substance}: {_(ALLERGY_KIND[a.kind])}"
        if a.reaction:
            line += ". " + _("What happens: {reaction}").format(reaction=a.reaction)
        parts.append(_p(line))
    parts.append(f"<h3>{_e(_('Health problems'))}</h3>")
    if not record.problems:
        parts.append(_p(_("Your record has no health problems.")))
    for pb in record.problems:
        parts.append(_p(f"{pb.name}: {_(PROBLEM_STATUS[pb.status])}"))
    return "".join(parts)


def _documents_html(record: Record) -> str:
    if not record.documents:
        return _p(_("Your record has no documents."))
    rows = [
        [d.title, d.kind, d.author, format_date(d.date) if d.date else ""]
        for d in sorted(
            record.documents,
            key=lambda d: d.date.replace(tzinfo=None) if d.date else datetime.min,
            reverse=True,
        )
    ]
    return _table([_("Document"), _("Kind"), _("Written by"), _("Date")], rows)


def _sharing_html(record: Record) -> str:
    consent = record.consent
    if consent is None or consent.granted is None:
        status = _("We do not know if you agreed to share your health data.")
    elif consent.granted:
        status = _("Yes. You agreed to share your health data between your care providers.")
    else:
        status = _("No. You did not agree to share your health data.")
    parts = [_p(status)]
    if record.relations:
        parts.append(f"<h3>{_e(_('Care providers who treat you'))}</h3>")
        parts += [
            _p(", ".join(x for x in (r.name, r.role, r.organisation) if x))
            for r in record.relations
        ]
    if record.exclusions:
        parts.append(f"<h3>{_e(_('People you keep out'))}</h3>")
        parts += [_p(", ".join(x for x in (e.who, e.organisation) if x)) for e in record.exclusions]
    if record.access_log:
        parts.append(f"<h3>{_e(_('Who looked at my record'))}</h3>")
        rows = [
            [format_date(e.when) if e.when else "", e.who, e.organisation, e.what]
            for e in sorted(
                record.access_log,
                key=lambda e: e.when.replace(tzinfo=None) if e.when else datetime.min,
                reverse=True,
            )[:40]
        ]
        parts.append(_table([_("Date"), _("Who"), _("Where"), _("What")], rows))
    return "".join(parts)


def _notes_html(notes: Sequence[tuple[str, str]]) -> str:
    if not notes:
        return _p(_("You have not written any questions yet."))
    parts = []
    for key, text in notes:
        title = section_title(key) if key in SECTION_TITLES else _("Other questions")
        parts.append(f"<h3>{_e(title)}</h3>")
        parts += [_p(line) for line in text.splitlines() if line.strip()]
    return "".join(parts)


def paper_html(
    record: Record,
    sections: Sequence[str] = PAPER_SECTIONS,
    *,
    day: date | None = None,
    notes: Sequence[tuple[str, str]] = (),
    base_points: float = 16.0,
) -> str:
    """The paper copy as HTML in the current language (large type; headings per section)."""
    day = day or date.today()
    who = record.patient.full_name if record.patient is not None else ""
    title = _("My health record") if not who else _("Health record of {name}").format(name=who)
    parts = [
        '<html><head><meta charset="utf-8"><style>',
        f"body {{ font-size: {base_points:.0f}pt; }}",
        f"h1 {{ font-size: {base_points * 1.6:.0f}pt; }}",
        f"h2 {{ font-size: {base_points * 1.3:.0f}pt; }}",
        f"h3 {{ font-size: {base_points * 1.1:.0f}pt; }}",
        "</style></head><body>",
        f"<h1>{_e(title)}</h1>",
        _p(_("This is a copy for you. It is not an official document.")),
        _p(_("Made on {date}.").format(date=format_date(day))),
    ]
    for key in sections:
        parts.append(f"<h2>{_e(section_title(key))}</h2>")
        if key == "medicines":
            parts.append(_medicines_html(record, day))
        elif key == "vaccines":
            parts.append(_vaccines_html(record))
        elif key == "results":
            parts.append(_results_html(record))
        elif key == "allergies":
            parts.append(_allergies_html(record))
        elif key == "documents":
            parts.append(_documents_html(record))
        elif key == "sharing":
            parts.append(_sharing_html(record))
        elif key == "notes":
            parts.append(_notes_html(notes))
    if record.unreadable:
        parts.append(f"<h2>{_e(_('Parts we could not read'))}</h2>")
        n = len(record.unreadable)
        parts.append(
            _p(
                ngettext(
                    "{n} part of your record could not be read. Ask your doctor about it.",
                    "{n} parts of your record could not be read. Ask your doctor about them.",
                    n,
                ).format(n=n)
            )
        )
    parts.append(_p(_("Questions? Ask your family doctor or your pharmacist.")))
    parts.append("</body></html>")
    return "".join(parts)
