"""Per-slot locks on the vsmartcard-vpcd reader, shared by the demo card and the tests.

vpcd has a few slots (TCP ports 35963, 35964, ...), each holding at most one card, and one
pcscd serves every program on the machine. Whoever puts a card into slot ``index`` first
holds an exclusive ``flock`` on ``<temp dir>/dossier-assistant-vpcd-<index>.lock``, so the
demo app and a test run never put two cards into one slot.

The lock belongs to the open file, so it goes away when its holder closes it or dies: a lock
file left behind by a crashed program stops nobody. The file is readable by everyone, and a
read-only open is enough to take the lock, so another user can take the slot later.
Platforms without ``fcntl`` (Windows) have no vpcd to share; there the lock always succeeds.
"""

from __future__ import annotations

import errno
import logging
import os
import tempfile
import threading
import time
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger(__name__)

VPCD_SLOTS = 2
LOCK_FILE_MODE = 0o644
_RETRY_SECONDS = 0.05
_NO_FILE = -1  # "held" where there is nothing to lock (no fcntl)


def slot_lock_path(index: int) -> Path:
    """The lock file of vpcd slot ``index`` (in the temp dir, read at every call)."""
    return Path(tempfile.gettempdir()) / f"dossier-assistant-vpcd-{index}.lock"


class VpcdSlotLock:
    """An exclusive lock on vpcd slot ``index``.

    ``acquire`` never blocks in the kernel: it tries once, or retries for ``wait_seconds``.
    ``release`` is idempotent; ``with VpcdSlotLock(i) as lock:`` releases on exit (it does
    not acquire: call ``lock.acquire()`` and look at the answer).
    """

    def __init__(self, index: int) -> None:
        self.index = index
        self.path = slot_lock_path(index)
        self._fd: int | None = None
        self._guard = threading.Lock()

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self, wait_seconds: float = 0.0) -> bool:
        """Take the lock; False if someone else holds it (after ``wait_seconds`` of retries)."""
        deadline = time.monotonic() + wait_seconds
        while True:
            if self._try_acquire():
                return True
            if time.monotonic() >= deadline:
                return False
            time.sleep(_RETRY_SECONDS)

    def release(self) -> None:
        with self._guard:
            fd, self._fd = self._fd, None
        if fd is None or fd == _NO_FILE:
            return
        try:
            fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)

    def __enter__(self) -> VpcdSlotLock:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()

    def _try_acquire(self) -> bool:
        with self._guard:
            if self._fd is not None:
                return True
            if fcntl is None:
                self._fd = _NO_FILE
                return True
            try:
                fd = _open_lock_file(self.path)
            except OSError as exc:
                log.info("vpcd slot %d: cannot open its lock file (%s)", self.index, exc.strerror)
                return False
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as exc:
                os.close(fd)
                if exc.errno not in (errno.EWOULDBLOCK, errno.EACCES, errno.EAGAIN):
                    log.info("vpcd slot %d: cannot lock (%s)", self.index, exc.strerror)
                return False
            self._fd = fd
            return True


def _open_lock_file(path: Path) -> int:
    """Open (or create) the lock file read-only, never through a symbolic link.

    An existing file is opened without O_CREAT: in a sticky temp dir, Linux refuses O_CREAT
    on another user's file (fs.protected_regular) even when its mode would allow the open.
    """
    nofollow = getattr(os, "O_NOFOLLOW", 0)
    while True:
        try:
            return os.open(path, os.O_RDONLY | nofollow)
        except FileNotFoundError:
            pass
        try:
            fd = os.open(path, os.O_RDONLY | os.O_CREAT | os.O_EXCL | nofollow, LOCK_FILE_MODE)
        except FileExistsError:
            continue  # another process created it just now: open theirs
        try:
            os.fchmod(fd, LOCK_FILE_MODE)  # whatever the umask, others may open it later
        except OSError:
            log.debug("could not set the vpcd lock file's mode", exc_info=True)
        return fd


def try_lock_slot(index: int) -> VpcdSlotLock | None:
    """The lock on vpcd slot ``index`` if nobody else holds it, else None (never waits)."""
    lock = VpcdSlotLock(index)
    return lock if lock.acquire() else None
