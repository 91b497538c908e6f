"""Kiosk: the patient's open e-prescriptions, large, with their codes for the pharmacist.

Shown beside the record while it is open (a pharmacy kiosk is mostly about this); emptied as
soon as the journey leaves the record and at every reset. Reuses the record viewer's
:class:`ui.record.qr.QrCode`.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QVBoxLayout, QWidget

from assistant.i18n import _, format_date
from assistant.journey import Journey, JourneyState, Step
from ui import theme as theme_mod
from ui.record.qr import QrCode
from ui.widgets import Body, Heading

log = logging.getLogger(__name__)


class PrescriptionPanel(QFrame):
    """A column of open prescriptions: medicine, code (RID) in large digits, scannable code."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("kioskPrescriptions")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        outer.addWidget(scroll)
        self._inner = QWidget()
        scroll.setWidget(self._inner)
        self._lay = QVBoxLayout(self._inner)
        self._lay.setContentsMargins(16, 16, 16, 16)
        self._lay.setSpacing(12)
        self.heading = Heading("", self._inner)
        self._lay.addWidget(self.heading)
        self.intro = Body("", self._inner)
        self._lay.addWidget(self.intro)
        self._items: list[QWidget] = []
        self.codes: list[QrCode] = []
        self._lay.addStretch(1)
        self.setMinimumWidth(300)
        self.setMaximumWidth(340)
        self._prescriptions: list[Any] = []
        self.retranslate()

    def retranslate(self) -> None:
        self.heading.setText(_("Prescriptions for the pharmacist"))
        n = len(self._prescriptions)
        if n:
            self.intro.setText(_("Show this screen to the pharmacist. They scan the codes."))
        else:
            self.intro.setText(_("You have no open prescriptions."))
        self.setAccessibleName(_("Prescriptions for the pharmacist"))

    def set_prescriptions(self, prescriptions: list[Any]) -> None:
        """Show these prescriptions (an empty list clears everything)."""
        self.clear()
        self._prescriptions = [
            p for p in prescriptions if getattr(p, "status", "active") in ("active", "open", "")
        ]
        for p in self._prescriptions:
            box = QFrame(self._inner)
            box.setObjectName("panel")
            lay = QVBoxLayout(box)
            name = Body(p.medication, box)
            name.setObjectName("prescriptionMedicine")
            f = theme_mod.current().font("title", bold=True)
            name.setFont(f)
            lay.addWidget(name)
            rid = QLabel(p.rid, box)
            rid.setObjectName("prescriptionCode")
            rid.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
            big = theme_mod.current().font("heading", bold=True)
            rid.setFont(big)
            rid.setAccessibleName(_("Code for the pharmacist: {rid}").format(rid=p.rid))
            lay.addWidget(rid)
            if getattr(p, "expiry", None):
                lay.addWidget(Body(_("Valid until {date}").format(date=format_date(p.expiry)), box))
            code = QrCode(
                p.rid,
                _("Code to scan for the prescription of {name}").format(name=p.medication),
                box,
                module_px=6,
            )
            lay.addWidget(code, 0, Qt.AlignmentFlag.AlignHCenter)
            self.codes.append(code)
            self._lay.insertWidget(self._lay.count() - 1, box)
            self._items.append(box)
        self.retranslate()

    def clear(self) -> None:
        for item in self._items:
            item.hide()
            item.setParent(None)
            item.deleteLater()
        self._items = []
        self.codes = []
        self._prescriptions = []
        self.retranslate()

    def wipe(self) -> None:
        self.clear()

    def count(self) -> int:
        return len(self._prescriptions)


class PrescriptionsOnRecord:
    """Shows the panel beside the record at the RECORD step; clears it at every other step."""

    def __init__(self, shell: Any, journey: Journey) -> None:
        self.shell = shell
        self.journey = journey
        self.panel = PrescriptionPanel()
        self._shown = False
        journey.add_listener(self._changed)

    def _changed(self, state: JourneyState, _commands: object) -> None:
        record = self.journey.record
        if state.step is Step.RECORD and record is not None:
            self.panel.set_prescriptions(list(getattr(record, "prescriptions", [])))
            if self.panel.count() and not self._shown:
                self.shell.set_side_panel(self.panel)
                self.panel.show()  # a panel taken out before stays hidden otherwise
                self._shown = True
        elif self._shown or self.panel.count():
            self.panel.clear()
            if self._shown:
                self.shell.set_side_panel(None)
                self._shown = False

    def close(self) -> None:
        """Stop following the journey and delete the panel now (not at a random GC moment)."""
        self.journey.remove_listener(self._changed)
        self.panel.clear()
        if self._shown:
            self.shell.set_side_panel(None)
            self._shown = False
        self.panel.setParent(None)
        self.panel.deleteLater()
