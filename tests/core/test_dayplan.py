"""The day plan built from posologies (hand-made medicines; fixtures in test_dayplan_fixtures)."""

from __future__ import annotations

from datetime import date, time

from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.dayplan import MOMENTS, Moment, Rhythm, day_plan, moment_of_time, plan_row
from assistant.records.model import (
    DayPeriod,
    DoseTiming,
    Frequency,
    Medication,
    MedicationStatus,
    Suspension,
    TimeUnit,
    Weekday,
)

MONDAY = date(2026, 11, 23)


def med(name: str, *timings: DoseTiming, **kw: object) -> Medication:
    return Medication(name=name, posology=timings, **kw)  # type: ignore[arg-type]


def test_morning_and_evening_quantities() -> None:
    m = med(
        "Metformin",
        DoseTiming(period=DayPeriod.AFTER_BREAKFAST, quantity=1, unit="tablet"),
        DoseTiming(period=DayPeriod.AFTER_DINNER, quantity=2, unit="tablet"),
    )
    plan = day_plan([m], MONDAY)
    assert len(plan.today) == 1
    row = plan.today[0]
    assert row.moments == (Moment.MORNING, Moment.EVENING)
    morning = row.dose_at(Moment.MORNING)
    evening = row.dose_at(Moment.EVENING)
    assert morning is not None and morning.quantity == 1
    assert morning.periods == (DayPeriod.AFTER_BREAKFAST,)
    assert evening is not None and evening.quantity == 2 and evening.unit == "tablet"
    assert row.dose_at(Moment.NOON) is None
    assert plan.total_at(Moment.MORNING) == 1 and plan.total_at(Moment.NIGHT) == 0


def test_two_intakes_in_one_moment_are_summed() -> None:
    m = med(
        "X",
        DoseTiming(period=DayPeriod.BEFORE_BREAKFAST, quantity=1),
        DoseTiming(time_of_day=time(9, 30), quantity=0.5),
    )
    dose = plan_row(m, MONDAY).dose_at(Moment.MORNING)
    assert dose is not None and dose.quantity == 1.5
    assert dose.times == (time(9, 30),)


def test_exact_times_fall_in_the_right_column() -> None:
    assert moment_of_time(time(5, 59)) is Moment.MORNING
    assert moment_of_time(time(13, 30)) is Moment.NOON
    assert moment_of_time(time(19, 30)) is Moment.EVENING
    assert moment_of_time(time(22, 30)) is Moment.NIGHT
    assert moment_of_time(time(2, 0)) is Moment.NIGHT


def test_stopped_suspended_and_future_are_not_in_today() -> None:
    stopped = med("A", DoseTiming(period=DayPeriod.MORNING, quantity=1), end=date(2026, 1, 1))
    suspended = med(
        "B",
        DoseTiming(period=DayPeriod.MORNING, quantity=1),
        suspensions=(Suspension(begin=date(2026, 11, 1), end=date(2026, 12, 1)),),
    )
    later = med("C", DoseTiming(period=DayPeriod.MORNING, quantity=1), begin=date(2027, 1, 1))
    plan = day_plan([stopped, suspended, later], MONDAY)
    assert plan.today == []
    assert (stopped, MedicationStatus.STOPPED) in plan.not_now
    assert (suspended, MedicationStatus.SUSPENDED) in plan.not_now
    assert plan.starts_later == [later]


def test_as_needed_and_text_only() -> None:
    prn = med("Paracetamol", DoseTiming(quantity=1), as_needed=True)
    text = med("Cream", posology_text="Apply twice a day on the skin")
    plan = day_plan([prn, text], MONDAY)
    assert [r.medication for r in plan.as_needed] == [prn]
    assert [r.medication for r in plan.see_text] == [text]
    assert plan.see_text[0].rhythm is Rhythm.SEE_TEXT


def test_weekly_on_given_weekdays() -> None:
    m = med(
        "Methotrexate",
        DoseTiming(weekday=Weekday.TUESDAY, period=DayPeriod.BEFORE_BREAKFAST, quantity=2.5),
        DoseTiming(weekday=Weekday.FRIDAY, period=DayPeriod.BEFORE_BREAKFAST, quantity=2),
        frequency=Frequency(every=1, unit=TimeUnit.WEEK),
    )
    assert day_plan([m], MONDAY).today == []
    assert day_plan([m], MONDAY).other_days[0].due_today is False
    tuesday = day_plan([m], date(2026, 11, 24)).today[0]
    assert tuesday.rhythm is Rhythm.WEEKLY
    assert tuesday.weekdays == (Weekday.TUESDAY, Weekday.FRIDAY)
    dose = tuesday.dose_at(Moment.MORNING)
    assert dose is not None and dose.quantity == 2.5
    friday = day_plan([m], date(2026, 11, 27)).today[0].dose_at(Moment.MORNING)
    assert friday is not None and friday.quantity == 2


