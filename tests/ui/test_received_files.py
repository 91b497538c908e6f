"""Files patients actually get, in the record viewer: an International Patient Summary (its date
and author on the pages, its "no known ..." statements), a PDF document with its title, opened
in the computer's PDF program at home only (a temporary copy, wiped), and clear words for a
damaged or locked PDF."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QUrl
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from assistant.i18n import set_language
from assistant.records.model import Record
from assistant.records.pdf import PdfProblem
from assistant.settings import FileAccess
from tests.support.pdf import small_pdf
from tests.support.record_home import make_home
from tests.support.records import demo_record
from ui.record.documents import DocumentPage
from ui.record.home import RecordHome
from ui.record.system_viewer import SystemPdfViewer
from ui.record.usb_files import UsbFilesPage
from ui.widgets import BigButton

IPS = Path(__file__).resolve().parents[1] / "data" / "ips"
needs_poppler = pytest.mark.skipif(shutil.which("pdfinfo") is None, reason="needs poppler")


@pytest.fixture(autouse=True)
def _english(qapp: QApplication) -> Iterator[None]:
    set_language("en")
    yield
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


class FakeSystem:
    """The system's "open this file" (QDesktopServices.openUrl): records what it got."""

    def __init__(self, works: bool = True) -> None:
        self.works = works
        self.opened: list[tuple[Path, bytes]] = []

    def __call__(self, url: QUrl) -> bool:
        path = Path(url.toLocalFile())
        self.opened.append((path, path.read_bytes()))
        return self.works


def open_path(qtbot: QtBot, home: RecordHome, path: Path) -> None:
    home.open_file(str(path))
    qtbot.waitUntil(lambda: home.current_key == "opened_file", timeout=15000)


def test_an_ips_shows_where_it_comes_from_and_what_it_says(qtbot: QtBot) -> None:
    home = make_home(qtbot, Record())
    statuses: list[str] = []
    home.announce_requested.connect(statuses.append)
    open_path(qtbot, home, IPS / "IPS-examples-Bundle-01.json")
    # the status line does not keep "Please wait" once the file is open
    assert statuses == ["Please wait. The file is opening.", "The file is open."]
    said = home.speech_text()
    assert "International Patient Summary of 11 December 2017" in said
    assert "Made by Beetje van Hulp." in said
    assert "My medicines: 2 medicines" in said
    home.show_opened(merge=False)
    assert home.current_key == "home"
    assert "International Patient Summary of 11 December 2017" in home.home.intro.text()
    assert home.home.unreadable_notice is not None  # the Plan of Treatment section
    home.open_page("allergies")
    allergies = home.speech_text()
    assert "Your summary says: No known food allergy (situation)" in allergies
    assert "Substance with penicillin structure" in allergies


def test_an_ips_in_french_says_the_date_in_french(qtbot: QtBot) -> None:
    set_language("fr")
    home = make_home(qtbot, Record())
    open_path(qtbot, home, IPS / "bundle-no-info-required-sections.json")
    home.show_opened(merge=False)
    assert "3 mai 2021" in home.home.intro.text()
    home.open_page("medicines")
    assert "There is no information available about the subject's medication" in (
        home.speech_text()
    )


@needs_poppler
def test_a_pdf_file_opens_on_its_document_and_in_the_pdf_program_at_home(
    qtbot: QtBot, tmp_path: Path
) -> None:
    path = tmp_path / "lettre.pdf"
    data = small_pdf("Discharge letter", text="Go home")
    path.write_bytes(data)
    system = FakeSystem()
    viewer = SystemPdfViewer(system)
    adult = demo_record("adult")
    home = make_home(qtbot, adult, pdf_viewer=viewer)
    open_path(qtbot, home, path)
    said = home.speech_text()
    assert "It is a document" in said and "Discharge letter" in said
    with qtbot.waitSignal(home.record_changed):
        home.show_opened(merge=True)
    qtbot.waitUntil(lambda: home.current_key == "document", timeout=10000)
    page = home.page
    assert isinstance(page, DocumentPage) and page.title() == "Discharge letter"
    qtbot.waitUntil(lambda: page.rendered is not None or page.failed, timeout=20000)
    assert page.rendered is not None and "Go home" in page.speech_text()
    (button,) = page.findChildren(BigButton, "open_outside")
    button.click()
    ((copy, sent),) = system.opened
    assert sent == data and copy.name == "document.pdf"  # a name that names nobody
    assert copy.parent.stat().st_mode & 0o077 == 0  # only for this user
    home.wipe()
    assert not copy.exists()


