""" "Open a file I received" on a public computer (mediator mode): the files on the patient's
USB stick only, as big buttons. The computer's own folders are never listed and no file chooser
opens (``assistant.settings.FileAccess.REMOVABLE_ONLY``)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

from assistant.i18n import _, format_date
from assistant.records.model import Record
from assistant.removable_media import record_files_on
from ui.record.page import Navigator, Page, small_button
from ui.widgets import BigButton

#: Where the page finds the media and opens the file the patient picked.
ListRoots = Callable[[], list[Path]]
OpenPath = Callable[[str], None]


class UsbFilesPage(Page):
    """The record files on the removable media plugged in now; one button per file."""

    key = "usb_files"
    icon = "usb"

    def __init__(
        self, record: Record, nav: Navigator, list_roots: ListRoots, open_path: OpenPath
    ) -> None:
        self._list_roots = list_roots
        self._open_path = open_path
        super().__init__(record, nav)

    def title(self) -> str:
        return _("Open a file from your USB stick")

    def build(self) -> Iterator[None] | None:
        roots = self._list_roots()
        files = record_files_on(roots)
        self.add_text(
            _(
                "On this computer, only your USB stick is shown. "
                "The files of this computer stay closed."
            ),
            "muted",
        )
        if not roots:
            # An instruction, not an error: with the stick's picture.
            self.add_subheading(_("No USB stick found. Put your USB stick in the computer."), "usb")
        elif not files:
            self.add_text(
                _("Your USB stick has no health record file. Ask who sent it to you."), "problem"
            )
        else:
            self.add_text(_("Choose your file."))
        for path in files:
            button = BigButton(_file_label(path), "document")
            button.setObjectName("usb_file")
            button.clicked.connect(lambda _c=False, p=path: self._open_path(str(p)))
            self.add(button)
        self.add(small_button(_("Look again"), "retry", self.rebuild))
        return None


def _file_label(path: Path) -> str:
    try:
        when = datetime.fromtimestamp(path.stat().st_mtime).date()
    except OSError:
        return path.name
    return _("{name} (from {date})").format(name=path.name, date=format_date(when))
