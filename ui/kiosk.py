"""Pharmacy kiosk mode: full screen, locked, touch only, resets itself between patients.

* :class:`KioskGuard` swallows the ways out (Alt+F4, Escape, Alt+Tab, Ctrl+Q/W, F11, the
  window menu, the Windows/Super key) and refuses to close or leave full screen until the
  pharmacist's code unlocks it.
* :class:`KioskMode` puts it together with :class:`ui.kiosk_idle.SessionWatch`: the large
  "Are you still here?" warning, the reset to Welcome with a wipe on inactivity, and at once
  when the card is removed. :func:`install` is the hook ``ui.app`` calls in kiosk mode.
* :class:`StaffPanel` asks for the pharmacist's code on an on-screen keyboard; only its hash is
  in the kiosk file.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, QUrl, Signal, Slot
from PySide6.QtGui import QDesktopServices, QKeyEvent
from PySide6.QtPrintSupport import QPageSetupDialog, QPrintDialog, QPrintPreviewDialog
from PySide6.QtWidgets import (
    QApplication,
    QBoxLayout,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QVBoxLayout,
    QWidget,
)

from assistant.i18n import _, ngettext
from assistant.idle import IdleTimer, ResetReason
from assistant.journey import Journey
from assistant.session_log import SessionLog
from assistant.settings import KioskConfig, Mode, Settings
from assistant.staff_code import StaffLockout
from assistant.wipe import WipeList
from ui import theme as theme_mod
from ui.kiosk_idle import Cover, IdleWarning, SessionWatch
from ui.kiosk_prescriptions import PrescriptionsOnRecord
from ui.onscreen_keyboard import KeyboardDock, OnScreenKeyboard
from ui.widgets import BigButton, Body, Heading, Pictogram, announce

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
            QDesktopServices.setUrlHandler(scheme, self, "refuse_url")

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


def _wait_text(seconds: float) -> str:
    """ "Too many wrong codes", with the wait in whole seconds or, from 2 minutes, minutes."""
    if seconds < 120:
        n = max(1, math.ceil(seconds))
        return ngettext(
            "Too many wrong codes. Wait {n} second and try again.",
            "Too many wrong codes. Wait {n} seconds and try again.",
            n,
        ).format(n=n)
    n = math.ceil(seconds / 60)
    return ngettext(
        "Too many wrong codes. Wait {n} minute and try again.",
        "Too many wrong codes. Wait {n} minutes and try again.",
        n,
    ).format(n=n)


class StaffPanel(Cover):
    """The pharmacist's panel: code on an on-screen keyboard, then reset or close."""

    unlocked = Signal()
    new_patient = Signal()
    close_program = Signal()
    closed = Signal()

    def __init__(
        self,
        window: QWidget,
        check_code: Callable[[str], bool],
        lockout: StaffLockout,
        unlocked_ms: int = 120_000,
    ) -> None:
        super().__init__(window, "staffPanel")
        # An open staff menu left alone closes itself (and the kiosk locks again).
        self._auto_close = QTimer(self)
        self._auto_close.setSingleShot(True)
        self._auto_close.setInterval(unlocked_ms)
        self._auto_close.timeout.connect(self.cancel)
        self._check = check_code
        self._lockout = lockout
        lay = QVBoxLayout(self)
        lay.setContentsMargins(48, 32, 48, 32)
        lay.setSpacing(16)
        self.heading = Heading("", self)
        lay.addWidget(self.heading)
        self.text = Body("", self)
        lay.addWidget(self.text)
        self.code = QLineEdit(self)
        self.code.setObjectName("staffCode")
        self.code.setEchoMode(QLineEdit.EchoMode.Password)
        self.code.setMaxLength(64)
        self.code.setInputMethodHints(
            Qt.InputMethodHint.ImhHiddenText
            | Qt.InputMethodHint.ImhSensitiveData
            | Qt.InputMethodHint.ImhNoPredictiveText
        )
        self.code.returnPressed.connect(self.try_code)
        lay.addWidget(self.code)
        self.problem = Body("", self, "problem")
        self.problem.hide()
        lay.addWidget(self.problem)
        self.keyboard = OnScreenKeyboard(self)
        self.keyboard.set_target(self.code)
        self.keyboard.submitted.connect(self.try_code)
        self.keyboard.hide_requested.connect(self.cancel)
        lay.addWidget(self.keyboard)
        row = QHBoxLayout()
        self.open_button = BigButton("", "unlock", self, primary=True)
        self.open_button.setObjectName("staffOpen")
        self.open_button.clicked.connect(self.try_code)
        self.cancel_button = BigButton("", "back", self)
        self.cancel_button.setObjectName("staffCancel")
        self.cancel_button.clicked.connect(self.cancel)
        row.addWidget(self.cancel_button)
        row.addWidget(self.open_button)
        lay.addLayout(row)
        # After the code: what the pharmacist can do.
        self.reset_button = BigButton("", "retry", self, primary=True)
        self.reset_button.setObjectName("staffNewPatient")
        self.reset_button.clicked.connect(self._new_patient)
        self.quit_button = BigButton("", "close", self)
        self.quit_button.setObjectName("staffQuit")
        self.quit_button.clicked.connect(self.close_program.emit)
        self.back_button = BigButton("", "back", self)
        self.back_button.setObjectName("staffBack")
        self.back_button.clicked.connect(self.cancel)
        for b in (self.reset_button, self.quit_button, self.back_button):
            lay.addWidget(b)
        lay.addStretch(1)
        self._lay = lay
        theme_mod.notifier().changed.connect(self._fit_spacing)
        self._fit_spacing()
        self._show_code_page(True)
        self.retranslate()

    def _fit_spacing(self, _theme: object = None) -> None:
        """Less space around the parts with large text: the code, the keyboard and the
        buttons fit on a 1024×768 screen at 200 %."""
        large = theme_mod.current().text_scale >= 1.25
        self._lay.setContentsMargins(*((24, 12, 24, 12) if large else (48, 32, 48, 32)))
        self._lay.setSpacing(8 if large else 16)

    def retranslate(self) -> None:
        self.heading.setText(_("Pharmacy staff"))
        self.text.setText(_("Type the staff code. Patients: press Back."))
        self.code.setAccessibleName(_("Staff code"))
        self.open_button.set_text(_("Open"))
        self.cancel_button.set_text(_("Back"))
        self.reset_button.set_text(_("Start again for a new patient"))
        self.quit_button.set_text(_("Close the program"))
        self.back_button.set_text(_("Back to the patient"))
        self.keyboard.retranslate()

    def _show_code_page(self, code_page: bool) -> None:
        for w in (self.text, self.code, self.keyboard, self.open_button, self.cancel_button):
            w.setVisible(code_page)
        for w in (self.reset_button, self.quit_button, self.back_button):
            w.setVisible(not code_page)
        if code_page:
            self.problem.hide()

    def open(self) -> None:
        self.code.clear()
        self._show_code_page(True)
        self.cover()
        self.code.setFocus(Qt.FocusReason.OtherFocusReason)

    def try_code(self) -> bool:
        """Check the typed code; the field is emptied at once either way."""
        code = self.code.text()
        self.code.clear()
        wait = self._lockout.seconds_left()
        if wait > 0:
            self._problem(_wait_text(wait))
            return False
        if code and self._check(code):
            self._lockout.record_success()
            self._show_code_page(False)
            self._auto_close.start()
            self.reset_button.setFocus(Qt.FocusReason.OtherFocusReason)
            self.unlocked.emit()
            return True
        wait = self._lockout.record_failure()
        if wait > 0:
            self._problem(_wait_text(wait))
        else:
            self._problem(_("This code is not right. Try again."))
        return False

    def _problem(self, text: str) -> None:
        self.problem.setText(text)
        self.problem.show()
        announce(self.problem, text)

    def _new_patient(self) -> None:
        self._auto_close.stop()
        self.hide()
        self.new_patient.emit()
        self.closed.emit()

    def cancel(self) -> None:
        self._auto_close.stop()
        self.code.clear()
        self.hide()
        self.closed.emit()


