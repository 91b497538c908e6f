"""Step 10: finish (take the card out; the data was removed from this computer)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QWidget

from assistant.i18n import _
from ui.screens.base import StateScreen
from ui.widgets import Body, Pictogram


class FinishScreen(StateScreen):
    screen_id = "finish"
    icon = "card-remove"
    restart = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.picture = Pictogram(
            "pictures/remove-card.svg", self, size_factor=5.0, recolor=False, scales=False
        )
        self.text = self.add_text()
        self.safe = Body("", self)
        self.body.addWidget(self.safe)
        self.body.addWidget(self.picture, 0, Qt.AlignmentFlag.AlignHCenter)
        self.again = self.add_action("retry", primary=True)
        self.again.setObjectName("startAgain")
        self.again.clicked.connect(self.restart)

    def retranslate(self) -> None:
        self.picture.set_description(_("Picture: take the card out of the reader."))
        self.heading.setText(_("Take your card out of the reader."))
        self.text.setText(_("Keep your card and your PIN letter in a safe place."))
        self.safe.setText(_("Your data was removed from this computer. Thank you."))
        self.again.set_text(_("Start again"))

    def help_text(self) -> str:
        return _("Pull the card gently out of the reader. The program goes back to the start.")
