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

from PySide6.QtCore import QPoint, QRect, Qt
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


# --------------------------------------------------------------------------- issue 14
def _norm(text: str) -> str:
    return " ".join(text.replace("\n", " ").split()).casefold()


def check_label_in_name(root: QWidget) -> list[Problem]:
    """WCAG 2.5.3: the accessible name of every button contains its visible words."""
    problems = []
    for w in interactive_widgets(root):
        if not isinstance(w, QAbstractButton):
            continue
        visible = w.text()
        if not visible.strip():
            continue
        iface = QAccessible.queryAccessibleInterface(w)
        name = iface.text(QAccessible.Text.Name) if iface is not None else w.accessibleName()
        if _norm(visible) not in _norm(name):
            problems.append(Problem(describe(w), f"name {name[:50]!r} lacks its label"))
    return problems


def check_unique_names(root: QWidget) -> list[Problem]:
    """No two controls on one screen with the same accessible name, unless they do the same
    thing (marked with the property ``sameAction`` holding the same key)."""
    seen: dict[str, list[QWidget]] = {}
    for w in interactive_widgets(root):
        if not isinstance(w, QAbstractButton) or isinstance(w.parent(), QAbstractItemView):
            continue
        name = _norm(w.accessibleName() or w.text())
        if name:
            seen.setdefault(name, []).append(w)
    problems = []
    for name, widgets in seen.items():
        actions = {w.property("sameAction") or id(w) for w in widgets}
        if len(widgets) > 1 and len(actions) > 1:
            problems.append(
                Problem(describe(widgets[0]), f"{len(widgets)} controls named {name!r}")
            )
    return problems


def focus_chain(window: QWidget, limit: int = 200) -> list[QWidget]:
    """The widgets Tab visits from the current focus, once round (without pressing keys: the
    same chain Qt follows, ``nextInFocusChain`` filtered like ``focusNextPrevChild``)."""
    start = window.focusWidget() or QApplication.focusWidget()
    if start is None:
        return []
    tab_stops = getattr(window, "tab_stops", None)
    if callable(tab_stops):  # the window orders Tab itself (ui.shell.Shell)
        stops = [w for w in tab_stops() if shown(w)]
        if start in stops:
            i = stops.index(start)
            return stops[i:] + stops[:i]
        return stops  # (the focus is on a part that is no stop: a page still being made)
    chain: list[QWidget] = []
    w: QWidget = start
    for _ in range(limit * 10):
        w = w.nextInFocusChain()
        if w is start:
            break
        policy = w.focusPolicy()
        tab = bool(policy.value & Qt.FocusPolicy.TabFocus.value)
        if tab and w.isVisible() and w.isEnabled() and w.window() is window and shown(w):
            chain.append(w)
            if len(chain) >= limit:
                break
    return [start, *chain]


def region_of(w: QWidget, regions: list[tuple[str, QWidget]]) -> str:
    for name, region in regions:
        if region is w or region.isAncestorOf(w):
            return name
    return "other"


def check_focus_order(window: QWidget, regions: list[tuple[str, QWidget]]) -> list[Problem]:
    """WCAG 2.4.3: Tab goes top bar → content → actions → bottom bar (each region visited in
    one go, in that order), and every stop is visible and in the window."""
    chain = focus_chain(window)
    if not chain:
        return [Problem("window", "nothing has the keyboard focus")]
    order = [name for name, _r in regions]
    # Rotate so the chain starts at the first stop of the top bar.
    names = [region_of(w, regions) for w in chain]
    first = names.index(order[0]) if order[0] in names else 0
    names = names[first:] + names[:first]
    visited: list[str] = []
    for name in names:
        if not visited or visited[-1] != name:
            visited.append(name)
    problems = []
    known = [n for n in visited if n in order]
    if known != sorted(set(known), key=order.index) or len(known) != len(set(known)):
        problems.append(Problem("focus order", " → ".join(visited)))
    return problems


def check_focus_visible(window: QWidget) -> list[Problem]:
    """WCAG 2.4.7 / 2.4.11: every Tab stop draws the focus colour around it when focused."""
    colors = theme_mod.current().colors
    focus_rgb = int(colors.focus.lstrip("#"), 16)
    problems = []
    before = QApplication.focusWidget()
    for w in focus_chain(window):
        w.setFocus(Qt.FocusReason.TabFocusReason)
        QApplication.processEvents()
        rect = _rect_in_window(w, window).adjusted(-4, -4, 4, 4)
        image = window.grab(rect).toImage()
        if region_colors(image, image.rect()).get(focus_rgb, 0) < 20:
            problems.append(Problem(describe(w), "no visible focus"))
    if before is not None:
        before.setFocus()
    return problems


def check_initial_focus(
    expected: QWidget | None, fallback: QWidget, focused: QWidget | None
) -> list[Problem]:
    """WCAG 2.4.3: a screen starts with the focus on its main action (or on Listen when it
    has none: waiting for a card...)."""
    target = expected if expected is not None and shown(expected) else fallback
    if focused is None:
        return [Problem("screen", "nothing has the focus at the start")]
    if (
        focused is not target
        and not target.isAncestorOf(focused)
        and not (
            focused.isAncestorOf(target)  # the PIN keypad as a whole, around its OK key
        )
    ):
        return [Problem(describe(focused), f"starts focused instead of {describe(target)}")]
    return []


def check_language_of_parts(root: QWidget, current: str, names: dict[str, str]) -> list[Problem]:
    """WCAG 3.1.2: a language name written in its own language (not the screen's) is marked
    with that language (the ``lang`` property the speech and the tests read)."""
    problems = []
    own = {name: code for code, name in names.items()}
    for w in root.findChildren(QWidget):
        if not shown(w):
            continue
        text = w.text() if isinstance(w, (QLabel, QAbstractButton)) else ""
        code = own.get(text.strip())
        if code is None or code == current or isinstance(w.parent(), QComboBox):
            continue
        holder = w if isinstance(w, QAbstractButton) else w.parentWidget()
        lang = str((holder or w).property("lang") or w.property("lang") or "")
        if not lang.startswith(code):
            problems.append(Problem(describe(w), f"{text!r} not marked as {code}"))
    return problems


def check_non_text_contrast(window: QWidget) -> list[Problem]:
    """WCAG 1.4.11: the edge of every button is 3:1 against what is around it, measured on the
    pixels (enabled and disabled buttons alike: a disabled button must be seen as a button)."""
    image = window.grab().toImage()
    problems = []
    for b in window.findChildren(BigButton):
        if not shown(b):
            continue
        r = _rect_in_window(b, window)
        y = r.center().y()
        x_out = r.left() - 3
        if x_out < 0 or r.left() + 1 >= image.width():
            continue
        edge = image.pixel(r.left() + 1, y) & 0xFFFFFF
        out = image.pixel(x_out, y) & 0xFFFFFF
        inner = image.pixel(r.left() + 6, y) & 0xFFFFFF
        best = max(ratio(edge, out), ratio(inner, out))
        if best + 0.05 < GRAPHIC_RATIO:
            problems.append(Problem(describe(b), f"edge contrast {best:.2f}:1 < 3:1"))
    return problems
