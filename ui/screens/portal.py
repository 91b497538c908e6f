"""The portal step: "Where is my record?" for a real card with no record service set up.

First the readiness check (what the portal's eID login needs on this computer, each item with
a pictogram and what to do), then the official portal: opened in the system browser at home,
or handed to the patient's phone by a QR code in kiosk and mediator modes, with the few steps
the patient will see there. Last, a pointer to "Open a file I received" for what the portal
lets them download (not in kiosk mode).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from assistant.i18n import _
from assistant.portal.readiness import (
    Status,
    item_words,
    portal_steps,
)
from assistant.portal.urls import portal_name, portal_url
from ui.record.qr import QrCode
from ui.screens.base import StateScreen
from ui.widgets import Body, IconText, Pictogram, top_aligned

if TYPE_CHECKING:
    from assistant.portal.readiness import ReadinessItem, ReadinessReport

#: The pictogram that says how an item stands.
STATUS_ICONS: dict[Status, str] = {
    Status.OK: "check",
    Status.WARNING: "info",
    Status.PROBLEM: "error",
    Status.UNKNOWN: "info",
    Status.INFO: "info",
}


def status_words(status: Status) -> str:
    """What the status pictogram means, for screen readers and Listen."""
    return {
        Status.OK: _("Ready."),
        Status.WARNING: _("Ready, but read this."),
        Status.PROBLEM: _("Not ready."),
        Status.UNKNOWN: _("Not checked."),
        Status.INFO: _("Good to know."),
    }[status]


class CheckRow(QWidget):
    """One item of the readiness check: how it stands, what it is, what to do."""

    def __init__(self, entry: ReadinessItem, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.entry = entry
        words = item_words(entry)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(12)
        self.status = Pictogram(STATUS_ICONS[entry.status], self)
        self.status.set_description(status_words(entry.status))
        row.addLayout(top_aligned(self.status))
        column = QVBoxLayout()
        column.setSpacing(4)
        self.title = IconText(words.icon, words.title, self)
        column.addWidget(self.title)
        self.todo = Body(words.todo, self, "muted")
        self.todo.setVisible(bool(words.todo))
        column.addWidget(self.todo)
        row.addLayout(column, 1)
        self.setAccessibleName(f"{status_words(entry.status)} {words.title} {words.todo}".strip())


class PortalScreen(StateScreen):
    """Step 6 of the portal route. ``phone``: hand the portal to the phone by QR (kiosk,
    mediator) instead of opening the browser. ``files``: offer "Open a file I received"."""

    screen_id = "portal"
    icon = "home"
    open_website = Signal(str)
    check_again = Signal()
    open_files = Signal()
    finish_requested = Signal()

    def __init__(
        self, parent: QWidget | None = None, *, phone: bool = False, files: bool = True
    ) -> None:
        super().__init__(parent)
        self.phone = phone
        self.files_offered = files
        self.report: ReadinessReport | None = None
        #: True once the patient chose to go to the website (the steps are shown).
        self.opened = False
        self.intro = self.add_text()
        self.rows_area = QVBoxLayout()
        self.rows_area.setSpacing(12)
        self.body.addLayout(self.rows_area)
        self.rows: list[CheckRow] = []
        self.qr: QrCode | None = None
        self.qr_url = ""
        self.qr_area = QVBoxLayout()
        self.body.addLayout(self.qr_area)
        self.steps: list[IconText] = []
        self.address = self.add_text("muted")
        self.go = self.add_action("phone" if phone else "next", primary=True)
        self.go.setObjectName("portalGo")
        self.go.clicked.connect(self._go)
        self.files = self.add_action("open-file")
        self.files.setObjectName("portalFiles")
        self.files.clicked.connect(self.open_files)
        self.again = self.add_action("retry")
        self.again.setObjectName("portalCheckAgain")
        self.again.clicked.connect(self._check_again)
        self.done = self.add_action("finish")
        self.done.setObjectName("portalDone")
        self.done.clicked.connect(self.finish_requested)

    # ------------------------------------------------------------------ data
    def set_report(self, report: ReadinessReport | None) -> None:
        """Show the readiness check (None clears it: the patient left)."""
        if report is None or report is not self.report:
            self.opened = False
        self.report = report
        self._clear_rows()
        if report is not None:
            for entry in report.items:
                row = CheckRow(entry, self)
                self.rows_area.addWidget(row)
                self.rows.append(row)
        self.retranslate()

    def _clear_rows(self) -> None:
        for row in self.rows:
            row.setParent(None)
            row.deleteLater()
        self.rows = []

    def _clear_steps(self) -> None:
        for step in self.steps:
            step.setParent(None)
            step.deleteLater()
        self.steps = []
        if self.qr is not None:
            self.qr.setParent(None)
            self.qr.deleteLater()
            self.qr = None

    # ------------------------------------------------------------------ actions
    def _go(self) -> None:
        self.opened = True
        if not self.phone:
            self.open_website.emit(portal_url())
        self.retranslate()
        self.focus_first()

    def _check_again(self) -> None:
        if self.opened:
            self.opened = False  # back to the check, as it was
            self.retranslate()
            self.focus_first()
            return
        self.check_again.emit()

    # ------------------------------------------------------------------ drawing
    def retranslate(self) -> None:
        busy = self.state.busy
        name = portal_name()
        showing_steps = self.opened and not busy
        for row in self.rows:
            row.setVisible(not showing_steps and not busy)
        self._clear_steps()
        self.go.set_text(
            _("Continue on my phone")
            if self.phone
            else _("Open the website {name}").format(name=name)
        )
        self.files.set_text(_("Open a file I received"))
        self.again.set_text(_("Back to the check") if showing_steps else _("Check again"))
        self.done.set_text(_("I am done"))
        self.go.setVisible(not busy and not showing_steps)
        self.again.setVisible(not busy)
        self.files.setVisible(self.files_offered and showing_steps)
        self.done.setVisible(not busy)
        self.address.setVisible(showing_steps)
        self.address.setText(_("The address of the website is: {url}").format(url=portal_url()))
        if busy:
            self.set_icon("hourglass")
            self.heading.setText(_("Checking this computer. Please wait."))
            self.intro.setText(_("Leave the card in the reader."))
            return
        if showing_steps:
            self._draw_steps(name)
            return
        self.set_icon("home")
        self.heading.setText(_("Your record is on the official website {name}.").format(name=name))
        report = self.report
        if report is not None and not report.eid_login_possible:
            self.intro.setText(
                _(
                    "To log in with your card, something must be fixed first. "
                    "You can also log in with itsme."
                )
            )
        else:
            self.intro.setText(
                _("This computer is ready to log in with your card. Here is what we checked.")
            )

    def _draw_steps(self, name: str) -> None:
        self.set_icon("phone" if self.phone else "next")
        if self.phone:
            self.heading.setText(_("Open the website {name} on your phone.").format(name=name))
            self.intro.setText(
                _("Open the camera of your phone and point it at this code. Tap the link.")
            )
            self.qr_url = portal_url()
            self.qr = QrCode(
                self.qr_url, _("Code that opens the official website on your phone"), self
            )
            self.qr_area.addWidget(self.qr, 0, Qt.AlignmentFlag.AlignHCenter)
            icons = ["phone", "documents"]
            texts = [
                _("Choose itsme and confirm on your phone."),
                _("You see your health data on your phone."),
            ]
        else:
            self.heading.setText(
                _("The website {name} opens in your internet browser.").format(name=name)
            )
            self.intro.setText(_("This is what you will see there:"))
            texts = [s.text for s in portal_steps()]
            icons = [s.icon for s in portal_steps()]
        for number, (icon, text) in enumerate(zip(icons, texts, strict=True), start=1):
            line = IconText(icon, f"{number}. {text}", self)
            self.body.insertWidget(self.body.indexOf(self.address), line)
            self.steps.append(line)

    def help_text(self) -> str:
        return _(
            "Your health record is not kept in this program. The official website shows it "
            "after you log in with your eID card and PIN code, or with itsme. "
            "This screen checks what the login needs, then opens the website."
        )
