"""The scale benchmark's record (10 years of a chronic patient) as a file, and the pages a
patient with a big record opens."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QApplication

from assistant.demo.hub.patients import SyntheticPatient
from ui.record.home import RecordHome
from ui.record.page import Page

#: (page key, its arguments): the results, one test over time (HbA1c), medicines, documents.
BIG_PAGES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("results", ()),
    ("trend", ("loinc:4548-4",)),
    ("medicines", ()),
    ("documents", ()),
)


def write_bundle(patient: SyntheticPatient, path: Path) -> Path:
    """Every resource of ``patient`` in one FHIR collection bundle file."""
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"resource": r} for r in patient.resources],
    }
    path.write_text(json.dumps(bundle), encoding="utf-8")
    return path


def walk_pages(home: RecordHome, wait_until: Callable[[Callable[[], bool]], object]) -> list[str]:
    """Open each of :data:`BIG_PAGES` from the record home until it is built; their keys."""
    opened = []
    for key, args in BIG_PAGES:
        home.go_home()
        QApplication.processEvents()
        home.open_page(key, *args)
        page = home.page
        assert isinstance(page, Page)
        wait_until(lambda p=page: not p.building)
        QApplication.processEvents()
        opened.append(home.current_key)
    home.go_home()
    return opened


def spin_until(done: Callable[[], bool]) -> None:
    """Process events until ``done`` (a script without qtbot)."""
    while not done():
        QApplication.processEvents()
