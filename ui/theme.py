"""Colours, fonts and sizes: a normal and a high-contrast theme, text scale 1.0–2.0.

Sizes of text are in points, so system scaling works. Every colour pair used for text has a
contrast of at least 4.5:1; pictograms and the focus ring at least 3:1 (checked by
``tests/a11y``). Controls are never smaller than :data:`MIN_TARGET_PX` at any scale.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QColor, QFont, QFontDatabase, QPalette
from PySide6.QtWidgets import QApplication

from assistant.assets import asset_path

log = logging.getLogger(__name__)


#: WCAG 2.2 AAA target size, in device-independent pixels.
MIN_TARGET_PX = 44
#: The font made for legibility (vendored in assets/fonts, OFL).
FONT_FAMILY = "Atkinson Hyperlegible"
MIN_SCALE = 1.0
MAX_SCALE = 2.0
#: The frame around the screens (keypad, screen actions) grows less than the text it frames,
#: so that a 200 % text still leaves room for the screen itself at 1024×768.
CHROME_MAX_SCALE = 1.5
#: The top and bottom bars (step, language, text size, Back, Listen, Help...) grow less still:
#: they are in the same place on every screen, and every pixel they take is one the record
#: does not get at 200 %.
BAR_MAX_SCALE = 1.2

#: Base point sizes per text role, before the patient's text scale.
BASE_POINTS: dict[str, float] = {
    "body": 14.0,
    "small": 12.0,
    "button": 14.0,
    "heading": 22.0,
    "title": 16.0,
    "keypad": 22.0,
}


@dataclass(frozen=True, slots=True)
class Colors:
    """The colours of one theme. Every ``*_text`` goes on the matching background."""

    window: str
    text: str
    muted_text: str
    panel: str
    panel_text: str
    primary: str
    primary_text: str
    secondary: str
    secondary_text: str
    border: str
    pictogram: str
    focus: str
    problem: str
    problem_text: str
    problem_background: str
    success: str
    bar: str
    bar_text: str


NORMAL = Colors(
    window="#FFFFFF",
    text="#1A1A1A",
    muted_text="#4A4A4A",
    panel="#F2F4F7",
    panel_text="#1A1A1A",
    primary="#0B4F9C",
    primary_text="#FFFFFF",
    secondary="#E6ECF5",
    secondary_text="#0B2E59",
    border="#5A6B80",
    pictogram="#0B4F9C",
    focus="#C2410C",
    problem="#A4161A",
    problem_text="#5C0A0D",
    problem_background="#FDECEC",
    success="#17663A",
    bar="#E6ECF5",
    bar_text="#0B2E59",
)

HIGH_CONTRAST = Colors(
    window="#000000",
    text="#FFFFFF",
    muted_text="#E6E6E6",
    panel="#000000",
    panel_text="#FFFFFF",
    primary="#FFE100",
    primary_text="#000000",
    secondary="#000000",
    secondary_text="#FFFFFF",
    border="#FFFFFF",
    pictogram="#FFE100",
    focus="#00E5FF",
    problem="#FF8A80",
    problem_text="#FFFFFF",
    problem_background="#1A0000",
    success="#7CFC9A",
    bar="#000000",
    bar_text="#FFFFFF",
)


def relative_luminance(color: str) -> float:
    """WCAG 2.x relative luminance of a ``#RRGGBB`` colour."""
    c = QColor(color)

    def channel(v: int) -> float:
        s = v / 255.0
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(c.red()) + 0.7152 * channel(c.green()) + 0.0722 * channel(c.blue())


def contrast_ratio(a: str, b: str) -> float:
    """WCAG contrast ratio between two colours (1.0 … 21.0)."""
    la, lb = relative_luminance(a), relative_luminance(b)
    hi, lo = max(la, lb), min(la, lb)
    return (hi + 0.05) / (lo + 0.05)


def clamp_scale(scale: float) -> float:
    return max(MIN_SCALE, min(MAX_SCALE, float(scale)))


_fonts_loaded: str | None = None


def _fonts_dir() -> Path:
    return Path(asset_path("fonts"))


def _font_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted([*folder.glob("*.ttf"), *folder.glob("*.otf")])


