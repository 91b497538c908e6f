"""The record viewer keeps the screen answering: slow glossary searches run on workers,
long pages are built in timed slices and deleted in slices, and nothing looked up stays
after the patient leaves."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

import ui.record.glossary_lookup as glossary_lookup
from assistant.glossary import GlossaryEntry
from assistant.i18n import set_language
from assistant.records.model import Coding, Medication, Record
from tests.support.fixtures import SUMEHR as SUMEHR_DIR
from tests.support.records import demo_record
from ui import theme
from ui.record import disposal
from ui.record.explain import ExplainPage
from ui.record.home import RecordHome
from ui.record.medicines import MedicinesPage
from ui.record.page import ItemCard
from ui.workers import wait_for_all


@pytest.fixture(autouse=True)
def _english(qapp: QApplication) -> Iterator[None]:
    set_language("en")
    if theme.current().high_contrast or theme.current().text_scale != 1.0:
        theme.set_theme(theme.Theme(), qapp)
    glossary_lookup.clear_explanation_cache()
    yield
    disposal.dispose_now()
    glossary_lookup.clear_explanation_cache()
    set_language("en")
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


SUMEHR = SUMEHR_DIR / "sumehr_example.kmehr"


def many_medicines(n: int) -> Record:
    return Record(
        medications=[
            Medication(name=f"Paracetamol {i} mg", codings=(Coding("CD-ATC", "N02BE01"),))
            for i in range(n)
        ]
    )


def test_searching_the_words_of_a_title_runs_on_a_worker(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = glossary_lookup.find_terms
    threads: list[int] = []

    def spy(text: str, language: str | None = None) -> list[GlossaryEntry]:
        threads.append(threading.get_ident())
        return real(text, language)

    monkeypatch.setattr(glossary_lookup, "find_terms", spy)
    home = RecordHome(Record())
    qtbot.addWidget(home)
    home.explain("Take it with paracetamol and water")
    page = home.page
    assert isinstance(page, ExplainPage)
    assert page.building  # a "please wait" line first: the GUI thread did not search
    assert threads == [] or threads[0] != threading.get_ident()
    qtbot.waitUntil(lambda: not page.building, timeout=20000)
    assert threads and all(t != threading.get_ident() for t in threads)
    assert [e.key for e in page.entries] and "Please wait" not in page.speech_text()
    # The answer is kept: the same title again is explained at once, without a search.
    assert home.go_back()
    home.explain("Take it with paracetamol and water")
    assert isinstance(home.page, ExplainPage)
    assert not home.page.building
    assert len(threads) == 1


def test_codes_of_the_record_are_looked_up_ahead_and_forgotten_on_wipe(qtbot: QtBot) -> None:
    record = demo_record("adult")
    home = RecordHome(record)
    qtbot.addWidget(home)
    # Started once the record home is made (the next turn of the event loop).
    qtbot.waitUntil(lambda: home._prefetch_job is not None, timeout=5000)
    wait_for_all()
    QApplication.processEvents()
    codings = record.all_codings()
    assert codings
    cached = {c for (_lang, c) in glossary_lookup._specific_cache}
    assert set(codings) <= cached
    home.wipe()
    assert not glossary_lookup._specific_cache and not glossary_lookup._coding_cache
    # A prefetch asked for before the wipe stores nothing after it.
    stale = glossary_lookup.cache_epoch() - 1
    glossary_lookup.prefetch_explanations(codings, "en", stale)
    assert not glossary_lookup._specific_cache


def test_long_page_is_built_in_slices_then_deleted_in_slices(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = RecordHome(many_medicines(25))
    qtbot.addWidget(home)
    home.resize(1024, 768)
    home.show()
    monkeypatch.setattr(MedicinesPage, "FIRST_SLICE_S", 0.0)  # surely more than one slice
    monkeypatch.setattr(MedicinesPage, "SLICE_S", 0.0)
    home.open_page("medicines")
    page = home.page
    assert isinstance(page, MedicinesPage)
    assert page.building
    qtbot.waitUntil(lambda: not page.building, timeout=20000)
    assert page.body is not None
    assert len(page.body.findChildren(ItemCard)) == 25
    home.go_home()
    # Leaving: the page is hidden at once and deleted over the next events.
    assert not page.isVisible()
    assert disposal.pending() > 0
    qtbot.waitUntil(lambda: disposal.pending() == 0, timeout=20000)


def test_wipe_deletes_waiting_pages_at_once(qtbot: QtBot) -> None:
    home = RecordHome(many_medicines(25))
    qtbot.addWidget(home)
    home.open_page("medicines")
    assert isinstance(home.page, MedicinesPage)
    home.page.finish_building()
    home.go_home()
    assert disposal.pending() > 0
    home.wipe()
    assert disposal.pending() == 0


def test_deleting_waits_for_workers_but_not_for_ever(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = RecordHome(many_medicines(25))
    qtbot.addWidget(home)
    home.open_page("medicines")
    assert isinstance(home.page, MedicinesPage)
    home.page.finish_building()
    busy = [True]
    monkeypatch.setattr(disposal, "running_jobs", lambda: 1 if busy[0] else 0)
    monkeypatch.setattr(disposal, "MAX_WAIT_S", 0.3)
    home.go_home()
    waiting = disposal.pending()
    assert waiting > 0
    disposal._get()._slice()  # the timer's slice, at once
    assert disposal.pending() == waiting  # a worker runs: nothing deleted yet
    qtbot.waitUntil(lambda: disposal.pending() == 0, timeout=10000)  # a hung job: deleted anyway


def test_showing_a_file_with_my_record_merges_on_a_worker(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    threads: list[int] = []
    real = Record.merge

    def spy(self: Record, other: Record) -> Record:
        threads.append(threading.get_ident())
        return real(self, other)

    monkeypatch.setattr(Record, "merge", spy)
    mine = many_medicines(3)
    home = RecordHome(mine, open_file_dialog=lambda _w: str(SUMEHR))
    qtbot.addWidget(home)
    home.open_file()
    qtbot.waitUntil(lambda: home.opened is not None, timeout=20000)
    opened = home.opened
    assert opened is not None
    added = len(opened.medications)
    assert added > 0
    with qtbot.waitSignal(home.record_changed, timeout=20000):
        home.show_opened(merge=True)
        assert home.record is mine  # the GUI thread did not wait for the merge
    assert threads and threads[0] != threading.get_ident()
    assert len(home.record.medications) == 3 + added
    assert opened.is_empty  # its items live on in the merged record only
    assert home.current_key == "home"


def test_leaving_while_merging_shows_nothing_of_the_file(qtbot: QtBot) -> None:
    home = RecordHome(many_medicines(3), open_file_dialog=lambda _w: str(SUMEHR))
    qtbot.addWidget(home)
    home.open_file()
    qtbot.waitUntil(lambda: home.opened is not None, timeout=20000)
    changed: list[object] = []
    home.record_changed.connect(changed.append)
    home.show_opened(merge=True)
    home.wipe()  # card removed meanwhile
    wait_for_all()
    QApplication.processEvents()
    assert changed == [] and home.record.is_empty and home.opened is None
