"""Step 3 (plug in the reader) and step 4 (put the card in), with their problems."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QWidget

from assistant.i18n import _
from assistant.journey import Problem, Step
from ui.screens.base import StateScreen
from ui.widgets import Pictogram


class ReaderScreen(StateScreen):
    screen_id = "reader"
    icon = "reader"
    next_requested = Signal()
    retry_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.picture = Pictogram(
            "pictures/plug-reader.svg", self, size_factor=5.0, recolor=False, scales=False
        )
        # What to do first, then what went wrong, then the picture (the words stay in sight
        # with big text)
        self.text = self.add_text()
        self.problem_text = self.add_text("problem")
        self.body.addWidget(self.picture, 0, Qt.AlignmentFlag.AlignHCenter)
        self.primary = self.add_action("next", primary=True)
        self.primary.setObjectName("readerPrimary")
        self.primary.clicked.connect(self._primary)

    def _primary(self) -> None:
        if self.state.problem is not None:
            self.retry_requested.emit()
        else:
            self.next_requested.emit()

    def retranslate(self) -> None:
        s = self.state
        self.picture.set_description(_("Picture: the card reader goes into a USB port."))
        self.problem_text.setVisible(s.problem is not None)
        if s.problem is Problem.READER_SERVICE_DOWN:
            self.set_icon("error")
            self.heading.setText(_("The computer cannot use card readers now."))
            self.text.setText(
                _(
                    "A part of the computer for card readers is not working. "
                    "Restart the computer. If this does not help, ask someone to help you."
                )
            )
            self.problem_text.setText(_("It is not your fault."))
            self.problem_text.set_role("reassure")
            self.primary.set_text(_("Try again"))
            self.primary.set_icon_name("retry")
        elif s.problem is Problem.READER_UNPLUGGED:
            self.problem_text.set_role("problem")
            self.set_icon("warning")
            self.heading.setText(_("The card reader is not connected."))
            self.text.setText(_("Plug the card reader into the computer again. Use a USB port."))
            self.problem_text.setText(_("For your safety, your data was removed from the screen."))
            self.primary.set_text(_("Try again"))
            self.primary.set_icon_name("retry")
        elif s.reader_ready:
            self.set_icon("check")
            self.heading.setText(_("Your card reader is ready."))
            self.text.setText(_("Press Next to go on."))
            self.primary.set_text(_("Next"))
            self.primary.set_icon_name("next")
        else:
            self.set_icon("reader")
            self.heading.setText(_("Plug the card reader into the computer."))
            self.text.setText(
                _(
                    "Put the cable of the card reader into a USB port of the computer. "
                    "The program sees the reader by itself."
                )
            )
            self.primary.set_text(_("I have plugged it in"))
            self.primary.set_icon_name("next")

    def help_text(self) -> str:
        return _(
            "The card reader is a small box with a cable. Put the cable into a USB port. "
            "A USB port is a small flat hole on the computer. "
            "If nothing happens, try another USB port. If it still does not work, ask for help."
        )


class CardScreen(StateScreen):
    screen_id = "card"
    icon = "card-insert"
    retry_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.picture = Pictogram(
            "pictures/insert-card.svg", self, size_factor=5.0, recolor=False, scales=False
        )
        # What to do first, then what went wrong, then the picture (the words stay in sight
        # with big text)
        self.text = self.add_text()
        self.problem_text = self.add_text("problem")
        self.body.addWidget(self.picture, 0, Qt.AlignmentFlag.AlignHCenter)
        self.retry = self.add_action("retry", primary=True)
        self.retry.setObjectName("cardRetry")
        self.retry.clicked.connect(self.retry_requested)

    def retranslate(self) -> None:
        s = self.state
        self.picture.set_description(
            _("Picture: the card goes into the reader with the chip first and facing up.")
        )
        self.retry.setVisible(
            s.problem in (Problem.NOT_EID_CARD, Problem.CARD_READ_FAILED) and not s.busy
        )
        self.problem_text.setVisible(s.problem is not None and not s.busy)
        self.picture.setVisible(not s.busy)
        self.retry.set_text(_("Try again"))
        if s.busy:
            self.set_icon("hourglass")
            self.heading.setText(_("Reading your card. Please wait."))
            self.text.setText(_("Leave the card in the reader."))
            return
        if s.problem is Problem.NOT_EID_CARD:
            self.set_icon("warning")
            self.heading.setText(_("This is not a Belgian identity card."))
            self.text.setText(
                _("Take this card out. Put your Belgian identity card in the reader.")
            )
            self.problem_text.setText(_("A bank card or another card does not work here."))
        elif s.problem is Problem.CARD_READ_FAILED:
            self.set_icon("error")
            self.heading.setText(_("The program could not read your card."))
            self.text.setText(
                _("Take the card out. Put it back in, chip first. Then press Try again.")
            )
            self.problem_text.setText(_("If it happens again, the card may be damaged."))
        elif s.problem is Problem.CARD_REMOVED:
            self.set_icon("card-remove")
            self.heading.setText(_("Your card was taken out."))
            self.text.setText(_("Put your card back in the reader to go on."))
            self.problem_text.setText(_("For your safety, your data was removed from the screen."))
        elif s.problem is Problem.NOT_ME:
            self.set_icon("person")
            self.heading.setText(_("Put your own card in the reader."))
            self.text.setText(
                _("Take this card out. Then put your own identity card in the reader.")
            )
            self.problem_text.setText(_("The data of the other card was removed."))
        else:
            self.set_icon("card-insert")
            self.heading.setText(_("Put your identity card in the reader."))
            self.text.setText(_("The chip goes in first. The chip is facing up."))
        if s.step is not Step.CARD:
            self.problem_text.setVisible(False)

    def help_text(self) -> str:
        return _(
            "Hold the card with the golden chip facing up. Push the chip side into the reader. "
            "Push gently until it stops. The program reads the card by itself."
        )
