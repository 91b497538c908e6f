"""The record screen and its viewer are never moved between parents on the GUI thread.

Moving a built widget tree into the styled window restyles all of it: that was the longest GUI
stall when the record arrived (about 100 ms). These tests fail if a screen or the viewer is
reparented when it is shown.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QWidget

from assistant.journey import Step
from tests.support.journey_harness import JourneyHarness
from ui.screens.base import Screen
from ui.shell import Shell
from ui.speech import Speaker


class ParentChanges(QObject):
    def __init__(self, watched: QWidget) -> None:
        super().__init__()
        self.count = 0
        watched.installEventFilter(self)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ParentChange:
            self.count += 1
        return False


class SelfScrolling(Screen):
    scrolls_itself = True
    screen_id = "self-scrolling"


class Plain(Screen):
    screen_id = "plain"


def test_self_scrolling_screen_is_shown_without_moving_it(qtbot) -> None:
    shell = Shell(Speaker(engine="mock"), ("en",))
    qtbot.addWidget(shell)
    shell.show()
    big, plain = SelfScrolling(), Plain()
    shell.show_screen(plain)
    shell.add_screen(big)
    moves = ParentChanges(big)
    for _ in range(3):
        shell.show_screen(big)
        assert big.isVisible() and not plain.isVisible()
        shell.show_screen(plain)
        assert plain.isVisible() and not big.isVisible()
    assert moves.count == 0


def test_viewer_is_made_inside_the_record_screen(qtbot) -> None:
    h = JourneyHarness.start(qtbot)
    made: list[tuple[object, object]] = []
    real = h.controller.viewer_factory
    assert real is not None

    def factory(record: object, parent: object) -> object:
        made.append((record, parent))
        return real(record, parent)

    h.controller.viewer_factory = factory
    try:
        h.walk_to(Step.RECORD)
        assert len(made) == 1 and made[0][1] is h.controller.record_screen
        viewer = h.controller.record_screen.viewer
        assert viewer is not None and viewer.isVisible()
    finally:
        h.close()
