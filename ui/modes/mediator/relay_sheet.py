""" "Relay to care providers": a printable sheet with the patient's question and whom to ask.

Mediators are not medical experts: when the patient has a medical question, the mediator
helps to write it down and prints this sheet for the pharmacist or the doctor. The sheet holds
no name and no national number; it is printed, never saved (mediator mode writes nothing).
"""

from __future__ import annotations

import html
import logging
from dataclasses import dataclass, field
from datetime import date
from enum import Enum
from pathlib import Path

from PySide6.QtCore import QMarginsF, Signal
from PySide6.QtGui import QPageLayout, QPageSize, QTextDocument
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QGridLayout,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from assistant.i18n import N_, _, format_date
from assistant.settings import FileAccess
from ui.printing import choose_printer
from ui.widgets import BigButton, Body, Heading, announce

log = logging.getLogger(__name__)


class RelayTopic(Enum):
    """What the question is about (chooses whom to ask)."""

    MEDICINE = "medicine"
    RESULT = "result"
    VACCINE = "vaccine"
    DOCUMENT = "document"
    OTHER = "other"


#: Topic -> (button text, pictogram).
TOPIC_LABELS: dict[RelayTopic, tuple[str, str]] = {
    RelayTopic.MEDICINE: (N_("A medicine"), "medicines"),
    RelayTopic.RESULT: (N_("A test result"), "lab-results"),
    RelayTopic.VACCINE: (N_("A vaccine"), "vaccine"),
    RelayTopic.DOCUMENT: (N_("A document from the hospital"), "documents"),
    RelayTopic.OTHER: (N_("Something else"), "help"),
}

#: Topic -> whom to ask, in order (each: who, why).
WHOM_TO_ASK: dict[RelayTopic, tuple[tuple[str, str], ...]] = {
    RelayTopic.MEDICINE: (
        (N_("Your pharmacist"), N_("for how to take a medicine and its side effects.")),
        (N_("Your family doctor"), N_("to change or stop a medicine.")),
    ),
    RelayTopic.RESULT: (
        (N_("The doctor who asked for the test"), N_("to explain what the result means.")),
        (N_("Your family doctor"), N_("if you do not know who asked for it.")),
    ),
    RelayTopic.VACCINE: (
        (N_("Your family doctor"), N_("for which vaccines you need and when.")),
        (N_("Your pharmacist"), N_("for some vaccines, like the flu vaccine.")),
    ),
    RelayTopic.DOCUMENT: (
        (N_("The doctor who wrote the document"), N_("to explain what it says.")),
        (N_("Your family doctor"), N_("to talk about what happens next.")),
    ),
    RelayTopic.OTHER: ((N_("Your family doctor"), N_("for any question about your health.")),),
}


@dataclass(frozen=True)
class RelaySheet:
    """One question to take to a care provider."""

    question: str
    topic: RelayTopic = RelayTopic.OTHER
    day: date = field(default_factory=date.today)

    def whom(self) -> list[tuple[str, str]]:
        """Whom to ask, translated into the current language."""
        return [(_(who), _(why)) for who, why in WHOM_TO_ASK[self.topic]]


def relay_html(sheet: RelaySheet) -> str:
    """The sheet as simple HTML, large print, in the current language."""
    esc = html.escape
    question = esc(sheet.question.strip() or _("(Write your question here.)")).replace("\n", "<br>")
    rows = "".join(f"<li><b>{esc(who)}</b> — {esc(why)}</li>" for who, why in sheet.whom())
    return f"""<html><body style="font-family: 'Atkinson Hyperlegible', sans-serif;
 font-size: 16pt; color: #000000;">
<h1 style="font-size: 24pt;">{esc(_("My question for a care provider"))}</h1>
<p>{esc(_("Date: {day}").format(day=format_date(sheet.day)))}</p>
<h2 style="font-size: 20pt;">{esc(_("My question"))}</h2>
<table width="100%" border="1" cellpadding="12" cellspacing="0"><tr><td>{question}</td></tr>
</table>
<h2 style="font-size: 20pt;">{esc(_("Whom to ask"))}</h2>
<ul>{rows}</ul>
<h2 style="font-size: 20pt;">{esc(_("What to bring"))}</h2>
<ul><li>{esc(_("This sheet."))}</li><li>{esc(_("Your identity card."))}</li>
<li>{esc(_("Your medicines or their boxes, if the question is about a medicine."))}</li></ul>
<p style="font-size: 12pt;">{esc(_("In an emergency, call 112."))}</p>
</body></html>"""


def relay_document(sheet: RelaySheet) -> QTextDocument:
    doc = QTextDocument()
    doc.setHtml(relay_html(sheet))
    return doc


def _prepare(printer: QPrinter) -> None:
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    printer.setPageMargins(QMarginsF(18, 18, 18, 18), QPageLayout.Unit.Millimeter)


