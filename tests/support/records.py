"""Records the record-viewer tests run over: the demo hub's rich patients and every fixture."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from assistant.demo.card.citizens import CITIZENS
from assistant.demo.hub.patients import synthetic_patients
from assistant.records.fhir_map import record_from_fhir
from assistant.records.files import open_record_file
from assistant.records.model import ItemSource, Record, SourceKind
from tests.support.fixtures import more_record_files, record_files


def fixture_files() -> list[Path]:
    """Every KMEHR and FHIR file of the shared fixtures (with the files from other projects
    in ``more/``) but the 100x load file."""
    return [
        p for p in (*record_files(), *more_record_files()) if p.name != "sumehr_example100.kmehr"
    ]


def demo_record(citizen_id: str) -> Record:
    """The demo hub's record of a virtual-card citizen, mapped like the hub client does."""
    nn = CITIZENS[citizen_id].national_number
    patient = synthetic_patients()[nn]
    return record_from_fhir(list(patient.resources), ItemSource(SourceKind.DEMO, "demo hub"))


@cache
def fixture_record(path: Path) -> Record:
    return open_record_file(path)