@needs_poppler
def test_when_the_pdf_program_does_not_open_the_page_says_so(qtbot: QtBot, tmp_path: Path) -> None:
    path = tmp_path / "a.pdf"
    path.write_bytes(small_pdf("Scan"))
    home = make_home(qtbot, Record(), pdf_viewer=SystemPdfViewer(FakeSystem(works=False)))
    open_path(qtbot, home, path)
    home.show_opened(merge=False)
    page = home.page
    assert isinstance(page, DocumentPage)
    page.findChildren(BigButton, "open_outside")[0].click()
    assert "Your computer did not open it. It is shown here." in home.page.speech_text()


@needs_poppler
@pytest.mark.parametrize("access", [FileAccess.REMOVABLE_ONLY, FileAccess.NONE])
def test_no_pdf_program_on_a_public_computer_or_a_kiosk(qtbot: QtBot, access: FileAccess) -> None:
    adult = demo_record("adult")
    home = make_home(qtbot, adult, file_access=access, may_save_files=False)
    assert home.pdf_viewer is None
    index = next(i for i, d in enumerate(adult.documents) if d.content_type == "application/pdf")
    home.open_page("document", index)
    assert home.page is not None and not home.page.findChildren(BigButton, "open_outside")


@needs_poppler
def test_the_usb_stick_lists_pdf_documents(qtbot: QtBot, tmp_path: Path) -> None:
    stick = tmp_path / "stick"
    stick.mkdir()
    (stick / "résultats.pdf").write_bytes(small_pdf("Résultats"))
    (stick / "photo.jpg").write_bytes(b"\xff\xd8")
    home = make_home(
        qtbot, Record(), file_access=FileAccess.REMOVABLE_ONLY, list_removable=lambda: [stick]
    )
    home.open_file()
    page = home.page
    assert isinstance(page, UsbFilesPage)
    (button,) = page.findChildren(BigButton, "usb_file")
    assert button.text().startswith("résultats.pdf")
    button.click()
    qtbot.waitUntil(lambda: home.opened is not None, timeout=15000)
    assert home.opened is not None and home.opened.documents[0].title == "Résultats"


@needs_poppler
@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"%PDF-1.7\nnot the rest", "This document is damaged. We cannot show it."),
        (
            small_pdf("Locked", password="1234"),
            "This document is locked with a password. This program cannot open it.",
        ),
    ],
    ids=["damaged", "locked"],
)
def test_a_pdf_that_cannot_be_opened_says_why(
    qtbot: QtBot, tmp_path: Path, data: bytes, words: str
) -> None:
    path = tmp_path / "document.pdf"
    path.write_bytes(data)
    home = make_home(qtbot, Record())
    open_path(qtbot, home, path)
    assert home.opened is None
    assert words in home.speech_text()


@needs_poppler
def test_a_locked_pdf_in_the_record_says_so_and_offers_the_pdf_program(qtbot: QtBot) -> None:
    from dataclasses import replace

    adult = demo_record("adult")
    index = next(i for i, d in enumerate(adult.documents) if d.content_type == "application/pdf")
    adult.documents[index] = replace(
        adult.documents[index], content=small_pdf("Locked", password="1234")
    )
    home = make_home(qtbot, adult, pdf_viewer=SystemPdfViewer(FakeSystem()))
    home.open_page("document", index)
    page = home.page
    assert isinstance(page, DocumentPage)
    qtbot.waitUntil(lambda: page.failed, timeout=20000)
    assert page.problem is PdfProblem.LOCKED
    said = home.page.speech_text() if home.page is not None else ""
    assert "locked with a password" in said
    assert "Open it in your PDF program. It will ask for the password." in said
