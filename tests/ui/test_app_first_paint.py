"""What the first screen does not need waits for its first paint (ui.app.after_first_paint)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QLabel

from ui import app as app_mod

ROOT = Path(__file__).resolve().parents[2]


class PaintLog(QObject):
    def __init__(self, log: list[str]) -> None:
        super().__init__()
        self.log = log

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.log.append("paint")
        return False


def test_calls_run_once_in_order_after_the_first_paint(qtbot) -> None:
    log: list[str] = []
    window = QLabel("Hello")
    qtbot.addWidget(window)
    watcher = PaintLog(log)
    window.installEventFilter(watcher)
    app_mod.after_first_paint(window, [lambda: log.append("a"), lambda: log.append("b")])
    assert log == []
    window.show()
    qtbot.waitUntil(lambda: "b" in log)
    assert log.index("paint") < log.index("a") < log.index("b")
    window.repaint()  # later paints call nothing more
    window.update()
    qtbot.wait(20)
    assert log.count("a") == 1 and log.count("b") == 1


def test_a_window_never_painted_still_runs_the_calls(qtbot, monkeypatch) -> None:
    monkeypatch.setattr(app_mod, "FIRST_PAINT_FALLBACK_MS", 10)
    ran: list[str] = []
    window = QLabel("never shown")
    qtbot.addWidget(window)
    app_mod.after_first_paint(window, [lambda: ran.append("x")])
    qtbot.waitUntil(lambda: ran == ["x"], timeout=2000)
    window.show()
    qtbot.waitExposed(window)
    qtbot.wait(20)
    assert ran == ["x"]


SCRIPT = """
import sys
import ui.app as A
from PySide6.QtCore import QEvent, QObject
log = []
real_build = A.build_app
def build(*a, **k):
    run = real_build(*a, **k)
    class P(QObject):
        def eventFilter(self, w, e):
            if e.type() == QEvent.Type.Paint and "paint" not in log:
                log.append("paint")
            return False
    run.shell._probe = P(run.shell)
    run.shell.installEventFilter(run.shell._probe)
    def logged(name, call):
        def wrapped():
            log.append(name)
            call()
        return wrapped
    # what build_app left for later: Qt's own translations, then the services
    run.later[:] = [logged(n, c) for n, c in zip(("qt translations", "services"), run.later)]
    assert len(run.later) == 2
    return run
A.build_app = build
real_after = A._after_first_screen
def after(run):
    log.append("idle steps")
    real_after(run)
A._after_first_screen = after
real_ready = A._ready_reporter
def reporter(then=None):
    def ready():
        log.append("ready")
        sys.stdout.write(f"QTSVG {'PySide6.QtSvg' in sys.modules}\\n")
        real_ready(then)()
    return ready
A._ready_reporter = reporter
code = A.main(["--demo", "--no-pcscd", "--language", "fr", "--report-ready", "--quit-after", "0"])
sys.stdout.write("LOG " + ",".join(log) + "\\n")
sys.exit(code)
"""


@pytest.mark.timeout(120)
def test_main_paints_the_first_screen_before_starting_the_rest(tmp_path: Path) -> None:
    env = {
        "PATH": "/usr/bin:/bin",
        "QT_QPA_PLATFORM": "offscreen",
        "DOSSIER_TTS_ENGINE": "mock",
        "HOME": str(tmp_path),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_RUNTIME_DIR": str(tmp_path),
        "DOSSIER_CACHE_DIR": str(tmp_path / "pictures"),
    }

    def start() -> list[str]:
        out = subprocess.run(
            [sys.executable, "-c", SCRIPT],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=110,
            check=False,
        )
        assert out.returncode == 0, out.stderr[-2000:]
        assert "READY " in out.stdout
        return out.stdout.splitlines()

    first = start()
    line = next(w for w in first if w.startswith("LOG "))
    # READY is printed first, then Qt's translations are read, the services' worker and the
    # idle steps start
    assert line == "LOG paint,ready,qt translations,services,idle steps"
    # the pictograms drawn are kept for the next start, even when it quits at once
    assert len(list((tmp_path / "pictures").rglob("*.bmp"))) >= 5
    assert (tmp_path / "pictures" / "catalog-fr.marshal").is_file()
    assert "QTSVG True" in first  # (the first start drew them)
    # the next start's first screen takes its pictograms from that cache: no QtSvg (~4 ms)
    # before it (tests/ui/test_shell_compact.py lists what else it does without)
    second = start()
    assert "QTSVG False" in second
