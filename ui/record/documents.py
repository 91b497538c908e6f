"""My documents: the list by date, and a document opened inside the program (PDF or text).

PDF pages are drawn by poppler's ``pdftoppm`` through pipes (nothing is written to disk: the
mediator and kiosk modes must leave nothing behind), in a worker so the screen never freezes.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import partial

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPixmap, QTextDocument
from PySide6.QtWidgets import QLabel

from assistant.errors import AssistantError, BadDataError
from assistant.i18n import _, format_date, ngettext
from assistant.record_words import nothing_text, superseded_text
from assistant.records.model import Document, Record
from ui.qt_stub_fixes import char_p
from ui.record.glossary_lookup import coded_name
from ui.record.page import ItemCard, Navigator, Page, small_button
from ui.widgets import announce
from ui.workers import Job, run_in_worker

log = logging.getLogger(__name__)

MAX_PAGES = 30
RENDER_DPI = 110
TOOL_TIMEOUT_S = 30


@dataclass(frozen=True, slots=True)
class RenderedPdf:
    pages: tuple[bytes, ...]  # PNG per page
    page_count: int
    text: str


def _run(args: list[str], data: bytes) -> bytes:
    tool = shutil.which(args[0])
    if tool is None:
        raise BadDataError(f"{args[0]} not installed")
    done = subprocess.run(
        [tool, *args[1:]], input=data, capture_output=True, timeout=TOOL_TIMEOUT_S, check=False
    )
    if done.returncode != 0:
        raise BadDataError(f"{args[0]} failed with code {done.returncode}")
    return done.stdout


def render_pdf(data: bytes, dpi: int = RENDER_DPI) -> RenderedPdf:
    """PNG images of the pages (at most MAX_PAGES) and the text, through pipes. Blocking."""
    if not data.startswith(b"%PDF"):
        raise BadDataError("not a PDF")
    info = _run(["pdfinfo", "-"], data).decode("utf-8", "replace")
    count = 0
    for line in info.splitlines():
        if line.startswith("Pages:"):
            count = int(line.split(":", 1)[1].strip() or 0)
    pages = tuple(
        _run(
            ["pdftoppm", "-png", "-r", str(dpi), "-f", str(n), "-l", str(n), "-singlefile", "-"],
            data,
        )
        for n in range(1, min(count, MAX_PAGES) + 1)
    )
    try:
        text = _run(["pdftotext", "-layout", "-", "-"], data).decode("utf-8", "replace")
    except BadDataError:
        text = ""
    return RenderedPdf(pages, count, text)


def document_text(doc: Document) -> str | None:
    """The text of a text or HTML document, or None when it is not text."""
    if doc.content is None:
        return None
    ctype = doc.content_type.lower()
    if not (ctype.startswith("text/") or ctype in ("application/xhtml+xml", "")):
        return None
    try:
        raw = doc.content.decode("utf-8")
    except UnicodeDecodeError:
        raw = doc.content.decode("latin-1")
    if "html" in ctype:
        html = QTextDocument()
        html.setHtml(raw)
        return html.toPlainText()
    if ctype == "" and raw.startswith("%PDF"):
        return None
    return raw


def is_pdf(doc: Document) -> bool:
    return doc.content is not None and (
        doc.content_type.lower() == "application/pdf" or doc.content.startswith(b"%PDF")
    )


def sorted_documents(record: Record) -> list[tuple[int, Document]]:
    """(index in the record, document), the newest first."""

    def newest(item: tuple[int, Document]) -> datetime:
        d = item[1].date
        return d.replace(tzinfo=None) if d else datetime.min

    return sorted(enumerate(record.documents), key=newest, reverse=True)


class DocumentsPage(Page):
    key = "documents"
    icon = "documents"

    def title(self) -> str:
        return _("My documents")

    def build(self) -> Iterator[None]:
        docs = sorted_documents(self.record)
        if not docs:
            self.add_text(nothing_text("documents"))
            return
        self.add_text(
            ngettext(
                "Your record has {n} document.", "Your record has {n} documents.", len(docs)
            ).format(n=len(docs))
            + " "
            + _("The newest is first.")
        )
        yield from self.part_chooser(len(docs))
        for index, doc in docs[self.part_slice()]:
            lines = [
                format_date(doc.date) if doc.date else _("Date not known"),
                coded_name(doc.kind, doc.codings) if doc.kind else "",
                _("Written by {who}").format(who=doc.author) if doc.author else "",
                superseded_text() if doc.superseded else "",
            ]
            card = ItemCard("document", doc.title or _("Document"), lines, self.body)
            card.add_button(
                small_button(_("Open"), "document", partial(self.nav.open_page, "document", index))
            ).setAccessibleName(_("Open {title}").format(title=card.title))
            if doc.codings or doc.kind:
                card.add_explain(self.nav, doc.kind or card.title, doc.codings)
            self.add_card(card)
            yield


class DocumentPage(Page):
    """One document shown inside the program."""

    key = "document"
    icon = "document"

    def __init__(self, record: Record, nav: Navigator, index: int) -> None:
        self.doc = record.documents[index]
        self.job: Job[RenderedPdf] | None = None
        self.rendered: RenderedPdf | None = None
        self.failed = False
        self.page_labels: list[QLabel] = []
        super().__init__(record, nav)

    def title(self) -> str:
        return self.doc.title or _("Document")

    def build(self) -> None:
        doc = self.doc
        facts = [
            format_date(doc.date) if doc.date else "",
            coded_name(doc.kind, doc.codings) if doc.kind else "",
            _("Written by {who}").format(who=doc.author) if doc.author else "",
            superseded_text() if doc.superseded else "",
        ]
        for fact in facts:
            if fact:
                self.add_text(fact, "muted")
        self.add(
            small_button(
                _("Write a question"), "write", lambda: self.nav.open_page("notes", "documents")
            )
        )
        if is_pdf(doc):
            if self.rendered is not None:
                self._show_pages(self.rendered)
            elif self.failed:
                self._cannot_show()
            else:
                self.status = self.add_text(_("Please wait. The document is opening."))
                if self.job is None:
                    data = doc.content or b""
                    self.job = run_in_worker(
                        lambda: render_pdf(data), self._on_rendered, self._on_failed
                    )
            return
        text = document_text(doc)
        if text is not None:
            label = self.add_text(text)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            label.setProperty("documentText", True)
            return
        if doc.content is None and doc.url:
            self.add_text(_("This document is kept by your hospital or your doctor."))
            self.add_text(_("Ask them for a copy."))
            return
        self._cannot_show()

    def dispose(self) -> None:
        if self.job is not None:
            self.job.cancel()

    def _cannot_show(self) -> None:
        self.add_text(_("This program cannot show this document."), "problem")
        self.add_text(_("Ask your doctor for a paper copy."))

    def _on_rendered(self, result: RenderedPdf) -> None:
        self.rendered = result
        self.rebuild()
        announce(self, _("The document is open."))

    def _on_failed(self, exc: AssistantError) -> None:
        log.warning("document could not be drawn: %s", exc.log_name)
        self.failed = True
        self.rebuild()

    def _show_pages(self, rendered: RenderedPdf) -> None:
        total = rendered.page_count
        self.page_labels = []
        for n, png in enumerate(rendered.pages, start=1):
            image = QImage.fromData(png, char_p("PNG"))
            label = QLabel(self.body)
            label.setPixmap(QPixmap.fromImage(image))
            label.setAlignment(Qt.AlignmentFlag.AlignHCenter)
            label.setAccessibleName(_("Page {n} of {total}").format(n=n, total=total))
            label.setAccessibleDescription(rendered.text[:2000])
            self.add(label)
            self.page_labels.append(label)
        if total > len(rendered.pages):
            self.add_text(
                _("This document has {total} pages. Only the first {n} are shown here.").format(
                    total=total, n=len(rendered.pages)
                )
            )

    def speech_text(self) -> str:
        base = super().speech_text()
        if self.rendered is not None and self.rendered.text:
            return base + "\n" + self.rendered.text
        return base