def load_fonts() -> str:
    """Register the vendored fonts with Qt once; return the family to use."""
    global _fonts_loaded
    if _fonts_loaded is not None:
        return _fonts_loaded
    found = False
    for path in _font_files(_fonts_dir()):
        fid = QFontDatabase.addApplicationFont(str(path))
        if fid < 0:
            log.warning("font could not be loaded: %s", path.name)
        elif any(f.startswith(FONT_FAMILY) for f in QFontDatabase.applicationFontFamilies(fid)):
            found = True
    if found:
        family = FONT_FAMILY
    else:
        family = QFont().defaultFamily()
        log.info("legible font not found in %s; using the system font", _fonts_dir())
    _fonts_loaded = family
    return family


@dataclass(frozen=True, slots=True)
class Theme:
    """One look: colours + text scale. Immutable; make a new one with :meth:`with_`."""

    high_contrast: bool = False
    text_scale: float = 1.0
    family: str = FONT_FAMILY

    @property
    def colors(self) -> Colors:
        return HIGH_CONTRAST if self.high_contrast else NORMAL

    def with_(self, **changes: Any) -> Theme:
        theme = replace(self, **changes)
        return replace(theme, text_scale=clamp_scale(theme.text_scale))

    def points(self, role: str = "body") -> float:
        return BASE_POINTS[role] * clamp_scale(self.text_scale)

    def font(self, role: str = "body", bold: bool = False) -> QFont:
        f = QFont(self.family)
        f.setPointSizeF(self.points(role))
        f.setBold(bold or role in ("heading", "title"))
        return f

    @property
    def chrome_scale(self) -> float:
        return min(clamp_scale(self.text_scale), CHROME_MAX_SCALE)

    def chrome_points(self, role: str = "button") -> float:
        return BASE_POINTS[role] * self.chrome_scale

    def target_px(self) -> int:
        """Minimum control height/width in pixels (never below 44). It grows like the frame:
        a control is always tall enough for its text anyway (its layout says so)."""
        return max(MIN_TARGET_PX, round(52 * self.chrome_scale))

    @property
    def bar_scale(self) -> float:
        return min(clamp_scale(self.text_scale), BAR_MAX_SCALE)

    def bar_points(self, role: str = "button") -> float:
        return BASE_POINTS[role] * self.bar_scale

    def chrome_target_px(self) -> int:
        """Minimum height of the controls in the top and bottom bars (never below 44)."""
        return max(MIN_TARGET_PX, round(52 * self.bar_scale))

    def bar_margin_px(self) -> int:
        """Space above and under the controls of a bar: less when the text is large."""
        return 8 if self.text_scale < 1.25 else 4

    def combo_arrow_px(self) -> int:
        """Width of a drop-down list's arrow area (the arrow is drawn large, see BigComboBox)."""
        return max(MIN_TARGET_PX, round(40 * self.bar_scale))

    def icon_px(self, chrome: bool = False) -> int:
        return round(36 * (self.bar_scale if chrome else clamp_scale(self.text_scale)))

    def focus_width(self) -> int:
        return 4 if self.high_contrast else 3

    def stylesheet(self) -> str:
        c = self.colors
        fw = self.focus_width()
        t = self.target_px()
        fam = self.family
        return f"""
QWidget {{ background: {c.window}; color: {c.text}; font-family: "{fam}";
  font-size: {self.points("body"):.1f}pt; }}
QLabel[role="heading"] {{ font-size: {self.points("heading"):.1f}pt; font-weight: bold; }}
QLabel[role="muted"] {{ color: {c.muted_text}; }}
QLabel[role="problem"] {{ color: {c.problem_text}; background: {c.problem_background};
  border: 2px solid {c.problem}; border-radius: 6px; padding: 8px; }}
QLabel[role="reassure"] {{ color: {c.panel_text}; background: {c.panel};
  border-left: 6px solid {c.primary}; border-radius: 6px; padding: 8px; font-weight: bold; }}
BigButton:checked {{ border: 4px solid {c.primary}; }}
QFrame#topBar, QFrame#bottomBar, QWidget#topControls {{ background: {c.bar}; }}
QFrame#topBar QLabel, QFrame#bottomBar QLabel {{ background: {c.bar}; color: {c.bar_text};
  font-size: {self.bar_points("title"):.1f}pt; font-weight: bold; }}
QFrame#panel {{ background: {c.panel}; border: 2px solid {c.border}; border-radius: 8px; }}
QFrame#panel QLabel {{ background: {c.panel}; color: {c.panel_text}; }}
QPushButton, QComboBox, QToolButton {{ min-height: {t}px; min-width: {t}px;
  font-size: {self.points("button"):.1f}pt; border-radius: 8px; padding: 4px 12px; }}
BigButton {{ background: {c.secondary}; color: {c.secondary_text};
  border: 2px solid {c.border}; }}
BigButton QLabel {{ background: transparent; color: {c.secondary_text};
  font-size: {self.points("button"):.1f}pt; font-weight: bold; }}
BigButton[primary="true"] {{ background: {c.primary}; color: {c.primary_text};
  border: 2px solid {c.primary}; }}
BigButton[primary="true"] QLabel {{ color: {c.primary_text}; }}
BigButton:focus {{ border: {fw}px solid {c.focus}; }}
BigButton[compact="true"] {{ min-height: {MIN_TARGET_PX}px; min-width: {MIN_TARGET_PX}px; }}
QFrame#pinPad BigButton QLabel {{ font-size: {self.bar_points("keypad"):.1f}pt; }}
QFrame#pinPad BigButton#pinErase QLabel, QFrame#pinPad BigButton#pinOk QLabel {{
  font-size: {self.bar_points("button"):.1f}pt; }}
QFrame#pinPad {{ border: {fw}px solid transparent; border-radius: 8px; padding: 4px; }}
QFrame#pinPad:focus {{ border: {fw}px solid {c.focus}; }}
QLabel#pinDots {{ font-size: {self.chrome_points("keypad"):.1f}pt; }}
QFrame#topBar BigButton, QFrame#bottomBar BigButton, QFrame#topBar QComboBox {{
  min-height: {self.chrome_target_px()}px; font-size: {self.bar_points():.1f}pt; }}
QFrame#topBar BigButton QLabel, QFrame#bottomBar BigButton QLabel {{ background: transparent;
  color: {c.secondary_text}; font-size: {self.bar_points():.1f}pt; }}
QWidget[actionBar="true"] BigButton {{ min-height: {self.chrome_target_px()}px; }}
BigButton#guideToggle {{ min-height: {self.chrome_target_px()}px; }}
QFrame#mediatorPanel QLabel {{ font-size: {self.bar_points("body"):.1f}pt; }}
QFrame#mediatorPanel QLabel[role="heading"] {{ font-size: {self.bar_points("heading"):.1f}pt; }}
QFrame#mediatorPanel BigButton {{ min-height: {self.chrome_target_px()}px; }}
QFrame#mediatorPanel BigButton QLabel {{ font-size: {self.bar_points():.1f}pt; }}
BigButton:disabled {{ border-style: dashed; }}
QPushButton:focus, QComboBox:focus, QToolButton:focus {{ border: {fw}px solid {c.focus}; }}
QComboBox {{ background: {c.secondary}; color: {c.secondary_text}; border: 2px solid {c.border}; }}
BigComboBox::drop-down {{ subcontrol-origin: border; subcontrol-position: top right;
  width: {self.combo_arrow_px()}px; border: none; border-left: 2px solid {c.border}; }}
BigComboBox::down-arrow {{ image: none; width: 0; height: 0; }}
QComboBox QAbstractItemView {{ background: {c.window}; color: {c.text};
  selection-background-color: {c.primary}; selection-color: {c.primary_text}; }}
QScrollArea {{ border: none; }}
QScrollArea:focus {{ border: {fw}px solid {c.focus}; }}
QScrollBar:vertical {{ width: {MIN_TARGET_PX}px; background: {c.panel}; margin: 0; }}
QScrollBar:horizontal {{ height: {MIN_TARGET_PX}px; background: {c.panel}; margin: 0; }}
QScrollBar::handle:vertical {{ background: {c.border}; min-height: {MIN_TARGET_PX}px;
  border-radius: 8px; margin: 4px; }}
QScrollBar::handle:horizontal {{ background: {c.border}; min-width: {MIN_TARGET_PX}px;
  border-radius: 8px; margin: 4px; }}
QScrollBar::add-line, QScrollBar::sub-line {{ height: 0; width: 0; border: none; }}
QScrollBar::add-page, QScrollBar::sub-page {{ background: {c.panel}; }}
QLineEdit, QTextEdit, QPlainTextEdit {{ background: {c.window}; color: {c.text};
  border: 2px solid {c.border}; min-height: {t}px; }}
QLineEdit:focus, QTextEdit:focus, QPlainTextEdit:focus {{ border: {fw}px solid {c.focus}; }}
"""

    def palette(self) -> QPalette:
        c = self.colors
        p = QPalette()
        p.setColor(QPalette.ColorRole.Window, QColor(c.window))
        p.setColor(QPalette.ColorRole.WindowText, QColor(c.text))
        p.setColor(QPalette.ColorRole.Base, QColor(c.window))
        p.setColor(QPalette.ColorRole.Text, QColor(c.text))
        p.setColor(QPalette.ColorRole.Button, QColor(c.secondary))
        p.setColor(QPalette.ColorRole.ButtonText, QColor(c.secondary_text))
        p.setColor(QPalette.ColorRole.Highlight, QColor(c.primary))
        p.setColor(QPalette.ColorRole.HighlightedText, QColor(c.primary_text))
        p.setColor(QPalette.ColorRole.ToolTipBase, QColor(c.window))
        p.setColor(QPalette.ColorRole.ToolTipText, QColor(c.text))
        p.setColor(QPalette.ColorRole.PlaceholderText, QColor(c.muted_text))
        return p

    def apply(self, app: QApplication) -> None:
        """Set palette, default font and style sheet on the whole application."""
        app.setPalette(self.palette())
        app.setFont(self.font("body"))
        app.setStyleSheet(self.stylesheet())


