"""Shells made by a test and thrown away by it."""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication

from assistant.i18n import remove_language_listener, set_language
from ui import theme as theme_mod
from ui.shell import Shell


def dispose(shell: Shell) -> None:
    """Close and really delete a shell, so later tests do not pay for it; the language and
    theme go back to their defaults."""
    shell.close()
    remove_language_listener(shell._language_listener)
    shell.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
    set_language("en")
    if theme_mod.current() != theme_mod.Theme().with_(family=theme_mod.current().family):
        theme_mod.set_theme(theme_mod.Theme())
