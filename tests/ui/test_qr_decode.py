"""The codes the program draws really scan: each one is rendered as it is on screen (or printed to
PDF and rasterised), then read back with zbar, in the normal and the high-contrast themes.

* Open e-prescriptions in the record viewer (My medicines): the code is exactly the RID.
* The same in kiosk mode, in the panel for the pharmacist beside the record.
* Continue on my phone: the code is exactly the portal address written under it.
* The paper copy: every code on it (if any) scans to a RID or the portal; the RIDs are printed.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QEvent, QPoint, QRect, QSize, Qt
from PySide6.QtGui import QColor, QImage, QPageSize, QPainter
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QApplication, QLabel, QScrollArea, QWidget
from pytestqt.qtbot import QtBot

from assistant.i18n import set_language
from assistant.notes import Notebook
from assistant.portal.urls import PORTAL_URLS, portal_url
from assistant.records.model import Record
from tests.support.kiosk import KioskSession, kiosk_session, reach_record
from tests.support.pdf import pdf_text
from tests.support.qr_decode import (
    contrast_ratio,
    decode_image,
    decode_pdf,
    decode_widget,
    grab,
    module_grid,
    settle_layout,
)
from tests.support.record_home import make_home
from tests.support.records import demo_record
from ui import theme
from ui.modes.kiosk.prescriptions import PrescriptionPanel
from ui.record.qr import QrCode, qr_image, qr_matrix
from ui.record.tools import PaperPage, PhonePage

THEMES = {
    "normal": theme.Theme(),
    "high-contrast": theme.Theme(high_contrast=True),
    "high-contrast-large": theme.Theme(high_contrast=True, text_scale=2.0),
}
#: Black on white is 21:1; anything under 7:1 is a poor code for a camera in a bright pharmacy.
MIN_CONTRAST = 7.0


@pytest.fixture(autouse=True, scope="module")
def _collect_leftovers() -> None:
    """Free widgets earlier test files left parentless now: a garbage collection that deletes
    them later, inside Qt's style-sheet walk over all widgets (set_theme), crashes."""
    gc.collect()


@pytest.fixture(autouse=True)
def _english(qapp: QApplication) -> Iterator[None]:
    set_language("en")
    theme.set_theme(theme.Theme(), qapp)
    yield
    set_language("en")
    theme.set_theme(theme.Theme(), qapp)
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


@pytest.fixture(scope="module")
def adult() -> Record:
    record = demo_record("adult")
    assert record.prescriptions, "the demo adult has open e-prescriptions"
    return record


def open_rids(record: Record) -> list[str]:
    return [p.rid for p in record.prescriptions if p.status in ("active", "open", "")]


def code_rect(code: QrCode, within: QWidget) -> QRect:
    """Where the code's picture is, in ``within``'s coordinates."""
    pixmap = code.pixmap()
    top_left = code.mapTo(within, code.contentsRect().topLeft())
    return QRect(top_left, QSize(pixmap.width(), pixmap.height()))


def check_drawn(image: QImage, rect: QRect, payload: str) -> None:
    """The code at ``rect`` of a grab is the exact module matrix of ``payload``, dark on light,
    with its whole quiet zone light and a strong contrast."""
    matrix = qr_matrix(payload)
    assert rect.width() == rect.height() and rect.width() % len(matrix) == 0
    assert QRect(0, 0, image.width(), image.height()).contains(rect), "the code is cut off"
    assert module_grid(image, rect, len(matrix)) == matrix
    assert contrast_ratio(image, rect, matrix) >= MIN_CONTRAST
    # The quiet zone (4 modules around) is light: a dark theme background does not eat it.
    corner = image.pixelColor(rect.left() + 1, rect.top() + 1)
    assert corner.lightnessF() > 0.9, f"quiet zone is {corner.name()}, not light"


def half_size(image: QImage) -> QImage:
    return image.scaled(
        image.width() // 2,
        image.height() // 2,
        Qt.AspectRatioMode.KeepAspectRatio,
        Qt.TransformationMode.SmoothTransformation,
    )


