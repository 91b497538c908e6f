"""The journey's work runs off the GUI thread without stalling it.

* ``run_in_worker(..., after_paint=True)`` starts the job only after the events already waiting
  (the new screen's paint); a job cancelled before then still runs (it may clean up) and
  delivers nothing;
* the worker pool lowers Python's switch interval, so the GUI thread gets the GIL back quickly;
* a job's error arrives as one of the taxonomy's (``assistant.errors``), whatever was raised;
* the card photo is decoded in the card worker, never on the GUI thread.
"""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QObject
from PySide6.QtGui import QImage

import ui.screens.identity as identity_mod
from assistant.demo.card.citizens import CITIZENS
from assistant.demo.card.model import VirtualEidCard
from assistant.errors import AssistantError, ProblemKind, ServiceRefusedError, UnexpectedError
from assistant.journey import Step
from tests.support.journey_harness import JourneyHarness
from ui import workers
from ui.screens.identity import IdentityScreen, decode_photo, warm_up_photo_decoder

pytestmark = pytest.mark.usefixtures("qapp")


class _Marker(QObject):
    """Records when a posted event is handled (stands for a paint already waiting)."""

    def __init__(self, log: list[str]) -> None:
        super().__init__()
        self.log = log

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.User:
            self.log.append("posted event")
            return True
        return super().event(event)


def test_after_paint_job_starts_after_the_waiting_events(qtbot) -> None:
    log: list[str] = []
    marker = _Marker(log)
    lock = threading.Lock()

    def work() -> str:
        with lock:
            log.append("work")
        return "result"

    results: list[object] = []
    job = workers.run_in_worker(work, results.append, after_paint=True)
    QCoreApplication.postEvent(marker, QEvent(QEvent.Type.User))  # posted after the job
    assert log == []  # nothing started before the event loop turned
    qtbot.waitUntil(lambda: results == ["result"], timeout=5000)
    assert log == ["posted event", "work"]
    assert job.finished and workers.running_jobs() == 0


def test_after_paint_job_cancelled_before_it_starts_runs_but_delivers_nothing(qtbot) -> None:
    """Its work may clean up (the PIN check zeroes the PIN): it runs; the result is dropped."""
    ran = threading.Event()
    delivered: list[object] = []
    job = workers.run_in_worker(ran.set, delivered.append, after_paint=True)
    job.cancel()
    qtbot.waitUntil(lambda: workers.running_jobs() == 0, timeout=5000)
    assert ran.is_set() and delivered == []


def test_wait_for_all_starts_the_jobs_still_waiting(qtbot) -> None:
    ran = threading.Event()
    job = workers.run_in_worker(ran.set, after_paint=True)
    assert workers.wait_for_all(5000)  # no event loop turn: the job is started here
    assert ran.is_set()
    qtbot.waitUntil(lambda: job.finished, timeout=5000)


def test_a_job_error_arrives_as_one_of_the_taxonomy(qtbot) -> None:
    refused = ServiceRefusedError("403")

    def refuse() -> None:
        raise refused

    def bug() -> None:
        raise ValueError("a message that may hold personal data")

    errors: list[AssistantError] = []
    workers.run_in_worker(refuse, None, errors.append)
    workers.run_in_worker(bug, None, errors.append)
    qtbot.waitUntil(lambda: len(errors) == 2, timeout=5000)
    assert refused in errors  # the taxonomy's own errors arrive as they were raised
    (unexpected,) = (e for e in errors if e is not refused)
    assert isinstance(unexpected, UnexpectedError)
    assert unexpected.kind is ProblemKind.PROGRAM and not unexpected.retry_helps
    assert isinstance(unexpected.original, ValueError)
    assert unexpected.__cause__ is unexpected.original
    assert "personal" not in str(unexpected) and unexpected.log_name == "ValueError"


def test_a_job_error_without_handler_is_logged_by_its_type_only(qtbot, caplog) -> None:
    def bug() -> None:
        raise KeyError("a message that may hold personal data")

    with caplog.at_level(logging.ERROR, logger="ui.workers"):
        job = workers.run_in_worker(bug)
        qtbot.waitUntil(lambda: job.finished, timeout=5000)
    assert "KeyError" in caplog.text and "personal" not in caplog.text


def test_a_job_that_returns_none_delivers_none(qtbot) -> None:
    delivered: list[object] = []
    job = workers.run_in_worker(lambda: None, delivered.append)
    qtbot.waitUntil(lambda: job.finished, timeout=5000)
    assert delivered == [None]


def test_the_pool_lowers_the_switch_interval() -> None:
    workers.pool()
    assert sys.getswitchinterval() <= workers.SWITCH_INTERVAL + 1e-9


