"""The PIN screen fits: the words point to the keypad below them, and with 200 % text on a
1024×768 window the question, the tries left and the OK key are in sight together, in every
state, without scrolling (issue #4: tries left always shown)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QApplication, QWidget

from assistant.i18n import set_language
from assistant.journey import Step
from tests.support.journey_harness import JourneyHarness
from tests.support.journey_scenes import journey_scenes
from ui import theme as theme_mod
from ui.theme import MIN_TARGET_PX

#: Every state of the PIN step the scenes know (typing, checking, wrong, last try, blocked,
#: card silent, pinpad reader, pinpad wrong).
PIN_SCENES = [s for s in journey_scenes() if s.name.startswith("07-pin")]


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


def _in_sight(widget: QWidget, viewport: QWidget) -> bool:
    """The whole widget is shown and inside the scroll area's visible part."""
    if not widget.isVisible() or widget.width() <= 0 or widget.height() <= 0:
        return False
    rect = QRect(widget.mapTo(viewport, QPoint(0, 0)), widget.size())
    return viewport.rect().contains(rect)


def _in_window(widget: QWidget, window: QWidget) -> bool:
    rect = QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())
    return widget.isVisible() and window.rect().contains(rect)


def test_pin_scenes_cover_every_state() -> None:
    names = {s.name for s in PIN_SCENES}
    assert {
        "07-pin",
        "07-pin-checking",
        "07-pin-wrong",
        "07-pin-last-try",
        "07-pin-blocked",
        "07-pinpad",
        "07-pinpad-wrong",
    } <= names


@pytest.mark.parametrize("high_contrast", [False, True], ids=["normal", "high-contrast"])
def test_tries_left_and_ok_in_sight_at_200_percent(qtbot, high_contrast: bool) -> None:
    h = JourneyHarness.start(qtbot, high_contrast=high_contrast, text_scale=2.0, language="de")
    try:
        shell = h.shell
        shell.resize(1024, 768)
        h.walk_to(Step.PIN)
        screen = h.controller.pin_screen
        viewport = shell.scroll_area.viewport()
        for lang in ("de", "fr", "nl", "en"):
            set_language(lang)
            theme_mod.set_theme(theme_mod.Theme(high_contrast=high_contrast, text_scale=2.0))
            for scene in PIN_SCENES:
                where = f"{lang} {scene.name}"
                scene.show(h)
                qtbot.waitUntil(lambda: screen.isVisible() and screen.tries.isVisible())
                QApplication.processEvents()  # the focused part brought in sight, if needed
                assert shell.scroll_area.widget() is screen, where
                assert screen.tries.text(), where
                assert _in_sight(screen.tries, viewport), f"{where}: tries left out of sight"
                assert _in_sight(screen.heading, viewport), f"{where}: question out of sight"
                if scene.name in ("07-pin", "07-pin-checking", "07-pin-wrong") or (
                    scene.name == "07-pin-last-try-typing"
                ):
                    assert screen.pad.isVisible(), where
                    assert _in_sight(screen.pad.ok, viewport), f"{where}: OK key out of sight"
                    assert _in_sight(screen.pad.dots, viewport), f"{where}: dots out of sight"
                    for key in screen.pad.keys():
                        assert key.width() >= MIN_TARGET_PX, f"{where}: {key.objectName()}"
                        assert key.height() >= MIN_TARGET_PX, f"{where}: {key.objectName()}"
                    # nothing to scroll to: the whole screen is the visible part
                    assert shell.scroll_area.verticalScrollBar().maximum() == 0, where
                else:
                    assert not screen.pad.isVisible(), where
                    # the answers (Try again, Yes/No, Finish) sit under the scrolling part
                    answers = [
                        b for b in screen.all_buttons() if b.isVisible() and b is not screen.pad
                    ]
                    for button in answers:
                        assert _in_window(button, shell), f"{where}: {button.objectName()}"
    finally:
        set_language("en")
        theme_mod.set_theme(theme_mod.Theme())
        h.close()
