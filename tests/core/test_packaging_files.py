"""The packaging files agree with each other and with the program: where the .deb puts the
kiosk session is where the unit starts it, the Windows installer and spec use files that exist,
and every build installs from the lock."""

from __future__ import annotations

import re
from pathlib import Path

from assistant import __version__

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"


def text(relative: str) -> str:
    return (ROOT / relative).read_text(encoding="utf-8")


def test_the_unit_starts_the_session_where_the_package_installs_it() -> None:
    unit = text("packaging/kiosk/dossier-kiosk.service")
    build = text("packaging/deb/build-deb.sh")
    exec_start = re.search(r"^ExecStart=(\S+)$", unit, re.MULTILINE)
    assert exec_start is not None
    installed = exec_start.group(1)
    assert f'"$ROOT{installed}"' in build
    assert "RestartPreventExitStatus=78" in unit
    assert "systemctl enable" not in build  # installed, never enabled by the package


def test_the_metainfo_release_is_the_programs_version() -> None:
    metainfo = text("packaging/linux/be.dossierassistant.DossierAssistant.metainfo.xml")
    assert f'<release version="{__version__}"' in metainfo


def test_the_windows_files_use_the_shared_spec_and_existing_files() -> None:
    script = text("packaging/windows/build.ps1")
    installer = text("packaging/windows/dossier-assistant.iss")
    workflow = text(".github/workflows/windows.yml")
    assert r"packaging\dossier-assistant.spec" in script
    assert r"packaging\windows\dossier-assistant.iss" in script
    assert "build.ps1" in workflow
    for found in re.findall(r"\{#Repo\}\\([^\"\s]+)", installer):
        if found == "build" or found.startswith("build\\"):
            continue  # made by the build (absent from a fresh clone)
        assert (ROOT / found.replace("\\", "/")).exists(), found
    spec = text("packaging/dossier-assistant.spec")
    assert "dossier-assistant.ico" in spec
    assert (ROOT / "assets" / "app-icon" / "dossier-assistant.ico").is_file()


def test_every_build_installs_its_dependencies_from_the_lock_with_hashes() -> None:
    for relative in (
        "packaging/build-bundle.sh",
        "packaging/test-install.sh",
        "packaging/windows/build.ps1",
        ".github/workflows/windows.yml",
    ):
        content = text(relative)
        installs = re.findall(r"pip install[^\n]*-r\s+(\S+)", content)
        assert installs, relative
        for lock in installs:
            assert "--require-hashes" in content, relative
            assert (ROOT / lock.replace("\\", "/")).is_file(), (relative, lock)
