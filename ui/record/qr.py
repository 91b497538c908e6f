"""QR codes drawn with Qt from the ``qrcode`` library's module matrix (no image library)."""

from __future__ import annotations

import qrcode
from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPixmap
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget


def qr_matrix(text: str) -> list[list[bool]]:
    """The QR modules of ``text`` (medium error correction, 4-module quiet zone included)."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4)
    code.add_data(text)
    code.make(fit=True)
    return [list(row) for row in code.get_matrix()]


def qr_image(text: str, module_px: int = 8) -> QImage:
    """Black modules on white (always, whatever the theme: scanners need it)."""
    matrix = qr_matrix(text)
    side = len(matrix) * module_px
    image = QImage(side, side, QImage.Format.Format_RGB32)
    image.fill(QColor("#FFFFFF"))
    painter = QPainter(image)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor("#000000"))
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if dark:
                painter.drawRect(QRect(x * module_px, y * module_px, module_px, module_px))
    painter.end()
    return image


class QrCode(QLabel):
    """A scannable code with an accessible name saying what it holds."""

    def __init__(
        self, text: str, description: str, parent: QWidget | None = None, module_px: int = 7
    ) -> None:
        super().__init__(parent)
        self.payload = text
        image = qr_image(text, module_px)
        self.setPixmap(QPixmap.fromImage(image))
        self.setFixedSize(QSize(image.width(), image.height()))
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.setAccessibleName(description)
        self.setAccessibleDescription(text)
        self.setStyleSheet("background: #FFFFFF; padding: 0px;")
