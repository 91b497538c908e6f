"""Writing a file so that a crash (even ``kill -9``) leaves the old or the new bytes, never a mix.

The bytes go to a temporary file beside the target (readable by the owner only), are flushed
to disk, then renamed over the target, and the folder itself is flushed where the system
allows it. Leftover temporary files of a crash start with ``.<name>.`` and end in ``.tmp``:
:func:`stale_temporaries` finds them.
"""

from __future__ import annotations

import contextlib
import logging
import os
import tempfile
from pathlib import Path

log = logging.getLogger(__name__)

TMP_SUFFIX = ".tmp"


def _tmp_prefix(path: Path) -> str:
    return f".{path.name}."


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` (mode 0600): readers see the old or the new bytes."""
    folder = path.parent
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=_tmp_prefix(path), suffix=TMP_SUFFIX, dir=folder)
    try:
        with os.fdopen(fd, "wb") as tmp:
            tmp.write(data)
            tmp.flush()
            os.fsync(tmp.fileno())
        os.chmod(tmp_name, 0o600)
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        raise
    _fsync_folder(folder)


def stale_temporaries(path: Path) -> list[Path]:
    """Temporary files a crash left beside ``path`` (safe to delete: the target is intact)."""
    return sorted(path.parent.glob(f"{_tmp_prefix(path)}*{TMP_SUFFIX}"))


def _fsync_folder(folder: Path) -> None:
    try:
        dir_fd = os.open(folder, os.O_RDONLY)
    except OSError:  # e.g. Windows cannot open a folder
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        log.debug("fsync of a folder is not supported here")
    finally:
        os.close(dir_fd)
