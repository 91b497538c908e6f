"""Draws the application icon's PNG sizes and the Windows .ico from the SVG, with Qt:

    QT_QPA_PLATFORM=offscreen .venv/bin/python packaging/make-icons.py

assets/app-icon/dossier-assistant.svg -> assets/app-icon/png/<N>.png (16 ... 512) and
assets/app-icon/dossier-assistant.ico (16, 24, 32, 48, 64, 256, PNG-compressed entries).
Run it after changing the SVG and commit the results (the packages use them as they are).
"""

from __future__ import annotations

import struct
import sys
from pathlib import Path

from PySide6.QtCore import QBuffer, QIODevice
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

ICON_DIR = Path(__file__).resolve().parents[1] / "assets" / "app-icon"
PNG_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 256)


def render(renderer: QSvgRenderer, size: int) -> bytes:
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(0)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(buffer.data().data())


def ico(images: dict[int, bytes]) -> bytes:
    """An .ico file whose entries are PNG images (Windows Vista and later)."""
    header = struct.pack("<HHH", 0, 1, len(images))
    offset = len(header) + 16 * len(images)
    entries, blobs = b"", b""
    for size, png in sorted(images.items()):
        side = 0 if size >= 256 else size  # 0 means 256
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(png), offset)
        blobs += png
        offset += len(png)
    return header + entries + blobs


def main() -> int:
    app = QGuiApplication(sys.argv[:1])
    renderer = QSvgRenderer(str(ICON_DIR / "dossier-assistant.svg"))
    if not renderer.isValid():
        sys.stderr.write("the icon's SVG cannot be read\n")
        return 1
    (ICON_DIR / "png").mkdir(exist_ok=True)
    drawn = {size: render(renderer, size) for size in PNG_SIZES}
    for size, png in drawn.items():
        (ICON_DIR / "png" / f"{size}.png").write_bytes(png)
    (ICON_DIR / "dossier-assistant.ico").write_bytes(ico({s: drawn[s] for s in ICO_SIZES}))
    del app
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
