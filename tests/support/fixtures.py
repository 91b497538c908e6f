"""The public KMEHR/FHIR test files, from the copy kept in the repository (never edit them).

Tests always read ``tests/data/shared-fixtures``: a clean clone (CI) has only that copy. The
first set (``fhir/``, ``kmehr/``) is what :func:`record_files` lists; the files from other
projects in ``more/`` (see its SOURCES.md) come from :func:`more_record_files` and
:func:`not_a_record_files`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

#: The in-repo copy of the shared fixtures (``fhir/`` and ``kmehr/``).
FIXTURES = Path(__file__).resolve().parents[1] / "data" / "shared-fixtures"
FHIR = FIXTURES / "fhir"
KMEHR = FIXTURES / "kmehr"
#: The medication scheme test sets, once as FHIR JSON and once as KMEHR XML (same stems).
FHIR_SCHEMES = FHIR / "medication-scheme"
KMEHR_SCHEMES = KMEHR / "medication-scheme"
SUMEHR = KMEHR / "sumehr"
#: Real files from other projects: Belgian lab bundles, older FHIR versions, non-KMEHR XML.
MORE = FIXTURES / "more"

RECORD_SUFFIXES = (".xml", ".kmehr", ".json")


def fixture(relative: str) -> Path:
    """One fixture file by its path under FIXTURES; a missing file fails loudly."""
    path = FIXTURES / relative
    if not path.is_file():
        raise FileNotFoundError(f"no shared fixture {relative!r} in {FIXTURES}")
    return path


def record_files(under: str = "") -> list[Path]:
    """All record files (KMEHR and FHIR) under ``under`` (a folder of FIXTURES), sorted."""
    base = FIXTURES / under if under else FIXTURES
    files = sorted(
        p
        for p in base.rglob("*")
        if p.is_file()
        and p.suffix in RECORD_SUFFIXES
        and (under.startswith("more") or MORE not in p.parents)
    )
    if not files:
        raise FileNotFoundError(f"no record fixtures under {base}")
    return files


def more_record_files() -> list[Path]:
    """The record files of ``more/`` (FHIR R4 and older versions, KMEHR), not the XML that is
    not a record."""
    return [
        *record_files("more/fhir-r4"),
        *record_files("more/fhir-old"),
        *record_files("more/kmehr"),
    ]


def not_a_record_files() -> list[Path]:
    """XML files of ``more/`` that are not KMEHR (pharmacy PCDH messages)."""
    return record_files("more/not-a-record")


def fhir_scheme_files() -> list[Path]:
    """The FHIR medication scheme test sets."""
    return record_files("fhir/medication-scheme")


def kmehr_scheme_files() -> list[Path]:
    """The KMEHR medication scheme test sets."""
    return record_files("kmehr/medication-scheme")


def read_json(relative_or_path: str | Path) -> Any:
    """A FHIR fixture as parsed JSON."""
    path = relative_or_path if isinstance(relative_or_path, Path) else fixture(relative_or_path)
    return json.loads(path.read_text(encoding="utf-8"))
