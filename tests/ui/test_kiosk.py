"""Kiosk mode on the real shell and journey: no way out, idle warning and reset, staff code."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from assistant.i18n import current_language, set_language
from assistant.idle import IdlePhase, ResetReason
from assistant.journey import ReaderStatus, Step
from assistant.session_log import read_sessions
from assistant.settings import HelpContact, KioskConfig
from assistant.staff_code import StaffLockout
from tests.support.kiosk import (
    CODE,
    FAST_HASH,
    KioskSession,
    kiosk_session,
    reach_record,
    start_session,
)
from ui import theme as theme_mod
from ui.modes.kiosk.banner import kiosk_help_text
from ui.modes.kiosk.guard import is_escape_key
from ui.modes.kiosk.onscreen_keyboard import KeyButton, OnScreenKeyboard
from ui.modes.kiosk.staff_panel import StaffPanel

MODIFIER_KEYS = {Qt.Key.Key_Alt, Qt.Key.Key_Control, Qt.Key.Key_Shift, Qt.Key.Key_AltGr}


class KeyProbe(QLineEdit):
    """A field that records every key it receives."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.keys: list[tuple[int, Qt.KeyboardModifier]] = []

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() not in MODIFIER_KEYS:
            self.keys.append((event.key(), event.modifiers()))
        super().keyPressEvent(event)


Kiosk = KioskSession
#: What the kiosk read aloud (closed functionality: the warning is spoken).
SPOKEN: list[str] = []


@pytest.fixture
def kiosk(qtbot: QtBot, tmp_path: object) -> Iterator[KioskSession]:
    SPOKEN.clear()
    with kiosk_session(qtbot, tmp_path, speak=SPOKEN.append) as session:
        yield session


def press(
    widget: QWidget, key: Qt.Key, mods: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
) -> None:
    QTest.keyClick(widget, key, mods)


ESCAPES = [
    (Qt.Key.Key_F4, Qt.KeyboardModifier.AltModifier),
    (Qt.Key.Key_Escape, Qt.KeyboardModifier.NoModifier),
    (Qt.Key.Key_Tab, Qt.KeyboardModifier.AltModifier),
    (Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier),
    (Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier),
    (Qt.Key.Key_F11, Qt.KeyboardModifier.NoModifier),
    (Qt.Key.Key_Space, Qt.KeyboardModifier.AltModifier),
    (Qt.Key.Key_F2, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier),
]


def test_window_is_full_screen_and_frameless(
    kiosk: Kiosk,
) -> None:
    shell, _mode, _journey, _clock = kiosk
    assert shell.isFullScreen()
    assert shell.windowFlags() & Qt.WindowType.FramelessWindowHint
    assert shell.windowFlags() & Qt.WindowType.WindowStaysOnTopHint


@pytest.mark.parametrize(("key", "mods"), ESCAPES)
def test_escape_keys_never_reach_the_program(
    qtbot: QtBot,
    kiosk: Kiosk,
    key: Qt.Key,
    mods: Qt.KeyboardModifier,
) -> None:
    shell, mode, _journey, _clock = kiosk
    probe = KeyProbe(shell)
    probe.show()
    probe.setFocus()
    qtbot.waitUntil(probe.hasFocus)
    press(probe, Qt.Key.Key_A)  # an ordinary key goes through (so the probe works)
    assert probe.keys and probe.keys[-1][0] == Qt.Key.Key_A
    before = mode.guard.blocked if mode.guard else 0
    press(probe, key, mods)
    assert [k for k, _m in probe.keys] == [Qt.Key.Key_A]
    assert mode.guard is not None and mode.guard.blocked > before
    assert shell.isVisible() and shell.isFullScreen()


def test_escape_help_does_not_close_through_escape(
    kiosk: Kiosk,
) -> None:
    shell, _mode, _journey, _clock = kiosk
    shell.show_help()
    press(shell, Qt.Key.Key_Escape)
    assert shell.isVisible()


