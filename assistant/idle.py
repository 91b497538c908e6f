"""Inactivity lock for mediator and kiosk sessions, without Qt.

The timer has three phases. ACTIVE: any touch or key restarts the countdown. WARNING: a large
warning with "I am still here" is on screen for at least 20 seconds before the reset; only that
one action extends (the warning covers the screen, so a stray touch elsewhere does not count).
Then RESET: the owner resets to Welcome and wipes everything. Removing the card resets at once.

The clock is injectable, so the logic is tested without waiting. The UI calls :meth:`poll`
from a timer (and :meth:`seconds_to_next_change` tells it when the next change is due).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from assistant.settings import MIN_WARNING_SECONDS

log = logging.getLogger(__name__)


class IdlePhase(Enum):
    STOPPED = "stopped"
    ACTIVE = "active"
    WARNING = "warning"


class ResetReason(Enum):
    """Why a session was reset (also used, as a value, in the anonymous session log)."""

    IDLE = "idle"
    CARD_REMOVED = "card_removed"
    FINISHED = "finished"
    STAFF = "staff"


@dataclass(frozen=True, slots=True)
class IdleStatus:
    phase: IdlePhase
    #: Seconds until the reset (None when stopped).
    seconds_left: float | None

    @property
    def whole_seconds_left(self) -> int | None:
        """The countdown as shown: whole seconds, rounded up, never below 0."""
        if self.seconds_left is None:
            return None
        whole = int(self.seconds_left)
        return max(0, whole + (1 if self.seconds_left > whole else 0))


class IdleTimer:
    """Counts inactivity, warns before the reset, and calls back on warning and reset.

    ``on_warning(seconds_left)`` is called once when the warning starts; ``on_reset(reason)``
    once per reset; ``on_extend()`` when "I am still here" is used. After a reset the timer is
    stopped until :meth:`start` is called again (the next patient leaves Welcome).
    """

    def __init__(
        self,
        timeout_seconds: float,
        warning_seconds: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        on_warning: Callable[[float], None] | None = None,
        on_reset: Callable[[ResetReason], None] | None = None,
        on_extend: Callable[[], None] | None = None,
        min_warning_seconds: float = MIN_WARNING_SECONDS,
    ) -> None:
        if warning_seconds < min_warning_seconds:
            raise ValueError(f"the warning must come at least {min_warning_seconds:g} s before")
        if timeout_seconds <= warning_seconds:
            raise ValueError("the timeout must be longer than the warning")
        self.timeout_seconds = float(timeout_seconds)
        self.warning_seconds = float(warning_seconds)
        self._clock = clock
        self._on_warning = on_warning
        self._on_reset = on_reset
        self._on_extend = on_extend
        self._phase = IdlePhase.STOPPED
        self._last_activity = 0.0

    # -- state -----------------------------------------------------------------------------

    @property
    def phase(self) -> IdlePhase:
        return self._phase

    @property
    def running(self) -> bool:
        return self._phase is not IdlePhase.STOPPED

    def _deadline(self) -> float:
        return self._last_activity + self.timeout_seconds

    def _warning_at(self) -> float:
        return self._deadline() - self.warning_seconds

    def status(self) -> IdleStatus:
        """The phase and seconds left, without acting on them (see :meth:`poll`)."""
        if self._phase is IdlePhase.STOPPED:
            return IdleStatus(IdlePhase.STOPPED, None)
        return IdleStatus(self._phase, max(0.0, self._deadline() - self._clock()))

    def seconds_to_next_change(self) -> float | None:
        """Seconds until the warning starts or the reset is due; None when stopped."""
        if self._phase is IdlePhase.STOPPED:
            return None
        now = self._clock()
        target = self._warning_at() if self._phase is IdlePhase.ACTIVE else self._deadline()
        return max(0.0, target - now)

    # -- events ----------------------------------------------------------------------------

    def start(self) -> None:
        """Start counting (a patient session began)."""
        self._phase = IdlePhase.ACTIVE
        self._last_activity = self._clock()

    def stop(self) -> None:
        """Stop counting (back at Welcome with nothing to protect)."""
        self._phase = IdlePhase.STOPPED

    def activity(self) -> bool:
        """A touch, click or key. Restarts the countdown unless the warning is showing."""
        if self._phase is not IdlePhase.ACTIVE:
            return False
        if self.poll().phase is not IdlePhase.ACTIVE:
            return False
        self._last_activity = self._clock()
        return True

    def still_here(self) -> bool:
        """The patient pressed "I am still here": the full timeout starts again.

        Returns False when it came too late (the reset already happened) or nothing was running.
        """
        if self._phase is IdlePhase.STOPPED:
            return False
        if self.poll().phase is IdlePhase.STOPPED:
            return False
        was_warning = self._phase is IdlePhase.WARNING
        self._phase = IdlePhase.ACTIVE
        self._last_activity = self._clock()
        if was_warning and self._on_extend is not None:
            self._on_extend()
        return True

    def card_removed(self) -> None:
        """The card left the reader: reset at once (no warning) when a session is running."""
        if self._phase is not IdlePhase.STOPPED:
            self._reset(ResetReason.CARD_REMOVED)

    def reset_now(self, reason: ResetReason) -> None:
        """Reset at once for another reason (Finish, the pharmacist)."""
        if self._phase is not IdlePhase.STOPPED:
            self._reset(reason)

    def poll(self) -> IdleStatus:
        """Look at the clock and fire the warning or the reset when due."""
        if self._phase is IdlePhase.STOPPED:
            return self.status()
        now = self._clock()
        if now >= self._deadline():
            if self._phase is IdlePhase.ACTIVE and self._on_warning is not None:
                # The clock jumped past the whole warning (e.g. suspend): the reset still wins,
                # privacy first, but nothing is skipped silently in the log.
                log.info("idle warning skipped: the clock jumped past it")
            self._reset(ResetReason.IDLE)
            return IdleStatus(IdlePhase.STOPPED, None)
        if self._phase is IdlePhase.ACTIVE and now >= self._warning_at():
            self._phase = IdlePhase.WARNING
            left = self._deadline() - now
            if self._on_warning is not None:
                self._on_warning(left)
        return self.status()

    def _reset(self, reason: ResetReason) -> None:
        self._phase = IdlePhase.STOPPED
        log.info("session reset: %s", reason.value)
        if self._on_reset is not None:
            self._on_reset(reason)
