"""Work-arounds for bugs of the Qt binding, applied once at start (app and tests).

PySide6 6.12.0 ``SignalInstance.emit()`` returns ``True`` without taking a reference. Every
``signal.emit(...)`` called from Python then takes one reference away from ``True``; on
Python 3.11 (where ``True`` is not immortal) a few hundred emits later ``True`` is
"deallocated" and the interpreter aborts ("Fatal Python error: bool_dealloc"), at the latest
when it exits. A kiosk that runs all day would crash. :func:`apply` checks whether the
installed binding has the bug (emit on a probe signal and count) and only then wraps ``emit``
to give the reference back.
"""

from __future__ import annotations

import ctypes
import logging
import sys
from typing import Any

log = logging.getLogger(__name__)

_applied = False


def emit_leaks_a_reference() -> bool:
    """Whether ``Signal.emit`` of this PySide6 takes a reference away from its result."""
    from PySide6.QtCore import QObject, Signal

    class _Probe(QObject):
        ping = Signal()

    probe = _Probe()
    before = sys.getrefcount(True), sys.getrefcount(False)
    for _ in range(8):
        probe.ping.emit()
    after = sys.getrefcount(True), sys.getrefcount(False)
    leaked = (before[0] - after[0]) >= 8 or (before[1] - after[1]) >= 8
    if leaked:
        # Give back what the probe itself took.
        _incref(True, before[0] - after[0])
        _incref(False, before[1] - after[1])
    return leaked


def _incref(obj: object, n: int) -> None:
    for _ in range(max(0, n)):
        ctypes.pythonapi.Py_IncRef(ctypes.py_object(obj))


def apply() -> bool:
    """Install the work-around when needed; returns True when ``emit`` was wrapped."""
    global _applied
    if _applied:
        return True
    if not emit_leaks_a_reference():
        return False
    from PySide6.QtCore import SignalInstance

    original = SignalInstance.emit

    def emit(self: Any, *args: Any) -> Any:
        result = original(self, *args)
        if result is True or result is False:
            ctypes.pythonapi.Py_IncRef(ctypes.py_object(result))
        return result

    SignalInstance.emit = emit  # type: ignore[method-assign]
    _applied = True
    log.info("PySide6 Signal.emit reference work-around applied")
    return True
