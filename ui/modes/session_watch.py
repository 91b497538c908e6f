"""How the kiosk and the mediator's PC reset between patients: the inactivity lock and the wipe.

:class:`SessionWatch` starts counting when a patient leaves Welcome, shows the large
:class:`~ui.modes.idle_warning.IdleWarning` ("Are you still here?", countdown, one button) at
least 20 s before the reset, and resets: the journey back to Welcome, every wipe callback,
every text field, the clipboard, the language and the look. The timing rules live in
:class:`assistant.idle.IdleTimer`; what is wiped is listed in :class:`assistant.wipe.WipeList`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QApplication, QLineEdit, QPlainTextEdit, QTextEdit, QWidget

from assistant.i18n import current_language, set_language
from assistant.idle import IdlePhase, IdleTimer, ResetReason
from assistant.journey import CARD_STEPS, Journey, JourneyState, Problem, Step
from assistant.session_log import JourneyRecorder, SessionLog
from assistant.settings import Mode
from assistant.wipe import WipeList
from ui import theme as theme_mod
from ui.modes.idle_warning import IdleWarning
from ui.shell import Shell
from ui.widgets import announce

log = logging.getLogger(__name__)

#: The card or the reader went away: with ``reset_on_card_removal`` (kiosk), back to Welcome.
RESET_PROBLEMS = frozenset({Problem.CARD_REMOVED, Problem.READER_UNPLUGGED})

#: Input that counts as "someone is using the kiosk".
_ACTIVITY_EVENTS = frozenset(
    {
        QEvent.Type.MouseButtonPress,
        QEvent.Type.TouchBegin,
        QEvent.Type.KeyPress,
        QEvent.Type.Wheel,
    }
)


class SessionWatch(QObject):
    """Counts inactivity for one window and resets the session (see the module docstring).

    ``reset`` is the app's own reset (journey back to Welcome, screens wiped); without it the
    journey's :meth:`~assistant.journey.Journey.reset` is called. ``reset_on_card_removal``
    sends the patient all the way back to Welcome when the card leaves (kiosk). ``language``
    is restored after each reset (None: keep the current one).
    """

    reset_done = Signal(object)  # ResetReason

    def __init__(
        self,
        window: Shell,
        *,
        timeout_seconds: float,
        warning_seconds: float,
        mode: Mode,
        journey: Journey | None = None,
        reset: Callable[[], None] | None = None,
        speak: Callable[[str], None] | None = None,
        session_log: SessionLog | None = None,
        training: bool = False,
        language: str | None = None,
        reset_on_card_removal: bool = False,
        clock: Callable[[], float] = time.monotonic,
        tick_ms: int = 250,
        min_warning_seconds: float = 20.0,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.journey = journey
        self._reset_app = reset
        self._speak = speak
        self.language = language
        self.reset_on_card_removal = reset_on_card_removal
        self.wipe_list = WipeList()
        self.resets: list[ResetReason] = []
        self._resetting = False
        #: Extra things to hide before a reset (staff panel, keyboard...).
        self.before_reset: list[Callable[[], None]] = []
        self.idle = IdleTimer(
            timeout_seconds,
            warning_seconds,
            clock=clock,
            on_warning=self._on_warning,
            on_reset=self._on_reset,
            on_extend=self._on_extend,
            min_warning_seconds=min_warning_seconds,
        )
        self.warning = IdleWarning(window)
        self.warning.still_here.connect(self.still_here)
        # Listen reads the warning aloud even when speech does not start by itself.
        self.warning.listen_requested.connect(lambda: window.say(self.warning.message()))
        # Every screen's help says the truth about time (WCAG 2.2.1): each touch or key
        # counts as activity, and the warning comes before any reset.
        window.time_limit_seconds = timeout_seconds
        self.session_log = session_log or SessionLog(None)
        self.recorder = JourneyRecorder(self.session_log, mode, training=training)
        self._timer = QTimer(self)
        self._timer.setInterval(tick_ms)
        self._timer.timeout.connect(self.tick)
        self._shown_seconds: int | None = None
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)
        if journey is not None:
            journey.add_listener(self._journey_changed)
            journey.add_listener(self.recorder)

    def shutdown(self) -> None:
        """Stop the timer and remove the application-wide filter."""
        self._timer.stop()
        self.idle.stop()
        self.window.time_limit_seconds = None
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)

    # -- journey ---------------------------------------------------------------------------

    def _journey_changed(self, state: JourneyState, _commands: object) -> None:
        if state.step is Step.WELCOME:
            self.idle.stop()
            self._timer.stop()
            self.warning.hide()
            return
        if not self.idle.running:
            self.start_session()
        removed = state.problem in RESET_PROBLEMS
        if self.reset_on_card_removal and removed and state.step in CARD_STEPS | {Step.READER}:
            # The journey has wiped already; go all the way back to Welcome.
            QTimer.singleShot(0, self.idle.card_removed)

    def start_session(self) -> None:
        """A patient started (left Welcome): count inactivity from now."""
        self.idle.start()
        self._timer.start()

    def end_log(self, reason: ResetReason) -> None:
        """The session ends without a return to Welcome (the program starts again for the next
        patient at "Take your card out" or "Put your card back"): its anonymous summary is
        written now."""
        if self.session_log.active:
            self.session_log.end(reason)

    # -- activity --------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() in _ACTIVITY_EVENTS
            and isinstance(watched, QWidget)
            and self._belongs(watched)
        ):
            self.idle.activity()
        return False

    def _belongs(self, widget: QWidget) -> bool:
        """Whether ``widget`` is in the main window or in a dialog opened over it."""
        top: QWidget | None = widget.window()
        while top is not None:
            if top is self.window:
                return True
            parent = top.parentWidget()
            top = parent.window() if parent is not None else None
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
        """Reset at once (staff button, Finish in a kiosk, tests)."""
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
            for hide in self.before_reset:
                hide()
            if self._reset_app is not None:
                self._reset_app()
            elif self.journey is not None:
                self.journey.reset()
            self.wipe_list.wipe_all()
            self._clear_inputs()
            self._restore_defaults()
            self.resets.append(reason)
            log.info("session reset: %s", reason.value)
            self.reset_done.emit(reason)
        finally:
            self._resetting = False

    def _clear_inputs(self) -> None:
        fields: list[QLineEdit | QTextEdit | QPlainTextEdit] = [
            *self.window.findChildren(QLineEdit),
            *self.window.findChildren(QTextEdit),
            *self.window.findChildren(QPlainTextEdit),
        ]
        for field in fields:
            field.clear()
        clipboard = QApplication.clipboard()
        if clipboard is not None:
            clipboard.clear()

    def _restore_defaults(self) -> None:
        """The next patient starts with the default language and the normal look."""
        if self.language is not None and current_language() != self.language:
            set_language(self.language)
        normal = theme_mod.current().with_(high_contrast=False, text_scale=1.0)
        if theme_mod.current() != normal:
            theme_mod.set_theme(normal)
        self.window.show_screen_again()
        self.window.close_help()
