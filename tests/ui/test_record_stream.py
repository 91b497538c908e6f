"""Opening a file for the record viewer never holds the interpreter lock for one long call.

KMEHR is read as it is parsed: each folder's patient and transactions (and a Sumehr's items) are
mapped once complete and dropped from the tree, whatever the chunk size, with the same result as
reading the message in one piece. FHIR JSON is decoded one member (one Bundle entry) at a time,
with the same result as ``json.loads``."""

from __future__ import annotations

import gc
import json
from pathlib import Path

import pytest

import assistant.records.kmehr as kmehr
from assistant.errors import BadDataError
from assistant.records.files import json_in_parts, record_from_bytes
from assistant.records.model import ItemSource, Record, SourceKind
from tests.support.fixtures import KMEHR, record_files

SOURCE = ItemSource(SourceKind.KMEHR_FILE, "test.xml")
NS = "http://www.ehealth.fgov.be/standards/kmehr/schema/v1"
KMEHR_FILES = [p for p in record_files("kmehr") if p.name != "sumehr_example100.kmehr"]


def read(data: bytes, chunk: int, monkeypatch: pytest.MonkeyPatch) -> Record:
    monkeypatch.setattr(kmehr, "CHUNK_BYTES", chunk)
    return kmehr.record_from_kmehr(data, SOURCE)


def sections(record: Record) -> dict[str, object]:
    return {
        "patient": record.patient,
        "medications": record.medications,
        "problems": record.problems,
        "vaccinations": record.vaccinations,
        "allergies": record.allergies,
        "documents": record.documents,
        "relations": record.relations,
        "unreadable": record.unreadable,
    }


