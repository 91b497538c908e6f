"""The disk scanner used by the kiosk privacy test finds what it must find."""

from __future__ import annotations

import gzip
from datetime import date
from pathlib import Path

from assistant.demo.card.citizens import CITIZENS
from tests.support.disk_scan import (
    citizen_needles,
    date_forms,
    national_number_forms,
    scan_bytes,
    scan_paths,
)

ADULT = CITIZENS["adult"]


def test_needles_cover_name_number_and_birth_date() -> None:
    needles = citizen_needles(ADULT)
    assert ADULT.surname in needles
    assert ADULT.national_number in needles
    assert "56.03.12-246.09" in needles
    assert "1956-03-12" in needles and "12.03.1956" in needles and "12/03/1956" in needles
    assert ADULT.birth_date_text in needles


def test_forms() -> None:
    assert national_number_forms("56031224609")[1] == "56.03.12-246.09"
    assert "5/1/2000" in date_forms(date(2000, 1, 5))


def test_finds_each_encoding_compressed_and_file_names(tmp_path: Path) -> None:
    (tmp_path / "le.txt").write_bytes("x 56.03.12-246.09".encode("utf-16-le"))
    (tmp_path / "be.txt").write_bytes("x 1956-03-12".encode("utf-16-be"))
    (tmp_path / "l1.txt").write_bytes("Jacqueline".upper().encode("latin-1"))
    (tmp_path / "z.gz").write_bytes(gzip.compress(b"born 12/03/1956"))
    sub = tmp_path / "deep" / "er"
    sub.mkdir(parents=True)
    (sub / "dumont-notes.json").write_text("{}", encoding="utf-8")
    (tmp_path / "clean.txt").write_text("nothing here", encoding="utf-8")
    hits = scan_paths([tmp_path], citizen_needles(ADULT))
    found = {h.path.name for h in hits}
    assert found == {"le.txt", "be.txt", "l1.txt", "z.gz", "dumont-notes.json"}
    assert any(h.encoding == "file name" for h in hits)


def test_accented_names_in_every_encoding() -> None:
    for enc in ("utf-8", "utf-16-le", "utf-16-be", "latin-1"):
        assert scan_bytes("Hélène Müller".encode(enc), ["hélène"]), enc
