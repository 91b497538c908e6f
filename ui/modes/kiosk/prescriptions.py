"""Kiosk: the patient's open e-prescriptions, large, with their codes for the pharmacist.

Shown beside the record while it is open (a pharmacy kiosk is mostly about this); emptied as
soon as the journey leaves the record and at every reset. Reuses the record viewer's
:class:`ui.record.qr.QrCode`.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QVBoxLayout, QWidget

from assistant.i18n import _, add_language_listener, format_date, remove_language_listener
from assistant.journey import Journey, JourneyState, Step
from assistant.records.model import Prescription, Record
from ui import theme as theme_mod
from ui.record.qr import QrCode
from ui.shell import Shell
from ui.widgets import Body, Heading

log = logging.getLogger(__name__)


class PrescriptionPanel(QFrame):
    """A column of open prescriptions: medicine, code (RID) in large digits, scannable code.

    Never clips: the panel is at least as wide as its widest unbreakable part (the code
    written out, the scannable code, the longest word of a text) at the current text size,
    and the texts wrap; it scrolls up and down only.
    """

    #: Narrowest and widest width (wider when its parts need it, see :meth:`fit`).
    BASE_WIDTH = (300, 340)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("kioskPrescriptions")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        scroll = self.scroll_area = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        outer.addWidget(scroll)
        self._inner = QWidget()
        scroll.setWidget(self._inner)
        self._lay = QVBoxLayout(self._inner)
        self._lay.setContentsMargins(6, 8, 6, 8)
        self._lay.setSpacing(12)
        self.heading = Heading("", self._inner)
        self.heading.setObjectName("prescriptionsHeading")
        self._lay.addWidget(self.heading)
        self.intro = Body("", self._inner)
        self._lay.addWidget(self.intro)
        self._items: list[QWidget] = []
        self.codes: list[QrCode] = []
        self._lay.addStretch(1)
        self.setMinimumWidth(self.BASE_WIDTH[0])
        self.setMaximumWidth(self.BASE_WIDTH[1])
        self._prescriptions: list[Prescription] = []
        theme_mod.notifier().changed.connect(self._on_theme)
        self.retranslate()
        self._on_theme()

    def _on_theme(self, _theme: object = None) -> None:
        """The panel's own text sizes: they grow like the frame (at most 150 %), so that at
        200 % text on 1024×768 the panel and the record both fit side by side. The code
        written out is the largest, bold; every text wraps but the code."""
        t = theme_mod.current()
        body = t.chrome_points("body")
        title = t.chrome_points("title")
        sheet = (
            f"QLabel {{ font-size: {body:.1f}pt; }} "
            f"QLabel#prescriptionsHeading {{ font-size: {title:.1f}pt; font-weight: bold; }} "
            f"QLabel#prescriptionMedicine {{ font-size: {body:.1f}pt; font-weight: bold; }} "
            f"QLabel#prescriptionCode {{ font-size: {title:.1f}pt; font-weight: bold; }}"
        )
        if self.styleSheet() != sheet:
            self.setStyleSheet(sheet)
        self.fit()

    def needed_width(self) -> int:
        """The narrowest panel that shows every part whole (texts may wrap, codes may not)."""
        widest = 0
        for label in self._inner.findChildren(QLabel):
            if label.isHidden():
                continue
            if isinstance(label, QrCode):
                part = label.width()
            else:
                label.ensurePolished()
                metrics = label.fontMetrics()
                pieces = label.text().split() if label.wordWrap() else [label.text()]
                part = max((metrics.horizontalAdvance(w) for w in pieces), default=0)
                part += 2 * label.margin() + 4  # (rounding of the text layout)
            box = label.parentWidget()
            box_layout = box.layout() if box is not None else None
            if box is not None and box is not self._inner and box_layout is not None:
                m = box_layout.contentsMargins()  # a prescription's framed box
                border = box.frameWidth() if isinstance(box, QFrame) else 0
                part += m.left() + m.right() + 2 * max(border, 2)
            widest = max(widest, part)
        m = self._lay.contentsMargins()
        bar = self.scroll_area.verticalScrollBar().sizeHint().width()
        frames = 2 * (self.frameWidth() + self.scroll_area.frameWidth())
        return widest + m.left() + m.right() + bar + frames + 2

    def fit(self) -> None:
        """Width for the current texts and text size: never narrower than what is needed."""
        low, high = self.BASE_WIDTH
        if theme_mod.current().text_scale >= 1.25:
            high = low  # large text: every pixel the panel does not need goes to the record
        need = self.needed_width()
        self.setMinimumWidth(max(low, need))
        self.setMaximumWidth(max(high, need))
        self.updateGeometry()

    def retranslate(self) -> None:
        self.heading.setText(_("Prescriptions for the pharmacist"))
        n = len(self._prescriptions)
        if n:
            self.intro.setText(_("Show this screen to the pharmacist. They scan the codes."))
        else:
            self.intro.setText(_("You have no open prescriptions."))
        self.setAccessibleName(_("Prescriptions for the pharmacist"))
        self.fit()

    def set_prescriptions(self, prescriptions: list[Prescription]) -> None:
        """Show these prescriptions (an empty list clears everything)."""
        self.clear()
        self._prescriptions = [p for p in prescriptions if getattr(p, "is_open", True)]
        for p in self._prescriptions:
            box = QFrame(self._inner)
            box.setObjectName("panel")
            lay = QVBoxLayout(box)
            lay.setContentsMargins(6, 6, 6, 6)
            name = Body(p.medication, box)
            name.setObjectName("prescriptionMedicine")
            lay.addWidget(name)
            rid = QLabel(p.rid, box)
            rid.setObjectName("prescriptionCode")
            rid.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
            rid.setAccessibleName(_("Code for the pharmacist: {rid}").format(rid=p.rid))
            lay.addWidget(rid)
            if p.expiry:
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

    def shown(self) -> list[Prescription]:
        """The open prescriptions shown now."""
        return list(self._prescriptions)


class PrescriptionsOnRecord:
    """Shows the panel beside the record at the RECORD step; clears it at every other step."""

    def __init__(self, shell: Shell, journey: Journey) -> None:
        self.shell = shell
        self.journey = journey
        self.panel = PrescriptionPanel()
        self._shown = False
        journey.add_listener(self._changed)
        add_language_listener(self._language_changed)

    def _language_changed(self, _code: str) -> None:
        """Every text of the panel in the new language (the shell redraws only its screen)."""
        if self.panel.count():
            self.panel.set_prescriptions(list(self.panel.shown()))
        else:
            self.panel.retranslate()

    def _changed(self, state: JourneyState, _commands: object) -> None:
        record = self.journey.record
        if state.step is Step.RECORD and isinstance(record, Record):
            self.panel.set_prescriptions(list(record.prescriptions))
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
        remove_language_listener(self._language_changed)
        self.panel.clear()
        if self._shown:
            self.shell.set_side_panel(None)
            self._shown = False
        self.panel.setParent(None)
        self.panel.deleteLater()
