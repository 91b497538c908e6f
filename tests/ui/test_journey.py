"""The whole journey with the virtual card and the embedded hub, keyboard only."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from assistant.journey import Problem, Step
from tests.support.journey_harness import JourneyHarness
from ui.widgets import announcer

pytestmark = pytest.mark.usefixtures("qapp")


@pytest.fixture
def h(qtbot) -> Iterator[JourneyHarness]:
    harness = JourneyHarness.start(qtbot)
    yield harness
    harness.close()


def visible_texts(h: JourneyHarness) -> str:
    from PySide6.QtWidgets import QAbstractButton, QLabel

    parts = []
    for w in h.shell.findChildren(QLabel) + h.shell.findChildren(QAbstractButton):
        if w.isVisible():
            parts.append(w.text() if hasattr(w, "text") else "")
            parts.append(w.accessibleName())
    return "\n".join(str(p) for p in parts)


def test_correct_pin_whole_journey_keyboard_only(h: JourneyHarness) -> None:
    h.walk_to(Step.CONFIRM_IDENTITY)
    assert h.controller.identity_screen.name.text() == "Jacqueline Dumont"
    assert "Step 4 of 8" in h.shell.step_label.text()
    h.enter()
    h.wait_step(Step.ABOUT_PIN)
    h.enter()
    h.wait_step(Step.PIN)
    h.type_text("1234")
    assert h.controller.pin_screen.pad.dots.text() == "●●●●"
    assert "1234" not in visible_texts(h)
    h.enter()
    h.wait_step(Step.RECORD)
    viewer = h.controller.record_screen.viewer
    assert viewer is not None and viewer.isVisible()
    assert "Jacqueline" in viewer.title()
    h.press(h.controller.record_screen.done)
    h.wait_step(Step.FINISH)
    assert h.controller.record_screen.viewer is None
    assert h.controller.journey.card_data is None
    assert "Jacqueline" not in visible_texts(h)
    h.pull_card()
    h.wait_step(Step.WELCOME)


def test_wrong_pin_twice_then_right(h: JourneyHarness) -> None:
    h.walk_to(Step.PIN)
    pin = h.controller.pin_screen
    # The tries come from the card before the first PIN (GET CARD DATA P2=01 on applet 1.8).
    assert h.state.tries_left == 3
    assert pin.tries.text() == "You have 3 tries left."
    with h.qtbot.waitSignal(announcer().announced, timeout=2000) as blocker:
        h.type_text("9")
    assert blocker.args == ["1 digit typed"]
    h.type_text("999")
    h.enter()
    h.qtbot.waitUntil(lambda: h.state.problem is Problem.PIN_WRONG, timeout=10000)
    assert pin.tries.text() == "You have 2 tries left."
    assert pin.problem_text.isVisible()
    assert h.shell.status_label.text() == "The PIN code is not correct. You have 2 tries left."
    assert pin.pad.count == 0
    h.type_text("8888")
    h.enter()
    h.qtbot.waitUntil(lambda: h.state.tries_left == 1, timeout=10000)
    assert pin.tries.text() == "You have 1 try left."
    # last try: asked first, before the keypad ("Yes, I type my code" / "No, I stop")
    h.qtbot.waitUntil(lambda: h.state.confirm_last_try, timeout=5000)
    assert pin.confirm_text.isVisible() and not pin.pad.isVisible()
    assert pin.confirm_yes.text() == "Yes, I type my code"
    assert pin.confirm_no.text() == "No, I stop"
    assert h.focused() is pin.confirm_no  # the default is No
    assert not h.state.busy
    h.type_text("5")  # no typing while the question is asked
    assert pin.pad.count == 0
    h.press(pin.confirm_yes)
    h.qtbot.waitUntil(lambda: pin.pad.isVisible() and h.focused() is pin.pad, timeout=5000)
    assert pin.tries.text() == "You have 1 try left."
    h.type_text("1234")
    h.enter()
    h.wait_step(Step.RECORD)
    assert h.controller.pin_screen.pad.count == 0


def test_blocked_card(h: JourneyHarness) -> None:
    h.walk_to(Step.PIN)
    pin = h.controller.pin_screen
    for expected in (2, 1):
        h.type_text("0000")
        h.enter()
        h.qtbot.waitUntil(lambda e=expected: h.state.tries_left == e, timeout=10000)
    h.qtbot.waitUntil(lambda: h.state.confirm_last_try, timeout=5000)
    h.press(pin.confirm_yes)
    h.type_text("0000")
    h.enter()
    h.qtbot.waitUntil(lambda: h.state.problem is Problem.PIN_BLOCKED, timeout=10000)
    assert pin.heading.text() == "Your card is blocked."
    assert "commune" in pin.text.text() and "PUK" in pin.text.text()
    assert not pin.pad.isVisible()
    assert pin.tries.text() == "You have no tries left."
    assert h.focused() is pin.finish
    h.type_text("1234")  # nothing happens: the keypad is closed
    assert pin.pad.count == 0
    h.enter()
    h.wait_step(Step.FINISH)


@pytest.mark.parametrize(
    "step", [Step.CONFIRM_IDENTITY, Step.ABOUT_PIN, Step.PIN, Step.CONNECTING, Step.RECORD]
)
def test_card_pulled_midway(qtbot, step: Step) -> None:
    h = JourneyHarness.start(qtbot, gate_connect=step is Step.CONNECTING)
    try:
        h.walk_to(step)
        if step is Step.PIN:
            h.type_text("12")
        h.pull_card()
        h.wait_step(Step.CARD)
        assert h.state.problem is Problem.CARD_REMOVED
        assert h.shell.status_label.text() == "Your card was taken out."
        assert h.controller.journey.card_data is None
        assert h.controller.identity_screen.name.text() == ""
        assert h.controller.identity_screen.photo.pixmap().isNull()
        assert h.controller.record_screen.viewer is None
        assert h.controller.pin_screen.pad.count == 0
        h.gate.set()  # a late record must not appear
        QApplication.processEvents()
        h.put_card()
        h.wait_step(Step.CONFIRM_IDENTITY)
        assert h.controller.record_screen.viewer is None
    finally:
        h.close()


def test_card_pulled_while_reading(qtbot) -> None:
    h = JourneyHarness.start(qtbot)
    try:
        h.pull_card()
        h.walk_to(Step.WELCOME)
        h.enter()
        h.wait_step(Step.CARD)
        assert h.controller.screens[Step.CARD].heading.text() == (
            "Put your identity card in the reader."
        )
        h.put_card()
        h.wait_step(Step.CONFIRM_IDENTITY)
    finally:
        h.close()


def test_reader_unplugged_and_back(qtbot) -> None:
    h = JourneyHarness.start(qtbot)
    try:
        backend = h.card.backend
        h.walk_to(Step.ABOUT_PIN)
        h.unplug_reader()
        h.wait_step(Step.READER)
        assert h.state.problem is Problem.READER_UNPLUGGED
        screen = h.controller.screens[Step.READER]
        assert screen.heading.text() == "The card reader is not connected."
        assert h.controller.journey.card_data is None
        backend.plug_reader()  # the card left with the reader
        h.wait_step(Step.CARD)
        assert h.state.reader_ready
        h.put_card()
        h.wait_step(Step.CONFIRM_IDENTITY)
    finally:
        h.close()


def test_no_reader_at_start_then_plugged(qtbot) -> None:
    h = JourneyHarness.start(qtbot)
    try:
        h.unplug_reader()
        h.walk_to(Step.WELCOME)
        h.enter()
        h.wait_step(Step.READER)
        assert h.state.problem is None
        screen = h.controller.screens[Step.READER]
        assert screen.heading.text() == "Plug the card reader into the computer."
        h.enter()  # "I have plugged it in" — but nothing is there yet
        assert h.step is Step.READER
        h.card.backend.plug_reader()
        h.wait_step(Step.CARD)
        h.put_card()
        h.wait_step(Step.CONFIRM_IDENTITY)
    finally:
        h.close()


def test_not_me_and_back_navigation(h: JourneyHarness) -> None:
    h.walk_to(Step.CONFIRM_IDENTITY)
    h.press(h.controller.identity_screen.no)
    h.wait_step(Step.CARD)
    assert h.state.problem is Problem.NOT_ME
    assert h.controller.identity_screen.name.text() == ""
    h.pull_card()
    h.put_card()
    h.wait_step(Step.CONFIRM_IDENTITY)
    h.enter()
    h.wait_step(Step.ABOUT_PIN)
    h.press(h.shell.back_button)
    h.wait_step(Step.CONFIRM_IDENTITY)
    assert h.controller.identity_screen.name.text() == "Jacqueline Dumont"


def test_language_switch_on_any_screen_retranslates(h: JourneyHarness) -> None:
    h.walk_to(Step.ABOUT_PIN)
    box = h.shell.language_box
    h.tab_to(box)
    fr = box.findData("fr")
    box.setCurrentIndex(fr)
    box.activated.emit(fr)
    from assistant.i18n import _, current_language

    assert current_language() == "fr"
    screen = h.controller.screens[Step.ABOUT_PIN]
    assert screen.heading.text() == _("Your PIN code")
    assert h.shell.back_button.text() == _("Back")
    assert h.shell.step_label.text() == _("Step {n} of {m}").format(n=5, m=8)
    from assistant.i18n import set_language

    set_language("en")
    assert screen.heading.text() == "Your PIN code"


def test_listen_help_and_hide(h: JourneyHarness) -> None:
    h.walk_to(Step.PIN)
    h.type_text("1234")
    with h.qtbot.waitSignal(h.shell.speaker.spoken, timeout=2000) as spoken:
        h.press(h.shell.listen_button)
    text = spoken.args[0]
    assert "Type your PIN code." in text and "1234" not in text and "●" not in text
    h.press(h.shell.help_button)
    assert h.shell.help_overlay.isVisible()
    assert "Erase" in h.shell.help_overlay.text.text()
    h.enter()  # Close help has the focus
    assert not h.shell.help_overlay.isVisible()
    h.qtbot.keyClick(h.focused(), Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier)
    assert h.shell.is_hidden() and h.focused() is h.shell.show_again
    assert not h.shell.top_bar.isEnabled()
    h.enter()
    assert not h.shell.is_hidden()
    assert h.controller.pin_screen.pad.count == 4


def test_speech_in_a_language_without_voice_says_so(h: JourneyHarness) -> None:
    from assistant.i18n import set_language

    set_language("nl")  # the mock engine only speaks English and Nordic languages
    try:
        with h.qtbot.waitSignal(h.shell.speaker.unavailable, timeout=2000):
            h.shell.listen()
        assert h.shell.status_label.text() == h.shell.speaker.no_voice_message()
    finally:
        set_language("en")


def test_text_size_and_contrast_buttons(h: JourneyHarness) -> None:
    from ui import theme as theme_mod

    h.walk_to(Step.WELCOME)
    h.press(h.shell.text_size_button)
    assert theme_mod.current().text_scale == 1.5
    h.enter()
    assert theme_mod.current().text_scale == 2.0
    h.enter()
    assert theme_mod.current().text_scale == 1.0
    h.press(h.shell.contrast_button)
    assert theme_mod.current().high_contrast
    h.enter()
    assert not theme_mod.current().high_contrast


@pytest.mark.pcsc
def test_whole_journey_through_pcscd_and_vpcd(qtbot, vpcd_slot) -> None:
    """The real PC/SC path: pcscd, the vpcd reader, pyscard, then the card pulled."""
    h = JourneyHarness.start(qtbot, use_pcscd=True, port=vpcd_slot.port)
    try:
        assert h.card.uses_pcscd
        assert h.card.reader_name == vpcd_slot.reader_name
        h.walk_to(Step.PIN)
        h.type_text("1111")
        h.enter()
        h.qtbot.waitUntil(lambda: h.state.tries_left == 2, timeout=15000)
        h.type_text("1234")
        h.enter()
        h.wait_step(Step.RECORD)
        assert "Jacqueline" in h.controller.record_screen.viewer.title()
        h.pull_card()
        h.wait_step(Step.CARD)
        assert h.state.problem is Problem.CARD_REMOVED
        assert h.controller.record_screen.viewer is None
    finally:
        h.close()


def test_no_i_stop_at_the_last_try(h: JourneyHarness) -> None:
    h.walk_to(Step.PIN)
    for expected in (2, 1):
        h.type_text("0000")
        h.enter()
        h.qtbot.waitUntil(lambda e=expected: h.state.tries_left == e, timeout=10000)
    h.qtbot.waitUntil(lambda: h.state.confirm_last_try, timeout=5000)
    h.enter()  # "No, I stop" has the focus
    h.wait_step(Step.FINISH)
    assert h.controller.journey.card_data is None
    assert h.shell.step_label.text() == ""  # Finish is not a step towards the record


def test_dont_know_pin_says_what_to_do(h: JourneyHarness) -> None:
    h.walk_to(Step.ABOUT_PIN)
    about = h.controller.screens[Step.ABOUT_PIN]
    h.press(about.dont_know)
    h.qtbot.waitUntil(lambda: h.state.problem is Problem.NO_PIN, timeout=5000)
    shown = "\n".join(w.text() for w in (about.what, about.where, about.forgot, about.itsme))
    assert "PIN letter" in shown and "commune" in shown and "itsme" in shown
    assert "PUK" in shown
    assert not about.have.isVisible() and about.stop.isVisible()
    assert h.focused() is about.stop
    h.press(about.found)  # "I found my PIN code": About the PIN again, then the keypad
    h.qtbot.waitUntil(lambda: h.state.problem is None, timeout=5000)
    assert h.step is Step.ABOUT_PIN and about.have.isVisible()
    h.press(about.dont_know)
    h.qtbot.waitUntil(lambda: h.state.problem is Problem.NO_PIN, timeout=5000)
    h.press(about.stop)
    h.wait_step(Step.FINISH)


def test_back_is_hidden_where_there_is_no_step_before(h: JourneyHarness) -> None:
    """A Back that cannot go back is not shown (nor told to screen readers); the other
    bottom buttons keep their places."""
    h.wait_step(Step.WELCOME)
    back = h.shell.back_button
    listen_x = h.shell.listen_button.x()
    assert not back.isVisible()
    h.enter()
    h.wait_step(Step.CONFIRM_IDENTITY)
    assert back.isVisible() and back.isEnabled()
    assert h.shell.listen_button.x() == listen_x
