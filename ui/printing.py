"""Printing a paper copy, with the one rule of the mode about files.

At home a print dialog may offer "Print to File (PDF)": the patient's own computer. On a public
computer (mediator) or a kiosk, a print must reach a real printer and nothing else: the dialog
offers no file, and a printer that writes files (a PDF printer such as CUPS-PDF, or any output
file set another way) is refused after the dialog, before anything is printed.
"""

from __future__ import annotations

import logging

from PySide6.QtPrintSupport import QAbstractPrintDialog, QPrintDialog, QPrinter, QPrinterInfo
from PySide6.QtWidgets import QWidget

from assistant.i18n import _
from assistant.platform_choices import file_printer_words
from assistant.settings import FileAccess

log = logging.getLogger(__name__)


def print_dialog(printer: QPrinter, parent: QWidget | None, access: FileAccess) -> QPrintDialog:
    """The print dialog for this mode: "Print to file" only where files may be written."""
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle(_("Print"))
    dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintToFile, access is FileAccess.ANY)
    return dialog


def writes_a_file(printer: QPrinter) -> bool:
    """Whether printing on ``printer`` would write a file rather than paper."""
    if printer.outputFormat() is not QPrinter.OutputFormat.NativeFormat:
        return True
    if printer.outputFileName():
        return True
    info = QPrinterInfo(printer)
    names = f"{printer.printerName()} {info.makeAndModel()} {info.description()}".lower()
    return any(word in names for word in file_printer_words())


def printer_refusal(printer: QPrinter, access: FileAccess) -> str | None:
    """None when ``printer`` may be used in this mode, else what to tell the patient."""
    if access is FileAccess.ANY or not writes_a_file(printer):
        return None
    log.info("print refused: the chosen printer writes a file")
    return _("This printer makes a file on the computer. Choose a printer that prints on paper.")


def choose_printer(parent: QWidget | None, access: FileAccess) -> tuple[QPrinter | None, str]:
    """Ask for a printer. Returns the printer, or None and the words to show ("" when the
    patient cancelled)."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    if access is not FileAccess.ANY:
        printer.setOutputFormat(QPrinter.OutputFormat.NativeFormat)
        printer.setOutputFileName("")
    dialog = print_dialog(printer, parent, access)
    if dialog.exec() != QPrintDialog.DialogCode.Accepted:
        return None, ""
    refusal = printer_refusal(printer, access)
    if refusal is not None:
        return None, refusal
    return printer, ""
