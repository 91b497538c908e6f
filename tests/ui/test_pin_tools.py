""" "Test my PIN" and "Change my PIN" on screen: reached from "About the PIN", keyboard only,
on the virtual cards of each generation and on a pinpad reader; the card taken out during a
tool; the mediator looks away; the kiosk does not offer them; the accessibility checks."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt

from assistant.card.eid import verify_pin
from assistant.card.pin import PinCorrect, PinWrong
from assistant.demo.card.citizens import DEFAULT_PIN
from assistant.demo.hub.embedded import start_embedded_hub
from assistant.journey import Problem, Step
from assistant.pin_tools import Notice, Outcome, Phase, PinTask
from tests.support.a11y_checks import audit
from tests.support.card_backend import NoDemoCard, PinpadBackend
from tests.support.fake_pinpad import PinpadBehaviour, VirtualConnection
from tests.support.journey_harness import JourneyHarness
from tests.support.trust import DEMO_TRUST
from ui import theme as theme_mod
from ui.journey_view import JourneyController
from ui.screens.pin_tool import PinToolScreen
from ui.shell import Shell
from ui.speech import Speaker

pytestmark = pytest.mark.usefixtures("qapp")

TIMEOUT = 15000


def tool_state(h: JourneyHarness) -> Any:
    tool = h.controller.pin_tools.tool
    return tool.state if tool is not None else None


def wait_phase(h: JourneyHarness, phase: Phase) -> None:
    def ok() -> None:
        st = tool_state(h)
        assert st is not None and st.phase is phase, st

    h.qtbot.waitUntil(ok, timeout=TIMEOUT)


def shown(h: JourneyHarness) -> PinToolScreen:
    screen = h.shell.shown_screen
    assert isinstance(screen, PinToolScreen)
    return screen


def type_pin(h: JourneyHarness, digits: str) -> None:
    h.type_text(digits)
    assert shown(h).pad.count == len(digits)
    h.enter()


def open_tool(h: JourneyHarness, task: PinTask) -> None:
    about = h.controller.current_screen()
    button = about.test_pin if task is PinTask.TEST else about.change_pin  # type: ignore[attr-defined]
    h.press(button)


@pytest.mark.parametrize("citizen", ["adult", "old_rsa"])  # applet 1.8 EC, applet 1.7 RSA
def test_test_my_pin_wrong_then_right_then_log_in(qtbot, citizen: str) -> None:
    h = JourneyHarness.start(qtbot, citizen=citizen)
    try:
        h.walk_to(Step.ABOUT_PIN)
        open_tool(h, PinTask.TEST)
        wait_phase(h, Phase.TYPE_PIN)
        screen = shown(h)
        assert screen.now.text() == "You have 3 tries left."
        assert h.focused() is screen.pad
        assert h.card.card.tries_left == 3  # asking spent nothing
        type_pin(h, "9999")
        wait_phase(h, Phase.DONE)
        assert tool_state(h).outcome is Outcome.WRONG
        assert screen.heading.text() == "This PIN code is not correct."
        assert (screen.before.text(), screen.now.text()) == (
            "Before: 3 tries left.",
            "Now: 2 tries left.",
        )
        assert "9999" not in screen.speech_text()
        assert screen.pad.count == 0
        assert h.focused() is screen.done  # the safe answer first: Continue
        h.press(screen.again)  # Test again: only the keypad comes back
        wait_phase(h, Phase.TYPE_PIN)
        assert h.card.card.tries_left == 2
        type_pin(h, DEFAULT_PIN)
        wait_phase(h, Phase.DONE)
        assert tool_state(h).outcome is Outcome.CORRECT
        assert screen.now.text() == "Now: 3 tries left."
        h.enter()  # Continue
        h.qtbot.waitUntil(lambda: h.controller.pin_tools.tool is None, timeout=TIMEOUT)
        assert h.shell.shown_screen is h.controller.current_screen()
        assert h.step is Step.ABOUT_PIN and h.state.tries_stale
        h.enter()  # "I know my PIN code": the card is asked for the tries first
        h.wait_step(Step.PIN)
        # Applet 1.8 gives the count; applet 1.7 answers "already verified" (9000), no count.
        assert h.state.tries_left == (3 if citizen == "adult" else None)
        h.type_text(DEFAULT_PIN)
        h.enter()
        h.wait_step(Step.RECORD)
    finally:
        h.close()


def test_change_my_pin_then_log_in_with_the_new_one(qtbot) -> None:
    h = JourneyHarness.start(qtbot)
    try:
        h.walk_to(Step.ABOUT_PIN)
        open_tool(h, PinTask.CHANGE)
        wait_phase(h, Phase.TYPE_PIN)
        screen = shown(h)
        assert screen.heading.text() == "Type the PIN code you use now."
        type_pin(h, DEFAULT_PIN)
        wait_phase(h, Phase.NEW_PIN)
        type_pin(h, "12")  # too short: said, nothing sent
        assert tool_state(h).notice is Notice.TOO_SHORT
        assert screen.problem_text.text() == "A PIN code has 4 to 12 digits."
        assert screen.problem_text.isVisible()
        screen.pad.clear()
        type_pin(h, "24680")
        wait_phase(h, Phase.REPEAT_NEW)
        type_pin(h, "24681")
        wait_phase(h, Phase.NEW_PIN)
        assert tool_state(h).notice is Notice.NEW_PINS_DIFFER
        assert "not the same" in screen.problem_text.text()
        h.key(Qt.Key.Key_Escape)  # nothing happens on Escape
        h.shell.back_button.click()  # Back: to the PIN used now
        wait_phase(h, Phase.TYPE_PIN)
        type_pin(h, DEFAULT_PIN)
        wait_phase(h, Phase.NEW_PIN)
        type_pin(h, "24680")
        wait_phase(h, Phase.REPEAT_NEW)
        type_pin(h, "24680")
        wait_phase(h, Phase.DONE)
        assert tool_state(h).outcome is Outcome.CHANGED
        assert screen.heading.text() == "Your PIN code is changed."
        assert "24680" not in screen.speech_text()
        h.enter()  # Continue
        h.qtbot.waitUntil(lambda: h.shell.shown_screen is h.controller.current_screen())
        h.enter()  # I know my PIN code
        h.wait_step(Step.PIN)
        h.type_text("24680")
        h.enter()
        h.wait_step(Step.RECORD)
    finally:
        h.close()


def test_change_with_a_wrong_pin_and_the_last_try(qtbot) -> None:
    h = JourneyHarness.start(qtbot)
    h.card.card.tries_left = 2
    try:
        h.walk_to(Step.ABOUT_PIN)
        open_tool(h, PinTask.CHANGE)
        wait_phase(h, Phase.TYPE_PIN)
        screen = shown(h)
        for digits in ("1111", "5555", "5555"):
            type_pin(h, digits)
        wait_phase(h, Phase.DONE)
        assert tool_state(h).outcome is Outcome.WRONG
        assert screen.heading.text() == "Your PIN code did not change."
        assert screen.now.text() == "Now: 1 try left."
        h.press(screen.again)
        wait_phase(h, Phase.TYPE_PIN)
        for digits in ("1111", "5555", "5555"):
            type_pin(h, digits)
        wait_phase(h, Phase.CONFIRM_LAST)
        assert h.focused() is screen.confirm_no  # "No" comes first
        assert h.card.card.tries_left == 1, "nothing sent before the second confirmation"
        h.enter()  # No, I will check first
        wait_phase(h, Phase.TYPE_PIN)
        assert h.card.card.tries_left == 1
    finally:
        h.close()


def test_card_taken_out_during_a_tool_wipes_and_closes_it(qtbot) -> None:
    h = JourneyHarness.start(qtbot)
    try:
        h.walk_to(Step.ABOUT_PIN)
        open_tool(h, PinTask.CHANGE)
        wait_phase(h, Phase.TYPE_PIN)
        type_pin(h, DEFAULT_PIN)
        wait_phase(h, Phase.NEW_PIN)
        tool = h.controller.pin_tools.tool
        assert tool is not None and tool.holds_pins
        h.type_text("24")
        h.pull_card()
        h.wait_step(Step.CARD)
        assert h.state.problem is Problem.CARD_REMOVED
        assert h.controller.pin_tools.tool is None and not tool.holds_pins
        screen = h.controller.pin_tools.built(PinTask.CHANGE)
        assert screen is not None and screen.pad.count == 0
        assert h.shell.shown_screen is h.controller.current_screen()
    finally:
        h.close()


def test_pinpad_reader_changes_the_pin_on_its_own_keys(qtbot) -> None:
    theme_mod.set_theme(theme_mod.Theme())
    behaviour = PinpadBehaviour(pin=DEFAULT_PIN, new_pin="86420", new_pin_again="86421")
    backend = PinpadBackend(behaviour)
    hub = start_embedded_hub()
    shell = Shell(Speaker(engine="mock"))
    qtbot.addWidget(shell)
    controller = JourneyController(shell, backend, hub.record_source, card_trust=DEMO_TRUST)
    shell.resize(1024, 768)
    shell.show()
    qtbot.waitExposed(shell)
    h = JourneyHarness(qtbot, shell, controller, NoDemoCard(), hub)  # type: ignore[arg-type]
    try:
        h.walk_to(Step.ABOUT_PIN)
        open_tool(h, PinTask.CHANGE)
        wait_phase(h, Phase.READY)  # never by itself: the patient says when
        screen = shown(h)
        assert not screen.pad.isVisible() and not behaviour.structures
        assert h.focused() is screen.ready_button
        h.enter()
        wait_phase(h, Phase.DONE)
        assert tool_state(h).outcome is Outcome.NEW_PINS_DIFFER
        assert screen.heading.text() == "Your PIN code did not change."
        behaviour.new_pin_again = None
        h.enter()  # Try again
        wait_phase(h, Phase.READY)
        h.enter()  # I am ready
        wait_phase(h, Phase.DONE)
        assert tool_state(h).outcome is Outcome.CHANGED
        card = backend.card
        assert card.tries_left == 3
        conn = VirtualConnection(card)
        assert verify_pin(conn, bytearray(b"1234")) == PinWrong(2)
        assert verify_pin(conn, bytearray(b"86420")) == PinCorrect()
    finally:
        h.close()


def test_mediator_looks_away_while_the_patient_types(qtbot, tmp_path) -> None:
    from assistant.settings import Mode, Settings
    from ui.modes.hooks import ModeContext, install_modes

    h = JourneyHarness.start(qtbot)
    settings = Settings(mode=Mode.MEDIATOR)
    hooks = install_modes(ModeContext(h.shell, h.controller, settings))
    h.cleanups.extend(hook.shutdown for hook in hooks)
    try:
        panel = hooks[0].panel  # type: ignore[attr-defined]
        h.walk_to(Step.ABOUT_PIN)
        assert not panel.pin_prompt.isVisibleTo(panel)
        open_tool(h, PinTask.TEST)
        wait_phase(h, Phase.TYPE_PIN)
        assert panel.pin_prompt.isVisibleTo(panel)
        assert "look away" in panel.speech_text()
        type_pin(h, "9999")
        wait_phase(h, Phase.DONE)
        assert not panel.pin_prompt.isVisibleTo(panel)
        h.enter()
        h.qtbot.waitUntil(lambda: h.controller.pin_tools.tool is None, timeout=TIMEOUT)
        assert not panel.pin_prompt.isVisibleTo(panel)
    finally:
        h.close()


def test_kiosk_offers_no_pin_tools(qtbot) -> None:
    h = JourneyHarness.start(qtbot)
    try:
        h.walk_to(Step.ABOUT_PIN)
        about = h.controller.current_screen()
        assert about.test_pin.isVisible()  # type: ignore[attr-defined]
        h.controller.set_pin_tools(False)  # what the kiosk mode does
        assert not about.test_pin.isVisible()  # type: ignore[attr-defined]
        assert not about.change_pin.isVisible()  # type: ignore[attr-defined]
        h.controller.pin_tools.open(PinTask.TEST)
        assert h.controller.pin_tools.tool is None
    finally:
        h.close()


@pytest.mark.parametrize(
    ("scale", "contrast"), [(1.0, False), (2.0, False), (1.0, True)], ids=["100", "200", "hc"]
)
def test_pin_tool_screens_pass_the_accessibility_checks(
    qtbot, scale: float, contrast: bool
) -> None:
    h = JourneyHarness.start(qtbot, text_scale=scale, high_contrast=contrast)
    h.card.card.tries_left = 1
    try:
        h.walk_to(Step.ABOUT_PIN)
        assert audit(h.shell) == []
        open_tool(h, PinTask.CHANGE)
        wait_phase(h, Phase.TYPE_PIN)
        assert audit(h.shell) == []
        for digits in (DEFAULT_PIN, "24680", "24680"):
            type_pin(h, digits)
        wait_phase(h, Phase.CONFIRM_LAST)
        assert audit(h.shell) == []
        h.enter()  # No
        h.shell.back_button.click()
        h.qtbot.waitUntil(lambda: h.controller.pin_tools.tool is None, timeout=TIMEOUT)
        open_tool(h, PinTask.TEST)
        wait_phase(h, Phase.TYPE_PIN)
        type_pin(h, DEFAULT_PIN)
        wait_phase(h, Phase.CONFIRM_LAST)
        h.press(shown(h).confirm_yes)
        wait_phase(h, Phase.DONE)
        assert audit(h.shell) == []
    finally:
        h.close()
