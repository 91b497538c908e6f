"""Shared test support for pcscd and the vsmartcard-vpcd virtual reader.

Only one virtual card can sit in a vpcd slot at a time, and several test processes (or
several developers' runs) may share one pcscd, so every test that uses a slot holds an
exclusive file lock on it for its whole duration.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

VPCD_HOST = "127.0.0.1"
VPCD_FIRST_PORT = 0x8C7B
PCSCD_SOCKET = Path("/run/pcscd/pcscd.comm")


@dataclass(frozen=True)
class VpcdSlot:
    index: int
    host: str
    port: int
    reader_name: str


def pcscd_running() -> bool:
    return (
        PCSCD_SOCKET.exists()
        and subprocess.run(["pgrep", "-x", "pcscd"], capture_output=True, check=False).returncode
        == 0
    )


def ensure_pcscd() -> str | None:
    """Start pcscd if it is installed and not running. Returns None when ready, else why not."""
    if pcscd_running():
        return None
    exe = shutil.which("pcscd") or ("/usr/sbin/pcscd" if Path("/usr/sbin/pcscd").exists() else None)
    if exe is None:
        return "pcscd is not installed (run packaging/setup-debian.sh)"
    if not Path("/usr/lib/pcsc/drivers/serial/libifdvpcd.so").exists():
        return "vsmartcard-vpcd is not installed (run packaging/setup-debian.sh)"
    if os.geteuid() != 0:
        return "pcscd is not running and only root can start it"
    subprocess.run([exe], check=False)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        if pcscd_running():
            return None
        time.sleep(0.05)
    return "pcscd did not start"


@contextmanager
def locked_slot(index: int = 0) -> Iterator[VpcdSlot]:
    """Hold vpcd slot ``index`` for the duration of the block."""
    lock_path = Path(f"/tmp/dossier-assistant-vpcd-{index}.lock")
    with open(lock_path, "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield VpcdSlot(
                index=index,
                host=VPCD_HOST,
                port=VPCD_FIRST_PORT + index,
                reader_name=f"Virtual PCD 00 {index:02d}",
            )
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)
