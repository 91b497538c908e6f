"""``packaging/screenshots.sh``: ``--out`` wins (nothing written to docs/screenshots unless
``--docs`` is given as well); the options reach ``tests/screenshots/take.py``."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.screenshots.take import DOC_SHOTS, EXTRA_LOOKS, LOOKS, parse_args, wanted

ROOT = Path(__file__).resolve().parents[2]


def test_docs_only_when_asked() -> None:
    assert parse_args(["--out", "x"]).docs is None
    assert parse_args(["--out", "x", "--docs", "d"]).docs == Path("d")


def test_looks_and_only() -> None:
    assert parse_args([]).looks == LOOKS
    assert parse_args(["--looks", "high-contrast-200"]).looks == EXTRA_LOOKS
    with pytest.raises(SystemExit):
        parse_args(["--looks", "sepia"])
    assert wanted("07-pin-wrong", ["07-pin", "k2"])
    assert wanted("k2-kiosk-prescriptions", ["07-pin", "k2"])
    assert not wanted("09-record", ["07-pin", "k2"])
    assert wanted("09-record", [])


def test_script_writes_where_out_says_and_leaves_docs_alone(tmp_path: Path) -> None:
    # a scene the README copies to docs/ (so a copy would show)
    lang, look, scene = ("de", "normal", "07-pin")
    assert (lang, look, scene) in DOC_SHOTS
    doc = ROOT / "docs" / "screenshots" / f"{lang}-{look}-{scene}.png"
    before = doc.stat().st_mtime_ns if doc.exists() else None
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "DOSSIER_TTS_ENGINE": "mock"}
    env.pop("DOSSIER_STRICT_TESTS", None)
    result = subprocess.run(
        [
            "bash",
            str(ROOT / "packaging" / "screenshots.sh"),
            "--out",
            str(tmp_path),
            "--languages",
            lang,
            "--sizes",
            "1024x768",
            "--looks",
            look,
            "--only",
            scene,
        ],
        cwd=ROOT,
        env={**env, "PATH": f"{Path(sys.executable).parent}:{env.get('PATH', '')}"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    shot = tmp_path / "1024x768" / lang / look / f"{scene}.png"
    assert shot.is_file() and shot.stat().st_size > 1000
    assert f"screenshots in {tmp_path} (" in result.stdout
    assert (doc.stat().st_mtime_ns if doc.exists() else None) == before
