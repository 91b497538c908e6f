"""Read an International Patient Summary (IPS): a FHIR document Bundle whose first entry is a
Composition of type "Patient summary document" (LOINC 60591-5), with one section per subject
(medication summary, allergies, problems, immunizations, results, ...).

The resources are mapped by :func:`assistant.records.fhir_map.record_from_fhir`; this module
reads the Composition around them:

* which part of the record each section's items show in, in the document's order;
* the sections this program has no place for (procedures, devices, advance directives, ...):
  each becomes one :class:`UnreadablePart` holding the section's own words (its narrative),
  and its resources are not mapped on their own (an advance directive is not the consent to
  share data, a smoking habit is not a lab result);
* what a section says instead of items ("No known food allergy", "no information
  available"): kept as the section's statements, never listed as an allergy or a medicine;
* a section entry that is not in the file: an UnreadablePart;
* the document's date and author (:class:`PatientSummary`).
"""

from __future__ import annotations

import json
import logging
from datetime import date, datetime, time
from html.parser import HTMLParser
from typing import Any

from assistant.records import codes
from assistant.records.fhir_map import record_from_fhir
from assistant.records.json_view import JsonView, as_list
from assistant.records.model import (
    RAW_LIMIT,
    Coding,
    ItemSource,
    PatientSummary,
    Record,
    SummarySection,
    UnreadableReason,
)

log = logging.getLogger(__name__)

#: LOINC code of the Composition type "Patient summary Document".
PATIENT_SUMMARY_TYPE = "60591-5"
_IPS_PROFILE = "/fhir/uv/ips/"
ABSENT_UNKNOWN_SYSTEM = "http://hl7.org/fhir/uv/ips/CodeSystem/absent-unknown-uv-ips"

#: IPS section codes (LOINC) -> the part of the record that shows their items.
SECTION_PARTS: dict[str, str] = {
    "10160-0": "medicines",  # medication summary
    "48765-2": "allergies",  # allergies and intolerances
    "11450-4": "problems",  # problem list
    "11348-0": "problems",  # history of past problems
    "47420-5": "problems",  # functional status (disabilities)
    "11369-6": "vaccines",  # immunizations
    "30954-2": "results",  # results
    "8716-3": "results",  # vital signs
}

#: SNOMED CT situations that say there is nothing ("No known food allergy"), not an item.
NOTHING_KNOWN_SNOMED = frozenset(
    {
        "716186003",  # no known allergy
        "409137002",  # no known drug allergy
        "429625007",  # no known food allergy
        "428607008",  # no known environmental allergy
        "160245001",  # no current problems or disability
    }
)

#: Where the coded "what" of a resource is, per resource type.
_WHAT = {
    "AllergyIntolerance": "code",
    "Condition": "code",
    "Procedure": "code",
    "MedicationStatement": "medicationCodeableConcept",
    "MedicationRequest": "medicationCodeableConcept",
    "Immunization": "vaccineCode",
    "DeviceUseStatement": "code",
}


def is_patient_summary(data: object) -> bool:
    """Whether ``data`` is an IPS document: a document Bundle whose first entry is a
    Composition typed as a patient summary (or a Bundle declaring the IPS profile)."""
    bundle = JsonView(data)
    if bundle.text("resourceType") != "Bundle" or bundle.text("type") != "document":
        return False
    entries = bundle.each("entry")
    first = entries[0].obj("resource") if entries else JsonView()
    if first.text("resourceType") != "Composition":
        return False
    typed = any(
        c.text("code") == PATIENT_SUMMARY_TYPE and "loinc" in c.text("system")
        for c in first.obj("type").each("coding")
    )
    profiled = any(_IPS_PROFILE in p for p in bundle.obj("meta").texts("profile"))
    return typed or profiled


