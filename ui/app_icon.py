"""The icon on the program's windows, drawn from ``assets/app-icon`` (the same icon the .deb
installs for the desktop as ``assistant.APP_ID``). ``ui.app`` sets it once the first screen is
painted, so the start does not wait for it."""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication, QIcon

from assistant import APP_ID
from assistant.assets import asset_path

__all__ = ["APP_ID", "ICON_SIZES", "application_icon", "set_window_icon"]

#: The sizes drawn in assets/app-icon/png (packaging/make-icons.py).
ICON_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)


def application_icon() -> QIcon:
    """The icon at every drawn size (PNG: no image plug-in to load)."""
    icon = QIcon()
    for size in ICON_SIZES:
        icon.addFile(str(asset_path(f"app-icon/png/{size}.png")))
    return icon


def set_window_icon(app: QGuiApplication) -> None:
    """Give every window of ``app`` the application icon (an incomplete install keeps Qt's)."""
    try:
        app.setWindowIcon(application_icon())
    except FileNotFoundError:
        pass
