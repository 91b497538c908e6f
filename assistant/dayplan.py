"""The day plan: which medicine to take in the morning, at noon, in the evening and at night.

Built from the medication scheme's posology (day periods, exact times, quantities, rhythm). The
plan has four moments, like the paper schemes Belgian pharmacists hand out; the finer day period
("before breakfast", "at 07:30") is kept as a hint. Medicines that are not taken every day, only
when needed, or whose posology is only free text are kept in their own groups so nothing is
silently dropped. Headless: the UI draws it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, time
from enum import Enum

from assistant.records.model import (
    Coding,
    DayPeriod,
    DoseTiming,
    Frequency,
    Medication,
    MedicationStatus,
    SourceKind,
    TimeUnit,
    Weekday,
)


class Moment(Enum):
    """The four columns of the day plan."""

    MORNING = "morning"
    NOON = "noon"
    EVENING = "evening"
    NIGHT = "night"


MOMENTS: tuple[Moment, ...] = (Moment.MORNING, Moment.NOON, Moment.EVENING, Moment.NIGHT)

_PERIOD_MOMENT: dict[DayPeriod, Moment] = {
    DayPeriod.MORNING: Moment.MORNING,
    DayPeriod.WAKE: Moment.MORNING,
    DayPeriod.BEFORE_BREAKFAST: Moment.MORNING,
    DayPeriod.DURING_BREAKFAST: Moment.MORNING,
    DayPeriod.AFTER_BREAKFAST: Moment.MORNING,
    DayPeriod.BETWEEN_BREAKFAST_AND_LUNCH: Moment.MORNING,
    DayPeriod.NOON: Moment.NOON,
    DayPeriod.BEFORE_LUNCH: Moment.NOON,
    DayPeriod.DURING_LUNCH: Moment.NOON,
    DayPeriod.AFTER_LUNCH: Moment.NOON,
    DayPeriod.AFTERNOON: Moment.NOON,
    DayPeriod.BETWEEN_LUNCH_AND_DINNER: Moment.NOON,
    DayPeriod.EVENING: Moment.EVENING,
    DayPeriod.BEFORE_DINNER: Moment.EVENING,
    DayPeriod.DURING_DINNER: Moment.EVENING,
    DayPeriod.AFTER_DINNER: Moment.EVENING,
    DayPeriod.BETWEEN_DINNER_AND_SLEEP: Moment.EVENING,
    DayPeriod.NIGHT: Moment.NIGHT,
    DayPeriod.BEDTIME: Moment.NIGHT,
}

#: Day periods tied to "a meal" without saying which: taken at every meal (3 moments).
_EVERY_MEAL: dict[DayPeriod, tuple[Moment, ...]] = {
    DayPeriod.BEFORE_MEAL: (Moment.MORNING, Moment.NOON, Moment.EVENING),
    DayPeriod.DURING_MEAL: (Moment.MORNING, Moment.NOON, Moment.EVENING),
    DayPeriod.AFTER_MEAL: (Moment.MORNING, Moment.NOON, Moment.EVENING),
    DayPeriod.BETWEEN_MEALS: (Moment.MORNING, Moment.NOON),
}


def moment_of_time(t: time) -> Moment:
    """The column for an exact time: 04:00–10:59 morning, 11:00–15:59 noon,
    16:00–20:59 evening, 21:00–03:59 night."""
    if 4 <= t.hour < 11:
        return Moment.MORNING
    if 11 <= t.hour < 16:
        return Moment.NOON
    if 16 <= t.hour < 21:
        return Moment.EVENING
    return Moment.NIGHT


def moments_of(timing: DoseTiming) -> tuple[Moment, ...]:
    """The plan columns of one intake (empty when the intake gives no moment of the day)."""
    if timing.period is not None:
        if timing.period in _PERIOD_MOMENT:
            return (_PERIOD_MOMENT[timing.period],)
        return _EVERY_MEAL.get(timing.period, ())
    if timing.time_of_day is not None:
        return (moment_of_time(timing.time_of_day),)
    return ()


class Rhythm(Enum):
    """How often a medicine is taken, as the plan explains it."""

    DAILY = "daily"
    EVERY_N_DAYS = "every_n_days"
    WEEKLY = "weekly"
    MONTHLY = "monthly"
    YEARLY = "yearly"
    SOME_DATES = "some_dates"
    SEVERAL_TIMES_A_DAY = "several_times_a_day"  # every N hours / minutes
    AS_NEEDED = "as_needed"
    SEE_TEXT = "see_text"  # only free text, or nothing structured


@dataclass(frozen=True, slots=True)
class Dose:
    """What to take at one moment: the summed quantity and the finer hints."""

    quantity: float | None
    quantity_text: str = ""
    unit: str = ""
    unit_coding: Coding | None = None
    periods: tuple[DayPeriod, ...] = ()
    times: tuple[time, ...] = ()


#: Which day an intake belongs to: a weekday, a day number of the cycle, or a date.
DayKey = Weekday | int | date


def day_key(t: DoseTiming) -> DayKey | None:
    if t.on_date is not None:
        return t.on_date
    if t.weekday is not None:
        return t.weekday
    return t.day_number


def _key_order(key: DayKey) -> tuple[int, int]:
    if isinstance(key, Weekday):
        return (0, key.value)
    if isinstance(key, date):
        return (2, key.toordinal())
    return (1, key)


@dataclass(frozen=True, slots=True)
class PlanRow:
    """One medicine in the plan."""

    medication: Medication
    rhythm: Rhythm
    doses: tuple[tuple[Moment, Dose], ...] = ()
    every: float = 1
    weekdays: tuple[Weekday, ...] = ()
    day_numbers: tuple[int, ...] = ()
    dates: tuple[date, ...] = ()
    times_per_day: int | None = None
    due_today: bool | None = None  # None: cannot tell (e.g. no start date for "every 2 days")
    #: Intakes that differ from one day to another ("day 1: ...; day 2: ..."), in order.
    by_day: tuple[tuple[DayKey, tuple[tuple[Moment, Dose], ...]], ...] = ()

    def dose_at(self, moment: Moment) -> Dose | None:
        for m, dose in self.doses:
            if m is moment:
                return dose
        return None

    @property
    def moments(self) -> tuple[Moment, ...]:
        return tuple(m for m, _ in self.doses)


@dataclass
class DayPlan:
    """The plan for one day."""

    day: date
    today: list[PlanRow] = field(default_factory=list)  # taken today at set moments
    other_days: list[PlanRow] = field(default_factory=list)  # not every day, not today / unknown
    as_needed: list[PlanRow] = field(default_factory=list)
    see_text: list[PlanRow] = field(default_factory=list)  # no structured posology
    not_now: list[tuple[Medication, MedicationStatus]] = field(default_factory=list)
    starts_later: list[Medication] = field(default_factory=list)

    def rows(self) -> list[PlanRow]:
        return [*self.today, *self.other_days, *self.as_needed, *self.see_text]

    def total_at(self, moment: Moment) -> int:
        """How many medicines to take at ``moment`` today."""
        return sum(1 for r in self.today if r.dose_at(moment) is not None)


def _frequency_rhythm(freq: Frequency | None) -> tuple[Rhythm, float]:
    if freq is None:
        return Rhythm.DAILY, 1
    every = freq.every if freq.every else 1
    if freq.unit in (TimeUnit.MINUTE, TimeUnit.HOUR):
        return Rhythm.SEVERAL_TIMES_A_DAY, every
    if freq.unit is TimeUnit.DAY:
        if freq.weekdays:
            return Rhythm.WEEKLY, 1
        return (Rhythm.DAILY, 1) if every == 1 else (Rhythm.EVERY_N_DAYS, every)
    if freq.unit is TimeUnit.WEEK:
        return Rhythm.WEEKLY, every
    if freq.unit is TimeUnit.MONTH:
        return Rhythm.MONTHLY, every
    return Rhythm.YEARLY, every


def _sum_doses(timings: Iterable[DoseTiming]) -> tuple[tuple[Moment, Dose], ...]:
    by_moment: dict[Moment, list[DoseTiming]] = {}
    for t in timings:
        for m in moments_of(t):
            by_moment.setdefault(m, []).append(t)
    out: list[tuple[Moment, Dose]] = []
    for m in MOMENTS:
        group = by_moment.get(m)
        if not group:
            continue
        numbers = [t.quantity for t in group]
        quantity: float | None = None
        if all(q is not None for q in numbers):
            quantity = sum(q for q in numbers if q is not None)
        texts = [t.quantity_text for t in group if t.quantity_text]
        units = [t.unit for t in group if t.unit]
        unit_codings = [t.unit_coding for t in group if t.unit_coding is not None]
        periods = tuple(dict.fromkeys(t.period for t in group if t.period is not None))
        times = tuple(sorted({t.time_of_day for t in group if t.time_of_day is not None}))
        out.append(
            (
                m,
                Dose(
                    quantity=quantity,
                    quantity_text=" + ".join(texts) if quantity is None else "",
                    unit=units[0] if units else "",
                    unit_coding=unit_codings[0] if unit_codings else None,
                    periods=periods,
                    times=times,
                ),
            )
        )
    return tuple(out)


def _weeks_between(start: date, day: date) -> int:
    return (day - start).days // 7


def _months_between(start: date, day: date) -> int:
    return (day.year - start.year) * 12 + day.month - start.month


def _timing_applies(
    t: DoseTiming, med: Medication, rhythm: Rhythm, every: float, day: date
) -> bool | None:
    """Whether one intake falls on ``day``; None when it cannot be told."""
    begin = med.begin
    if t.on_date is not None:
        return t.on_date == day
    if t.weekday is not None:
        if t.weekday.value != day.isoweekday():
            return False
        if rhythm is Rhythm.WEEKLY and every != 1:
            return None if begin is None else _weeks_between(begin, day) % int(every) == 0
        return True
    if t.day_number is not None:
        if rhythm is Rhythm.MONTHLY:
            if day.day != t.day_number:
                return False
            if every != 1:
                return None if begin is None else _months_between(begin, day) % int(every) == 0
            return True
        if begin is None:
            return None
        cycle = _cycle_days(rhythm, every)
        offset = (day - begin).days
        if offset < 0:
            return False
        if cycle is None:
            return offset == t.day_number - 1
        return offset % cycle == (t.day_number - 1) % cycle
    return None


def _cycle_days(rhythm: Rhythm, every: float) -> int | None:
    if rhythm is Rhythm.EVERY_N_DAYS:
        return max(1, round(every))
    if rhythm is Rhythm.WEEKLY:
        return 7 * max(1, round(every))
    return None


def _rhythm_applies(med: Medication, rhythm: Rhythm, every: float, day: date) -> bool | None:
    """Whether a medicine without per-intake dates falls on ``day``."""
    begin = med.begin
    freq = med.frequency
    if freq is not None and freq.weekdays:
        if day.isoweekday() not in {w.value for w in freq.weekdays}:
            return False
        if rhythm is Rhythm.WEEKLY and every != 1:
            return None if begin is None else _weeks_between(begin, day) % int(every) == 0
        return True
    if begin is None:
        return None
    if day < begin:
        return False
    if rhythm is Rhythm.EVERY_N_DAYS:
        return (day - begin).days % max(1, round(every)) == 0
    if rhythm is Rhythm.WEEKLY:
        days = 7 * max(1, round(every))
        return (day - begin).days % days == 0
    if rhythm is Rhythm.MONTHLY:
        return day.day == begin.day and _months_between(begin, day) % max(1, int(every)) == 0
    if rhythm is Rhythm.YEARLY:
        same = (day.month, day.day) == (begin.month, begin.day)
        return same and (day.year - begin.year) % max(1, int(every)) == 0
    return None


def _once_without_frequency(med: Medication) -> bool:
    """KMEHR medication schemes say "no frequency" for a one-time intake; FHIR dosages
    without a repeat frequency are usually daily, so the rule only applies to KMEHR."""
    return med.source is not None and med.source.kind is SourceKind.KMEHR_FILE


def plan_row(med: Medication, day: date) -> PlanRow:
    """Place one medicine: its rhythm, its doses per moment, and whether it is due on ``day``."""
    rhythm, every = _frequency_rhythm(med.frequency)
    weekdays = tuple(dict.fromkeys(t.weekday for t in med.posology if t.weekday is not None))
    if med.frequency is not None and med.frequency.weekdays:
        weekdays = tuple(dict.fromkeys((*med.frequency.weekdays, *weekdays)))
    day_numbers = tuple(sorted({t.day_number for t in med.posology if t.day_number is not None}))
    dates = tuple(sorted({t.on_date for t in med.posology if t.on_date is not None}))
    times_per_day = med.frequency.times if med.frequency is not None else None
    base = PlanRow(
        med,
        rhythm,
        (),
        every=every,
        weekdays=weekdays,
        day_numbers=day_numbers,
        dates=dates,
        times_per_day=times_per_day,
    )
    if med.as_needed:
        return replace(base, rhythm=Rhythm.AS_NEEDED, doses=_sum_doses(med.posology))
    if rhythm is Rhythm.SEVERAL_TIMES_A_DAY:
        return replace(base, doses=_sum_doses(med.posology))
    dated = [t for t in med.posology if t.on_date or t.weekday or t.day_number is not None]
    if dated:
        if rhythm is Rhythm.DAILY:
            # Day numbers without a rhythm count the days of the treatment (day 1 = begin).
            weekly = all(t.weekday for t in dated)
            rhythm = Rhythm.WEEKLY if weekly else Rhythm.SOME_DATES
        verdicts = [_timing_applies(t, med, rhythm, every, day) for t in med.posology]
        todays = [t for t, v in zip(med.posology, verdicts, strict=True) if v]
        due: bool | None
        if todays:
            due = True
        elif any(v is None for v in verdicts):
            due = None
        else:
            due = False
        groups: dict[DayKey, list[DoseTiming]] = {}
        for t in dated:
            key = day_key(t)
            assert key is not None
            groups.setdefault(key, []).append(t)
        by_day = tuple((key, _sum_doses(groups[key])) for key in sorted(groups, key=_key_order))
        if todays:
            doses = _sum_doses(todays)
        elif len(groups) == 1:
            doses = by_day[0][1]
        else:
            doses = ()  # different days take different doses: see by_day
        return replace(base, rhythm=rhythm, every=every, doses=doses, due_today=due, by_day=by_day)
    doses = _sum_doses(med.posology)
    if doses and med.frequency is None and _once_without_frequency(med):
        # KMEHR: a regimen without a frequency is taken once, on the start date.
        once = (med.begin,) if med.begin is not None else ()
        due = None if med.begin is None else med.begin == day
        return replace(base, rhythm=Rhythm.SOME_DATES, dates=once, doses=doses, due_today=due)
    if not doses:
        # No intake times: keep the rhythm when the scheme gives one ("every 8 days").
        return replace(base, rhythm=Rhythm.SEE_TEXT if med.frequency is None else rhythm)
    if rhythm is Rhythm.DAILY:
        return replace(base, doses=doses, due_today=True)
    return replace(base, doses=doses, due_today=_rhythm_applies(med, rhythm, every, day))


def day_plan(medications: Iterable[Medication], day: date) -> DayPlan:
    """The plan for ``day``: every medicine lands in exactly one group."""
    plan = DayPlan(day=day)
    for med in medications:
        status = med.status_on(day)
        if status in (MedicationStatus.STOPPED, MedicationStatus.SUSPENDED):
            plan.not_now.append((med, status))
            continue
        if med.begin is not None and day < med.begin:
            plan.starts_later.append(med)
            continue
        row = plan_row(med, day)
        if row.rhythm is Rhythm.AS_NEEDED:
            plan.as_needed.append(row)
        elif row.rhythm is Rhythm.SEVERAL_TIMES_A_DAY:
            plan.other_days.append(row)
        elif row.rhythm is Rhythm.SEE_TEXT or not (row.doses or any(d for _k, d in row.by_day)):
            plan.see_text.append(row)
        elif row.due_today and row.doses:
            plan.today.append(row)
        else:
            plan.other_days.append(row)
    return plan
