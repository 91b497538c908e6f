""" "Test my PIN" and "Change my PIN" as scenes for ``packaging/screenshots.sh``: each draws a
tool state on its screen (no card command runs), and the mediator's panel beside the test."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from PySide6.QtWidgets import QApplication

from assistant.journey import JourneyState, Step
from assistant.pin_tools import Notice, Outcome, Phase, PinTask, PinToolState
from tests.support.journey_harness import JourneyHarness
from tests.support.journey_scenes import Scene
from ui.modes.mediator.panel import MediatorPanel


@dataclass(frozen=True)
class ToolScene(Scene):
    """A scene with a ``cleanup`` the screenshot runner calls after the shot."""

    cleanup: Callable[[JourneyHarness], None] = field(default=lambda h: None)


def _tool(state: PinToolState, digits: int = 0) -> Callable[[JourneyHarness], None]:
    def show(h: JourneyHarness) -> None:
        shell = h.shell
        shell.close_help()
        shell.show_screen_again()
        screen = h.controller.pin_tools.screen(state.task)
        screen.clear_pin()
        screen.show_state(state)
        for digit in "1234"[:digits]:
            screen.pad.press(digit)
        shell.show_screen(screen, h.controller.journey.position(JourneyState(Step.ABOUT_PIN)))
        QApplication.processEvents()

    return show


def _with_mediator(state: PinToolState, digits: int) -> Callable[[JourneyHarness], None]:
    def show(h: JourneyHarness) -> None:
        panel = MediatorPanel()
        panel.set_state(JourneyState(Step.ABOUT_PIN))
        panel.set_pin_tool(state)
        h.shell.set_side_panel(panel)
        _tool(state, digits)(h)

    return show


def _drop_panel(h: JourneyHarness) -> None:
    h.shell.set_side_panel(None)
    QApplication.processEvents()


def pin_tool_scenes() -> list[Scene]:
    test = PinToolState(PinTask.TEST, tries_before=3, tries_left=3)
    change = PinToolState(PinTask.CHANGE, tries_before=3, tries_left=3)
    done = Phase.DONE
    return [
        Scene("p1-test-pin", _tool(test._replace(phase=Phase.TYPE_PIN), 2)),
        Scene(
            "p2-test-pin-wrong",
            _tool(test._replace(phase=done, outcome=Outcome.WRONG, tries_left=2)),
        ),
        Scene(
            "p3-test-pin-correct",
            _tool(test._replace(phase=done, outcome=Outcome.CORRECT, tries_before=2)),
        ),
        Scene(
            "p4-test-pin-last-try",
            _tool(test._replace(phase=Phase.CONFIRM_LAST, tries_before=1, tries_left=1)),
        ),
        Scene("p5-change-pin-now", _tool(change._replace(phase=Phase.TYPE_PIN))),
        Scene(
            "p6-change-pin-new-differ",
            _tool(change._replace(phase=Phase.NEW_PIN, notice=Notice.NEW_PINS_DIFFER)),
        ),
        Scene("p7-change-pin-changed", _tool(change._replace(phase=done, outcome=Outcome.CHANGED))),
        Scene(
            "p8-change-pin-wrong",
            _tool(change._replace(phase=done, outcome=Outcome.WRONG, tries_left=2)),
        ),
        Scene("p9-change-pin-pinpad", _tool(change._replace(phase=Phase.READY, pinpad=True))),
        Scene(
            "p10-change-pin-no-answer",
            _tool(change._replace(phase=done, outcome=Outcome.NO_ANSWER, tries_left=None)),
        ),
        ToolScene(
            "m5-mediator-pin-test",
            _with_mediator(test._replace(phase=Phase.TYPE_PIN), 3),
            cleanup=_drop_panel,
        ),
    ]
