"""The building blocks of every screen: big buttons, pictograms, headings, announcements.

Everything here follows the current theme (:mod:`ui.theme`) and re-draws when it changes.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QObject, QRectF, QSize, QTimer, Signal
from PySide6.QtGui import QAccessible, QAccessibleEvent, QColor, QIcon, QPainter, QPixmap
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import (
    QBoxLayout,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from assistant.assets import asset_path
from ui import theme as theme_mod
from ui.startup import set_enum_property

if TYPE_CHECKING:
    from PySide6.QtGui import QKeyEvent, QPaintEvent

try:  # Qt ≥ 6.8
    from PySide6.QtGui import QAccessibleAnnouncementEvent
except ImportError:  # pragma: no cover - Qt < 6.8
    QAccessibleAnnouncementEvent = None  # type: ignore[assignment,misc]

log = logging.getLogger(__name__)


def asset_file(relative: str) -> Path:
    """Path of a file in assets/ (in a checkout or an installation)."""
    return asset_path(relative)


#: Drawings made here rather than vendored (plain shapes).
_BUILTIN_SVG = {
    # the drop-down arrow of BigComboBox: a "v" (drawn as SVG, since pens and brushes would
    # make the Qt namespace's enums before the first screen)
    "builtin/chevron-down.svg": b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24">'
    b'<path d="M5 9l7 7l7 -7" fill="none" stroke="currentColor" stroke-width="3.2" '
    b'stroke-linecap="round" stroke-linejoin="round"/></svg>',
}


@lru_cache(maxsize=1)
def _assets_folder() -> str:
    return str(asset_file("icons").parent)


@lru_cache(maxsize=256)
def _svg_source(relative: str) -> bytes | None:
    builtin = _BUILTIN_SVG.get(relative)
    if builtin is not None:
        return builtin
    if ".." in relative.split("/") or relative.startswith("/"):
        raise ValueError(f"asset path must be relative and inside assets/: {relative!r}")
    # a plain string path: pathlib's checks cost ~0.1 ms a picture, a screen draws a dozen
    path = f"{_assets_folder()}/{relative}"
    try:
        with open(path, "rb") as fh:
            return fh.read()
    except OSError:
        log.warning("picture not found: %s", relative)
        return None


def preload_pictures() -> int:
    """Read every pictogram and picture file once (call from a worker at start)."""
    count = 0
    for folder in ("icons", "pictures"):
        for path in sorted(asset_file(folder).glob("*.svg")):
            if _svg_source(f"{folder}/{path.name}") is not None:
                count += 1
    return count


_COLOR_ATTR = re.compile(rb'(stroke|fill)="(?!none)(#[0-9a-fA-F]{3,6}|black|currentColor)"')


def recolor_svg(data: bytes, color: str) -> bytes:
    """Paint a one-colour pictogram in ``color`` (currentColor and black become ``color``)."""
    data = data.replace(b"currentColor", color.encode())
    return _COLOR_ATTR.sub(lambda m: m.group(1) + b'="' + color.encode() + b'"', data)


_PIXMAPS: dict[tuple[str, int, int, str | None, float], QPixmap] = {}


def render_svg(relative: str, size: QSize, color: str | None, ratio: float = 1.0) -> QPixmap:
    """Render ``assets/<relative>`` into a pixmap; ``color`` None keeps the drawing's colours.

    Pixmaps are cached (same picture, size and colour are drawn once).
    """
    key = (relative, size.width(), size.height(), color, ratio)
    cached = _PIXMAPS.get(key)
    if cached is not None:
        return cached
    if len(_PIXMAPS) > 512:
        _PIXMAPS.clear()
    pix = _render_svg(relative, size, color, ratio)
    _PIXMAPS[key] = pix
    return pix


def _render_svg(relative: str, size: QSize, color: str | None, ratio: float) -> QPixmap:
    data = _svg_source(relative)
    pix = QPixmap(max(1, round(size.width() * ratio)), max(1, round(size.height() * ratio)))
    pix.fill(QColor(0, 0, 0, 0))
    if data is None:
        return pix
    if color is not None:
        data = recolor_svg(data, color)
    renderer = QSvgRenderer(QByteArray(data))
    if not renderer.isValid():
        log.warning("picture could not be read: %s", relative)
        return pix
    painter = QPainter(pix)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter, _fit(renderer.defaultSize(), pix.width(), pix.height()))
    painter.end()
    pix.setDevicePixelRatio(ratio)
    return pix


def _fit(picture: QSize, width: int, height: int) -> QRectF:
    """The largest rectangle with the picture's proportions, centred in width × height."""
    if picture.width() <= 0 or picture.height() <= 0:
        return QRectF(0, 0, width, height)
    scale = min(width / picture.width(), height / picture.height())
    w, h = picture.width() * scale, picture.height() * scale
    return QRectF((width - w) / 2, (height - h) / 2, w, h)


