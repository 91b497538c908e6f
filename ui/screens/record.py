"""Step 9: the health record, shown by the record viewer, with "I am done"."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QSizePolicy, QVBoxLayout, QWidget

from assistant.i18n import _
from ui.screens.base import StateScreen
from ui.widgets import BigButton, IconText

if TYPE_CHECKING:
    from assistant.records.model import Record
    from ui.record.home import RecordHome


class RecordScreen(StateScreen):
    """Holds the record viewer (:class:`ui.record.home.RecordHome`) and "I am done"."""

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
        # Ending is a secondary action, last and at the side: the page's main action is its
        # content (the sections), never "leave" (patients followed the big blue button out).
        self.done = self.add_action("finish")
        self.done.setObjectName("recordDone")
        self.done.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Preferred)
        self.action_layout.setAlignment(self.done, Qt.AlignmentFlag.AlignRight)
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

    def speech_parts(self) -> list[tuple[str, str]]:
        viewer = self.viewer
        if viewer is not None:
            return viewer.speech_parts()
        return super().speech_parts()

    def help_text(self) -> str:
        viewer = self.viewer
        if viewer is not None:
            return viewer.help_text()
        return _(
            "Press a big button to see a part of your record. "
            "Press I am done when you want to stop. Then take your card out."
        )
