"""Production units never run the demo (issue 11.5): the example systemd unit and cage session
start the real-card mode, with the record source from the kiosk file."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest

from assistant import settings as settings_mod
from assistant.errors import BadDataError
from assistant.staff_code import hash_staff_code

ROOT = Path(__file__).resolve().parents[2]
KIOSK = ROOT / "packaging" / "kiosk"


def unit_environment() -> dict[str, str]:
    env: dict[str, str] = {}
    for line in (KIOSK / "dossier-kiosk.service").read_text(encoding="utf-8").splitlines():
        if line.startswith("Environment="):
            for item in shlex.split(line.removeprefix("Environment=")):
                key, _sep, value = item.partition("=")
                env[key] = value
    return env


def session_arguments(config: Path) -> list[str]:
    """The program's arguments as the cage session starts it under the example unit."""
    script = (KIOSK / "dossier-kiosk.sh").read_text(encoding="utf-8")
    exec_line = next(line for line in script.splitlines() if line.startswith("exec cage"))
    assert '"$PROGRAM"' in exec_line  # the session starts the program
    after = exec_line.split('"$PROGRAM"', 1)[1].split()
    extra = shlex.split(unit_environment().get("DOSSIER_EXTRA_ARGS", ""))
    args: list[str] = []
    for word in after:
        if word == '"$CONFIG"':
            args.append(str(config))
        elif word == "${DOSSIER_EXTRA_ARGS:-}":
            args.extend(extra)
        else:
            args.append(word)
    return args


def own_kiosk_file(tmp_path: Path) -> Path:
    example = (KIOSK / "kiosk.toml").read_text(encoding="utf-8")
    lines = [
        f'exit_code_hash = "{hash_staff_code("a-pharmacy-own-code-1357")}"'
        if line.startswith("exit_code_hash")
        else line
        for line in example.splitlines()
    ]
    path = tmp_path / "kiosk.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_the_example_unit_and_session_never_start_the_demo(tmp_path: Path) -> None:
    from ui.app import _portal_route, build_parser

    config = own_kiosk_file(tmp_path)
    args = session_arguments(config)
    assert "--demo" not in args and "--training" not in args
    assert "--real-card" in args
    ns = build_parser().parse_args([*args, "--kiosk-config-unlocked"])
    s = settings_mod.settings_from_args(ns)
    assert s.mode is settings_mod.Mode.KIOSK
    assert not s.uses_virtual_card
    assert s.kiosk is not None and s.kiosk.record_source == "portal"
    ns.smart_service = None
    assert _portal_route(ns, s)


def test_the_kiosk_file_names_its_record_source(tmp_path: Path) -> None:
    path = own_kiosk_file(tmp_path)
    text = path.read_text(encoding="utf-8")
    assert 'record_source = "portal"' in text
    bad = tmp_path / "bad.toml"
    bad.write_text(text.replace('record_source = "portal"', 'record_source = "demo"'))
    with pytest.raises(BadDataError, match="record_source"):
        settings_mod.load_kiosk_config(bad, require_locked=False)
    default = tmp_path / "default.toml"
    default.write_text(text.replace('record_source = "portal"\n', ""))
    assert settings_mod.load_kiosk_config(default, require_locked=False).record_source == "portal"


def test_without_demo_the_program_uses_the_real_readers() -> None:
    from ui.app import build_parser

    s = settings_mod.settings_from_args(build_parser().parse_args([]))
    assert not s.uses_virtual_card
    for flag in ("--demo", "--training"):
        assert settings_mod.settings_from_args(build_parser().parse_args([flag])).uses_virtual_card


def test_a_plain_start_uses_the_real_readers_and_the_portal_route(qapp, tmp_path: Path) -> None:
    from assistant.card.pcsc import PcscBackend
    from ui.app import build_app

    run = build_app(["--language", "en", "--data-dir", str(tmp_path)])
    try:
        assert run.demo is None and run.hub is None  # no virtual card, no demo hub
        assert isinstance(run.controller.backend, PcscBackend)
        assert run.controller.journey.portal_route
    finally:
        run.close()


@pytest.mark.parametrize("args", [["--citizen", "adult"], ["--no-pcscd"]])
def test_practice_cards_need_demo_or_training(qapp, tmp_path: Path, args: list[str]) -> None:
    from ui.app import StartupProblem, build_app

    with pytest.raises(StartupProblem) as info:
        build_app([*args, "--data-dir", str(tmp_path)], services_now=False)
    assert "practice card" in info.value.message and "--demo" in info.value.message
