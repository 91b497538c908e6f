"""The pharmacist's panel: the staff code on an on-screen keyboard, then "start again for a new
patient" or "close the program". Only the code's hash is in the kiosk file; wrong codes lock
the panel for a while (the rule is :class:`assistant.staff_code.StaffLockout`).
"""

from __future__ import annotations

import math
from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QVBoxLayout, QWidget

from assistant.i18n import _, ngettext
from assistant.staff_code import StaffLockout
from ui import theme as theme_mod
from ui.modes.cover import Cover
from ui.modes.kiosk.onscreen_keyboard import OnScreenKeyboard
from ui.widgets import BigButton, Body, Heading, announce


def _wait_text(seconds: float) -> str:
    """ "Too many wrong codes", with the wait in whole seconds or, from 2 minutes, minutes."""
    if seconds < 120:
        n = max(1, math.ceil(seconds))
        return ngettext(
            "Too many wrong codes. Wait {n} second and try again.",
            "Too many wrong codes. Wait {n} seconds and try again.",
            n,
        ).format(n=n)
    n = math.ceil(seconds / 60)
    return ngettext(
        "Too many wrong codes. Wait {n} minute and try again.",
        "Too many wrong codes. Wait {n} minutes and try again.",
        n,
    ).format(n=n)


class StaffPanel(Cover):
    """The pharmacist's panel: code on an on-screen keyboard, then reset or close."""

    unlocked = Signal()
    new_patient = Signal()
    close_program = Signal()
    closed = Signal()

    def __init__(
        self,
        window: QWidget,
        check_code: Callable[[str], bool],
        lockout: StaffLockout,
        unlocked_ms: int = 120_000,
    ) -> None:
        super().__init__(window, "staffPanel")
        # An open staff menu left alone closes itself (and the kiosk locks again).
        self._auto_close = QTimer(self)
        self._auto_close.setSingleShot(True)
        self._auto_close.setInterval(unlocked_ms)
        self._auto_close.timeout.connect(self.cancel)
        self._check = check_code
        self._lockout = lockout
        lay = QVBoxLayout(self)
        lay.setContentsMargins(48, 32, 48, 32)
        lay.setSpacing(16)
        self.heading = Heading("", self)
        lay.addWidget(self.heading)
        self.text = Body("", self)
        lay.addWidget(self.text)
        self.code = QLineEdit(self)
        self.code.setObjectName("staffCode")
        self.code.setEchoMode(QLineEdit.EchoMode.Password)
        self.code.setMaxLength(64)
        self.code.setInputMethodHints(
            Qt.InputMethodHint.ImhHiddenText
            | Qt.InputMethodHint.ImhSensitiveData
            | Qt.InputMethodHint.ImhNoPredictiveText
        )
        self.code.returnPressed.connect(self.try_code)
        lay.addWidget(self.code)
        self.problem = Body("", self, "problem")
        self.problem.hide()
        lay.addWidget(self.problem)
        self.keyboard = OnScreenKeyboard(self)
        self.keyboard.set_target(self.code)
        self.keyboard.submitted.connect(self.try_code)
        self.keyboard.hide_requested.connect(self.cancel)
        lay.addWidget(self.keyboard)
        row = QHBoxLayout()
        self.open_button = BigButton("", "unlock", self, primary=True)
        self.open_button.setObjectName("staffOpen")
        self.open_button.clicked.connect(self.try_code)
        self.cancel_button = BigButton("", "back", self)
        self.cancel_button.setObjectName("staffCancel")
        self.cancel_button.clicked.connect(self.cancel)
        row.addWidget(self.cancel_button)
        row.addWidget(self.open_button)
        lay.addLayout(row)
        # After the code: what the pharmacist can do.
        self.reset_button = BigButton("", "retry", self, primary=True)
        self.reset_button.setObjectName("staffNewPatient")
        self.reset_button.clicked.connect(self._new_patient)
        self.quit_button = BigButton("", "close", self)
        self.quit_button.setObjectName("staffQuit")
        self.quit_button.clicked.connect(self.close_program.emit)
        self.back_button = BigButton("", "back", self)
        self.back_button.setObjectName("staffBack")
        self.back_button.clicked.connect(self.cancel)
        for b in (self.reset_button, self.quit_button, self.back_button):
            lay.addWidget(b)
        lay.addStretch(1)
        self._lay = lay
        theme_mod.notifier().changed.connect(self._fit_spacing)
        self._fit_spacing()
        self._show_code_page(True)
        self.retranslate()

    def _fit_spacing(self, _theme: object = None) -> None:
        """Less space around the parts with large text: the code, the keyboard and the
        buttons fit on a 1024×768 screen at 200 %."""
        large = theme_mod.current().text_scale >= 1.25
        self._lay.setContentsMargins(*((24, 12, 24, 12) if large else (48, 32, 48, 32)))
        self._lay.setSpacing(8 if large else 16)

    def retranslate(self) -> None:
        self.heading.setText(_("Pharmacy staff"))
        self.text.setText(_("Type the staff code. Patients: press Back."))
        self.code.setAccessibleName(_("Staff code"))
        self.open_button.set_text(_("Open"))
        self.cancel_button.set_text(_("Back"))
        self.reset_button.set_text(_("Start again for a new patient"))
        self.quit_button.set_text(_("Close the program"))
        self.back_button.set_text(_("Back to the patient"))
        self.keyboard.retranslate()

    def _show_code_page(self, code_page: bool) -> None:
        for w in (self.text, self.code, self.keyboard, self.open_button, self.cancel_button):
            w.setVisible(code_page)
        for w in (self.reset_button, self.quit_button, self.back_button):
            w.setVisible(not code_page)
        if code_page:
            self.problem.hide()

    def open(self) -> None:
        self.code.clear()
        self._show_code_page(True)
        self.cover()
        self.code.setFocus(Qt.FocusReason.OtherFocusReason)

    def try_code(self) -> bool:
        """Check the typed code; the field is emptied at once either way."""
        code = self.code.text()
        self.code.clear()
        wait = self._lockout.seconds_left()
        if wait > 0:
            self._problem(_wait_text(wait))
            return False
        if code and self._check(code):
            self._lockout.record_success()
            self._show_code_page(False)
            self._auto_close.start()
            self.reset_button.setFocus(Qt.FocusReason.OtherFocusReason)
            self.unlocked.emit()
            return True
        wait = self._lockout.record_failure()
        if wait > 0:
            self._problem(_wait_text(wait))
        else:
            self._problem(_("This code is not right. Try again."))
        return False

    def _problem(self, text: str) -> None:
        self.problem.setText(text)
        self.problem.show()
        announce(self.problem, text)

    def _new_patient(self) -> None:
        self._auto_close.stop()
        self.hide()
        self.new_patient.emit()
        self.closed.emit()

    def cancel(self) -> None:
        self._auto_close.stop()
        self.code.clear()
        self.hide()
        self.closed.emit()
