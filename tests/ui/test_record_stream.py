"""Opening a KMEHR file for the record viewer reads it as it is parsed: each folder's patient
and transactions are mapped once complete and dropped from the tree, whatever the chunk size,
with the same result as reading the message in one piece."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

import assistant.records.kmehr as kmehr
from assistant.errors import BadDataError
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
