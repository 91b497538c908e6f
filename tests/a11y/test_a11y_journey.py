"""Every journey screen, in 4 languages and 2 themes (and 200 % text): names, roles, targets,
contrast, focus ring, no clipped text."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication, QCheckBox, QLabel

from assistant.i18n import set_language
from assistant.journey import Step
from tests.support.a11y_checks import (
    audit,
    check_clipping,
    check_contrast,
    check_names_and_roles,
    check_targets,
)
from tests.support.journey_harness import JourneyHarness
from tests.support.journey_scenes import journey_scenes
from ui import theme as theme_mod

pytestmark = pytest.mark.usefixtures("qapp")


@pytest.mark.parametrize("high_contrast", [False, True], ids=["normal", "high-contrast"])
@pytest.mark.parametrize("language", ["fr", "nl", "en", "de"])
def test_every_journey_screen_is_accessible(qtbot, language: str, high_contrast: bool) -> None:
    h = JourneyHarness.start(qtbot, high_contrast=high_contrast)
    try:
        h.walk_to(Step.RECORD)
        set_language(language)
        problems: list[str] = []
        for i, scene in enumerate(journey_scenes()):
            scene.show(h)
            found = audit(h.shell, focus=i == 0) + check_clipping(h.shell, "recordHome")
            problems += [f"{scene.name}: {p}" for p in found]
        assert not problems, "\n".join(problems)
    finally:
        set_language("en")
        h.close()


@pytest.mark.parametrize("size", [(1024, 768), (1920, 1080)], ids=["1024x768", "1920x1080"])
def test_text_at_200_percent_is_not_cut(qtbot, size: tuple[int, int]) -> None:
    h = JourneyHarness.start(qtbot, text_scale=2.0)
    try:
        h.shell.resize(*size)
        h.walk_to(Step.RECORD)
        problems: list[str] = []
        for lang in ("fr", "de"):  # the longest words
            set_language(lang)
            for scene in journey_scenes():
                scene.show(h)
                found = check_clipping(h.shell, "recordHome") + check_targets(h.shell)
                problems += [f"{lang} {scene.name}: {p}" for p in found]
        assert not problems, "\n".join(problems)
    finally:
        set_language("en")
        h.close()


def test_checks_catch_problems(qtbot) -> None:
    """The checks fail on a nameless tiny button and on grey-on-white text."""
    from PySide6.QtWidgets import QVBoxLayout, QWidget

    theme_mod.set_theme(theme_mod.Theme())
    w = QWidget()
    qtbot.addWidget(w)
    lay = QVBoxLayout(w)
    tiny = QCheckBox("")  # the app style sheet gives push buttons 44 px; a check box not
    tiny.setFixedSize(20, 20)
    faint = QLabel("Faint text that is hard to read")
    faint.setStyleSheet("color: #BBBBBB; background: #FFFFFF; font-size: 20pt;")
    lay.addWidget(tiny)
    lay.addWidget(faint)
    w.resize(500, 200)
    w.show()
    qtbot.waitExposed(w)
    QApplication.processEvents()
    names = check_names_and_roles(w)
    assert any("no accessible name" in p.what for p in names)
    assert any("target 20×20" in p.what for p in check_targets(w))
    assert any("contrast" in p.what for p in check_contrast(w))
    tiny.setText("Go")
    tiny.setFixedSize(60, 60)
    faint.setStyleSheet("color: #1A1A1A; background: #FFFFFF; font-size: 20pt;")
    QApplication.processEvents()
    assert check_names_and_roles(w) == [] and check_targets(w) == []
    assert check_contrast(w) == []


def test_theme_colour_pairs() -> None:
    for colors in (theme_mod.NORMAL, theme_mod.HIGH_CONTRAST):
        for name, fg, bg in theme_mod.text_pairs(colors):
            assert theme_mod.contrast_ratio(fg, bg) >= 4.5, name
        for name, fg, bg in theme_mod.graphic_pairs(colors):
            assert theme_mod.contrast_ratio(fg, bg) >= 3.0, name
