"""Opening sumehr_example100.kmehr (1.2 MB) against a stdlib ElementTree parse of the same bytes.

Goal: ≤ 3× the floor (printed); asserted ≤ 6× so that CI is not flaky.
"""

from __future__ import annotations

import time
import xml.etree.ElementTree as ET
from collections.abc import Callable

import pytest

from assistant.records.files import open_record_file
from tests.support.fixtures import fixture

SUMEHR_100 = fixture("kmehr/sumehr/sumehr_example100.kmehr")
ROUNDS = 7


def best_of(rounds: int, fn: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


@pytest.mark.benchmark
def test_open_sumehr_100_against_elementtree(capsys: pytest.CaptureFixture[str]) -> None:
    data = SUMEHR_100.read_bytes()
    record = open_record_file(SUMEHR_100)  # warm-up, and a check that it is the real path
    assert len(record.medications) == 400 and record.unreadable == []

    floor = best_of(ROUNDS, lambda: ET.fromstring(data))
    ours = best_of(ROUNDS, lambda: open_record_file(SUMEHR_100))
    ratio = ours / floor
    with capsys.disabled():
        print(
            f"\n[benchmark] open sumehr_example100.kmehr ({len(data) / 1e6:.1f} MB): "
            f"open_record_file {ours * 1000:.1f} ms, ElementTree parse {floor * 1000:.1f} ms, "
            f"ratio {ratio:.2f} (goal <= 3)"
        )
    assert ratio <= 6
