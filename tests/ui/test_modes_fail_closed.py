"""A kiosk, mediator or training mode that cannot load stops the program: it never runs full
screen without the lock, the inactivity reset and the wipe between patients.

The person is told why (a message box when a screen is possible, standard error always) and
the program exits with ``ui.app.EXIT_MODE_UNAVAILABLE``.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from assistant.i18n import set_language
from assistant.staff_code import hash_staff_code
from ui import theme as theme_mod

ROOT = Path(__file__).resolve().parents[2]

#: The French words of the problem (the tests start the program in French).
MESSAGE_FR = "Le programme ne peut pas démarrer."


def _kiosk_args(tmp_path: Path) -> list[str]:
    code = hash_staff_code("123456", n=2**12)
    path = tmp_path / "kiosk.toml"
    path.write_text(
        'pharmacy_name = "P"\nlanguages = ["fr", "nl"]\nspeech_on = false\n'
        f'exit_code_hash = "{code}"\n',
        encoding="utf-8",
    )
    return ["--kiosk", str(path), "--kiosk-config-unlocked"]


def _mode_args(mode: str, tmp_path: Path) -> list[str]:
    if mode == "kiosk":
        return _kiosk_args(tmp_path)
    if mode == "mediator":
        return ["--mediator", "--session-log-dir", str(tmp_path / "log")]
    return ["--training"]


def _main(args: list[str], tmp_path: Path) -> int:
    from ui.app import main

    try:
        return main(
            ["--language", "fr", "--demo", "--no-pcscd", "--data-dir", str(tmp_path), *args]
        )
    finally:
        set_language("en")
        theme_mod.set_theme(theme_mod.Theme())


def _no_window_shown() -> bool:
    return all(not w.isVisible() for w in QApplication.topLevelWidgets())


@pytest.mark.parametrize(
    ("mode", "package"),
    [
        ("kiosk", "ui.modes.kiosk"),
        ("mediator", "ui.modes.mediator"),
        ("training", "ui.modes.mediator"),
    ],
)
def test_a_mode_that_cannot_be_imported_stops_the_program(
    qapp: QApplication,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
    mode: str,
    package: str,
) -> None:
    from ui.app import EXIT_MODE_UNAVAILABLE

    monkeypatch.setitem(sys.modules, package, None)  # "import ui.modes.kiosk" now fails
    caplog.set_level(logging.INFO)
    code = _main(_mode_args(mode, tmp_path), tmp_path)
    err = capsys.readouterr().err
    assert code == EXIT_MODE_UNAVAILABLE != 0
    assert err.startswith("dossier-assistant: ")
    assert MESSAGE_FR in err and "Traceback" not in err
    assert f"{package.rsplit('.', 1)[1]} mode cannot start" in caplog.text
    assert _no_window_shown()


def test_a_mode_that_cannot_be_installed_stops_the_program(
    qapp: QApplication,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import ui.modes.kiosk
    from ui.app import EXIT_MODE_UNAVAILABLE

    def broken(_context: object) -> None:
        raise RuntimeError("no screen for the lock")

    monkeypatch.setattr(ui.modes.kiosk, "install", broken)
    code = _main(_kiosk_args(tmp_path), tmp_path)
    assert code == EXIT_MODE_UNAVAILABLE
    assert MESSAGE_FR in capsys.readouterr().err
    assert _no_window_shown()


def test_the_modes_asked_for_are_installed(qtbot, tmp_path: Path) -> None:
    from ui.app import build_app
    from ui.modes.kiosk import KioskMode
    from ui.modes.mediator import MediatorMode

    run = build_app(
        ["--no-pcscd", "--data-dir", str(tmp_path), "--training", *_kiosk_args(tmp_path)]
    )
    try:
        qtbot.addWidget(run.shell)
        kinds = [type(mode) for mode in run.modes]
        assert kinds == [MediatorMode, KioskMode]  # training's banner, then the kiosk
        assert [mode.watch is not None for mode in run.modes] == [False, True]
    finally:
        run.close()
        set_language("en")
        theme_mod.set_theme(theme_mod.Theme())


#: A fresh interpreter where one library the kiosk needs is missing, as on a broken install.
BLOCKED_IMPORT = r"""
import sys
from importlib.abc import MetaPathFinder

MISSING = sys.argv.pop(1)

class Missing(MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == MISSING:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None

sys.meta_path.insert(0, Missing())
from ui.app import main
sys.exit(main(sys.argv[1:]))
"""


@pytest.mark.parametrize("missing", ["PySide6.QtPrintSupport", "qrcode"])
def test_kiosk_without_a_library_it_needs_does_not_start(tmp_path: Path, missing: str) -> None:
    from ui.app import EXIT_MODE_UNAVAILABLE

    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", DOSSIER_TTS_ENGINE="mock")
    args = [
        "--demo",
        "--no-pcscd",
        "--language",
        "fr",
        "--data-dir",
        str(tmp_path),
        "--report-ready",
    ]
    out = subprocess.run(
        [sys.executable, "-c", BLOCKED_IMPORT, missing, *args, *_kiosk_args(tmp_path)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == EXIT_MODE_UNAVAILABLE, out.stderr[-2000:]
    assert "READY" not in out.stdout  # the window was never shown
    assert MESSAGE_FR in out.stderr
    assert missing in out.stderr  # the log says what is missing, for whoever repairs it
    assert "Traceback" not in out.stderr
