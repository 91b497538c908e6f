"""Kiosk: the pharmacist's prescriptions beside the record clip nothing, at 1024×768 and
1920×1080, with 100 % and 200 % text, in every language (issue #6): every text is whole (the
code written out on one line, the other texts wrapped between words), every scannable code is
as wide as drawn and inside the panel, and the record beside it keeps the width it needs."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QApplication, QLabel, QScrollArea, QWidget

from assistant.journey import Step
from tests.support.journey_harness import JourneyHarness
from tests.support.kiosk_scenes import kiosk_scenes, mode_scene
from ui import theme as theme_mod
from ui.modes.kiosk.prescriptions import PrescriptionPanel
from ui.record.qr import QrCode


def _rect_in(widget: QWidget, ancestor: QWidget) -> QRect:
    return QRect(widget.mapTo(ancestor, QPoint(0, 0)), widget.size())


def _scroll(panel: PrescriptionPanel) -> QScrollArea:
    area = panel.findChild(QScrollArea)
    assert area is not None
    return area


def _clipped_texts(panel: PrescriptionPanel) -> list[str]:
    """Labels of the panel whose text (or, when it wraps, whose longest word) is wider than
    the room the label has, or that reach outside the panel's visible width."""
    viewport = _scroll(panel).viewport()
    bad = []
    for label in panel.findChildren(QLabel):
        if not label.isVisible():
            continue
        rect = _rect_in(label, viewport)
        if rect.left() < 0 or rect.right() > viewport.width() - 1:
            bad.append(f"{label.objectName() or label.text()!r}: outside the panel {rect}")
        if isinstance(label, QrCode):
            pixmap = label.pixmap()
            if label.width() < pixmap.width() or label.height() < pixmap.height():
                bad.append(f"code {label.payload} squeezed")
            continue
        room = label.contentsRect().width() - 2 * label.margin()
        metrics = label.fontMetrics()
        pieces = label.text().split() if label.wordWrap() else [label.text()]
        for piece in pieces:
            if metrics.horizontalAdvance(piece) > room:
                bad.append(f"{piece!r} ({metrics.horizontalAdvance(piece)} px) in {room} px")
    return bad


@pytest.mark.parametrize("scale", [1.0, 2.0], ids=["100", "200"])
def test_prescriptions_panel_and_record_clip_nothing(qtbot, scale: float) -> None:
    h = JourneyHarness.start(qtbot, text_scale=scale)
    look = theme_mod.Theme(text_scale=scale)
    try:
        h.walk_to(Step.RECORD)
        with kiosk_scenes(h, "k2-kiosk-prescriptions", PrescriptionPanel, look) as scenes:
            for where, panel in scenes:
                qtbot.waitUntil(lambda p=panel: p.isVisible() and p.codes != [])
                QApplication.processEvents()
                # the panel is inside the window
                assert h.shell.rect().contains(_rect_in(panel, h.shell)), where
                # its content never wider than what the panel shows (no sideways scrolling)
                scroll = _scroll(panel)
                inner = scroll.widget()
                assert inner is not None
                assert inner.width() <= scroll.viewport().width(), where
                assert _clipped_texts(panel) == [], where
                # each code can be brought whole into sight
                for code in panel.codes:
                    scroll.ensureWidgetVisible(code, 0, 0)
                    QApplication.processEvents()
                    rect = _rect_in(code, scroll.viewport())
                    assert scroll.viewport().rect().contains(rect), f"{where} {rect}"
                # the record beside it keeps the width its content needs
                for area in h.controller.record_screen.findChildren(QScrollArea):
                    content = area.widget()
                    if area.isVisible() and content is not None and content.isVisible():
                        assert content.width() <= area.viewport().width(), f"{where} record"
    finally:
        h.close()


def test_panel_follows_the_text_size_and_language(qtbot) -> None:
    """A theme or language change while the panel is shown refits it (no clipped code)."""
    h = JourneyHarness.start(qtbot)
    scene = mode_scene("k2-kiosk-prescriptions")
    try:
        h.walk_to(Step.RECORD)
        h.shell.resize(1024, 768)
        scene.show(h)
        panel = h.shell.findChild(PrescriptionPanel)
        assert panel is not None
        qtbot.waitUntil(panel.isVisible)
        before = panel.minimumWidth()
        code = panel.findChild(QLabel, "prescriptionCode")
        assert code is not None
        small = code.fontMetrics().horizontalAdvance(code.text())
        theme_mod.set_theme(theme_mod.Theme(text_scale=2.0))
        QApplication.processEvents()
        code.ensurePolished()
        assert code.fontMetrics().horizontalAdvance(code.text()) > small
        assert panel.minimumWidth() > before
        assert _clipped_texts(panel) == []
    finally:
        scene.cleanup(h)
        theme_mod.set_theme(theme_mod.Theme())
        h.close()