def icon_relpath(name: str) -> str:
    return name if "/" in name else f"icons/{name}.svg"


class Pictogram(QWidget):
    """A pictogram (one-colour SVG recoloured for the theme) or a picture (own colours).

    ``size_factor`` multiplies the theme's icon size; ``recolor`` False keeps the colours of a
    picture. ``description`` becomes the accessible name of informative pictures; pictograms
    beside a text are decorative and have none.
    """

    def __init__(
        self,
        name: str,
        parent: QWidget | None = None,
        *,
        size_factor: float = 1.0,
        recolor: bool = True,
        color_role: str = "pictogram",
        description: str = "",
        scales: bool = True,
        chrome: bool = False,
    ) -> None:
        super().__init__(parent)
        self._scales = scales
        self._chrome = chrome
        self._name = name
        self._factor = size_factor
        self._recolor = recolor
        self._role = color_role
        self._pixmap: QPixmap | None = None
        # No mouse handling: a press on the pictogram goes on to the button around it.
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.set_description(description)
        theme_mod.notifier().changed.connect(self._on_theme)
        self._on_theme(theme_mod.current())

    @property
    def name(self) -> str:
        return self._name

    def set_description(self, text: str) -> None:
        self.setAccessibleName(text)

    def set_name(self, name: str) -> None:
        self._name = name
        self._on_theme(theme_mod.current())

    def color(self) -> str | None:
        if not self._recolor:
            return None
        colors = theme_mod.current().colors
        return str(getattr(colors, self._role))

    def _on_theme(self, _theme: object = None) -> None:
        t = theme_mod.current()
        base = t.icon_px(self._chrome) if self._scales else 36
        side = round(base * self._factor)
        self.setFixedSize(side, side)
        self._pixmap = None
        self.update()

    def sizeHint(self) -> QSize:
        return self.size()

    def paintEvent(self, event: QPaintEvent) -> None:
        if self._pixmap is None:
            self._pixmap = render_svg(
                icon_relpath(self._name), self.size(), self.color(), self.devicePixelRatioF()
            )
        painter = QPainter(self)
        painter.drawPixmap(0, 0, self._pixmap)
        painter.end()


def themed_icon(name: str, color: str | None = None) -> QIcon:
    """A QIcon of a pictogram in the theme's pictogram colour (for combo boxes and menus)."""
    t = theme_mod.current()
    side = t.icon_px()
    return QIcon(render_svg(icon_relpath(name), QSize(side, side), color or t.colors.pictogram))


_words_to_fit: dict[int, BigButton] = {}


def _fit_words_soon(button: BigButton) -> None:
    """Fit ``button``'s words on the next event-loop turn: one timer for all the buttons made
    meanwhile (a screen makes a dozen; a timer each cost ~0.1 ms before the first screen)."""
    if not _words_to_fit:
        QTimer.singleShot(0, _fit_pending_words)
    _words_to_fit[id(button)] = button


def _fit_pending_words() -> None:
    buttons = list(_words_to_fit.values())
    _words_to_fit.clear()
    for button in buttons:
        button._keep_words_whole()  # (a button deleted meanwhile is skipped there)


