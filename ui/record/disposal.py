"""Delete big pages a few widgets at a time, so leaving a long list never freezes the screen.

``deleteLater()`` on a page with hundreds of widgets deletes them all in one go (tens of ms on
the GUI thread). :func:`dispose_later` hides the page and deletes its parts (the cards of a
list, each with what it holds) in slices bounded by a time budget between events, then the
page. :func:`dispose_now` finishes at once (the
patient left: nothing of the record may stay in memory longer than needed).
"""

from __future__ import annotations

import time
from collections import deque

import shiboken6
from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QWidget

from ui.workers import running_jobs

#: Time for one slice of deletions, then the event loop runs again.
SLICE_S = 0.003
#: While a worker runs (reading a file), deleting waits: each deletion calls back into Python
#: and would wait for the worker's turn on the interpreter lock many times over.
BUSY_RETRY_MS = 25
#: Longest wait for the workers before deleting anyway.
MAX_WAIT_S = 2.0


class _Disposer(QObject):
    def __init__(self) -> None:
        super().__init__()
        # Widgets still to delete: the parts of a page, then the page itself.
        self.queue: deque[QWidget] = deque()
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(1)
        self.timer.timeout.connect(self._slice)
        self.busy_since: float | None = None

    def add(self, widget: QWidget, parts: list[QWidget]) -> None:
        # Hidden, it is never laid out or painted again. It keeps its parent: taking a big
        # tree out of a window costs as much as deleting it (every widget is told).
        widget.hide()
        self.queue.extend(parts)
        self.queue.append(widget)
        if not self.timer.isActive():
            self.timer.start()

    def _slice(self, budget: float | None = SLICE_S) -> None:
        start = time.perf_counter()
        if budget is not None and running_jobs():
            # Wait for the worker, but not for ever (a job may hang on a slow service).
            if self.busy_since is None:
                self.busy_since = start
            if start - self.busy_since < MAX_WAIT_S:
                self.timer.start(BUSY_RETRY_MS)
                return
        self.busy_since = None
        queue = self.queue
        while queue and (budget is None or time.perf_counter() - start < budget):
            widget = queue.popleft()
            if shiboken6.isValid(widget):
                shiboken6.delete(widget)
        if queue:
            self.timer.start(1)

    def flush(self) -> None:
        self.timer.stop()
        self._slice(None)


_disposer: _Disposer | None = None


def _get() -> _Disposer:
    global _disposer
    if _disposer is None or not shiboken6.isValid(_disposer):
        _disposer = _Disposer()
    return _disposer


def dispose_later(widget: QWidget, parts: list[QWidget]) -> None:
    """Hide ``widget`` now and delete it over the next events: first each of ``parts``
    (children of a plain container in it, e.g. the cards of a list), then ``widget``.

    Never pass children that a Qt widget manages itself (a scroll area's viewport)."""
    _get().add(widget, parts)


def dispose_now() -> None:
    """Delete at once every widget still waiting."""
    if _disposer is not None and shiboken6.isValid(_disposer):
        _disposer.flush()


def pending() -> int:
    """How many widgets are still waiting to be deleted (tests)."""
    if _disposer is None or not shiboken6.isValid(_disposer):
        return 0
    return len(_disposer.queue)
