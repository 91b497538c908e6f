"""Decode the QR codes the program really draws: grab a widget (or render a PDF page) to PNG and
read every code in it with zbar's ``zbarimg`` (Debian package ``zbar-tools``).

zbar, like a phone camera app, reads dark modules on a light background only: an inverted code
(light on dark, as a high-contrast theme could paint it) is not found, so "decodes" also means
"dark on light".
"""

from __future__ import annotations

import base64
import shutil
import subprocess
import tempfile
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtCore import QBuffer, QByteArray, QEvent, QIODevice, QPoint, QRect
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QApplication, QWidget

ZBAR_NS = "{http://zbar.sourceforge.net/2008/barcode}"
#: zbarimg's exit status when an image holds no code at all.
ZBAR_NOTHING_FOUND = 4


@dataclass(frozen=True)
class Symbol:
    """One decoded code: its type (``QR-Code``) and its payload, exactly as scanned."""

    kind: str
    data: str


def tool(name: str, package: str) -> str:
    """The path of a command-line tool; skips (a failure in strict mode) when it is missing."""
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} is needed to decode codes (apt package {package})")
    return path


def png_bytes(image: QImage | QPixmap) -> bytes:
    """The image as PNG file bytes."""
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    assert image.save(buffer, "PNG"), "PNG encoding failed"
    buffer.close()
    return bytes(data.data())


def settle_layout(widget: QWidget, top: QWidget) -> None:
    """Run the pending layout passes until ``widget`` stops moving inside ``top`` (widgets added
    while a page is built are placed on later event-loop turns, as the patient would see)."""
    last: tuple[QPoint, int, int] | None = None
    for _turn in range(50):
        QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
        now = (widget.mapTo(top, QPoint(0, 0)), top.width(), top.height())
        if now == last:
            return
        last = now
    raise AssertionError("the layout never settled")


def grab(widget: QWidget, rect: QRect | None = None) -> QImage:
    """The widget (or a part of it) rendered as it is on screen, children included."""
    pixmap = widget.grab(rect) if rect is not None else widget.grab()
    assert not pixmap.isNull(), "the widget could not be rendered"
    return pixmap.toImage()


def _symbols_from_xml(text: str) -> list[Symbol]:
    root = ET.fromstring(text)
    found: list[Symbol] = []
    for symbol in root.iter(f"{ZBAR_NS}symbol"):
        data = symbol.find(f"{ZBAR_NS}data")
        assert data is not None, f"zbar symbol without data: {text!r}"
        payload = data.text or ""
        if data.get("format") == "base64":
            payload = base64.b64decode(payload).decode("utf-8")
        found.append(Symbol(symbol.get("type", ""), payload))
    return found


def decode_files(paths: list[Path]) -> list[list[Symbol]]:
    """Every code in each image file (one list per file, in order)."""
    zbarimg = tool("zbarimg", "zbar-tools")
    result: list[list[Symbol]] = []
    for path in paths:
        run = subprocess.run(
            [zbarimg, "--nodbus", "--xml", "-q", str(path)],
            capture_output=True,
            text=True,
            timeout=60,
        )
        if run.returncode == ZBAR_NOTHING_FOUND:
            result.append([])
            continue
        assert run.returncode == 0, f"zbarimg failed ({run.returncode}): {run.stderr}"
        result.append(_symbols_from_xml(run.stdout))
    return result


def decode_png(png: bytes) -> list[Symbol]:
    """Every code in one PNG image."""
    with tempfile.TemporaryDirectory(prefix="qr-decode-") as tmp:
        path = Path(tmp) / "image.png"
        path.write_bytes(png)
        return decode_files([path])[0]


def decode_image(image: QImage | QPixmap) -> list[str]:
    """The payloads of every QR code in an image (other barcode kinds are ignored)."""
    return [s.data for s in decode_png(png_bytes(image)) if s.kind == "QR-Code"]


def decode_widget(widget: QWidget, rect: QRect | None = None) -> list[str]:
    """The payloads of every QR code the widget shows, rendered as on screen."""
    return decode_image(grab(widget, rect))


def decode_pdf(path: Path, dpi: int = 150) -> list[list[str]]:
    """The QR payloads on each page of a PDF, rendered like a printer would (poppler)."""
    pdftoppm = tool("pdftoppm", "poppler-utils")
    with tempfile.TemporaryDirectory(prefix="qr-pdf-") as tmp:
        stem = Path(tmp) / "page"
        subprocess.run(
            [pdftoppm, "-png", "-r", str(dpi), str(path), str(stem)],
            check=True,
            capture_output=True,
            timeout=120,
        )
        pages = sorted(Path(tmp).glob("page*.png"), key=lambda p: int(p.stem.split("-")[-1]))
        assert pages, f"pdftoppm rendered no page of {path.name}"
        return [[s.data for s in page if s.kind == "QR-Code"] for page in decode_files(pages)]


def luminance(image: QImage, x: int, y: int) -> float:
    """0 (black) to 1 (white), for one pixel."""
    return float(image.pixelColor(x, y).lightnessF())


def module_grid(image: QImage, rect: QRect, modules: int) -> list[list[bool]]:
    """Read a code back module by module from where it is drawn: True where the module centre
    is dark (lightness < 0.5). ``rect`` is the code's square (quiet zone included) in ``image``."""
    size = rect.width() / modules
    grid: list[list[bool]] = []
    for row in range(modules):
        y = rect.top() + int((row + 0.5) * size)
        line = []
        for col in range(modules):
            x = rect.left() + int((col + 0.5) * size)
            line.append(luminance(image, x, y) < 0.5)
        grid.append(line)
    return grid


def contrast_ratio(image: QImage, rect: QRect, matrix: list[list[bool]]) -> float:
    """WCAG contrast ratio between the lightest dark module and the darkest light module."""
    size = rect.width() / len(matrix)
    dark: list[float] = []
    light: list[float] = []
    for row, line in enumerate(matrix):
        for col, is_dark in enumerate(line):
            x = rect.left() + int((col + 0.5) * size)
            y = rect.top() + int((row + 0.5) * size)
            colour = image.pixelColor(x, y)
            (dark if is_dark else light).append(
                _relative_luminance(colour.redF(), colour.greenF(), colour.blueF())
            )
    return (min(light) + 0.05) / (max(dark) + 0.05)


def _relative_luminance(r: float, g: float, b: float) -> float:
    def lin(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else float(((c + 0.055) / 1.055) ** 2.4)

    return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)
