"""Benchmark: the record viewer on big records, with the longest GUI-thread stall.

1. Opening ``sumehr_example100.kmehr`` (1.2 MB, 400 medicines) through "Open a file I
   received" -> "Show only this file" -> "My medicines" until its list (first part of 25) is
   on screen, against a floor measured in the same run: reading the same file with
   ``open_record_file`` alone (no screen), just before each run (a busy machine slows both).
   Our own aim ≤ 1.2× (printed; the issue sets a goal for the stall only).
2. The largest demo record (the adult) → record home shown.

A QTimer heartbeat (every 5 ms) measures the longest gap on the GUI thread during each, against
the heartbeat's own longest gap when nothing happens (same run). Goal: longest stall ≤ 50 ms
(printed, best of 3 runs and every run). The asserts use generous ratios so a busy CI machine
does not fail them.

Run: .venv/bin/pytest tests/benchmarks/test_record_view_benchmark.py -m benchmark -s
"""

from __future__ import annotations

import time

import pytest
from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from assistant.i18n import set_language
from assistant.records.files import open_record_file
from tests.support.fixtures import FIXTURES
from tests.support.heartbeat import TICK_MS, Heartbeat
from tests.support.records import demo_record
from ui import theme
from ui.app import settle_startup_heap
from ui.record.home import RecordHome
from ui.record.medicines import MedicinesPage
from ui.widgets import BigButton

pytestmark = pytest.mark.benchmark

SUMEHR100 = FIXTURES / "kmehr" / "sumehr" / "sumehr_example100.kmehr"
GOAL_STALL_MS = 50.0
GOAL_OPEN_RATIO = 1.2
RUNS = 3
#: Limits in units of the same run's floors (generous: CI machines are noisy).
LIMIT_OPEN_RATIO = 3.0
LIMIT_STALL_RATIO = 20.0


def test_record_view_benchmark(qtbot: QtBot, capsys: pytest.CaptureFixture[str]) -> None:
    set_language("en")
    theme.set_theme(theme.Theme())
    beat = Heartbeat()
    beat.start()
    qtbot.wait(400)
    idle = max(beat.stop(), float(TICK_MS))

    def read_alone() -> float:
        """The floor: the same file read without any screen."""
        t0 = time.perf_counter()
        parsed = open_record_file(SUMEHR100)
        took = time.perf_counter() - t0
        assert len(parsed.medications) >= 100
        parsed.wipe()  # the viewer reads its own copy
        return took

    meds = len(open_record_file(SUMEHR100).medications)
    floors = [read_alone()]
    settle_startup_heap()  # as ui.app does once its services are ready

    # 1. Open the file in the viewer until the medicines list is on screen, the way a patient
    #    does: Open a file I received -> Show only this file -> My medicines.
    home = RecordHome(demo_record("kid"), open_file_dialog=lambda _w: str(SUMEHR100))
    qtbot.addWidget(home, before_close_func=lambda w: w.go_home())
    home.resize(1024, 768)
    home.show()
    qtbot.waitExposed(home)
    opened: list[float] = []
    open_stalls: list[float] = []
    for _ in range(RUNS):
        home.go_home()
        QApplication.processEvents()
        floors.append(read_alone())
        beat.start()
        t0 = time.perf_counter()
        home.home.tools["open_file"].click()
        qtbot.waitUntil(lambda: home.current_key == "opened_file", timeout=60000)
        QApplication.processEvents()  # the page painted: only then can the patient press
        assert home.page is not None
        alone = home.page.findChild(BigButton, "show_alone")
        assert isinstance(alone, BigButton)
        alone.click()
        assert home.current_key == "home"
        QApplication.processEvents()  # the new record's home painted
        home.home.tiles["medicines"].click()
        page = home.page
        assert isinstance(page, MedicinesPage)
        QApplication.processEvents()  # first screenful painted
        opened.append(time.perf_counter() - t0)
        # The rest of the part's cards are added between events: the heartbeat keeps beating.
        qtbot.waitUntil(lambda p=page: not p.building, timeout=120000)
        open_stalls.append(beat.stop())
    # A long list is shown in parts: the first part, and one button per part.
    assert len(page.item_widgets()) == min(meds, page.PART_SIZE)
    parts = (meds + page.PART_SIZE - 1) // page.PART_SIZE
    assert page.findChild(type(home.home.tiles["medicines"]), f"part_{parts - 1}") is not None

    # 2. The largest demo record -> record home shown.
    adult = demo_record("adult")
    shown_s = float("inf")
    home_stalls: list[float] = []
    for _ in range(RUNS):
        beat.start()
        t0 = time.perf_counter()
        viewer = RecordHome(adult)
        viewer.resize(1024, 768)
        viewer.show()
        qtbot.waitExposed(viewer)
        QApplication.processEvents()
        shown_s = min(shown_s, time.perf_counter() - t0)
        home_stalls.append(beat.stop())
        viewer.close()
        viewer.deleteLater()
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)

    floor = min(floors)
    open_ratio = min(opened) / floor
    # Best run: other programs on the machine (and the Python GC's full collections, see the
    # report) only ever add to a run's longest gap.
    open_stall, home_stall = min(open_stalls), min(home_stalls)
    with capsys.disabled():
        print(
            f"\n[record view] sumehr x100 ({meds} medicines): parse floor {floor * 1000:.0f} ms,"
            f" open -> list shown {min(opened) * 1000:.0f} ms, ratio {open_ratio:.2f}"
            f" (our aim <= {GOAL_OPEN_RATIO})"
            f"\n[record view] largest demo record -> record home {shown_s * 1000:.0f} ms"
            f"\n[record view] longest GUI stall (best of {RUNS} runs): idle floor {idle:.1f} ms,"
            f" open file {open_stall:.1f} ms, record home {home_stall:.1f} ms"
            f" (goal <= {GOAL_STALL_MS:.0f} ms; ratios {open_stall / idle:.1f}"
            f" and {home_stall / idle:.1f}, limit {LIMIT_STALL_RATIO:.0f})"
            f"\n[record view] every run: longest stall opening the file"
            f" {', '.join(f'{x:.0f}' for x in open_stalls)} ms, showing record home"
            f" {', '.join(f'{x:.0f}' for x in home_stalls)} ms; file read alone"
            f" {', '.join(f'{x * 1000:.0f}' for x in floors)} ms, opened on screen"
            f" {', '.join(f'{x * 1000:.0f}' for x in opened)} ms"
        )
    assert open_ratio <= LIMIT_OPEN_RATIO
    assert open_stall / idle <= LIMIT_STALL_RATIO
    assert home_stall / idle <= LIMIT_STALL_RATIO