def test_close_is_refused_until_unlocked(qtbot: QtBot, kiosk: Kiosk) -> None:
    shell, mode, _journey, _clock = kiosk
    assert shell.close() is False
    assert shell.isVisible()
    QApplication.closeAllWindows()
    assert shell.isVisible()
    # The pharmacist types the code on the on-screen keyboard of the staff panel.
    mode.banner.staff_button.click()
    assert mode.staff.isVisible()
    keys = {k.text(): k for k in mode.staff.keyboard.findChildren(KeyButton)}
    for ch in CODE:
        if ch.isupper():
            mode.staff.keyboard.shift_key.click()
            ch = ch.lower()
        keys[ch].click()
    assert mode.staff.code.text() == CODE
    mode.staff.open_button.click()
    assert mode.staff.code.text() == ""  # the code never stays in the field
    assert mode.staff.quit_button.isVisible()
    mode.staff.quit_button.click()
    qtbot.waitUntil(lambda: not shell.isVisible())


def test_minimise_comes_back_full_screen(qtbot: QtBot, kiosk: Kiosk) -> None:
    shell, _mode, _journey, _clock = kiosk
    shell.showNormal()
    qtbot.waitUntil(shell.isFullScreen)
    shell.showMinimized()
    qtbot.waitUntil(lambda: shell.isFullScreen() and not shell.isMinimized())


def test_wrong_codes_lock_out(kiosk: Kiosk) -> None:
    shell, mode, _journey, clock = kiosk
    mode.staff.open()
    for _ in range(3):
        mode.staff.code.setText("0000")
        assert not mode.staff.try_code()
    assert mode.guard is not None and not mode.guard.unlocked
    assert "30" in mode.staff.problem.text()
    mode.staff.code.setText(CODE)  # the right code is refused during the lockout
    assert not mode.staff.try_code()
    clock.now += 31
    mode.staff.code.setText("0000")  # one more wrong code: the wait doubles
    assert not mode.staff.try_code()
    assert "60" in mode.staff.problem.text()
    clock.now += 61
    mode.staff.code.setText(CODE)
    assert mode.staff.try_code()
    assert mode.guard.unlocked
    mode.staff.back_button.click()  # back to the patient: locked again
    assert not mode.guard.unlocked
    assert shell.close() is False


def test_idle_warning_extend_and_reset(qtbot: QtBot, kiosk: Kiosk, tmp_path: object) -> None:
    shell, mode, journey, clock = kiosk
    start_session(journey)
    assert mode.idle.running
    assert not mode.warning.isVisible()
    set_language("nl")  # the patient changed the look and language
    theme_mod.set_theme(theme_mod.current().with_(text_scale=2.0, high_contrast=True))
    clock.now += 40
    qtbot.waitUntil(mode.warning.isVisible)
    assert mode.warning.geometry() == shell.rect()
    assert mode.warning.countdown.text() == "20"
    assert mode.warning.button.hasFocus()
    assert len(SPOKEN) == 1 and mode.warning.heading.text() in SPOKEN[0]
    clock.now += 5.5
    qtbot.waitUntil(lambda: mode.warning.countdown.text() == "15")
    # A touch elsewhere does not count; the button does.
    QTest.mouseClick(mode.warning.text, Qt.MouseButton.LeftButton)
    assert mode.idle.phase is IdlePhase.WARNING
    QTest.mouseClick(mode.warning.button, Qt.MouseButton.LeftButton)
    assert not mode.warning.isVisible()
    assert mode.idle.phase is IdlePhase.ACTIVE
    # Activity postpones; then nobody touches and the reset comes.
    clock.now += 39
    QTest.mouseClick(shell.help_button, Qt.MouseButton.LeftButton)
    shell.close_help()
    clock.now += 39
    QTest.qWait(30)
    assert not mode.warning.isVisible()
    clock.now += 1
    qtbot.waitUntil(mode.warning.isVisible)
    clock.now += 20
    qtbot.waitUntil(lambda: mode.resets == [ResetReason.IDLE])
    assert journey.step is Step.WELCOME
    assert not mode.warning.isVisible()
    assert current_language() == "fr"
    assert theme_mod.current().text_scale == 1.0 and not theme_mod.current().high_contrast
    (entry,) = read_sessions(tmp_path)  # type: ignore[arg-type]
    assert entry["ended_by"] == "idle" and entry["mode"] == "kiosk"


