"""Pharmacy kiosk mode: full screen, locked, touch only, reset between patients.

Importing this package loads every part of the mode, so a missing part (QtPrintSupport, the
QR code library...) fails here, where :func:`ui.modes.hooks.install_modes` stops the program.
"""

from ui.modes.kiosk.mode import KioskMode, install

__all__ = ["KioskMode", "install"]
