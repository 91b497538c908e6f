"""The program's name for the desktop and its icon on the windows.

The desktop file name (the Wayland app id) ties the windows to the installed
``be.dossierassistant.DossierAssistant.desktop`` and its icon; the window icon itself (drawn
from ``assets/app-icon``) is set once the first screen is painted, so the start does not wait
for it.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QGuiApplication, QIcon

from assistant.assets import asset_path

#: The application's id: the .desktop file's and the AppStream metainfo's name (packaging/linux).
APP_ID = "be.dossierassistant.DossierAssistant"

#: The sizes drawn in assets/app-icon/png (packaging/make-icons.py).
ICON_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)


def application_icon() -> QIcon:
    """The icon at every drawn size (PNG: no image plug-in to load)."""
    icon = QIcon()
    for size in ICON_SIZES:
        icon.addFile(str(asset_path(f"app-icon/png/{size}.png")))
    return icon


def identify(app: QGuiApplication) -> Callable[[], None]:
    """Name the application for the desktop now (before any window is shown); return the call
    that gives every window the application icon (run it after the first paint)."""
    app.setDesktopFileName(APP_ID)

    def set_icon() -> None:
        try:
            app.setWindowIcon(application_icon())
        except FileNotFoundError:  # an incomplete install: the windows keep the default icon
            pass

    return set_icon
