"""The questions-for-my-doctor notebook: content, memory-only mode, atomic save under kill -9."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.atomic_file import atomic_write_bytes
from assistant.errors import BadDataError
from assistant.notes import (
    SECTIONS,
    Notebook,
    decode_notes,
    encode_notes,
    notebook_for,
)

ROOT = Path(__file__).resolve().parents[2]


def test_notes_are_saved_and_read_back(tmp_path: Path) -> None:
    path = tmp_path / "notes" / "notes.json"
    book = Notebook(path)
    assert book.persistent
    book.set("medicines", "Can I take the blue pill with food?")
    book.set("results", "Why is my sugar high?")
    again = Notebook(path)
    assert again.get("medicines") == "Can I take the blue pill with food?"
    assert again.get("results") == "Why is my sugar high?"
    assert again.get("vaccines") == ""
    assert [s for s, _ in again.items()] == ["medicines", "results"]
    assert oct(path.stat().st_mode & 0o777) == oct(0o600)


def test_empty_note_removes_the_section(tmp_path: Path) -> None:
    path = tmp_path / "notes.json"
    book = Notebook(path)
    book.set("general", "x")
    book.set("general", "")
    assert len(Notebook(path)) == 0


def test_memory_only_notebook_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    book = notebook_for(None)
    assert not book.persistent
    book.set("general", "secret question")
    assert book.get("general") == "secret question"
    assert list(tmp_path.iterdir()) == []
    book.wipe()
    assert book.get("general") == "" and len(book) == 0


def test_listeners_are_told_of_changes() -> None:
    book = Notebook(None)
    calls: list[int] = []
    book.add_listener(lambda: calls.append(1))
    book.set("general", "a")
    book.set("general", "a")  # no change, no call
    book.set("general", "b")
    assert len(calls) == 2


def test_unreadable_file_is_kept_aside_not_lost(tmp_path: Path) -> None:
    path = tmp_path / "notes.json"
    path.write_bytes(b"\x00garbage")
    book = Notebook(path)
    assert book.load_problem is not None
    assert len(book) == 0
    assert (tmp_path / "notes.json.unreadable").read_bytes() == b"\x00garbage"
    book.set("general", "new")
    assert Notebook(path).get("general") == "new"


def test_stale_temp_files_are_cleaned(tmp_path: Path) -> None:
    (tmp_path / ".notes-abc.tmp").write_bytes(b"half")  # an older version's leftover
    (tmp_path / ".notes.json.x1y2.tmp").write_bytes(b"half")
    (tmp_path / "other.tmp").write_bytes(b"not ours")
    Notebook(tmp_path / "notes.json")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.tmp"]


def test_decode_rejects_other_files() -> None:
    with pytest.raises(BadDataError):
        decode_notes(b"[1, 2]")
    with pytest.raises(BadDataError):
        decode_notes(json.dumps({"version": 99, "notes": {}}).encode())
    with pytest.raises(BadDataError):
        decode_notes(b"\xff\xfe")


@settings(max_examples=60, deadline=None)
@given(st.dictionaries(st.sampled_from(SECTIONS), st.text(min_size=1, max_size=200)))
def test_encode_decode_round_trip(notes: dict[str, str]) -> None:
    assert decode_notes(encode_notes(notes)) == notes


WRITER = r"""
import sys
from pathlib import Path
from assistant.notes import Notebook
path = Path(sys.argv[1])
book = Notebook(path)
i = int(book.get("counter") or "0")
# Big notes widen the window in which a kill lands in the middle of a save.
filler = "Question " * 60000
while True:
    i += 1
    book._notes["medicines"] = f"{i}:" + filler
    book.set("counter", str(i))
    sys.stdout.write(f"{i}\n")
    sys.stdout.flush()
"""


def test_notes_survive_kill_9_during_save(tmp_path: Path) -> None:
    path = tmp_path / "notes.json"
    rng = random.Random(1234)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    last_seen = 0
    for _round in range(12):
        proc = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(path)],
            stdout=subprocess.PIPE,
            env=env,
            cwd=ROOT,
        )
        assert proc.stdout is not None
        wanted = rng.randint(1, 4)
        acknowledged = 0
        for _ in range(wanted):
            line = proc.stdout.readline()
            assert line, "the writer died on its own"
            acknowledged = int(line)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        proc.stdout.close()
        # The file is whole: the last acknowledged save or a later one, never a mix.
        notes = decode_notes(path.read_bytes())
        counter = int(notes["counter"])
        assert counter >= acknowledged
        assert counter >= last_seen
        assert notes["medicines"].startswith(f"{counter}:")
        assert notes["medicines"].endswith("Question ")
        last_seen = counter
    assert last_seen >= 12


def test_atomic_write_leaves_old_content_when_writing_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "f.json"
    atomic_write_bytes(path, b"old")

    def broken_replace(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError):
        atomic_write_bytes(path, b"new")
    assert path.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["f.json"]
