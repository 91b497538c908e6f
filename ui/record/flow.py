"""A layout that puts its widgets in a row and starts a new row when the width runs out.

The buttons of a card ("What is this?", "Write a question") stay side by side on a wide
screen and go one under the other in a narrow one (mediator side panel, 200 % text), so
nothing is ever cut off on the right.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtWidgets import QHBoxLayout, QLayout, QLayoutItem, QVBoxLayout, QWidget


class FlowLayout(QLayout):
    """Left-aligned rows of widgets; the minimum width is that of the widest widget."""

    def __init__(self, parent: QWidget | None = None, spacing: int = 10) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._gap = spacing
        # Qt asks the same width's height many times per layout pass; each answer costs a
        # walk over the items in Python. Kept until the layout is invalidated.
        self._heights: dict[int, int] = {}
        self._hint: QSize | None = None
        self._minimum: QSize | None = None
        self.setContentsMargins(0, 0, 0, 0)

    def invalidate(self) -> None:
        self._heights.clear()
        self._hint = None
        self._minimum = None
        super().invalidate()

    # QLayout's item interface ---------------------------------------------------------------
    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)
        self.invalidate()

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:
        if not 0 <= index < len(self._items):
            return None
        item = self._items.pop(index)
        self.invalidate()
        return item

    # sizes ---------------------------------------------------------------------------------
    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        height = self._heights.get(width)
        if height is None:
            if len(self._heights) > 16:
                self._heights.clear()
            height = self._arrange(QRect(0, 0, width, 0), move=False)
            self._heights[width] = height
        return height

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._arrange(rect, move=True)

    def sizeHint(self) -> QSize:
        """All in one row."""
        if self._hint is None:
            self._hint = self._one_row()
        return QSize(self._hint)

    def _one_row(self) -> QSize:
        width = height = 0
        for item in self._visible():
            hint = item.sizeHint()
            width += hint.width() + (self._gap if width else 0)
            height = max(height, hint.height())
        m = self.contentsMargins()
        return QSize(width + m.left() + m.right(), height + m.top() + m.bottom())

    def minimumSize(self) -> QSize:
        """The widest single widget."""
        if self._minimum is None:
            self._minimum = self._widest()
        return QSize(self._minimum)

    def _widest(self) -> QSize:
        size = QSize()
        for item in self._visible():
            size = size.expandedTo(item.minimumSize())
        m = self.contentsMargins()
        return size + QSize(m.left() + m.right(), m.top() + m.bottom())

    def _visible(self) -> list[QLayoutItem]:
        out = []
        for item in self._items:
            widget = item.widget()
            if widget is not None and widget.isHidden():
                continue
            out.append(item)
        return out

    def _arrange(self, rect: QRect, *, move: bool) -> int:
        m = self.contentsMargins()
        area = rect.adjusted(m.left(), m.top(), -m.right(), -m.bottom())
        x, y = area.x(), area.y()
        row_height = 0
        for item in self._visible():
            hint = item.sizeHint()
            width = min(hint.width(), area.width()) if area.width() > 0 else hint.width()
            width = max(width, item.minimumSize().width())
            if x > area.x() and x + width > area.right() + 1:
                x = area.x()
                y += row_height + self._gap
                row_height = 0
            height = hint.height()
            if item.hasHeightForWidth():
                height = max(height, item.heightForWidth(width))
            if move:
                item.setGeometry(QRect(QPoint(x, y), QSize(width, height)))
            x += width + self._gap
            row_height = max(row_height, height)
        return y + row_height - rect.y() + m.bottom()


class _HeightCache:
    """Remembers a box layout's heights for the last few widths until it is invalidated.

    Qt's box layouts keep the height of one width only. A scroll area asks its page for two
    widths (with and without the scroll bar) on each layout pass, so a long page of cards made
    every card lay out all its wrapped texts again whenever anything was added to the page.
    """

    _heights: dict[int, int]
    _minimums: dict[int, int]

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)  # type: ignore[call-arg]
        self._clear_heights()

    def _clear_heights(self) -> None:
        self._heights = {}
        self._minimums = {}

    def invalidate(self) -> None:
        self._clear_heights()
        super().invalidate()  # type: ignore[misc]

    def heightForWidth(self, width: int) -> int:
        return self._remember(self._heights, width, super().heightForWidth)  # type: ignore[misc]

    def minimumHeightForWidth(self, width: int) -> int:
        return self._remember(
            self._minimums,
            width,
            super().minimumHeightForWidth,  # type: ignore[misc]
        )

    @staticmethod
    def _remember(cache: dict[int, int], width: int, compute: Callable[[int], int]) -> int:
        height = cache.get(width)
        if height is None:
            if len(cache) > 8:
                cache.clear()
            height = cache[width] = compute(width)
        return height


class SteadyHBoxLayout(_HeightCache, QHBoxLayout):
    """A QHBoxLayout that answers a width it was asked before without laying out again."""


class SteadyVBoxLayout(_HeightCache, QVBoxLayout):
    """A QVBoxLayout that answers a width it was asked before without laying out again."""
