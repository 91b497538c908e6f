"""Kiosk: the pharmacist's code page (field, on-screen keyboard, Back/Open) fits a 1024×768
screen with 200 % text in every language: no key under 44×44 px, no key word cut, no key over
another, nothing outside the window (issue #6: touch only, an on-screen keyboard)."""

from __future__ import annotations

from itertools import combinations, pairwise

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QApplication, QWidget

from assistant.journey import Step
from tests.support.journey_harness import JourneyHarness
from tests.support.kiosk_scenes import kiosk_scenes
from ui import theme as theme_mod
from ui.modes.kiosk.onscreen_keyboard import KeyButton
from ui.modes.kiosk.staff_panel import StaffPanel
from ui.theme import MIN_TARGET_PX


def _rect(widget: QWidget, ancestor: QWidget) -> QRect:
    return QRect(widget.mapTo(ancestor, QPoint(0, 0)), widget.size())


def _problems(panel: StaffPanel) -> list[str]:
    bad: list[str] = []
    keys = [k for k in panel.keyboard.findChildren(KeyButton) if k.isVisible()]
    assert len(keys) > 50
    for key in keys:
        name = key.accessibleName() or key.text()
        if key.width() < MIN_TARGET_PX or key.height() < MIN_TARGET_PX:
            bad.append(f"key {name!r} is {key.width()}×{key.height()}")
        word = key.fontMetrics().horizontalAdvance(key.text())
        if word > key.contentsRect().width() - 4:
            bad.append(f"key {name!r}: {word} px of text in {key.width()} px")
    rects = [(k.accessibleName() or k.text(), _rect(k, panel)) for k in keys]
    for (a, ra), (b, rb) in combinations(rects, 2):
        if ra.intersects(rb):
            bad.append(f"keys {a!r} and {b!r} overlap")
    parts: list[QWidget] = [
        panel.heading,
        panel.text,
        panel.code,
        panel.keyboard,
        panel.cancel_button,
        panel.open_button,
    ]
    inside = panel.rect()
    for part in parts:
        if not part.isVisible():
            bad.append(f"{part.objectName() or type(part).__name__} hidden")
        elif not inside.contains(_rect(part, panel)):
            bad.append(f"{part.objectName() or type(part).__name__} outside {_rect(part, panel)}")
    order = [_rect(w, panel) for w in (panel.code, panel.keyboard, panel.open_button)]
    for upper, lower in pairwise(order):
        if upper.bottom() >= lower.top():
            bad.append(f"{upper} runs into {lower}")
    return bad


@pytest.mark.parametrize("high_contrast", [False, True], ids=["normal", "high-contrast"])
def test_staff_code_page_fits_at_200_percent(qtbot, high_contrast: bool) -> None:
    h = JourneyHarness.start(qtbot, high_contrast=high_contrast, text_scale=2.0)
    look = theme_mod.Theme(high_contrast=high_contrast, text_scale=2.0)
    try:
        h.walk_to(Step.WELCOME)
        with kiosk_scenes(h, "k4-kiosk-staff", StaffPanel, look) as scenes:
            for where, panel in scenes:
                panel.retranslate()
                qtbot.waitUntil(panel.isVisible)
                QApplication.processEvents()
                assert panel.rect() == h.shell.rect()
                assert _problems(panel) == [], where
    finally:
        h.close()
