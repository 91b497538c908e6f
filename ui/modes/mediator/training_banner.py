"""The banner of training mode: always visible, this is practice, not a real record."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from assistant.i18n import _
from ui import theme as theme_mod


class TrainingBanner(QLabel):
    """Always visible in training mode: this is practice, not a real record."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("trainingBanner")
        self.setWordWrap(True)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setContentsMargins(16, 8, 16, 8)
        theme_mod.notifier().changed.connect(self._restyle)
        self._restyle()
        self.retranslate()

    def _restyle(self, _theme: object = None) -> None:
        t = theme_mod.current()
        c = t.colors
        self.setStyleSheet(
            f"QLabel#trainingBanner {{ background: {c.problem_background}; "
            f"color: {c.problem_text}; border: 3px dashed {c.problem}; "
            f"font-size: {t.bar_points('title'):.1f}pt; font-weight: bold; }}"
        )
        # Sized like the bars: with 200 % text it stays one line and leaves room for the screen.
        m = t.bar_margin_px()
        self.setContentsMargins(16, m, 16, m)

    def retranslate(self) -> None:
        text = _("Practice — not a real record. The card and the patient are made up.")
        self.setText(text)
        self.setAccessibleName(text)