def record_from_ips(bundle: dict[str, Any], source: ItemSource) -> Record:
    """Map an IPS document Bundle (see :func:`is_patient_summary`) to a record."""
    entries = as_list(bundle.get("entry"))
    index = _Index(entries)
    composition = JsonView(entries[0].get("resource") if isinstance(entries[0], dict) else None)
    sections = list(_flat_sections(composition.each("section")))
    withheld: set[int] = set()  # entries not mapped on their own
    shown: set[int] = set()  # entries referenced by a section that the record shows
    statements: dict[int, list[str]] = {}
    missing: list[tuple[str, str]] = []
    for n, section in enumerate(sections):
        part = SECTION_PARTS.get(_loinc(section.obj("code")), "")
        for ref in section.each("entry"):
            at = index.find(ref.text("reference"))
            if at is None:
                missing.append((_section_title(section), ref.text("reference")))
                continue
            resource = JsonView(entries[at].get("resource"))
            nothing = _nothing_known(resource, index, entries)
            if nothing:
                statements.setdefault(n, []).append(nothing)
                withheld.add(at)
            elif part:
                shown.add(at)
            else:
                withheld.add(at)
    withheld -= shown
    mapped = dict(bundle)
    mapped["entry"] = [e for i, e in enumerate(entries) if i not in withheld]
    record = record_from_fhir(mapped, source)
    summary_sections = []
    for n, section in enumerate(sections):
        title = _section_title(section)
        part = SECTION_PARTS.get(_loinc(section.obj("code")), "")
        refs = section.each("entry")
        said = list(statements.get(n, []))
        words = narrative_text(section.obj("text").text("div"))
        if part and not refs and words:
            said.append(words)  # "There is no information available about ..."
        elif not part and _has_content(section, refs, statements.get(n, [])):
            raw = words or _raw_entries(refs, index, entries)
            record.add_unreadable(
                f"summary section: {title} ({_loinc(section.obj('code'))})",
                "this program has no place for this part of the summary",
                UnreadableReason.UNSUPPORTED,
                source.at(f"section/{n + 1}"),
                raw,
            )
        summary_sections.append(
            SummarySection(
                title=title,
                codings=tuple(_codings(section.obj("code"))),
                part=part,
                items=len(refs) - len(statements.get(n, [])),
                empty_reason=_first_code(section.obj("emptyReason")),
                statements=tuple(said),
            )
        )
    for title, lost in missing:
        record.add_unreadable(
            f"summary section: {title}",
            "a section entry is not in the file",
            UnreadableReason.MISSING_VALUE,
            source,
            lost,
        )
    record.summaries.append(
        PatientSummary(
            title=composition.text("title"),
            date=_when(composition.text("date")),
            author=", ".join(a for a in (index.who(x) for x in composition.each("author")) if a),
            sections=tuple(summary_sections),
            source=source.at(_ref(composition)),
        )
    )
    log.info("patient summary: %d section(s), %d not shown", len(sections), len(withheld - shown))
    return record


# --------------------------------------------------------------------------------------------


class _Index:
    """Entries of the Bundle by full URL, by ``Type/id`` and by the last two URL parts."""

    def __init__(self, entries: list[Any]) -> None:
        self.at: dict[str, int] = {}
        for i, entry in enumerate(entries):
            view = JsonView(entry)
            resource = view.obj("resource")
            full_url = view.text("fullUrl")
            if full_url:
                self.at.setdefault(full_url, i)
                self.at.setdefault(_tail(full_url), i)
            rtype, rid = resource.text("resourceType"), resource.text("id")
            if rtype and rid:
                self.at.setdefault(f"{rtype}/{rid}", i)
        self.entries = entries

    def find(self, reference: str) -> int | None:
        if not reference:
            return None
        found = self.at.get(reference)
        return found if found is not None else self.at.get(_tail(reference))

    def resource(self, ref: JsonView) -> JsonView | None:
        at = self.find(ref.text("reference"))
        return None if at is None else JsonView(self.entries[at]).obj("resource")

    def who(self, ref: JsonView) -> str:
        """The name of a referenced practitioner, organisation or role."""
        if ref.text("display"):
            return ref.text("display")
        target = self.resource(ref)
        if target is None:
            return ""
        if target.text("resourceType") == "PractitionerRole":
            parts = (self.who(target.obj("practitioner")), self.who(target.obj("organization")))
            return ", ".join(p for p in parts if p)
        if target.text("name"):
            return target.text("name")  # an Organization
        for name in target.each("name"):
            if name.text("text"):
                return name.text("text")
            words = [*name.texts("prefix"), *name.texts("given"), name.text("family")]
            if any(words):
                return " ".join(w for w in words if w)
        return ""


def _tail(url: str) -> str:
    """ "Condition/1" from "https://host/fhir/Condition/1" (and from "Condition/1")."""
    return "/".join(url.rstrip("/").split("/")[-2:])


