"""Pharmacy kiosk mode: full screen, locked, touch only, resets itself between patients.

* :class:`KioskGuard` swallows the ways out (Alt+F4, Escape, Alt+Tab, Ctrl+Q/W, F11, the
  window menu, the Windows/Super key) and refuses to close or leave full screen until the
  pharmacist's code unlocks it.
* :class:`IdleWarning` is the large "Are you still here?" page with a countdown and one
  button; :class:`KioskMode` drives it from :class:`assistant.idle.IdleTimer`, resets to
  Welcome and wipes everything on inactivity and at once when the card is removed.
* :class:`StaffPanel` asks for the pharmacist's code on an on-screen keyboard; only its hash is
  in the kiosk file.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QApplication,
    QBoxLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPlainTextEdit,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from assistant.i18n import _, current_language, ngettext, set_language
from assistant.idle import IdlePhase, IdleTimer, ResetReason
from assistant.journey import CARD_STEPS, Journey, JourneyState, Problem, Step
from assistant.session_log import JourneyRecorder, SessionLog
from assistant.settings import KioskConfig, Mode, Settings
from assistant.wipe import WipeList
from ui import theme as theme_mod
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


#: Input that counts as "someone is using the kiosk".
_ACTIVITY_EVENTS = frozenset(
    {
        QEvent.Type.MouseButtonPress,
        QEvent.Type.TouchBegin,
        QEvent.Type.KeyPress,
        QEvent.Type.Wheel,
    }
)


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

    def _block(self, what: str, event: QEvent) -> bool:
        event.accept() if event.type() is QEvent.Type.ShortcutOverride else event.ignore()
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


class _Cover(QFrame):
    """A page that covers the whole window (idle warning, staff panel)."""

    def __init__(self, window: QWidget, name: str) -> None:
        super().__init__(window)
        self.setObjectName(name)
        self.setAutoFillBackground(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self._window = window
        window.installEventFilter(self)
        self.hide()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._window and event.type() is QEvent.Type.Resize and self.isVisible():
            self.setGeometry(self._window.rect())
        return False

    def cover(self) -> None:
        self.setGeometry(self._window.rect())
        self.show()
        self.raise_()


class IdleWarning(_Cover):
    """ "Are you still here?": large text, a countdown and one big button."""

    still_here = Signal()

    def __init__(self, window: QWidget) -> None:
        super().__init__(window, "idleWarning")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(64, 64, 64, 64)
        lay.setSpacing(28)
        top = QHBoxLayout()
        self.pictogram = Pictogram("clock", self, size_factor=2.0)
        self.heading = Heading("", self)
        top.addWidget(self.pictogram, 0, Qt.AlignmentFlag.AlignTop)
        top.addWidget(self.heading, 1)
        lay.addLayout(top)
        self.countdown = QLabel(self)
        self.countdown.setObjectName("idleCountdown")
        self.countdown.setAlignment(Qt.AlignmentFlag.AlignCenter)
        lay.addWidget(self.countdown)
        self.text = Body("", self)
        lay.addWidget(self.text)
        lay.addStretch(1)
        self.button = BigButton("", "check", self, primary=True)
        self.button.setObjectName("stillHere")
        self.button.setMinimumHeight(theme_mod.current().target_px() * 2)
        self.button.clicked.connect(self.still_here.emit)
        lay.addWidget(self.button)
        self._seconds = 0
        theme_mod.notifier().changed.connect(self._style_countdown)
        self._style_countdown()
        self.retranslate()

    def _style_countdown(self, _theme: object = None) -> None:
        font = theme_mod.current().font("heading", bold=True)
        font.setPointSizeF(font.pointSizeF() * 3)
        self.countdown.setFont(font)

    def retranslate(self) -> None:
        self.heading.setText(_("Are you still here?"))
        self.text.setText(
            _(
                "Nobody touched the screen for a while. Soon the screen starts again for the next "
                "person. Your data will be wiped."
            )
        )
        self.button.set_text(_("I am still here"), _("Keep my screen open."))
        self.set_seconds(self._seconds)

    def set_seconds(self, seconds: int) -> None:
        self._seconds = seconds
        self.countdown.setText(str(seconds))
        self.countdown.setAccessibleName(
            ngettext(
                "The screen starts again in {n} second.",
                "The screen starts again in {n} seconds.",
                seconds,
            ).format(n=seconds)
        )

    def message(self) -> str:
        """What is read aloud when the warning appears."""
        return "\n".join([self.heading.text(), self.countdown.accessibleName(), self.button.text()])


class StaffPanel(_Cover):
    """The pharmacist's panel: code on an on-screen keyboard, then reset or close."""

    unlocked = Signal()
    new_patient = Signal()
    close_program = Signal()
    closed = Signal()

    MAX_FAILURES = 3
    LOCKOUT_SECONDS = 30.0

    def __init__(
        self,
        window: QWidget,
        check_code: Callable[[str], bool],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(window, "staffPanel")
        self._check = check_code
        self._clock = clock
        self._failures = 0
        self._locked_until = 0.0
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
        self._show_code_page(True)
        self.retranslate()

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
        now = self._clock()
        if now < self._locked_until:
            self._problem(_("Too many wrong codes. Wait 30 seconds and try again."))
            return False
        if code and self._check(code):
            self._failures = 0
            self._show_code_page(False)
            self.reset_button.setFocus(Qt.FocusReason.OtherFocusReason)
            self.unlocked.emit()
            return True
        self._failures += 1
        if self._failures >= self.MAX_FAILURES:
            self._failures = 0
            self._locked_until = now + self.LOCKOUT_SECONDS
            self._problem(_("Too many wrong codes. Wait 30 seconds and try again."))
        else:
            self._problem(_("This code is not right. Try again."))
        return False

    def _problem(self, text: str) -> None:
        self.problem.setText(text)
        self.problem.show()
        announce(self.problem, text)

    def _new_patient(self) -> None:
        self.hide()
        self.new_patient.emit()

    def cancel(self) -> None:
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
        self.picto = Pictogram("pharmacy", self)
        self.label = QLabel(self)
        self.label.setObjectName("pharmacyName")
        self.label.setWordWrap(True)
        self.staff_button = BigButton("", "lock", self)
        self.staff_button.setObjectName("staffButton")
        lay.addWidget(self.picto)
        lay.addWidget(self.label, 1)
        lay.addWidget(self.staff_button)
        self.retranslate()

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
    """Everything kiosk mode adds to the main window.

    ``reset`` is the app's "start again for the next patient" (journey reset, screens back to
    Welcome); the kiosk adds its own cleaning (text fields, overlays, language, look, wipe list).
    ``wipe_list`` collects wipe callbacks of UI parts holding personal data.
    """

    reset_done = Signal(object)  # ResetReason

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
    ) -> None:
        super().__init__(window)
        if settings.kiosk is None:
            raise ValueError("kiosk mode needs a kiosk configuration")
        self.window = window
        self.settings = settings
        self.config: KioskConfig = settings.kiosk
        self.journey = journey
        self._reset_app = reset
        self._speak = speak
        self.wipe_list = WipeList()
        self.resets: list[ResetReason] = []
        self._resetting = False

        self.idle = IdleTimer(
            timeout_seconds if timeout_seconds is not None else self.config.idle_timeout_seconds,
            warning_seconds if warning_seconds is not None else self.config.warning_seconds,
            clock=clock,
            on_warning=self._on_warning,
            on_reset=self._on_reset,
            on_extend=self._on_extend,
            min_warning_seconds=min_warning_seconds,
        )
        self.warning = IdleWarning(window)
        self.warning.still_here.connect(self.still_here)
        self.staff = StaffPanel(window, self.config.check_exit_code, clock=clock)
        self.staff.unlocked.connect(self._staff_unlocked)
        self.staff.new_patient.connect(lambda: self.reset_now(ResetReason.STAFF))
        self.staff.close_program.connect(self.close_program)
        self.staff.closed.connect(self._staff_closed)
        self.banner = KioskBanner(self.config.pharmacy_name)
        self.banner.staff_button.clicked.connect(self.staff.open)
        self.keyboard = OnScreenKeyboard(window)
        self.keyboard_dock = KeyboardDock(window, self.keyboard, _dock_layout(window))

        self.session_log = SessionLog(settings.session_log_folder())
        self.recorder = JourneyRecorder(self.session_log, Mode.KIOSK, training=settings.training)

        self._timer = QTimer(self)
        self._timer.setInterval(tick_ms)
        self._timer.timeout.connect(self.tick)
        self._shown_seconds: int | None = None

        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)
        self.guard: KioskGuard | None = lock_window(window) if lock else None
        if journey is not None:
            journey.add_listener(self._journey_changed)
            journey.add_listener(self.recorder)

    def shutdown(self) -> None:
        """Stop timers and remove the application-wide filters (before the window goes)."""
        self._timer.stop()
        self.idle.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
        if self.guard is not None:
            self.guard.unlock()
            self.guard.remove()

    # -- journey ---------------------------------------------------------------------------

    def _journey_changed(self, state: JourneyState, _commands: object) -> None:
        if state.step is Step.WELCOME:
            self.idle.stop()
            self._timer.stop()
            self.warning.hide()
            return
        if not self.idle.running:
            self.start_session()
        removed = state.problem in (Problem.CARD_REMOVED, Problem.READER_UNPLUGGED)
        if removed and state.step in CARD_STEPS | {Step.READER}:
            # The journey has wiped already; the kiosk goes all the way back to Welcome.
            QTimer.singleShot(0, self.card_removed)

    def start_session(self) -> None:
        """A patient started (left Welcome): count inactivity from now."""
        self.idle.start()
        self._timer.start()

    def card_removed(self) -> None:
        self.idle.card_removed()

    # -- activity --------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type()
            in (
                QEvent.Type.MouseButtonPress,
                QEvent.Type.TouchBegin,
                QEvent.Type.KeyPress,
                QEvent.Type.Wheel,
            )
            and isinstance(watched, QWidget)
            and watched.window() is self.window
        ):
            self.idle.activity()
        return False

    def tick(self) -> None:
        status = self.idle.poll()
        if status.phase is IdlePhase.WARNING:
            seconds = status.whole_seconds_left or 0
            if seconds != self._shown_seconds:
                self._shown_seconds = seconds
                self.warning.set_seconds(seconds)
                if seconds == 10:
                    announce(self.warning.countdown, self.warning.countdown.accessibleName())
        if not self.idle.running:
            self._timer.stop()

    def still_here(self) -> None:
        self.idle.still_here()

    # -- idle callbacks --------------------------------------------------------------------

    def _on_warning(self, seconds_left: float) -> None:
        self._shown_seconds = round(seconds_left)
        self.warning.set_seconds(self._shown_seconds)
        self.warning.retranslate()
        self.staff.hide()
        self.warning.cover()
        self.warning.button.setFocus(Qt.FocusReason.OtherFocusReason)
        announce(self.warning, self.warning.message())
        if self._speak is not None:
            self._speak(self.warning.message())

    def _on_extend(self) -> None:
        self.warning.hide()
        self._shown_seconds = None

    def _on_reset(self, reason: ResetReason) -> None:
        # Called from IdleTimer (possibly inside a journey listener): do the work next.
        QTimer.singleShot(0, lambda: self._do_reset(reason))

    def reset_now(self, reason: ResetReason) -> None:
        """Reset at once (staff button, tests)."""
        if self.idle.running:
            self.idle.reset_now(reason)
        else:
            self._do_reset(reason)

    def _do_reset(self, reason: ResetReason) -> None:
        if self._resetting:
            return
        self._resetting = True
        try:
            self.recorder.ending(reason)
            self._timer.stop()
            self.idle.stop()
            self.warning.hide()
            self.staff.hide()
            self.keyboard.hide()
            self.keyboard.set_target(None)
            if self._reset_app is not None:
                self._reset_app()
            elif self.journey is not None:
                self.journey.reset()
            self.wipe_list.wipe_all()
            self._clear_inputs()
            self._restore_defaults()
            self.resets.append(reason)
            log.info("kiosk reset: %s", reason.value)
            self.reset_done.emit(reason)
        finally:
            self._resetting = False

    def _clear_inputs(self) -> None:
        for field in self.window.findChildren(QLineEdit):
            field.clear()
        for field in self.window.findChildren(QTextEdit):
            field.clear()
        for field in self.window.findChildren(QPlainTextEdit):
            field.clear()
        clipboard = QApplication.clipboard()
        if clipboard is not None:
            clipboard.clear()

    def _restore_defaults(self) -> None:
        """The next patient starts with the kiosk's language and the normal look."""
        lang = self.config.default_language or self.config.languages[0]
        if current_language() != lang:
            set_language(lang)
        if theme_mod.current() != theme_mod.current().with_(high_contrast=False, text_scale=1.0):
            theme_mod.set_theme(theme_mod.current().with_(high_contrast=False, text_scale=1.0))
        for name in ("show_screen_again", "close_help"):
            action = getattr(self.window, name, None)
            if callable(action):
                action()

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
        self._do_reset(ResetReason.STAFF)
        self.window.close()
