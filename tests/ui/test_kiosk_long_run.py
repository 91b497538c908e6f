"""A kiosk runs all day: thousands of signal emits must not wear the interpreter down.

PySide6 6.12.0's ``Signal.emit`` takes a reference away from ``True`` on every call; without
``ui.qt_fixes`` Python 3.11 aborts ("bool_dealloc") after a few hundred emits.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal

import ui.theme  # noqa: F401  (applies ui.qt_fixes, as every screen does)
from ui import qt_fixes


class Ticker(QObject):
    tick = Signal()
    text = Signal(str)


def test_many_emits_leave_true_and_false_alone(qapp: object) -> None:
    ticker = Ticker()
    seen: list[str] = []
    ticker.text.connect(seen.append)
    before = sys.getrefcount(True), sys.getrefcount(False)
    for _ in range(5000):
        ticker.tick.emit()
        ticker.text.emit("x")
    after = sys.getrefcount(True), sys.getrefcount(False)
    assert len(seen) == 5000
    assert after[0] >= before[0] - 10
    assert after[1] >= before[1] - 10


def test_apply_is_idempotent() -> None:
    first = qt_fixes.apply()
    assert qt_fixes.apply() == first
