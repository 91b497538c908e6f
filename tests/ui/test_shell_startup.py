"""Start-up problems on the command line, and the home-mode display choices."""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from assistant import settings as settings_mod
from assistant.i18n import current_language, set_language
from assistant.staff_code import hash_staff_code
from ui import theme as theme_mod

ROOT = Path(__file__).resolve().parents[2]


def _kiosk_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "kiosk.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "case",
    [
        "bad-kiosk",
        "missing-kiosk",
        "example-kiosk",
        "unknown-citizen",
        "missing-hub-ca",
        "not-a-cert",
    ],
)
def test_bad_command_line_gives_a_message_not_a_traceback(
    qapp: QApplication, tmp_path: Path, capsys, caplog, case: str
) -> None:
    from ui.app import main

    args: list[str]
    if case == "bad-kiosk":
        path = _kiosk_file(tmp_path, "languages = [unclosed\n")
        args = ["--kiosk", str(path), "--kiosk-config-unlocked"]
    elif case == "example-kiosk":
        example = (ROOT / "packaging" / "kiosk" / "kiosk.toml").read_text(encoding="utf-8")
        path = _kiosk_file(tmp_path, example)
        args = ["--kiosk", str(path), "--kiosk-config-unlocked"]
    elif case == "missing-kiosk":
        args = ["--kiosk", str(tmp_path / "nowhere.toml"), "--kiosk-config-unlocked"]
    elif case == "unknown-citizen":
        args = ["--citizen", "nobody-like-this"]
    elif case == "missing-hub-ca":
        args = ["--hub-url", "https://127.0.0.1:1", "--hub-ca", str(tmp_path / "no.pem")]
    else:
        bad = tmp_path / "ca.pem"
        bad.write_bytes(b"hello")
        args = ["--hub-url", "https://127.0.0.1:1", "--hub-ca", str(bad)]
    caplog.set_level(logging.INFO)
    try:
        code = main(
            ["--language", "fr", "--demo", "--no-pcscd", "--data-dir", str(tmp_path), *args]
        )
    finally:
        set_language("en")
    err = capsys.readouterr().err
    # A kiosk file problem needs the administrator: EX_CONFIG, which the unit does not restart.
    assert code == (78 if case.endswith("-kiosk") else 2)
    assert "Traceback" not in err
    if case == "example-kiosk":
        assert "published example" in err and "staff-code" in err
    assert err.startswith("dossier-assistant: ")
    if case == "unknown-citizen":
        assert "nobody-like-this" in err and "adult" in err
    assert "cannot start" in caplog.text
    assert not any(r.exc_info for r in caplog.records)
    assert QApplication.topLevelWidgets() == [] or all(
        not w.isVisible() for w in QApplication.topLevelWidgets()
    )


def test_startup_message_is_in_the_chosen_language(qapp: QApplication, tmp_path: Path) -> None:
    from ui.app import StartupProblem, build_app

    try:
        with pytest.raises(StartupProblem) as info:
            build_app(
                ["--demo", "--language", "fr", "--citizen", "zzz", "--data-dir", str(tmp_path)]
            )
        assert current_language() == "fr"
        assert "zzz" in info.value.message
        assert "zzz" not in str(info.value)  # the log detail does not echo the argument
    finally:
        set_language("en")


def _start(args: list[str]):
    from ui.app import build_app

    return build_app(["--demo", "--no-pcscd", *args])


def test_home_mode_saves_and_restores_display_choices(qtbot, tmp_path: Path) -> None:
    data = tmp_path / "home"
    run = _start(["--data-dir", str(data), "--language", "en"])
    try:
        qtbot.addWidget(run.shell)
        prefs = data / "preferences.json"
        set_language("nl")
        assert json.loads(prefs.read_text())["language"] == "nl"
        theme_mod.set_theme(theme_mod.current().with_(text_scale=1.5, high_contrast=True))
        saved = json.loads(prefs.read_text())
        assert saved["text_scale"] == 1.5 and saved["high_contrast"] is True
        assert saved["language"] == "nl"
    finally:
        run.close()
        set_language("en")
        theme_mod.set_theme(theme_mod.Theme())
    # After close nothing more is written.
    before = prefs.read_bytes()
    set_language("de")
    set_language("en")
    assert prefs.read_bytes() == before
    # The next start restores the choices.
    run = _start(["--data-dir", str(data)])
    try:
        qtbot.addWidget(run.shell)
        assert current_language() == "nl"
        assert theme_mod.current().text_scale == 1.5 and theme_mod.current().high_contrast
    finally:
        run.close()
        set_language("en")
        theme_mod.set_theme(theme_mod.Theme())


@pytest.mark.parametrize("mode", ["mediator", "kiosk", "training"])
def test_other_modes_write_nothing(qtbot, tmp_path: Path, mode: str) -> None:
    data = tmp_path / "data"
    args = ["--data-dir", str(data)]
    if mode == "mediator":
        args += ["--mediator", "--session-log-dir", str(tmp_path / "log")]
    elif mode == "kiosk":
        code = hash_staff_code("123456")
        kiosk = (
            'pharmacy_name = "P"\nlanguages = ["fr", "nl"]\nspeech_on = false\n'
            f'exit_code_hash = "{code}"\n'
        )
        path = _kiosk_file(tmp_path, kiosk)
        args += ["--kiosk", str(path), "--kiosk-config-unlocked"]
    else:
        args += ["--training"]
    settings_prefs = settings_mod.Settings(data_dir=data).preferences_path()
    assert settings_prefs is not None
    settings_prefs.parent.mkdir(parents=True)
    settings_prefs.write_text(json.dumps({"language": "de", "text_scale": 2.0}))
    run = _start(args)
    try:
        qtbot.addWidget(run.shell)
        assert current_language() != "de"  # home choices are not used here either
        assert theme_mod.current().text_scale == 1.0
        set_language("nl")
        theme_mod.set_theme(theme_mod.current().with_(text_scale=1.5, high_contrast=True))
    finally:
        run.close()
        set_language("en")
        theme_mod.set_theme(theme_mod.Theme())
    assert json.loads(settings_prefs.read_text()) == {"language": "de", "text_scale": 2.0}
    assert sorted(os.listdir(data)) == ["preferences.json"]
