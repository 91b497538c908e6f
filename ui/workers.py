"""Run blocking card and HTTP calls off the GUI thread; results come back as signals.

``run_in_worker(fn, on_done, on_error)`` runs ``fn()`` on a thread pool. ``on_done(result)``
or ``on_error(exception)`` is then called on the GUI thread (queued signal). A cancelled
job's result is dropped, so a screen that went away never receives it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

log = logging.getLogger(__name__)


class _Relay(QObject):
    """Lives on the GUI thread; receives the worker's result through a queued connection."""

    done = Signal(object)
    failed = Signal(object)

    def __init__(self, job: Job) -> None:
        super().__init__()
        self._job = job
        self.done.connect(self.on_done)
        self.failed.connect(self.on_failed)

    @Slot(object)
    def on_done(self, result: object) -> None:
        self._job._deliver_done(result)

    @Slot(object)
    def on_failed(self, exc: object) -> None:
        self._job._deliver_error(exc)


class Job(QRunnable):
    """One blocking call. Keep a reference to cancel it; results are delivered at most once."""

    def __init__(
        self,
        fn: Callable[[], Any],
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> None:
        super().__init__()
        self.setAutoDelete(False)
        self._fn = fn
        self._cancelled = False
        self.finished = False
        self._on_done = on_done
        self._on_error = on_error
        self.relay = _Relay(self)

    def cancel(self) -> None:
        """Drop the result when it arrives (the call itself cannot be interrupted)."""
        self._cancelled = True

    @property
    def cancelled(self) -> bool:
        return self._cancelled

    def run(self) -> None:
        try:
            result = self._fn()
        except BaseException as exc:  # delivered to the GUI thread, never swallowed
            self.relay.failed.emit(exc)
        else:
            self.relay.done.emit(result)

    def _deliver_done(self, result: object) -> None:
        self.finished = True
        _running.discard(self)
        if not self._cancelled and self._on_done is not None:
            self._on_done(result)

    def _deliver_error(self, exc: object) -> None:
        self.finished = True
        _running.discard(self)
        if self._cancelled:
            return
        if self._on_error is not None and isinstance(exc, BaseException):
            self._on_error(exc)
        else:
            log.error("worker failed without handler: %s", type(exc).__name__)


_running: set[Job] = set()
_pool: QThreadPool | None = None


def pool() -> QThreadPool:
    """The pool for card and network jobs (its own, so Qt's global pool stays free)."""
    global _pool
    if _pool is None:
        _pool = QThreadPool()
        _pool.setMaxThreadCount(4)
    return _pool


def run_in_worker(
    fn: Callable[[], Any],
    on_done: Callable[[Any], None] | None = None,
    on_error: Callable[[BaseException], None] | None = None,
) -> Job:
    """Start ``fn`` on a worker thread; deliver its result or exception on the GUI thread."""
    job = Job(fn, on_done, on_error)
    _running.add(job)
    pool().start(job)
    return job


def running_jobs() -> int:
    """How many jobs have not delivered yet (tests wait for 0)."""
    return len(_running)


def wait_for_all(msecs: int = 30000) -> bool:
    """Block until the pool is idle (shutdown and tests only — never on a live screen)."""
    return pool().waitForDone(msecs)