class KioskBanner(QFrame):
    """The band under the top bar: the pharmacy's name and the (discreet) staff button."""

    def __init__(self, pharmacy_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("kioskBanner")
        self._pharmacy = pharmacy_name
        lay = QHBoxLayout(self)
        lay.setContentsMargins(16, 4, 16, 4)
        # Sized like the window's bars (their text grows up to 120 %): with 200 % text on
        # 1024×768 the band leaves the screen under it the room it needs.
        self.picto = Pictogram("pharmacy", self, chrome=True)
        self.label = QLabel(self)
        self.label.setObjectName("pharmacyName")
        self.label.setWordWrap(True)
        self.staff_button = BigButton("", "lock", self, chrome=True)
        self.staff_button.setObjectName("staffButton")
        lay.addWidget(self.picto)
        lay.addWidget(self.label, 1)
        lay.addWidget(self.staff_button)
        theme_mod.notifier().changed.connect(self._on_theme)
        self._on_theme()
        self.retranslate()

    def _on_theme(self, _theme: object = None) -> None:
        t = theme_mod.current()
        sheet = (
            f"QLabel#pharmacyName {{ font-size: {t.bar_points('title'):.1f}pt; }} "
            f"BigButton {{ min-height: {t.chrome_target_px()}px; }} "
            f"BigButton QLabel {{ font-size: {t.bar_points():.1f}pt; }}"
        )
        if self.styleSheet() != sheet:
            self.setStyleSheet(sheet)

    def retranslate(self) -> None:
        text = _("{pharmacy}. Ask us if you need help.").format(pharmacy=self._pharmacy)
        self.label.setText(text)
        self.label.setAccessibleName(text)
        self.staff_button.set_text(_("Staff"), _("For the pharmacy staff only."))


def _dock_layout(window: QWidget) -> QBoxLayout | None:
    """The main window's column layout, where the keyboard goes above the bottom bar."""
    central = window.centralWidget() if isinstance(window, QMainWindow) else window
    lay = central.layout() if central is not None else None
    return lay if isinstance(lay, QVBoxLayout) else None


def kiosk_help_text(config: KioskConfig) -> str:
    """The help contacts of this kiosk, one per line, for the Help page."""
    lines = [_("You can ask for help here:")]
    for contact in config.help_contacts:
        parts = [contact.name]
        if contact.phone:
            parts.append(_("Phone: {phone}").format(phone=contact.phone))
        if contact.note:
            parts.append(contact.note)
        lines.append(" — ".join(parts))
    return "\n".join(lines)


class KioskMode(QObject):
    """Everything kiosk mode adds to the main window: lock, banner, staff panel, keyboard,
    and a :class:`SessionWatch` that resets between patients.

    ``reset`` is the app's "start again for the next patient" (journey reset, screens back to
    Welcome). UI parts holding personal data register in :attr:`wipe_list`.
    """

    def __init__(
        self,
        window: QWidget,
        settings: Settings,
        *,
        journey: Journey | None = None,
        reset: Callable[[], None] | None = None,
        speak: Callable[[str], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
        tick_ms: int = 250,
        timeout_seconds: float | None = None,
        warning_seconds: float | None = None,
        min_warning_seconds: float = 20.0,
        lock: bool = True,
        staff_lockout: StaffLockout | None = None,
    ) -> None:
        super().__init__(window)
        if settings.kiosk is None:
            raise ValueError("kiosk mode needs a kiosk configuration")
        self.window = window
        self.settings = settings
        self.config: KioskConfig = settings.kiosk
        self.journey = journey
        self.watch = SessionWatch(
            window,
            timeout_seconds=(
                timeout_seconds if timeout_seconds is not None else self.config.idle_timeout_seconds
            ),
            warning_seconds=(
                warning_seconds if warning_seconds is not None else self.config.warning_seconds
            ),
            mode=Mode.KIOSK,
            journey=journey,
            reset=reset,
            speak=speak,
            session_log=SessionLog(settings.session_log_folder()),
            training=settings.training,
            language=self.config.default_language or self.config.languages[0],
            reset_on_card_removal=True,
            clock=clock,
            tick_ms=tick_ms,
            min_warning_seconds=min_warning_seconds,
        )
        self.staff = StaffPanel(
            window,
            self.config.check_exit_code,
            staff_lockout or StaffLockout(self.config.lockout_file),
        )
        self.staff.unlocked.connect(self._staff_unlocked)
        self.staff.new_patient.connect(lambda: self.reset_now(ResetReason.STAFF))
        self.staff.close_program.connect(self.close_program)
        self.staff.closed.connect(self._staff_closed)
        self.banner = KioskBanner(self.config.pharmacy_name)
        self.banner.staff_button.clicked.connect(self.staff.open)
        self.keyboard = OnScreenKeyboard(window)
        self.keyboard_dock = KeyboardDock(window, self.keyboard, _dock_layout(window))
        self.watch.before_reset += [self.staff.hide, self.keyboard_dock.hide_keyboard]
        self.prescriptions: PrescriptionsOnRecord | None = None
        if journey is not None and callable(getattr(window, "set_side_panel", None)):
            self.prescriptions = PrescriptionsOnRecord(window, journey)
            self.watch.before_reset.append(self.prescriptions.panel.wipe)
        self.watch.warning.shown.connect(self.staff.hide)
        self.guard: KioskGuard | None = lock_window(window) if lock else None

    # The parts tests and the app use.
    @property
    def idle(self) -> IdleTimer:
        return self.watch.idle

    @property
    def warning(self) -> IdleWarning:
        return self.watch.warning

    @property
    def wipe_list(self) -> WipeList:
        return self.watch.wipe_list

    @property
    def resets(self) -> list[ResetReason]:
        return self.watch.resets

    def reset_now(self, reason: ResetReason) -> None:
        self.watch.reset_now(reason)

    def shutdown(self) -> None:
        """Stop timers and remove the application-wide filters (before the window goes)."""
        self.watch.shutdown()
        if self.guard is not None:
            self.guard.unlock()
            self.guard.remove()
        if self.prescriptions is not None:
            self.prescriptions.close()
            self.prescriptions = None

    # -- staff -----------------------------------------------------------------------------

    def _staff_unlocked(self) -> None:
        if self.guard is not None:
            self.guard.unlock()

    def _staff_closed(self) -> None:
        if self.guard is not None:
            self.guard.lock()

    def close_program(self) -> None:
        """Wipe, then close (only reachable after the pharmacist's code)."""
        if self.guard is not None and not self.guard.unlocked:
            return
        self.watch.reset_now(ResetReason.STAFF)
        self.window.close()


def install(run: Any) -> KioskMode:
    """The hook ``ui.app`` calls in kiosk mode (``run`` is its ``Running``)."""
    shell = run.shell
    controller = run.controller
    mode = KioskMode(
        shell,
        run.settings,
        journey=controller.journey,
        reset=controller.reset,
        speak=shell.say if run.settings.speech_on else None,
    )
    shell.add_banner(mode.banner)
    config = mode.config

    def add_contacts(_text: str) -> None:
        label = shell.help_overlay.text
        label.setText(label.text() + "\n\n" + kiosk_help_text(config))

    if config.help_contacts:
        shell.help_shown.connect(add_contacts)
    controller.wiped.connect(mode.keyboard_dock.hide_keyboard)
    run.kiosk = mode
    run.cleanups.append(mode.shutdown)
    return mode
