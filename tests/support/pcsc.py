"""Shared test support for pcscd and the vsmartcard-vpcd virtual reader.

Only one virtual card can sit in a vpcd slot at a time, and several test processes (or
several developers' runs, or the demo app) may share one pcscd, so every test that uses a
slot holds its lock (assistant/demo/card/vpcd_lock.py, the one the demo card takes) for
its whole duration.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from assistant.demo.card.vpcd_lock import VPCD_SLOTS, VpcdSlotLock

VPCD_HOST = "127.0.0.1"
VPCD_FIRST_PORT = 0x8C7B
PCSCD_SOCKET = Path("/run/pcscd/pcscd.comm")
# Another test run holds a slot for one test at a time; a demo app holds it until it quits.
SLOT_WAIT_SECONDS = 120.0


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


def _slot(index: int) -> VpcdSlot:
    return VpcdSlot(
        index=index,
        host=VPCD_HOST,
        port=VPCD_FIRST_PORT + index,
        reader_name=f"Virtual PCD 00 {index:02d}",
    )


def _held_too_long(what: str) -> RuntimeError:
    return RuntimeError(
        f"{what} stayed locked for {SLOT_WAIT_SECONDS:.0f} s by other processes (a running "
        f"demo app or test run?); lock files: {VpcdSlotLock(0).path.parent}"
    )


@contextmanager
def locked_slot(index: int = 0) -> Iterator[VpcdSlot]:
    """Hold vpcd slot ``index`` for the duration of the block (waits while another holds it)."""
    with VpcdSlotLock(index) as lock:
        if not lock.acquire(SLOT_WAIT_SECONDS):
            raise _held_too_long(f"vpcd slot {index}")
        yield _slot(index)


@contextmanager
def free_slot() -> Iterator[VpcdSlot]:
    """Hold the first vpcd slot nobody else holds (waits while every slot is held).

    A demo app that took slot 0 before the tests started leaves them slot 1.
    """
    deadline = time.monotonic() + SLOT_WAIT_SECONDS
    while True:
        for index in range(VPCD_SLOTS):
            with VpcdSlotLock(index) as lock:
                if lock.acquire():
                    yield _slot(index)
                    return
        if time.monotonic() >= deadline:
            raise _held_too_long("every vpcd slot")
        time.sleep(0.05)
