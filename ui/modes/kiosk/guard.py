"""The kiosk's lock: full screen, on top, and no way out without the pharmacist's code.

:class:`KioskGuard` swallows the ways out (Alt+F4, Escape, Alt+Tab, Ctrl+Q/W, F11, the window
menu, the Windows/Super key), context menus and other menus, closes file and print dialogs,
answers every link itself (nothing opens a browser or another program), and brings the window
back to full screen, until :meth:`KioskGuard.unlock`.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, QUrl, Signal, Slot
from PySide6.QtGui import QDesktopServices, QKeyEvent
from PySide6.QtPrintSupport import QPageSetupDialog, QPrintDialog, QPrintPreviewDialog
from PySide6.QtWidgets import QApplication, QFileDialog, QMenu, QWidget

from ui.qt_stub_fixes import char_p

log = logging.getLogger(__name__)

_KEY = Qt.Key
_MOD = Qt.KeyboardModifier

#: Plain keys that must never reach the program in kiosk mode.
_BLOCKED_KEYS = {
    _KEY.Key_Escape,
    _KEY.Key_F11,
    _KEY.Key_Meta,
    _KEY.Key_Super_L,
    _KEY.Key_Super_R,
    _KEY.Key_Menu,
    _KEY.Key_Close,
    _KEY.Key_Exit,
    _KEY.Key_Launch0,
    _KEY.Key_LaunchMail,
    _KEY.Key_HomePage,
}
#: Keys blocked with Alt (Alt+F4, Alt+Tab, Alt+Esc, Alt+Space = window menu).
_BLOCKED_WITH_ALT = {_KEY.Key_F4, _KEY.Key_Tab, _KEY.Key_Backtab, _KEY.Key_Escape, _KEY.Key_Space}
#: Keys blocked with Ctrl (Ctrl+Q quit, Ctrl+W close, Ctrl+Esc start menu, Ctrl+Alt+Backspace).
_BLOCKED_WITH_CTRL = {_KEY.Key_Q, _KEY.Key_W, _KEY.Key_Escape, _KEY.Key_F4, _KEY.Key_Backspace}


def is_escape_key(event: QKeyEvent) -> bool:
    """Whether this key would leave, close or switch away from the kiosk."""
    key = _KEY(event.key())
    mods = event.modifiers()
    if key in _BLOCKED_KEYS:
        return True
    if mods & _MOD.MetaModifier:
        return True
    if mods & _MOD.AltModifier and key in _BLOCKED_WITH_ALT:
        return True
    if mods & _MOD.AltModifier and _KEY.Key_F1 <= key <= _KEY.Key_F12:
        return True  # Ctrl+Alt+Fn = switch virtual terminal
    return bool(mods & _MOD.ControlModifier and key in _BLOCKED_WITH_CTRL)


#: Dialogs that reach the file system: never shown in a kiosk.
_FORBIDDEN_DIALOGS = (QFileDialog, QPrintDialog, QPageSetupDialog, QPrintPreviewDialog)

#: Link schemes the kiosk answers itself: a link must never start a browser, a mail program or
#: a file manager on the counter's computer (QDesktopServices asks these handlers first).
_REFUSED_URL_SCHEMES = ("http", "https", "file", "mailto", "tel", "ftp", "smb", "sftp")


class KioskGuard(QObject):
    """Keeps ``window`` full screen and open until :meth:`unlock` (application event filter)."""

    escape_blocked = Signal(str)

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.window = window
        self.unlocked = False
        self.blocked = 0
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)
        window.installEventFilter(self)
        for scheme in _REFUSED_URL_SCHEMES:
            QDesktopServices.setUrlHandler(scheme, self, char_p("refuse_url"))

    @Slot(QUrl)
    def refuse_url(self, url: QUrl) -> None:
        """A link was asked to open (any scheme above): nothing starts, even when unlocked."""
        self.blocked += 1
        log.info("kiosk: refused to open a %s link", url.scheme())
        self.escape_blocked.emit("link")

    def unlock(self) -> None:
        """The pharmacist's code was given: the window may close."""
        self.unlocked = True

    def lock(self) -> None:
        self.unlocked = False

    def remove(self) -> None:
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
        self.window.removeEventFilter(self)
        for scheme in _REFUSED_URL_SCHEMES:
            QDesktopServices.unsetUrlHandler(scheme)

    def _block(self, what: str, event: QEvent) -> bool:
        if event.type() is QEvent.Type.ShortcutOverride:
            event.accept()  # "this key is taken": no shortcut fires
        else:
            event.ignore()
        self.blocked += 1
        log.info("kiosk: blocked %s", what)
        self.escape_blocked.emit(what)
        return True

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self.unlocked:
            return False
        etype = event.type()
        if etype in (QEvent.Type.KeyPress, QEvent.Type.ShortcutOverride, QEvent.Type.KeyRelease):
            assert isinstance(event, QKeyEvent)
            if is_escape_key(event):
                if etype is QEvent.Type.KeyRelease:
                    event.ignore()
                    return True
                return self._block("key", event)
            return False
        if etype is QEvent.Type.ContextMenu:
            # Right click or long press: a context menu offers "Copy", "Select all", and in
            # some widgets "Open link": none of it belongs on a kiosk. Accepted, so that Qt
            # does not offer it to the parent widgets in turn.
            event.accept()
            self.blocked += 1
            self.escape_blocked.emit("context menu")
            return True
        if etype is QEvent.Type.Show and isinstance(watched, QMenu):
            QTimer.singleShot(0, watched.close)  # a menu opened some other way
            self.blocked += 1
            self.escape_blocked.emit("menu")
            return False
        if etype is QEvent.Type.Show and isinstance(watched, _FORBIDDEN_DIALOGS):
            # A file or print dialog would open the disk (save a PDF, browse folders).
            QTimer.singleShot(0, watched.reject)
            self.blocked += 1
            log.info("kiosk: closed a %s", type(watched).__name__)
            self.escape_blocked.emit("dialog")
            return False
        if watched is self.window:
            if etype is QEvent.Type.Close:
                return self._block("close", event)
            if etype is QEvent.Type.WindowStateChange and (
                not self.window.isFullScreen() or self.window.isMinimized()
            ):
                QTimer.singleShot(0, self.enforce)
        return False

    def enforce(self) -> None:
        """Back to full screen, in front (after a minimise or a state change)."""
        if self.unlocked:
            return
        if not self.window.isFullScreen() or self.window.isMinimized() or self.window.isHidden():
            self.window.showFullScreen()
        self.window.raise_()
        self.window.activateWindow()


def lock_window(window: QWidget) -> KioskGuard:
    """Make ``window`` frameless, on top and full screen; return its guard."""
    flags = window.windowFlags()
    flags |= Qt.WindowType.FramelessWindowHint | Qt.WindowType.WindowStaysOnTopHint
    flags &= ~(
        Qt.WindowType.WindowCloseButtonHint
        | Qt.WindowType.WindowMinimizeButtonHint
        | Qt.WindowType.WindowMaximizeButtonHint
    )
    window.setWindowFlags(flags)
    guard = KioskGuard(window)
    window.showFullScreen()
    return guard
