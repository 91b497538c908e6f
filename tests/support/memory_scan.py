"""Look for a person's data in the memory of a running process, as an attacker with root would.

:func:`snapshot` copies every readable region of ``/proc/PID/maps`` through ``/proc/PID/mem``
(heap, stacks, anonymous maps, the writable and the read-only parts of mapped files);
:func:`count_hits` counts each needle in it, case-insensitively, in UTF-8 (Python's and
most C strings), UTF-16-LE (Qt's QString) and Latin-1 (when it differs), and raw byte
patterns (a PIN block) as they are.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class Snapshot:
    """The readable memory of one process at one moment."""

    pid: int
    regions: tuple[bytes, ...]
    #: time.monotonic() when the copy was finished.
    taken_at: float

    @property
    def size(self) -> int:
        return sum(len(r) for r in self.regions)


def readable_regions(pid: int) -> list[tuple[int, int, str]]:
    """(start, end, name) of every readable mapping of ``pid``."""
    regions: list[tuple[int, int, str]] = []
    with open(f"/proc/{pid}/maps", encoding="ascii", errors="replace") as maps:
        for line in maps:
            fields = line.split(maxsplit=5)
            span, perms = fields[0], fields[1]
            name = fields[5].strip() if len(fields) > 5 else ""
            if not perms.startswith("r") or name in ("[vvar]", "[vsyscall]", "[vvar_vclock]"):
                continue
            start, end = (int(x, 16) for x in span.split("-"))
            regions.append((start, end, name))
    return regions


def snapshot(pid: int) -> Snapshot:
    """Copy the readable memory of ``pid`` (regions that vanish meanwhile are skipped)."""
    out: list[bytes] = []
    with open(f"/proc/{pid}/mem", "rb", buffering=0) as mem:
        for start, end, _name in readable_regions(pid):
            try:
                mem.seek(start)
                out.append(mem.read(end - start))
            except (OSError, ValueError, OverflowError):
                continue
    return Snapshot(pid, tuple(out), time.monotonic())


def _patterns(needle: str | bytes) -> dict[bytes, str | None]:
    """Each byte pattern of ``needle`` with its encoding (None: raw bytes)."""
    if isinstance(needle, bytes):
        return {needle: None}
    low = needle.lower()
    patterns: dict[bytes, str | None] = {}
    for encoding in ("utf-8", "utf-16-le", "latin-1"):
        try:
            patterns.setdefault(low.encode(encoding), encoding)
        except UnicodeEncodeError:
            continue
    return patterns


def _occurrences(blob: bytes, pattern: bytes) -> Iterator[int]:
    at = blob.find(pattern)
    while at >= 0:
        yield at
        at = blob.find(pattern, at + 1)


def count_hits(
    snap: Snapshot, needles: Iterable[str | bytes], *, innocent: re.Pattern[str] | None = None
) -> dict[str | bytes, int]:
    """How many times each needle occurs in ``snap`` (0 for those never found).

    ``innocent`` matches the text from a hit on (decoded, lower case) where the needle is part
    of a word that names nobody (a place in the time zone names, say): those are not counted.
    """
    wanted = {needle: _patterns(needle) for needle in needles}
    counts: dict[str | bytes, int] = dict.fromkeys(wanted, 0)
    for region in snap.regions:
        low = region.lower()  # (ASCII letters only: the needles are lowered the same way)
        for needle, patterns in wanted.items():
            for pattern, encoding in patterns.items():
                blob = region if encoding is None else low
                if innocent is None or encoding is None:
                    counts[needle] += blob.count(pattern)
                    continue
                width = 2 if encoding == "utf-16-le" else 1
                for at in _occurrences(blob, pattern):
                    text = blob[at : at + 48 * width].decode(encoding, errors="replace")
                    if not innocent.match(text):
                        counts[needle] += 1
    return counts
