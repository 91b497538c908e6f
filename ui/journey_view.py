"""Draws the journey (``assistant.journey``) in the shell and carries out its commands.

The card monitor's thread reports reader changes through a queued signal; card reading, the PIN
check and the record download run in workers (``ui.workers``). The GUI thread never blocks.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

from assistant.card.connection import CardBackend
from assistant.card.monitor import CardMonitor, CardSituation, ReaderState
from assistant.card.pin import PinBlocked, PinCorrect, PinWrong
from assistant.card.session import CardSession
from assistant.card.signature import ChallengeSigner
from assistant.errors import CardRemovedError
from assistant.i18n import _, ngettext, set_language
from assistant.journey import (
    Command,
    CommandKind,
    Journey,
    JourneyState,
    PinOutcome,
    Problem,
    Step,
    step_count,
)
from assistant.records.source import RecordSource
from ui.screens.base import Screen, StateScreen
from ui.screens.connecting import ConnectingScreen, FinishScreen, RecordScreen
from ui.screens.identity import IdentityScreen
from ui.screens.pin import AboutPinScreen, PinScreen
from ui.screens.reader import CardScreen, ReaderScreen
from ui.screens.welcome import LanguageScreen, WelcomeScreen
from ui.shell import Shell
from ui.workers import Job, run_in_worker

log = logging.getLogger(__name__)

RecordSourceFactory = Callable[[ChallengeSigner], RecordSource]
ViewerFactory = Callable[[Any], Any]


def _zero(pin: bytearray) -> None:
    for i in range(len(pin)):
        pin[i] = 0


class JourneyController(QObject):
    """Owns the journey, its screens, the card monitor and the card session."""

    #: Every new journey state (mediator panel, kiosk idle logic, session log listen here).
    state_changed = Signal(object)
    #: Personal data was wiped (card removed, finish, reset).
    wiped = Signal()
    _situation = Signal(object)

    def __init__(
        self,
        shell: Shell,
        backend: CardBackend,
        record_source_factory: RecordSourceFactory,
        *,
        viewer_factory: ViewerFactory | None = None,
        languages: tuple[str, ...] = (),
        start_monitor: bool = True,
    ) -> None:
        super().__init__(shell)
        self.shell = shell
        self.backend = backend
        self.record_source_factory = record_source_factory
        self.viewer_factory = viewer_factory
        self.journey = Journey()
        self.session: CardSession | None = None
        self.card_reader: str | None = None
        self.job: Job | None = None
        self.screens = self._make_screens(languages)
        self._situation.connect(self._on_situation)
        self.journey.add_listener(self._on_state)
        shell.back_requested.connect(self.back)
        self.monitor = CardMonitor(backend, self._situation.emit)
        self._last_announced: JourneyState | None = None
        if start_monitor:
            self.monitor.start()
        self.journey.start()
        self._on_state(self.journey.state, [])

    # ------------------------------------------------------------------ screens
    def _make_screens(self, languages: tuple[str, ...]) -> dict[Step, Screen]:
        welcome = WelcomeScreen()
        welcome.start.connect(self.journey.next)
        language = LanguageScreen(languages=languages)
        language.chosen.connect(self.choose_language)
        reader = ReaderScreen()
        reader.next_requested.connect(self.journey.next)
        reader.retry_requested.connect(self.journey.retry)
        card = CardScreen()
        card.retry_requested.connect(self.journey.retry)
        identity = IdentityScreen()
        identity.answered.connect(self.journey.confirm_identity)
        about = AboutPinScreen()
        about.next_requested.connect(self.journey.next)
        pin = PinScreen()
        pin.submitted.connect(self.journey.submit_pin)
        pin.confirm_last.connect(self.journey.confirm_last_try)
        pin.cancel_last.connect(self.journey.cancel_last_try)
        pin.retry_requested.connect(self.journey.retry)
        pin.finish_requested.connect(self.journey.finish)
        connecting = ConnectingScreen()
        connecting.retry_requested.connect(self.journey.retry)
        connecting.finish_requested.connect(self.journey.finish)
        record = RecordScreen()
        record.finish_requested.connect(self.journey.finish)
        finish = FinishScreen()
        finish.restart.connect(self.journey.start)
        screens: dict[Step, Screen] = {
            Step.WELCOME: welcome,
            Step.LANGUAGE: language,
            Step.READER: reader,
            Step.CARD: card,
            Step.CONFIRM_IDENTITY: identity,
            Step.ABOUT_PIN: about,
            Step.PIN: pin,
            Step.CONNECTING: connecting,
            Step.RECORD: record,
            Step.FINISH: finish,
        }
        for screen in screens.values():
            self.shell.add_screen(screen)
        return screens

    @property
    def pin_screen(self) -> PinScreen:
        screen = self.screens[Step.PIN]
        assert isinstance(screen, PinScreen)
        return screen

    @property
    def identity_screen(self) -> IdentityScreen:
        screen = self.screens[Step.CONFIRM_IDENTITY]
        assert isinstance(screen, IdentityScreen)
        return screen

    @property
    def record_screen(self) -> RecordScreen:
        screen = self.screens[Step.RECORD]
        assert isinstance(screen, RecordScreen)
        return screen

    def current_screen(self) -> Screen:
        return self.screens[self.journey.step]

    # ------------------------------------------------------------------ patient actions
    def choose_language(self, code: str) -> None:
        set_language(code)
        self.journey.choose_language()

    def back(self) -> None:
        self.journey.back()

    def reset(self) -> None:
        """Wipe everything and go back to Welcome (kiosk, inactivity)."""
        self.journey.reset()

    def stop(self) -> None:
        """Stop the monitor and drop running work (window closing)."""
        self.monitor.stop()
        if self.job is not None:
            self.job.cancel()
        self.pin_screen.clear_pin()
        self.journey.reset()

    # ------------------------------------------------------------------ reader events
    def _on_situation(self, situation: CardSituation) -> None:
        if (
            situation.state is ReaderState.CARD_PRESENT
            and self.card_reader is not None
            and situation.card_reader != self.card_reader
            and self.journey.card_data is not None
        ):
            # The card is now in another reader: treat it as taken out and put in again.
            self.journey.reader_changed(ReaderState.NO_CARD)
        self.card_reader = situation.card_reader
        self.journey.reader_changed(situation.state)

    def feed_situation(self, situation: CardSituation) -> None:
        """Tests: deliver a situation as the monitor would (through the queued signal)."""
        self._situation.emit(situation)

    # ------------------------------------------------------------------ drawing
    def _on_state(self, state: JourneyState, commands: list[Command]) -> None:
        for command in commands:
            self._run(command)
        screen = self.screens[state.step]
        if isinstance(screen, StateScreen):
            screen.state = state
        if state.step is Step.RECORD:
            self.shell.set_back_handler(self._record_back)
        else:
            self.shell.set_back_handler(None)
        self.shell.show_screen(screen, (state.number, step_count()))
        self._update_back()
        self._announce(state)
        self.state_changed.emit(state)

    def _update_back(self) -> None:
        if self.journey.step is Step.RECORD:
            viewer = self.record_screen.viewer
            self.shell.set_back_enabled(bool(viewer is not None and getattr(viewer, "history", [])))
        else:
            self.shell.set_back_enabled(self.journey.can_go_back())

    def _record_back(self) -> None:
        viewer = self.record_screen.viewer
        if viewer is not None and hasattr(viewer, "go_back"):
            viewer.go_back()
        self._update_back()

    def _announce(self, state: JourneyState) -> None:
        last = self._last_announced
        self._last_announced = state
        if last is not None and last == state:
            return
        message = ""
        if state.step is Step.CARD and state.busy:
            message = _("Card found. Reading your card.")
        elif state.step is Step.CONFIRM_IDENTITY:
            message = _("Your card was read.")
        elif state.problem is Problem.CARD_REMOVED:
            message = _("Your card was taken out.")
        elif state.problem is Problem.PIN_WRONG and state.tries_left is not None:
            message = ngettext(
                "The PIN code is not correct. You have {n} try left.",
                "The PIN code is not correct. You have {n} tries left.",
                state.tries_left,
            ).format(n=state.tries_left)
        elif state.problem is Problem.PIN_BLOCKED:
            message = _("Your card is blocked.")
        elif state.step is Step.CONNECTING and state.busy:
            message = _("PIN code correct. Opening your health record.")
        elif state.step is Step.RECORD:
            message = _("Your health record is open.")
        elif state.step is Step.READER and state.reader_ready:
            message = _("Card reader found.")
        elif state.problem is not None:
            message = self.current_screen().heading.text()
        if message:
            self.shell.announce(message)

    # ------------------------------------------------------------------ commands
    def _run(self, command: Command) -> None:
        kind = command.kind
        if kind is CommandKind.READ_CARD:
            self._read_card(command.token)
        elif kind is CommandKind.VERIFY_PIN:
            self._verify_pin(command.token, pinpad=False)
        elif kind is CommandKind.VERIFY_PIN_ON_PINPAD:
            self._verify_pin(command.token, pinpad=True)
        elif kind is CommandKind.CONNECT:
            self._connect(command.token)
        elif kind is CommandKind.CANCEL_WORK:
            if self.job is not None:
                self.job.cancel()
                self.job = None
        elif kind is CommandKind.CLOSE_SESSION:
            self._close_session()
        elif kind is CommandKind.WIPE:
            self._wipe_screens()

    def _start(
        self,
        fn: Callable[[], Any],
        done: Callable[[Any], None],
        fail: Callable[[BaseException], None],
    ) -> None:
        if self.job is not None:
            self.job.cancel()
        self.job = run_in_worker(fn, done, fail)

    def _read_card(self, token: int) -> None:
        reader = self.card_reader
        if reader is None:
            self.journey.card_read_failed(token, CardRemovedError("no reader with a card"))
            return
        self._close_session()
        session = CardSession(self.backend, reader)
        self.session = session

        def work() -> tuple[Any, bool]:
            data = session.read_card()
            try:
                pinpad = session.has_pinpad()
            except CardRemovedError:
                data.wipe()
                raise
            except Exception:
                log.warning("pinpad check failed; using the on-screen keypad")
                pinpad = False
            return data, pinpad

        def done(result: tuple[Any, bool]) -> None:
            data, pinpad = result
            self.identity_screen.set_card(data)
            tries = getattr(getattr(data, "card_info", None), "pin_tries_left", None)
            self.journey.card_read(token, data, pinpad=pinpad, tries_left=tries)
            if self.journey.card_data is not data:
                self.identity_screen.set_card(None)

        self._start(work, done, lambda exc: self.journey.card_read_failed(token, exc))

    def _verify_pin(self, token: int, *, pinpad: bool) -> None:
        session = self.session
        pin = None if pinpad else self.pin_screen.take_pin()
        if session is None:
            if pin is not None:
                _zero(pin)
            self.journey.pin_check_failed(token, CardRemovedError("no card session"))
            return

        def work() -> Any:
            if pin is None:
                return session.verify_pin_on_pinpad()
            try:
                return session.verify_pin(pin)
            finally:
                _zero(pin)

        def done(result: Any) -> None:
            if isinstance(result, PinCorrect):
                self.journey.pin_checked(token, PinOutcome.CORRECT)
            elif isinstance(result, PinBlocked):
                self.journey.pin_checked(token, PinOutcome.BLOCKED, 0)
            elif isinstance(result, PinWrong):
                self.journey.pin_checked(token, PinOutcome.WRONG, result.tries_left)
            else:
                self.journey.pin_check_failed(token, TypeError("unknown PIN result"))

        self._start(work, done, lambda exc: self.journey.pin_check_failed(token, exc))

    def _connect(self, token: int) -> None:
        session = self.session
        if session is None:
            self.journey.connection_failed(token, CardRemovedError("no card session"))
            return
        factory = self.record_source_factory

        def work() -> Any:
            return factory(session).load()

        def done(record: Any) -> None:
            viewer = self.viewer_factory(record) if self.viewer_factory is not None else None
            self.record_screen.set_record(record, viewer)
            if viewer is not None and hasattr(viewer, "page_changed"):
                viewer.page_changed.connect(lambda _k: self._update_back())
            if viewer is not None and hasattr(viewer, "announce_requested"):
                viewer.announce_requested.connect(self.shell.announce)
            self.journey.connected(token, record)
            if self.journey.record is not record:
                self._wipe_record_screen()

        self._start(work, done, lambda exc: self.journey.connection_failed(token, exc))

    def _close_session(self) -> None:
        session, self.session = self.session, None
        if session is not None:
            run_in_worker(session.close, None, lambda exc: log.debug("close failed"))

    def _wipe_record_screen(self) -> None:
        viewer = self.record_screen.viewer
        if viewer is not None and hasattr(viewer, "wipe"):
            viewer.wipe()
        self.record_screen.set_record(None, None)

    def _wipe_screens(self) -> None:
        self.identity_screen.set_card(None)
        self.pin_screen.clear_pin()
        self._wipe_record_screen()
        self.wiped.emit()
