"""One place that wipes everything a session holds about a person.

Objects holding personal data (card data, the record, notes in memory, UI caches) register a
wipe callback when they are created; the reset (Finish, card removal, inactivity, the
pharmacist) calls :meth:`WipeList.wipe_all`. A failing callback never stops the others.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

log = logging.getLogger(__name__)


def zero_bytes(buf: bytearray | memoryview) -> None:
    """Overwrite a mutable buffer with zeros in place."""
    view = memoryview(buf).cast("B")
    for i in range(len(view)):
        view[i] = 0


class WipeList:
    """Wipe callbacks for the current session, called once and then forgotten."""

    def __init__(self) -> None:
        self._callbacks: list[tuple[str, Callable[[], None]]] = []

    def add(self, label: str, callback: Callable[[], None]) -> None:
        """Register ``callback``; ``label`` names the kind of holder for logs (no data)."""
        self._callbacks.append((label, callback))

    def __len__(self) -> int:
        return len(self._callbacks)

    def wipe_all(self) -> int:
        """Call every callback (last added first) and forget them; returns how many failed."""
        callbacks, self._callbacks = self._callbacks, []
        failures = 0
        for label, callback in reversed(callbacks):
            try:
                callback()
            except Exception as exc:  # a broken holder must not keep the others alive
                failures += 1
                log.error("wipe of %s failed: %s", label, type(exc).__name__)
        return failures
