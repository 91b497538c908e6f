"""Walk the record viewer by clicking, like a patient: every item of the rich demo patients and
of every shared fixture is reachable in at most 3 actions from the record home, and every
"What is this?" leads to a plain explanation."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from assistant.i18n import set_language
from assistant.record_words import medicine_title
from assistant.records.model import Record
from tests.support.record_home import make_home
from tests.support.records import demo_record, fixture_files, fixture_record
from ui import theme
from ui.record.explain import ExplainPage
from ui.record.home import RecordHome
from ui.record.page import ItemCard, coded_title
from ui.record.sharing import MAX_LOG_LINES
from ui.widgets import BigButton

#: Buttons that open a system dialog (print, save, open file): never clicked by the walker.
DIALOG_BUTTONS = {"print_copy", "save_pdf", "tool_open_file"}


@dataclass
class Seen:
    """What the walk found: item titles with the fewest actions needed, and explanations."""

    titles: dict[str, int] = field(default_factory=dict)
    pages: dict[str, int] = field(default_factory=dict)
    explained: dict[str, int] = field(default_factory=dict)  # item title -> number of entries
    explain_buttons: int = 0


def buttons_of(home: RecordHome) -> list[BigButton]:
    """The clickable big buttons of the page shown; buttons with the same accessible name
    (e.g. 14 times "Write a question") lead to the same page and are tried once."""
    if home.page is not None:
        home.page.finish_building()
    root = home.page if home.page is not None else home.home
    out: dict[str, BigButton] = {}
    for b in root.findChildren(BigButton):
        if b.isEnabled() and b.objectName() not in DIALOG_BUTTONS and not b.isCheckable():
            out.setdefault(b.accessibleName(), b)
    return list(out.values())


def flush_deleted() -> None:
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


#: Pages whose buttons differ per page (sections, home); other kinds are expanded once.
ALWAYS_EXPAND = {"home", "medicines", "vaccines", "results", "allergies", "documents", "sharing"}


def walk(home: RecordHome, max_depth: int, *, then_only_parts: bool = False) -> Seen:
    """Depth-first over the big buttons, up to ``max_depth`` actions; Back after each.

    ``then_only_parts``: after the first action, follow only the buttons that show the other
    parts of a long list (a cheaper walk that still reaches every item)."""
    seen = Seen()
    expanded: set[str] = set()
    home.go_home()

    def visit(depth: int) -> None:
        key = home.current_key
        if depth < seen.pages.get(key, 99):
            seen.pages[key] = depth
        page = home.page
        if page is not None:
            for card in page.item_widgets():
                if depth < seen.titles.get(card.title, 99):
                    seen.titles[card.title] = depth
            if isinstance(page, ExplainPage):
                seen.explained[page.item_title] = len(page.entries)
        if depth == max_depth or (key in expanded and key not in ALWAYS_EXPAND):
            return
        expanded.add(key)
        for button in buttons_of(home):
            if then_only_parts and depth >= 1 and not button.objectName().startswith("part_"):
                continue
            if button.property("explains"):
                seen.explain_buttons += 1
            before = len(home.history)
            button.click()
            if len(home.history) > before:
                visit(depth + 1)
                assert home.go_back()
                flush_deleted()

    visit(0)
    return seen


def expected_titles(record: Record) -> Iterator[str]:
    yield from (medicine_title(m.name) for m in record.medications)
    yield from (medicine_title(p.medication) for p in record.open_prescriptions())
    yield from (v.vaccine for v in record.vaccinations)
    # Coded things are titled with the glossary's name in the patient's language.
    yield from (coded_title(a.substance, a.codings, "")[0] for a in record.allergies)
    yield from (coded_title(p.name, p.codings, "")[0] for p in record.problems)
    yield from (r.name for r in record.relations)
    yield from (e.who for e in record.exclusions)
    log = sorted(record.access_log, key=lambda e: str(e.when), reverse=True)
    yield from (e.who for e in log[:MAX_LOG_LINES])
    yield from (coded_title(r.test_name, r.codings, "")[0] for r in record.lab_results)
    yield from (d.title or "Document" for d in record.documents)


@pytest.fixture(autouse=True)
def _english_normal_theme(qapp: QApplication) -> Iterator[None]:
    set_language("en")
    if theme.current().high_contrast or theme.current().text_scale != 1.0:
        theme.set_theme(theme.Theme(), qapp)
    yield
    set_language("en")
    flush_deleted()


@pytest.mark.parametrize("citizen", ["adult", "kid"])
def test_every_item_of_the_demo_patients_within_3_actions(qtbot: QtBot, citizen: str) -> None:
    record = demo_record(citizen)
    home = make_home(qtbot, record, open_file_dialog=lambda _w: None)
    seen = walk(home, max_depth=3)
    for title in expected_titles(record):
        assert title in seen.titles, f"{title!r} not reachable"
        assert seen.titles[title] <= 3
    # Every section, every tool page and the detail pages are reached.
    for key in ("medicines", "vaccines", "results", "allergies", "documents", "sharing"):
        assert seen.pages[key] == 1
    for key in ("notes", "paper", "phone", "explain", "contacts"):
        assert seen.pages[key] <= 3
    if citizen == "adult":
        assert seen.pages["trend"] == 2
        assert seen.pages["document"] == 2
        assert seen.pages["why_result"] <= 2
    # Every "What is this?" explains something.
    assert seen.explain_buttons > 0
    assert seen.explained
    missing = [t for t, n in seen.explained.items() if n == 0]
    assert missing == []


def test_every_coding_of_the_adult_has_an_explanation_button(qtbot: QtBot) -> None:
    """Each item that carries codes shows "What is this?" (the glossary knows its code)."""
    record = demo_record("adult")
    home = make_home(qtbot, record, open_file_dialog=lambda _w: None)
    coded = {medicine_title(m.name) for m in record.medications if m.codings}
    coded |= {v.vaccine for v in record.vaccinations if v.codings}
    # Coded things are titled with the glossary's name in the patient's language.
    coded |= {coded_title(a.substance, a.codings, "")[0] for a in record.allergies if a.codings}
    coded |= {coded_title(p.name, p.codings, "")[0] for p in record.problems if p.codings}
    coded |= {coded_title(r.test_name, r.codings, "")[0] for r in record.lab_results if r.codings}
    found: set[str] = set()
    for key in ("medicines", "vaccines", "allergies", "results"):
        home.go_home()
        home.open_page(key)
        assert home.page is not None
        home.page.finish_building()
        for card in home.page.findChildren(ItemCard):
            if any(b.property("explains") for b in card.findChildren(BigButton)):
                found.add(card.title)
    assert coded - found == set()


FIXTURES = fixture_files()


@pytest.mark.parametrize("path", FIXTURES, ids=[p.name for p in FIXTURES])
def test_every_fixture_item_within_3_actions(qtbot: QtBot, path: Path) -> None:
    record = fixture_record(path)
    home = make_home(qtbot, record, open_file_dialog=lambda _w: None)
    seen = walk(home, max_depth=2, then_only_parts=True)
    for title in expected_titles(record):
        # On a section page (1 action), or in a later part of a long list (2 actions).
        assert seen.titles.get(title, 99) <= 2, f"{title!r} not on a section page"
    if record.unreadable:
        assert seen.pages["unreadable"] == 1
        home.go_home()
        home.open_page("unreadable")
        assert home.page is not None
        assert len(home.page.item_widgets()) == len(record.unreadable)
    # The explanations of every coded item on the section pages.
    for key in ("medicines", "vaccines", "results", "allergies"):
        home.go_home()
        home.open_page(key)
        assert home.page is not None
        home.page.finish_building()
        for button in home.page.findChildren(BigButton):
            if button.property("explains"):
                button.click()
                assert isinstance(home.page, ExplainPage)
                assert home.page.entries, f"no explanation for {home.page.item_title!r}"
                assert home.go_back()
