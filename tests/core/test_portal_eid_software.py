"""Where the official eID software is looked for (from eid-mw's installers), per system."""

from __future__ import annotations

from pathlib import Path

from assistant.portal.eid_software import (
    WINDOWS_MINIDRIVER_KEY,
    detect_eid_software,
    system_name,
)


def make(root: Path, relative: str) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"")
    return path


def test_system_names() -> None:
    assert system_name("win32") == "windows"
    assert system_name("darwin") == "macos"
    assert system_name("linux") == "linux"
    assert system_name("freebsd14") == "other"


def test_linux_without_the_software(tmp_path: Path) -> None:
    found = detect_eid_software(platform="linux", root=tmp_path)
    assert found.installed is False and found.system == "linux"


def test_linux_debian_multiarch_library(tmp_path: Path) -> None:
    make(tmp_path, "usr/lib/x86_64-linux-gnu/libbeidpkcs11.so.0")
    found = detect_eid_software(platform="linux", root=tmp_path)
    assert found.installed is True
    assert found.found.endswith("x86_64-linux-gnu/libbeidpkcs11.so.0")


def test_linux_fedora_library_and_p11kit_module(tmp_path: Path) -> None:
    make(tmp_path, "usr/lib64/libbeidpkcs11.so.0")
    assert detect_eid_software(platform="linux", root=tmp_path).installed is True
    other = tmp_path / "other"
    make(other, "usr/share/p11-kit/modules/beid.module")
    assert detect_eid_software(platform="linux", root=other).installed is True


def test_macos_token_app_or_pkcs11_library(tmp_path: Path) -> None:
    assert detect_eid_software(platform="darwin", root=tmp_path).installed is False
    (tmp_path / "Applications" / "BEIDToken.app").mkdir(parents=True)
    assert detect_eid_software(platform="darwin", root=tmp_path).installed is True
    other = tmp_path / "other"
    make(other, "Library/Belgium Identity Card/Pkcs11/libbeidpkcs11.5.1.21.dylib")
    found = detect_eid_software(platform="darwin", root=other)
    assert found.installed is True and found.system == "macos"


def test_windows_minidriver_key_or_system_dll(tmp_path: Path) -> None:
    keys: set[str] = set()
    env = {"SystemRoot": str(tmp_path / "Windows")}

    def look() -> bool | None:
        return detect_eid_software(
            platform="win32", registry_key_exists=keys.__contains__, environ=env
        ).installed

    assert look() is False
    keys.add(WINDOWS_MINIDRIVER_KEY)
    assert look() is True
    keys.clear()
    make(tmp_path, "Windows/System32/beidpkcs11.dll")
    assert look() is True


def test_an_unknown_system_cannot_be_checked() -> None:
    found = detect_eid_software(platform="haiku")
    assert found.installed is None
