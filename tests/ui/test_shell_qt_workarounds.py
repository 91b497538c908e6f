"""The PySide6 6.12 / Python 3.11 reference-count work-around keeps the interpreter alive."""

from __future__ import annotations

import sys

import pytest
from PySide6.QtWidgets import QLabel

import ui.theme  # noqa: F401 - installs the work-around
from ui import qt_workarounds

pytestmark = pytest.mark.usefixtures("qapp")


def test_singletons_survive_many_void_calls(qtbot) -> None:
    if sys.version_info < (3, 12):  # immortal anyway from 3.12
        assert all(qt_workarounds.is_protected(o) for o in qt_workarounds.SINGLETONS)
    label = QLabel()
    qtbot.addWidget(label)
    before = sys.getrefcount(None)
    for i in range(60_000):  # more than None's whole count without the work-around
        label.setText("x" if i % 2 else "y")
    assert sys.getrefcount(None) > before - 200_000  # still alive, still huge
    qt_workarounds.protect_singletons()  # idempotent
    if sys.version_info < (3, 12):
        assert sys.getrefcount(None) < 2 * (1 << 48)
