"""A reader with its own keypad: "Type your PIN on the reader", wrong then right, keyboard only."""

from __future__ import annotations

import threading

import pytest

from assistant.demo.card.citizens import CITIZENS, DEFAULT_PIN
from assistant.demo.card.model import VirtualEidCard
from assistant.demo.hub.embedded import start_embedded_hub
from assistant.i18n import set_language
from assistant.journey import Problem, Step
from tests.support.fake_pinpad import FakePinpadConnection, PinpadBehaviour
from tests.support.journey_harness import JourneyHarness
from tests.support.trust import DEMO_TRUST
from ui import theme as theme_mod
from ui.journey_view import JourneyController
from ui.shell import Shell
from ui.speech import Speaker

pytestmark = pytest.mark.usefixtures("qapp")

READER = "Fake Pinpad Reader 00"


class PinpadBackend:
    """One pinpad reader with the virtual card in it (a CardBackend)."""

    def __init__(self, behaviour: PinpadBehaviour) -> None:
        self.card = VirtualEidCard(CITIZENS["adult"], pin=DEFAULT_PIN)
        self.behaviour = behaviour
        self._changed = threading.Event()

    @property
    def name(self) -> str:
        return "fake-pinpad"

    def list_readers(self) -> list[str]:
        return [READER]

    def card_present(self, reader: str) -> bool:
        return reader == READER

    def connect(self, reader: str) -> FakePinpadConnection:
        return FakePinpadConnection(self.card, self.behaviour)

    def wait_for_change(self, timeout: float) -> None:
        self._changed.wait(timeout)


class _Card:
    """Enough of DemoCard for JourneyHarness.close()."""

    def stop(self) -> None:
        pass


def test_pinpad_wrong_then_right(qtbot) -> None:
    set_language("en")
    theme_mod.set_theme(theme_mod.Theme())
    behaviour = PinpadBehaviour(pin="1111")
    backend = PinpadBackend(behaviour)
    hub = start_embedded_hub()
    shell = Shell(Speaker(engine="mock"))
    qtbot.addWidget(shell)
    controller = JourneyController(shell, backend, hub.record_source, card_trust=DEMO_TRUST)
    shell.resize(1024, 768)
    shell.show()
    qtbot.waitExposed(shell)
    h = JourneyHarness(qtbot, shell, controller, _Card(), hub)  # type: ignore[arg-type]
    try:
        h.walk_to(Step.ABOUT_PIN)
        h.enter()  # "I know my PIN code": the reader asks for the PIN by itself
        h.qtbot.waitUntil(lambda: h.state.problem is Problem.PIN_WRONG, timeout=10000)
        pin = controller.pin_screen
        assert h.state.pinpad and h.state.tries_left == 2
        assert pin.heading.text() == "Type your PIN code on the card reader."
        assert not pin.pad.isVisible()  # nothing to type on the screen
        assert behaviour.structures, "the PIN was asked on the reader"
        behaviour.pin = DEFAULT_PIN
        assert h.focused() is pin.retry
        h.enter()  # Try again
        h.wait_step(Step.RECORD)
        assert controller.pin_screen.pad.count == 0
    finally:
        h.close()
