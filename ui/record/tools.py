"""The patient's tools: questions for my doctor, paper copy, continue on my phone, and the
parts of the record that could not be read."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from pathlib import Path

from PySide6.QtCore import QTimer, QUrl
from PySide6.QtGui import QFont, QHideEvent, QPageLayout, QPageSize, QTextDocument
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import (
    QButtonGroup,
    QFileDialog,
    QGridLayout,
    QPlainTextEdit,
    QWidget,
)

from assistant.i18n import _
from assistant.notes import SECTIONS, Notebook
from assistant.paper_copy import PAPER_SECTIONS, QR_SCHEME, paper_html, qr_payloads
from assistant.portal.urls import portal_url
from assistant.record_words import UNREADABLE_WHY, section_title
from assistant.records.model import Record
from assistant.settings import FileAccess
from ui import theme as theme_mod
from ui.printing import choose_printer
from ui.record.page import ItemCard, Navigator, Page, small_button
from ui.record.qr import QrCode, qr_image
from ui.widgets import BigButton, BigComboBox, Body, announce

log = logging.getLogger(__name__)

NOTE_SAVE_DELAY_MS = 400


def notes_section_title(key: str) -> str:
    if key == "general":
        return _("General questions")
    return section_title(key)


class NotesPage(Page):
    """Questions for my doctor: one short text per section, saved as the patient types."""

    key = "notes"
    icon = "notes"

    def __init__(
        self, record: Record, nav: Navigator, notebook: Notebook, section: str = "general"
    ) -> None:
        self.notebook = notebook
        self.section = section if section in SECTIONS else "general"
        self._timer = QTimer()
        self._timer.setSingleShot(True)
        self._timer.setInterval(NOTE_SAVE_DELAY_MS)
        self._timer.timeout.connect(self.save)
        super().__init__(record, nav)

    def title(self) -> str:
        return _("Questions for my doctor")

    def build(self) -> None:
        self.add_text(_("Write what you want to ask your doctor. Take it with you on paper."))
        if self.notebook.persistent:
            self.add_text(_("Your questions are saved on this computer."), "muted")
        else:
            self.add_text(
                _("Your questions are kept only until you finish. Print them to keep them."),
                "muted",
            )
        self.chooser = BigComboBox(self.body)  # (its arrow large and in the theme colour)
        self.chooser.setAccessibleName(_("About which part of my record?"))
        for key in SECTIONS:
            self.chooser.addItem(notes_section_title(key), key)
        self.chooser.setCurrentIndex(SECTIONS.index(self.section))
        self.chooser.currentIndexChanged.connect(self._on_section)
        self.add_text(_("About which part of my record?"))
        self.add(self.chooser)
        self.editor = QPlainTextEdit(self.body)
        self.editor.setAccessibleName(
            _("My questions about: {part}").format(part=notes_section_title(self.section))
        )
        self.editor.setPlainText(self.notebook.get(self.section))
        self.editor.setMinimumHeight(round(180 * theme_mod.current().text_scale))
        self.editor.textChanged.connect(self._timer.start)
        self.add(self.editor)
        self.add(
            small_button(
                _("Print my questions"), "print", lambda: self.nav.open_page("paper", "notes")
            )
        )

    def _on_section(self, index: int) -> None:
        self.save()
        self.section = SECTIONS[index]
        self.editor.blockSignals(True)
        self.editor.setPlainText(self.notebook.get(self.section))
        self.editor.blockSignals(False)
        self.editor.setAccessibleName(
            _("My questions about: {part}").format(part=notes_section_title(self.section))
        )

    def save(self) -> None:
        self._timer.stop()
        try:
            self.notebook.set(self.section, self.editor.toPlainText())
        except OSError as exc:
            log.warning("notes could not be saved: %s", type(exc).__name__)
            announce(self, _("Your questions could not be saved on this computer."))

    def rebuild(self) -> None:
        if self.body is not None:  # (not before the first build: no editor yet)
            self.save()
        super().rebuild()

    def hideEvent(self, event: QHideEvent) -> None:
        if self._timer.isActive():
            self.save()
        super().hideEvent(event)


def make_document(html: str) -> QTextDocument:
    doc = QTextDocument()
    font = QFont(theme_mod.current().family)
    font.setPointSizeF(16)
    doc.setDefaultFont(font)
    doc.setHtml(html)
    for payload in qr_payloads(html):  # scannable codes (prescriptions) drawn black on white
        url = QUrl(QR_SCHEME + payload)
        doc.addResource(QTextDocument.ResourceType.ImageResource, url, qr_image(payload, 8))
    return doc


def write_pdf(html: str, path: Path) -> None:
    """Print the paper copy into a PDF file (A4, margins for hole punching)."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    printer.setPageOrientation(QPageLayout.Orientation.Portrait)
    printer.setDocName(_("My health record"))
    make_document(html).print_(printer)


