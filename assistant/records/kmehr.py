"""Read KMEHR XML (Sumehr 2.0 and Vitalink medication schemes) into a :class:`Record`.

Parsing goes through defusedxml with DTDs forbidden, so entity expansion ("billion laughs")
and external entities are refused with a :class:`BadDataError`. The message is fed to the
parser in small chunks and read as it comes: each patient and transaction is mapped as soon as
its end tag is parsed, then dropped from the tree. A big file is never held whole as a tree
(fewer objects for the garbage collector to walk), and the interpreter lock is never held for
one long parse call (a GUI thread waiting for it would freeze). Inside a well-formed message,
a part that cannot be read becomes an :class:`UnreadablePart`; a medication with a value that
is not permitted is kept with what could be read, plus an :class:`UnreadablePart`.
"""

from __future__ import annotations

import base64
import binascii
import logging
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from xml.etree.ElementTree import Element, ParseError, TreeBuilder

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from assistant.errors import BadDataError
from assistant.records import codes
from assistant.records.model import (
    RAW_LIMIT,
    VACCINE_DUE,
    VACCINE_GIVEN,
    VACCINE_NOT_GIVEN,
    VACCINE_UNSURE,
    Allergy,
    AllergyKind,
    Coding,
    DayPeriod,
    Document,
    DoseTiming,
    Duration,
    Frequency,
    ItemSource,
    Medication,
    MedicationStatus,
    Patient,
    Problem,
    ProblemCategory,
    ProblemStatus,
    Record,
    RelationKind,
    Suspension,
    TherapeuticRelation,
    UnreadableReason,
    Vaccination,
    Verification,
)

log = logging.getLogger(__name__)

KMEHR_NS = "http://www.ehealth.fgov.be/standards/kmehr/schema/v1"
_LNK_TARGET = re.compile(r"=\s*['\"]([^'\"]+)['\"]\s*\]\s*\]?\s*$")

#: Errors a malformed part may raise while it is mapped; they become an UnreadablePart.
_PART_ERRORS = (ValueError, TypeError, KeyError, AttributeError, IndexError, ArithmeticError)


class _Unreadable(ValueError):
    """A value inside an item that cannot be used."""

    def __init__(self, why: str, reason: UnreadableReason, raw: str = "") -> None:
        super().__init__(why)
        self.why = why
        self.reason = reason
        self.raw = raw


#: Bytes given to the parser at a time (a few ms of parsing each).
CHUNK_BYTES = 32 * 1024


def parse_xml(data: bytes) -> Element:
    """Parse untrusted XML bytes safely into one tree; raises BadDataError."""
    try:
        root = SafeET.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except _XML_ERRORS as exc:
        raise _xml_error(exc) from None
    if not isinstance(root, Element):
        raise BadDataError("XML unreadable")
    return root


def is_kmehr_root(root: Element) -> bool:
    return _local(root.tag) == "kmehrmessage"


def record_from_kmehr(data: bytes, source: ItemSource) -> Record:
    """Map a KMEHR message to a Record; raises BadDataError if it is not KMEHR at all."""
    builder = _RootCatcher()
    parser = DefusedXMLParser(
        target=builder, forbid_dtd=True, forbid_entities=True, forbid_external=True
    )
    stream: _FolderStream | None = None
    view = memoryview(data)
    try:
        for start in range(0, max(len(data), 1), CHUNK_BYTES):
            _feed(parser, bytes(view[start : start + CHUNK_BYTES]))
            if stream is None and builder.root is not None:
                tag = builder.root.tag
                if _local(tag) != "kmehrmessage":
                    raise BadDataError(f"not a KMEHR message (root element {_local(tag)!r})")
                stream = _FolderStream(builder.root, _Reader(tag, source))
            if stream is not None:
                stream.read_completed()
        _close(parser)
    finally:
        view.release()
        builder.release()
    if stream is None:  # pragma: no cover - close() raises first
        raise BadDataError("XML unreadable")
    stream.read_completed(end=True)
    return stream.reader.finish(folders=stream.folders)


_XML_ERRORS = (DefusedXmlException, ParseError, ValueError, RecursionError)


def _xml_error(exc: BaseException) -> BadDataError:
    if isinstance(exc, DefusedXmlException):
        return BadDataError(f"XML refused: {type(exc).__name__}")
    if isinstance(exc, ParseError):
        return BadDataError(f"XML not well-formed: {exc}")
    return BadDataError(f"XML unreadable: {type(exc).__name__}")


def _feed(parser: DefusedXMLParser, chunk: bytes) -> None:
    try:
        parser.feed(chunk)
    except _XML_ERRORS as exc:
        raise _xml_error(exc) from None


def _close(parser: DefusedXMLParser) -> None:
    try:
        parser.close()
    except _XML_ERRORS as exc:
        raise _xml_error(exc) from None


class _RootCatcher(TreeBuilder):
    """The C tree builder, which also keeps the root element once it starts."""

    def __init__(self) -> None:
        super().__init__()
        self.root: Element | None = None

    def start(self, tag: str, attrs: dict[str, str]) -> Element:
        element = super().start(tag, attrs)
        self.root = element
        # The parser looks ``start`` up on each element: from now on, the C method itself.
        self.start = super().start  # type: ignore[method-assign,assignment]
        return element

    def release(self) -> None:
        """Break the builder's reference to itself (its ``start``): freed at once, it does not
        wait, with the last elements it still points to, for a full garbage collection."""
        self.__dict__.pop("start", None)
        self.root = None


