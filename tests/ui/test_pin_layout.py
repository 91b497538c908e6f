"""The PIN screen says "Use the keys below": the keypad must be below the words, at any width."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint

from assistant.journey import Step
from tests.a11y.harness import JourneyHarness


@pytest.mark.parametrize("size", [(1024, 768), (1920, 1080)])
def test_keypad_is_below_the_words_that_point_to_it(qtbot, size: tuple[int, int]) -> None:
    h = JourneyHarness.start(qtbot)
    try:
        h.shell.resize(*size)
        h.walk_to(Step.PIN)
        screen = h.controller.pin_screen
        qtbot.waitUntil(lambda: screen.pad.isVisible(), timeout=5000)
        assert "below" in screen.text.text()
        text_bottom = screen.text.mapTo(screen, QPoint(0, screen.text.height())).y()
        pad_top = screen.pad.mapTo(screen, QPoint(0, 0)).y()
        assert pad_top >= text_bottom
    finally:
        h.close()