def test_card_photo_decodes_in_a_worker_thread() -> None:
    photo = VirtualEidCard("adult").photo
    out: list[QImage] = []
    thread = threading.Thread(target=lambda: out.append(decode_photo(photo)))
    thread.start()
    thread.join(10)
    assert out and not out[0].isNull() and out[0].height() > 50
    assert decode_photo(b"").isNull() and decode_photo(b"not a jpeg").isNull()
    assert warm_up_photo_decoder()


def test_identity_screen_shows_a_decoded_photo_and_forgets_it(qtbot) -> None:
    screen = IdentityScreen()
    qtbot.addWidget(screen)

    class Card:
        photo = VirtualEidCard("adult").photo
        identity = None

    image = decode_photo(Card.photo)
    screen._card = Card()
    screen._image = image
    screen._show_photo()
    assert not screen.photo.pixmap().isNull()
    assert screen.photo.height() == 200
    screen.set_card(None)
    assert screen.photo.pixmap().isNull() and screen._image.isNull()


@pytest.fixture
def h(qtbot) -> Iterator[JourneyHarness]:
    harness = JourneyHarness.start(qtbot)
    yield harness
    harness.close()


def test_journey_decodes_the_photo_off_the_gui_thread(
    h: JourneyHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    gui = threading.current_thread()
    threads: list[bool] = []
    real = identity_mod.decode_photo

    def spy(photo: bytes | bytearray | None) -> QImage:
        threads.append(threading.current_thread() is gui)
        return real(photo)

    h.qtbot.waitUntil(lambda: h.controller.prepared, timeout=15000)  # warm-up done
    monkeypatch.setattr(identity_mod, "decode_photo", spy)
    h.walk_to(Step.CONFIRM_IDENTITY)
    screen = h.controller.identity_screen
    assert screen.name.text() == CITIZENS["adult"].given_and_surname
    assert not screen.photo.pixmap().isNull()
    assert threads == [False]  # decoded once, in the card worker


def test_prepare_warms_up_a_record_viewer_and_drops_it(
    qtbot, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ui.record.home as home_mod

    made: list[object] = []
    real_init = home_mod.RecordHome.__init__

    def spy(self: home_mod.RecordHome, record: object, *args: object, **kwargs: object) -> None:
        made.append(record)
        real_init(self, record, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(home_mod.RecordHome, "__init__", spy)
    h = JourneyHarness.start(qtbot)
    try:
        qtbot.waitUntil(lambda: h.controller.prepared, timeout=15000)
        assert len(made) == 1
        warm = made[0]
        assert warm.patient is None and warm.is_empty  # type: ignore[attr-defined]
        screen = h.controller.record_screen
        qtbot.waitUntil(lambda: not screen.findChildren(home_mod.RecordHome), timeout=5000)
        assert screen.viewer is None
        h.walk_to(Step.RECORD)  # the real record gets its own viewer
        assert len(made) == 2 and h.controller.record_screen.viewer is not None
    finally:
        h.close()


def test_held_jobs_start_only_when_released(qtbot) -> None:
    ran: list[str] = []
    delivered: list[object] = []
    with workers.hold_jobs() as held:
        workers.run_in_worker(lambda: ran.append("a") or "a", delivered.append)
        cancelled = workers.run_in_worker(lambda: ran.append("b") or "b", delivered.append)
    cancelled.cancel()
    workers.run_in_worker(lambda: "outside", delivered.append)  # not held
    qtbot.waitUntil(lambda: delivered == ["outside"], timeout=5000)
    qtbot.wait(20)
    assert ran == [] and workers.running_jobs() == 2
    held.release()
    held.release()  # harmless
    qtbot.waitUntil(lambda: workers.running_jobs() == 0, timeout=5000)
    assert sorted(ran) == ["a", "b"] and delivered == ["outside", "a"]


def test_held_jobs_start_by_themselves_if_nobody_releases_them(
    qtbot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(workers.HeldJobs, "LONGEST_MS", 30)
    done = threading.Event()
    with workers.hold_jobs():
        workers.run_in_worker(done.set)
    assert not done.is_set()
    qtbot.waitUntil(done.is_set, timeout=5000)
    qtbot.waitUntil(lambda: workers.running_jobs() == 0, timeout=5000)


def test_viewer_background_work_waits_until_the_record_is_shown(h: JourneyHarness) -> None:
    real = h.controller.viewer_factory
    assert real is not None
    steps: list[Step] = []

    def factory(record: object, parent: object) -> object:
        workers.run_in_worker(lambda: steps.append(h.controller.journey.step))
        return real(record, parent)

    h.controller.viewer_factory = factory
    h.walk_to(Step.RECORD)
    h.qtbot.waitUntil(lambda: steps != [], timeout=5000)
    assert steps == [Step.RECORD]
