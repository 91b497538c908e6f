"""Step 8 (connecting to the health record), step 9 (the record) and step 10 (finish)."""

from __future__ import annotations

import logging
import math
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QVBoxLayout, QWidget

from assistant.errors import RETRY_HELPS, ProblemKind
from assistant.i18n import _, ngettext
from assistant.journey import Problem
from ui.screens.base import StateScreen
from ui.widgets import BigButton, Body, IconText, Pictogram

if TYPE_CHECKING:
    from assistant.records.model import Record
    from ui.record.home import RecordHome

log = logging.getLogger(__name__)


def retry_when_text(seconds: float | None) -> str:
    """ "Try again in 5 minutes." from a server's Retry-After (empty when unknown)."""
    if seconds is None or seconds <= 0:
        return ""
    if seconds < 90:
        return _("Try again in 1 minute.")
    minutes = math.ceil(seconds / 60)
    if minutes < 120:
        return ngettext("Try again in {n} minute.", "Try again in {n} minutes.", minutes).format(
            n=minutes
        )
    hours = round(minutes / 60)
    return ngettext("Try again in {n} hour.", "Try again in {n} hours.", hours).format(n=hours)


class ConnectingScreen(StateScreen):
    screen_id = "connecting"
    icon = "hourglass"
    retry_requested = Signal()
    finish_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.text = self.add_text()
        self.problem_text = self.add_text("problem")
        self.when = self.add_text()
        self.when.setObjectName("retryWhen")
        self.retry = self.add_action("retry", primary=True)
        self.retry.setObjectName("connectRetry")
        self.retry.clicked.connect(self.retry_requested)
        self.finish = self.add_action("finish")
        self.finish.setObjectName("connectFinish")
        self.finish.clicked.connect(self.finish_requested)

    def retranslate(self) -> None:
        s = self.state
        failed = s.problem is Problem.CONNECTION_FAILED and not s.busy
        kind = s.error_kind or ProblemKind.PROGRAM
        can_retry = (failed and RETRY_HELPS.get(kind, False)) or (
            failed and kind in (ProblemKind.BAD_DATA, ProblemKind.PROGRAM)
        )
        self.retry.setVisible(can_retry)
        self.finish.setVisible(failed)
        self.problem_text.setVisible(failed)
        self.when.setVisible(failed and bool(retry_when_text(s.retry_after)))
        self.retry.set_text(_("Try again"))
        self.finish.set_text(_("Finish"))
        if not failed:
            self.set_icon("hourglass")
            self.heading.setText(_("Opening your health record. Please wait."))
            self.text.setText(
                _(
                    "Your card shows who you are. Leave the card in the reader. "
                    "This can take a moment."
                )
            )
            return
        self.when.setText(retry_when_text(s.retry_after))
        self.problem_text.setText(_("It is not your fault."))
        if kind is ProblemKind.NETWORK:
            self.set_icon("no-internet")
            self.heading.setText(_("The internet is not working."))
            self.text.setText(
                _("Check that the computer is connected to the internet. Then press Try again.")
            )
        elif kind is ProblemKind.SERVICE_DOWN:
            self.set_icon("service-down")
            self.heading.setText(_("The health record service is not working now."))
            self.text.setText(_("The service has a problem. Try again later."))
        elif kind is ProblemKind.SERVICE_REFUSED:
            self.set_icon("blocked")
            self.heading.setText(_("The health record service said no."))
            self.text.setText(
                _(
                    "The service did not accept your card. "
                    "Ask your doctor or call the help line of the service."
                )
            )
            self.problem_text.setText(_("Trying again will not help today."))
        elif kind is ProblemKind.LOGIN:
            self.set_icon("blocked")
            self.heading.setText(_("The login was not finished."))
            self.text.setText(
                _(
                    "The login in the internet browser did not give access to your record. "
                    "Press Try again to log in again."
                )
            )
        elif kind is ProblemKind.BAD_DATA:
            self.set_icon("error")
            self.heading.setText(_("The health record could not be read."))
            self.text.setText(_("The service sent data the program cannot read. Try again later."))
        else:
            self.set_icon("error")
            self.heading.setText(_("Something went wrong in the program."))
            self.text.setText(_("Press Try again. If it happens again, ask someone to help you."))

    def help_text(self) -> str:
        return _(
            "The program asks the health record service for your data. "
            "Your card and your PIN code show that it is really you. "
            "If the service does not answer, you can try again later."
        )


class RecordScreen(StateScreen):
    """Holds the record viewer (helper G's ``RecordHome``) and the "I am done" action."""

    screen_id = "record"
    icon = "heart"
    scrolls_itself = True
    finish_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.viewer_area = QVBoxLayout()
        self.body.addLayout(self.viewer_area, 1)
        self.outer.setStretchFactor(self.body, 10)
        self.outer.setStretch(self.outer.count() - 1, 0)  # the viewer takes all the height
        self.outer.setContentsMargins(16, 8, 16, 8)
        self.viewer: RecordHome | None = None
        self.done = self.add_action("finish", primary=True)
        self.done.setObjectName("recordDone")
        self.done.clicked.connect(self.finish_requested)
        self._fallback: list[QWidget] = []

    def set_record(self, record: Record | None, viewer: RecordHome | None) -> None:
        """Show ``viewer`` for ``record``; None removes every widget that showed data."""
        self._clear()
        if record is None:
            return
        if viewer is not None:
            self.viewer = viewer
            self.viewer_area.addWidget(viewer, 1)
        else:
            self._show_counts(record)
        self.retranslate()

    def _clear(self) -> None:
        if self.viewer is not None:
            self.viewer.setParent(None)
            self.viewer.deleteLater()
            self.viewer = None
        for w in self._fallback:
            w.setParent(None)
            w.deleteLater()
        self._fallback = []

    def _show_counts(self, record: Record) -> None:
        rows = [
            ("medicines", _("Medicines: {n}"), len(record.medications)),
            ("vaccine", _("Vaccines: {n}"), len(record.vaccinations)),
            ("lab-results", _("Results: {n}"), len(record.lab_results)),
            ("allergy", _("Allergies: {n}"), len(record.allergies)),
            ("problems", _("Health problems: {n}"), len(record.problems)),
            ("documents", _("Documents: {n}"), len(record.documents)),
        ]
        for icon, text, n in rows:
            w = IconText(icon, text.format(n=n), self)
            self.viewer_area.addWidget(w)
            self._fallback.append(w)

    def retranslate(self) -> None:
        # The viewer has its own title ("Health record of ..."): no second heading then.
        has_viewer = self.viewer is not None
        self.heading.setVisible(not has_viewer)
        self.pictogram.setVisible(not has_viewer)
        self.heading.setText(_("Your health record"))
        self.done.set_text(_("I am done"))
        # The viewer follows language changes by itself (it listens to assistant.i18n).

    def focus_first(self) -> bool:
        """The first tile of the record (not "I am done")."""
        viewer = self.viewer
        if viewer is not None:
            for button in viewer.findChildren(BigButton):
                if button.isVisibleTo(viewer) and button.isEnabled():
                    button.setFocus(Qt.FocusReason.OtherFocusReason)
                    return True
        return super().focus_first()

    def speech_text(self) -> str:
        viewer = self.viewer
        if viewer is not None:
            return viewer.speech_text()
        return super().speech_text()

    def help_text(self) -> str:
        viewer = self.viewer
        if viewer is not None:
            text = viewer.help_text()
            if text:
                return text
        return _(
            "Press a big button to see a part of your record. "
            "Press I am done when you want to stop. Then take your card out."
        )


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
