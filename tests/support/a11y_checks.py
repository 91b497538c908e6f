"""Accessibility checks over a live widget tree, reusable for every screen.

``audit(window)`` walks the Qt accessibility tree and the widgets of ``window`` as shown now and
returns a list of problems (empty = fine):

* every visible, enabled interactive widget has an accessible interface, a real role and a name;
* every interactive widget is at least 44×44 px (WCAG 2.2 AAA target size);
* rendered text has a contrast of at least 4.5:1 with what is behind it, pictograms 3:1
  (measured on the pixels of a screenshot of the window, so what is checked is what is seen);
* the focus ring is drawn with a colour that has 3:1 against the window.

Use it from any test::

    from tests.support.a11y_checks import audit
    assert audit(shell) == []
"""

from __future__ import annotations

from array import array
from collections import Counter
from dataclasses import dataclass

from PySide6.QtCore import QPoint, QRect
from PySide6.QtGui import QAccessible, QImage
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSlider,
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

from ui import theme as theme_mod
from ui.widgets import BigButton, Pictogram

MIN_TARGET = 44
TEXT_RATIO = 4.5
GRAPHIC_RATIO = 3.0

INTERACTIVE = (
    QAbstractButton,
    QComboBox,
    QLineEdit,
    QTextEdit,
    QPlainTextEdit,
    QAbstractSlider,
    QAbstractItemView,
)

_BAD_ROLES = {QAccessible.Role.NoRole, QAccessible.Role.Client}


@dataclass(frozen=True)
class Problem:
    widget: str
    what: str

    def __str__(self) -> str:
        return f"{self.widget}: {self.what}"


def describe(w: QWidget) -> str:
    name = w.objectName() or ""
    text = ""
    if isinstance(w, (QLabel, QAbstractButton)):
        text = w.text()[:40]
    return f"{type(w).__name__}#{name}[{text or w.accessibleName()[:40]}]"


def shown(w: QWidget) -> bool:
    """Visible on screen now (not hidden, not clipped to nothing)."""
    if not w.isVisible() or w.width() <= 0 or w.height() <= 0:
        return False
    return not w.visibleRegion().isEmpty()


def interactive_widgets(root: QWidget) -> list[QWidget]:
    out = []
    for w in root.findChildren(QWidget):
        if isinstance(w, INTERACTIVE) and shown(w) and w.isEnabled():
            # parts of a composite control (the combo's line edit, a scroll area's scrollbar
            # inside an item view...) are checked through their owner
            if isinstance(w.parent(), QComboBox):
                continue
            out.append(w)
    return out


def check_names_and_roles(root: QWidget) -> list[Problem]:
    problems = []
    for w in interactive_widgets(root):
        iface = QAccessible.queryAccessibleInterface(w)
        if iface is None or not iface.isValid():
            problems.append(Problem(describe(w), "no accessible interface"))
            continue
        if iface.role() in _BAD_ROLES:
            problems.append(Problem(describe(w), f"no real role ({iface.role()})"))
        name = iface.text(QAccessible.Text.Name).strip()
        if not name and not isinstance(w, QAbstractSlider):
            problems.append(Problem(describe(w), "no accessible name"))
    return problems


def check_targets(root: QWidget) -> list[Problem]:
    problems = []
    for w in interactive_widgets(root):
        if w.width() < MIN_TARGET or w.height() < MIN_TARGET:
            # scroll bars count by their thickness only along one side
            if isinstance(w, QAbstractSlider):
                thickness = min(w.width(), w.height())
                if thickness >= MIN_TARGET:
                    continue
            problems.append(Problem(describe(w), f"target {w.width()}×{w.height()} px < 44×44"))
    return problems


# --------------------------------------------------------------------------- contrast
def luminance(rgb: int) -> float:
    def ch(v: int) -> float:
        s = v / 255.0
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (rgb >> 16) & 0xFF, (rgb >> 8) & 0xFF, rgb & 0xFF
    return 0.2126 * ch(r) + 0.7152 * ch(g) + 0.0722 * ch(b)


def ratio(a: int, b: int) -> float:
    la, lb = luminance(a), luminance(b)
    return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)


def region_colors(image: QImage, rect: QRect) -> Counter[int]:
    rect = rect.intersected(image.rect())
    if rect.isEmpty():
        return Counter()
    part = image.copy(rect).convertToFormat(QImage.Format.Format_RGB32)
    data = array("I")
    data.frombytes(bytes(part.constBits())[: part.sizeInBytes()])
    return Counter(v & 0xFFFFFF for v in data)