def test_every_two_days_needs_a_start() -> None:
    m = med(
        "Y",
        DoseTiming(period=DayPeriod.MORNING, quantity=1),
        frequency=Frequency(every=2, unit=TimeUnit.DAY),
        begin=date(2026, 11, 1),
    )
    assert plan_row(m, date(2026, 11, 23)).due_today is True  # 22 days after the start
    assert plan_row(m, date(2026, 11, 24)).due_today is False
    assert plan_row(m, date(2026, 11, 21)).due_today is True
    assert plan_row(m, date(2026, 11, 22)).due_today is False
    unknown = med(
        "Z",
        DoseTiming(period=DayPeriod.MORNING, quantity=1),
        frequency=Frequency(every=2, unit=TimeUnit.DAY),
    )
    row = plan_row(unknown, MONDAY)
    assert row.rhythm is Rhythm.EVERY_N_DAYS and row.every == 2 and row.due_today is None
    assert day_plan([unknown], MONDAY).other_days == [row]


def test_monthly_on_day_15() -> None:
    m = med(
        "Vitamin D",
        DoseTiming(day_number=15, period=DayPeriod.AFTER_DINNER, quantity=1),
        frequency=Frequency(every=1, unit=TimeUnit.MONTH),
    )
    assert plan_row(m, date(2026, 12, 15)).due_today is True
    assert plan_row(m, date(2026, 12, 14)).due_today is False
    assert plan_row(m, date(2026, 12, 15)).rhythm is Rhythm.MONTHLY


def test_on_a_date_and_treatment_days() -> None:
    once = med("Once", DoseTiming(on_date=date(2023, 2, 1), period=DayPeriod.MORNING, quantity=2))
    assert plan_row(once, date(2023, 2, 1)).due_today is True
    assert plan_row(once, date(2023, 2, 2)).due_today is False
    days = med(
        "Days",
        DoseTiming(day_number=1, period=DayPeriod.BEFORE_BREAKFAST, quantity=2),
        DoseTiming(day_number=2, period=DayPeriod.BEFORE_BREAKFAST, quantity=2),
        begin=date(2026, 11, 22),
    )
    assert plan_row(days, date(2026, 11, 22)).due_today is True
    assert plan_row(days, date(2026, 11, 23)).due_today is True
    assert plan_row(days, date(2026, 11, 24)).due_today is False


def test_hourly_goes_to_other() -> None:
    m = med("Drops", DoseTiming(quantity=1), frequency=Frequency(every=6, unit=TimeUnit.HOUR))
    plan = day_plan([m], MONDAY)
    assert plan.other_days[0].rhythm is Rhythm.SEVERAL_TIMES_A_DAY


def test_every_meal_is_three_moments() -> None:
    m = med("Enzymes", DoseTiming(period=DayPeriod.DURING_MEAL, quantity=1))
    assert plan_row(m, MONDAY).moments == (Moment.MORNING, Moment.NOON, Moment.EVENING)


timings = st.builds(
    DoseTiming,
    period=st.one_of(st.none(), st.sampled_from(list(DayPeriod))),
    time_of_day=st.one_of(st.none(), st.times()),
    quantity=st.one_of(st.none(), st.floats(0.25, 10)),
    weekday=st.one_of(st.none(), st.sampled_from(list(Weekday))),
    day_number=st.one_of(st.none(), st.integers(1, 31)),
)
meds = st.builds(
    Medication,
    name=st.text(min_size=1, max_size=5),
    posology=st.lists(timings, max_size=5).map(tuple),
    frequency=st.one_of(
        st.none(),
        st.builds(Frequency, every=st.integers(1, 4), unit=st.sampled_from(list(TimeUnit))),
    ),
    as_needed=st.booleans(),
    begin=st.one_of(st.none(), st.dates(date(2020, 1, 1), date(2030, 1, 1))),
    end=st.one_of(st.none(), st.dates(date(2020, 1, 1), date(2030, 1, 1))),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(meds, max_size=6), st.dates(date(2020, 1, 1), date(2030, 1, 1)))
def test_every_medicine_lands_in_exactly_one_group(ms: list[Medication], day: date) -> None:
    plan = day_plan(ms, day)
    placed = [r.medication for r in plan.rows()] + [m for m, _ in plan.not_now]
    placed += plan.starts_later
    assert sorted(map(id, placed)) == sorted(map(id, ms))
    for row in plan.today:
        assert row.doses and all(m in MOMENTS for m in row.moments)