class _FolderStream:
    """Hands each child of a folder (its patient, each transaction) to the reader once it is
    complete, then takes it out of the tree: a child is complete once the next one started,
    or its folder (or the message) ended. The complete items of a Sumehr transaction still
    being parsed are read (and dropped) as they come too."""

    def __init__(self, root: Element, reader: _Reader) -> None:
        self.root = root
        self.reader = reader
        self.folder_tag = reader.q("folder")
        #: Folders seen so far, the last one possibly still open.
        self.folders = 0
        self._read_folders = 0

    def read_completed(self, *, end: bool = False) -> None:
        folders = [child for child in self.root if child.tag == self.folder_tag]
        self.folders = len(folders)
        for number, folder in enumerate(folders, start=1):
            if number <= self._read_folders:
                continue
            last = number == len(folders) and not end
            done = len(folder) - 1 if last else len(folder)
            if done > 0:
                parts = folder[:done]
                del folder[:done]
                self.reader.take((number, part) for part in parts)
            if last and len(folder):
                self.reader.take_open(number, folder[-1])
            if not last:
                self._read_folders = number  # empty now; stays as a place holder


# --------------------------------------------------------------------------------------------
# small helpers


def _local(tag: object) -> str:
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


def _clean(text: str | None) -> str:
    return " ".join(text.split()) if text else ""


def _raw(el: Element | None) -> str:
    if el is None:
        return ""
    out = " | ".join(t for t in (_clean(x) for x in el.itertext()) if t)
    return out[:RAW_LIMIT]


def _parse_date(text: str) -> date:
    t = text.strip()
    try:
        return date.fromisoformat(t[:10])
    except ValueError:
        raise _Unreadable(
            "date not in YYYY-MM-DD form", UnreadableReason.MALFORMED, raw=t[:40]
        ) from None


def _parse_time(text: str) -> time:
    t = text.strip()
    try:
        return time.fromisoformat(t[:8])
    except ValueError:
        raise _Unreadable("time not in HH:MM:SS form", UnreadableReason.MALFORMED, t[:40]) from None


def _parse_decimal(text: str) -> float:
    t = text.strip().replace(",", ".")
    try:
        value = float(t)
    except ValueError:
        raise _Unreadable("not a number", UnreadableReason.MALFORMED, raw=text[:40]) from None
    if not math.isfinite(value):
        raise _Unreadable("not a finite number", UnreadableReason.MALFORMED, raw=text[:40])
    return value


@dataclass
class _Item:
    """What the reader collects about one medication item before building it."""

    med: Medication
    transaction_id: str
    problems: list[tuple[UnreadableReason, str, str]] = field(default_factory=list)