def in_view(widget: QWidget, scroll: QScrollArea) -> bool:
    viewport = scroll.viewport()
    return viewport.rect().contains(QRect(widget.mapTo(viewport, QPoint(0, 0)), widget.size()))


# The decoder itself -----------------------------------------------------------------------------


@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    text=st.one_of(
        st.from_regex(r"BEP[0-9A-Z]{9}", fullmatch=True),
        st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=1, max_size=80),
    )
)
def test_decoder_reads_back_what_qr_image_draws(qapp: QApplication, text: str) -> None:
    assert decode_image(qr_image(text, module_px=4)) == [text]


def test_decoder_finds_nothing_in_a_blank_or_inverted_picture(qapp: QApplication) -> None:
    blank = QImage(200, 200, QImage.Format.Format_RGB32)
    blank.fill(QColor("#FFFFFF"))
    assert decode_image(blank) == []
    inverted = qr_image("BEP0KZ3TQ8M4", module_px=6)
    assert decode_image(inverted) == ["BEP0KZ3TQ8M4"]
    inverted.invertPixels()  # light modules on dark: phone scanners and zbar do not read it
    assert decode_image(inverted) == []


def test_decoder_reads_a_code_printed_into_a_pdf(qapp: QApplication, tmp_path: Path) -> None:
    """The paper-copy check below can see a code when there is one."""
    path = tmp_path / "code.pdf"
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    painter = QPainter(printer)
    image = qr_image("https://www.myhealth.belgium.be", module_px=8)
    painter.drawImage(QRect(600, 600, image.width() * 4, image.height() * 4), image)
    assert printer.newPage()
    painter.end()
    assert decode_pdf(path) == [["https://www.myhealth.belgium.be"], []]


# Record viewer: My medicines --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("look", "width"),
    [
        ("normal", 1024),
        ("high-contrast", 1024),
        ("high-contrast-large", 1024),
        # The narrowest record area: an 800 px window with the mediator's or kiosk's side panel.
        ("high-contrast-large", 440),
    ],
)
def test_prescription_codes_in_my_medicines_scan_to_their_rid(
    qtbot: QtBot, qapp: QApplication, adult: Record, look: str, width: int
) -> None:
    theme.set_theme(THEMES[look], qapp)
    home = make_home(qtbot, adult, shown=True)
    home.resize(width, 600 if width < 800 else 768)
    home.open_page("medicines")
    page = home.page
    assert page is not None
    page.finish_building()
    codes = page.findChildren(QrCode)
    assert sorted(c.payload for c in codes) == sorted(p.rid for p in adult.prescriptions)
    qtbot.waitUntil(lambda: all(c.isVisible() for c in codes))
    seen: set[str] = set()
    for code in codes:
        # Alone, the code widget scans to exactly the RID.
        assert decode_widget(code) == [code.payload]
        # As on screen: scroll it into view and grab the whole record viewer.
        settle_layout(code, page.body)
        page.scroll_area.ensureWidgetVisible(code, 40, 40)
        settle_layout(code, home)
        assert in_view(code, page.scroll_area)
        shot = grab(home)
        found = decode_image(shot)
        assert code.payload in found
        assert set(found) <= {p.rid for p in adult.prescriptions}, found
        seen.update(found)
        check_drawn(shot, code_rect(code, home), code.payload)
        assert code.payload in decode_image(half_size(shot))
        # The RID the code holds is also written in the same card, for typing by hand.
        card = code.parentWidget()
        assert card is not None
        texts = [label.text() for label in card.findChildren(QLabel)]
        assert f"Code for the pharmacist: {code.payload}" in texts
    assert seen == {p.rid for p in adult.prescriptions}


# Kiosk: the panel for the pharmacist beside the record -----------------------------------------


@pytest.fixture
def kiosk(qtbot: QtBot, tmp_path: Path) -> Iterator[KioskSession]:
    with kiosk_session(qtbot, tmp_path) as session:
        yield session


