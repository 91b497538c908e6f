"""A big on-screen keyboard for touch-only kiosks.

Keys never take the focus, so the text field keeps it; each key types into the *target*
(a QLineEdit, QTextEdit or QPlainTextEdit). The letters follow the Belgian AZERTY layout, with
an accents row for French, Dutch and German. :class:`KeyboardDock` shows the keyboard under the
screen whenever a text field gets the focus (a field opts out with the Qt property
``onscreen_keyboard`` set to False, e.g. the PIN keypad has its own keys).
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QApplication,
    QBoxLayout,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from assistant.i18n import _
from ui import theme as theme_mod

log = logging.getLogger(__name__)

TextTarget = QLineEdit | QTextEdit | QPlainTextEdit

DIGITS = "1234567890"
LETTER_ROWS = ("azertyuiop", "qsdfghjklm", "wxcvbn")
ACCENTS = "éèàçêëïôüäößù"
PUNCTUATION = "-'.,?@"

#: Keys whose spoken/accessible name is not the character itself.
_SPECIAL_NAMES = {
    " ": "Space",
    "-": "Dash",
    "'": "Apostrophe",
    ".": "Full stop",
    ",": "Comma",
    "?": "Question mark",
    "@": "At sign",
}


def is_text_target(widget: QObject | None) -> bool:
    """Whether ``widget`` is a field the keyboard can type into (and did not opt out)."""
    if not isinstance(widget, QLineEdit | QTextEdit | QPlainTextEdit):
        return False
    if widget.property("onscreen_keyboard") is False:
        return False
    return not (isinstance(widget, QTextEdit | QPlainTextEdit) and widget.isReadOnly()) and not (
        isinstance(widget, QLineEdit) and widget.isReadOnly()
    )


def large_text() -> bool:
    """Whether the text is large (above 125 %): the keyboard then keeps its keys compact."""
    return theme_mod.current().text_scale >= 1.25


def key_side() -> int:
    """Smallest side of a key: like the program's buttons at normal text size; with large
    text a little smaller (never under 44 px), so that the seven rows of keys, the field and
    its buttons fit on a 1024×768 screen."""
    if large_text():
        return theme_mod.MIN_TARGET_PX + 4
    return max(theme_mod.MIN_TARGET_PX, round(theme_mod.current().target_px() * 1.1))


def keyboard_style() -> str:
    """Keys look like the program's buttons, in the current theme and text size (their
    letters grow like the window's bars, at most 120 %, to stay inside the key)."""
    t = theme_mod.current()
    c = t.colors
    points = t.bar_points("keypad") if large_text() else t.points("keypad")
    side = key_side()  # (the theme's own minimum for buttons grows with the text)
    return (
        f'QPushButton[oskKey="true"] {{ background: {c.secondary}; color: {c.secondary_text};'
        f" border: 2px solid {c.border}; border-radius: 8px; padding: 0px 2px;"
        f" min-height: {side}px; min-width: {side}px;"
        f" font-size: {points:.1f}pt; font-weight: bold; }}"
        f'QPushButton[oskKey="true"]:pressed {{ background: {c.primary};'
        f" color: {c.primary_text}; }}"
        f'QPushButton[oskKey="true"]:checked {{ background: {c.primary};'
        f" color: {c.primary_text}; border: 3px solid {c.focus}; }}"
    )


class KeyButton(QPushButton):
    """One key: large, never takes the focus, named for screen readers."""

    def __init__(self, label: str, name: str, parent: QWidget | None = None) -> None:
        super().__init__(label, parent)
        self.setProperty("oskKey", "true")
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setAccessibleName(name)
        self.setAutoRepeat(label == "⌫")
        side = key_side()
        self.setMinimumSize(side, side)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)