class _Reader:
    def __init__(self, root_tag: str, source: ItemSource) -> None:
        tag = root_tag
        self.ns = tag[: tag.index("}") + 1] if tag.startswith("{") else ""
        self.source = source
        #: The file's source; ``source`` carries the language of the item being read.
        self.base_source = source
        #: Folder now read, and how many transactions of it were read.
        self.folder = 0
        self.transactions = 0
        #: One Coding per distinct code (they are immutable): most medication lines repeat the
        #: same route, unit and temporality, and fewer objects means shorter GC pauses.
        self._codings: dict[tuple[str, str, str], Coding] = {}
        self.record = Record(sources=[source])
        self.scheme_items: dict[str, list[_Item]] = {}
        self.scheme_order: list[_Item] = []
        self.suspensions: list[tuple[Element, str]] = []

    # element access ----------------------------------------------------------------------
    def coding(self, system: str, code: str, display: str = "") -> Coding:
        key = (system, code, display)
        found = self._codings.get(key)
        if found is None:
            found = self._codings[key] = Coding(system, code, display)
        return found

    def q(self, name: str) -> str:
        return self.ns + name

    def child(self, el: Element, name: str) -> Element | None:
        return el.find(self.ns + name)

    def children(self, el: Element, name: str) -> list[Element]:
        return el.findall(self.ns + name)

    def text_of(self, el: Element | None, name: str) -> str:
        if el is None:
            return ""
        c = el.find(self.ns + name)
        return _clean(c.text) if c is not None else ""

    def cds(self, el: Element | None, name: str = "cd") -> list[tuple[str, str, str]]:
        """(S, value, DN) of every direct ``cd`` child."""
        if el is None:
            return []
        return [
            (c.get("S", ""), _clean(c.text), _clean(c.get("DN", "")))
            for c in el.findall(self.ns + name)
        ]

    def cd_value(self, el: Element | None, system: str) -> str:
        for s, v, _ in self.cds(el):
            if s == system:
                return v
        return ""

    def moment(self, el: Element, name: str) -> date | None:
        m = self.child(el, name)
        if m is None:
            return None
        d = self.text_of(m, "date")
        if d:
            return _parse_date(d)
        y = self.text_of(m, "year")
        if y:
            ym = self.text_of(m, "yearmonth")
            return _parse_date(f"{ym}-01") if ym else date(int(y), 1, 1)
        return None

    def person_name(self, el: Element | None) -> str:
        if el is None:
            return ""
        first = " ".join(_clean(f.text) for f in self.children(el, "firstname"))
        fam = self.text_of(el, "familyname")
        name = " ".join(p for p in (first, fam) if p)
        return name or self.text_of(el, "name")

    def author(self, transaction: Element) -> str:
        a = self.child(transaction, "author")
        if a is None:
            return ""
        names = [self.person_name(h) for h in self.children(a, "hcparty")]
        return ", ".join(n for n in names if n)

    def where(self, transaction_id: str, item: Element | None, what: str) -> str:
        item_id = self.text_of(item, "id") if item is not None else ""
        where = f"transaction {transaction_id}"
        if item_id:
            where += f" item {item_id}"
        return f"{where} ({what})" if what else where

    def unreadable(
        self,
        where: str,
        why: str,
        reason: UnreadableReason = UnreadableReason.MALFORMED,
        raw: str = "",
        ref: str = "",
    ) -> None:
        self.record.add_unreadable(where, why, reason, self.source.at(ref), raw)

    # message -----------------------------------------------------------------------------
    def take(self, parts: Iterable[tuple[int, Element]]) -> None:
        """Read the folder children parsed so far (a patient, transactions), in order."""
        patient_tag, transaction_tag = self.q("patient"), self.q("transaction")
        for folder, element in parts:
            if folder != self.folder:
                self.folder = folder
                self.transactions = 0
            if element.tag == patient_tag:
                self.read_folder_patient(element)
            elif element.tag == transaction_tag:
                self.transactions += 1
                self.read_folder_transaction(element, self.transactions)

    def take_open(self, folder: int, element: Element) -> None:
        """Read the complete items of a Sumehr transaction still being parsed, and drop them
        from it: a Sumehr is one transaction that holds every item of the record."""
        if element.tag != self.q("transaction") or len(element) < 2:
            return
        item_tag = self.q("item")
        done = [child for child in element[:-1] if child.tag == item_tag]
        # Items come after the transaction's id and code: those are complete by now.
        if not done or self.cd_value(element, "CD-TRANSACTION") != "sumehr":
            return
        for child in done:
            element.remove(child)
        if folder != self.folder:
            self.folder = folder
            self.transactions = 0
        tid = self.text_of(element, "id") or str(self.transactions + 1)
        try:
            self.read_sumehr_items(done, tid)
        except _PART_ERRORS as exc:  # pragma: no cover - each item guards itself
            why = exc.why if isinstance(exc, _Unreadable) else f"{type(exc).__name__}: {exc}"
            self.unreadable(self.where(tid, None, "sumehr"), why, ref=tid)

    def finish(self, folders: int) -> Record:
        """After the whole message: suspensions applied, medication lines completed."""
        if not folders:
            self.unreadable(
                "message", "no folder in the KMEHR message", UnreadableReason.MISSING_VALUE
            )
        self.apply_suspensions()
        for item in self.scheme_order:
            self.finish_medication(item)
        if self.record.unreadable:
            log.info("KMEHR: %d part(s) could not be read", len(self.record.unreadable))
        return self.record

    def read_folder_patient(self, patient: Element) -> None:
        if self.record.patient is not None:
            return
        try:
            self.record.patient = self.read_patient(patient)
        except _PART_ERRORS as exc:
            self.unreadable("patient", str(exc), UnreadableReason.MALFORMED, _raw(patient))

    def read_folder_transaction(self, transaction: Element, n: int) -> None:
        tid = self.text_of(transaction, "id") or str(n)
        kind = self.cd_value(transaction, "CD-TRANSACTION")
        try:
            self.read_transaction(transaction, tid, kind)
        except _PART_ERRORS as exc:
            why = exc.why if isinstance(exc, _Unreadable) else f"{type(exc).__name__}: {exc}"
            self.unreadable(self.where(tid, None, kind), why, raw=_raw(transaction), ref=tid)

    def read_patient(self, el: Element) -> Patient:
        nn = ""
        for i in self.children(el, "id"):
            if i.get("S") in ("INSS", "ID-PATIENT"):
                nn = _clean(i.text)
                break
        birth = self.child(el, "birthdate")
        birth_date = None
        if birth is not None and self.text_of(birth, "date"):
            birth_date = _parse_date(self.text_of(birth, "date"))
        sex = self.cd_value(self.child(el, "sex"), "CD-SEX")
        return Patient(
            given_names=" ".join(_clean(f.text) for f in self.children(el, "firstname")),
            surname=self.text_of(el, "familyname"),
            national_number=nn,
            birth_date=birth_date,
            sex={"male": "M", "female": "F"}.get(sex, ""),
            language=self.text_of(el, "usuallanguage"),
            source=self.source.at("patient"),
        )

    def read_transaction(self, transaction: Element, tid: str, kind: str) -> None:
        if kind == "medicationscheme":
            return  # the scheme's header: version and author only
        if kind == "medicationschemeelement":
            self.read_scheme_element(transaction, tid)
        elif kind == "treatmentsuspension":
            self.suspensions.append((transaction, tid))
        elif kind == "sumehr":
            self.read_sumehr(transaction, tid)
        else:
            self.read_other(transaction, tid, kind)

    # medication scheme ---------------------------------------------------------------------
    def read_scheme_element(self, transaction: Element, tid: str) -> None:
        meds: list[_Item] = []
        extras: list[Element] = []
        for item in self.children(transaction, "item"):
            self.source = self.base_source
            what = self.cd_value(item, "CD-ITEM")
            if self.text_of(item, "isrelevant").lower() == "false":
                self.unreadable(
                    self.where(tid, item, what),
                    "item marked as not relevant",
                    UnreadableReason.NOT_RELEVANT,
                    what,
                    tid,
                )
            elif what == "medication":
                meds.append(self.read_medication_item(item, tid))
            elif what == "healthcareelement":
                extras.append(item)
            else:
                self.unreadable(
                    self.where(tid, item, what),
                    f"unexpected item {what!r} in a medication scheme element",
                    UnreadableReason.UNEXPECTED_VALUE,
                    _raw(item),
                    tid,
                )
        if not meds:
            self.unreadable(
                self.where(tid, None, "medicationschemeelement"),
                "medication scheme element without a medication",
                UnreadableReason.MISSING_VALUE,
                _raw(transaction),
                tid,
            )
            return
        for extra in extras:
            self.apply_healthcare_element(meds[0], extra, tid)
        author = self.author(transaction)
        for line in meds:
            line.med = replace(line.med, prescriber=author)
        self.scheme_items[tid] = meds
        self.scheme_order.extend(meds)

    def apply_healthcare_element(self, target: _Item, item: Element, tid: str) -> None:
        kind = ""
        texts: list[str] = []
        for content in self.children(item, "content"):
            kind = kind or self.cd_value(content, "CD-ITEM-MS")
            texts.extend(_clean(t.text) for t in self.children(content, "text"))
        text = " ".join(t for t in texts if t)
        if kind == "medicationuse":
            target.med = replace(target.med, use=text)
        elif kind == "begincondition":
            target.med = replace(target.med, begin_condition=text)
        elif kind == "endcondition":
            target.med = replace(target.med, end_condition=text)
        elif kind == "origin":
            return
        else:
            target.problems.append(
                (
                    UnreadableReason.NOT_PERMITTED_VALUE,
                    f"healthcare element {kind or '(none)'!r} is not permitted in a medication "
                    "scheme element",
                    _raw(item),
                )
            )

    def item_language(self, item: Element) -> str:
        """The language the item's texts are written in: the ``L`` of its first ``text`` (else
        of its first ``cd`` with one), "" when none says."""
        for tag in ("text", "cd"):
            for el in item.iter(self.ns + tag):
                lang = (el.get("L") or "").strip()
                if lang:
                    return lang
        return ""

    def read_medication_item(self, item: Element, tid: str) -> _Item:
        self.source = self.base_source.speaking(self.item_language(item))
        problems: list[tuple[UnreadableReason, str, str]] = []

        def guard(what: str, el: Element | None) -> _Guard:
            return _Guard(problems, what, el)

        name, kind, codings = self.medication_content(item, problems)
        med = Medication(
            name=name,
            codings=tuple(codings),
            kind=kind,
            identifier=self.text_of(item, "id"),
            source=self.source.at(f"{tid}/{self.text_of(item, 'id')}"),
        )
        changes: dict[str, object] = {}
        for content in self.children(item, "content"):
            substance = self.child(content, "substanceproduct")
            if substance is not None:  # prescribed by active ingredient (INN cluster)
                changes["active_ingredient"] = self.text_of(substance, "intendedname")
        with guard("beginmoment", self.child(item, "beginmoment")):
            changes["begin"] = self.moment(item, "beginmoment")
        with guard("endmoment", self.child(item, "endmoment")):
            changes["end"] = self.moment(item, "endmoment")
        temporality = self.child(item, "temporality")
        if temporality is not None:
            value = self.cd_value(temporality, "CD-TEMPORALITY")
            if value in codes.KMEHR_TEMPORALITY:
                changes["temporality"] = self.coding(codes.CD_TEMPORALITY, value)
                # Vitalink shows a "oneshot" line as "when needed"
                changes["as_needed"] = value == "oneshot"
            else:
                problems.append(
                    (
                        UnreadableReason.NOT_PERMITTED_VALUE,
                        "temporality not permitted",
                        _raw(temporality),
                    )
                )
        lifecycle = self.cd_value(self.child(item, "lifecycle"), "CD-LIFECYCLE")
        if lifecycle:
            changes["status"] = _LIFECYCLE_STATUS.get(lifecycle, MedicationStatus.UNKNOWN)
        frequency_el = self.child(item, "frequency")
        if frequency_el is not None:
            with guard("frequency", frequency_el):
                changes["frequency"] = self.frequency(frequency_el)
        with guard("duration", self.child(item, "duration")):
            changes["duration"] = self.duration(self.child(item, "duration"))
        route = self.child(item, "route")
        if route is not None:
            value = self.cd_value(route, "CD-DRUG-ROUTE")
            if value:
                changes["route"] = self.coding(codes.CD_DRUG_ROUTE, value)
        timings: list[DoseTiming] = []
        for regimen in self.children(item, "regimen"):
            with guard("regimen", regimen):
                timings.extend(self.regimen(regimen, problems))
        posology = self.child(item, "posology")
        if posology is not None:
            changes["posology_text"] = " ".join(
                _clean(t.text) for t in self.children(posology, "text") if _clean(t.text)
            )
            with guard("posology", posology):
                timings.extend(self.sumehr_posology(item, posology, problems))
        elif self.child(item, "dayperiod") is not None:
            with guard("dayperiod", self.child(item, "dayperiod")):
                timings.extend(self.sumehr_posology(item, None, problems))
        units = {t.unit_coding for t in timings if t.unit_coding is not None}
        if len(units) == 1:
            changes["administration_unit"] = next(iter(units))
        changes["posology"] = tuple(timings)
        changes["instructions"] = " ".join(
            _clean(t.text) for t in self.children(item, "instructionforpatient") if _clean(t.text)
        )
        recorded = self.text_of(item, "recorddatetime")
        if recorded:
            with guard("recorddatetime", self.child(item, "recorddatetime")):
                changes["recorded"] = datetime.fromisoformat(recorded)
        med = replace(med, **changes)  # type: ignore[arg-type]
        return _Item(med=med, transaction_id=tid, problems=problems)

    def medication_content(
        self, item: Element, problems: list[tuple[UnreadableReason, str, str]]
    ) -> tuple[str, str, list[Coding]]:
        name = ""
        kind = ""
        codings: list[Coding] = []
        free_texts: list[str] = []
        for content in self.children(item, "content"):
            for product in content:
                tag = _local(product.tag)
                if tag in ("medicinalproduct", "substanceproduct"):
                    kind = kind or tag
                    delivered = self.text_of(product, "deliveredname")
                    intended = self.text_of(product, "intendedname")
                    name = name or delivered or intended
                    for cd_tag in ("deliveredcd", "intendedcd"):
                        for c in self.children(product, cd_tag):
                            s = c.get("S", "")
                            system = codes.KMEHR_SYSTEMS.get(s, s)
                            codings.append(self.coding(system, _clean(c.text), intended))
                elif tag == "compoundprescription":
                    kind = kind or tag
                    text = _clean("".join(product.itertext()))
                    name = name or text
                elif tag == "cd":
                    s = product.get("S", "")
                    codings.append(
                        self.coding(
                            codes.KMEHR_SYSTEMS.get(s, s),
                            _clean(product.text),
                            _clean(product.get("DN", "")),
                        )
                    )
                elif tag == "text":
                    text = _clean(product.text)
                    if text:
                        free_texts.append(text)
        if not name:
            name = self.text_of(item, "text") or (free_texts[0] if free_texts else "")
        if not name:
            problems.append((UnreadableReason.MISSING_VALUE, "medication without a name", ""))
        for coding in codings:
            if coding.system == codes.CNK and not (coding.code.isdigit() and len(coding.code) == 7):
                problems.append(
                    (UnreadableReason.NOT_PERMITTED_VALUE, "CNK code is not 7 digits", coding.code)
                )
        return name, kind, codings

    def frequency(self, el: Element) -> Frequency | None:
        periodicity = self.child(el, "periodicity")
        code = self.cd_value(periodicity, "CD-PERIODICITY")
        if code:
            decoded = codes.kmehr_periodicity(code)
            if decoded is None:
                raise _Unreadable(
                    "periodicity code not permitted", UnreadableReason.NOT_PERMITTED_VALUE, code
                )
            every, unit = decoded
            return Frequency(every=every, unit=unit, coding=self.coding(codes.CD_PERIODICITY, code))
        nominator = self.child(el, "nominator")
        denominator = self.child(el, "denominator")
        if nominator is not None and denominator is not None:
            times = int(_parse_decimal(self.text_of(self.child(nominator, "quantity"), "decimal")))
            d = self.child(denominator, "quantity")
            every = _parse_decimal(self.text_of(d, "decimal"))
            unit_code = self.cd_value(
                self.child(d, "unit") if d is not None else None, "CD-TIMEUNIT"
            )
            unit, factor = codes.TIME_UNITS[unit_code]
            return Frequency(every=every * factor, unit=unit, times=times)
        return None

    def duration(self, el: Element | None) -> Duration | None:
        if el is None:
            return None
        value = _parse_decimal(self.text_of(el, "decimal"))
        unit_code = self.cd_value(self.child(el, "unit"), "CD-TIMEUNIT")
        if unit_code not in codes.TIME_UNITS:
            raise _Unreadable(
                "duration unit not permitted", UnreadableReason.NOT_PERMITTED_VALUE, unit_code
            )
        unit, factor = codes.TIME_UNITS[unit_code]
        return Duration(value * factor, unit)

    def quantity(
        self, quantity: Element | None, problems: list[tuple[UnreadableReason, str, str]]
    ) -> dict[str, object]:
        if quantity is None:
            return {}
        out: dict[str, object] = {}
        text = self.text_of(quantity, "decimal")
        if text:
            out["quantity"] = _parse_decimal(text)
            out["quantity_text"] = text
        unit_el = self.child(quantity, "unit")
        if unit_el is not None:
            out.update(self.admin_unit(unit_el, problems))
        return out

    def admin_unit(
        self, unit_el: Element, problems: list[tuple[UnreadableReason, str, str]]
    ) -> dict[str, object]:
        for s, value, _ in self.cds(unit_el):
            if s not in ("CD-ADMINISTRATIONUNIT", "CD-ADMINISTRATION-UNIT"):
                continue
            if value not in codes.KNOWN_ADMINISTRATION_UNITS:
                problems.append(
                    (
                        UnreadableReason.NOT_PERMITTED_VALUE,
                        "administration unit not permitted",
                        value,
                    )
                )
            return {"unit": value, "unit_coding": self.coding(codes.CD_ADMINISTRATION_UNIT, value)}
        return {}

    def day_period(
        self, value: str, problems: list[tuple[UnreadableReason, str, str]]
    ) -> DayPeriod | None:
        period = codes.KMEHR_DAYPERIODS.get(value)
        if period is None and value:
            problems.append(
                (UnreadableReason.NOT_PERMITTED_VALUE, "day period not permitted", value)
            )
        return period

    def regimen(
        self, regimen: Element, problems: list[tuple[UnreadableReason, str, str]]
    ) -> Iterable[DoseTiming]:
        """A regimen is a flat list: [daynumber|date|weekday] daytime quantity, repeated."""
        day: dict[str, object] = {}
        current: dict[str, object] = {}
        out: list[DoseTiming] = []
        for el in regimen:
            tag = _local(el.tag)
            if tag == "daynumber":
                day = {"day_number": int(_parse_decimal(el.text or ""))}
            elif tag == "date":
                day = {"on_date": _parse_date(el.text or "")}
            elif tag == "weekday":
                value = self.cd_value(el, "CD-WEEKDAY")
                wd = codes.KMEHR_WEEKDAYS.get(value)
                if wd is None:
                    problems.append(
                        (UnreadableReason.NOT_PERMITTED_VALUE, "weekday not permitted", value)
                    )
                day = {"weekday": wd} if wd is not None else {}
            elif tag == "daytime":
                if current:
                    out.append(DoseTiming(**current))  # type: ignore[arg-type]
                current = dict(day)
                period = self.child(el, "dayperiod")
                if period is not None:
                    current["period"] = self.day_period(
                        self.cd_value(period, "CD-DAYPERIOD"), problems
                    )
                t = self.text_of(el, "time")
                if t:
                    current["time_of_day"] = _parse_time(t)
            elif tag == "quantity":
                if not current:
                    current = dict(day)
                current.update(self.quantity(el, problems))
                out.append(DoseTiming(**current))  # type: ignore[arg-type]
                current = {}
        if current:
            out.append(DoseTiming(**current))  # type: ignore[arg-type]
        return out

    def sumehr_posology(
        self,
        item: Element,
        posology: Element | None,
        problems: list[tuple[UnreadableReason, str, str]],
    ) -> Iterable[DoseTiming]:
        """Sumehr style: item-level <dayperiod> and <posology><takes>/<unit>."""
        values: dict[str, object] = {}
        if posology is not None:
            takes = self.child(posology, "takes")
            if takes is not None:
                high = self.text_of(takes, "high") or self.text_of(takes, "low")
                if high:
                    values["quantity"] = _parse_decimal(high)
                    values["quantity_text"] = high
            unit_el = self.child(posology, "unit")
            if unit_el is not None:
                values.update(self.admin_unit(unit_el, problems))
        periods = [
            self.day_period(self.cd_value(p, "CD-DAYPERIOD"), problems)
            for p in self.children(item, "dayperiod")
        ]
        if not periods and not values:
            return []
        if not periods:
            return [DoseTiming(**values)]  # type: ignore[arg-type]
        return [DoseTiming(period=p, **values) for p in periods]  # type: ignore[arg-type]

    # suspensions ----------------------------------------------------------------------------
    def apply_suspensions(self) -> None:
        for transaction, tid in self.suspensions:
            try:
                self.apply_suspension(transaction, tid)
            except _PART_ERRORS as exc:
                why = exc.why if isinstance(exc, _Unreadable) else f"{type(exc).__name__}: {exc}"
                self.unreadable(
                    self.where(tid, None, "treatmentsuspension"),
                    why,
                    raw=_raw(transaction),
                    ref=tid,
                )

    def apply_suspension(self, transaction: Element, tid: str) -> None:
        reason = ""
        med_item: Element | None = None
        for item in self.children(transaction, "item"):
            what = self.cd_value(item, "CD-ITEM")
            if what == "transactionreason":
                texts = [
                    _clean(t.text)
                    for c in self.children(item, "content")
                    for t in self.children(c, "text")
                ]
                reason = " ".join(t for t in texts if t)
            elif what == "medication":
                med_item = item
        if med_item is None:
            raise _Unreadable("suspension without a medication", UnreadableReason.MISSING_VALUE)
        target_id = ""
        for lnk in self.children(med_item, "lnk"):
            if lnk.get("TYPE") == "isplannedfor":
                m = _LNK_TARGET.search(lnk.get("URL", ""))
                if m:
                    target_id = m.group(1)
        targets = self.scheme_items.get(target_id)
        if not targets:
            raise _Unreadable(
                "suspension points to no medication in this scheme",
                UnreadableReason.MISSING_VALUE,
                _raw(med_item),
            )
        target = targets[0]
        where = self.where(tid, med_item, "treatmentsuspension")
        lifecycle = self.cd_value(self.child(med_item, "lifecycle"), "CD-LIFECYCLE")
        begin = self.moment(med_item, "beginmoment")
        end = self.moment(med_item, "endmoment")
        duration = self.duration(self.child(med_item, "duration"))
        if end is None and duration is not None and begin is not None:
            end = _add_duration(begin, duration)
        stopped = lifecycle == "stopped"
        if lifecycle not in ("suspended", "stopped"):
            self.unreadable(
                where,
                f"suspension lifecycle {lifecycle or '(none)'!r} is not permitted",
                UnreadableReason.NOT_PERMITTED_VALUE,
                _raw(self.child(med_item, "lifecycle")),
                tid,
            )
        if self.child(med_item, "regimen") is not None:
            self.unreadable(
                where,
                "a posology regimen is not permitted in a treatment suspension",
                UnreadableReason.NOT_PERMITTED_VALUE,
                _raw(self.child(med_item, "regimen")),
                tid,
            )
        problems: list[tuple[UnreadableReason, str, str]] = []
        name, _, codings = self.medication_content(med_item, problems)
        if not _same_medication(target.med, name, codings):
            self.unreadable(
                where,
                "the medication in the suspension differs from the medication line",
                UnreadableReason.UNEXPECTED_VALUE,
                name,
                tid,
            )
        target.med = replace(
            target.med,
            suspensions=(
                *target.med.suspensions,
                Suspension(
                    begin=begin, end=end, reason=reason, stopped=stopped, source=self.source.at(tid)
                ),
            ),
        )

    def finish_medication(self, item: _Item) -> None:
        self.record.medications.append(item.med)
        where = self.where(item.transaction_id, None, "medication")
        ref = item.med.source.ref if item.med.source else ""
        for reason, why, raw in (*item.problems, *codes.medication_rule_breaks(item.med)):
            self.unreadable(where, why, reason, raw, ref)

    # sumehr ---------------------------------------------------------------------------------
    def read_sumehr(self, transaction: Element, tid: str) -> None:
        self.read_sumehr_items(self.children(transaction, "item"), tid)

    def read_sumehr_items(self, items: Iterable[Element], tid: str) -> None:
        for item in items:
            self.source = self.base_source
            what = self.cd_value(item, "CD-ITEM")
            if self.text_of(item, "isrelevant").lower() == "false":
                # the author says this item no longer counts: noted, never shown as fact
                self.unreadable(
                    self.where(tid, item, what),
                    "item marked as not relevant",
                    UnreadableReason.NOT_RELEVANT,
                    " ".join(self.item_texts(item)[:1]) or what,
                    f"{tid}/{what}",
                )
                continue
            try:
                self.read_sumehr_item(item, tid, what)
            except _PART_ERRORS as exc:
                why = exc.why if isinstance(exc, _Unreadable) else f"{type(exc).__name__}: {exc}"
                self.unreadable(
                    self.where(tid, item, what), why, raw=_raw(item), ref=f"{tid}/{what}"
                )

    def item_texts(self, item: Element) -> list[str]:
        texts = [
            _clean(t.text) for c in self.children(item, "content") for t in self.children(c, "text")
        ]
        return [t for t in texts if t]

    def item_codings(self, item: Element) -> list[Coding]:
        out: list[Coding] = []
        for c in self.children(item, "content"):
            for s, v, dn in self.cds(c):
                out.append(self.coding(codes.KMEHR_SYSTEMS.get(s, s), v, dn))
        return out

    def read_sumehr_item(self, item: Element, tid: str, what: str) -> None:
        self.source = self.base_source.speaking(self.item_language(item))
        ref = self.source.at(f"{tid}/{self.text_of(item, 'id')}")
        if what == "medication":
            med = self.read_medication_item(item, tid)
            self.finish_medication(med)
        elif what in ("problem", "risk", "socialrisk"):
            codings = self.item_codings(item)
            texts = self.item_texts(item)
            name = texts[0] if texts else next((c.display for c in codings if c.display), "")
            lifecycle = self.cd_value(self.child(item, "lifecycle"), "CD-LIFECYCLE")
            self.record.problems.append(
                Problem(
                    name=name,
                    codings=tuple(codings),
                    onset=self.moment(item, "beginmoment"),
                    end=self.moment(item, "endmoment"),
                    status=_PROBLEM_STATUS.get(lifecycle, ProblemStatus.UNKNOWN),
                    category=_PROBLEM_CATEGORY[what],
                    verification=Verification.REFUTED
                    if lifecycle in _NOT_PRESENT
                    else Verification.UNKNOWN,
                    note=" ".join(texts[1:]),
                    source=ref,
                )
            )
        elif what == "vaccine":
            _, _, codings = self.medication_content(item, [])
            product = next(
                (
                    p
                    for c in self.children(item, "content")
                    for p in c
                    if _local(p.tag).endswith("product")
                ),
                None,
            )
            name = self.text_of(product, "intendedname") if product is not None else ""
            indications = [
                c for c in self.item_codings(item) if c.system == codes.CD_VACCINE_INDICATION
            ]
            lifecycle = self.cd_value(self.child(item, "lifecycle"), "CD-LIFECYCLE")
            self.record.vaccinations.append(
                Vaccination(
                    vaccine=name or ", ".join(c.code for c in indications),
                    codings=tuple(codings),
                    status=_VACCINE_STATUS.get(lifecycle, VACCINE_UNSURE)
                    if lifecycle
                    else VACCINE_GIVEN,
                    date=self.moment(item, "beginmoment"),
                    target_diseases=tuple(c.code for c in indications),
                    note=self.text_of(item, "text"),
                    source=ref,
                )
            )
        elif what in ("adr", "allergy"):
            codings = self.item_codings(item)
            texts = self.item_texts(item)
            lifecycle = self.cd_value(self.child(item, "lifecycle"), "CD-LIFECYCLE")
            self.record.allergies.append(
                Allergy(
                    substance=texts[0] if texts else next((c.display for c in codings), ""),
                    codings=tuple(codings),
                    kind=AllergyKind.ADVERSE_DRUG_REACTION
                    if what == "adr"
                    else AllergyKind.ALLERGY,
                    onset=self.moment(item, "beginmoment"),
                    active=lifecycle in ("", "active"),
                    verification=Verification.REFUTED
                    if lifecycle in _NOT_PRESENT
                    else Verification.UNKNOWN,
                    note=" ".join(texts[1:]),
                    source=ref,
                )
            )
        elif what in ("gmdmanager", "contactperson"):
            content = self.child(item, "content")
            party = None
            if content is not None:
                party = self.child(content, "hcparty") or self.child(content, "person")
            if party is None:
                raise _Unreadable("relation without a person", UnreadableReason.MISSING_VALUE)
            telecom = tuple(
                _clean(self.text_of(t, "telecomnumber")) for t in self.children(party, "telecom")
            )
            if what == "gmdmanager":
                role = self.cd_value(party, "CD-HCPARTY")
            else:
                role = self.cd_value(item, "CD-CONTACT-PERSON")
            self.record.relations.append(
                TherapeuticRelation(
                    name=self.person_name(party),
                    kind=RelationKind.GMD_HOLDER
                    if what == "gmdmanager"
                    else RelationKind.CONTACT_PERSON,
                    role=role,
                    telecom=tuple(t for t in telecom if t),
                    source=ref,
                )
            )
        else:
            self.unreadable(
                self.where(tid, item, what),
                f"this kind of item is not shown: {what or '(none)'}",
                UnreadableReason.UNSUPPORTED,
                _raw(item),
                ref.ref,
            )

    # anything else --------------------------------------------------------------------------
    def read_other(self, transaction: Element, tid: str, kind: str) -> None:
        """Any other transaction (report, letter, note): shown as a document."""
        texts = [_clean("".join(t.itertext())) for t in transaction.iter(self.q("text"))]
        texts = [t for t in texts if t]
        when: datetime | None = None
        d = self.text_of(transaction, "date")
        if d:
            day = _parse_date(d)
            t = self.text_of(transaction, "time")
            when = datetime.combine(day, _parse_time(t) if t else time())
        author = self.author(transaction)
        codings = (self.coding("CD-TRANSACTION", kind),) if kind else ()
        attachments: list[tuple[str, bytes]] = []
        for lnk in transaction.iter(self.q("lnk")):
            if lnk.get("TYPE") != "multimedia":
                continue
            payload = "".join((lnk.text or "").split())
            try:
                content = base64.b64decode(payload, validate=True)
            except (binascii.Error, ValueError):
                self.unreadable(
                    self.where(tid, None, kind),
                    "attached file is not base64",
                    UnreadableReason.MALFORMED,
                    payload[:80],
                    tid,
                )
                continue
            if content:
                attachments.append((lnk.get("MEDIATYPE", "application/octet-stream"), content))
        if not texts and not attachments:
            self.unreadable(
                self.where(tid, None, kind),
                f"this kind of transaction is not shown: {kind or '(none)'}",
                UnreadableReason.UNSUPPORTED,
                _raw(transaction),
                tid,
            )
            return
        if texts:
            attachments.insert(0, ("text/plain", "\n".join(texts).encode("utf-8")))
        for content_type, content in attachments:
            self.record.documents.append(
                Document(
                    title=kind,
                    author=author,
                    date=when,
                    kind=kind,
                    codings=codings,
                    content_type=content_type,
                    content=content,
                    source=self.source.at(tid),
                )
            )