def measured_contrast(image: QImage, rect: QRect) -> tuple[float, int, int] | None:
    """(ratio, foreground, background) of the strongest colour drawn over the main one."""
    colors = region_colors(image, rect)
    if len(colors) < 2:
        return None
    total = sum(colors.values())
    bg, _n = colors.most_common(1)[0]
    floor = max(3, total // 400)
    candidates = [c for c, n in colors.items() if c != bg and n >= floor]
    if not candidates:
        return None
    fg = max(candidates, key=lambda c: ratio(c, bg))
    return ratio(fg, bg), fg, bg


def _rect_in_window(w: QWidget, window: QWidget) -> QRect:
    top_left = w.mapTo(window, QPoint(0, 0))
    visible = w.visibleRegion().boundingRect()
    return QRect(top_left + visible.topLeft(), visible.size())


def check_contrast(window: QWidget, image: QImage | None = None) -> list[Problem]:
    """Text ≥ 4.5:1 and pictograms ≥ 3:1, measured on a screenshot of ``window``."""
    if image is None:
        image = window.grab().toImage()
    ratio_x = image.width() / max(1, window.width())
    problems = []
    for w in window.findChildren(QWidget):
        if not shown(w) or not w.isEnabled():  # inactive parts are exempt (WCAG 1.4.3)
            continue
        if isinstance(w, QLabel) and w.text().strip() and w.pixmap().isNull():
            need = TEXT_RATIO
        elif isinstance(w, Pictogram) and w.color() is not None:
            need = GRAPHIC_RATIO
        else:
            continue
        rect = _rect_in_window(w, window)
        if ratio_x != 1:
            rect = QRect(
                round(rect.x() * ratio_x),
                round(rect.y() * ratio_x),
                round(rect.width() * ratio_x),
                round(rect.height() * ratio_x),
            )
        found = measured_contrast(image, rect)
        if found is None:
            continue
        value, fg, bg = found
        if value + 0.05 < need:
            problems.append(
                Problem(
                    describe(w),
                    f"contrast {value:.2f}:1 (#{fg:06X} on #{bg:06X}) < {need}:1",
                )
            )
    return problems


def check_focus_ring(window: QWidget) -> list[Problem]:
    """The focus ring colour has 3:1 against the window and is drawn on a focused button."""
    colors = theme_mod.current().colors
    problems = []
    if theme_mod.contrast_ratio(colors.focus, colors.window) < GRAPHIC_RATIO:
        problems.append(Problem("theme", "focus ring contrast below 3:1"))
    buttons = [b for b in window.findChildren(BigButton) if shown(b) and b.isEnabled()]
    if not buttons:
        return problems
    before = QApplication.focusWidget()
    button = buttons[0]
    button.setFocus()
    QApplication.processEvents()
    image = window.grab().toImage()
    rect = _rect_in_window(button, window)
    focus_rgb = int(colors.focus.lstrip("#"), 16)
    seen = region_colors(image, rect)
    if seen.get(focus_rgb, 0) < 20:
        problems.append(Problem(describe(button), "focus ring not drawn in the focus colour"))
    if before is not None:
        before.setFocus()
    return problems


def audit(window: QWidget, *, focus: bool = True) -> list[Problem]:
    """Every check on ``window`` as it is shown now."""
    QApplication.processEvents()
    problems = check_names_and_roles(window) + check_targets(window)
    problems += check_contrast(window)
    if focus:
        problems += check_focus_ring(window)
    return problems


def inside(widget, object_name: str) -> bool:
    w = widget.parentWidget()
    while w is not None:
        if w.objectName() == object_name:
            return True
        w = w.parentWidget()
    return False


def check_clipping(window, skip_inside: str = "") -> list[Problem]:
    """Wrapped text must fit its label; one-line text must fit its width.

    Disabled widgets (under the help or privacy cover) are not checked; ``skip_inside`` names
    a container whose own tests check it (the record viewer, tests/a11y/test_record*).
    """
    problems = []
    for label in window.findChildren(QLabel):
        if not shown(label) or not label.text().strip() or not label.pixmap().isNull():
            continue
        if not label.isEnabled() or (skip_inside and inside(label, skip_inside)):
            continue
        if label.wordWrap():
            need = label.heightForWidth(label.width())
            if need > label.height() + 2:
                problems.append(Problem(describe(label), f"text cut: needs {need}px height"))
            longest = max(
                label.fontMetrics().horizontalAdvance(word) for word in label.text().split()
            )
            if longest > label.contentsRect().width() + 2:
                problems.append(Problem(describe(label), "text cut: a word is wider than it"))
        elif label.sizeHint().width() > label.width() + 2:
            problems.append(Problem(describe(label), "text cut: too wide"))
    return problems
