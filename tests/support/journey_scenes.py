"""Every screen of the journey in every state, as "scenes" a test or a screenshot run can show.

A scene is a name and a function that puts the shell of a :class:`JourneyHarness` (walked to
the record step, so card data and the record viewer exist) into one visible state. Other parts
add their scenes to :data:`SCENE_PROVIDERS` (e.g. the record viewer's pages)::

    from tests.support.journey_scenes import SCENE_PROVIDERS, Scene
    SCENE_PROVIDERS.append(my_record_scenes)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from PySide6.QtWidgets import QApplication

from assistant.errors import ProblemKind
from assistant.journey import JourneyState, Problem, Step, back_target
from tests.support.journey_harness import JourneyHarness
from ui.screens.base import StateScreen


@dataclass(frozen=True)
class Scene:
    name: str
    show: Callable[[JourneyHarness], None]


def show_state(h: JourneyHarness, state: JourneyState) -> None:
    """Draw ``state`` without running the journey (the data already read stays shown)."""
    shell = h.shell
    shell.close_help()
    shell.show_screen_again()
    screen = h.controller.screens[state.step]
    if isinstance(screen, StateScreen):
        screen.state = state
    viewer = h.controller.record_screen.viewer if state.step is Step.RECORD else None
    if viewer is not None and hasattr(viewer, "go_home"):
        viewer.go_home()  # other scenes may have left it on a page
    shell.show_screen(screen, h.controller.journey.position(state))
    # Back as the journey would show it there (the record home has no page to go back to)
    shell.set_back_enabled(state.step is not Step.RECORD and back_target(state) is not None)
    QApplication.processEvents()


def _state(step: Step, **kw: object) -> Callable[[JourneyHarness], None]:
    state = JourneyState(step, **kw)  # type: ignore[arg-type]

    def show(h: JourneyHarness) -> None:
        show_state(h, state)
        if step is Step.PIN:
            pad = h.controller.pin_screen.pad
            pad.clear()
            if not state.busy and not state.pinpad and state.problem is None:
                pad.press("1")
                pad.press("2")
            if state.confirm_last_try:
                for d in "1234":
                    pad.press(d)

    return show


def _help(h: JourneyHarness) -> None:
    show_state(h, JourneyState(Step.PIN))
    h.shell.show_help()
    QApplication.processEvents()


def _hidden(h: JourneyHarness) -> None:
    show_state(h, JourneyState(Step.RECORD))
    h.shell.hide_screen()
    QApplication.processEvents()


def journey_scenes() -> list[Scene]:
    S, P = Step, Problem
    base = JourneyState()
    wrong = replace(base, step=S.PIN, problem=P.PIN_WRONG, tries_left=2)
    return [
        Scene("01-welcome", _state(S.WELCOME)),
        Scene("03-reader", _state(S.READER)),
        Scene("03-reader-ready", _state(S.READER, reader_ready=True)),
        Scene("03-reader-service-down", _state(S.READER, problem=P.READER_SERVICE_DOWN)),
        Scene("03-reader-unplugged", _state(S.READER, problem=P.READER_UNPLUGGED)),
        Scene("04-card", _state(S.CARD, reader_ready=True)),
        Scene("04-card-reading", _state(S.CARD, busy=True)),
        Scene("04-card-not-eid", _state(S.CARD, problem=P.NOT_EID_CARD, reader_ready=True)),
        Scene(
            "04-card-read-failed",
            _state(S.CARD, problem=P.CARD_READ_FAILED, error_kind=ProblemKind.CARD),
        ),
        Scene("04-card-removed", _state(S.CARD, problem=P.CARD_REMOVED)),
        Scene("04-card-not-me", _state(S.CARD, problem=P.NOT_ME)),
        Scene("05-is-this-you", _state(S.CONFIRM_IDENTITY)),
        Scene("06-about-pin", _state(S.ABOUT_PIN)),
        Scene("06-no-pin", _state(S.ABOUT_PIN, problem=P.NO_PIN)),
        Scene("07-pin", _state(S.PIN)),
        Scene("07-pin-checking", _state(S.PIN, busy=True)),
        Scene("07-pin-wrong", lambda h: _state(S.PIN, problem=P.PIN_WRONG, tries_left=2)(h)),
        Scene(
            "07-pin-last-try",
            _state(S.PIN, problem=P.PIN_WRONG, tries_left=1, confirm_last_try=True),
        ),
        Scene("07-pin-last-try-typing", _state(S.PIN, tries_left=1, last_try_confirmed=True)),
        Scene("07-pin-blocked", _state(S.PIN, problem=P.PIN_BLOCKED, tries_left=0)),
        Scene("07-pin-card-silent", _state(S.PIN, problem=P.PIN_CHECK_FAILED)),
        Scene("07-pinpad", _state(S.PIN, pinpad=True, busy=True)),
        Scene("07-pinpad-wrong", _state(S.PIN, pinpad=True, problem=wrong.problem, tries_left=2)),
        Scene("08-connecting", _state(S.CONNECTING, busy=True)),
        Scene(
            "08-no-internet",
            _state(S.CONNECTING, problem=P.CONNECTION_FAILED, error_kind=ProblemKind.NETWORK),
        ),
        Scene(
            "08-service-down",
            _state(
                S.CONNECTING,
                problem=P.CONNECTION_FAILED,
                error_kind=ProblemKind.SERVICE_DOWN,
                retry_after=600,
            ),
        ),
        Scene(
            "08-service-refused",
            _state(
                S.CONNECTING, problem=P.CONNECTION_FAILED, error_kind=ProblemKind.SERVICE_REFUSED
            ),
        ),
        Scene(
            "08-bad-data",
            _state(S.CONNECTING, problem=P.CONNECTION_FAILED, error_kind=ProblemKind.BAD_DATA),
        ),
        Scene("09-record", _state(S.RECORD)),
        Scene("10-finish", _state(S.FINISH)),
        Scene("help", _help),
        Scene("hidden", _hidden),
    ]


#: Functions returning scenes; the record viewer and the modes add theirs.
SCENE_PROVIDERS: list[Callable[[], list[Scene]]] = [journey_scenes]


def all_scenes() -> list[Scene]:
    out: list[Scene] = []
    for provider in SCENE_PROVIDERS:
        out.extend(provider())
    return out
