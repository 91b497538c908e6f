"""The patient's own removable media (USB stick, memory card), and the record files on them.

In mediator mode (a public computer) "Open a file I received" may only show these, never the
computer's own folders. Each platform says in its own way which mounted volume is removable:

* Linux: a mount whose block device (or the disk it is a partition of) has
  ``/sys/class/block/<dev>/removable`` = 1, or which udisks mounted under ``/media/<user>/`` or
  ``/run/media/<user>/`` (USB disks often report removable = 0).
* Windows: drives of type ``DRIVE_REMOVABLE`` (GetDriveTypeW returns 2).
* macOS: the volumes under ``/Volumes`` other than the start-up disk.

Nothing here opens a file: it lists names; the record readers open what the patient picks.
"""

from __future__ import annotations

import logging
import os
import string
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

#: The files "Open a file I received" can read (KMEHR XML, FHIR JSON, PDF documents).
RECORD_FILE_SUFFIXES = frozenset({".xml", ".kmehr", ".json", ".pdf"})
#: How deep and how many: a stick full of photos must not stall the list.
MAX_DEPTH = 3
MAX_FILES = 200


@dataclass(frozen=True, slots=True)
class Mount:
    """One line of the mount table: the device and where it is mounted."""

    device: str
    mount_point: Path


def _unescape_mount_field(field: str) -> str:
    """/proc/mounts writes a space as ``\\040``, a tab ``\\011``, a backslash ``\\134``."""
    out = []
    i = 0
    while i < len(field):
        if field[i] == "\\" and i + 3 < len(field) and field[i + 1 : i + 4].isdigit():
            out.append(chr(int(field[i + 1 : i + 4], 8)))
            i += 4
        else:
            out.append(field[i])
            i += 1
    return "".join(out)


def parse_mounts(text: str) -> list[Mount]:
    """The mounts of a ``/proc/mounts`` text (device, mount point, type, options, ...)."""
    mounts = []
    for line in text.splitlines():
        parts = line.split()
        if len(parts) >= 2:
            mounts.append(
                Mount(_unescape_mount_field(parts[0]), Path(_unescape_mount_field(parts[1])))
            )
    return mounts


def _block_is_removable(device: str, sys_block: Path) -> bool:
    """Whether ``/dev/sdb1`` (or its disk ``sdb``) is marked removable in sysfs."""
    if not device.startswith("/dev/"):
        return False
    name = Path(device).name
    entry = sys_block / name
    for candidate in (entry, entry.resolve().parent if entry.exists() else None):
        if candidate is None:
            continue
        try:
            if (candidate / "removable").read_text(encoding="ascii").strip() == "1":
                return True
        except OSError:
            continue
    return False


def linux_removable_roots(
    mounts_text: str,
    sys_block: Path = Path("/sys/class/block"),
    media_folders: tuple[Path, ...] = (Path("/media"), Path("/run/media")),
) -> list[Path]:
    """Removable mount points from a mount table (see the module's description)."""
    roots = []
    for mount in parse_mounts(mounts_text):
        under_media = any(mount.mount_point.is_relative_to(m) for m in media_folders)
        if under_media and mount.mount_point not in media_folders:
            roots.append(mount.mount_point)
        elif _block_is_removable(mount.device, sys_block):
            roots.append(mount.mount_point)
    return sorted(set(roots))


def _windows_removable_roots() -> list[Path]:  # pragma: no cover - Windows only
    import ctypes

    drive_removable = 2
    kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
    roots = []
    for letter in string.ascii_uppercase:
        root = f"{letter}:\\"
        if kernel32.GetDriveTypeW(root) == drive_removable and os.path.exists(root):
            roots.append(Path(root))
    return roots


def _macos_removable_roots(volumes: Path = Path("/Volumes")) -> list[Path]:
    try:
        entries = list(volumes.iterdir())
    except OSError:
        return []
    # The start-up disk appears in /Volumes as a link to "/".
    return sorted(p for p in entries if p.is_dir() and p.resolve() != Path("/"))


def removable_roots() -> list[Path]:
    """Mount points of the removable media plugged in now (empty when none or unknown)."""
    try:
        if sys.platform.startswith("linux"):
            return linux_removable_roots(Path("/proc/self/mounts").read_text(encoding="utf-8"))
        if sys.platform == "win32":
            return _windows_removable_roots()
        if sys.platform == "darwin":
            return _macos_removable_roots()
    except OSError as exc:
        log.warning("removable media not listed: %s", exc.strerror)
    return []


def record_files_on(roots: list[Path]) -> list[Path]:
    """Files on ``roots`` that "Open a file I received" can read, newest first.

    Hidden files and folders are skipped; links are not followed out of the medium.
    """
    found: list[Path] = []
    for root in roots:
        found.extend(_walk(root, root, 0))
        if len(found) >= MAX_FILES:
            break

    def newest_first(p: Path) -> float:
        try:
            return -p.stat().st_mtime
        except OSError:
            return 0.0

    return sorted(found[:MAX_FILES], key=newest_first)


def _walk(root: Path, folder: Path, depth: int) -> Iterator[Path]:
    try:
        entries = sorted(folder.iterdir())
    except OSError:
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        if entry.is_symlink() and not entry.resolve().is_relative_to(root.resolve()):
            continue
        if entry.is_file() and entry.suffix.lower() in RECORD_FILE_SUFFIXES:
            yield entry
        elif entry.is_dir() and depth + 1 < MAX_DEPTH:
            yield from _walk(root, entry, depth + 1)
