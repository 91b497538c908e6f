"""Draws the journey (``assistant.journey``) in the shell and carries out its commands.

The card monitor's thread reports reader changes through a queued signal; card reading, the PIN
check and the record download run in workers (``ui.workers``). The GUI thread never blocks.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol, TypeVar

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QWidget

from assistant.card.monitor import CardMonitor, CardSituation, ReaderState
from assistant.card.pin import PinBlocked, PinCorrect, PinResult, PinWrong
from assistant.errors import AssistantError, CardRemovedError
from assistant.i18n import _, current_language, ngettext, set_language
from assistant.journey import (
    Command,
    CommandKind,
    Journey,
    JourneyState,
    PinOutcome,
    Problem,
    Step,
)
from ui.pin_tools_view import PinToolsView
from ui.screens.base import Screen, StateScreen
from ui.shell import Shell
from ui.workers import Job, hold_jobs, run_in_worker

if TYPE_CHECKING:
    from assistant.card.connection import CardBackend
    from assistant.card.eid import CardData
    from assistant.card.session import CardSession
    from assistant.card.signature import ChallengeSigner
    from assistant.card.trust import TrustStore
    from assistant.records.model import Record
    from assistant.records.source import RecordSource
    from ui.record.home import RecordHome
    from ui.screens.identity import IdentityScreen
    from ui.screens.pin import PinScreen
    from ui.screens.portal import PortalScreen
    from ui.screens.record import RecordScreen

log = logging.getLogger(__name__)

T = TypeVar("T")
RecordSourceFactory = Callable[["ChallengeSigner"], "RecordSource"]


class ViewerFactory(Protocol):
    """Makes the record viewer for ``record`` inside ``parent`` (on the GUI thread).

    ``RecordHome`` itself is one; the program's also gives it the patient's notebook."""

    def __call__(self, record: Record, parent: QWidget, /) -> RecordHome: ...


def _zero(pin: bytearray) -> None:
    for i in range(len(pin)):
        pin[i] = 0


class LazyScreens:
    """Step → screen, each made on first use."""

    def __init__(
        self, build: Callable[[Step, tuple[str, ...]], Screen], languages: tuple[str, ...]
    ) -> None:
        self._build = build
        self._languages = languages
        self._made: dict[Step, Screen] = {}

    def __getitem__(self, step: Step) -> Screen:
        screen = self._made.get(step)
        if screen is None:
            screen = self._made[step] = self._build(step, self._languages)
        return screen

    def get_built(self, step: Step) -> Screen | None:
        return self._made.get(step)

    def values(self) -> list[Screen]:
        return [self[s] for s in Step]

    def items(self) -> list[tuple[Step, Screen]]:
        return [(s, self[s]) for s in Step]


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
        backend: CardBackend | None,
        record_source_factory: RecordSourceFactory | None,
        *,
        viewer_factory: ViewerFactory | None = None,
        languages: tuple[str, ...] = (),
        start_monitor: bool = True,
        card_trust: TrustStore | None = None,
    ) -> None:
        super().__init__(shell)
        self.shell = shell
        #: The roots a genuine card chains to: the Belgian roots unless the composition root
        #: gives the demo's store (virtual cards only).
        self.card_trust = card_trust
        self.backend = backend
        self.record_source_factory = record_source_factory
        self.viewer_factory = viewer_factory
        self.journey = Journey()
        #: Opens the official portal at home (tests replace it).
        self.url_opener: Callable[[str], None] = self._open_url
        self.session: CardSession | None = None
        self.card_reader: str | None = None
        #: The card, PIN or record work running now (one at a time).
        self.job: Job[object] | None = None
        self.screens = self._make_screens(languages)
        #: "Test my PIN" and "Change my PIN", opened from "About the PIN".
        self.pin_tools = PinToolsView(self)
        self._situation.connect(self._on_situation)
        self.journey.add_listener(self._on_state)
        shell.back_requested.connect(self.back)
        self.monitor: CardMonitor | None = None
        #: True once every screen is made (see :meth:`prepare`).
        self.prepared = False
        self._last_announced: JourneyState | None = None
        self.journey.start()  # tells _on_state, which shows the welcome screen (once)
        if backend is not None and record_source_factory is not None:
            self.attach(backend, record_source_factory, start_monitor=start_monitor)

    def attach(
        self,
        backend: CardBackend,
        record_source_factory: RecordSourceFactory,
        *,
        viewer_factory: ViewerFactory | None = None,
        start_monitor: bool = True,
        card_trust: TrustStore | None = None,
    ) -> None:
        """Connect the card backend and the record source (they may be made after the first
        screen is shown, so the program starts fast)."""
        if card_trust is not None:
            self.card_trust = card_trust
        self.backend = backend
        self.record_source_factory = record_source_factory
        if viewer_factory is not None:
            self.viewer_factory = viewer_factory
        self.monitor = CardMonitor(backend, self._situation.emit)
        if start_monitor:
            self.monitor.start()
        self.prepare()

    def prepare(self) -> None:
        """Get the next screens ready while the patient reads: modules and locale data are
        loaded in a worker, then each screen is made on its own turn of the event loop, so
        no step stalls the window later. Last, a record viewer is made once for an empty
        record and dropped (:meth:`_warm_up_viewer`)."""

        def preload() -> None:
            import datetime

            import assistant.card.pin
            import assistant.card.session
            import assistant.pin_tools  # noqa: F401 - loaded for later
            import ui.screens.connecting
            import ui.screens.finish
            import ui.screens.identity
            import ui.screens.pin
            import ui.screens.pin_change
            import ui.screens.pin_test
            import ui.screens.reader
            import ui.screens.record
            import ui.screens.welcome

            if self.viewer_factory is not None:
                import ui.record.home  # noqa: F401 - for _warm_up_viewer
            from assistant.i18n import format_date
            from ui.screens.identity import warm_up_photo_decoder
            from ui.widgets import preload_pictures

            format_date(datetime.date(2000, 1, 31), "long")  # Babel's locale data
            # Every language the patient may choose: its catalog and its locale data, so the
            # language step and the "Born on" date do not read them on the GUI thread.
            from babel.dates import format_date as babel_format_date

            from assistant.i18n import LANGUAGES, LOCALE_NAMES, load_catalog

            for code in LANGUAGES:
                load_catalog(code)
                babel_format_date(datetime.date(2000, 1, 31), "long", locale=LOCALE_NAMES[code])
            preload_pictures()
            warm_up_photo_decoder()  # Qt's JPEG codec, for the card photo
            # The types the first announcement ("Card found...") uses: PySide makes enum types
            # on first use, some milliseconds each.
            from PySide6.QtGui import QAccessible

            made = (QAccessible.Event.NameChanged, QAccessible.AnnouncementPoliteness.Assertive)
            log.debug("accessibility types ready (%d)", len(made))

        pending = [s for s in Step if self.screens.get_built(s) is None]

        def build_next() -> None:
            while pending:
                step = pending.pop(0)
                if self.screens.get_built(step) is None:
                    try:
                        self.screens[step]
                    except RuntimeError:  # the window closed meanwhile
                        return
                    # A real timer: with 0 the next screen would be made before the waiting
                    # timers and input, and all of them would be one long stall.
                    QTimer.singleShot(1, self, build_next)
                    return
            QTimer.singleShot(1, self, self._warm_up_viewer)

        run_in_worker(preload, lambda _r: QTimer.singleShot(1, self, build_next), lambda _e: None)

    def _warm_up_viewer(self) -> None:
        """Make a record viewer for an empty record inside the record screen and drop it.

        The first viewer made in a program pays once for what Qt and PySide make on first use
        (enum types, style rules, pictograms at tile size, glossary data): about 60 ms on the
        GUI thread. Paid here, while the patient reads the first screens, it is not part of
        the stall when their record arrives. No personal data is involved (the record is
        empty, notes stay in memory)."""
        try:
            if (
                self.viewer_factory is not None
                and self.built(Step.RECORD) is not None
                and self.record_screen.viewer is None  # not once a record is on its way
                and self.journey.step not in (Step.CONNECTING, Step.RECORD)
            ):
                from assistant.records.model import Record
                from ui.record.home import RecordHome

                viewer = RecordHome(Record(), self.record_screen)
                viewer.hide()
                viewer.deleteLater()
        except RuntimeError:  # the window closed meanwhile
            return
        self.prepared = True

    # ------------------------------------------------------------------ screens
    def _make_screens(self, languages: tuple[str, ...]) -> LazyScreens:
        return LazyScreens(self._build_screen, languages)

    def _build_screen(self, step: Step, languages: tuple[str, ...]) -> Screen:
        """Make one screen the first time it is needed. (The screens' modules are imported
        here, not at the top: most use the Qt namespace, made after the first paint, see
        ui.startup; the first screen is the welcome screen.)"""
        j = self.journey
        screen: Screen
        if step is Step.WELCOME:
            from ui.screens.welcome import WelcomeScreen

            screen = WelcomeScreen(languages=languages)
            screen.chosen.connect(self.choose_language)
        elif step is Step.READER:
            from ui.screens.reader import ReaderScreen

            screen = ReaderScreen()
            screen.next_requested.connect(j.next)
            screen.retry_requested.connect(j.retry)
        elif step is Step.CARD:
            from ui.screens.reader import CardScreen

            screen = CardScreen()
            screen.retry_requested.connect(j.retry)
        elif step is Step.CONFIRM_IDENTITY:
            from ui.screens.identity import IdentityScreen

            screen = IdentityScreen()
            screen.answered.connect(j.confirm_identity)
        elif step is Step.ABOUT_PIN:
            from assistant.pin_tools import PinTask
            from ui.screens.pin import AboutPinScreen

            screen = AboutPinScreen()
            screen.next_requested.connect(j.next)
            screen.offer_pin_tools(self.pin_tools.enabled)
            screen.test_requested.connect(lambda: self.pin_tools.open(PinTask.TEST))
            screen.change_requested.connect(lambda: self.pin_tools.open(PinTask.CHANGE))
            screen.dont_know_requested.connect(j.dont_know_pin)
            screen.found_requested.connect(j.back)
            screen.finish_requested.connect(j.finish)
        elif step is Step.PIN:
            from ui.screens.pin import PinScreen

            screen = PinScreen()
            screen.submitted.connect(j.submit_pin)
            screen.confirm_last.connect(j.confirm_last_try)
            screen.cancel_last.connect(j.cancel_last_try)
            screen.retry_requested.connect(j.retry)
            screen.finish_requested.connect(j.finish)
        elif step is Step.CONNECTING:
            from ui.screens.connecting import ConnectingScreen

            screen = ConnectingScreen()
            screen.retry_requested.connect(j.retry)
            screen.finish_requested.connect(j.finish)
        elif step is Step.RECORD:
            from ui.screens.record import RecordScreen

            screen = RecordScreen()
            screen.finish_requested.connect(j.finish)
        elif step is Step.PORTAL:
            screen = self._make_portal_screen()
        else:
            from ui.screens.finish import FinishScreen

            screen = FinishScreen()
            screen.restart.connect(j.start)
        self.shell.add_screen(screen)
        return screen

    def _make_portal_screen(self) -> Screen:
        from assistant import settings as settings_mod
        from ui.screens.portal import PortalScreen

        s = settings_mod.current()
        # A public computer hands the portal to the patient's phone: its browser would keep
        # the login (and a kiosk has none to open).
        screen = PortalScreen(
            phone=s.mode is not settings_mod.Mode.HOME,
            files=s.file_access is not settings_mod.FileAccess.NONE,
        )
        screen.open_website.connect(self.url_opener)
        screen.check_again.connect(self.journey.retry)
        screen.open_files.connect(self._open_received_files)
        screen.finish_requested.connect(self.journey.finish)
        return screen

    @property
    def portal_screen(self) -> PortalScreen:
        from ui.screens.portal import PortalScreen

        screen = self.screens[Step.PORTAL]
        assert isinstance(screen, PortalScreen)
        return screen

    def _open_url(self, url: str) -> None:
        """Home mode: the official portal in the system browser (never in kiosk/mediator)."""
        from PySide6.QtCore import QUrl
        from PySide6.QtGui import QDesktopServices

        if not QDesktopServices.openUrl(QUrl(url)):
            log.warning("the system browser could not be opened")
            self.shell.announce(
                _("The internet browser did not open. Type this address in it: {url}").format(
                    url=url
                )
            )

    def _open_received_files(self) -> None:
        """Portal route: the record viewer, empty, on "Open a file I received"."""
        from assistant.records.model import Record

        record = Record()
        factory = self.viewer_factory
        viewer = factory(record, self.record_screen) if factory is not None else None
        self.record_screen.set_record(record, viewer)
        if viewer is not None:
            viewer.page_changed.connect(lambda _k: self._update_back())
            viewer.announce_requested.connect(self.shell.announce)
        self.journey.open_received_files(record)
        if self.journey.record is not record:
            self._wipe_record_screen()
            return
        if viewer is not None:
            QTimer.singleShot(1, self, viewer.open_file)

    def built(self, step: Step) -> Screen | None:
        """The screen of ``step`` if it was made already (never makes it)."""
        return self.screens.get_built(step)

    @property
    def pin_screen(self) -> PinScreen:
        from ui.screens.pin import PinScreen

        screen = self.screens[Step.PIN]
        assert isinstance(screen, PinScreen)
        return screen

    @property
    def identity_screen(self) -> IdentityScreen:
        from ui.screens.identity import IdentityScreen

        screen = self.screens[Step.CONFIRM_IDENTITY]
        assert isinstance(screen, IdentityScreen)
        return screen

    @property
    def record_screen(self) -> RecordScreen:
        from ui.screens.record import RecordScreen

        screen = self.screens[Step.RECORD]
        assert isinstance(screen, RecordScreen)
        return screen

    def current_screen(self) -> Screen:
        return self.screens[self.journey.step]

    def set_pin_tools(self, enabled: bool) -> None:
        """Offer "Test my PIN" and "Change my PIN" on "About the PIN" (kiosk mode does not)."""
        self.pin_tools.enabled = enabled
        if not enabled:
            self.pin_tools.abandon()
        about = self.built(Step.ABOUT_PIN)
        if about is not None:
            from ui.screens.pin import AboutPinScreen

            assert isinstance(about, AboutPinScreen)
            about.offer_pin_tools(enabled)

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
        if self.monitor is not None:
            self.monitor.stop()
        if self.job is not None:
            self.job.cancel()
        if self.built(Step.PIN) is not None:
            self.pin_screen.clear_pin()
        self.pin_tools.wipe()
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
        self.pin_tools.abandon()  # whatever the journey did, the PIN tool is over
        for command in commands:
            self._run(command)
        screen = self.screens[state.step]
        if isinstance(screen, StateScreen):
            screen.state = state
        if state.step is Step.RECORD:
            self.shell.set_back_handler(self._record_back)
        else:
            self.shell.set_back_handler(None)
        self.shell.show_screen(screen, self.journey.position(state))
        # Only the step's name (never what it shows): smoke tests of the packages follow it.
        log.info("journey step: %s", state.step.value)
        self._update_back()
        self._announce(state)
        self.state_changed.emit(state)

    def redraw(self) -> None:
        """Show the journey's screen again (a PIN tool closed without changing the state)."""
        state = self.journey.state
        screen = self.screens[state.step]
        if isinstance(screen, StateScreen):
            screen.state = state
        self.shell.set_back_handler(self._record_back if state.step is Step.RECORD else None)
        self.shell.show_screen(screen, self.journey.position(state))
        self._update_back()

    def _update_back(self) -> None:
        if self.journey.step is Step.RECORD:
            viewer = self.record_screen.viewer
            self.shell.set_back_enabled(bool(viewer is not None and viewer.history))
        else:
            self.shell.set_back_enabled(self.journey.can_go_back())

    def _record_back(self) -> None:
        viewer = self.record_screen.viewer
        if viewer is not None:
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
        elif kind is CommandKind.READ_TRIES:
            self._read_tries(command.token)
        elif kind is CommandKind.CONNECT:
            self._connect(command.token)
        elif kind is CommandKind.CHECK_READINESS:
            self._check_readiness(command.token)
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
        fn: Callable[[], T],
        done: Callable[[T], object],
        fail: Callable[[AssistantError], object],
    ) -> None:
        if self.job is not None:
            self.job.cancel()
        # After the paint: the screen that says "please wait" is drawn before the worker
        # competes with the GUI thread for the GIL.
        self.job = run_in_worker(fn, done, fail, after_paint=True)

    def _read_card(self, token: int) -> None:
        from assistant.card.session import CardSession

        reader = self.card_reader
        if reader is None or self.backend is None:
            self.journey.card_read_failed(token, CardRemovedError("no reader with a card"))
            return
        self._close_session()
        session = CardSession(
            self.backend, reader, trust=self.card_trust, language=current_language
        )
        self.session = session

        from ui.screens.identity import decode_photo

        def work() -> tuple[CardData, bool, QImage, int | None]:
            data = session.read_card()
            tries: int | None = None
            pinpad = False
            try:
                pinpad = session.has_pinpad()
            except CardRemovedError:
                data.wipe()
                raise
            except Exception:
                log.warning("pinpad check failed; using the on-screen keypad")
            try:
                # Before the first PIN, without spending a try (per generation, see eid.py).
                tries = session.pin_tries_left()
            except CardRemovedError:
                data.wipe()
                raise
            except Exception:
                log.warning("PIN tries left not read; going on without them")
            # Decoded here: a JPEG decode on the GUI thread is a stall of its own.
            return data, pinpad, decode_photo(data.photo), tries

        def done(result: tuple[CardData, bool, QImage, int | None]) -> None:
            data, pinpad, photo, tries = result
            self.identity_screen.set_card(data, photo)
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

        def work() -> PinResult:
            if pin is None:
                return session.verify_pin_on_pinpad()
            try:
                return session.verify_pin(pin)
            finally:
                _zero(pin)

        def done(result: PinResult) -> None:
            if isinstance(result, PinCorrect):
                self.journey.pin_checked(token, PinOutcome.CORRECT)
            elif isinstance(result, PinBlocked):
                self.journey.pin_checked(token, PinOutcome.BLOCKED, 0)
            elif isinstance(result, PinWrong):
                self.journey.pin_checked(token, PinOutcome.WRONG, result.tries_left)
            else:
                self.journey.pin_check_failed(token, TypeError("unknown PIN result"))

        self._start(work, done, lambda exc: self.journey.pin_check_failed(token, exc))

    def _read_tries(self, token: int) -> None:
        session = self.session
        if session is None:
            self.journey.tries_read_failed(token, CardRemovedError("no card session"))
            return
        self._start(
            session.pin_tries_left,
            lambda tries: self.journey.tries_read(token, tries),
            lambda exc: self.journey.tries_read_failed(token, exc),
        )

    def _connect(self, token: int) -> None:
        session = self.session
        if session is None:
            self.journey.connection_failed(token, CardRemovedError("no card session"))
            return
        factory = self.record_source_factory
        if factory is None:
            self.journey.connection_failed(token, CardRemovedError("no record source yet"))
            return

        def work() -> Record:
            return factory(session).load()

        def done(record: Record) -> None:
            # Made inside the record screen: moving a built widget tree into a styled window
            # restyles all of it again (tens of ms on the GUI thread). The viewer's own
            # background work (explanations looked up ahead) waits until it is on screen.
            factory = self.viewer_factory
            with hold_jobs() as held:
                viewer = factory(record, self.record_screen) if factory is not None else None
            self.record_screen.set_record(record, viewer)
            if viewer is not None:
                viewer.page_changed.connect(lambda _k: self._update_back())
                viewer.announce_requested.connect(self.shell.announce)

            def show() -> None:
                self.journey.connected(token, record)
                if self.journey.record is not record:  # the card went meanwhile
                    self._wipe_record_screen()
                # After the paint of the record home (a timer runs after the waiting events).
                QTimer.singleShot(1, self, lambda: held.release())

            # A later turn of the event loop (a real timer: 0 would run before the waiting
            # timers and input): building the viewer and showing it would otherwise be one
            # long GUI stall.
            QTimer.singleShot(1, self, show)

        self._start(work, done, lambda exc: self.journey.connection_failed(token, exc))

    def _check_readiness(self, token: int) -> None:
        """Portal route: the PIN tries (read without spending one) and the eID software, in a
        worker; the card's certificate was read with the card."""
        from assistant.card.session import CardSession

        card = self.journey.card_data
        reader = self.card_reader
        if self.session is None and reader is not None and self.backend is not None:
            # Closed after the last check (the eID software needed the card): open again.
            self.session = CardSession(
                self.backend, reader, trust=self.card_trust, language=current_language
            )
        session = self.session
        if session is None or card is None:
            self.journey.readiness_check_failed(token, CardRemovedError("no card session"))
            return
        from assistant.errors import CardError
        from assistant.portal.eid_software import detect_eid_software
        from assistant.portal.readiness import ReadinessReport, check_readiness

        def work() -> ReadinessReport:
            try:
                tries = session.pin_tries_left()
            except CardRemovedError:
                raise
            except CardError:
                log.info("the card did not say its PIN tries")
                tries = None
            return check_readiness(
                reader_found=True, card=card, tries_left=tries, software=detect_eid_software()
            )

        def done(report: ReadinessReport) -> None:
            self.portal_screen.set_report(report)
            self.journey.readiness_checked(token, report)
            if self.journey.readiness is not report:
                self.portal_screen.set_report(None)

        self._start(work, done, lambda exc: self.journey.readiness_check_failed(token, exc))

    def _close_session(self) -> None:
        session, self.session = self.session, None
        if session is not None:
            run_in_worker(session.close, None, lambda exc: log.debug("close failed"))

    def _wipe_record_screen(self) -> None:
        if self.built(Step.RECORD) is None:
            return
        viewer = self.record_screen.viewer
        if viewer is not None:
            viewer.wipe()
        self.record_screen.set_record(None, None)

    def _wipe_screens(self) -> None:
        if self.built(Step.CONFIRM_IDENTITY) is not None:
            self.identity_screen.set_card(None)
        if self.built(Step.PIN) is not None:
            self.pin_screen.clear_pin()
        if self.built(Step.PORTAL) is not None:
            self.portal_screen.set_report(None)
        self.pin_tools.wipe()
        self._wipe_record_screen()
        self.wiped.emit()
