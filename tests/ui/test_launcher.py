"""The ``dossier-assistant`` command line: --version, --help with the commands, ``python -m``,
and the commands run without loading Qt."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from assistant import __version__
from ui import launcher

ROOT = Path(__file__).resolve().parents[2]


def run_python(code: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_version_is_printed_without_qt() -> None:
    done = run_python(
        "import sys\nfrom ui.launcher import main\ncode = main(['--version'])\n"
        "assert 'PySide6' not in sys.modules, 'Qt loaded for --version'\nsys.exit(code)"
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"dossier-assistant {__version__}\n"


def test_python_m_entry_runs_the_same_command() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "dossier_assistant", "--version"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"dossier-assistant {__version__}"


def test_help_lists_the_commands_and_the_assistant_options(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert launcher.main(["--help"]) == 0
    out = capsys.readouterr().out
    for command in launcher.COMMANDS:
        assert f"    {command} " in out
    for option in ("--version", "--demo", "--kiosk CONFIG", "--real-card"):
        assert option in out
    assert "Exit codes" in out


@pytest.mark.parametrize("command", sorted(launcher.COMMANDS))
def test_each_command_has_its_own_help_without_qt(command: str) -> None:
    done = run_python(
        "import sys\nfrom ui.launcher import main\n"
        "try:\n    main(sys.argv[1:])\nexcept SystemExit as stop:\n    code = stop.code\n"
        "assert 'PySide6' not in sys.modules, 'Qt loaded for a command'\nsys.exit(code)",
        command,
        "--help",
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"usage: dossier-assistant {command}")


def test_the_card_command_reads_a_virtual_card_without_qt() -> None:
    done = run_python(
        "import sys\nfrom ui.launcher import main\n"
        "code = main(['card', '--virtual', 'adult', '--in-process', '--language', 'en'])\n"
        "assert 'PySide6' not in sys.modules, 'Qt loaded for the card command'\nsys.exit(code)"
    )
    assert done.returncode == 0, done.stderr
    assert "Card read in:" in done.stdout


def new_modules(module: str) -> set[str]:
    done = run_python(
        "import sys\nbefore = set(sys.modules)\n"
        f"import {module}\n"
        "print(' '.join(sorted(set(sys.modules) - before)))"
    )
    assert done.returncode == 0, done.stderr
    return set(done.stdout.split())


def test_the_graphical_start_imports_nothing_the_app_does_not() -> None:
    """The launcher's own imports on the way to ui.app are ones ui.app makes anyway: no parser
    is built and nothing more is loaded before the first screen."""
    mine = new_modules("ui.launcher")
    assert mine - {"ui.launcher"} <= new_modules("ui.app")
    assert "argparse" not in mine
    assert not any(name.startswith("assistant") for name in mine)