class _Guard:
    """Turns a failure while reading one part of a medication into a recorded problem."""

    def __init__(
        self, problems: list[tuple[UnreadableReason, str, str]], what: str, el: Element | None
    ) -> None:
        self.problems = problems
        self.what = what
        self.el = el

    def __enter__(self) -> None:
        return None

    def __exit__(self, exc_type: object, exc: BaseException | None, tb: object) -> bool:
        if exc is None:
            return False
        if isinstance(exc, _Unreadable):
            self.problems.append((exc.reason, f"{self.what}: {exc.why}", exc.raw or _raw(self.el)))
            return True
        if isinstance(exc, _PART_ERRORS):
            self.problems.append(
                (UnreadableReason.MALFORMED, f"{self.what}: {type(exc).__name__}", _raw(self.el))
            )
            return True
        return False


def _same_medication(med: Medication, name: str, codings: list[Coding]) -> bool:
    mine = {(c.system, c.code) for c in med.codings}
    theirs = {(c.system, c.code) for c in codings}
    if mine or theirs:
        return bool(mine & theirs)
    return _clean(name).casefold() == _clean(med.name).casefold()


def _add_duration(begin: date, duration: Duration) -> date | None:
    from datetime import timedelta

    from assistant.records.model import TimeUnit

    days = {
        TimeUnit.DAY: 1.0,
        TimeUnit.WEEK: 7.0,
        TimeUnit.MONTH: 30.0,
        TimeUnit.YEAR: 365.0,
        TimeUnit.HOUR: 1 / 24,
        TimeUnit.MINUTE: 1 / 1440,
    }[duration.unit]
    try:
        return begin + timedelta(days=duration.value * days)
    except OverflowError:
        return None