def text_pairs(colors: Colors) -> list[tuple[str, str, str]]:
    """(name, foreground, background) pairs that carry text; each must reach 4.5:1."""
    return [
        ("text/window", colors.text, colors.window),
        ("muted/window", colors.muted_text, colors.window),
        ("panel", colors.panel_text, colors.panel),
        ("primary button", colors.primary_text, colors.primary),
        ("secondary button", colors.secondary_text, colors.secondary),
        ("problem", colors.problem_text, colors.problem_background),
        ("bars", colors.bar_text, colors.bar),
    ]


def graphic_pairs(colors: Colors) -> list[tuple[str, str, str]]:
    """(name, foreground, background) pairs for pictograms and focus ring; each ≥ 3:1."""
    return [
        ("pictogram/window", colors.pictogram, colors.window),
        ("pictogram/secondary", colors.pictogram, colors.secondary),
        ("focus/window", colors.focus, colors.window),
        ("focus/secondary", colors.focus, colors.secondary),
        ("focus/bar", colors.focus, colors.bar),
        ("border/window", colors.border, colors.window),
        ("problem/window", colors.problem, colors.window),
        ("success/window", colors.success, colors.window),
    ]


class _ThemeNotifier(QObject):
    changed = Signal(object)


_notifier: _ThemeNotifier | None = None
_current = Theme()


def notifier() -> _ThemeNotifier:
    """The object whose ``changed(Theme)`` signal fires when the look changes."""
    global _notifier
    if _notifier is None:
        _notifier = _ThemeNotifier()
    return _notifier


def current() -> Theme:
    """The theme in use now."""
    return _current


def set_theme(theme: Theme, app: QApplication | None = None) -> Theme:
    """Make ``theme`` current, apply it to the application and tell every listener."""
    global _current
    family = load_fonts() if app is not None or QApplication.instance() else theme.family
    theme = theme.with_(family=family)
    _current = theme
    qapp = app or QApplication.instance()
    if isinstance(qapp, QApplication):
        theme.apply(qapp)
    notifier().changed.emit(theme)
    return theme
