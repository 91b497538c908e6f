"""The day plan for the public medication-scheme fixtures (TS-02, TS-04, TS-06, TS-13, ...).

Expected quantities per moment are computed here straight from the KMEHR XML with
ElementTree (a separate, simple reading of the regimen), then compared with what the record
layer + day plan produce. The FHIR version of each scheme must give the same plan.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date, time
from pathlib import Path

import pytest

from assistant.dayplan import MOMENTS, Moment, Rhythm, day_plan, plan_row
from assistant.records.files import open_record_file
from assistant.records.model import Medication, Weekday
from tests.support.fixtures import FIXTURES

KMEHR = FIXTURES / "kmehr" / "medication-scheme"
FHIR = FIXTURES / "fhir" / "medication-scheme"
NS = "{http://www.ehealth.fgov.be/standards/kmehr/schema/v1}"

#: CD-DAYPERIOD -> plan column, as on the paper schemes Belgian pharmacists hand out.
PERIOD_COLUMN = {
    "morning": Moment.MORNING,
    "wake": Moment.MORNING,
    "beforebreakfast": Moment.MORNING,
    "duringbreakfast": Moment.MORNING,
    "afterbreakfast": Moment.MORNING,
    "betweenbreakfastandlunch": Moment.MORNING,
    "midday": Moment.NOON,
    "beforelunch": Moment.NOON,
    "duringlunch": Moment.NOON,
    "afterlunch": Moment.NOON,
    "afternoon": Moment.NOON,
    "betweenlunchanddinner": Moment.NOON,
    "evening": Moment.EVENING,
    "beforedinner": Moment.EVENING,
    "duringdinner": Moment.EVENING,
    "afterdinner": Moment.EVENING,
    "betweendinnerandsleep": Moment.EVENING,
    "night": Moment.NIGHT,
    "thehourofsleep": Moment.NIGHT,
}


def time_column(t: time) -> Moment:
    hour = t.hour
    return (
        Moment.MORNING
        if 4 <= hour < 11
        else Moment.NOON
        if hour < 16
        else Moment.EVENING
        if 16 <= hour < 21
        else Moment.NIGHT
    )


def xml_intakes(path: Path) -> list[list[tuple[str, Moment, float]]]:
    """Per medication item, in file order: (day key, column, quantity) of every intake."""
    out: list[list[tuple[str, Moment, float]]] = []
    items = [
        item
        for tx in ET.parse(path).iter(f"{NS}transaction")
        if any(
            c.text == "medicationschemeelement"
            for c in tx.findall(f"{NS}cd")
            if c.get("S") == "CD-TRANSACTION"
        )
        for item in tx.findall(f"{NS}item")
    ]
    for item in items:
        kinds = [c.text for c in item.findall(f"{NS}cd") if c.get("S") == "CD-ITEM"]
        if "medication" not in kinds:
            continue
        intakes: list[tuple[str, Moment, float]] = []
        regimen = item.find(f"{NS}regimen")
        if regimen is not None:
            day = ""
            column: Moment | None = None
            for child in regimen:
                tag = child.tag.removeprefix(NS)
                if tag in ("daynumber", "date"):
                    day = f"{tag}:{''.join(child.itertext()).strip()}"
                elif tag == "weekday":
                    day = f"weekday:{''.join(child.itertext()).strip()}"
                elif tag == "daytime":
                    cd = child.find(f"{NS}dayperiod/{NS}cd")
                    tm = child.find(f"{NS}time")
                    if cd is not None and cd.text in PERIOD_COLUMN:
                        column = PERIOD_COLUMN[cd.text]
                    elif tm is not None and tm.text:
                        column = time_column(time.fromisoformat(tm.text))
                    else:
                        column = None
                elif tag == "quantity" and column is not None:
                    decimal = child.find(f"{NS}decimal")
                    if decimal is not None and decimal.text:
                        intakes.append((day, column, float(decimal.text)))
        out.append(intakes)
    return out


def expected_per_day(intakes: list[tuple[str, Moment, float]]) -> dict[str, dict[Moment, float]]:
    per_day: dict[str, dict[Moment, float]] = {}
    for day, column, qty in intakes:
        cols = per_day.setdefault(day, {})
        cols[column] = cols.get(column, 0.0) + qty
    return per_day


def plan_per_day(med: Medication, day: date) -> dict[str, dict[Moment, float]]:
    row = plan_row(med, day)
    if row.by_day:
        out: dict[str, dict[Moment, float]] = {}
        for key, doses in row.by_day:
            if isinstance(key, Weekday):
                label = f"weekday:{key.name.lower()}"
            elif isinstance(key, date):
                label = f"date:{key.isoformat()}"
            else:
                label = f"daynumber:{key}"
            out[label] = {m: d.quantity or 0.0 for m, d in doses}
        return out
    if not row.doses:
        return {}
    return {"": {m: d.quantity or 0.0 for m, d in row.doses}}


SCHEMES = [
    "TS-02-posologies",
    "TS-04-CD-DAYPERIOD",
    "TS-06-CD-PERIODICITY",
    "TS-13-duration",
    "TS-08-THERAPEUTIC_SUSPENSIONS",
    "TS-14-CD-TEMPORALITY",
    "RIZIV_01",
    "IMEC_01",
]
DAY = date(2026, 11, 24)  # a Tuesday


@pytest.mark.parametrize("scheme", SCHEMES)
def test_plan_quantities_match_the_xml_regimen(scheme: str) -> None:
    path = KMEHR / f"{scheme}.xml"
    record = open_record_file(path)
    expected = xml_intakes(path)
    assert len(record.medications) == len(expected)
    for med, intakes in zip(record.medications, expected, strict=True):
        want = expected_per_day(intakes)
        got = plan_per_day(med, DAY)
        if all(day == "" for day in want):
            assert got == want, med.name
        else:
            assert {k: v for k, v in got.items()} == want, med.name


@pytest.mark.parametrize("scheme", SCHEMES)
def test_fhir_and_kmehr_give_the_same_plan(scheme: str) -> None:
    kmehr = open_record_file(KMEHR / f"{scheme}.xml")
    fhir = open_record_file(FHIR / f"{scheme}.json")
    a = day_plan(kmehr.medications, DAY)
    b = day_plan(fhir.medications, DAY)

    def summary(plan_rows: list) -> list[tuple[str, tuple[tuple[str, float | None], ...]]]:
        return sorted(
            (r.medication.name, tuple((m.value, d.quantity) for m, d in r.doses)) for r in plan_rows
        )

    assert summary(a.today) == summary(b.today)

    def placed(plan: object) -> list[str]:
        assert isinstance(plan, type(a))
        names = [r.medication.name for r in plan.rows()]
        names += [m.name for m, _s in plan.not_now] + [m.name for m in plan.starts_later]
        return sorted(names)

    assert placed(a) == placed(b)


def test_ts02_named_posologies() -> None:
    meds = {m.name: m for m in open_record_file(KMEHR / "TS-02-posologies.xml").medications}
    five_times = plan_row(meds["Drug n°10"], DAY)
    assert five_times.rhythm is Rhythm.DAILY
    assert [(m, d.quantity) for m, d in five_times.doses] == [
        (Moment.MORNING, 2.0),  # 05:59 and 07:30
        (Moment.NOON, 1.0),
        (Moment.EVENING, 1.0),
        (Moment.NIGHT, 1.0),  # 22:30
    ]
    four_meals = plan_row(meds["Drug n°11"], DAY)
    assert four_meals.moments == MOMENTS
    weekly = plan_row(meds["Drug n°14"], DAY)
    assert weekly.rhythm is Rhythm.WEEKLY and weekly.due_today is True
    dose = weekly.dose_at(Moment.MORNING)
    assert dose is not None and dose.quantity == 2.5  # Tuesday's dose
    friday = plan_row(meds["Drug n°14"], date(2026, 11, 27)).dose_at(Moment.MORNING)
    assert friday is not None and friday.quantity == 2.0
    monthly = plan_row(meds["Drug n°13"], date(2026, 12, 15))
    assert monthly.rhythm is Rhythm.MONTHLY and monthly.due_today is True
    assert plan_row(meds["Drug n°13"], DAY).due_today is False


def test_ts04_fourteen_day_periods_on_fourteen_days() -> None:
    (med,) = open_record_file(KMEHR / "TS-04-CD-DAYPERIOD.xml").medications
    row = plan_row(med, DAY)
    assert len(row.by_day) == 14
    assert all(sum(d.quantity or 0 for _m, d in doses) == 1 for _k, doses in row.by_day)


def test_ts06_every_periodicity_is_placed_and_explained() -> None:
    record = open_record_file(KMEHR / "TS-06-CD-PERIODICITY.xml")
    plan = day_plan(record.medications, DAY)
    placed = len(plan.rows()) + len(plan.not_now) + len(plan.starts_later)
    assert placed == len(record.medications) == len(xml_intakes(KMEHR / "TS-06-CD-PERIODICITY.xml"))
    # No intake times in this file: hourly rhythms are "several times a day", the others
    # are explained in words (every N days/weeks/months/years) and never dropped.
    for med in record.medications:
        row = plan_row(med, DAY)
        assert med.frequency is not None
        if med.frequency.unit.value in ("hour", "minute"):
            assert row.rhythm is Rhythm.SEVERAL_TIMES_A_DAY
        else:
            expected = {
                "day": {Rhythm.DAILY, Rhythm.EVERY_N_DAYS},
                "week": {Rhythm.WEEKLY},
                "month": {Rhythm.MONTHLY},
                "year": {Rhythm.YEARLY},
            }[med.frequency.unit.value]
            assert row.rhythm in expected, med.name
            assert row in plan.see_text


def test_ts13_durations_do_not_lose_a_medicine() -> None:
    record = open_record_file(KMEHR / "TS-13-duration.xml")
    plan = day_plan(record.medications, DAY)
    names = [r.medication.name for r in plan.rows()] + [m.name for m, _ in plan.not_now]
    names += [m.name for m in plan.starts_later]
    assert sorted(names) == sorted(m.name for m in record.medications)