@pytest.mark.parametrize("look", ["normal", "high-contrast"])
def test_kiosk_prescription_codes_scan_to_their_rid(
    qtbot: QtBot,
    qapp: QApplication,
    kiosk: KioskSession,
    look: str,
) -> None:
    adult = demo_record("adult")  # its own copy: leaving the record wipes it
    shell, mode, journey, _clock = kiosk
    theme.set_theme(THEMES[look], qapp)
    assert mode.prescriptions is not None
    panel: PrescriptionPanel = mode.prescriptions.panel
    reach_record(journey, adult)
    qtbot.waitUntil(panel.isVisible)
    rids = open_rids(adult)
    assert [c.payload for c in panel.codes] == rids
    scroll = panel.findChild(QScrollArea)
    assert scroll is not None
    seen: set[str] = set()
    for code in panel.codes:
        settle_layout(code, shell)
        scroll.ensureWidgetVisible(code, 40, 40)
        settle_layout(code, shell)
        assert in_view(code, scroll)
        # The whole kiosk window, as the pharmacist sees it.
        shot = grab(shell)
        found = decode_image(shot)
        assert code.payload in found
        assert set(found) <= set(rids), found
        seen.update(found)
        check_drawn(shot, code_rect(code, shell), code.payload)
        # Still read when the camera sees it at half the size (a phone held further away).
        assert code.payload in decode_image(half_size(shot))
        # The RID is also written in large digits next to the code.
        box = code.parentWidget()
        assert box is not None
        written = [lbl.text() for lbl in box.findChildren(QLabel, "prescriptionCode")]
        assert written == [code.payload]
    assert seen == set(rids)
    # After the patient leaves, no code is left to scan.
    journey.finish()
    assert decode_image(grab(shell)) == []


# Continue on my phone ---------------------------------------------------------------------------


@pytest.mark.parametrize("look", ["normal", "high-contrast"])
@pytest.mark.parametrize("language", sorted(PORTAL_URLS))
def test_phone_code_scans_to_the_portal_address_written_under_it(
    qtbot: QtBot, qapp: QApplication, adult: Record, language: str, look: str
) -> None:
    set_language(language)
    theme.set_theme(THEMES[look], qapp)
    home = make_home(qtbot, adult, shown=True)
    home.home.tools["phone"].click()
    page = home.page
    assert isinstance(page, PhonePage)
    url = portal_url()
    assert url == PORTAL_URLS[language] and url.startswith("https://")
    settle_layout(page.qr, home)
    page.scroll_area.ensureWidgetVisible(page.qr, 40, 40)
    settle_layout(page.qr, home)
    assert in_view(page.qr, page.scroll_area)
    shot = grab(home)
    assert decode_image(shot) == [url]
    check_drawn(shot, code_rect(page.qr, home), url)
    texts = [label.text() for label in page.findChildren(QLabel)]
    assert any(text.endswith(url) and text != url for text in texts), texts


# The paper copy ---------------------------------------------------------------------------------


def test_paper_copy_codes_scan_and_rids_are_printed(
    qtbot: QtBot, adult: Record, tmp_path: Path
) -> None:
    home = make_home(qtbot, adult, notebook=Notebook(tmp_path / "notes.json"), shown=True)
    home.home.tools["paper"].click()
    page = home.page
    assert isinstance(page, PaperPage)
    path = tmp_path / "copy.pdf"
    page.save_pdf_to(path)
    rids = [p.rid for p in adult.prescriptions]
    assert rids
    pages = decode_pdf(path)
    assert len(pages) >= 1
    # Every open prescription's code is printed and scans to its RID: a pharmacist can scan the
    # paper as well as the screen. Nothing else is coded on paper.
    assert sorted(code for codes in pages for code in codes) == sorted(rids)
    text = pdf_text(path)
    for rid in (p.rid for p in adult.prescriptions):
        assert rid in text