class OnScreenKeyboard(QWidget):
    """The keyboard. ``set_target(field)`` chooses where keys type; ``submitted`` on Enter."""

    submitted = Signal()
    hide_requested = Signal()
    key_typed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("onscreen_keyboard")
        self._target: TextTarget | None = None
        self._shift = False
        self._letter_keys: list[KeyButton] = []
        lay = QVBoxLayout(self)
        lay.setContentsMargins(8, 8, 8, 8)
        lay.setSpacing(6)
        for row in (DIGITS, *LETTER_ROWS, ACCENTS, PUNCTUATION):
            grid = QHBoxLayout()
            grid.setSpacing(6)
            for ch in row:
                key = KeyButton(ch, _SPECIAL_NAMES.get(ch, ch), self)
                key.setProperty("char", ch)
                key.clicked.connect(self._key_clicked)
                if ch.isalpha():
                    self._letter_keys.append(key)
                grid.addWidget(key)
            lay.addLayout(grid)
        bottom = QHBoxLayout()
        bottom.setSpacing(6)
        self.shift_key = KeyButton("⇧", "", self)
        self.shift_key.setCheckable(True)
        self.shift_key.toggled.connect(self._set_shift)
        self.space_key = KeyButton("␣", "", self)
        self.space_key.clicked.connect(lambda: self.type_char(" "))
        self.backspace_key = KeyButton("⌫", "", self)
        self.backspace_key.clicked.connect(self.backspace)
        self.enter_key = KeyButton("⏎", "", self)
        self.enter_key.clicked.connect(self.submitted.emit)
        self.hide_key = KeyButton("⌨", "", self)
        self.hide_key.clicked.connect(self.hide_requested.emit)
        bottom.addWidget(self.shift_key, 2)
        bottom.addWidget(self.space_key, 5)
        bottom.addWidget(self.backspace_key, 2)
        bottom.addWidget(self.enter_key, 3)
        bottom.addWidget(self.hide_key, 3)
        lay.addLayout(bottom)
        theme_mod.notifier().changed.connect(self._restyle)
        self._restyle()
        self.retranslate()

    def _restyle(self, _theme: object = None) -> None:
        self.setStyleSheet(keyboard_style())
        gap = 4 if large_text() else 6
        lay = self.layout()
        if lay is not None:
            lay.setSpacing(gap)
            for i in range(lay.count()):
                item = lay.itemAt(i)
                row = item.layout() if item is not None else None
                if row is not None:
                    row.setSpacing(gap)
        self._fit_keys()

    def _fit_keys(self) -> None:
        """Every key at least ``key_side()`` square and as wide as its word (never clipped)."""
        side = key_side()
        for key in self.findChildren(KeyButton):
            key.ensurePolished()
            word = key.fontMetrics().horizontalAdvance(key.text()) + 16  # padding, border
            key.setMinimumSize(max(side, word), side)

    def retranslate(self) -> None:
        self.setAccessibleName(_("Keyboard"))
        self.space_key.setText(_("Space"))
        self.enter_key.setText(_("Done"))
        self.hide_key.setText("⌨ " + _("Hide"))
        self.shift_key.setAccessibleName(_("Capital letters"))
        self.space_key.setAccessibleName(_("Space"))
        self.backspace_key.setAccessibleName(_("Delete the last letter"))
        self.enter_key.setAccessibleName(_("Done"))
        self.hide_key.setAccessibleName(_("Hide the keyboard"))
        for key in self.findChildren(KeyButton):
            name = _SPECIAL_NAMES.get(key.text())
            if name is not None:
                key.setAccessibleName(_(name))
        self._fit_keys()

    # -- target ----------------------------------------------------------------------------

    def target(self) -> TextTarget | None:
        return self._target

    def set_target(self, widget: TextTarget | None) -> None:
        self._target = widget

    # -- typing ----------------------------------------------------------------------------

    def _set_shift(self, on: bool) -> None:
        self._shift = on
        for key in self._letter_keys:
            ch = key.text()
            key.setText(ch.upper() if on and ch != "ß" else ch.lower())
            key.setAccessibleName(key.text())

    def _key_clicked(self) -> None:
        # The key's own property, not a lambda with default arguments (PySide refcount bug).
        sender = self.sender()
        ch = sender.property("char") if sender is not None else None
        if isinstance(ch, str):
            self.type_char(ch)

    def type_char(self, ch: str) -> None:
        """Type one character into the target (upper case while Shift is on)."""
        target = self._target
        if target is None:
            return
        if self._shift and ch.isalpha() and ch != "ß":
            ch = ch.upper()
            self.shift_key.setChecked(False)  # one capital, like a phone keyboard
        if isinstance(target, QLineEdit):
            if target.maxLength() and len(target.text()) >= target.maxLength():
                return
            target.insert(ch)
        else:
            target.insertPlainText(ch)
        self.key_typed.emit(ch)

    def backspace(self) -> None:
        target = self._target
        if isinstance(target, QLineEdit):
            target.backspace()
        elif target is not None:
            cursor = target.textCursor()
            cursor.deletePreviousChar()
            target.setTextCursor(cursor)


class KeyboardDock(QObject):
    """Shows ``keyboard`` when a text field in ``window`` gets the focus; hides it otherwise.

    With ``layout`` (the window's main column) the keyboard takes its place above the last
    item of that layout (the bottom bar), so it never covers the field; otherwise it floats
    over the bottom of the window.
    """

    def __init__(
        self, window: QWidget, keyboard: OnScreenKeyboard, layout: QBoxLayout | None = None
    ) -> None:
        super().__init__(window)
        self._window = window
        self.keyboard = keyboard
        self._floating = layout is None
        if layout is not None:
            layout.insertWidget(max(0, layout.count() - 1), keyboard)
        else:
            keyboard.setParent(window)
            window.installEventFilter(self)
        keyboard.hide()
        keyboard.hide_requested.connect(self._hide)
        keyboard.submitted.connect(self._submit)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._focus_changed)

    def _focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        if new is None:
            return
        if is_text_target(new) and self._window.isAncestorOf(new):
            assert isinstance(new, QLineEdit | QTextEdit | QPlainTextEdit)
            self.keyboard.set_target(new)
            self.keyboard.show()
            self._place()
        elif not self.keyboard.isAncestorOf(new):
            self._hide()

    def _place(self) -> None:
        if self._floating and self.keyboard.isVisible():
            h = self.keyboard.sizeHint().height()
            rect = self._window.rect()
            self.keyboard.setGeometry(0, max(0, rect.height() - h), rect.width(), h)
            self.keyboard.raise_()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._window and event.type() is QEvent.Type.Resize:
            self._place()
        return False

    def hide_keyboard(self) -> None:
        """Hide the keyboard and forget its field."""
        self._hide()

    def _hide(self) -> None:
        self.keyboard.hide()
        self.keyboard.set_target(None)

    def _submit(self) -> None:
        target = self.keyboard.target()
        if isinstance(target, QLineEdit):
            target.returnPressed.emit()
            target.editingFinished.emit()
        self._hide()
