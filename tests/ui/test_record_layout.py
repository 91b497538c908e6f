"""Nothing of the record viewer is cut off on the right: in the mediator's narrow view
(about 650 px), with 200 % text, in the languages with the longest words."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from assistant.i18n import set_language
from tests.support.records import demo_record
from ui import theme
from ui.record import disposal
from ui.record.home import RecordHome
from ui.record.medicines import DayPlanGrid, MedicinesPage
from ui.record.results import grouped_results
from ui.workers import wait_for_all

PAGES = (
    "medicines",
    "vaccines",
    "results",
    "trend",
    "allergies",
    "documents",
    "sharing",
    "contacts",
    "why_result",
    "notes",
    "paper",
    "phone",
)


@pytest.fixture(autouse=True)
def _restore(qapp: QApplication) -> Iterator[None]:
    yield
    set_language("en")
    theme.set_theme(theme.Theme(), qapp)
    disposal.dispose_now()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def overflow(home: RecordHome) -> int:
    """How many pixels the page shown is wider than its view (0: nothing cut off)."""
    page = home.page if home.page is not None else home.home
    body = page.body
    assert body is not None
    return max(0, body.width() - page.scroll_area.viewport().width())


@pytest.mark.parametrize(
    ("language", "scale", "citizen"),
    [("de", 2.0, "adult"), ("fr", 2.0, "kid"), ("nl", 1.0, "adult"), ("de", 1.5, "adult")],
)
def test_no_page_is_wider_than_a_narrow_view(
    qtbot: QtBot, qapp: QApplication, language: str, scale: float, citizen: str
) -> None:
    set_language(language)
    theme.set_theme(theme.Theme(text_scale=scale), qapp)
    record = demo_record(citizen)
    home = RecordHome(record)
    qtbot.addWidget(home)
    home.resize(650, 600)
    home.show()
    qtbot.waitExposed(home)
    wait_for_all()
    QApplication.processEvents()
    assert overflow(home) == 0, "record home"
    groups = grouped_results(record)
    for key in PAGES:
        home.go_home()
        args: tuple[object, ...] = ()
        if key == "trend":
            if not groups:
                continue
            args = (max(groups, key=lambda k: len(groups[k])),)
        home.open_page(key, *args)
        assert home.page is not None
        home.page.finish_building()
        QApplication.processEvents()
        assert overflow(home) == 0, key


def test_day_plan_turns_into_a_list_when_narrow_and_back(qtbot: QtBot, qapp: QApplication) -> None:
    set_language("en")
    theme.set_theme(theme.Theme(), qapp)
    home = RecordHome(demo_record("adult"))
    qtbot.addWidget(home)
    home.resize(1200, 700)
    home.show()
    home.open_page("medicines")
    page = home.page
    assert isinstance(page, MedicinesPage)
    grid = page.grid
    assert isinstance(grid, DayPlanGrid)
    page.finish_building()  # the plan's rows are added between events
    assert grid.complete
    QApplication.processEvents()
    assert not grid.compact
    spoken = list(grid.row_texts)
    home.resize(420, 700)
    QApplication.processEvents()
    assert grid.compact
    assert overflow(home) == 0
    assert grid.row_texts == spoken  # read the same way
    home.resize(1200, 700)
    QApplication.processEvents()
    assert not grid.compact


@pytest.mark.parametrize(
    ("width", "scale", "columns"),
    [(1900, 1.0, 3), (990, 2.0, 1), (1900, 2.0, 3), (650, 2.0, 1)],
)
def test_record_home_tiles_follow_the_width(
    qtbot: QtBot, qapp: QApplication, width: int, scale: float, columns: int
) -> None:
    set_language("de")
    theme.set_theme(theme.Theme(text_scale=scale), qapp)
    home = RecordHome(demo_record("adult"))
    qtbot.addWidget(home)
    home.resize(width, 600)
    home.show()
    qtbot.waitExposed(home)
    # Once laid out (the scroll bar may come and go meanwhile): nothing wider than the view.
    qtbot.waitUntil(lambda: home.home.columns == columns and overflow(home) == 0, timeout=5000)
    for tile in home.home.tiles.values():
        # Every tile is as tall as its wrapped text needs (nothing cut at the bottom).
        assert tile.height() >= tile.heightForWidth(tile.width())