def _flat_sections(sections: list[JsonView]) -> list[JsonView]:
    """The sections in document order, each sub-section after its parent."""
    out: list[JsonView] = []
    for section in sections:
        if not section.is_object:
            continue
        out.append(section)
        out.extend(_flat_sections(section.each("section")))
    return out


def _section_title(section: JsonView) -> str:
    code = section.obj("code")
    return section.text("title") or code.text("text") or _loinc(code) or "?"


def _codings(concept: JsonView) -> list[Coding]:
    return [
        Coding(c.text("system"), c.text("code"), c.text("display"))
        for c in concept.each("coding")
        if c.text("code")
    ]


def _loinc(concept: JsonView) -> str:
    return next((c.code for c in _codings(concept) if c.system == codes.LOINC), "")


def _first_code(concept: JsonView) -> str:
    return next((c.code for c in _codings(concept)), "")


def _concept_text(concept: JsonView) -> str:
    if concept.text("text"):
        return concept.text("text")
    return next((c.display or c.code for c in _codings(concept)), "")


def _nothing_known(resource: JsonView, index: _Index, entries: list[Any]) -> str:
    """The words of a resource that says there is nothing ("No known allergy", "No
    information about medications"), or "" for a real item."""
    key = _WHAT.get(resource.text("resourceType"))
    if key is None:
        return ""
    concept = resource.obj(key)
    if not concept and resource.has("medicationReference"):
        target = index.resource(resource.obj("medicationReference"))
        concept = target.obj("code") if target is not None else JsonView()
    for c in _codings(concept):
        if c.system == ABSENT_UNKNOWN_SYSTEM or (
            c.system == codes.SNOMED and c.code in NOTHING_KNOWN_SNOMED
        ):
            return _concept_text(concept)
    return ""


def _has_content(section: JsonView, refs: list[JsonView], said: list[str]) -> bool:
    """Whether a section holds anything beyond "nothing known" statements."""
    return len(refs) > len(said) or bool(narrative_text(section.obj("text").text("div")))


def _raw_entries(refs: list[JsonView], index: _Index, entries: list[Any]) -> str:
    found = [index.resource(r) for r in refs]
    text = json.dumps([r.raw for r in found if r is not None], ensure_ascii=False, default=str)
    return text[:RAW_LIMIT]


def _ref(resource: JsonView) -> str:
    rid = resource.text("id")
    return f"{resource.text('resourceType')}/{rid}" if rid else resource.text("resourceType")


def _when(text: str) -> datetime | None:
    """A FHIR date or dateTime ("2017", "2017-12", "2017-12-11", "2017-12-11T14:30:00Z")."""
    if not text:
        return None
    try:
        if len(text) <= 10:
            parts = [int(p) for p in text.split("-")]
            return datetime.combine(date(*[*parts, 1, 1][:3]), time())
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except (ValueError, TypeError):
        return None


# --------------------------------------------------------------------------------------------
# narrative: the section's XHTML as plain text


class _Text(HTMLParser):
    _BREAKS = frozenset({"p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "table"})
    _CELLS = frozenset({"td", "th"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[list[str]] = [[]]
        self.cell: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("style", "script"):
            self.skip += 1
        elif tag in self._BREAKS:
            self._end_line()

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script"):
            self.skip = max(0, self.skip - 1)
        elif tag in self._CELLS:
            self._end_cell()
        elif tag in self._BREAKS:
            self._end_line()

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.cell.append(data)

    def _end_cell(self) -> None:
        words = " ".join("".join(self.cell).split())
        if words:
            self.lines[-1].append(words)
        self.cell = []

    def _end_line(self) -> None:
        self._end_cell()
        if self.lines[-1]:
            self.lines.append([])

    def text(self) -> str:
        self._end_line()
        return "\n".join(" | ".join(cells) for cells in self.lines if cells)


def narrative_text(xhtml: str) -> str:
    """The words of a FHIR narrative (XHTML), one line per paragraph or table row, the cells
    of a row joined by " | "; "" when there are none."""
    if not xhtml:
        return ""
    parser = _Text()
    try:
        parser.feed(xhtml)
        parser.close()
    except (ValueError, AssertionError):
        return ""
    return parser.text()


__all__ = [
    "PATIENT_SUMMARY_TYPE",
    "SECTION_PARTS",
    "is_patient_summary",
    "narrative_text",
    "record_from_ips",
]
