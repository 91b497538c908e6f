"""The home data folder and the session log folder are platformdirs' (Linux XDG rule computed
without importing platformdirs at start)."""

from __future__ import annotations

import sys
from pathlib import Path

import platformdirs
import pytest

from assistant.settings import APP_AUTHOR, APP_NAME, Mode, Settings

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="the XDG shortcut is for Linux only"
)


@pytest.mark.parametrize("xdg", ["absolute", "relative", "empty", "unset"])
@pytest.mark.parametrize("home", ["absolute", "relative"])
def test_folders_are_the_ones_platformdirs_gives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, xdg: str, home: str
) -> None:
    values = {"absolute": str(tmp_path / "xdg"), "relative": "rel/xdg", "empty": ""}
    for var in ("XDG_DATA_HOME", "XDG_STATE_HOME"):
        if xdg == "unset":
            monkeypatch.delenv(var, raising=False)
        else:
            monkeypatch.setenv(var, values[xdg] + ("/" + var if xdg == "absolute" else ""))
    monkeypatch.setenv("HOME", str(tmp_path / "home") if home == "absolute" else "somewhere")
    monkeypatch.chdir(tmp_path)

    home_mode = Settings()
    assert home_mode.data_folder() == Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR))
    mediator = Settings(mode=Mode.MEDIATOR)
    expected_log = Path(platformdirs.user_log_dir(APP_NAME, APP_AUTHOR)) / "sessions"
    assert mediator.session_log_folder() == expected_log


def test_start_does_not_import_platformdirs() -> None:
    import subprocess

    code = (
        "import sys; from assistant.settings import Settings; Settings().data_folder(); "
        "print('platformdirs' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"
