"""What the first screen does not pay for: PySide's source scan of our modules, the QEvent.Type,
QKeySequence and QFont enums; and the behaviour that used them stays (window size, shortcuts,
the default font)."""

from __future__ import annotations

import sys
import types
from pathlib import Path

from PySide6.QtGui import QShortcut
from PySide6.QtWidgets import QApplication

from tests.support.app_script import run_app_script
from ui import theme as theme_mod
from ui.shell import Shell

ROOT = Path(__file__).resolve().parents[2]

FIRST_SCREEN = r"""
import enum, json, linecache, sys
made = []
create = enum.EnumType._create_
def spy(cls, class_name, names=None, *args, **kwargs):
    result = create(cls, class_name, names, *args, **kwargs)
    made.append([class_name, len(result.__members__)])
    return result
enum.EnumType._create_ = spy
from ui import app
run = app.build_app(sys.argv[1:], services_now=False)
run.shell.resize(1024, 768)
run.shell.show()
first = list(made)  # (the first paint, after this, makes QEvent.Type: Pictogram.paintEvent)
run.app.processEvents()
feature = sys.modules["shibokensupport.feature"]
table = dict(feature.pyside_feature_dict)
print(json.dumps([first, sorted(linecache.cache), table]))
"""


def test_first_screen_skips_the_source_scan_and_the_big_enums(tmp_path: Path) -> None:
    made, read_sources, table = run_app_script(FIRST_SCREEN, tmp_path)
    names = {name for name, _count in made}
    # QKeySequence's enums (the shortcuts are set by name) and QEvent.Type (179 members: no
    # event reaches a Python handler before the first screen)
    assert "StandardKey" not in names
    assert "StyleHint" not in names  # QFont's (the default font is set on an idle turn after)
    assert not [m for m in made if m[0] == "Type" and m[1] > 100], made
    # PySide's __feature__ hook knew our modules without reading them
    ours = [p for p in read_sources if p.startswith((str(ROOT / "ui"), str(ROOT / "assistant")))]
    assert ours == []
    assert not [p for p in read_sources if p.endswith(("/typing.py", "/dataclasses.py"))]
    assert table["ui.shell"] == 0 and table["ui.widgets"] == 0
    assert table.get("assistant.i18n", -1) == -1
    assert "ui.screens.welcome" in table  # (the welcome screen was made)


def test_feature_scan_answers_without_reading_and_still_scans_others() -> None:
    assert theme_mod.skip_feature_source_scan()  # installed (again: no second wrapper)
    feature = sys.modules["shibokensupport.feature"]
    scan = feature._mod_uses_pyside
    assert getattr(scan, "known_packages", False)
    assert theme_mod.skip_feature_source_scan()
    assert feature._mod_uses_pyside is scan
    assert scan(types.ModuleType("ui.some_screen")) is True
    assert scan(types.ModuleType("assistant.some_model")) is False
    assert scan(sys.modules["typing"]) is False
    # a module elsewhere is read as before: this test file names PySide6, a module without a
    # file cannot be read
    assert scan(sys.modules[__name__]) is True
    assert scan(types.ModuleType("somewhere.else")) is False


def test_overlay_and_top_bar_follow_the_window_size(qtbot, qapp: QApplication) -> None:
    theme_mod.set_theme(theme_mod.Theme(), qapp)
    shell = Shell()
    qtbot.addWidget(shell)
    shell.resize(1024, 768)
    shell.show()
    qtbot.waitExposed(shell)
    shell.show_help()
    overlay = shell.help_overlay
    shell.resize(900, 700)
    qtbot.waitUntil(lambda: overlay.size() == shell.centralWidget().size(), timeout=3000)
    assert overlay.geometry() == shell.centralWidget().rect()
    shell.close_help()
    # narrow: a long step label goes above the controls; wide again: beside them
    shell.step_label.setText("Step 4 of 8: a long line of words for the test")
    shell.setMinimumSize(0, 0)
    shell.resize(640, 700)
    qtbot.waitUntil(
        lambda: shell.top_layout.direction() == shell.top_layout.Direction.TopToBottom,
        timeout=3000,
    )
    shell.resize(1600, 700)
    qtbot.waitUntil(
        lambda: shell.top_layout.direction() == shell.top_layout.Direction.LeftToRight,
        timeout=3000,
    )


def test_shortcuts_have_their_keys(qtbot) -> None:
    shell = Shell()
    qtbot.addWidget(shell)
    keys = sorted(s.key().toString() for s in shell.findChildren(QShortcut))
    assert keys == ["Ctrl+H", "Esc", "F1"]


def test_default_font_is_set_after_the_first_screen(qtbot, qapp: QApplication, tmp_path) -> None:
    from PySide6.QtCore import QEvent

    from ui import app as app_mod

    run = app_mod.build_app(
        ["--demo", "--no-pcscd", "--language", "en", "--data-dir", str(tmp_path)],
        services_now=False,
    )
    try:
        assert theme_mod._font_pending  # the style sheet gives the widgets their font
        label = run.shell.step_label
        label.ensurePolished()
        assert label.font().family() == theme_mod.current().family
        app_mod._after_first_screen(run)
        qtbot.waitUntil(lambda: not theme_mod._font_pending, timeout=5000)
        font = QApplication.font()
        assert font.family() == theme_mod.current().family
        assert font.pointSizeF() == theme_mod.current().points("body")
        # a later change of the look sets the font at once, as before
        theme_mod.set_theme(theme_mod.current().with_(text_scale=1.5), qapp)
        assert not theme_mod._font_pending
        assert QApplication.font().pointSizeF() == theme_mod.current().points("body")
    finally:
        theme_mod.set_theme(theme_mod.Theme(), qapp)
        run.close()
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)


def test_a_screen_shown_starts_at_the_top(qtbot) -> None:
    from ui.screens.base import Screen

    shell = Shell()
    qtbot.addWidget(shell)
    shell.resize(1024, 700)
    tall, other = Screen(), Screen()
    for _ in range(40):
        tall.add_text().setText("A line of words that takes some room on the screen.")
    shell.show_screen(tall)
    shell.show()
    qtbot.waitExposed(shell)
    bar = shell.scroll_area.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0, timeout=3000)
    bar.setValue(bar.maximum())
    shell.show_screen(other)
    assert bar.value() == 0
    bar.setValue(0)
    shell.show_screen(tall)  # (the same one again, scrolled down meanwhile)
    qtbot.waitUntil(lambda: bar.maximum() > 0, timeout=3000)
    bar.setValue(bar.maximum())
    shell.show_screen(tall)
    assert bar.value() == 0
