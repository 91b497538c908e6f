"""PDF documents the patient received: opened as a record with one document, titled; a
damaged or locked PDF says so (PdfProblem), never a silent failure; without poppler the file is
still kept."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assistant.errors import BadDataError, ProblemKind
from assistant.records import pdf
from assistant.records.files import open_record_file, record_from_bytes
from assistant.records.model import SourceKind
from assistant.records.pdf import PdfError, PdfProblem, pdf_info, render_pdf
from tests.support.pdf import small_pdf

needs_poppler = pytest.mark.skipif(
    shutil.which("pdfinfo") is None, reason="poppler-utils (pdfinfo) is needed"
)


@needs_poppler
def test_a_pdf_file_opens_as_one_document_with_its_own_title(tmp_path: Path) -> None:
    path = tmp_path / "scan_0042.pdf"
    data = small_pdf("Letter from the hospital")
    path.write_bytes(data)
    record = open_record_file(path)
    (doc,) = record.documents
    assert doc.title == "Letter from the hospital"
    assert doc.content == data and doc.content_type == "application/pdf"
    assert doc.source is not None and doc.source.kind is SourceKind.PDF_FILE
    assert record.sources[0].label == "scan_0042.pdf"
    assert not record.is_empty and not record.unreadable


@needs_poppler
def test_a_pdf_without_a_title_is_named_by_its_file(tmp_path: Path) -> None:
    record = record_from_bytes(small_pdf(""), "Résultats labo.PDF")
    assert record.documents[0].title == "Résultats labo"


@needs_poppler
def test_the_content_decides_not_the_name() -> None:
    assert record_from_bytes(small_pdf("A"), "letter.json").documents[0].title == "A"


@needs_poppler
@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"%PDF-1.4\nthis is not the rest of a PDF", PdfProblem.DAMAGED),
        (small_pdf("Locked", password="secret"), PdfProblem.LOCKED),
        (small_pdf("Cut off")[:200], PdfProblem.DAMAGED),
    ],
    ids=["damaged", "locked", "cut-off"],
)
def test_a_pdf_that_cannot_be_shown_says_why(
    tmp_path: Path, data: bytes, problem: PdfProblem
) -> None:
    path = tmp_path / "document.pdf"
    path.write_bytes(data)
    with pytest.raises(PdfError) as info:
        open_record_file(path)
    assert info.value.problem is problem
    assert isinstance(info.value, BadDataError) and info.value.kind is ProblemKind.BAD_DATA
    with pytest.raises(PdfError) as rendered:
        render_pdf(data)
    assert rendered.value.problem is problem


def test_not_a_pdf_is_damaged() -> None:
    with pytest.raises(PdfError) as info:
        pdf_info(b"GIF89a")
    assert info.value.problem is PdfProblem.DAMAGED


def test_without_poppler_the_pdf_is_kept_with_its_file_name(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(pdf.shutil, "which", lambda _name: None)
    record = record_from_bytes(small_pdf("Letter"), "letter.pdf")
    assert record.documents[0].title == "letter"
    with pytest.raises(PdfError) as info:
        render_pdf(small_pdf("Letter"))
    assert info.value.problem is PdfProblem.NO_READER


@needs_poppler
def test_pages_and_text_are_drawn() -> None:
    rendered = render_pdf(small_pdf("T", text="Bonjour"))
    assert rendered.page_count == 1 and rendered.pages[0].startswith(b"\x89PNG")
    assert "Bonjour" in rendered.text
