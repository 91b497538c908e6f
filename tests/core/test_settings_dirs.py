"""The home data folder and the session log folder are the platform's (platformdirs)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from assistant.settings import Mode, Settings


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the XDG folders are Linux's")
def test_folders_follow_xdg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    assert Settings().data_folder() == tmp_path / "data" / "dossier-assistant"
    log = Settings(mode=Mode.MEDIATOR).session_log_folder()
    assert log == tmp_path / "state" / "dossier-assistant" / "log" / "sessions"


def test_no_data_folder_outside_home_mode_and_given_folders_win(tmp_path: Path) -> None:
    assert Settings(mode=Mode.MEDIATOR, data_dir=tmp_path).data_folder() is None
    assert Settings(training=True, data_dir=tmp_path).data_folder() is None
    assert Settings(data_dir=tmp_path).data_folder() == tmp_path
    assert Settings().session_log_folder() is None
    assert Settings(mode=Mode.MEDIATOR, session_log_dir=tmp_path).session_log_folder() == tmp_path
