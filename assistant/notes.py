"""The "questions for my doctor" notebook: short notes per record section.

In home mode the notebook lives in a file that is saved atomically (temporary file in the same
folder, fsync, rename, fsync of the folder), so a crash or a power cut leaves either the old or
the new notes, never a broken file. In mediator and kiosk modes there is no file: the notes live
in memory only and are wiped with the rest of the session.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
from collections.abc import Callable, Iterable
from pathlib import Path

from assistant.atomic_file import atomic_write_bytes, stale_temporaries
from assistant.errors import BadDataError
from assistant.records.model import RECORD_PARTS

log = logging.getLogger(__name__)

#: Section keys, in the order the notebook and its paper copy show them: "general", then the
#: record's parts.
SECTIONS: tuple[str, ...] = ("general", *RECORD_PARTS)

FORMAT_VERSION = 1
MAX_NOTE_CHARS = 20_000
#: Temporary files of versions before atomic_file (".notes-*.tmp"), cleaned like its own.
_OLD_TMP_GLOB = ".notes-*.tmp"


def encode_notes(notes: dict[str, str]) -> bytes:
    """The file format: small, versioned JSON in UTF-8."""
    body = {"version": FORMAT_VERSION, "notes": {k: v for k, v in notes.items() if v}}
    return json.dumps(body, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")


def decode_notes(data: bytes) -> dict[str, str]:
    """Parse the file format; raises BadDataError when it is not a notes file."""
    try:
        body = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BadDataError(f"notes file is not JSON: {type(exc).__name__}") from exc
    if not isinstance(body, dict) or body.get("version") != FORMAT_VERSION:
        raise BadDataError("notes file has an unknown format")
    notes = body.get("notes")
    if not isinstance(notes, dict):
        raise BadDataError("notes file has no notes table")
    out: dict[str, str] = {}
    for key, value in notes.items():
        if isinstance(key, str) and isinstance(value, str):
            out[key] = value
    return out


class Notebook:
    """Notes per section; saved after every change when it has a file.

    ``path`` None means memory only (mediator and kiosk modes, or no permission to write).
    """

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self._notes: dict[str, str] = {}
        self._listeners: list[Callable[[], None]] = []
        self.load_problem: str | None = None
        if path is not None:
            self._load(path)

    @property
    def persistent(self) -> bool:
        return self.path is not None

    def _load(self, path: Path) -> None:
        _remove_stale_temp_files(path)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return
        except OSError as exc:
            self.load_problem = type(exc).__name__
            log.warning("cannot read the notes file: %s", type(exc).__name__)
            return
        try:
            self._notes = decode_notes(data)
        except BadDataError as exc:
            # Keep the unreadable file aside (never delete what the patient wrote).
            self.load_problem = exc.detail
            aside = path.with_name(path.name + ".unreadable")
            with contextlib.suppress(OSError):
                os.replace(path, aside)
            log.warning("notes file unreadable, kept aside: %s", exc.detail)

    def get(self, section: str) -> str:
        return self._notes.get(section, "")

    def set(self, section: str, text: str) -> None:
        """Store the note of one section (and save it at once when there is a file)."""
        text = text[:MAX_NOTE_CHARS]
        if self._notes.get(section, "") == text:
            return
        if text:
            self._notes[section] = text
        else:
            self._notes.pop(section, None)
        self.save()
        for listener in list(self._listeners):
            listener()

    def save(self) -> None:
        if self.path is not None:
            atomic_write_bytes(self.path, encode_notes(self._notes))

    def add_listener(self, callback: Callable[[], None]) -> None:
        self._listeners.append(callback)

    def items(self) -> list[tuple[str, str]]:
        """Non-empty notes as (section, text), known sections first in their usual order."""
        known = [(s, self._notes[s]) for s in SECTIONS if self._notes.get(s)]
        others = sorted((k, v) for k, v in self._notes.items() if k not in SECTIONS and v)
        return known + others

    def __len__(self) -> int:
        return sum(1 for v in self._notes.values() if v)

    def wipe(self) -> None:
        """Forget the notes held in memory (the file, if any, stays: it is the patient's)."""
        self._notes.clear()


def _remove_stale_temp_files(path: Path) -> None:
    """Temporary files left by a crash mid-save hold nothing the real file lacks."""
    try:
        stale: Iterable[Path] = [*stale_temporaries(path), *path.parent.glob(_OLD_TMP_GLOB)]
    except OSError:
        return
    for tmp in stale:
        with contextlib.suppress(OSError):
            tmp.unlink()


def notebook_for(notes_path: Path | None) -> Notebook:
    """The notebook for this session: on disk when the settings allow it, else in memory.

    Pass ``assistant.settings.Settings.notes_path()`` (None outside home mode).
    """
    return Notebook(notes_path)
