"""The record viewer on its own, as the record-viewer tests make it."""

from __future__ import annotations

from typing import Any

from pytestqt.qtbot import QtBot

from assistant.records.model import Record
from ui.record.home import RecordHome


def make_home(qtbot: QtBot, record: Record, *, shown: bool = False, **kw: Any) -> RecordHome:
    """A 1024×768 record viewer for ``record`` (``kw`` go to RecordHome), closed with the test;
    ``shown``: on screen and exposed before it is returned."""
    home = RecordHome(record, **kw)
    qtbot.addWidget(home, before_close_func=lambda w: w.go_home())
    home.resize(1024, 768)
    if shown:
        home.show()
        qtbot.waitExposed(home)
    return home
