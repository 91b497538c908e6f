"""The paper copy of the record: HTML in the patient's language, in large type, with the date
and "This is a copy for you"; the UI prints it with Qt (QPrinter / PDF).

The sentences come from :mod:`assistant.record_words`, the same the screens show.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime

from assistant.dayplan import MOMENTS, day_plan
from assistant.i18n import _, format_date, ngettext
from assistant.record_words import (
    ALLERGY_KIND,
    INTERPRETATION,
    SECTION_TITLES,
    UNREADABLE_WHY,
    allergy_status_lines,
    change_nothing_text,
    consent_text,
    dose_text,
    medicine_title,
    moment_word,
    nothing_text,
    pack_size_text,
    plan_source_text,
    problem_status_lines,
    range_text,
    reaction_text,
    record_title,
    schedule_lines,
    section_title,
    status_text,
    superseded_text,
    target_text,
    vaccine_date_text,
    vaccine_status_lines,
    value_text,
)
from assistant.records.model import RECORD_PARTS, LabResult, Record, ResultStatus

#: How much of a part that could not be read the paper shows (the screen shows it whole).
UNREADABLE_RAW_ON_PAPER = 300

#: Sections of the paper copy, in order.
PAPER_SECTIONS: tuple[str, ...] = (*RECORD_PARTS, "notes")


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _p(text: str) -> str:
    return f"<p>{_e(text)}</p>" if text else ""


#: Image addresses the paper copy uses for scannable codes; the printing side draws them.
QR_SCHEME = "qr:"
#: Printed size of a code in document pixels (about 4 cm on A4: a phone scans it at arm's length).
QR_PRINT_PX = 150


def qr_img(text: str) -> str:
    """An image tag for a scannable code of ``text`` (resolved by the printer's document)."""
    url = html.escape(QR_SCHEME + text, quote=True)
    return f'<p><img src="{url}" width="{QR_PRINT_PX}" height="{QR_PRINT_PX}"></p>'


def qr_payloads(page_html: str) -> list[str]:
    """The texts of every scannable code in a paper copy, in order."""
    return [html.unescape(m) for m in re.findall(r'<img src="qr:([^"]*)"', page_html)]


def _table(head: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    out = ['<table border="1" cellspacing="0" cellpadding="6" width="100%">', "<tr>"]
    out += [f'<th align="left">{_e(h)}</th>' for h in head]
    out.append("</tr>")
    for row in rows:
        out.append("<tr>" + "".join(f"<td>{_e(c)}</td>" for c in row) + "</tr>")
    out.append("</table>")
    return "".join(out)


def _medicines_html(record: Record, day: date) -> str:
    plan = day_plan(record.medications, day)
    parts: list[str] = []
    prescriptions = record.open_prescriptions()
    if not record.medications and not prescriptions:
        return _p(nothing_text("medicines"))
    caution = _p(plan_source_text(record.medications, day)) + _p(change_nothing_text())
    if plan.today:
        parts.append(
            f"<h3>{_e(_('What to take today, {date}').format(date=format_date(day)))}</h3>"
        )
        parts.append(caution)
        rows = []
        for row in plan.today:
            cells = [medicine_title(row.medication.name)]
            for m in MOMENTS:
                dose = row.dose_at(m)
                cells.append(dose_text(dose) if dose is not None else "—")
            rows.append(cells)
        parts.append(_table([_("Medicine"), *(moment_word(m) for m in MOMENTS)], rows))
    others = [*plan.other_days, *plan.as_needed, *plan.see_text]
    if others:
        parts.append(f"<h3>{_e(_('Not every day, or only when needed'))}</h3>")
        for row in others:
            how = ". ".join([*schedule_lines(row), row.medication.posology_text]).strip(". ")
            name = medicine_title(row.medication.name)
            parts.append(_p(_("{name}: {how}").format(name=name, how=how)))
    if prescriptions:
        parts.append(f"<h3>{_e(_('Prescriptions to collect at the pharmacy'))}</h3>")
        for pr in prescriptions:
            parts.append(
                _p(
                    _("{name}: code for the pharmacist {rid}").format(
                        name=pr.medication, rid=pr.rid
                    )
                )
            )
            parts.append(qr_img(pr.rid))
    parts.append(f"<h3>{_e(_('All my medicines'))}</h3>")
    parts.append(caution)
    for med in record.medications:
        status, _icon = status_text(med, day)
        name = medicine_title(med.name)
        parts.append(_p(_("{name}: {status}").format(name=name, status=status)))
        parts.append(_p(pack_size_text(med.name)))
    return "".join(parts)


def _vaccines_html(record: Record) -> str:
    if not record.vaccinations:
        return _p(nothing_text("vaccines"))
    rows = []
    for v in sorted(record.vaccinations, key=lambda v: v.date or date.min, reverse=True):
        rows.append(
            [
                ". ".join([v.vaccine, *vaccine_status_lines(v)]),
                vaccine_date_text(v),
                format_date(v.next_due) if v.next_due else "",
            ]
        )
    return _table([_("Vaccine"), _("Date"), _("Next dose")], rows)


def latest_results(record: Record) -> list[LabResult]:
    """The newest result of each test that the patient may see."""
    seen: dict[str, LabResult] = {}
    for r in sorted(
        record.lab_results,
        key=lambda r: r.date.replace(tzinfo=None) if r.date else datetime.min,
        reverse=True,
    ):
        if r.status is ResultStatus.HELD_BACK:
            continue
        seen.setdefault(r.test_key, r)
    return list(seen.values())


def _results_html(record: Record) -> str:
    latest = latest_results(record)
    if not latest:
        return _p(nothing_text("results"))
    rows = [
        [
            r.test_name,
            value_text(r),
            ". ".join(t for t in (range_text(r), target_text(r)) if t),
            _(INTERPRETATION[r.level][0]),
            format_date(r.date) if r.date else "",
        ]
        for r in latest
    ]
    heads = [_("Test"), _("Result"), _("Reference values"), _("Compared"), _("Date")]
    return _table(heads, rows)


def _allergies_html(record: Record) -> str:
    parts = [f"<h3>{_e(_('Allergies and bad reactions'))}</h3>"]
    if not record.allergies:
        parts.append(_p(nothing_text("allergies")))
    for a in record.allergies:
        line = ". ".join([f"{a.substance}: {_(ALLERGY_KIND[a.kind])}", *allergy_status_lines(a)])
        if a.reaction:
            line += ". " + reaction_text(a.reaction)
        parts.append(_p(line))
    parts.append(f"<h3>{_e(_('Health problems'))}</h3>")
    if not record.problems:
        parts.append(_p(nothing_text("problems")))
    for pb in record.problems:
        parts.append(_p(f"{pb.name}: {'. '.join(problem_status_lines(pb))}"))
    return "".join(parts)


def _documents_html(record: Record) -> str:
    if not record.documents:
        return _p(nothing_text("documents"))
    rows = [
        [
            ". ".join([d.title, superseded_text()]) if d.superseded else d.title,
            d.kind,
            d.author,
            format_date(d.date) if d.date else "",
        ]
        for d in sorted(
            record.documents,
            key=lambda d: d.date.replace(tzinfo=None) if d.date else datetime.min,
            reverse=True,
        )
    ]
    return _table([_("Document"), _("Kind"), _("Written by"), _("Date")], rows)


def _sharing_html(record: Record) -> str:
    parts = [_p(consent_text(record.consent))]
    if record.relations:
        parts.append(f"<h3>{_e(_('Care providers who treat you'))}</h3>")
        parts += [
            _p(", ".join(x for x in (r.name, r.role, r.organisation) if x))
            for r in record.relations
        ]
    if record.exclusions:
        parts.append(f"<h3>{_e(_('People you keep out'))}</h3>")
        parts += [_p(", ".join(x for x in (e.who, e.organisation) if x)) for e in record.exclusions]
    if record.access_log:
        parts.append(f"<h3>{_e(_('Who looked at my record'))}</h3>")
        rows = [
            [format_date(e.when) if e.when else "", e.who, e.organisation, e.what]
            for e in sorted(
                record.access_log,
                key=lambda e: e.when.replace(tzinfo=None) if e.when else datetime.min,
                reverse=True,
            )[:40]
        ]
        parts.append(_table([_("Date"), _("Who"), _("Where"), _("What")], rows))
    return "".join(parts)


def _notes_html(notes: Sequence[tuple[str, str]]) -> str:
    if not notes:
        return _p(_("You have not written any questions yet."))
    parts = []
    for key, text in notes:
        title = section_title(key) if key in SECTION_TITLES else _("Other questions")
        parts.append(f"<h3>{_e(title)}</h3>")
        parts += [_p(line) for line in text.splitlines() if line.strip()]
    return "".join(parts)


def paper_html(
    record: Record,
    sections: Sequence[str] = PAPER_SECTIONS,
    *,
    day: date | None = None,
    notes: Sequence[tuple[str, str]] = (),
    base_points: float = 16.0,
) -> str:
    """The paper copy as HTML in the current language (large type; headings per section)."""
    day = day or date.today()
    title = record_title(record.patient)
    parts = [
        '<html><head><meta charset="utf-8"><style>',
        f"body {{ font-size: {base_points:.0f}pt; }}",
        f"h1 {{ font-size: {base_points * 1.6:.0f}pt; }}",
        f"h2 {{ font-size: {base_points * 1.3:.0f}pt; }}",
        f"h3 {{ font-size: {base_points * 1.1:.0f}pt; }}",
        "</style></head><body>",
        f"<h1>{_e(title)}</h1>",
        _p(_("This is a copy for you. It is not an official document.")),
        _p(_("Made on {date}.").format(date=format_date(day))),
    ]
    for key in sections:
        parts.append(f"<h2>{_e(section_title(key))}</h2>")
        if key == "medicines":
            parts.append(_medicines_html(record, day))
        elif key == "vaccines":
            parts.append(_vaccines_html(record))
        elif key == "results":
            parts.append(_results_html(record))
        elif key == "allergies":
            parts.append(_allergies_html(record))
        elif key == "documents":
            parts.append(_documents_html(record))
        elif key == "sharing":
            parts.append(_sharing_html(record))
        elif key == "notes":
            parts.append(_notes_html(notes))
    if record.unreadable:
        parts.append(f"<h2>{_e(_('Parts we could not read'))}</h2>")
        n = len(record.unreadable)
        parts.append(
            _p(
                ngettext(
                    "{n} part of your record could not be read. Ask your doctor about it.",
                    "{n} parts of your record could not be read. Ask your doctor about them.",
                    n,
                ).format(n=n)
            )
        )
        rows = [
            [_(UNREADABLE_WHY[part.reason]), part.raw[:UNREADABLE_RAW_ON_PAPER], part.where]
            for part in record.unreadable
        ]
        parts.append(_table([_("Why"), _("What we received"), _("Technical detail")], rows))
    parts.append(_p(_("Questions? Ask your family doctor or your pharmacist.")))
    parts.append("</body></html>")
    return "".join(parts)
