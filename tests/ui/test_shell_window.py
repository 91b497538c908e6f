"""The window follows its size, has its shortcuts and the default font, and shows each screen
from the top."""

from __future__ import annotations

from PySide6.QtGui import QShortcut
from PySide6.QtWidgets import QApplication

from ui import theme as theme_mod
from ui.shell import Shell


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
    shell.step_label.setText("Step 4 of 10: a long line of words for the test")
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


def test_default_font_is_the_themes_in_every_face(qtbot, qapp: QApplication, tmp_path) -> None:
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QFontDatabase

    from ui import app as app_mod

    run = app_mod.build_app(
        ["--demo", "--no-pcscd", "--language", "en", "--data-dir", str(tmp_path)],
        services_now=False,
    )
    try:
        font = QApplication.font()
        assert font.family() == theme_mod.current().family == theme_mod.FONT_FAMILY
        assert font.pointSizeF() == theme_mod.current().points("body")
        label = run.shell.step_label
        label.ensurePolished()
        assert label.font().family() == theme_mod.current().family
        styles = QFontDatabase.styles(theme_mod.FONT_FAMILY)
        assert any("Italic" in s for s in styles) and any("Bold" in s for s in styles), styles
        # a change of the look sets the font at once
        theme_mod.set_theme(theme_mod.current().with_(text_scale=1.5), qapp)
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
