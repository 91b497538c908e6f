"""PDF documents: a PDF file the patient received, and the pages of any PDF in the record.

Poppler's tools (``pdfinfo``, ``pdftoppm``, ``pdftotext``) read the PDF through pipes: nothing
is written to disk (the mediator and kiosk modes must leave nothing behind). A PDF that cannot
be read says why, in terms the screens put in words (:class:`PdfProblem`): it is damaged, it
is locked with a password, or this computer has no PDF reader for the program.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
from dataclasses import dataclass
from enum import Enum
from pathlib import PurePath

from assistant.errors import BadDataError
from assistant.records.model import Document, ItemSource, Record, SourceKind

log = logging.getLogger(__name__)

MAX_PAGES = 30
RENDER_DPI = 110
TOOL_TIMEOUT_S = 30
PDF_TYPE = "application/pdf"
#: A PDF's header may come after some bytes of something else (the specification allows it).
_HEADER_WITHIN = 1024


class PdfProblem(Enum):
    """Why a PDF cannot be shown."""

    DAMAGED = "damaged"
    LOCKED = "locked"  # a password is needed to open it
    NO_READER = "no_reader"  # poppler is not installed on this computer


class PdfError(BadDataError):
    """A PDF that cannot be shown; ``problem`` says why."""

    def __init__(self, detail: str, problem: PdfProblem) -> None:
        super().__init__(detail)
        self.problem = problem


@dataclass(frozen=True, slots=True)
class PdfInfo:
    title: str
    pages: int


@dataclass(frozen=True, slots=True)
class RenderedPdf:
    pages: tuple[bytes, ...]  # PNG per page
    page_count: int
    text: str


def looks_like_pdf(data: bytes) -> bool:
    """Whether ``data`` starts like a PDF (its header within the first 1024 bytes)."""
    return b"%PDF-" in data[:_HEADER_WITHIN]


def _run(args: list[str], data: bytes) -> bytes:
    tool = shutil.which(args[0])
    if tool is None:
        raise PdfError(f"{args[0]} not installed", PdfProblem.NO_READER)
    try:
        done = subprocess.run(
            [tool, *args[1:]],
            input=data,
            capture_output=True,
            timeout=TOOL_TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise PdfError(f"{args[0]} took too long", PdfProblem.DAMAGED) from None
    except OSError as exc:
        raise PdfError(
            f"{args[0]} did not start: {type(exc).__name__}", PdfProblem.NO_READER
        ) from None
    if done.returncode != 0:
        # poppler's words for a PDF that needs a password; its exit code is the same as for
        # a damaged file
        locked = b"password" in done.stderr.lower()
        raise PdfError(
            f"{args[0]} failed with code {done.returncode}",
            PdfProblem.LOCKED if locked else PdfProblem.DAMAGED,
        )
    return done.stdout


def pdf_info(data: bytes) -> PdfInfo:
    """The title and page count of a PDF; raises :class:`PdfError`. Blocking."""
    if not looks_like_pdf(data):
        raise PdfError("not a PDF", PdfProblem.DAMAGED)
    info = _run(["pdfinfo", "-enc", "UTF-8", "-"], data).decode("utf-8", "replace")
    title = ""
    pages = 0
    for line in info.splitlines():
        key, _sep, value = line.partition(":")
        if key == "Title":
            title = " ".join(value.split())
        elif key == "Pages":
            try:
                pages = int(value.strip() or 0)
            except ValueError:
                pages = 0
    if pages < 1:
        raise PdfError("a PDF without pages", PdfProblem.DAMAGED)
    return PdfInfo(title=title, pages=pages)


def render_pdf(data: bytes, dpi: int = RENDER_DPI) -> RenderedPdf:
    """PNG images of the pages (at most MAX_PAGES) and the text; raises :class:`PdfError`.
    Blocking."""
    count = pdf_info(data).pages
    pages = tuple(
        _run(
            ["pdftoppm", "-png", "-r", str(dpi), "-f", str(n), "-l", str(n), "-singlefile", "-"],
            data,
        )
        for n in range(1, min(count, MAX_PAGES) + 1)
    )
    try:
        text = _run(["pdftotext", "-layout", "-enc", "UTF-8", "-", "-"], data).decode(
            "utf-8", "replace"
        )
    except PdfError:
        text = ""
    return RenderedPdf(pages, count, text)


def record_from_pdf(data: bytes, label: str) -> Record:
    """A record holding one document: the PDF file the patient opened.

    Its title is the PDF's own title, else the file's name without ``.pdf``. A damaged or
    locked PDF raises :class:`PdfError`; without poppler the PDF is still kept (the system
    viewer may show it at home)."""
    source = ItemSource(SourceKind.PDF_FILE, label)
    title = ""
    try:
        title = pdf_info(data).title
    except PdfError as exc:
        if exc.problem is not PdfProblem.NO_READER:
            raise
        log.warning("PDF not checked: %s", exc.detail)
    if not title:
        name = PurePath(label)
        title = name.stem if name.suffix.lower() == ".pdf" else name.name
    record = Record(
        documents=[Document(title=title, content_type=PDF_TYPE, content=data, source=source)],
        sources=[source],
    )
    return record


__all__ = [
    "MAX_PAGES",
    "PDF_TYPE",
    "PdfError",
    "PdfInfo",
    "PdfProblem",
    "RenderedPdf",
    "looks_like_pdf",
    "pdf_info",
    "record_from_pdf",
    "render_pdf",
]
