"""The start-up rules (ui.startup): the rest waits for the first paint; the first screen sets
enum properties by name, and the keyboard works as soon as it is shown."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QApplication, QLabel

from ui import app as app_mod
from ui import startup
from ui.widgets import BigButton


class PaintLog(QObject):
    """Calls ``seen()`` at each paint of the watched widget."""

    def __init__(self, seen) -> None:
        super().__init__()
        self.seen = seen

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.seen()
        return False


def test_calls_run_once_in_order_after_the_first_paint(qtbot) -> None:
    log: list[str] = []
    window = QLabel("Hello")
    qtbot.addWidget(window)
    watcher = PaintLog(lambda: log.append("paint"))
    window.installEventFilter(watcher)
    startup.after_first_paint(window, [lambda: log.append("a"), lambda: log.append("b")])
    assert log == []
    window.show()
    qtbot.waitUntil(lambda: "b" in log)
    assert log.index("paint") < log.index("a") < log.index("b")
    window.repaint()  # later paints call nothing more
    window.update()
    qtbot.wait(20)
    assert log.count("a") == 1 and log.count("b") == 1


def test_a_window_never_painted_still_runs_the_calls(qtbot, monkeypatch) -> None:
    monkeypatch.setattr(startup, "FIRST_PAINT_FALLBACK_MS", 10)
    ran: list[str] = []
    window = QLabel("never shown")
    qtbot.addWidget(window)
    startup.after_first_paint(window, [lambda: ran.append("x")])
    qtbot.waitUntil(lambda: ran == ["x"], timeout=2000)
    window.show()
    qtbot.waitExposed(window)
    qtbot.wait(20)
    assert ran == ["x"]


@pytest.mark.timeout(120)
def test_the_first_screen_is_painted_before_the_services_start(qtbot, tmp_path: Path) -> None:
    run = app_mod.build_app(
        ["--demo", "--no-pcscd", "--language", "en", "--data-dir", str(tmp_path)],
        services_now=False,
    )
    at_first_paint: list[bool] = []
    watcher = PaintLog(lambda: at_first_paint.append(run.hub is None and not run.ready))
    try:
        run.shell.installEventFilter(watcher)
        startup.after_first_paint(run.shell, [run.run_later])
        run.shell.show()
        qtbot.waitUntil(lambda: run.ready, timeout=60000)
        assert at_first_paint[0]  # the welcome screen was drawn with no service started yet
        assert run.hub is not None and run.controller.monitor is not None
    finally:
        run.shell.removeEventFilter(watcher)
        run.close()
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)


def test_enum_properties_set_by_name(qtbot) -> None:
    label = QLabel("<b>x</b>")
    qtbot.addWidget(label)
    startup.set_enum_property(label, "textFormat", "PlainText")
    startup.set_enum_property(label, "alignment", "AlignRight|AlignBottom")
    assert label.textFormat() == Qt.TextFormat.PlainText
    assert label.alignment() == Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom
    startup.set_enum_property(label, "alignment", "AlignRight|AlignBottom")  # (looked up once)
    with pytest.raises(ValueError):
        startup.set_enum_property(label, "alignment", "AlignNowhere")


def test_enter_presses_a_button_of_the_first_screen(qtbot) -> None:
    button = BigButton("Start", "next")
    qtbot.addWidget(button)
    button.show()
    qtbot.waitExposed(button)
    startup.make_qt_namespace()
    clicks: list[bool] = []
    button.clicked.connect(lambda *_a: clicks.append(True))
    button.setFocus()
    qtbot.keyClick(button, Qt.Key.Key_Return)
    assert clicks == [True]