@pytest.mark.parametrize("path", KMEHR_FILES, ids=[p.name for p in KMEHR_FILES])
def test_small_chunks_read_the_same_record(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = path.read_bytes()
    whole = read(data, len(data) + 1, monkeypatch)
    chunked = read(data, 97, monkeypatch)  # chunks that end anywhere inside a tag
    assert sections(chunked) == sections(whole)
    assert whole.counts() == chunked.counts()


def two_folders() -> bytes:
    def transaction(name: str) -> str:
        return f"""<transaction><cd S="CD-TRANSACTION" SV="1">note</cd><date>2020-01-02</date>
          <item><cd S="CD-ITEM" SV="1">note</cd><content><text L="en">{name}</text></content>
          </item></transaction>"""

    def patient(first: str) -> str:
        return f"<patient><firstname>{first}</firstname><familyname>Peeters</familyname></patient>"

    return f"""<kmehrmessage xmlns="{NS}"><header><id S="ID-KMEHR">1</id></header>
      <folder><id S="ID-KMEHR">1</id>{patient("Ann")}{transaction("a")}{transaction("b")}</folder>
      <folder><id S="ID-KMEHR">2</id>{patient("Bob")}{transaction("c")}</folder>
      </kmehrmessage>""".encode()


@pytest.mark.parametrize("chunk", [5, 64, 100_000])
def test_every_folder_is_read_in_order(chunk: int, monkeypatch: pytest.MonkeyPatch) -> None:
    record = read(two_folders(), chunk, monkeypatch)
    assert record.patient is not None and record.patient.given_names == "Ann"
    assert [d.content for d in record.documents] == [b"a", b"b", b"c"]
    # Transactions without an id are numbered within their folder, as before.
    assert [d.source.ref if d.source else "" for d in record.documents] == ["1", "2", "1"]


def test_the_tree_never_holds_the_whole_message(monkeypatch: pytest.MonkeyPatch) -> None:
    data = (KMEHR / "sumehr" / "sumehr_example10.kmehr").read_bytes()
    held: list[int] = []
    real = kmehr._FolderStream.read_completed

    def spy(self: kmehr._FolderStream, *, end: bool = False) -> None:
        real(self, end=end)
        held.append(sum(1 for _ in self.root.iter(f"{{{NS}}}item")))

    monkeypatch.setattr(kmehr._FolderStream, "read_completed", spy)
    record = read(data, 4096, monkeypatch)
    assert len(held) > 10 and len(record.medications) == 40
    # A Sumehr is one transaction with every item: at most the item being parsed stays in
    # the tree; at the end, none.
    assert max(held) <= 1 and held[-1] == 0


def test_reading_leaves_no_garbage_for_the_collector() -> None:
    data = (KMEHR / "sumehr" / "sumehr_example10.kmehr").read_bytes()
    gc.collect()
    record = kmehr.record_from_kmehr(data, SOURCE)
    assert record.medications
    # Everything the parse made was freed at once (a cycle would keep the tree until a full
    # collection, which holds the interpreter lock for a long time).
    assert gc.collect() == 0


LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<kmehrmessage>&lol3;</kmehrmessage>"""
XXE = b"""<?xml version="1.0"?>
<!DOCTYPE kmehrmessage [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<kmehrmessage xmlns="http://www.ehealth.fgov.be/standards/kmehr/schema/v1">&xxe;</kmehrmessage>"""


@pytest.mark.parametrize("data", [LAUGHS, XXE], ids=["billion-laughs", "external-entity"])
@pytest.mark.parametrize("chunk", [3, 100_000])
def test_entities_are_refused_in_any_chunk_size(
    data: bytes, chunk: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(BadDataError, match="XML refused"):
        read(data, chunk, monkeypatch)


def test_not_kmehr_is_refused_before_the_rest_is_parsed(monkeypatch: pytest.MonkeyPatch) -> None:
    body = b"<p>hello</p>" * 10_000
    data = b"<html><body>" + body + b"</body></html>"
    with pytest.raises(BadDataError, match="not a KMEHR message"):
        # The rest is not even well-formed: only the first chunk was parsed.
        read(data[: len(data) // 2], 1024, monkeypatch)


@pytest.mark.parametrize("data", [b"", b"   ", b"<kmehrmessage", b"<kmehrmessage></folder>"])
def test_broken_xml_is_bad_data(data: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(BadDataError, match="not well-formed"):
        read(data, 4, monkeypatch)


# FHIR JSON: the outer object and its lists are decoded member by member ----------------------

FHIR_FILES = record_files("fhir")


@pytest.mark.parametrize("path", FHIR_FILES, ids=[p.name for p in FHIR_FILES])
def test_json_in_parts_is_json_loads(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert json_in_parts(text) == json.loads(text)


@pytest.mark.parametrize(
    "text",
    [
        "{}",
        "[]",
        " \n{ } \t",
        '{"a": [], "b": {}, "c": [1, {"d": [2, 3]}], "e": "x", "f": null}',
        '[{"resourceType": "Patient"}, {"x": [1, 2, [3, {"y": "\\u00e9"}]]}]',
        '{"a": 1, "a": 2}',
        '{"entry": [ {"resource": {"id": "1"}} , {"resource": {"id": "2"}} ] }',
    ],
)
def test_json_in_parts_edge_cases(text: str) -> None:
    assert json_in_parts(text) == json.loads(text)


@pytest.mark.parametrize(
    "text", ["", "{", '{"a" 1}', '{"a": 1,}', "[1 2]", "[1,]", "{} x", "{a: 1}", "[1]]"]
)
def test_json_in_parts_refuses_what_json_refuses(text: str) -> None:
    with pytest.raises(json.JSONDecodeError):
        json.loads(text)
    with pytest.raises(json.JSONDecodeError):
        json_in_parts(text)


def test_a_big_bundle_is_decoded_one_entry_at_a_time(monkeypatch: pytest.MonkeyPatch) -> None:
    entry = {"resource": {"resourceType": "Observation", "valueString": "x" * 200}}
    text = json.dumps({"resourceType": "Bundle", "entry": [entry] * 500})
    expected = json.loads(text)
    spans: list[int] = []
    real = json.JSONDecoder.raw_decode

    def spy(self: json.JSONDecoder, s: str, idx: int = 0) -> tuple[object, int]:
        value, end = real(self, s, idx)
        spans.append(end - idx)
        return value, end

    monkeypatch.setattr(json.JSONDecoder, "raw_decode", spy)
    assert json_in_parts(text) == expected
    assert len(spans) > 500 and max(spans) < 1000 < len(text)


def test_a_fhir_file_that_is_not_json_is_bad_data() -> None:
    with pytest.raises(BadDataError, match="not well-formed at line 2"):
        record_from_bytes(b'{"resourceType": "Bundle",\n "entry": [1,, 2]}', "x.json")
