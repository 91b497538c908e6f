"""Run blocking card and HTTP calls off the GUI thread; results come back as signals.

``run_in_worker(fn, on_done, on_error)`` runs ``fn()`` on a thread pool and returns its
:class:`Job` (``Job[T]`` for a ``fn`` returning ``T``). ``on_done(result)`` or
``on_error(error)`` is then called on the GUI thread (queued signal). The error is always one
of the taxonomy's (:class:`assistant.errors.AssistantError`): anything else ``fn`` raises
arrives as an :class:`assistant.errors.UnexpectedError` that carries it. A cancelled job's
result is dropped, so a screen that went away never receives it.

Jobs asked for inside ``with hold_jobs() as held:`` wait until ``held.release()`` (a screen
that starts background work while it is built does not slow down its own first paint).

With ``after_paint=True`` the job starts on a timer, after the events already waiting (the new
screen's layout and paint): a worker running pure Python would otherwise take the GIL from the
GUI thread while it draws the screen that says "please wait". The pool also lowers Python's
switch interval (:data:`SWITCH_INTERVAL`), so the GUI thread never waits long for the GIL a
busy worker holds.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Generic, TypeVar

from PySide6.QtCore import QCoreApplication, QObject, QRunnable, QThreadPool, QTimer, Signal, Slot

from assistant.errors import AssistantError, as_assistant_error

log = logging.getLogger(__name__)

#: Seconds a thread that wants the GIL waits before the holder must let go (Python's default
#: is 0.005): the GUI thread takes the GIL back many times while it draws, and each wait for a
#: worker running pure Python is one piece of a stall.
SWITCH_INTERVAL = 0.001
#: Milliseconds from ``run_in_worker(..., after_paint=True)`` to the start of the job. A real
#: timer (not 0, which Qt runs as a posted event before waiting paint and input events).
AFTER_PAINT_MS = 1


T = TypeVar("T")
#: A job's result type. Covariant: nothing outside a job takes a ``T`` in, so a ``Job[Record]``
#: is a ``Job[object]`` for a screen that keeps "the job running now", whatever it returns.
T_co = TypeVar("T_co", covariant=True)


class _Relay(QObject):
    """Lives on the GUI thread; the worker's queued signal calls the job back there."""

    arrived = Signal()

    def __init__(self, deliver: Callable[[], None]) -> None:
        super().__init__()
        self._deliver = deliver
        self.arrived.connect(self.deliver)

    @Slot()
    def deliver(self) -> None:
        self._deliver()


class Job(QRunnable, Generic[T_co]):
    """One blocking call ``fn() -> T_co``. Keep a reference to cancel it; its result or its
    error is delivered at most once, on the GUI thread."""

    def __init__(
        self,
        fn: Callable[[], T_co],
        on_done: Callable[[T_co], object] | None = None,
        on_error: Callable[[AssistantError], object] | None = None,
    ) -> None:
        super().__init__()
        self.setAutoDelete(False)
        self._fn = fn
        self._cancelled = False
        self.finished = False
        self._on_done = on_done
        self._on_error = on_error
        # What ``fn`` returned (in a 1-tuple: it may be None) or raised. Set by the worker
        # before it signals; read on the GUI thread when the queued signal arrives.
        self._outcome: tuple[T_co] | AssistantError | None = None
        self.relay = _Relay(self._deliver)

    def cancel(self) -> None:
        """Drop the result when it arrives (the call itself cannot be interrupted)."""
        self._cancelled = True

    @property
    def cancelled(self) -> bool:
        return self._cancelled

    def run(self) -> None:
        # A job cancelled before it started still runs: its work may clean up (zero the PIN,
        # finish a save); only its result is dropped.
        try:
            self._outcome = (self._fn(),)
        except BaseException as exc:  # delivered to the GUI thread, never swallowed
            self._outcome = as_assistant_error(exc)
        try:
            self.relay.arrived.emit()
        except RuntimeError:  # the relay is gone (the program is closing): nobody to tell
            log.debug("worker result dropped: relay deleted")

    def _deliver(self) -> None:
        # Dropped here: a screen may keep its job after it delivered.
        outcome, self._outcome = self._outcome, None
        self.finished = True
        _running.discard(self)
        if self._cancelled or outcome is None:
            return
        if isinstance(outcome, AssistantError):
            if self._on_error is not None:
                self._on_error(outcome)
            else:
                log.error("worker failed without handler: %s", outcome.log_name)
        elif self._on_done is not None:
            self._on_done(outcome[0])


# The bookkeeping needs only the runnables, whatever their results.
_running: set[QRunnable] = set()
_waiting: set[QRunnable] = set()  # made with after_paint, not started yet
_pool: QThreadPool | None = None


def pool() -> QThreadPool:
    """The pool for card and network jobs (its own, so Qt's global pool stays free)."""
    global _pool
    if _pool is None:
        if sys.getswitchinterval() > SWITCH_INTERVAL:
            sys.setswitchinterval(SWITCH_INTERVAL)
        _pool = QThreadPool()
        _pool.setMaxThreadCount(4)
    return _pool


def run_in_worker(
    fn: Callable[[], T],
    on_done: Callable[[T], object] | None = None,
    on_error: Callable[[AssistantError], object] | None = None,
    *,
    after_paint: bool = False,
) -> Job[T]:
    """Start ``fn`` on a worker thread; deliver its result or error on the GUI thread (what
    ``on_done`` and ``on_error`` return is ignored).

    ``after_paint``: start it once the events already waiting (a new screen's paint) are done.
    """
    job = Job(fn, on_done, on_error)
    _running.add(job)
    if _holds:
        _waiting.add(job)
        _holds[-1].jobs.append(job)
    elif after_paint:
        _waiting.add(job)
        QTimer.singleShot(AFTER_PAINT_MS, job.relay, lambda: _launch(job))
    else:
        pool().start(job)
    return job


def _launch(job: QRunnable) -> None:
    if job in _waiting:
        _waiting.discard(job)
        pool().start(job)


class HeldJobs:
    """Jobs asked for inside :func:`hold_jobs`; they start at :meth:`release`."""

    #: Longest hold (ms): the jobs start by then even if nobody releases them.
    LONGEST_MS = 2000

    def __init__(self) -> None:
        self.jobs: list[QRunnable] = []

    def release(self) -> None:
        """Start the held jobs (cancelled ones run but deliver nothing). Calling it again is
        harmless."""
        jobs, self.jobs = self.jobs, []
        for job in jobs:
            _launch(job)


_holds: list[HeldJobs] = []


@contextmanager
def hold_jobs() -> Iterator[HeldJobs]:
    """Keep the jobs asked for inside the block from starting until ``release()``.

    GUI thread only. A worker running pure Python takes half of the GIL's time from the GUI
    thread: work started while a screen is built would make its first layout and paint take
    about twice as long.
    """
    held = HeldJobs()
    _holds.append(held)
    try:
        yield held
    finally:
        _holds.remove(held)
        if held.jobs:
            app = QCoreApplication.instance()
            if app is not None:
                # A function, not the bound method: PySide keeps no reference to a bound
                # method of a plain object, which then dies before the timer fires.
                QTimer.singleShot(HeldJobs.LONGEST_MS, app, lambda: held.release())
            else:
                held.release()


def running_jobs() -> int:
    """How many jobs have not delivered yet (tests wait for 0)."""
    return len(_running)


def wait_for_all(msecs: int = 30000) -> bool:
    """Block until the pool is idle (shutdown and tests only — never on a live screen)."""
    for job in list(_waiting):
        _launch(job)
    return pool().waitForDone(msecs)
