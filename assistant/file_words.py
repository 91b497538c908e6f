"""The plain words about files the patient received: where an opened record comes from (an
International Patient Summary of a date, by its author) and why a PDF document cannot be shown.
English Easy Read msgids translated at call time (``assistant.i18n``)."""

from __future__ import annotations

from assistant.i18n import _, format_date
from assistant.records.model import PatientSummary, Record
from assistant.records.pdf import PdfProblem


def summary_text(summary: PatientSummary) -> str:
    """ "International Patient Summary of 11 December 2017", with its author when known."""
    what = (
        _("International Patient Summary of {date}").format(date=format_date(summary.date))
        if summary.date is not None
        else _("International Patient Summary")
    )
    if summary.author:
        return what + ". " + _("Made by {who}.").format(who=summary.author)
    return what + "."


def record_origin_lines(record: Record) -> list[str]:
    """One line per patient summary the record was read from (none for other sources)."""
    return [summary_text(s) for s in record.summaries]


def summary_statements(record: Record, part: str) -> list[str]:
    """What the record's patient summaries say instead of items for ``part`` (a record part,
    or "problems"), e.g. "No known food allergy": facts, not items of a list."""
    seen: dict[str, None] = {}
    for summary in record.summaries:
        seen.update(dict.fromkeys(summary.statements(part)))
    return list(seen)


def summary_says(statement: str) -> str:
    return _("Your summary says: {text}").format(text=statement)


def pdf_problem_lines(problem: PdfProblem, *, outside: bool = False) -> list[str]:
    """Why a PDF is not shown, then what to do. ``outside``: the computer's own PDF program
    may be used (home mode)."""
    if problem is PdfProblem.DAMAGED:
        return [
            _("This document is damaged. We cannot show it."),
            _("Ask the person who sent it for a new copy."),
        ]
    if problem is PdfProblem.LOCKED:
        return [
            _("This document is locked with a password. This program cannot open it."),
            _("Open it in your PDF program. It will ask for the password.")
            if outside
            else _("Ask the person who sent it for a copy without a password."),
        ]
    return [
        _("This program cannot show this document."),
        _("Open it in your PDF program.") if outside else _("Ask your doctor for a paper copy."),
    ]


__all__ = [
    "pdf_problem_lines",
    "record_origin_lines",
    "summary_says",
    "summary_statements",
    "summary_text",
]
