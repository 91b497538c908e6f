"""Records the record-viewer tests run over: the demo hub's rich patients and every fixture."""

from __future__ import annotations

import pytest

from tests.support.records import demo_record, fixture_files


def test_fixture_folder_is_there() -> None:
    assert len(fixture_files()) >= 40


@pytest.mark.parametrize("citizen", ["adult", "kid"])
def test_demo_records_are_rich(citizen: str) -> None:
    record = demo_record(citizen)
    counts = record.counts()
    if citizen == "adult":
        assert counts["medications"] >= 10
        assert counts["lab_results"] >= 20
        assert counts["documents"] >= 5
        assert counts["prescriptions"] >= 2
    else:
        assert counts["vaccinations"] >= 5
