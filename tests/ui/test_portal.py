"""The portal route on screen: a real card with no record service gets the readiness check and
the official portal (browser at home, phone in kiosk and mediator modes), with virtual cards."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QApplication, QFileDialog

from assistant import settings as settings_mod
from assistant.journey import Step
from assistant.portal.readiness import Item, Status
from assistant.portal.urls import PORTAL_URLS
from tests.support.fixtures import record_files
from tests.support.journey_harness import JourneyHarness

pytestmark = pytest.mark.usefixtures("qapp")


def start(qtbot, language: str = "en", **kwargs: object) -> JourneyHarness:
    h = JourneyHarness.start(qtbot, portal=True, language=language, **kwargs)  # type: ignore[arg-type]
    return h


@pytest.fixture
def mode() -> Iterator[list[settings_mod.Settings]]:
    """Install other settings for a test (home by default); put the defaults back after."""
    before = settings_mod.current()
    yield []
    settings_mod.install(before)


def texts(h: JourneyHarness) -> str:
    from PySide6.QtWidgets import QLabel

    QApplication.processEvents()  # widgets added to a shown screen are shown on the next turn
    return "\n".join(w.text() for w in h.shell.findChildren(QLabel) if w.isVisible())


def test_yes_leads_to_the_readiness_check_and_the_browser(qtbot) -> None:
    h = start(qtbot)
    opened: list[str] = []
    h.controller.url_opener = opened.append
    try:
        h.walk_to(Step.PORTAL)
        screen = h.controller.portal_screen
        report = h.controller.journey.readiness
        assert report is not None
        assert report.get(Item.PIN).tries_left == 3
        assert report.get(Item.CARD).status is Status.OK
        assert "Step 5 of 5" in h.shell.step_label.text()
        assert len(screen.rows) == 5 and all(r.isVisible() for r in screen.rows)
        assert "MyHealth" in screen.heading.text()
        assert "3 tries left" in texts(h)
        assert h.focused() is screen.go
        h.enter()
        assert opened == [PORTAL_URLS["en"]]
        assert not any(r.isVisible() for r in screen.rows)
        shown = texts(h)
        assert "type the same 4 digits" in shown
        assert "Open a file I received" in shown
        assert screen.qr is None  # at home: the browser, no code for the phone
        # The card is free for the eID software: our session was closed.
        assert h.controller.session is None
        h.press(screen.done)
        h.wait_step(Step.FINISH)
        assert h.controller.journey.readiness is None and screen.report is None
    finally:
        h.close()


def test_the_portal_is_in_the_patients_language(qtbot) -> None:
    h = start(qtbot, language="nl")
    opened: list[str] = []
    h.controller.url_opener = opened.append
    try:
        h.walk_to(Step.PORTAL)
        assert "Mijngezondheid" in h.controller.portal_screen.heading.text()
        h.enter()
        assert opened == ["https://www.mijngezondheid.belgie.be"]
    finally:
        h.close()


def test_a_blocked_pin_is_said_with_what_to_do(qtbot) -> None:
    h = start(qtbot)
    h.card.card.tries_left = 0  # type: ignore[attr-defined]
    try:
        h.walk_to(Step.PORTAL)
        report = h.controller.journey.readiness
        assert report is not None and report.get(Item.PIN).status is Status.PROBLEM
        shown = texts(h)
        assert "Your PIN code is blocked." in shown and "PUK" in shown
        assert "something must be fixed first" in shown
        # itsme stays open to the patient: the website can still be opened.
        assert h.controller.portal_screen.go.isVisible()
    finally:
        h.close()


def test_a_kids_card_says_a_parent_logs_in(qtbot) -> None:
    h = start(qtbot, citizen="toddler")  # a kids card without login certificate
    try:
        h.walk_to(Step.PORTAL)
        report = h.controller.journey.readiness
        assert report is not None
        assert report.get(Item.CARD).status is Status.PROBLEM
        shown = texts(h)
        assert "children under 12" in shown and "parent" in shown
        assert "Step 5 of 5" in h.shell.step_label.text()
    finally:
        h.close()


def test_check_again_and_back(qtbot) -> None:
    h = start(qtbot)
    try:
        h.walk_to(Step.PORTAL)
        first = h.controller.journey.readiness
        h.press(h.controller.portal_screen.again)

        def checked_again() -> bool:
            now = h.controller.journey.readiness
            return now is not None and now is not first and not h.state.busy

        h.qtbot.waitUntil(checked_again, timeout=10000)
        h.shell.back_requested.emit()
        h.wait_step(Step.CONFIRM_IDENTITY)
        h.enter()  # yes again: the check runs again on a new session
        h.wait_step(Step.PORTAL)
        assert h.controller.journey.readiness is not None
    finally:
        h.close()


def test_card_pulled_at_the_portal_wipes(qtbot) -> None:
    h = start(qtbot)
    try:
        h.walk_to(Step.PORTAL)
        h.pull_card()
        h.wait_step(Step.CARD)
        assert h.controller.journey.card_data is None
        assert h.controller.portal_screen.report is None
    finally:
        h.close()


def test_public_computers_hand_the_portal_to_the_phone(qtbot, mode) -> None:
    settings_mod.install(settings_mod.Settings(mode=settings_mod.Mode.MEDIATOR))
    h = start(qtbot, language="fr")
    opened: list[str] = []
    h.controller.url_opener = opened.append
    try:
        h.walk_to(Step.PORTAL)
        screen = h.controller.portal_screen
        assert screen.go.text() == "Continuer sur mon téléphone"
        h.enter()
        assert opened == []  # never the browser of a public computer
        assert screen.qr is not None and screen.qr.payload == PORTAL_URLS["fr"]
        assert screen.files.isVisible()  # the patient's USB stick only (mediator)
    finally:
        h.close()


def test_open_a_file_i_received_from_the_portal(qtbot, monkeypatch) -> None:
    path = next(p for p in record_files() if p.suffix == ".xml")
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(path), ""))
    )
    h = start(qtbot)
    h.controller.url_opener = lambda _url: None
    try:
        h.walk_to(Step.PORTAL)
        h.enter()
        h.press(h.controller.portal_screen.files)
        h.wait_step(Step.RECORD)
        viewer = h.controller.record_screen.viewer
        assert viewer is not None
        h.qtbot.waitUntil(
            lambda: viewer.opened is not None or bool(viewer.open_problem), timeout=10000
        )
        assert not viewer.open_problem
        h.press(h.controller.record_screen.done)
        h.wait_step(Step.FINISH)
        assert h.controller.record_screen.viewer is None
    finally:
        h.close()
        QApplication.processEvents()
