"""Home mode: a PDF document opened in the computer's own PDF program.

The program gives the PDF program a temporary copy (a private folder of the system's temporary
folder, a file name that names nobody) and deletes its copies when the record is wiped (Finish,
card out) and when the program ends. Never used in mediator or kiosk mode: there the program's
own PDF view is the only one (the kiosk also refuses every link, ``ui/modes/kiosk/guard.py``).
"""

from __future__ import annotations

import atexit
import logging
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices

log = logging.getLogger(__name__)

#: What opens a file URL in the system's program for it (QDesktopServices.openUrl).
OpenUrl = Callable[[QUrl], bool]

#: Every temporary folder not deleted yet, by any viewer: deleted when the program ends.
_LEFT: set[Path] = set()


def _delete(folders: list[Path]) -> None:
    for folder in folders:
        shutil.rmtree(folder, ignore_errors=True)
        _LEFT.discard(folder)


atexit.register(lambda: _delete(list(_LEFT)))


class SystemPdfViewer:
    """Opens PDF bytes in the system's PDF program through a temporary copy."""

    def __init__(self, open_url: OpenUrl | None = None) -> None:
        self._open_url: OpenUrl = open_url or QDesktopServices.openUrl
        self.folders: list[Path] = []

    def open(self, data: bytes) -> bool:
        """Write a temporary copy and hand it to the PDF program; False when that failed."""
        try:
            folder = Path(tempfile.mkdtemp(prefix="dossier-assistant-"))  # only for this user
            self.folders.append(folder)
            _LEFT.add(folder)
            path = folder / "document.pdf"
            path.write_bytes(data)
        except OSError as exc:
            log.warning("no temporary copy for the PDF program: %s", type(exc).__name__)
            return False
        if not self._open_url(QUrl.fromLocalFile(str(path))):
            log.warning("the PDF program did not open")
            return False
        return True

    def forget(self) -> None:
        """Delete every temporary copy (a PDF program may still hold one open: it is then
        deleted as far as the system lets)."""
        folders, self.folders = self.folders, []
        _delete(folders)


__all__ = ["SystemPdfViewer"]
