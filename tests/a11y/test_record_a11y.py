"""Every record screen (home, the six sections, chart, document, explanation, tools) in 4
languages and 2 themes: names, roles, 44 px targets, contrast, focus ring, no cut text.

Long pages are checked at every scroll position in English; the other languages at the top and
bottom of each page (what changes with the language is the words, not the layout)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication, QScrollArea
from pytestqt.qtbot import QtBot

from assistant.i18n import set_language
from assistant.records.model import Record
from tests.support.a11y_checks import audit, check_clipping, check_targets
from tests.support.records import demo_record
from ui import theme as theme_mod
from ui.record.documents import DocumentPage, is_pdf
from ui.record.home import RecordHome
from ui.record.results import grouped_results


@pytest.fixture(scope="module")
def adult() -> Record:
    return demo_record("adult")


@pytest.fixture(autouse=True)
def _reset(qapp: QApplication) -> Iterator[None]:
    yield
    set_language("en")
    theme_mod.set_theme(theme_mod.Theme(), qapp)
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def scenes(record: Record) -> list[tuple[str, tuple[object, ...]]]:
    trend = max(grouped_results(record).items(), key=lambda kv: len(kv[1]))[0]
    text_doc = next(i for i, d in enumerate(record.documents) if not is_pdf(d))
    med = record.medications[0]
    return [
        ("home", ()),
        ("medicines", ()),
        ("vaccines", ()),
        ("results", ()),
        ("allergies", ()),
        ("documents", ()),
        ("sharing", ()),
        ("trend", (trend,)),
        ("document", (text_doc,)),
        ("explain", (med.name, med.codings, "", "")),
        ("contacts", ()),
        ("why_result", ()),
        ("notes", ("medicines",)),
        ("paper", ()),
        ("phone", ()),
        ("unreadable", ()),
    ]


def show(home: RecordHome, key: str, args: tuple[object, ...]) -> None:
    home.go_home()
    if key != "home":
        home.open_page(key, *args)
        assert home.page is not None
        home.page.finish_building()
    QApplication.processEvents()


def scroll_positions(home: RecordHome, every: bool) -> Iterator[None]:
    area = (home.page or home.home).findChild(QScrollArea)
    assert area is not None
    bar = area.verticalScrollBar()
    if every:
        steps = list(range(0, bar.maximum() + 1, max(1, bar.pageStep() - 40)))
        if bar.maximum() not in steps:
            steps.append(bar.maximum())
    else:
        steps = sorted({0, bar.maximum()})
    for value in steps:
        bar.setValue(value)
        QApplication.processEvents()
        yield


@pytest.mark.parametrize("high_contrast", [False, True], ids=["normal", "high-contrast"])
@pytest.mark.parametrize("language", ["fr", "nl", "en", "de"])
def test_every_record_screen_is_accessible(
    qtbot: QtBot, adult: Record, language: str, high_contrast: bool
) -> None:
    theme_mod.set_theme(theme_mod.Theme(high_contrast=high_contrast))
    set_language(language)
    home = RecordHome(adult, open_file_dialog=lambda _w: None)
    qtbot.addWidget(home, before_close_func=lambda w: w.go_home())
    home.resize(1024, 768)
    home.show()
    qtbot.waitExposed(home)
    problems: list[str] = []
    for i, (key, args) in enumerate(scenes(adult)):
        show(home, key, args)
        for n, _pos in enumerate(scroll_positions(home, every=language == "en")):
            found = audit(home, focus=i == 0 and n == 0) + check_clipping(home)
            problems += [f"{key}@{n}: {p}" for p in found]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("size", [(1024, 768), (1920, 1080)], ids=["1024x768", "1920x1080"])
def test_record_screens_at_200_percent(qtbot: QtBot, adult: Record, size: tuple[int, int]) -> None:
    theme_mod.set_theme(theme_mod.Theme(text_scale=2.0))
    set_language("fr")
    home = RecordHome(adult, open_file_dialog=lambda _w: None)
    qtbot.addWidget(home, before_close_func=lambda w: w.go_home())
    home.resize(*size)
    home.show()
    qtbot.waitExposed(home)
    problems: list[str] = []
    for key, args in scenes(adult):
        show(home, key, args)
        for n, _pos in enumerate(scroll_positions(home, every=False)):
            found = check_clipping(home) + check_targets(home)
            problems += [f"{key}@{n}: {p}" for p in found]
    assert not problems, "\n".join(problems)


def test_pdf_pages_have_names(qtbot: QtBot, adult: Record) -> None:
    index = next(i for i, d in enumerate(adult.documents) if is_pdf(d))
    home = RecordHome(adult)
    qtbot.addWidget(home, before_close_func=lambda w: w.go_home())
    home.resize(1024, 768)
    home.show()
    home.open_page("document", index)
    page = home.page
    assert isinstance(page, DocumentPage)
    qtbot.waitUntil(lambda: bool(page.page_labels), timeout=20000)
    assert all(label.accessibleName() for label in page.page_labels)
    assert audit(home, focus=False) == []
