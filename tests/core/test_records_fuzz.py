"""Fuzzing the KMEHR and FHIR mappers with mutated fixtures.

Whatever the mutation, a mapper returns a Record or raises BadDataError, within a deadline.
Mutating values inside a medication never loses the medication.
"""

from __future__ import annotations

import copy
import json
import xml.etree.ElementTree as ET
from datetime import timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.errors import BadDataError
from assistant.records.fhir_map import record_from_fhir
from assistant.records.files import record_from_bytes
from assistant.records.kmehr import record_from_kmehr
from assistant.records.model import ItemSource, Record, SourceKind
from tests.support.fixtures import fixture

K = "{http://www.ehealth.fgov.be/standards/kmehr/schema/v1}"
SOURCE = ItemSource(SourceKind.FHIR_FILE, "fuzz")

FUZZ = settings(
    max_examples=60,
    deadline=timedelta(seconds=5),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

KMEHR_FILES = [
    fixture("kmehr/medication-scheme/TS-02-posologies.xml"),
    fixture("kmehr/medication-scheme/TS-11-Unexpected_Scenarios.xml"),
    fixture("kmehr/medication-scheme/TS-16-NOT-PERMITTED-VALUES.xml"),
    fixture("kmehr/sumehr/sumehr_example.kmehr"),
]
FHIR_FILES = [
    fixture("fhir/medication-scheme/TS-02-posologies.json"),
    fixture("fhir/medication-scheme/TS-08-THERAPEUTIC_SUSPENSIONS.json"),
    fixture("fhir/medication-scheme/TS-16-NOT-PERMITTED-VALUES.json"),
    fixture("fhir/lab/molis_1A.json"),
    fixture("fhir/vaccination/vaccinnet.json"),
]

texts = st.one_of(
    st.text(max_size=20),
    st.sampled_from(
        ["", "0", "-1", "1e999", "nan", "2020-02-30", "9999-99-99", "D", "WT", "??", "00001"]
    ),
)
xml_texts = st.one_of(
    st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=20),
    st.sampled_from(["", "0", "-1", "1e999", "nan", "2020-02-30", "D", "WT", "??", "00001"]),
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | texts,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(texts, inner, max_size=3),
    max_leaves=8,
)


def check(record: Record) -> None:
    """Every item and unreadable part is well-formed enough for the UI."""
    for part in record.unreadable:
        assert isinstance(part.where, str) and isinstance(part.why, str)
        assert len(part.raw) <= 2000
    for med in record.medications:
        assert isinstance(med.name, str)


# ----------------------------------------------------------------------------- KMEHR


def medication_count(root: ET.Element) -> int:
    n = 0
    for tr in root.iter(K + "transaction"):
        cd = tr.find(K + "cd")
        if cd is None or cd.text not in ("medicationschemeelement", "sumehr"):
            continue
        for item in tr.findall(K + "item"):
            icd = item.find(K + "cd")
            n += icd is not None and icd.text == "medication"
    return n


def protected(el: ET.Element) -> bool:
    """Elements whose text decides what a transaction or item *is*."""
    return el.tag == K + "cd" and el.get("S") in ("CD-ITEM", "CD-TRANSACTION")


@FUZZ
@given(
    file_index=st.integers(0, len(KMEHR_FILES) - 1),
    edits=st.lists(st.tuples(st.integers(0, 10**6), xml_texts), min_size=1, max_size=8),
)
def test_kmehr_value_mutations_never_lose_a_medication(
    file_index: int, edits: list[tuple[int, str]]
) -> None:
    root = ET.parse(KMEHR_FILES[file_index]).getroot()
    expected = medication_count(root)
    leaves = [el for el in root.iter() if len(el) == 0 and not protected(el)]
    for where, value in edits:
        leaf = leaves[where % len(leaves)]
        leaf.text = value
    data = ET.tostring(root)
    record = record_from_kmehr(data, SOURCE)
    check(record)
    assert len(record.medications) == expected