class BigButton(QPushButton):
    """A large button: pictogram + wrapped text; its accessible name is the text.

    ``primary`` marks the one main action of a screen (filled colour).
    """

    def __init__(
        self,
        text: str,
        icon: str,
        parent: QWidget | None = None,
        *,
        primary: bool = False,
        description: str = "",
        chrome: bool = False,
    ) -> None:
        super().__init__(parent)
        self._chrome = chrome
        self.setProperty("primary", "true" if primary else "false")
        self._picto = Pictogram(icon, self, chrome=chrome)
        # A plain-text label (no text interaction) ignores mouse presses: they reach the button.
        self._label = QLabel(self)
        self._label.setWordWrap(True)
        set_enum_property(self._label, "alignment", "AlignVCenter|AlignLeft")
        set_enum_property(self._label, "textFormat", "PlainText")
        lay = QHBoxLayout(self)
        lay.setContentsMargins(14, 8, 14, 8)
        lay.setSpacing(12)
        lay.addWidget(self._picto, 0)  # a fixed-size widget sits centred in its row
        lay.addWidget(self._label, 1)
        sp = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        sp.setHeightForWidth(True)
        self.setSizePolicy(sp)
        self.setAutoDefault(False)  # (a push button takes the focus by Tab and click already)
        self._set_words(text, description)
        theme_mod.notifier().changed.connect(self._on_theme)
        self._on_theme(now=False)  # (the words are fitted once the style sheet's font is on)

    #: Enter/Return press the button (keyboard users expect it); the PIN keypad turns it off.
    enter_clicks = True

    def keyPressEvent(self, event: QKeyEvent) -> None:
        from PySide6.QtCore import Qt  # (not at the top: ui.startup, rule 2)

        if self.enter_clicks and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if not event.isAutoRepeat():
                self.click()
            event.accept()
            return
        super().keyPressEvent(event)

    def _on_theme(self, _theme: object = None, *, now: bool = True) -> None:
        primary = self.property("primary") == "true"
        role = "primary_text" if primary else "pictogram"
        self._picto._role = role
        self._picto._on_theme()
        if now:
            self._keep_words_whole()
        _fit_words_soon(self)  # once the style sheet's font is on

    def _keep_words_whole(self) -> None:
        """Never narrower than the longest word (layouts would clip it otherwise)."""
        try:
            self.setMinimumWidth(self._words_width())
        except RuntimeError:  # deleted meanwhile
            return
        self.updateGeometry()

    def set_text(self, text: str, description: str = "") -> None:
        """Change the visible text (and the accessible name with it)."""
        self._set_words(text, description)
        if self.isVisible():
            self._keep_words_whole()
        else:  # not polished yet, maybe: its font may still change (measured a turn later)
            _fit_words_soon(self)
        self.updateGeometry()

    def _set_words(self, text: str, description: str) -> None:
        self._label.setText(text)
        self.setAccessibleName(text)
        self.setAccessibleDescription(description)
        self.setToolTip(description or text)

    def text(self) -> str:  # type: ignore[override]
        return self._label.text()

    def set_icon_name(self, name: str) -> None:
        self._picto.set_name(name)

    def icon_name(self) -> str:
        return self._picto.name

    def label(self) -> QLabel:
        return self._label

    def pictogram(self) -> Pictogram:
        return self._picto

    #: Compact buttons (the PIN keys) are only as tall as their text needs, never below 44 px.
    compact = False

    def set_compact(self, compact: bool = True) -> None:
        self.compact = compact
        self.setProperty("compact", "true" if compact else "false")
        self.style().unpolish(self)
        self.style().polish(self)
        self.updateGeometry()

    def _target(self) -> int:
        t = theme_mod.current()
        if self.compact:
            return theme_mod.MIN_TARGET_PX
        return t.chrome_target_px() if self._chrome else t.target_px()

    def sizeHint(self) -> QSize:
        lay = self.layout()
        hint = lay.sizeHint() if lay else super().sizeHint()
        t = self._target()
        return QSize(max(hint.width(), t), max(hint.height(), t))

    def minimumSizeHint(self) -> QSize:
        lay = self.layout()
        t = self._target()
        if lay is None:
            return QSize(t, t)
        m = lay.minimumSize()
        return QSize(max(m.width(), t, self._words_width()), max(m.height(), t))

    def _words_width(self) -> int:
        """Narrowest width that still shows the longest word whole (text may wrap)."""
        lay = self.layout()
        if lay is None:
            return 0
        margins = lay.contentsMargins()
        words = self._label.text().split() or [""]
        metrics = self._label.fontMetrics()
        longest = max(metrics.horizontalAdvance(w) for w in words)
        shown = self._picto.isVisibleTo(self)
        if isinstance(lay, QBoxLayout) and lay.direction() == QBoxLayout.Direction.TopToBottom:
            # pictogram above the words (a folded side panel's button)
            inner = max(longest + 8, self._picto.width() if shown else 0)
            return margins.left() + margins.right() + inner
        picto = self._picto.width() + lay.spacing() if shown else 0
        return margins.left() + margins.right() + picto + longest + 8

    # (hasHeightForWidth is Qt's own: True through the layout's word-wrapped label. A Python
    # override was asked ~120 times before the first screen.)

    def heightForWidth(self, width: int) -> int:
        lay = self.layout()
        t = self._target()
        if lay is None:
            return t
        return max(t, lay.totalHeightForWidth(width))


