"""The large "Are you still here?" page: a countdown and one big button (kiosk and mediator)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from assistant.i18n import _, ngettext
from ui import theme as theme_mod
from ui.modes.cover import Cover
from ui.widgets import BigButton, Body, Heading, Pictogram

#: The countdown's size at 100 % text (four times a heading).
BASE_COUNTDOWN_PT = theme_mod.BASE_POINTS["heading"] * 4


class IdleWarning(Cover):
    """ "Are you still here?": large text, a countdown and one big button."""

    still_here = Signal()
    #: Listen: read the warning aloud.
    listen_requested = Signal()

    def __init__(self, window: QWidget) -> None:
        super().__init__(window, "idleWarning")
        lay = QVBoxLayout(self)
        self._lay = lay
        top = QHBoxLayout()
        self.pictogram = Pictogram("clock", self, size_factor=2.0)
        self.heading = Heading("", self)
        top.addWidget(self.pictogram, 0, Qt.AlignmentFlag.AlignTop)
        top.addWidget(self.heading, 1)
        lay.addLayout(top)
        self.countdown = QLabel(self)
        self.countdown.setObjectName("idleCountdown")
        self.countdown.setAlignment(Qt.AlignmentFlag.AlignCenter)
        lay.addWidget(self.countdown)
        # The unit under the number, in words ("seconds"): a bare "17" says nothing.
        self.unit = QLabel(self)
        self.unit.setObjectName("idleCountdownUnit")
        self.unit.setAlignment(Qt.AlignmentFlag.AlignCenter)
        lay.addWidget(self.unit)
        self.text = Body("", self)
        lay.addWidget(self.text)
        lay.addStretch(1)
        self.button = BigButton("", "check", self, primary=True)
        self.button.setObjectName("stillHere")
        self.button.setMinimumHeight(theme_mod.current().target_px() * 2)
        self.button.clicked.connect(self.still_here.emit)
        # Listen beside the main button (one row: with 200 % text the words keep the room).
        row = QHBoxLayout()
        row.addWidget(self.button, 3)
        self.listen = BigButton("", "listen", self)
        self.listen.setObjectName("idleListen")
        self.listen.clicked.connect(self.listen_requested.emit)
        row.addWidget(self.listen, 1)
        lay.addLayout(row)
        self._seconds = 0
        theme_mod.notifier().changed.connect(self._style_countdown)
        self._style_countdown()
        self.retranslate()

    def _style_countdown(self, _theme: object = None) -> None:
        t = theme_mod.current()
        c = t.colors
        # Large text needs the room: smaller margins, and the countdown (already huge) and the
        # words grow less than the text size, so the whole message fits on 1024x768 at 200 %.
        large = t.text_scale >= 1.5
        margin = 24 if large else 64
        self._lay.setContentsMargins(margin, margin, margin, margin)
        self._lay.setSpacing(12 if large else 28)
        grow = max(1.0, t.text_scale)
        digits = BASE_COUNTDOWN_PT * min(grow, 1.3)
        words = t.points("title") * (1.0 if large else 1.2)
        # A style sheet (not setFont): the application style sheet sets every font size.
        self.countdown.setStyleSheet(
            f"QLabel#idleCountdown {{ font-size: {digits:.0f}pt;"
            f" font-weight: bold; color: {c.primary}; }}"
        )
        self.text.setStyleSheet(f"font-size: {words:.1f}pt;")
        self.unit.setStyleSheet(
            f"QLabel#idleCountdownUnit {{ font-size: {t.points('title') * 1.2:.1f}pt;"
            f" font-weight: bold; color: {c.primary}; }}"
        )
        self.button.setMinimumHeight(t.target_px() * (1 if large else 2))

    def retranslate(self) -> None:
        self.heading.setText(_("Are you still here?"))
        self.text.setText(
            _(
                "Nobody touched the screen for a while. Soon the screen starts again for the next "
                "person. Your data will be wiped."
            )
        )
        self.button.set_text(_("I am still here"), _("Keep my screen open."))
        self.listen.set_text(_("Listen"), _("Read this screen aloud."))
        self.set_seconds(self._seconds)

    def set_seconds(self, seconds: int) -> None:
        self._seconds = seconds
        self.countdown.setText(str(seconds))
        self.unit.setText(ngettext("second", "seconds", seconds))
        self.countdown.setAccessibleName(
            ngettext(
                "The screen starts again in {n} second.",
                "The screen starts again in {n} seconds.",
                seconds,
            ).format(n=seconds)
        )

    def message(self) -> str:
        """What is read aloud when the warning appears."""
        return "\n".join([self.heading.text(), self.countdown.accessibleName(), self.button.text()])
