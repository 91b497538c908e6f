"""One interface for every place a record comes from (files, the hub, the demo)."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol, runtime_checkable

from assistant.records.model import Record


@runtime_checkable
class RecordSource(Protocol):
    """Something that can load a patient's record (blocking: call it from a worker)."""

    def load(self) -> Record:
        """Load the record; raises an ``AssistantError`` subclass on failure."""
        ...


class NoRecordService:
    """What a real card gets when no record service is set up: no record, and never the demo
    hub (which serves the virtual cards only)."""

    def load(self) -> Record:
        from assistant.errors import ServiceRefusedError

        raise ServiceRefusedError("no record service is set up for a real card")


class FileRecordSource:
    """A KMEHR or FHIR file the patient received."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    def load(self) -> Record:
        from assistant.records.files import open_record_file

        return open_record_file(self.path)

    def __repr__(self) -> str:
        return f"FileRecordSource({self.path.name!r})"