def print_sheet(sheet: RelaySheet, printer: QPrinter) -> None:
    """Print (or render to the printer's PDF file) the sheet."""
    _prepare(printer)
    relay_document(sheet).print_(printer)


def render_pdf(sheet: RelaySheet, path: Path) -> Path:
    """Write the sheet as PDF to ``path`` (tests and home mode; mediator mode prints)."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    print_sheet(sheet, printer)
    return path


class RelaySheetDialog(QDialog):
    """Choose the topic, write the question, print. Nothing is kept after closing.

    ``file_access`` is the mode's rule about files (:attr:`assistant.settings.Settings.
    file_access`): the print goes through :func:`ui.printing.choose_printer`, so on a public
    computer only a printer that prints on paper is accepted.
    """

    printed = Signal()

    def __init__(
        self, parent: QWidget | None = None, *, file_access: FileAccess = FileAccess.NONE
    ) -> None:
        super().__init__(parent)
        self.file_access = file_access
        self.setObjectName("relaySheetDialog")
        self.setModal(True)
        self._topic = RelayTopic.OTHER
        lay = QVBoxLayout(self)
        lay.setSpacing(14)
        self.heading = Heading("", self)
        lay.addWidget(self.heading)
        self.topic_text = Body("", self)
        lay.addWidget(self.topic_text)
        grid = QGridLayout()
        self.topic_group = QButtonGroup(self)
        self.topic_buttons: dict[RelayTopic, BigButton] = {}
        for i, topic in enumerate(RelayTopic):
            _text, icon = TOPIC_LABELS[topic]
            button = BigButton("", icon, self)
            button.setCheckable(True)
            button.setObjectName(f"topic_{topic.value}")
            button.setProperty("relayTopic", topic.value)
            button.clicked.connect(self._topic_clicked)
            self.topic_group.addButton(button)
            self.topic_buttons[topic] = button
            grid.addWidget(button, i // 2, i % 2)
        lay.addLayout(grid)
        self.question_text = Body("", self)
        lay.addWidget(self.question_text)
        self.question = QPlainTextEdit(self)
        self.question.setObjectName("relayQuestion")
        self.question.setMinimumHeight(120)
        lay.addWidget(self.question)
        self.whom = Body("", self)
        self.whom.setObjectName("relayWhom")
        lay.addWidget(self.whom)
        #: Why the last print was refused (a printer that makes a file), else hidden.
        self.print_problem = Body("", self, "problem")
        self.print_problem.setObjectName("relayPrintProblem")
        self.print_problem.hide()
        lay.addWidget(self.print_problem)
        self.print_button = BigButton("", "print", self, primary=True)
        self.print_button.setObjectName("relayPrint")
        self.print_button.clicked.connect(self.print_with_dialog)
        self.close_button = BigButton("", "close", self)
        self.close_button.setObjectName("relayClose")
        self.close_button.clicked.connect(self.reject)
        lay.addWidget(self.print_button)
        lay.addWidget(self.close_button)
        self.topic_buttons[RelayTopic.OTHER].setChecked(True)
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(_("Relay to care providers"))
        self.heading.setText(_("A question for a doctor or a pharmacist"))
        self.topic_text.setText(_("What is the question about?"))
        for topic, button in self.topic_buttons.items():
            button.set_text(_(TOPIC_LABELS[topic][0]))
        self.question_text.setText(_("Write the question in the patient's own words."))
        self.question.setAccessibleName(_("The question"))
        self.print_button.set_text(_("Print the sheet"))
        self.close_button.set_text(_("Close"))
        self._update_whom()

    def _topic_clicked(self) -> None:
        sender = self.sender()
        value = sender.property("relayTopic") if sender is not None else None
        if isinstance(value, str):
            self.set_topic(RelayTopic(value))

    def set_topic(self, topic: RelayTopic) -> None:
        self._topic = topic
        self.topic_buttons[topic].setChecked(True)
        self._update_whom()

    def _update_whom(self) -> None:
        lines = [_("Whom to ask:")]
        lines += [f"• {who} — {why}" for who, why in self.sheet().whom()]
        self.whom.setText("\n".join(lines))

    def sheet(self) -> RelaySheet:
        return RelaySheet(self.question.toPlainText(), self._topic)

    def print_with_dialog(self) -> bool:
        """Ask for a printer (the mode's printing rule) and print; True when printed."""
        printer, refusal = choose_printer(self, self.file_access)
        if printer is None:
            if refusal:
                self.print_problem.setText(refusal)
                self.print_problem.show()
                announce(self.print_problem, refusal)
            return False
        self.print_problem.hide()
        print_sheet(self.sheet(), printer)
        self.printed.emit()
        return True

    def done(self, result: int) -> None:
        # The question may be health data: forget it when the dialog closes.
        self.question.clear()
        self.print_problem.hide()
        super().done(result)