_LIFECYCLE_STATUS: dict[str, MedicationStatus] = {
    "active": MedicationStatus.ACTIVE,
    "prescribed": MedicationStatus.ACTIVE,
    "delivered": MedicationStatus.ACTIVE,
    "suspended": MedicationStatus.SUSPENDED,
    "stopped": MedicationStatus.STOPPED,
    "inactive": MedicationStatus.STOPPED,
    "completed": MedicationStatus.STOPPED,
}

_PROBLEM_STATUS: dict[str, ProblemStatus] = {
    "active": ProblemStatus.ACTIVE,
    "inactive": ProblemStatus.INACTIVE,
    "resolved": ProblemStatus.RESOLVED,
    "completed": ProblemStatus.RESOLVED,
    "stopped": ProblemStatus.RESOLVED,
}

#: CD-LIFECYCLE values that say a finding is *not* there (checked and ruled out).
_NOT_PRESENT = frozenset({"notpresent", "excluded"})

#: CD-LIFECYCLE of a vaccine item: given, not given, or only planned.
_VACCINE_STATUS: dict[str, str] = {
    "completed": VACCINE_GIVEN,
    "administrated": VACCINE_GIVEN,
    "active": VACCINE_GIVEN,
    "inactive": VACCINE_GIVEN,
    "refused": VACCINE_NOT_GIVEN,
    "notpresent": VACCINE_NOT_GIVEN,
    "excluded": VACCINE_NOT_GIVEN,
    "cancelled": VACCINE_NOT_GIVEN,
    "aborted": VACCINE_NOT_GIVEN,
    "planned": VACCINE_DUE,
    "prescribed": VACCINE_DUE,
    "ordered": VACCINE_DUE,
}

_PROBLEM_CATEGORY: dict[str, ProblemCategory] = {
    "problem": ProblemCategory.PROBLEM,
    "risk": ProblemCategory.RISK,
    "socialrisk": ProblemCategory.SOCIAL_RISK,
}

__all__ = ["KMEHR_NS", "is_kmehr_root", "parse_xml", "record_from_kmehr"]
