"""Words a patient can safely act on: where the day plan comes from and "change nothing
without your doctor or pharmacist" beside every medicine list, the name without the number in
the box, results against the reference values and the patient's own target."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest

from assistant.i18n import set_language
from assistant.paper_copy import paper_html
from assistant.record_words import INTERPRETATION, medicine_name, target_text
from assistant.records.fhir_map import record_from_fhir
from assistant.records.files import open_record_file
from assistant.records.model import Interpretation, ItemSource, Medication, Record, SourceKind
from tests.support.fixtures import FHIR_SCHEMES, MORE, read_json

SRC = ItemSource(SourceKind.FHIR_FILE, "t.json")


@pytest.fixture(autouse=True)
def _english() -> None:
    set_language("en")


@pytest.mark.parametrize(
    ("name", "title", "box"),
    [
        ("Ramipril EG 5 mg tabl. 98", "Ramipril EG 5 mg tabl.", 98),
        ("SoloStar 1,5 ml 3", "SoloStar 1,5 ml", 3),
        ("Azithromycine EG 500 mg filmomh. tabl. 24", "Azithromycine EG 500 mg filmomh. tabl.", 24),
        ("Omacor 1000 mg zachte caps. 28", "Omacor 1000 mg zachte caps.", 28),
        ("Ramipril 5 mg", "Ramipril 5 mg", None),
        ("Vitamine D3", "Vitamine D3", None),
        ("Paracetamol 500", "Paracetamol 500", None),  # a strength without its unit stays
        ("Gliclazide Teva 30 mg tabl. MR 90", "Gliclazide Teva 30 mg tabl. MR", 90),
    ],
)
def test_medicine_name_without_the_number_in_the_box(
    name: str, title: str, box: int | None
) -> None:
    assert medicine_name(name) == (title, box)


def test_paper_medicines_say_where_they_come_from_and_change_nothing() -> None:
    record = open_record_file(FHIR_SCHEMES / "RIZIV_01.json")
    html = paper_html(record, ["medicines"], day=date(2024, 3, 1))
    assert html.count("Change nothing without your doctor or pharmacist.") >= 2  # plan and list
    assert "According to your record" in html


def test_the_source_date_is_the_newest_recorded_medicine() -> None:
    meds = [
        Medication("A 5 mg tabl. 30", recorded=datetime(2023, 5, 2, 10, 0)),
        Medication("B", recorded=datetime(2024, 1, 9, 8, 0)),
    ]
    record = Record(medications=meds)
    html = paper_html(record, ["medicines"], day=date(2024, 3, 1))
    assert "According to your record of 9 January 2024." in html
    assert "A 5 mg tabl.: " in html and "In the box: 30" in html
    assert "tabl. 30" not in html


def glucose_with_target() -> dict[str, Any]:
    data: dict[str, Any] = read_json(
        MORE / "fhir-old" / "fhir170-observation-example-f001-glucose.json"
    )
    data["interpretation"] = [data["interpretation"]]
    data["referenceRange"].append(
        {
            "type": {"coding": [{"code": "treatment"}]},
            "high": {"value": 7.0, "unit": "mmol/l", "code": "mmol/L"},
        }
    )
    return data


def test_results_against_reference_values_and_own_target() -> None:
    assert INTERPRETATION[Interpretation.HIGH][0] == "Above the reference values"
    record = record_from_fhir([glucose_with_target()], SRC)
    (r,) = record.lab_results
    assert r.reference_range is not None and r.reference_range.high == 6.2
    assert target_text(r) == "Your own target: less than 7 mmol/L"
    html = paper_html(record, ["results"])
    assert "Reference values: 3.1 to 6.2" in html and "Your own target" in html
    assert "usual" not in html.lower()
