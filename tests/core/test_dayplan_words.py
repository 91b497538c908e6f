"""Plain words of the day plan (assistant/record_words.py) and the paper copy
(assistant/paper_copy.py), in English."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime

import pytest

from assistant.dayplan import Dose, Rhythm, plan_row
from assistant.i18n import set_language
from assistant.paper_copy import paper_html
from assistant.record_words import (
    dose_text,
    range_text,
    rhythm_text,
    schedule_lines,
    unit_text,
    unit_word,
    value_text,
)
from assistant.records.model import (
    Coding,
    DayPeriod,
    DoseTiming,
    Frequency,
    Interpretation,
    LabResult,
    Medication,
    Patient,
    Record,
    ReferenceRange,
    TimeUnit,
    Weekday,
)


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    set_language("en")
    yield
    set_language("en")


def test_counted_units_agree_with_the_number() -> None:
    assert unit_word("1", 1, "tablet", None) == "1 tablet"
    assert unit_word("2", 2, "tablet", None) == "2 tablets"
    assert unit_word("0.5", 0.5, "Tablets", None) == "0.5 tablet"
    assert unit_word("3", 3, "[drp]", None) == "3 drops"
    assert unit_word("14", 14, "[IU]", None) == "14 units"
    assert unit_word("2", 2, "00099", Coding("CD-ADMINISTRATIONUNIT", "00099")) == "2"
    assert unit_word("5", 5, "mg", None) == "5 mg"


def test_ucum_units_are_written_as_people_write_them() -> None:
    assert unit_text("mL/min/{1.73_m2}") == "mL/min/1.73 m²"
    assert unit_text("10*9/L") == "10⁹/L"
    assert unit_text("umol/L") == "µmol/L"
    assert unit_text("mmol/L") == "mmol/L"


def test_dose_text_keeps_the_finer_moment_but_not_the_column() -> None:
    assert dose_text(Dose(2, unit="tablet", periods=(DayPeriod.AFTER_BREAKFAST,))) == (
        "2 tablets, after breakfast"
    )
    assert dose_text(Dose(1, unit="tablet", periods=(DayPeriod.MORNING,))) == "1 tablet"


def test_rhythm_words() -> None:
    weekly = Medication(
        "X",
        posology=(DoseTiming(weekday=Weekday.MONDAY, period=DayPeriod.MORNING, quantity=1),),
        frequency=Frequency(every=2, unit=TimeUnit.WEEK),
    )
    assert rhythm_text(plan_row(weekly, date(2026, 11, 23))) == "Every 2 weeks on Monday"
    every3 = Medication(
        "Y",
        posology=(DoseTiming(period=DayPeriod.MORNING, quantity=1),),
        frequency=Frequency(every=3, unit=TimeUnit.DAY),
    )
    assert rhythm_text(plan_row(every3, date(2026, 11, 23))) == "Every 3 days"
    nothing = plan_row(Medication("Z"), date(2026, 11, 23))
    assert nothing.rhythm is Rhythm.SEE_TEXT
    assert schedule_lines(nothing) == [
        "Your record does not say when or how much. Ask your doctor or pharmacist."
    ]


def test_results_in_words() -> None:
    high = LabResult("HbA1c", value=8.2, unit="%", reference_range=ReferenceRange(4.0, 6.0))
    assert high.level is Interpretation.HIGH  # computed from the range
    assert value_text(high) == "8.2 %"
    assert range_text(high) == "Reference values: 4 to 6 %"
    given = LabResult("K", value=4.0, interpretation=Interpretation.LOW)
    assert given.level is Interpretation.LOW  # the lab's word wins
    bound = LabResult("CRP", value=5, comparator="<", unit="mg/L")
    assert value_text(bound) == "<5 mg/L"
    assert bound.level is Interpretation.UNKNOWN


def test_paper_html_has_the_title_date_and_sections() -> None:
    record = Record(
        patient=Patient(given_names="Anna", surname="Peeters"),
        medications=[
            Medication(
                "Metformin",
                posology=(DoseTiming(period=DayPeriod.AFTER_BREAKFAST, quantity=1, unit="tablet"),),
                frequency=Frequency(),
            )
        ],
        lab_results=[LabResult("HbA1c", value=7.1, unit="%", date=datetime(2026, 1, 5))],
    )
    html = paper_html(record, ("medicines", "results"), day=date(2026, 11, 23))
    assert "Health record of Anna Peeters" in html
    assert "This is a copy for you" in html
    assert "23 November 2026" in html
    assert "Metformin" in html and "1 tablet, after breakfast" in html
    assert "HbA1c" in html and "7.1 %" in html
    assert "My vaccines" not in html  # only the sections asked for
