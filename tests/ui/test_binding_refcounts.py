"""A kiosk runs all day: millions of Qt calls must not wear the interpreter down.

PySide6 6.12 (on Python 3.11, where None/True/False are not immortal) takes one reference
from ``None`` on every void Qt call and one from ``True`` on every ``Signal.emit``; the
interpreter then aborts ("deallocating None"). pyproject.toml keeps that binding out; this
test fails if a binding with such a leak is ever installed.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QLabel

CALLS = 5000


class Ticker(QObject):
    tick = Signal()
    text = Signal(str)


def counts() -> tuple[int, int, int]:
    return sys.getrefcount(None), sys.getrefcount(True), sys.getrefcount(False)


def test_many_emits_leave_none_true_and_false_alone(qapp: object) -> None:
    ticker = Ticker()
    seen: list[str] = []
    ticker.text.connect(seen.append)
    before = counts()
    for _ in range(CALLS):
        ticker.tick.emit()
        ticker.text.emit("x")
    after = counts()
    assert len(seen) == CALLS
    assert all(a >= b - 50 for a, b in zip(after, before, strict=True)), (before, after)


def test_many_void_calls_leave_none_alone(qapp: object) -> None:
    label = QLabel()
    before = counts()
    for i in range(CALLS):
        label.setText(str(i % 7))
        label.setVisible(bool(i % 2))
    after = counts()
    assert all(a >= b - 50 for a, b in zip(after, before, strict=True)), (before, after)