class PaperPage(Page):
    """Paper copy: pick the whole record or one part, then print or save it as a PDF."""

    key = "paper"
    icon = "print"

    def __init__(
        self,
        record: Record,
        nav: Navigator,
        notebook: Notebook,
        preselect: str = "all",
        may_save: bool = True,
        file_access: FileAccess = FileAccess.ANY,
    ) -> None:
        self.notebook = notebook
        self.choice = preselect
        self.may_save = may_save and file_access is FileAccess.ANY
        self.file_access = file_access
        self.last_pdf: Path | None = None
        super().__init__(record, nav)

    def title(self) -> str:
        return _("Paper copy")

    def sections(self) -> Sequence[str]:
        return PAPER_SECTIONS if self.choice == "all" else (self.choice,)

    def html(self) -> str:
        return paper_html(self.record, self.sections(), notes=self.notebook.items())

    def build(self) -> None:
        self.add_text(_("1. Choose what you want on paper."))
        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        choices = [("all", _("The whole record"))]
        choices += [(k, section_title(k)) for k in PAPER_SECTIONS]
        self.choice_buttons: dict[str, BigButton] = {}
        grid_box = QWidget(self.body)
        grid = QGridLayout(grid_box)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(10)
        columns = 2 if theme_mod.current().text_scale < 1.5 else 1
        for i, (key, text) in enumerate(choices):
            button = BigButton(text, "choice-on" if key == self.choice else "choice-off")
            button.setCheckable(True)
            button.setChecked(key == self.choice)
            button.toggled.connect(lambda on, k=key: self._choose(k) if on else None)
            self.group.addButton(button)
            self.choice_buttons[key] = button
            grid.addWidget(button, i // columns, i % columns)
        for c in range(columns):
            grid.setColumnStretch(c, 1)
        self.add(grid_box)
        # The choice in words too, not only by the mark and the border of the button.
        self.chosen_text = self.add_text("")
        self.chosen_text.setObjectName("paperChosen")
        self._show_choice()
        self.add_text(_("2. Print it, or save it as a PDF file."))
        self.print_button = BigButton(_("Print"), "print", primary=True)
        self.print_button.setObjectName("print_copy")
        self.print_button.clicked.connect(self.print_copy)
        self.add(self.print_button)
        self.print_problem: Body | None = None
        if self.may_save:
            self.save_button = BigButton(_("Save as a PDF file"), "pdf")
            self.save_button.setObjectName("save_pdf")
            self.save_button.clicked.connect(self.save_pdf)
            self.add(self.save_button)
        self.add_text(
            _("The copy is in your language, in large letters, with today's date."), "muted"
        )

    def _choose(self, key: str) -> None:
        self.choice = key
        self._show_choice()

    def _show_choice(self) -> None:
        for k, button in self.choice_buttons.items():
            chosen = k == self.choice
            button.set_icon_name("choice-on" if chosen else "choice-off")
            button.setAccessibleDescription(_("Chosen") if chosen else "")
        self.chosen_text.setText(
            _("Chosen: {choice}").format(choice=self.choice_buttons[self.choice].text())
        )

    def print_copy(self) -> None:
        printer, refusal = choose_printer(self, self.file_access)
        if printer is not None:
            make_document(self.html()).print_(printer)
            announce(self, _("The copy is sent to the printer."))
        elif refusal:
            announce(self, refusal)
            if self.print_problem is None:
                self.print_problem = self.add_text(refusal, "problem")
            self.print_problem.setText(refusal)

    def save_pdf(self) -> None:
        suggested = _("my-health-record") + ".pdf"
        path, _filter = QFileDialog.getSaveFileName(
            self, _("Save as a PDF file"), str(Path.home() / suggested), "PDF (*.pdf)"
        )
        if path:
            self.save_pdf_to(Path(path))

    def save_pdf_to(self, path: Path) -> None:
        if path.suffix.lower() != ".pdf":
            path = path.with_suffix(".pdf")
        write_pdf(self.html(), path)
        self.last_pdf = path
        announce(self, _("The PDF file is saved."))


class PhonePage(Page):
    """Continue on my phone: a code that opens the official portal."""

    key = "phone"
    icon = "phone"

    def title(self) -> str:
        return _("Continue on my phone")

    def build(self) -> None:
        url = portal_url()
        self.add_text(_("You can see your record on your phone too, on the official website."))
        self.qr = QrCode(url, _("Code that opens the official website on your phone"), self.body)
        self.add(self.qr)
        for text in (
            _("1. Open the camera of your phone."),
            _("2. Point it at this code."),
            _("3. Tap the link that appears."),
            _("4. Log in with the itsme app or with your eID card."),
        ):
            self.add_text(text)
        self.add_text(_("The address of the website is: {url}").format(url=url), "muted")


class UnreadablePage(Page):
    """The parts of the record that could not be read: never dropped in silence."""

    key = "unreadable"
    icon = "warning"

    def title(self) -> str:
        return _("Parts we could not read")

    def build(self) -> Iterator[None]:
        self.add_text(_("We show everything we could read. These parts we could not read."))
        self.add_text(_("Ask your doctor about them. Show them this page."))
        for part in self.record.unreadable:
            lines = [
                _(UNREADABLE_WHY[part.reason]),
                _("What we received: {text}").format(text=part.raw) if part.raw else "",
                _("Technical detail: {where}").format(where=part.where),
            ]
            self.add_card(ItemCard("warning", _("A part we could not read"), lines, self.body))
            yield
