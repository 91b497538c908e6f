"""Run a small script that starts the real program in a fresh Python process (offscreen, mock
speech, no pcscd, French, its own data folder) and read the JSON it prints last."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def run_app_script(script: str, data_dir: Path) -> Any:
    """The value of the script's last output line (JSON); fails with its stderr if it failed."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", DOSSIER_TTS_ENGINE="mock")
    args = ["--demo", "--no-pcscd", "--language", "fr", "--data-dir", str(data_dir)]
    out = subprocess.run(
        [sys.executable, "-c", script, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    return json.loads(out.stdout.strip().splitlines()[-1])
