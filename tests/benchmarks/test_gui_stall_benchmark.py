"""Longest GUI-thread stall while the card is read and the record is loaded.

A QTimer heartbeat (every 5 ms) measures the gaps between its ticks: first with nothing going
on (the floor of this machine, same run), then while the real journey reads the virtual card
(in-process reader, real eID applet code in a worker: language chosen → "Is this you?" on
screen), and while it checks the PIN, signs the hub's challenge, loads the record from the
embedded hub and shows the record home (PIN entered → record home on screen).

The journey runs :data:`RUNS` times in one window, each time in another language chosen on the
language screen (the first run pays the first-use costs a patient meets once per program
start; later runs show the steady cost). Every run is printed
with the best; the goal is a longest stall ≤ 50 ms. The assertion compares the best run with
the idle floor (a ratio, with a generous bound), so a busy CI machine does not fail it.

Run: QT_QPA_PLATFORM=offscreen DOSSIER_TTS_ENGINE=mock \
     .venv/bin/pytest tests/benchmarks/test_gui_stall_benchmark.py -m benchmark -s
"""

from __future__ import annotations

import time

import pytest

from assistant.journey import Step
from tests.support.heartbeat import TICK_MS, Heartbeat
from tests.support.journey_harness import JourneyHarness
from ui.app import settle_startup_heap
from ui.screens.welcome import WelcomeScreen

GOAL_MS = 50.0
#: One run per language, each chosen on the language screen (the window starts in English).
LANGUAGES_CHOSEN = ("fr", "nl", "de")
RUNS = len(LANGUAGES_CHOSEN)
#: Longest stall allowed for the best run, in idle-floor units (the floor is the longest idle
#: gap, at least one tick). Goal ≈ 50 ms ≈ 8-10 floors here; the bound leaves room for CI.
LIMIT_RATIO = 20.0


def _idle_floor(qtbot, beat: Heartbeat) -> float:
    """The longest heartbeat gap with nothing to do (ms, at least one tick)."""
    beat.start()
    qtbot.wait(400)
    return max(beat.stop(), float(TICK_MS))


def _one_run(
    h: JourneyHarness, beat: Heartbeat, language: str
) -> tuple[float, float, float, float]:
    """(card read ms, its longest stall, PIN → record home ms, its longest stall)."""
    h.walk_to(Step.WELCOME)
    screen = h.controller.current_screen()
    assert isinstance(screen, WelcomeScreen)
    h.tab_to(screen.buttons[language])
    beat.start()
    t0 = time.perf_counter()
    h.enter()  # language chosen (the program changes language): the card is read in a worker
    h.wait_step(Step.CONFIRM_IDENTITY)
    card_read = (time.perf_counter() - t0) * 1000
    h.qtbot.wait(30)  # the identity screen's paint counts too
    card_stall = beat.stop()
    assert h.controller.identity_screen.photo.pixmap().isNull() is False

    h.enter()
    h.wait_step(Step.ABOUT_PIN)
    h.enter()
    h.wait_step(Step.PIN)
    h.type_text("1234")
    beat.start()
    t0 = time.perf_counter()
    h.enter()  # PIN check, eID challenge signature, FHIR download, record home
    h.wait_step(Step.RECORD)
    record_load = (time.perf_counter() - t0) * 1000
    h.qtbot.wait(50)  # the record home's first paint counts too
    record_stall = beat.stop()
    assert h.controller.record_screen.viewer is not None

    h.controller.reset()  # everything wiped, back to Welcome (the card stays in)
    h.wait_step(Step.WELCOME)
    return card_read, card_stall, record_load, record_stall


@pytest.mark.benchmark
def test_longest_gui_stall_reading_card_and_loading_record(qtbot, capsys) -> None:
    h = JourneyHarness.start(qtbot)
    try:
        qtbot.waitUntil(lambda: h.controller.prepared, timeout=15000)
        settle_startup_heap()  # as ui.app does once its services are ready
        beat = Heartbeat()
        floors: list[float] = []
        runs: list[tuple[float, float, float, float]] = []
        for language in LANGUAGES_CHOSEN:
            # Floor: the heartbeat with nothing to do, same process, just before the run.
            floors.append(_idle_floor(qtbot, beat))
            runs.append(_one_run(h, beat, language))
    finally:
        h.close()

    idle = min(floors)
    best_card = min(r[1] for r in runs)
    best_record = min(r[3] for r in runs)
    worst_of_best = max(best_card, best_record)
    with capsys.disabled():
        print(
            f"\n[gui stall] best of {RUNS} runs: idle floor {idle:.1f} ms; longest stall "
            f"while the card is read {best_card:.1f} ms, PIN -> record home {best_record:.1f} ms "
            f"(goal <= {GOAL_MS:.0f} ms; ratio to floor {worst_of_best / idle:.1f}, "
            f"limit {LIMIT_RATIO:.0f})"
        )
        for i, (card_ms, card_stall, record_ms, record_stall) in enumerate(runs, 1):
            print(
                f"[gui stall] run {i} ({LANGUAGES_CHOSEN[i - 1]}): idle floor "
                f"{floors[i - 1]:.1f} ms; card read {card_ms:.0f} ms, longest stall "
                f"{card_stall:.1f} ms; PIN + record load "
                f"{record_ms:.0f} ms, longest stall {record_stall:.1f} ms"
            )
    assert worst_of_best / idle <= LIMIT_RATIO