class BigComboBox(QComboBox):
    """A drop-down list whose arrow is large and in the theme's colours (the style's own
    arrow is a few pixels wide and grey). The style sheet gives the arrow area its width."""

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        t = theme_mod.current()
        side = t.combo_arrow_px()
        r = self.rect()
        icon = round(side * 0.6)
        color = t.colors.secondary_text if self.isEnabled() else t.colors.muted_text
        pix = render_svg(
            "builtin/chevron-down.svg", QSize(icon, icon), color, self.devicePixelRatioF()
        )
        painter = QPainter(self)
        painter.drawPixmap(r.right() + 1 - (side + icon) // 2, r.center().y() - icon // 2, pix)
        painter.end()


class Heading(QLabel):
    """The one question of a screen: large, bold, wrapped, announced as a heading."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setProperty("role", "heading")
        self.setWordWrap(True)
        set_enum_property(self, "textFormat", "PlainText")
        self.setAccessibleName(text)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)

    def setText(self, text: str) -> None:
        super().setText(text)
        self.setAccessibleName(text)


class Body(QLabel):
    """A paragraph of Easy Read text, wrapped; ``role`` "muted" or "problem" change its look."""

    def __init__(self, text: str = "", parent: QWidget | None = None, role: str = "body") -> None:
        super().__init__(text, parent)
        self.setProperty("role", role)
        self.setWordWrap(True)
        set_enum_property(self, "textFormat", "PlainText")
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)

    def set_role(self, role: str) -> None:
        self.setProperty("role", role)
        self.style().unpolish(self)
        self.style().polish(self)


class IconText(QWidget):
    """A pictogram beside a line of text (for lists of facts, not clickable)."""

    def __init__(
        self,
        icon: str,
        text: str = "",
        parent: QWidget | None = None,
        role: str = "body",
        *,
        chrome: bool = False,
    ) -> None:
        super().__init__(parent)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(12)
        self.pictogram = Pictogram(icon, self, chrome=chrome)
        self.body = Body(text, self, role)
        lay.addLayout(top_aligned(self.pictogram))
        lay.addWidget(self.body, 1)

    def setText(self, text: str) -> None:
        self.body.setText(text)

    def text(self) -> str:
        return self.body.text()


def top_aligned(widget: QWidget) -> QVBoxLayout:
    """``widget`` at the top of its row (a column with a stretch under it)."""
    col = QVBoxLayout()
    col.setContentsMargins(0, 0, 0, 0)
    col.addWidget(widget)
    col.addStretch(1)
    return col


def column(*widgets: QWidget, spacing: int = 16) -> QVBoxLayout:
    lay = QVBoxLayout()
    lay.setSpacing(spacing)
    for w in widgets:
        lay.addWidget(w)
    return lay


class Announcer(QObject):
    """Fires ``announced(text)`` for every announcement (tests and the speech output listen)."""

    announced = Signal(str)


_announcer: Announcer | None = None


def announcer() -> Announcer:
    global _announcer
    if _announcer is None:
        _announcer = Announcer()
    return _announcer


def announce(widget: QWidget, text: str) -> None:
    """Tell screen readers about a status change (card found, PIN wrong, connecting...)."""
    if QAccessibleAnnouncementEvent is None:  # pragma: no cover - Qt < 6.8
        # a live-region style name change
        widget.setAccessibleName(text)
        QAccessible.updateAccessibility(QAccessibleEvent(widget, QAccessible.Event.NameChanged))
    else:
        event = QAccessibleAnnouncementEvent(widget, text)
        event.setPoliteness(QAccessible.AnnouncementPoliteness.Assertive)
        QAccessible.updateAccessibility(event)
    announcer().announced.emit(text)


def set_color(widget: QWidget, color: str) -> None:
    """Set a widget's text colour (for small, theme-driven accents)."""
    widget.setStyleSheet(f"color: {QColor(color).name()};")
