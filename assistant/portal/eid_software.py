"""Is the official eID software (the Belgian eID middleware, eid-mw) installed on this computer?

The portal's eID login happens in the web browser, which reaches the card through the official
software: without it, the browser never asks for the PIN. This module only looks; it never
installs anything. Where it looks comes from the installers of eid-mw (github.com/Fedict/eid-mw):

* **Windows** (``installers/eid-mw/Windows/Product*.wxs``): the smart card minidriver is
  registered under ``HKLM\\SOFTWARE\\Microsoft\\Cryptography\\Calais\\SmartCards\\Beid`` (what
  Edge and Chrome use), and the PKCS#11 module ``beidpkcs11.dll`` is put in the system folder
  (System32, and SysWOW64 for 32-bit programs on 64-bit Windows).
* **macOS** (``installers/eid-mw/mac/create_package.sh``): ``BEIDToken.app`` in
  ``/Applications`` (the CryptoTokenKit token Safari and Chrome use) and the PKCS#11 module in
  ``/Library/Belgium Identity Card/Pkcs11`` (``libbeidpkcs11.<version>.dylib`` and
  ``beid-pkcs11.bundle``).
* **Linux** (``debian/libbeidpkcs11-0.install``, ``cardcomm/pkcs11/src/beid.module``):
  ``libbeidpkcs11.so.0`` in the library folder (``/usr/lib/<triplet>``, ``/usr/lib64`` or
  ``/usr/lib``), and the p11-kit module file ``beid.module``
  (``/usr/share/p11-kit/modules``) which lets browsers find it.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

#: The minidriver's registry key (HKEY_LOCAL_MACHINE), as eid-mw's Windows installer writes it.
WINDOWS_MINIDRIVER_KEY = r"SOFTWARE\Microsoft\Cryptography\Calais\SmartCards\Beid"
WINDOWS_PKCS11_DLL = "beidpkcs11.dll"
MAC_TOKEN_APP = Path("/Applications/BEIDToken.app")
MAC_PKCS11_DIR = Path("/Library/Belgium Identity Card/Pkcs11")
LINUX_LIBRARY = "libbeidpkcs11.so.0"
LINUX_LIBRARY_DIRS = (Path("/usr/lib"), Path("/usr/lib64"), Path("/usr/local/lib"))
LINUX_P11KIT_MODULES = (
    Path("/usr/share/p11-kit/modules/beid.module"),
    Path("/etc/pkcs11/modules/beid.module"),
)


@dataclass(frozen=True, slots=True)
class EidSoftware:
    """What was found. ``installed`` is None when this system cannot be checked."""

    installed: bool | None
    #: The file or registry key that showed it (for the person who helps; never personal).
    found: str = ""
    #: "windows", "macos", "linux" or "other": the download page and words depend on it.
    system: str = "other"


def system_name(platform: str | None = None) -> str:
    name = platform or sys.platform
    if name.startswith("win"):
        return "windows"
    if name == "darwin":
        return "macos"
    if name.startswith("linux"):
        return "linux"
    return "other"


def _first_existing(paths: Iterable[Path], exists: Callable[[Path], bool]) -> Path | None:
    for path in paths:
        try:
            if exists(path):
                return path
        except OSError:
            continue
    return None


def _windows_registry_key(key: str) -> bool:
    """Whether HKEY_LOCAL_MACHINE\\``key`` exists (Windows only)."""
    if sys.platform != "win32":
        return False
    import winreg

    try:
        handle = winreg.OpenKey(winreg.HKEY_LOCAL_MACHINE, key)
    except OSError:
        return False
    winreg.CloseKey(handle)
    return True


def _linux_candidates(root: Path, glob: Callable[[Path, str], list[Path]]) -> list[Path]:
    found: list[Path] = []
    for folder in LINUX_LIBRARY_DIRS:
        base = root / folder.relative_to("/")
        found.append(base / LINUX_LIBRARY)
        # Debian's multiarch folders: /usr/lib/x86_64-linux-gnu and the like.
        found.extend(glob(base, f"*/{LINUX_LIBRARY}"))
    found.extend(root / p.relative_to("/") for p in LINUX_P11KIT_MODULES)
    return found


def _glob(base: Path, pattern: str) -> list[Path]:
    try:
        return sorted(base.glob(pattern))
    except OSError:
        return []


def detect_eid_software(
    *,
    platform: str | None = None,
    root: Path = Path("/"),
    exists: Callable[[Path], bool] = Path.exists,
    registry_key_exists: Callable[[str], bool] | None = None,
    environ: dict[str, str] | None = None,
) -> EidSoftware:
    """Look for the official eID software where its installers put it.

    The keyword arguments let tests describe another computer (``root`` is the file system's
    top folder; ``registry_key_exists`` answers for HKEY_LOCAL_MACHINE keys).
    """
    system = system_name(platform)
    if system == "windows":
        env = os.environ if environ is None else environ
        check_key = registry_key_exists or _windows_registry_key
        try:
            if check_key(WINDOWS_MINIDRIVER_KEY):
                return EidSoftware(True, "HKLM\\" + WINDOWS_MINIDRIVER_KEY, system)
        except OSError:
            log.debug("registry not readable")
        windir = Path(env.get("SystemRoot") or env.get("WINDIR") or r"C:\Windows")
        dll = _first_existing(
            (windir / "System32" / WINDOWS_PKCS11_DLL, windir / "SysWOW64" / WINDOWS_PKCS11_DLL),
            exists,
        )
        return EidSoftware(dll is not None, str(dll or ""), system)
    if system == "macos":
        pkcs11_dir = root / MAC_PKCS11_DIR.relative_to("/")
        candidates = [
            root / MAC_TOKEN_APP.relative_to("/"),
            pkcs11_dir / "beid-pkcs11.bundle",
            *_glob(pkcs11_dir, "libbeidpkcs11*.dylib"),
        ]
        hit = _first_existing(candidates, exists)
        return EidSoftware(hit is not None, str(hit or ""), system)
    if system == "linux":
        hit = _first_existing(_linux_candidates(root, _glob), exists)
        return EidSoftware(hit is not None, str(hit or ""), system)
    return EidSoftware(None, "", system)
