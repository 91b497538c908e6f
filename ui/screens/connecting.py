"""Step 8: connecting to the health record (waiting, or what went wrong and what to do)."""

from __future__ import annotations

import logging
import math

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

from assistant.errors import RETRY_HELPS, ProblemKind
from assistant.i18n import _, ngettext
from assistant.journey import Problem
from ui.screens.base import StateScreen, set_primary

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
        # "It is not your fault" reassures: not drawn like an error (see set_role below).
        self.problem_text = self.add_text("reassure")
        self.problem_text.setObjectName("connectReassure")
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
        # When the service says to wait ("Try again in 10 minutes"), the main action is to
        # stop for now; Try again stays, as a secondary action, after it.
        wait = failed and (kind is ProblemKind.SERVICE_DOWN or bool(retry_when_text(s.retry_after)))
        main, other = (self.finish, self.retry) if wait else (self.retry, self.finish)
        set_primary(main, True)
        set_primary(other, False)
        if self.action_layout.indexOf(main) != 0:
            self.action_layout.removeWidget(main)
            self.action_layout.insertWidget(0, main)
        if self.problem_text.property("role") != "reassure":
            self.problem_text.set_role("reassure")
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
            self.problem_text.set_role("problem")
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
