"""What the program does so that its first screen comes quickly: the start-up rules, in one place.

Each rule saves at least 10 ms before the first screen (measured against a bare PySide6 window,
see ``tests/benchmarks/test_startup_benchmark.py``); nothing else is done for start-up speed.

1. **The rest waits for the first paint** (:func:`after_first_paint`): the card and record
   services (the demo card, the demo hub or the real reader and hub: ~180 ms of imports and
   threads, and a worker that would take the interpreter lock from the first paint) start once
   the first screen is painted.
2. **No Qt-namespace enum before the first paint**: PySide makes the Python types of the ~100
   enums of ``PySide6.QtCore.Qt`` at its first use (~16 ms). The first screen sets its enum
   properties by key name through Qt's meta-object (:func:`set_enum_property`); the namespace
   is made on the first idle turn after the paint (:func:`make_qt_namespace`), before the first
   key press needs it. Modules used only after the first screen import ``Qt`` as usual.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget

from ui.qt_stub_fixes import char_p

log = logging.getLogger(__name__)

#: If the window is never painted (minimised, on a hidden desktop), what waits for its first
#: paint starts after this many milliseconds anyway.
FIRST_PAINT_FALLBACK_MS = 1000


class _FirstPaint(QObject):
    """Watches a window for its first paint event and then runs ``calls`` once."""

    def __init__(self, window: QWidget, calls: list[Callable[[], None]]) -> None:
        super().__init__(window)
        self._window = window
        self._calls = calls
        self._done = False
        window.installEventFilter(self)
        QTimer.singleShot(FIRST_PAINT_FALLBACK_MS, self, self._run)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and not self._done:
            QTimer.singleShot(0, self, self._run)  # runs when the whole paint pass is done
        return False

    def _run(self) -> None:
        if self._done:
            return
        self._done = True
        self._window.removeEventFilter(self)
        for call in self._calls:
            call()


def after_first_paint(window: QWidget, calls: list[Callable[[], None]]) -> None:
    """Run ``calls`` in order, once, from the event loop when the window's first paint pass is
    over (or after :data:`FIRST_PAINT_FALLBACK_MS` if it is never painted; never if the
    window is gone by then)."""
    _FirstPaint(window, calls)


_ENUM_VALUES: dict[tuple[type, str, str], int] = {}


def set_enum_property(obj: QObject, name: str, keys: str) -> None:
    """Set the enum or flags property ``name`` from its key names (``"AlignLeft|AlignTop"``)
    through Qt's meta-object, without making PySide's Python type of the enum (rule 2)."""
    cache_key = (type(obj), name, keys)
    value = _ENUM_VALUES.get(cache_key)
    if value is None:
        meta = obj.metaObject()
        prop = meta.property(meta.indexOfProperty(name))
        value, ok = prop.enumerator().keysToValue(char_p(keys))
        if not ok:
            raise ValueError(f"{type(obj).__name__}.{name} has no value {keys!r}")
    if not obj.setProperty(name, value):
        raise ValueError(f"{type(obj).__name__}.{name} has no value {keys!r}")
    _ENUM_VALUES[cache_key] = value


def make_qt_namespace() -> None:
    """Make the Qt namespace's enum types now (an idle turn after the first paint, rule 2)."""
    from PySide6.QtCore import Qt

    log.debug("Qt namespace ready (%s)", Qt.Key.Key_Return.name)
