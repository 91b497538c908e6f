"""Kiosk: the "Are you still here?" warning fits the screen with 200 % text in every language,
both themes, at 1024×768 and 1920×1080: its whole message readable (no line cut off), the
countdown and the big button inside the window, none over another (issue #6)."""

from __future__ import annotations

from itertools import pairwise

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from assistant.i18n import set_language
from ui import theme as theme_mod
from ui.modes.idle_warning import IdleWarning
from ui.theme import MIN_TARGET_PX


def _rect(widget: QWidget, ancestor: QWidget) -> QRect:
    return QRect(widget.mapTo(ancestor, QPoint(0, 0)), widget.size())


def _problems(warning: IdleWarning) -> list[str]:
    bad: list[str] = []
    parts = [warning.heading, warning.countdown, warning.text, warning.button]
    for part in parts:
        name = part.objectName() or type(part).__name__
        if not part.isVisible():
            bad.append(f"{name} hidden")
        elif not warning.rect().contains(_rect(part, warning)):
            bad.append(f"{name} outside the window: {_rect(part, warning)}")
    for label in (warning.heading, warning.text):
        needed = label.heightForWidth(label.width())
        if needed > label.height():
            bad.append(f"{label.text()[:30]!r}: needs {needed} px, has {label.height()}")
    for upper, lower in pairwise(parts):
        if _rect(upper, warning).bottom() >= _rect(lower, warning).top():
            bad.append(f"{type(upper).__name__} runs into {type(lower).__name__}")
    if warning.button.height() < MIN_TARGET_PX:
        bad.append(f"button {warning.button.height()} px high")
    return bad


@pytest.mark.parametrize("scale", [1.0, 2.0], ids=["100", "200"])
@pytest.mark.parametrize("high_contrast", [False, True], ids=["normal", "high-contrast"])
def test_idle_warning_fits(qtbot: QtBot, high_contrast: bool, scale: float) -> None:
    window = QWidget()
    qtbot.addWidget(window)
    warning = IdleWarning(window)
    window.show()
    try:
        for size in ((1024, 768), (1920, 1080)):
            window.resize(*size)
            for lang in ("fr", "nl", "de", "en"):
                set_language(lang)
                theme_mod.set_theme(theme_mod.Theme(high_contrast=high_contrast, text_scale=scale))
                warning.retranslate()
                warning.set_seconds(17)
                warning.cover()
                QApplication.processEvents()
                assert warning.rect() == window.rect()
                assert _problems(warning) == [], f"{size} {lang}"
    finally:
        set_language("en")
        theme_mod.set_theme(theme_mod.Theme())
