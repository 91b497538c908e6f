"""The record viewer's pages as scenes for ``packaging/screenshots.sh`` (and the a11y walk).

The harness is walked to the record step with the adult demo patient; each scene opens one
page of the viewer held by the record screen.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QApplication

from assistant.journey import JourneyState, Step
from tests.support.journey_harness import JourneyHarness
from tests.support.journey_scenes import Scene, show_state
from ui.record.documents import is_pdf
from ui.record.home import RecordHome
from ui.record.results import grouped_results
from ui.workers import wait_for_all


def viewer_of(h: JourneyHarness) -> RecordHome:
    viewer = h.controller.screens[Step.RECORD].viewer
    assert isinstance(viewer, RecordHome), "the record step shows no record viewer"
    return viewer


def _page(key: str, *args: object) -> Callable[[JourneyHarness], None]:
    def show(h: JourneyHarness) -> None:
        show_state(h, JourneyState(Step.RECORD))
        viewer = viewer_of(h)
        viewer.go_home()
        record = viewer.record
        real_args: tuple[object, ...] = args
        if key == "trend":
            groups = grouped_results(record)
            real_args = (max(groups, key=lambda k: len(groups[k])),)
        elif key == "document":
            pdfs = [i for i, d in enumerate(record.documents) if is_pdf(d)]
            real_args = (pdfs[0] if pdfs else 0,)
        elif key == "explain":
            coded = [m for m in record.medications if m.codings] or record.medications
            real_args = (coded[0].name, coded[0].codings)
        if key != "home":
            viewer.open_page(key, *real_args)
            page = viewer.page
            assert page is not None
            page.finish_building()
            if key == "document":
                wait_for_all(20000)
                for _ in range(5):
                    QApplication.processEvents()
        QApplication.processEvents()

    return show


def record_scenes() -> list[Scene]:
    return [
        Scene("r01-record-home", _page("home")),
        Scene("r02-medicines", _page("medicines")),
        Scene("r03-vaccines", _page("vaccines")),
        Scene("r04-results", _page("results")),
        Scene("r05-result-trend", _page("trend")),
        Scene("r06-allergies-problems", _page("allergies")),
        Scene("r07-documents", _page("documents")),
        Scene("r08-document-open", _page("document")),
        Scene("r09-who-can-see", _page("sharing")),
        Scene("r10-what-is-this", _page("explain")),
        Scene("r11-who-can-explain", _page("contacts")),
        Scene("r12-why-not-yet", _page("why_result")),
        Scene("r13-questions", _page("notes", "medicines")),
        Scene("r14-paper-copy", _page("paper")),
        Scene("r15-phone", _page("phone")),
    ]
