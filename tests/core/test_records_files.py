"""Opening record files: format detection by content, limits, clear errors, FileRecordSource."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.errors import BadDataError, ProblemKind
from assistant.records import files
from assistant.records.files import open_record_file, record_from_bytes
from assistant.records.model import SourceKind
from assistant.records.source import FileRecordSource, RecordSource
from tests.support.fixtures import fixture, record_files

ALL_FILES = record_files()


def test_every_fixture_file_is_there() -> None:
    assert len(ALL_FILES) == 46  # 20 + 20 schemes, 3 Sumehr, 1 lab report, 2 vaccinations


@pytest.mark.parametrize("path", ALL_FILES, ids=lambda p: p.name)
def test_every_fixture_file_opens(path: Path) -> None:
    record = open_record_file(path)
    expected = SourceKind.FHIR_FILE if path.suffix == ".json" else SourceKind.KMEHR_FILE
    assert record.sources[0].kind is expected
    assert record.sources[0].label == path.name  # the file name, never the folder
    assert not record.is_empty


def test_format_is_detected_by_content_not_by_name(tmp_path: Path) -> None:
    kmehr = tmp_path / "scheme.json"
    kmehr.write_bytes(
        b"\xef\xbb\xbf\n  " + fixture("kmehr/sumehr/sumehr_example.kmehr").read_bytes()
    )
    assert open_record_file(kmehr).sources[0].kind is SourceKind.KMEHR_FILE
    fhir = tmp_path / "bundle.xml"
    fhir.write_bytes(fixture("fhir/vaccination/vaccinnet.json").read_bytes())
    assert len(open_record_file(fhir).vaccinations) == 1


def test_a_list_of_resources_opens(tmp_path: Path) -> None:
    path = tmp_path / "list.json"
    vaccinnet = json.loads(fixture("fhir/vaccination/vaccinnet.json").read_text())
    path.write_text(json.dumps([vaccinnet, vaccinnet]))
    assert len(open_record_file(path).vaccinations) == 2


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"   \n", "empty"),
        (b"GIF89a", "neither KMEHR XML, FHIR JSON nor a PDF"),
        (b'{"resourceType": "Bundle", ', "JSON not well-formed"),
        (b"[1, 2", "JSON not well-formed"),
        (b'"just a string"', "neither"),
        (b"[" * 200_000, "nested too deeply"),
        (b"\xff\xfe{}", "neither"),
        (b'{"a": "\xff"}', "UTF-8"),
        (b"<kmehrmessage><folder>", "not well-formed"),
        (b"<Bundle xmlns='http://hl7.org/fhir'/>", "not a KMEHR message"),
    ],
)
def test_bad_files_give_a_clear_bad_data_error(
    tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "x"
    path.write_bytes(content)
    with pytest.raises(BadDataError, match=message) as info:
        open_record_file(path)
    assert info.value.kind is ProblemKind.BAD_DATA
    assert str(tmp_path) not in info.value.detail  # no path (may hold a name) in the detail


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(BadDataError, match="cannot open"):
        open_record_file(tmp_path / "nope.xml")


def test_size_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "big.xml"
    path.write_bytes(b"<kmehrmessage/>" + b" " * 2000)
    monkeypatch.setattr(files, "MAX_FILE_BYTES", 1000)
    with pytest.raises(BadDataError, match="too large"):
        open_record_file(path)
    with pytest.raises(BadDataError, match="too large"):
        record_from_bytes(path.read_bytes(), "big.xml")


def test_file_record_source() -> None:
    source = FileRecordSource(fixture("kmehr/sumehr/sumehr_example.kmehr"))
    assert isinstance(source, RecordSource)
    record = source.load()
    assert len(record.medications) == 4
    assert "sumehr_example.kmehr" in repr(source)
