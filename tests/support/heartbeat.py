"""A GUI-thread heartbeat: the longest gap between ticks of a short timer is the longest stall."""

from __future__ import annotations

from PySide6.QtCore import QElapsedTimer, QTimer

TICK_MS = 5


class Heartbeat:
    """Measures the gaps between ticks of a ``TICK_MS`` timer on the GUI thread."""

    def __init__(self) -> None:
        self.timer = QTimer()
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self._tick)
        self.clock = QElapsedTimer()
        self.last = 0
        self.gaps: list[float] = []

    def _tick(self) -> None:
        now = self.clock.nsecsElapsed()
        self.gaps.append((now - self.last) / 1e6)
        self.last = now

    def start(self) -> None:
        self.gaps = []
        self.clock.start()
        self.last = self.clock.nsecsElapsed()
        self.timer.start()

    def stop(self) -> float:
        """Stop and return the longest gap in ms (the gap up to now counts too)."""
        self._tick()
        self.timer.stop()
        return max(self.gaps)
