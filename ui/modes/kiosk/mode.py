"""Pharmacy kiosk mode put together on the main window: full screen, locked, touch only, and
reset between patients.

:class:`KioskMode` joins the lock (:mod:`ui.modes.kiosk.guard`), the band and staff panel
(:mod:`ui.modes.kiosk.banner`, :mod:`ui.modes.kiosk.staff_panel`), the on-screen keyboard, the
prescriptions beside the record (:mod:`ui.modes.kiosk.prescriptions`) and the inactivity lock
with its reset between patients (:class:`ui.modes.session_watch.SessionWatch`): at once when
the card is removed. :func:`install` is what the program calls (see :mod:`ui.modes.hooks`).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QBoxLayout, QMainWindow, QVBoxLayout, QWidget

from assistant.idle import IdleTimer, ResetReason
from assistant.journey import Journey
from assistant.session_log import SessionLog
from assistant.settings import KioskConfig, Mode, Settings
from assistant.staff_code import StaffLockout
from assistant.wipe import WipeList
from ui.modes.hooks import ModeContext
from ui.modes.idle_warning import IdleWarning
from ui.modes.kiosk.banner import KioskBanner, kiosk_help_text
from ui.modes.kiosk.guard import KioskGuard, lock_window
from ui.modes.kiosk.onscreen_keyboard import KeyboardDock, OnScreenKeyboard
from ui.modes.kiosk.prescriptions import PrescriptionsOnRecord
from ui.modes.kiosk.staff_panel import StaffPanel
from ui.modes.session_watch import SessionWatch
from ui.shell import Shell


def _dock_layout(window: QWidget) -> QBoxLayout | None:
    """The main window's column layout, where the keyboard goes above the bottom bar."""
    central = window.centralWidget() if isinstance(window, QMainWindow) else window
    lay = central.layout() if central is not None else None
    return lay if isinstance(lay, QVBoxLayout) else None


class KioskMode(QObject):
    """Everything kiosk mode adds to the main window: lock, banner, staff panel, keyboard,
    and a :class:`SessionWatch` that resets between patients.

    ``reset`` is the app's "start again for the next patient" (journey reset, screens back to
    Welcome). UI parts holding personal data register in :attr:`wipe_list`.
    """

    def __init__(
        self,
        window: Shell,
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
        if journey is not None:
            self.prescriptions = PrescriptionsOnRecord(window, journey)
            self.watch.before_reset.append(self.prescriptions.panel.wipe)
        self.watch.warning.shown.connect(self.staff.hide)
        self.guard: KioskGuard | None = lock_window(window) if lock else None
        # The kiosk has its reader: its welcome does not ask the patient to bring one (the
        # welcome is the first screen, made with the window).
        from ui.screens.welcome import WelcomeScreen

        for screen in window.screens:
            if isinstance(screen, WelcomeScreen):
                screen.set_reader_provided(True)

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


def install(context: ModeContext) -> KioskMode:
    """Kiosk mode on the program's main window (see :func:`ui.modes.hooks.install_modes`)."""
    shell = context.shell
    controller = context.controller
    settings = context.settings
    mode = KioskMode(
        shell,
        settings,
        journey=controller.journey,
        reset=controller.reset,
        speak=shell.say if settings.speech_on else None,
    )
    config = mode.config

    def add_contacts(_text: str) -> None:
        label = shell.help_overlay.text
        label.setText(label.text() + "\n\n" + kiosk_help_text(config))

    try:
        shell.add_banner(mode.banner)
        if config.help_contacts:
            shell.help_shown.connect(add_contacts)
        controller.wiped.connect(mode.keyboard_dock.hide_keyboard)
        # No "Test my PIN" nor "Change my PIN" at the counter: the PIN step already checks the
        # PIN once with the tries shown, and a new PIN chosen on a public screen (others see
        # the hands) or a card blocked there is worse than the patient doing it at home.
        controller.set_pin_tools(False)
    except BaseException:
        mode.shutdown()  # (unlocked again: the program stops)
        raise
    return mode
