"""A page that covers the whole main window (the idle warning, the kiosk's staff panel)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Signal
from PySide6.QtWidgets import QFrame, QWidget


class Cover(QFrame):
    """A page that covers the whole window (idle warning, staff panel)."""

    def __init__(self, window: QWidget, name: str) -> None:
        super().__init__(window)
        self.setObjectName(name)
        self.setAutoFillBackground(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self._window = window
        window.installEventFilter(self)
        self.hide()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._window and event.type() is QEvent.Type.Resize and self.isVisible():
            self.setGeometry(self._window.rect())
        return False

    shown = Signal()

    def cover(self) -> None:
        self.setGeometry(self._window.rect())
        self.show()
        self.raise_()
        self.shown.emit()
