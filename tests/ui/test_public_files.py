"""On a public computer (mediator) or a kiosk, the paper copy and "Open a file I received" leave
nothing on the computer and show nothing of it: a real printer only, the patient's USB stick
only; at home the patient keeps every choice."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent
from PySide6.QtPrintSupport import QAbstractPrintDialog, QPrintDialog, QPrinter
from PySide6.QtWidgets import QApplication, QFileDialog, QLabel
from pytestqt.qtbot import QtBot

from assistant.i18n import set_language
from assistant.records.model import Record
from assistant.settings import FileAccess, KioskConfig, Mode, Settings
from assistant.staff_code import hash_staff_code
from tests.support.fixtures import FIXTURES
from tests.support.record_home import make_home
from tests.support.records import demo_record
from ui.printing import print_dialog, printer_refusal
from ui.record.tools import PaperPage
from ui.record.usb_files import UsbFilesPage
from ui.widgets import BigButton

SUMEHR = FIXTURES / "kmehr" / "sumehr" / "sumehr_example.kmehr"
PRINT_TO_FILE = QAbstractPrintDialog.PrintDialogOption.PrintToFile


@pytest.fixture(autouse=True)
def _english(qapp: QApplication) -> Iterator[None]:
    set_language("en")
    yield
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


@pytest.fixture(scope="module")
def adult() -> Record:
    return demo_record("adult")


@pytest.mark.parametrize(
    ("mode", "access"),
    [
        (Mode.HOME, FileAccess.ANY),
        (Mode.MEDIATOR, FileAccess.REMOVABLE_ONLY),
        (Mode.KIOSK, FileAccess.NONE),
    ],
)
def test_each_mode_has_one_file_rule(mode: Mode, access: FileAccess) -> None:
    kiosk = KioskConfig("P", hash_staff_code("staff-code-1", n=2**12))
    settings = Settings(mode=mode, kiosk=kiosk if mode is Mode.KIOSK else None)
    assert settings.file_access is access


@pytest.mark.parametrize("access", list(FileAccess))
def test_print_to_file_is_offered_only_at_home(qapp: QApplication, access: FileAccess) -> None:
    dialog = print_dialog(QPrinter(), None, access)
    assert dialog.testOption(PRINT_TO_FILE) is (access is FileAccess.ANY)
    dialog.deleteLater()


def _file_printer(path: Path) -> QPrinter:
    printer = QPrinter()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    return printer


def test_a_printer_that_writes_a_file_is_refused_in_public(
    qapp: QApplication, tmp_path: Path
) -> None:
    to_file = _file_printer(tmp_path / "x.pdf")
    assert printer_refusal(to_file, FileAccess.ANY) is None
    for access in (FileAccess.REMOVABLE_ONLY, FileAccess.NONE):
        assert printer_refusal(to_file, access)
        pdf_queue = QPrinter()
        pdf_queue.setPrinterName("PDF")  # CUPS-PDF's queue writes into a folder
        assert printer_refusal(pdf_queue, access)
        # (A real printer is accepted: it needs a CUPS queue, which this test machine has not;
        # without one, Qt makes every QPrinter a PDF writer, which is refused as it should be.)


def test_mediator_print_that_would_write_a_pdf_writes_nothing(
    qtbot: QtBot, adult: Record, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As an attacker would: pick "Print to File (PDF)" in the dialog anyway."""
    target = tmp_path / "record.pdf"
    seen_options: list[bool] = []

    def accept_with_a_file(dialog: QPrintDialog) -> int:
        seen_options.append(dialog.testOption(PRINT_TO_FILE))
        printer = dialog.printer()
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(target))
        return int(QPrintDialog.DialogCode.Accepted.value)

    monkeypatch.setattr(QPrintDialog, "exec", accept_with_a_file)
    home = make_home(qtbot, adult, may_save_files=False, file_access=FileAccess.REMOVABLE_ONLY)
    home.open_page("paper")
    page = home.page
    assert isinstance(page, PaperPage)
    assert page.findChild(BigButton, "save_pdf") is None  # no "Save as a PDF file" either
    page.print_button.click()
    assert seen_options == [False]
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []
    assert page.print_problem is not None and "paper" in page.print_problem.text()


def test_home_print_to_file_still_works(
    qtbot: QtBot, adult: Record, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "mine.pdf"

    def accept_with_a_file(dialog: QPrintDialog) -> int:
        assert dialog.testOption(PRINT_TO_FILE)
        dialog.printer().setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        dialog.printer().setOutputFileName(str(target))
        return int(QPrintDialog.DialogCode.Accepted.value)

    monkeypatch.setattr(QPrintDialog, "exec", accept_with_a_file)
    home = make_home(qtbot, adult)
    home.open_page("paper")
    assert isinstance(home.page, PaperPage)
    home.page.print_button.click()
    assert target.stat().st_size > 1000


def _no_file_chooser(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_a: object, **_k: object) -> tuple[str, str]:
        raise AssertionError("a file chooser opened on a public computer")

    monkeypatch.setattr(QFileDialog, "getOpenFileName", refuse)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", refuse)


def test_mediator_open_a_file_lists_the_usb_stick_only(
    qtbot: QtBot, adult: Record, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _no_file_chooser(monkeypatch)
    stick = tmp_path / "stick"
    stick.mkdir()
    shutil.copy(SUMEHR, stick / "sumehr_example.kmehr")
    computer = tmp_path / "home" / "someone-else.kmehr"
    computer.parent.mkdir()
    shutil.copy(SUMEHR, computer)
    home = make_home(
        qtbot, adult, file_access=FileAccess.REMOVABLE_ONLY, list_removable=lambda: [stick]
    )
    home.home.tools["open_file"].click()
    page = home.page
    assert isinstance(page, UsbFilesPage)
    files = page.findChildren(BigButton, "usb_file")
    assert [b.text().split(" (")[0] for b in files] == ["sumehr_example.kmehr"]
    files[0].click()
    qtbot.waitUntil(lambda: home.current_key == "opened_file", timeout=10000)
    assert home.opened is not None and home.opened.medications


def test_mediator_without_a_stick_says_what_to_do(
    qtbot: QtBot, adult: Record, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _no_file_chooser(monkeypatch)
    roots: list[Path] = []
    home = make_home(
        qtbot, adult, file_access=FileAccess.REMOVABLE_ONLY, list_removable=lambda: list(roots)
    )
    home.open_file()
    page = home.page
    assert isinstance(page, UsbFilesPage)
    texts = " ".join(w.text() for w in page.findChildren(QLabel))
    assert "Put your USB stick in the computer" in texts
    assert not page.findChildren(BigButton, "usb_file")
    # The patient plugs the stick in and presses "Look again".
    stick = tmp_path / "stick"
    stick.mkdir()
    shutil.copy(SUMEHR, stick / "a.kmehr")
    roots.append(stick)
    again = next(b for b in page.findChildren(BigButton) if b.text() == "Look again")
    again.click()
    assert home.page is not None
    assert len(home.page.findChildren(BigButton, "usb_file")) == 1


def test_kiosk_has_no_open_a_file(
    qtbot: QtBot, adult: Record, monkeypatch: pytest.MonkeyPatch
) -> None:
    _no_file_chooser(monkeypatch)
    home = make_home(qtbot, adult, may_save_files=False, file_access=FileAccess.NONE)
    assert "open_file" not in home.home.tools
    home.open_file()
    assert home.current_key == "home"