@FUZZ
@given(
    file_index=st.integers(0, len(KMEHR_FILES) - 1),
    operations=st.lists(
        st.tuples(st.sampled_from(["remove", "duplicate", "move"]), st.integers(0, 10**6)),
        min_size=1,
        max_size=5,
    ),
)
def test_kmehr_structure_mutations(file_index: int, operations: list[tuple[str, int]]) -> None:
    root = ET.parse(KMEHR_FILES[file_index]).getroot()
    for op, where in operations:
        parents = [(p, c) for p in root.iter() for c in p]
        if not parents:
            break
        parent, child = parents[where % len(parents)]
        if op == "remove":
            parent.remove(child)
        elif op == "duplicate":
            parent.append(copy.deepcopy(child))
        else:
            parent.remove(child)
            target = parents[(where * 7 + 3) % len(parents)][0]
            target.insert(0, child)
    try:
        record = record_from_kmehr(ET.tostring(root), SOURCE)
    except BadDataError:
        return
    check(record)


@FUZZ
@given(
    file_index=st.integers(0, len(KMEHR_FILES) - 1),
    cut=st.integers(0, 10**6),
    noise=st.binary(max_size=30),
)
def test_kmehr_byte_mutations(file_index: int, cut: int, noise: bytes) -> None:
    data = KMEHR_FILES[file_index].read_bytes()
    at = cut % len(data)
    mutated = data[:at] + noise + data[at + len(noise) // 2 :]
    try:
        record = record_from_bytes(mutated, "fuzz.xml")
    except BadDataError:
        return
    check(record)


# ----------------------------------------------------------------------------- FHIR


def paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(value, dict):
        for k, v in value.items():
            out.extend(paths(v, (*prefix, k)))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out.extend(paths(v, (*prefix, i)))
    return out


def replace_at(doc: Any, path: tuple[Any, ...], new: Any) -> None:
    target = doc
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = new


def statement_count(doc: Any) -> int:
    entries = doc.get("entry", []) if isinstance(doc, dict) else []
    return sum(
        1
        for e in entries
        if isinstance(e, dict)
        and isinstance(e.get("resource"), dict)
        and e["resource"].get("resourceType") == "MedicationStatement"
    )


@FUZZ
@given(
    file_index=st.integers(0, len(FHIR_FILES) - 1),
    edits=st.lists(st.tuples(st.integers(0, 10**6), json_values), min_size=1, max_size=6),
)
def test_fhir_value_mutations_never_lose_a_medication(
    file_index: int, edits: list[tuple[int, Any]]
) -> None:
    doc = json.loads(FHIR_FILES[file_index].read_text(encoding="utf-8"))
    expected = statement_count(doc)
    for where, value in edits:
        # values inside a resource, never the resource itself nor its type
        candidates = [
            p
            for p in paths(doc)
            if len(p) > 3 and p[0] == "entry" and p[2] == "resource" and p[3] != "resourceType"
        ] or [p for p in paths(doc) if p and p[-1] != "resourceType"]
        if not candidates:
            break
        replace_at(doc, candidates[where % len(candidates)], value)
    record = record_from_fhir(doc, SOURCE)
    check(record)
    if FHIR_FILES[file_index].parent.name == "medication-scheme":
        assert len(record.medications) == expected


@FUZZ
@given(
    file_index=st.integers(0, len(FHIR_FILES) - 1),
    edits=st.lists(st.tuples(st.integers(0, 10**6), json_values), min_size=1, max_size=4),
)
def test_fhir_any_mutation(file_index: int, edits: list[tuple[int, Any]]) -> None:
    doc: Any = json.loads(FHIR_FILES[file_index].read_text(encoding="utf-8"))
    for where, value in edits:
        candidates = paths(doc)
        path = candidates[where % len(candidates)]
        if not path:
            doc = value
        else:
            replace_at(doc, path, value)
    try:
        record = record_from_bytes(json.dumps(doc).encode(), "fuzz.json")
    except BadDataError:
        return
    check(record)
