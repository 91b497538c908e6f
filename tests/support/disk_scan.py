"""Look for a person's data in files on disk, in the encodings programs write.

Used by the kiosk and mediator privacy tests: after a session, the home, temp, config, data,
cache and state folders must not hold the patient's name, national number or birth date in any
form (UTF-8, UTF-16 both byte orders, Latin-1; national number with or without separators;
birth date in ISO, Belgian, compact and card forms). Compressed files (gzip/zlib) are opened.
"""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from assistant.demo.card.citizens import Citizen

ENCODINGS = ("utf-8", "utf-16-le", "utf-16-be", "latin-1")

#: Files larger than this are read only in their first part (none are expected that big).
MAX_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class Hit:
    path: Path
    needle: str
    encoding: str

    def __str__(self) -> str:
        return f"{self.path}: {self.needle!r} ({self.encoding})"


def date_forms(d: date) -> list[str]:
    """A date as programs and people write it."""
    return [
        d.isoformat(),  # 1956-03-12
        d.strftime("%d.%m.%Y"),  # 12.03.1956
        d.strftime("%d/%m/%Y"),  # 12/03/1956
        d.strftime("%d-%m-%Y"),  # 12-03-1956
        d.strftime("%Y%m%d"),  # 19560312
        d.strftime("%d%m%Y"),  # 12031956
        d.strftime("%Y/%m/%d"),
        f"{d.day}/{d.month}/{d.year}",  # 12/3/1956
        f"{d.day}.{d.month}.{d.year}",
    ]


def national_number_forms(nn: str) -> list[str]:
    """``56031224609``, ``56.03.12-246.09`` and ``560312-246-09``."""
    return [
        nn,
        f"{nn[0:2]}.{nn[2:4]}.{nn[4:6]}-{nn[6:9]}.{nn[9:11]}",
        f"{nn[:6]}-{nn[6:9]}-{nn[9:]}",
    ]


def citizen_needles(citizen: Citizen) -> list[str]:
    """Everything that names this person: names, national number, birth date, street."""
    needles = [
        citizen.surname,
        citizen.given_and_surname,
        *citizen.first_names.split(" "),
        *national_number_forms(citizen.national_number),
        citizen.birth_date_text,
        citizen.street_and_number,
        citizen.card_number,
    ]
    if citizen.birth_date is not None:
        needles += date_forms(citizen.birth_date)
    # Very short values would match by chance (e.g. a 2-letter first name).
    return sorted({n for n in needles if len(n) >= 4})


def _variants(data: bytes) -> Iterable[bytes]:
    yield data
    if data[:2] == b"\x1f\x8b":
        try:
            yield gzip.decompress(data)
        except (OSError, EOFError):
            pass
    elif data[:1] == b"\x78":
        try:
            yield zlib.decompress(data)
        except zlib.error:
            pass


def scan_bytes(data: bytes, needles: Iterable[str]) -> list[tuple[str, str]]:
    """(needle, encoding) pairs found in ``data`` (case-insensitive)."""
    found: list[tuple[str, str]] = []
    for blob in _variants(data):
        low = blob.lower()
        for needle in needles:
            for enc in ENCODINGS:
                try:
                    pattern = needle.lower().encode(enc)
                except UnicodeEncodeError:
                    continue
                if pattern in low:
                    found.append((needle, enc))
    return found


def files_under(roots: Iterable[Path]) -> list[Path]:
    out: list[Path] = []
    for root in roots:
        if root.is_file():
            out.append(root)
        elif root.is_dir():
            out += [p for p in root.rglob("*") if p.is_file() and not p.is_symlink()]
    return sorted(set(out))


def scan_paths(roots: Iterable[Path], needles: Iterable[str]) -> list[Hit]:
    """Every file under ``roots`` holding any needle, in any of :data:`ENCODINGS`."""
    needles = list(needles)
    hits: list[Hit] = []
    for path in files_under(roots):
        try:
            with path.open("rb") as fh:
                data = fh.read(MAX_BYTES)
        except OSError:
            continue
        for needle, enc in scan_bytes(data, needles):
            hits.append(Hit(path, needle, enc))
        # File names can name people too.
        for needle in needles:
            if needle.lower() in path.name.lower():
                hits.append(Hit(path, needle, "file name"))
    return hits
