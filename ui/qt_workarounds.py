"""Work around reference-count bugs of PySide6 6.12 on Python 3.11.

Every call of a Qt method that returns nothing (``setText``, ``setVisible``, ``update``...)
takes one reference from ``None`` without giving it (and ``Signal.emit`` one from ``True``).
Python 3.12+ makes these singletons immortal (PEP 683), so nothing happens there; on 3.11
``None``'s count reaches zero after some ten thousand calls and the interpreter aborts
("none_dealloc: deallocating None"). This module, imported before any widget is made (by
:mod:`ui.theme`), raises the counts of ``None``, ``True`` and ``False`` so far that they can
never reach zero. It does nothing on Python 3.12 and later.
"""

from __future__ import annotations

import ctypes
import sys

#: Large enough for centuries of calls, small enough to never overflow a signed 64-bit count.
_RESERVE = 1 << 48

#: The singletons the binding is seen to under-count (None: void methods; True/False:
#: ``Signal.emit``, see also :mod:`ui.qt_fixes`).
SINGLETONS: tuple[object, ...] = (None, True, False)


def is_protected(obj: object) -> bool:
    return sys.getrefcount(obj) >= _RESERVE


def protect_singletons() -> None:
    """Make ``None``, ``True`` and ``False`` effectively immortal on Python < 3.12
    (idempotent)."""
    if sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return
    for obj in SINGLETONS:
        if not is_protected(obj):
            ctypes.c_ssize_t.from_address(id(obj)).value += _RESERVE


protect_singletons()
