"""Mediator mode (public digital spaces) and training mode.

Importing this package loads every part of the mode, so a missing part fails here, where
:func:`ui.modes.hooks.install_modes` stops the program.
"""

from ui.modes.mediator.mode import MediatorMode, install

__all__ = ["MediatorMode", "install"]