def test_card_removal_resets_at_once(qtbot: QtBot, kiosk: Kiosk) -> None:
    shell, mode, journey, _clock = kiosk
    start_session(journey)
    (read,) = journey.reader_changed(ReaderStatus.CARD_PRESENT)

    class Card:
        wiped = False

        def wipe(self) -> None:
            self.wiped = True

    card = Card()
    journey.card_read(read.token, card)
    assert journey.step is Step.CONFIRM_IDENTITY
    field = QLineEdit(shell)
    field.setText("question for my doctor")
    wiped: list[str] = []
    mode.wipe_list.add("probe", lambda: wiped.append("x"))
    journey.reader_changed(ReaderStatus.NO_CARD)
    qtbot.waitUntil(lambda: mode.resets == [ResetReason.CARD_REMOVED])
    assert journey.step is Step.WELCOME
    assert card.wiped and wiped == ["x"]
    assert field.text() == ""


def test_no_idle_reset_at_welcome(qtbot: QtBot, kiosk: Kiosk) -> None:
    _shell, mode, _journey, clock = kiosk
    clock.now += 10_000
    QTest.qWait(30)
    assert not mode.warning.isVisible()
    assert mode.resets == []


def test_staff_new_patient(qtbot: QtBot, kiosk: Kiosk) -> None:
    _shell, mode, journey, _clock = kiosk
    start_session(journey)
    mode.staff.open()
    mode.staff.code.setText(CODE)
    assert mode.staff.try_code()
    mode.staff.reset_button.click()
    qtbot.waitUntil(lambda: mode.resets == [ResetReason.STAFF])
    assert journey.step is Step.WELCOME


def test_shutdown_deletes_the_prescriptions_panel_at_once(kiosk: Kiosk) -> None:
    # A panel left to the garbage collector was deleted at a random moment later, and crashed
    # the process when that moment fell inside theme.set_theme() restyling every widget.
    _shell, mode, journey, _clock = kiosk
    assert mode.prescriptions is not None
    panel = mode.prescriptions.panel
    listeners = len(journey._listeners)
    mode.shutdown()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
    assert not shiboken6.isValid(panel)
    assert len(journey._listeners) == listeners - 1
    assert mode.prescriptions is None
    mode.shutdown()  # the fixture's own call: twice is harmless


