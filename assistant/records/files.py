"""Open a health record file the patient received: KMEHR XML, FHIR JSON (a Bundle, an
International Patient Summary) or a PDF document."""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path
from typing import Any

from assistant.errors import BadDataError
from assistant.records.fhir_map import record_from_fhir
from assistant.records.ips import is_patient_summary, record_from_ips
from assistant.records.kmehr import record_from_kmehr
from assistant.records.model import ItemSource, Record, SourceKind
from assistant.records.pdf import looks_like_pdf, record_from_pdf

log = logging.getLogger(__name__)

#: Larger files are refused (the 100× Sumehr load fixture is 1.2 MB).
MAX_FILE_BYTES = 32 * 1024 * 1024

_BOMS = (b"\xef\xbb\xbf",)


def open_record_file(path: str | Path) -> Record:
    """Read a KMEHR, FHIR or PDF file; raises BadDataError with a clear (non-personal)
    detail (a :class:`~assistant.records.pdf.PdfError` for a PDF that cannot be shown)."""
    p = Path(path)
    try:
        size = p.stat().st_size
    except OSError as exc:
        raise BadDataError(f"cannot open the file: {type(exc).__name__}") from None
    if size > MAX_FILE_BYTES:
        raise BadDataError(f"file too large: {size} bytes (limit {MAX_FILE_BYTES})")
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise BadDataError(f"cannot read the file: {type(exc).__name__}") from None
    return record_from_bytes(data, p.name)


def record_from_bytes(data: bytes, label: str) -> Record:
    """Detect the format from the content (not the file name) and map it."""
    if len(data) > MAX_FILE_BYTES:
        raise BadDataError(f"data too large: {len(data)} bytes (limit {MAX_FILE_BYTES})")
    head = data.lstrip()
    for bom in _BOMS:
        if head.startswith(bom):
            head = head[len(bom) :].lstrip()
    if not head:
        raise BadDataError("the file is empty")
    first = head[:1]
    if looks_like_pdf(data):
        record = record_from_pdf(data, label)
    elif first == b"<":
        record = record_from_kmehr(head, ItemSource(SourceKind.KMEHR_FILE, label))
    elif first in (b"{", b"["):
        value = _load_json(head)
        source = ItemSource(SourceKind.FHIR_FILE, label)
        if isinstance(value, dict) and is_patient_summary(value):
            record = record_from_ips(value, source)
        else:
            record = record_from_fhir(value, source)
    else:
        raise BadDataError("the file is neither KMEHR XML, FHIR JSON nor a PDF")
    log.info("opened a record file: %s", record.counts())
    return record


def _load_json(data: bytes) -> dict[str, object] | list[dict[str, object]]:
    try:
        value = json_in_parts(data.decode("utf-8", "surrogatepass"))
    except UnicodeDecodeError:
        raise BadDataError("JSON is not valid UTF-8") from None
    except json.JSONDecodeError as exc:
        raise BadDataError(f"JSON not well-formed at line {exc.lineno}: {exc.msg}") from None
    except RecursionError:
        raise BadDataError("JSON nested too deeply") from None
    except ValueError as exc:
        raise BadDataError(f"JSON unreadable: {type(exc).__name__}") from None
    if not isinstance(value, dict | list):
        raise BadDataError("JSON is not an object or a list")
    return value


_WHITESPACE = re.compile(r"[ \t\n\r]*")
#: Values nested deeper than this are decoded in one call each (one resource of a Bundle).
_SPLIT_DEPTH = 2


def json_in_parts(text: str) -> Any:
    """The same value as ``json.loads(text)``, but the outer object or list and the lists in
    it (a Bundle's entries) are decoded member by member, one call each: a big file never
    holds the interpreter lock for one long call (the GUI thread would wait for it)."""
    decoder = json.JSONDecoder()
    value, end = _json_part(decoder, text, _skip(text, 0), 0)
    end = _skip(text, end)
    if end != len(text):
        raise json.JSONDecodeError("Extra data", text, end)
    return value


def _skip(text: str, at: int) -> int:
    match = _WHITESPACE.match(text, at)
    return match.end() if match else at


def _json_part(decoder: json.JSONDecoder, text: str, at: int, depth: int) -> tuple[Any, int]:
    opening = text[at : at + 1]
    if depth >= _SPLIT_DEPTH or opening not in ("{", "["):
        return decoder.raw_decode(text, at)
    closing = "}" if opening == "{" else "]"
    items: list[Any] = []
    members: dict[str, Any] = {}
    at = _skip(text, at + 1)
    if text[at : at + 1] == closing:
        return (members if opening == "{" else items), at + 1
    while True:
        if opening == "{":
            if text[at : at + 1] != '"':
                raise json.JSONDecodeError(
                    "Expecting property name enclosed in double quotes", text, at
                )
            key, at = decoder.raw_decode(text, at)
            at = _skip(text, at)
            if text[at : at + 1] != ":":
                raise json.JSONDecodeError("Expecting ':' delimiter", text, at)
            value, at = _json_part(decoder, text, _skip(text, at + 1), depth + 1)
            members[key] = value
        else:
            value, at = _json_part(decoder, text, at, depth + 1)
            items.append(value)
        at = _skip(text, at)
        mark = text[at : at + 1]
        if mark == closing:
            return (members if opening == "{" else items), at + 1
        if mark != ",":
            raise json.JSONDecodeError("Expecting ',' delimiter", text, at)
        at = _skip(text, at + 1)
