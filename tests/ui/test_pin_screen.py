"""The PIN keypad: digits never shown, spoken or kept; keyboard and on-screen keys; zeroing."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QLabel

from assistant.i18n import set_language
from assistant.journey import JourneyState, Problem, Step
from ui import theme as theme_mod
from ui.screens.pin import MAX_PIN, PinScreen
from ui.widgets import BigButton, announcer

pytestmark = pytest.mark.usefixtures("qapp")


@pytest.fixture
def screen(qtbot) -> PinScreen:
    set_language("en")
    theme_mod.set_theme(theme_mod.Theme())
    s = PinScreen()
    qtbot.addWidget(s)
    s.show_state(JourneyState(Step.PIN))
    s.resize(900, 900)
    s.show()
    s.action_bar.show()
    qtbot.waitExposed(s)
    return s


def everything_visible_or_named(s: PinScreen) -> str:
    texts = []
    for w in s.findChildren(QLabel):
        texts += [w.text(), w.accessibleName(), w.accessibleDescription(), w.toolTip()]
    for b in s.all_buttons():
        texts += [b.text(), b.accessibleName(), b.accessibleDescription(), b.toolTip()]
    texts.append(s.speech_text())
    return "\n".join(texts)


def test_keyboard_digits_erase_and_enter(qtbot, screen: PinScreen) -> None:
    screen.pad.digit_buttons["5"].setFocus()
    for ch in "2580":
        qtbot.keyClicks(screen.pad.digit_buttons["5"], ch)
    assert screen.pad.count == 4
    assert screen.pad.dots.text() == "●●●●"
    qtbot.keyClick(screen.pad.digit_buttons["5"], Qt.Key.Key_Backspace)
    assert screen.pad.count == 3
    # Enter on a digit key means OK, not "press this digit"; 3 digits are too few
    with qtbot.assertNotEmitted(screen.submitted):
        qtbot.keyClick(screen.pad.digit_buttons["5"], Qt.Key.Key_Return)
    assert screen.pad.count == 3
    qtbot.keyClicks(screen.pad.digit_buttons["5"], "7")
    with qtbot.waitSignal(screen.submitted, timeout=1000):
        qtbot.keyClick(screen.pad.digit_buttons["5"], Qt.Key.Key_Enter)
    pin = screen.take_pin()
    assert bytes(pin) == b"2587"
    assert screen.pad.count == 0 and screen.pad.dots.text() == ""


def test_on_screen_keys(qtbot, screen: PinScreen) -> None:
    for d in "90210":
        qtbot.mouseClick(screen.pad.digit_buttons[d], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(screen.pad.erase, Qt.MouseButton.LeftButton)
    assert screen.pad.count == 4
    with qtbot.waitSignal(screen.submitted, timeout=1000):
        qtbot.mouseClick(screen.pad.ok, Qt.MouseButton.LeftButton)
    assert bytes(screen.take_pin()) == b"9021"


def test_digits_never_shown_named_or_spoken(qtbot, screen: PinScreen) -> None:
    said: list[str] = []
    announcer().announced.connect(said.append)
    for d in "8642":
        screen.pad.press(d)
    assert said[-1] == "4 digits typed"
    assert screen.pad.dots.accessibleName() == "4 digits typed"
    every = everything_visible_or_named(screen)
    assert "8642" not in every
    assert said[-4:] == ["1 digit typed", "2 digits typed", "3 digits typed", "4 digits typed"]
    assert not any(ch.isdigit() for ch in screen.pad.dots.text())
    assert "8642" not in screen.speech_text()


def test_clear_zeroes_the_buffer(screen: PinScreen) -> None:
    for d in "1234":
        screen.pad.press(d)
    buffer = screen.pad._pin
    screen.clear_pin()
    assert bytes(buffer) == b"\0\0\0\0" or len(buffer) == 0
    assert screen.pad.count == 0
    # erase also zeroes the byte it removes
    for d in "56":
        screen.pad.press(d)
    buffer = screen.pad._pin
    screen.pad.erase_one()
    assert bytes(buffer) == b"5"


def test_length_limit_and_no_time_limit(qtbot, screen: PinScreen) -> None:
    for _ in range(MAX_PIN + 5):
        screen.pad.press("1")
    assert screen.pad.count == MAX_PIN
    # no timer anywhere on the screen could clear the digits or close the step
    assert not [t for t in screen.findChildren(QTimer) if t.isActive()]
    assert screen.pad.count == MAX_PIN


def test_tries_left_always_shown(screen: PinScreen) -> None:
    cases = [
        (JourneyState(Step.PIN), "You have 3 tries."),
        (JourneyState(Step.PIN, Problem.PIN_WRONG, tries_left=2), "You have 2 tries left."),
        (JourneyState(Step.PIN, Problem.PIN_WRONG, tries_left=1), "You have 1 try left."),
        (JourneyState(Step.PIN, Problem.PIN_BLOCKED, tries_left=0), "You have no tries left."),
        (JourneyState(Step.PIN, pinpad=True, busy=True), "You have 3 tries."),
    ]
    for state, text in cases:
        screen.show_state(state)
        assert screen.tries.isVisible()
        assert screen.tries.text() == text


def test_busy_and_confirm_freeze_typing(qtbot, screen: PinScreen) -> None:
    screen.show_state(JourneyState(Step.PIN, busy=True))
    screen.setFocus()
    qtbot.keyClicks(screen, "12")
    assert screen.pad.count == 0 and not screen.pad.isEnabled()
    screen.show_state(
        JourneyState(Step.PIN, Problem.PIN_WRONG, tries_left=1, confirm_last_try=True)
    )
    qtbot.keyClicks(screen, "3")
    assert screen.pad.count == 0
    assert screen.confirm_text.isVisible() and screen.confirm_yes.isVisible()
    assert "last try" in screen.speech_text()


def test_pinpad_reader_message(screen: PinScreen) -> None:
    screen.show_state(JourneyState(Step.PIN, pinpad=True, busy=True))
    assert screen.heading.text() == "Type your PIN code on the card reader."
    assert not screen.pad.isVisible()
    screen.show_state(
        JourneyState(Step.PIN, Problem.PIN_WRONG, tries_left=1, pinpad=True, confirm_last_try=True)
    )
    # the last try on a pinpad: the same question first, then the reader asks for the code
    assert not screen.retry.isVisible()
    assert screen.confirm_yes.isVisible() and screen.confirm_no.isVisible()
    fired: list[str] = []
    screen.confirm_last.connect(lambda: fired.append("yes"))
    screen.cancel_last.connect(lambda: fired.append("no"))
    screen.confirm_yes.click()
    screen.confirm_no.click()
    assert fired == ["yes", "no"]
    screen.retry_requested.connect(lambda: fired.append("retry"))
    screen.show_state(JourneyState(Step.PIN, Problem.PIN_WRONG, tries_left=2, pinpad=True))
    screen.retry.click()
    assert fired == ["yes", "no", "retry"]


def test_every_keypad_button_is_big_and_named(screen: PinScreen) -> None:
    buttons = [*screen.pad.digit_buttons.values(), screen.pad.erase, screen.pad.ok]
    for b in buttons:
        assert isinstance(b, BigButton)
        assert b.width() >= 44 and b.height() >= 44
        assert b.accessibleName()
    assert screen.pad.ok.accessibleName() == "OK"