def test_is_escape_key() -> None:
    def ev(key: Qt.Key, mods: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> QKeyEvent:
        return QKeyEvent(QEvent.Type.KeyPress, key, mods)

    for key, mods in ESCAPES:
        assert is_escape_key(ev(key, mods))
    assert not is_escape_key(ev(Qt.Key.Key_A))
    assert not is_escape_key(ev(Qt.Key.Key_Tab))  # plain Tab moves the focus: allowed
    assert not is_escape_key(ev(Qt.Key.Key_F1))  # help
    assert not is_escape_key(ev(Qt.Key.Key_Return))


def test_help_contacts_text() -> None:
    cfg = KioskConfig(
        pharmacy_name="P",
        exit_code_hash=FAST_HASH,
        help_contacts=(HelpContact("The pharmacist", phone="02 000 00 00", note="Ask us."),),
    )
    text = kiosk_help_text(cfg)
    assert "The pharmacist" in text and "02 000 00 00" in text and "Ask us." in text


# --- on-screen keyboard -----------------------------------------------------------------


def test_keyboard_types_accents_capitals_and_deletes(qtbot: QtBot) -> None:
    kb = OnScreenKeyboard()
    qtbot.addWidget(kb)
    field = QLineEdit()
    qtbot.addWidget(field)
    kb.set_target(field)
    keys = {k.text(): k for k in kb.findChildren(KeyButton)}
    kb.shift_key.click()
    assert keys["z"].text() == "Z"
    keys["z"].click()  # shift shows capitals
    keys["é"].click()  # one capital only
    keys["ö"].click()
    kb.space_key.click()
    keys["?"].click()
    keys["1"].click()
    assert field.text() == "Zéö ?1"
    kb.backspace_key.click()
    assert field.text() == "Zéö ?"
    with qtbot.waitSignal(kb.submitted):
        kb.enter_key.click()
    for key in kb.findChildren(KeyButton):
        assert key.accessibleName(), key.text()
        assert key.focusPolicy() == Qt.FocusPolicy.NoFocus
        assert key.minimumHeight() >= 44


def test_keyboard_respects_max_length(qtbot: QtBot) -> None:
    kb = OnScreenKeyboard()
    qtbot.addWidget(kb)
    field = QLineEdit()
    field.setMaxLength(2)
    kb.set_target(field)
    for _ in range(4):
        kb.type_char("a")
    assert field.text() == "aa"


def test_keyboard_dock_follows_focus(qtbot: QtBot, kiosk: Kiosk) -> None:
    shell, mode, _journey, _clock = kiosk
    field = QLineEdit(shell)
    field.show()
    other = QLineEdit(shell)
    other.setProperty("onscreen_keyboard", False)
    other.show()
    field.setFocus()
    qtbot.waitUntil(mode.keyboard.isVisible)
    assert mode.keyboard.target() is field
    other.setFocus()
    qtbot.waitUntil(lambda: not mode.keyboard.isVisible())


@pytest.mark.parametrize("page", ["welcome", "warning", "staff"])
def test_kiosk_pages_pass_the_accessibility_audit(qtbot: QtBot, kiosk: Kiosk, page: str) -> None:
    from tests.support.a11y_checks import audit

    shell, mode, journey, clock = kiosk
    shell.add_banner(mode.banner)
    if page == "warning":
        start_session(journey)
        clock.now += 45
        qtbot.waitUntil(mode.warning.isVisible)
        target: QWidget = mode.warning
    elif page == "staff":
        mode.staff.open()
        target = mode.staff
    else:
        target = shell
    QApplication.processEvents()
    problems = audit(target, focus=False)
    assert [str(p) for p in problems] == []


def test_file_and_print_dialogs_are_closed(qtbot: QtBot, kiosk: Kiosk) -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtPrintSupport import QPrintDialog, QPrinter
    from PySide6.QtWidgets import QDialog, QFileDialog

    shell, mode, _journey, _clock = kiosk
    assert mode.guard is not None
    before = mode.guard.blocked
    dialog = QFileDialog(shell, "Open")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
    # Safety net: if the guard failed, close the dialog anyway so the test cannot hang.
    QTimer.singleShot(3000, dialog.accept)
    assert dialog.exec() == QDialog.DialogCode.Rejected
    printer = QPrinter()
    pdialog = QPrintDialog(printer, shell)
    QTimer.singleShot(3000, pdialog.accept)
    assert pdialog.exec() == QDialog.DialogCode.Rejected
    assert mode.guard.blocked == before + 2


def test_typing_in_a_dialog_over_the_kiosk_counts_as_activity(qtbot: QtBot, kiosk: Kiosk) -> None:
    from PySide6.QtWidgets import QDialog

    shell, mode, journey, clock = kiosk
    start_session(journey)
    dialog = QDialog(shell)
    field = QLineEdit(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    clock.now += 35
    QTest.keyClick(field, Qt.Key.Key_A)
    clock.now += 35  # 70 s after the start, but only 35 s after the key
    QTest.qWait(30)
    assert not mode.warning.isVisible()
    dialog.close()


def test_staff_menu_left_open_locks_again(qtbot: QtBot, tmp_path: object) -> None:

    window = QWidget()
    qtbot.addWidget(window)
    panel = StaffPanel(window, lambda code: code == "1", StaffLockout(None), unlocked_ms=50)
    closed: list[bool] = []
    panel.closed.connect(lambda: closed.append(True))
    panel.open()
    panel.code.setText("1")
    assert panel.try_code()
    assert panel.quit_button.isVisibleTo(panel)
    qtbot.waitUntil(lambda: closed == [True], timeout=2000)
    assert not panel.isVisible()


def test_prescriptions_beside_the_record_only(qtbot: QtBot, kiosk: Kiosk) -> None:
    from datetime import date

    from assistant.records.model import Prescription, Record

    shell, mode, journey, _clock = kiosk
    assert mode.prescriptions is not None
    panel = mode.prescriptions.panel

    def with_prescriptions() -> Record:
        return Record(
            prescriptions=[
                Prescription(
                    rid="BEP0TEST1234", medication="Metformine 850 mg", expiry=date(2027, 1, 2)
                ),
                Prescription(rid="BEP0DONE0000", medication="Old", status="completed"),
            ]
        )

    reach_record(journey, with_prescriptions())  # ends at Step.RECORD
    assert panel.count() == 1  # only the open one
    qtbot.waitUntil(panel.isVisible)
    assert shell.isAncestorOf(panel)
    assert [c.payload for c in panel.codes] == ["BEP0TEST1234"]
    assert panel.codes[0].accessibleName().endswith("Metformine 850 mg")
    journey.finish()
    assert panel.count() == 0 and not panel.codes
    assert not panel.isVisible()
    # The next patient's record shows the panel again.
    journey.reader_changed(ReaderStatus.NO_CARD)
    qtbot.waitUntil(lambda: journey.step is Step.WELCOME)
    reach_record(journey, with_prescriptions())
    qtbot.waitUntil(panel.isVisible)


def test_wrong_codes_stay_counted_after_a_restart(qtbot: QtBot, tmp_path: Path) -> None:
    """The lock-out is kept in a file: a restarted kiosk does not give three fresh tries."""
    lockout_file = tmp_path / "state" / "staff-lockout.json"
    for attempt in ("before the restart", "after the restart"):
        window = QWidget()
        qtbot.addWidget(window)
        panel = StaffPanel(window, lambda code: code == CODE, StaffLockout(lockout_file))
        panel.open()
        if attempt == "before the restart":
            for _ in range(3):
                panel.code.setText("0000")
                assert not panel.try_code()
        else:  # even the right code waits
            panel.code.setText(CODE)
            assert not panel.try_code()
            assert "30" in panel.problem.text()


def test_context_menus_never_open(qtbot: QtBot, kiosk: Kiosk) -> None:
    """Right click or long press on any widget (a text field offers Copy/Paste/Select all)."""
    from PySide6.QtCore import QPoint
    from PySide6.QtGui import QContextMenuEvent
    from PySide6.QtWidgets import QMenu

    shell, mode, _journey, _clock = kiosk
    assert mode.guard is not None
    field = QLineEdit(shell)
    field.show()
    before = mode.guard.blocked
    for reason in (QContextMenuEvent.Reason.Mouse, QContextMenuEvent.Reason.Keyboard):
        local = QPoint(2, 2)
        QApplication.sendEvent(field, QContextMenuEvent(reason, local, field.mapToGlobal(local)))
    assert mode.guard.blocked == before + 2
    assert not [m for m in QApplication.topLevelWidgets() if isinstance(m, QMenu) and m.isVisible()]
    # A menu opened some other way is closed at once.
    menu = QMenu(shell)
    menu.addAction("Open link")
    menu.popup(shell.mapToGlobal(QPoint(5, 5)))
    qtbot.waitUntil(lambda: not menu.isVisible())


def test_links_never_start_another_program(kiosk: Kiosk) -> None:
    """Whatever asks to open a link or a file (a QR text, a label link), nothing is started."""
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QDesktopServices

    _shell, mode, _journey, _clock = kiosk
    assert mode.guard is not None
    before = mode.guard.blocked
    for url in ("https://www.masante.belgique.be", "file:///etc/passwd", "mailto:a@b.be"):
        QDesktopServices.openUrl(QUrl(url))
    assert mode.guard.blocked == before + 3
