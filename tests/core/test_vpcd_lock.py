"""The per-slot vpcd locks and how the demo card picks its slot (no pcscd needed).

Every test here locks files in a temp dir of its own, never the shared ones of a real run.
"""

from __future__ import annotations

import logging
import os
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from assistant.card.connection import CardBackend
from assistant.demo.card.demo import start_demo_card
from assistant.demo.card.vpcd_lock import VpcdSlotLock, slot_lock_path, try_lock_slot
from assistant.errors import ReaderError

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def own_temp_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    return tmp_path


def test_the_lock_file_is_in_the_temp_dir(own_temp_dir: Path) -> None:
    assert slot_lock_path(1) == own_temp_dir / "dossier-assistant-vpcd-1.lock"


def test_a_held_slot_is_refused_without_waiting_then_free_after_release() -> None:
    first = try_lock_slot(0)
    assert first is not None and first.held
    assert try_lock_slot(0) is None
    other = try_lock_slot(1)
    assert other is not None
    first.release()
    first.release()  # twice is harmless
    assert not first.held
    again = try_lock_slot(0)
    assert again is not None
    again.release()
    other.release()


def test_a_lock_file_left_behind_stops_nobody(own_temp_dir: Path) -> None:
    slot_lock_path(0).write_bytes(b"")
    # A process that took the lock and died without releasing it.
    code = (
        "import sys; from assistant.demo.card.vpcd_lock import try_lock_slot; "
        "sys.exit(0 if try_lock_slot(0) is not None else 3)"
    )
    env = dict(os.environ, TMPDIR=str(own_temp_dir))
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=False, timeout=60)
    assert done.returncode == 0
    with VpcdSlotLock(0) as lock:
        assert lock.acquire()


def test_others_may_open_the_lock_file_whatever_the_umask() -> None:
    old = os.umask(0o077)
    try:
        lock = try_lock_slot(0)
    finally:
        os.umask(old)
    assert lock is not None
    assert stat.S_IMODE(lock.path.stat().st_mode) == 0o644
    lock.release()


def test_a_lock_held_by_another_process_is_refused(own_temp_dir: Path) -> None:
    code = (
        "import sys; from assistant.demo.card.vpcd_lock import try_lock_slot; "
        "lock = try_lock_slot(0); print('held' if lock else 'busy', flush=True); "
        "sys.stdin.read()"
    )
    env = dict(os.environ, TMPDIR=str(own_temp_dir))
    holder = subprocess.Popen(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        assert try_lock_slot(0) is None
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(60)
    lock = try_lock_slot(0)
    assert lock is not None
    lock.release()


def _recording_factory(tried: list[str]):  # type: ignore[no-untyped-def]
    def factory(reader: str) -> CardBackend:
        tried.append(reader)
        raise ReaderError("PC/SC service unavailable")

    return factory


def test_the_demo_card_skips_a_slot_someone_holds() -> None:
    tried: list[str] = []
    with VpcdSlotLock(0) as held:
        assert held.acquire()
        demo = start_demo_card("kid", backend_factory=_recording_factory(tried))
        demo.stop()
    assert tried == ["Virtual PCD 00 01"]
    # The slot it tried and could not use is free again.
    lock = try_lock_slot(1)
    assert lock is not None
    lock.release()


def test_the_demo_card_is_in_process_when_every_slot_is_held(
    caplog: pytest.LogCaptureFixture,
) -> None:
    tried: list[str] = []
    with VpcdSlotLock(0) as first, VpcdSlotLock(1) as second:
        assert first.acquire() and second.acquire()
        with caplog.at_level(logging.INFO, logger="assistant.demo.card.demo"):
            demo = start_demo_card("kid", backend_factory=_recording_factory(tried))
        try:
            assert tried == []
            assert not demo.uses_pcscd
            assert demo.backend.card_present(demo.reader_name)
        finally:
            demo.stop()
    assert "every vpcd slot is in use by another program" in caplog.messages


def test_an_explicit_port_does_not_take_the_lock() -> None:
    """The caller of ``port=`` owns the slot (a test holding its lock already)."""
    tried: list[str] = []
    with VpcdSlotLock(0) as held:
        assert held.acquire()
        demo = start_demo_card("kid", port=0x8C7B, backend_factory=_recording_factory(tried))
        demo.stop()
        assert held.held
    assert tried == ["Virtual PCD 00 00"]
