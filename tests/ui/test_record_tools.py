"""The patient's tools in the record viewer: notes, paper copy (PDF read back with pdftotext),
open a file I received, documents opened in the program, QR codes, Listen, languages, wipe."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from assistant.i18n import format_date, set_language, translate_in
from assistant.notes import Notebook
from assistant.record_words import medicine_title
from assistant.records.model import Record
from tests.support.fixtures import FIXTURES
from tests.support.pdf import pdf_text
from tests.support.record_home import make_home
from tests.support.records import demo_record
from ui import theme
from ui.record.documents import DocumentPage, is_pdf, render_pdf
from ui.record.home import SECTION_KEYS, tile_text
from ui.record.medicines import MedicinesPage
from ui.record.qr import QrCode, qr_matrix
from ui.record.tools import NotesPage, PaperPage, PhonePage

SUMEHR = FIXTURES / "kmehr" / "sumehr" / "sumehr_example.kmehr"


@pytest.fixture(autouse=True)
def _english(qapp: QApplication) -> Iterator[None]:
    set_language("en")
    if theme.current().high_contrast or theme.current().text_scale != 1.0:
        theme.set_theme(theme.Theme(), qapp)
    yield
    set_language("en")
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


@pytest.fixture(scope="module")
def adult() -> Record:
    return demo_record("adult")


def test_tiles_show_counts_and_open_sections(qtbot: QtBot, adult: Record) -> None:
    home = make_home(qtbot, adult)
    for key in SECTION_KEYS:
        title, count = tile_text(key, adult)
        tile = home.home.tiles[key]
        assert tile.text() == f"{title}\n{count}"
        assert tile.accessibleName()
        tile.click()
        assert home.current_key == key
        assert home.page is not None and home.page.title() == title
        assert home.go_back()
        assert home.current_key == "home"
    assert not home.go_back()  # at the record home the shell handles Back
    assert f"{len(adult.medications)} medicines" in home.home.tiles["medicines"].text()


def test_back_returns_to_the_same_page_object(qtbot: QtBot, adult: Record) -> None:
    home = make_home(qtbot, adult)
    home.open_page("medicines")
    medicines = home.page
    assert isinstance(medicines, MedicinesPage)
    home.explain(adult.medications[0].name, adult.medications[0].codings)
    assert home.current_key == "explain"
    assert home.go_back()
    assert home.page is medicines  # same scroll position, no rebuild


def test_day_plan_on_the_medicines_page(qtbot: QtBot, adult: Record) -> None:
    home = make_home(qtbot, adult)
    home.open_page("medicines")
    page = home.page
    assert isinstance(page, MedicinesPage)
    names = {medicine_title(r.medication.name) for r in page.plan.today}
    assert names, "the adult takes medicines every day"
    page.finish_building()  # the plan's rows are added between events
    assert page.grid is not None and len(page.grid.row_texts) == len(page.plan.today)
    assert all(text.split(":")[0] in names for text in page.grid.row_texts)
    spoken = page.speech_text()
    assert "Morning" in spoken and "What to take today" in spoken
    # Stopped and paused medicines are shown as such.
    statuses = {card.lines[0].text() for card in page.item_widgets() if card.lines}
    assert any(s.startswith("Stopped") for s in statuses)
    assert any(s.startswith("Paused") for s in statuses)


def test_prescriptions_have_a_scannable_code_of_their_rid(qtbot: QtBot, adult: Record) -> None:
    home = make_home(qtbot, adult)
    home.open_page("medicines")
    assert home.page is not None
    home.page.finish_building()
    codes = home.page.findChildren(QrCode)
    assert sorted(c.payload for c in codes) == sorted(p.rid for p in adult.prescriptions)
    for code in codes:
        assert code.pixmap().width() >= 21 * 4  # at least version 1 at 4 px a module
        assert code.accessibleName()
    # The matrix really encodes the text: a different RID gives a different code.
    rid = adult.prescriptions[0].rid
    assert qr_matrix(rid) == qr_matrix(rid)
    assert qr_matrix(rid) != qr_matrix(rid[:-1] + ("0" if rid[-1] != "0" else "1"))


def test_notes_are_saved_as_the_patient_types(qtbot: QtBot, adult: Record, tmp_path: Path) -> None:
    path = tmp_path / "notes.json"
    home = make_home(qtbot, adult, notebook=Notebook(path))
    home.open_page("medicines")
    assert home.page is not None
    home.page.finish_building()
    write = next(
        b
        for b in home.page.findChildren(type(home.home.tools["notes"]))
        if b.text() == "Write a question"
    )
    write.click()
    page = home.page
    assert isinstance(page, NotesPage) and page.section == "medicines"
    qtbot.keyClicks(page.editor, "Can I stop the statin?")
    qtbot.waitUntil(lambda: Notebook(path).get("medicines") == "Can I stop the statin?")
    # Another section keeps its own note.
    page.chooser.setCurrentIndex(page.chooser.findData("results"))
    qtbot.keyClicks(page.editor, "Is 8 % bad?")
    assert home.go_back()
    again = Notebook(path)
    assert again.get("results") == "Is 8 % bad?"
    assert again.get("medicines") == "Can I stop the statin?"


def test_notes_in_memory_outside_home_mode_are_wiped(qtbot: QtBot) -> None:
    notebook = Notebook(None)
    record = demo_record("adult")  # wiped below: not the shared one
    home = make_home(qtbot, record, notebook=notebook)
    home.open_page("notes")
    page = home.page
    assert isinstance(page, NotesPage)
    assert "only until you finish" in page.speech_text()
    qtbot.keyClicks(page.editor, "Question")
    page.save()
    assert notebook.get("general") == "Question"
    home.wipe()
    assert notebook.get("general") == ""
    assert home.record.is_empty and home.current_key == "home"
    assert record.is_empty


def test_paper_copy_pdf_of_the_whole_record(qtbot: QtBot, adult: Record, tmp_path: Path) -> None:
    notebook = Notebook(None)
    notebook.set("results", "Why is my HbA1c high?")
    home = make_home(qtbot, adult, notebook=notebook)
    home.open_page("paper")
    page = home.page
    assert isinstance(page, PaperPage)
    out = tmp_path / "copy.pdf"
    page.save_pdf_to(out)
    assert out.stat().st_size > 2000
    text = " ".join(pdf_text(out).split())
    assert "This is a copy for you" in text
    assert format_date(date.today()) in text
    assert adult.patient is not None and adult.patient.surname in text
    for med in adult.medications[:5]:
        assert med.name.split()[0] in text
    assert adult.prescriptions[0].rid in text
    assert "Why is my HbA1c high?" in text
    assert "Who can see my record" in text


def test_paper_copy_of_one_section_in_french(qtbot: QtBot, adult: Record, tmp_path: Path) -> None:
    set_language("fr")
    home = make_home(qtbot, adult)
    home.open_page("paper", "vaccines")
    page = home.page
    assert isinstance(page, PaperPage)
    assert page.choice_buttons["vaccines"].isChecked()
    out = tmp_path / "vaccins.pdf"
    page.save_pdf_to(out)
    text = " ".join(pdf_text(out).split())
    newest = max(v.date for v in adult.vaccinations if v.date)
    assert format_date(newest) in text  # French month name
    assert any(
        m in text
        for m in (
            "janvier",
            "février",
            "mars",
            "avril",
            "mai",
            "juin",
            "juillet",
            "août",
            "septembre",
            "octobre",
            "novembre",
            "décembre",
        )
    )
    assert adult.medications[0].name not in text  # only the vaccines section


def test_open_a_file_i_received_and_merge(qtbot: QtBot) -> None:
    adult = demo_record("adult")  # wiped below: not the shared one
    home = make_home(qtbot, adult, open_file_dialog=lambda _w: str(SUMEHR))
    before = len(adult.medications)
    home.home.tools["open_file"].click()
    qtbot.waitUntil(lambda: home.current_key == "opened_file", timeout=10000)
    assert home.opened is not None
    added = len(home.opened.medications)
    assert added > 0
    assert "The file is open" in home.speech_text()
    with qtbot.waitSignal(home.record_changed):
        home.show_opened(merge=True)
    merged = home.record
    assert len(merged.medications) == before + added
    assert home.current_key == "home"
    # Finish / card removal: the records made from the file are wiped too.
    home.wipe()
    assert merged.is_empty and home.record.is_empty


def test_open_a_file_alone_and_a_bad_file(qtbot: QtBot, adult: Record, tmp_path: Path) -> None:
    bad = tmp_path / "photo.json"
    bad.write_bytes(b"\x89PNG not a record")
    chosen = [str(bad)]
    home = make_home(qtbot, adult, open_file_dialog=lambda _w: chosen[0])
    home.open_file()
    qtbot.waitUntil(lambda: home.current_key == "opened_file", timeout=10000)
    assert home.opened is None
    assert "cannot be read" in home.speech_text()
    assert home.record is adult  # nothing else changed
    chosen[0] = str(SUMEHR)
    home.open_file()
    qtbot.waitUntil(lambda: home.opened is not None, timeout=10000)
    home.show_opened(merge=False)
    assert home.record.patient is not None
    assert home.record.patient != adult.patient


def test_pdf_document_opens_in_the_program(qtbot: QtBot, adult: Record) -> None:
    index = next(i for i, d in enumerate(adult.documents) if is_pdf(d))
    home = make_home(qtbot, adult)
    home.open_page("documents")
    home.open_page("document", index)
    page = home.page
    assert isinstance(page, DocumentPage)
    qtbot.waitUntil(lambda: page.rendered is not None or page.failed, timeout=20000)
    assert not page.failed
    assert page.page_labels and not page.page_labels[0].pixmap().isNull()
    assert page.page_labels[0].accessibleName().startswith("Page 1 of")
    rendered = render_pdf(adult.documents[index].content or b"")
    assert rendered.text.strip() and rendered.text.split()[0] in page.speech_text()


def test_leaving_a_document_before_it_is_drawn_is_safe(qtbot: QtBot, adult: Record) -> None:
    index = next(i for i, d in enumerate(adult.documents) if is_pdf(d))
    home = make_home(qtbot, adult)
    home.open_page("document", index)
    page = home.page
    assert isinstance(page, DocumentPage) and page.job is not None
    home.go_home()
    qtbot.waitUntil(lambda: page.job is None or page.job.finished or page.job.cancelled)
    assert home.current_key == "home"


def test_continue_on_my_phone_shows_the_portal_in_the_language(qtbot: QtBot, adult: Record) -> None:
    home = make_home(qtbot, adult)
    home.home.tools["phone"].click()
    page = home.page
    assert isinstance(page, PhonePage)
    assert page.qr.payload == "https://www.myhealth.belgium.be"
    set_language("nl")
    page = home.page
    assert isinstance(page, PhonePage)
    assert page.qr.payload == "https://www.mijngezondheid.belgie.be"


def test_language_change_redraws_the_viewer(qtbot: QtBot, adult: Record) -> None:
    home = make_home(qtbot, adult)
    home.open_page("results")
    assert home.title() == "My results"
    set_language("de")
    assert home.title() == translate_in("de", "My results")
    home.go_home()
    for key, tile in home.home.tiles.items():
        title, count = tile_text(key, adult)  # computed in German now
        assert tile.text() == f"{title}\n{count}"


def test_listen_text_on_every_page(qtbot: QtBot, adult: Record) -> None:
    home = make_home(qtbot, adult)
    assert "Choose what you want to see." in home.speech_text()
    for key in (*SECTION_KEYS, "notes", "paper", "phone", "contacts", "why_result"):
        home.open_page(key)
        text = home.speech_text()
        assert text.startswith(home.title())
        assert len(text.splitlines()) >= 2
        home.go_back()


def test_listen_reads_the_day_plan_as_sentences(qtbot: QtBot, adult: Record) -> None:
    home = make_home(qtbot, adult)
    home.open_page("medicines")
    page = home.page
    assert isinstance(page, MedicinesPage)
    spoken = page.speech_text()
    assert page.grid.row_texts[0] in spoken
    assert "\n—\n" not in spoken  # empty table cells are not read


def test_results_in_words_colour_and_pictogram(qtbot: QtBot, adult: Record) -> None:
    from assistant.records.model import Interpretation, ResultStatus
    from ui.record.results import ResultsPage
    from ui.widgets import IconText

    home = make_home(qtbot, adult)
    home.open_page("results")
    page = home.page
    assert isinstance(page, ResultsPage)
    page.finish_building()
    rows = {r.text(): r for r in page.body.findChildren(IconText)} if page.body else {}
    highs = [r for r in adult.lab_results if r.interpretation is Interpretation.HIGH]
    lows = [r for r in adult.lab_results if r.interpretation is Interpretation.LOW]
    assert highs and lows
    if "Above the reference values" in rows:
        assert rows["Above the reference values"].pictogram.name == "higher"
    assert "Below the reference values" in rows or "Above the reference values" in rows
    for words, row in rows.items():
        if words in ("Above the reference values", "Below the reference values"):
            assert theme.current().colors.problem_text.lower() in row.body.styleSheet().lower()
    held = [r for r in adult.lab_results if r.status is ResultStatus.HELD_BACK]
    assert held, "the adult has a result held back for the doctor"
    text = page.speech_text()
    assert "A newer result is not ready for you yet." in text
    # A result held back for the doctor is never shown with its value, nor on the chart.
    from ui.record.results import TrendPage

    trend = TrendPage(adult, home, held[0].test_key)
    qtbot.addWidget(trend)
    assert all(r.status is not ResultStatus.HELD_BACK for r in trend.results)
    assert trend.table.rowCount() == len(trend.results) + 1 if trend.results else True


def test_results_with_and_without_a_time_zone_open(qtbot: QtBot) -> None:
    """A result dated by day only and one with a time zone, for the same test and for two
    tests: the results page and the paper copy list them, newest first (this crashed)."""
    from datetime import datetime

    from assistant.paper_copy import latest_results
    from assistant.records.model import Coding, LabResult
    from ui.record.results import ResultsPage

    loinc = Coding("http://loinc.org", "2823-3")
    record = Record(
        lab_results=[
            LabResult("Potassium", (loinc,), value=4.0, date=datetime(2024, 1, 2)),
            LabResult("potassium", (loinc,), value=4.4, date=datetime(2024, 1, 3, tzinfo=UTC)),
            LabResult("Sodium ", value=140, date=datetime(2024, 1, 1, tzinfo=UTC)),
            LabResult("sodium", value=141),
        ]
    )
    home = make_home(qtbot, record)
    home.open_page("results")
    page = home.page
    assert isinstance(page, ResultsPage)
    page.finish_building()
    assert "2 tests" in page.speech_text()
    assert [r.value for r in latest_results(record)] == [4.4, 140]
