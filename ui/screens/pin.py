"""Step 6 (what the PIN is) and step 7 (type the PIN).

The PIN lives in a ``bytearray`` owned by :class:`PinPad`; it is never shown (dots), never
spoken, never put in an accessible name or a log. :meth:`PinScreen.take_pin` hands it over
once and the screen keeps nothing; :meth:`PinPad.clear` zeroes it.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QBoxLayout,
    QFrame,
    QGridLayout,
    QLabel,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from assistant.i18n import _, ngettext
from assistant.journey import Problem
from ui import theme as theme_mod
from ui.screens.base import StateScreen
from ui.widgets import BigButton, Body, IconText, Pictogram, announce

#: The Belgian eID PIN has 4 to 12 digits.
MIN_PIN = 4
MAX_PIN = 12


class AboutPinScreen(StateScreen):
    screen_id = "about_pin"
    icon = "pin-code"
    next_requested = Signal()
    #: "Test my PIN code" / "Change my PIN code" (:mod:`ui.pin_tools_view`).
    test_requested = Signal()
    change_requested = Signal()
    #: "I don't know my PIN code": what to do instead (never a guess).
    dont_know_requested = Signal()
    #: "I found my PIN code": back to About the PIN.
    found_requested = Signal()
    finish_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.picture = Pictogram(
            "pictures/pin-letter.svg", self, size_factor=4.0, recolor=False, scales=False
        )
        self.body.addWidget(self.picture, 0, Qt.AlignmentFlag.AlignHCenter)
        self.what = IconText("pin-code", "", self)
        self.where = IconText("pin-letter", "", self)
        self.tries = IconText("warning", "", self)
        self.forgot = IconText("help", "", self)
        #: Only without a PIN code: itsme opens the official website without the card.
        self.itsme = IconText("phone", "", self)
        for w in (self.what, self.where, self.tries, self.forgot, self.itsme):
            self.body.addWidget(w)
        # The PIN tools: secondary, in the screen (the one main action stays "I know my PIN").
        self.tools_row = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self.tools_row.setSpacing(14)
        self.test_pin = BigButton("", "check", self)
        self.test_pin.setObjectName("testPin")
        self.test_pin.clicked.connect(self.test_requested)
        self.change_pin = BigButton("", "write", self)
        self.change_pin.setObjectName("changePin")
        self.change_pin.clicked.connect(self.change_requested)
        self.tools_row.addWidget(self.test_pin)
        self.tools_row.addWidget(self.change_pin)
        self.tools_row.addStretch(1)
        self.body.addLayout(self.tools_row)
        self._tools_offered = True
        self.have = self.add_action("next", primary=True)
        self.have.setObjectName("havePin")
        self.have.clicked.connect(self.next_requested)
        self.dont_know = self.add_action("help")
        self.dont_know.setObjectName("dontKnowPin")
        self.dont_know.clicked.connect(self.dont_know_requested)
        self.stop = self.add_action("finish", primary=True)
        self.stop.setObjectName("noPinStop")
        self.stop.clicked.connect(self.finish_requested)
        self.found = self.add_action("pin-code")
        self.found.setObjectName("foundPin")
        self.found.clicked.connect(self.found_requested)

    def offer_pin_tools(self, offered: bool) -> None:
        """Show "Test my PIN code" and "Change my PIN code" (not in kiosk mode)."""
        self._tools_offered = offered
        self.retranslate()

    def retranslate(self) -> None:
        self.picture.set_description(_("Picture: the PIN letter with the PIN and PUK codes."))
        problem = self.state.problem
        cannot = problem is Problem.CANNOT_LOG_IN
        no_pin = problem is Problem.NO_PIN
        self.picture.setVisible(problem is None)  # the words first when there is a problem
        self.have.setVisible(problem is None)
        self.dont_know.setVisible(problem is None)
        self.stop.setVisible(no_pin)
        self.found.setVisible(no_pin)
        self.itsme.setVisible(no_pin)
        for button in (self.test_pin, self.change_pin):
            button.setVisible(self._tools_offered and problem is None)
        self.test_pin.set_text(
            _("Test my PIN code"), _("Check your PIN code once, without opening your record.")
        )
        self.change_pin.set_text(
            _("Change my PIN code"), _("Choose a new PIN code. You need the one you use now.")
        )
        if cannot:
            # A kids card without authentication certificate (card content v5.4 §4.5).
            self.set_icon("info")
            self.heading.setText(_("This card cannot open a health record"))
            self.what.setText(_("This is the card of a young child. It has no login certificate."))
            self.where.setText(_("The card was read well. Nothing is wrong with it."))
            self.tries.setText(
                _("For the child's health information, ask your doctor or your pharmacist.")
            )
            self.forgot.setText(
                _("Ask your commune when the child can get a card that can log in.")
            )
            return
        for item, icon in (
            (self.what, "pin-letter" if no_pin else "pin-code"),
            (self.where, "card" if no_pin else "pin-letter"),
        ):
            if item.pictogram.name != icon:
                item.pictogram.set_name(icon)
        if no_pin:
            self.set_icon("pin-letter")
            self.heading.setText(_("You do not know your PIN code"))
            self.what.setText(
                _(
                    "Look for your PIN letter. It came by post with your card. "
                    "The PIN code is in this letter."
                )
            )
            self.where.setText(
                _(
                    "No PIN letter, or you forgot the code? Go to your commune with your card. "
                    "Ask for a new PIN code. It comes by post."
                )
            )
            self.tries.setText(_("Do not guess. After 3 wrong PIN codes, the card is blocked."))
            self.forgot.setText(
                _("Is your card blocked? Go to your commune with the PUK code from the letter.")
            )
            self.itsme.setText(
                _(
                    "Do you use the itsme app on your phone? Then you can see your record on "
                    "the official website without your card."
                )
            )
            self.stop.set_text(_("I stop for today"))
            self.found.set_text(_("I found my PIN code"))
            self._relayout()
            return
        self.set_icon(self.icon)
        self.heading.setText(_("Your PIN code"))
        self.what.setText(
            _("The PIN code is a secret number of 4 digits. It proves that the card is yours.")
        )
        self.where.setText(
            _("You got the PIN code in a letter with your card. This is the PIN letter.")
        )
        self.tries.setText(_("You can try 3 times. After 3 wrong PIN codes, the card is blocked."))
        self.forgot.setText(
            _(
                "Forgot your PIN code, or is your card blocked? Go to your commune. "
                "Take your card and the PUK code from the same letter."
            )
        )
        self.have.set_text(_("I know my PIN code"))
        self.dont_know.set_text(_("I don't know my PIN code"))
        self._relayout()

    def _relayout(self) -> None:
        """The texts change length with the state: the heights follow at once (wrapped words
        need the new height before the screen is drawn)."""
        for item in (self.what, self.where, self.tries, self.forgot, self.itsme):
            item.body.updateGeometry()
            item.updateGeometry()
        for button in (self.have, self.dont_know, self.stop, self.found):
            button.label().updateGeometry()
            button.updateGeometry()
        self.action_bar.updateGeometry()
        self.updateGeometry()

    def help_text(self) -> str:
        return _(
            "Never tell your PIN code to anyone. A helper must not type it for you. "
            "If you do not know your PIN code, press I don't know my PIN code. "
            "The commune can give you a new PIN code."
        )


class PinPad(QFrame):
    """The on-screen keypad 0–9, Erase, OK and a row of dots. Also takes keyboard digits."""

    ok_pressed = Signal()
    #: OK was pressed with fewer than 4 digits (nothing is handed over).
    too_short = Signal()
    count_changed = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pinPad")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._pin = bytearray()
        lay = self._lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(12)
        self.dots = QLabel(self)
        self.dots.setObjectName("pinDots")
        self.dots.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.dots.setMinimumHeight(36)
        lay.addWidget(self.dots)
        grid = QGridLayout()
        grid.setSpacing(10)
        self.digit_buttons: dict[str, BigButton] = {}
        order = ["1", "2", "3", "4", "5", "6", "7", "8", "9"]
        for i, d in enumerate(order):
            self._add_digit(grid, d, i // 3, i % 3)
        self.erase = BigButton("", "backspace", self, chrome=True)
        self.erase.set_compact()
        self.erase.setObjectName("pinErase")
        self.erase.clicked.connect(self.erase_one)
        grid.addWidget(self.erase, 3, 0)
        self._add_digit(grid, "0", 3, 1)
        self.ok = BigButton("", "check", self, primary=True, chrome=True)
        self.ok.set_compact()
        self.ok.setObjectName("pinOk")
        self.ok.clicked.connect(self._ok)
        grid.addWidget(self.ok, 3, 2)
        lay.addLayout(grid)
        self.grid = grid
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.setMaximumWidth(720)
        theme_mod.notifier().changed.connect(self._on_theme)
        self._fonts()
        self._show()

    def _add_digit(self, grid: QGridLayout, digit: str, row: int, col: int) -> None:
        b = BigButton(digit, "keypad", self)
        b.setObjectName(f"pinDigit{digit}")
        b.pictogram().hide()
        b.enter_clicks = False  # Enter means OK on the PIN pad, wherever the focus is
        b.set_compact()
        b.label().setAlignment(Qt.AlignmentFlag.AlignCenter)
        b.clicked.connect(lambda _checked=False, d=digit: self.press(d))
        grid.addWidget(b, row, col)
        self.digit_buttons[digit] = b

    def _on_theme(self, _theme: object) -> None:
        self._fonts()

    def _fonts(self) -> None:
        t = theme_mod.current()
        f = t.font("keypad", bold=True)
        f.setPointSizeF(t.chrome_points("keypad"))  # the keypad grows like the frame
        for b in self.digit_buttons.values():
            b.label().setFont(f)
        f.setLetterSpacing(f.SpacingType.AbsoluteSpacing, 6)
        self.dots.setFont(f)
        self._fit_spacing(t.text_scale >= 1.25)
        self._even_columns()

    def _fit_spacing(self, large: bool) -> None:
        """Less space between and inside the keys when the text is large: at 200 % on
        1024×768 the whole screen (question, tries left, keypad) must fit without scrolling.
        The keys stay at least 44×44 px (their minimum size says so)."""
        gap = 6 if large else 10
        self.grid.setSpacing(gap)
        self._lay.setSpacing(4 if large else 12)
        self.dots.setMinimumHeight(30 if large else 36)
        vertical = 2 if large else 8
        for key in self.keys():
            inner = key.layout()
            if inner is not None:
                m = inner.contentsMargins()
                inner.setContentsMargins(m.left(), vertical, m.right(), vertical)
        # the keys' own padding and the dots' size (the theme's style sheet sets them)
        sheet = (
            "BigButton { padding-top: 0px; padding-bottom: 0px; } "
            f"QLabel#pinDots {{ font-size: {theme_mod.current().bar_points('keypad'):.1f}pt; }}"
            if large
            else ""
        )
        if self.styleSheet() != sheet:
            self.setStyleSheet(sheet)

    def keys(self) -> list[BigButton]:
        """Every key: the digits, Erase and OK."""
        return [*self.digit_buttons.values(), self.erase, self.ok]

    def _even_columns(self) -> None:
        """Three columns of the same width: the keys line up like on a phone."""
        width = max(k.sizeHint().width() for k in self.keys())
        for column in range(3):
            self.grid.setColumnMinimumWidth(column, width)

    def retranslate(self) -> None:
        self.erase.set_text(_("Erase"), _("Erase the last digit."))
        self.ok.set_text(_("OK"), _("Check the PIN code."))
        for d, b in self.digit_buttons.items():
            b.setAccessibleName(d)
        self._even_columns()
        self._show()

    @property
    def count(self) -> int:
        return len(self._pin)

    def press(self, digit: str) -> None:
        if len(self._pin) >= MAX_PIN or not self.isEnabled():
            return
        self._pin.append(ord(digit))
        self._changed()

    def erase_one(self) -> None:
        if self._pin:
            self._pin[-1] = 0
            del self._pin[-1]
            self._changed()

    def clear(self) -> None:
        """Zero and forget the typed digits."""
        for i in range(len(self._pin)):
            self._pin[i] = 0
        self._pin = bytearray()
        self._show()

    def take(self) -> bytearray:
        """Hand the PIN over (the caller zeroes it after VERIFY); the pad keeps nothing."""
        pin, self._pin = self._pin, bytearray()
        self._show()
        return pin

    def _ok(self) -> None:
        if len(self._pin) >= MIN_PIN:
            self.ok_pressed.emit()
        else:
            announce(self, _("Type at least 4 digits."))
            self.too_short.emit()

    def _changed(self) -> None:
        self._show()
        n = len(self._pin)
        self.count_changed.emit(n)
        announce(self, self.count_text(n))

    @staticmethod
    def count_text(n: int) -> str:
        return ngettext("{n} digit typed", "{n} digits typed", n).format(n=n)

    def _show(self) -> None:
        n = len(self._pin)
        self.dots.setText("●" * n if n else "")
        self.dots.setAccessibleName(self.count_text(n))
        self.ok.setEnabled(self.isEnabled())

    def handle_key(self, event: QKeyEvent) -> bool:
        """Digits, Backspace, Enter from the physical keyboard."""
        key = event.key()
        text = event.text()
        if text and text in "0123456789" and len(text) == 1:
            self.press(text)
            return True
        if key == Qt.Key.Key_Backspace or key == Qt.Key.Key_Delete:
            self.erase_one()
            return True
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._ok()
            return True
        return False


class PinScreen(StateScreen):
    screen_id = "pin"
    icon = "keypad"
    submitted = Signal()
    confirm_last = Signal()
    cancel_last = Signal()
    retry_requested = Signal()
    finish_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # The keypad always under the texts: they say "Use the keys below" (side by side,
        # patients looked under the text and found nothing). The tries left sit beside the
        # keypad, at its top, next to the dots: with 200 % text on 1024×768 the question, the
        # tries left and the OK key are all in sight without scrolling.
        self.split = QBoxLayout(QBoxLayout.Direction.TopToBottom)
        self.split.setSpacing(24)
        self.body.addLayout(self.split)
        texts = self.texts = QVBoxLayout()
        texts.setSpacing(14)
        self.split.addLayout(texts)
        self.tries = Body("", self)
        self.tries.setObjectName("triesLeft")
        self.problem_text = Body("", self, "problem")  # what went wrong comes first
        self.problem_text.setObjectName("pinProblem")
        texts.addWidget(self.problem_text)
        # Last try: a second confirmation (the question here, the answers always in sight in
        # the action bar; the keypad and the typing help step aside meanwhile)
        self.confirm_text = Body("", self, "problem")
        self.confirm_text.setObjectName("lastTryQuestion")
        texts.addWidget(self.confirm_text)
        self.text = Body("", self)
        texts.addWidget(self.text)
        self.pad = PinPad(self)
        self.pad_row = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self.pad_row.setSpacing(24)
        # the words as wide as one line at most: on a wide window the keypad stays beside them
        self.pad_row.addWidget(self.tries, 1, Qt.AlignmentFlag.AlignTop)
        self.pad_row.addWidget(self.pad, 0, Qt.AlignmentFlag.AlignTop)
        self.pad_row.addStretch(0)
        self.split.addLayout(self.pad_row)
        self.pad.ok_pressed.connect(self.submitted)
        theme_mod.notifier().changed.connect(self._fit_spacing)
        self._fit_spacing()
        # The last try: "No, I stop" is the main (and default) answer, "Yes" the other one.
        self.confirm_no = self.add_action("close", primary=True)
        self.confirm_no.setObjectName("lastTryNo")
        self.confirm_no.clicked.connect(self.cancel_last)
        self.confirm_yes = self.add_action("check")
        self.confirm_yes.setObjectName("lastTryYes")
        self.confirm_yes.clicked.connect(self.confirm_last)
        self.retry = self.add_action("retry", primary=True)
        self.retry.setObjectName("pinRetry")
        self.retry.clicked.connect(self._retry_clicked)
        self.finish = self.add_action("finish", primary=True)  # a blocked card: the only way
        self.finish.setObjectName("pinFinish")
        self.finish.clicked.connect(self.finish_requested)

    def minimumSizeHint(self) -> QSize:
        """As tall as the screen needs at its own width, not at its narrowest (the texts
        wrapped word by word): the scroll area would scroll over empty space otherwise."""
        hint = super().minimumSizeHint()
        lay = self.layout()
        if lay is None or not lay.hasHeightForWidth():
            return hint
        needed = lay.totalHeightForWidth(max(self.width(), hint.width()))
        return QSize(hint.width(), min(hint.height(), needed))

    def _fit_spacing(self, _theme: object = None) -> None:
        large = theme_mod.current().text_scale >= 1.25
        self.split.setSpacing(10 if large else 24)
        self.texts.setSpacing(8 if large else 14)
        self.pad_row.setSpacing(16 if large else 24)
        self._tries_width()

    def _tries_width(self) -> None:
        """Beside the keypad the tries left take one line at most (they wrap when narrow)."""
        self.tries.ensurePolished()
        one_line = self.tries.fontMetrics().horizontalAdvance(self.tries.text())
        margins = self.tries.contentsMargins()
        self.tries.setMaximumWidth(one_line + margins.left() + margins.right() + 8)

    def _retry_clicked(self) -> None:
        self.retry_requested.emit()

    # PIN ownership ----------------------------------------------------------------------
    def take_pin(self) -> bytearray:
        return self.pad.take()

    def clear_pin(self) -> None:
        self.pad.clear()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self._typing() and self.pad.handle_key(event):
            event.accept()
            return
        super().keyPressEvent(event)

    def _typing(self) -> bool:
        s = self.state
        return (
            not s.busy
            and not s.pinpad
            and not s.confirm_last_try
            and s.problem not in (Problem.PIN_BLOCKED, Problem.PIN_CHECK_FAILED)
        )

    def retranslate(self) -> None:
        s = self.state
        self.pad.retranslate()
        blocked = s.problem is Problem.PIN_BLOCKED
        typing = self._typing()
        failed = s.problem is Problem.PIN_CHECK_FAILED
        self.pad.setVisible(not s.pinpad and not blocked and not failed and not s.confirm_last_try)
        self.pad.setEnabled(typing)
        for w in (self.confirm_text, self.confirm_yes, self.confirm_no):
            w.setVisible(s.confirm_last_try)
        self.text.setVisible(not s.confirm_last_try)
        self.retry.setVisible(
            not s.busy
            and (
                s.problem is Problem.PIN_CHECK_FAILED
                or (s.pinpad and s.problem is Problem.PIN_WRONG and s.tries_left != 1)
            )
        )
        self.finish.setVisible(blocked)
        self.problem_text.setVisible(s.problem is not None and not s.confirm_last_try)
        self.retry.set_text(_("Try again"))
        self.finish.set_text(_("Finish"))
        self.confirm_text.setText(
            _(
                "If the code is wrong again, your card is blocked. "
                "Do you want to type your PIN code now?"
            )
        )
        self.confirm_no.set_text(_("No, I stop"))
        self.confirm_yes.set_text(_("Yes, I type my code"))
        # tries left: always shown while the PIN can still be typed
        if blocked:
            self.tries.setText(_("You have no tries left."))
        elif s.tries_left is None:
            self.tries.setText(_("You have 3 tries."))
        else:
            self.tries.setText(
                ngettext("You have {n} try left.", "You have {n} tries left.", s.tries_left).format(
                    n=s.tries_left
                )
            )
        self._tries_width()
        if blocked:
            self.set_icon("lock")
            self.heading.setText(_("Your card is blocked."))
            self.text.setText(
                _(
                    "The PIN code was wrong 3 times. Go to your commune with your card "
                    "and the PUK code from your PIN letter. The commune can unblock the card."
                )
            )
            self.problem_text.setText(_("You cannot go on with this card today."))
            return
        if s.problem is Problem.PIN_CHECK_FAILED:
            self.set_icon("error")
            self.heading.setText(_("The card did not answer."))
            self.text.setText(_("Leave the card in the reader. Press Try again."))
            self.problem_text.setText(
                _("We do not know if the card counted this try. We ask the card first.")
            )
            return
        if s.problem is Problem.PIN_WRONG:
            self.problem_text.setText(_("The PIN code is not correct."))
        if s.busy:
            self.set_icon("hourglass")
            self.heading.setText(
                _("Type your PIN code on the card reader.")
                if s.pinpad
                else _("Checking your PIN code. Please wait.")
            )
            self.text.setText(
                _("Use the keys of the card reader. Then press OK on the reader.")
                if s.pinpad
                else _("Leave the card in the reader.")
            )
            return
        if s.pinpad and not s.confirm_last_try:
            self.set_icon("keypad")
            self.heading.setText(_("Type your PIN code on the card reader."))
            self.text.setText(
                _("Your reader has its own keys. Press Try again when you are ready.")
                if s.problem is Problem.PIN_WRONG
                else _("Use the keys of the card reader. Then press OK on the reader.")
            )
            return
        if s.confirm_last_try:
            self.set_icon("warning")
            self.heading.setText(_("Careful: this is your last try."))
            return
        self.set_icon("keypad")
        self.heading.setText(_("Type your PIN code."))
        self.text.setText(
            _("Use the keys below or the keyboard. Nobody else should look. Then press OK.")
        )

    def speech_text(self) -> str:
        # Never the digits: only the question, the tries and what to do.
        parts = [self.heading.text(), self.tries.text(), self.text.text()]
        if self.problem_text.isVisibleTo(self):
            parts.insert(1, self.problem_text.text())
        if self.state.confirm_last_try:
            parts.append(self.confirm_text.text())
        return "\n".join(p for p in parts if p)

    def focus_first(self) -> bool:
        if self.state.confirm_last_try:
            self.confirm_no.setFocus(Qt.FocusReason.OtherFocusReason)
        elif self._visible(self.retry):
            self.retry.setFocus(Qt.FocusReason.OtherFocusReason)
        elif self._visible(self.finish):
            self.finish.setFocus(Qt.FocusReason.OtherFocusReason)
        elif self.pad.isVisibleTo(self) and self.pad.isEnabled():
            # the whole keypad has the focus (no single key looks "pressed"); digits typed on
            # the keyboard reach the screen from there
            self.pad.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            return False
        return True

    def help_text(self) -> str:
        return _(
            "Type the PIN code from your PIN letter. The screen shows dots, never the digits. "
            "If you typed a wrong digit, press Erase. The program never tries again by itself."
        )
