"""Watches readers and cards on its own thread and reports each change as a plain callback.

The UI turns the callback into a Qt signal. States: the smart card service is not running,
no reader, no card, a card present (several readers are listed in ``readers``; the one holding
a card is ``card_reader``). Whether the card is a Belgian eID is decided by reading it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from assistant.card.connection import CardBackend
from assistant.card.service import ServiceUnavailableError
from assistant.errors import ReaderError

log = logging.getLogger(__name__)

#: Longest wait between two looks; also bounds how long ``stop()`` takes.
POLL_SECONDS = 0.25


class ReaderState(Enum):
    SERVICE_UNAVAILABLE = "service_unavailable"
    NO_READER = "no_reader"
    NO_CARD = "no_card"
    CARD_PRESENT = "card_present"


@dataclass(frozen=True)
class CardSituation:
    state: ReaderState
    readers: tuple[str, ...] = ()
    card_reader: str | None = None

    @property
    def several_readers(self) -> bool:
        return len(self.readers) > 1


def look(backend: CardBackend) -> CardSituation:
    """The situation now (one pass, no thread)."""
    try:
        readers = tuple(backend.list_readers())
        if not readers:
            return CardSituation(ReaderState.NO_READER)
        for reader in readers:
            try:
                present = backend.card_present(reader)
            except ServiceUnavailableError:
                raise
            except ReaderError:
                present = False  # the reader left between listing and asking
            if present:
                return CardSituation(ReaderState.CARD_PRESENT, readers, reader)
        return CardSituation(ReaderState.NO_CARD, readers)
    except ServiceUnavailableError:
        return CardSituation(ReaderState.SERVICE_UNAVAILABLE)
    except ReaderError as exc:
        log.warning("listing readers failed: %s", exc.detail)
        return CardSituation(ReaderState.NO_READER)


class CardMonitor:
    """Calls ``on_change(situation)`` from the monitor thread whenever the situation changes
    (and once at start)."""

    def __init__(self, backend: CardBackend, on_change: Callable[[CardSituation], None]) -> None:
        self._backend = backend
        self._on_change = on_change
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._current = CardSituation(ReaderState.NO_READER)
        self._started = threading.Event()

    def current(self) -> CardSituation:
        with self._lock:
            return self._current

    def start(self) -> None:
        if self._thread is not None:
            return
        self._stop.clear()
        self._current = look(self._backend)
        self._thread = threading.Thread(target=self._loop, name="card-monitor", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        thread, self._thread = self._thread, None
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=5 * POLL_SECONDS + 2)

    def _publish(self, situation: CardSituation) -> None:
        try:
            self._on_change(situation)
        except Exception:
            log.exception("card monitor listener failed")

    def _loop(self) -> None:
        self._publish(self.current())
        while not self._stop.is_set():
            situation = self.current()
            try:
                if situation.state is ReaderState.SERVICE_UNAVAILABLE:
                    self._stop.wait(POLL_SECONDS * 2)
                else:
                    self._backend.wait_for_change(POLL_SECONDS)
            except ServiceUnavailableError:
                pass
            except ReaderError:
                self._stop.wait(POLL_SECONDS)
            except Exception:
                log.exception("card monitor wait failed")
                self._stop.wait(POLL_SECONDS)
            if self._stop.is_set():
                break
            new = look(self._backend)
            with self._lock:
                changed = new != self._current
                self._current = new
            if changed:
                log.info("card situation: %s (%d readers)", new.state.value, len(new.readers))
                self._publish(new)
