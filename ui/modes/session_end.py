"""Public modes end each patient's session by starting the program again, in the same process.

A wipe cannot reach everything that held a patient: Python and Qt strings are immutable,
parsers leave copies in freed memory, and a scan of the process found the national number,
the names and the medicines long after "I am done". So in mediator, kiosk and training mode,
once a patient's data was read, the end of the session (see :func:`ending`) makes the program
leave its event loop, close what it opened, and replace itself with a fresh copy of itself
(:func:`start_again`: ``exec`` of the same interpreter and command line). The memory that held
the patient goes back to the system; the process id stays, so cage and systemd see no exit and
no desktop shows in between. The new program locks a kiosk again at once (its staff lock-out
is kept on disk by :mod:`assistant.staff_code`) and begins where the last session ended, on a
screen that names nobody, given by one hidden option (:data:`OPTION`):

* "I am done" with the card still in: "Take your card out of the reader" (the patient's
  language); with the card already out, Welcome;
* the card taken out, in mediator and training mode: "Put your card back" (the journey goes on
  with the patient's language); the kiosk starts again at Welcome instead;
* the inactivity reset, the staff's "New patient", "Start again": Welcome, in the last language
  (mediator, training) or the kiosk's own.

Home mode keeps one process: the patient's own computer. The program (:func:`ui.app.main`)
reaches this module only through :mod:`ui.modes.hooks`.
"""

from __future__ import annotations

import logging
import os
import sys
from enum import Enum

from PySide6.QtCore import QObject, QTimer, Signal

from assistant.i18n import current_language, set_language
from assistant.idle import ResetReason
from assistant.journey import Command, CommandKind, Journey, JourneyState, Problem, Step
from assistant.journey import ReaderStatus as Reader
from ui.modes.hooks import ModeContext
from ui.modes.session_watch import RESET_PROBLEMS, SessionWatch

log = logging.getLogger(__name__)

#: The hidden option that tells the new program where to begin: ``--next-session=WHERE[:LANG]``.
OPTION = "--next-session"


class Where(Enum):
    """Where the next program begins (a screen that names nobody)."""

    WELCOME = "welcome"
    GOODBYE = "goodbye"  # "Take your card out of the reader."
    CARD_OUT = "card-out"  # "Your card was taken out. Put it back."
    NOT_ME = "not-me"  # "This card is not yours: put in your own card."
    NO_READER = "no-reader"
    NO_SERVICE = "no-service"


#: Each place, as the journey state it begins in (Welcome: the journey's own start).
_STATES: dict[Where, tuple[Step, Problem | None]] = {
    Where.GOODBYE: (Step.FINISH, None),
    Where.CARD_OUT: (Step.CARD, Problem.CARD_REMOVED),
    Where.NOT_ME: (Step.CARD, Problem.NOT_ME),
    Where.NO_READER: (Step.READER, Problem.READER_UNPLUGGED),
    Where.NO_SERVICE: (Step.READER, Problem.READER_SERVICE_DOWN),
}


def ending(state: JourneyState, reader: Reader, *, starts_over: bool) -> Where | None:
    """Where the next program begins when the journey has just wiped a patient's data and is
    at ``state`` (``reader``: what the reader holds now); None when this wipe does not end the
    session (a card problem explained on screen: the session goes on). ``starts_over``: the
    card taken out sends the next patient to Welcome (kiosk)."""
    if state.step is Step.WELCOME:
        return Where.WELCOME
    if state.step is Step.FINISH:
        return Where.GOODBYE if reader is Reader.CARD_PRESENT else Where.WELCOME
    if starts_over and state.problem in RESET_PROBLEMS:
        return Where.WELCOME
    for where, resumed in _STATES.items():
        if resumed == (state.step, state.problem):
            return where
    return None


def program_command() -> list[str]:
    """This program's command line as it was started: the interpreter's own arguments
    (``sys.orig_argv``), or the bundle's when frozen (PyInstaller)."""
    if getattr(sys, "frozen", False):
        return [sys.executable, *sys.argv[1:]]
    return list(sys.orig_argv)


def next_command(where: Where, language: str | None, command: list[str] | None = None) -> list[str]:
    """The command line of the next program: this one's (``command``, by default
    :func:`program_command`) without an earlier :data:`OPTION`, plus where to begin."""
    argv = [a for a in (command or program_command()) if not a.startswith(OPTION + "=")]
    value = where.value if language is None else f"{where.value}:{language}"
    return [*argv, f"{OPTION}={value}"]


def parse(value: str | None, languages: tuple[str, ...]) -> tuple[Where, str | None]:
    """:data:`OPTION`'s value read back; anything unknown begins at Welcome."""
    if not value:
        return Where.WELCOME, None
    name, _sep, language = value.partition(":")
    try:
        where = Where(name)
    except ValueError:
        log.warning("unknown %s value; starting at Welcome", OPTION)
        return Where.WELCOME, None
    return where, (language if language in languages else None)


def start_again(argv: list[str]) -> None:
    """Replace this process with ``argv`` (same interpreter, same process id on POSIX; on
    Windows a new process starts and this one exits). Returns only by raising OSError."""
    for stream in (sys.stdout, sys.stderr):
        if stream is not None:
            stream.flush()
    for handler in logging.getLogger().handlers:
        handler.flush()
    if os.name == "nt":  # the C runtime joins the arguments with spaces, unquoted
        import subprocess

        argv = [subprocess.list2cmdline([a]) for a in argv]
    os.execv(sys.executable, argv)


class SessionEnd(QObject):
    """Watches the journey for the end of a session that held a patient's data, then asks the
    program to start again (:attr:`requested`; :attr:`command` is the new command line).

    ``watches`` are the modes' inactivity locks: they write the anonymous session log (ended
    here when the program starts again away from Welcome) and, in a kiosk, reset to Welcome
    when the card is taken out. ``kiosk_language`` is a kiosk's own language, in which it
    begins each patient (None: not a kiosk; the last language is kept). ``command`` is this
    program's command line (tests give their own).
    """

    requested = Signal()

    def __init__(
        self,
        journey: Journey,
        *,
        watches: tuple[SessionWatch, ...] = (),
        kiosk_language: str | None = None,
        command: list[str] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.journey = journey
        self.watches = watches
        self.kiosk_language = kiosk_language
        self._command = command
        #: The next program's command line, once a session ended (else None).
        self.command: list[str] | None = None
        #: Where the next program begins, once a session ended.
        self.where: Where | None = None
        self._held = False
        self._began_at = Where.WELCOME
        journey.add_listener(self._changed)

    @property
    def watch(self) -> SessionWatch | None:
        return None  # (the modes' own watches reset; this only starts the program again)

    def begin(self, where: Where, language: str | None) -> None:
        """This program began after another's session: show where that one ended."""
        if language is not None:
            set_language(language)
        self._began_at = where
        if where is not Where.WELCOME:
            self.journey.resume(*_STATES[where])

    def _changed(self, state: JourneyState, commands: list[Command]) -> None:
        kinds = {c.kind for c in commands}
        journey = self.journey
        if CommandKind.READ_CARD in kinds or journey.card_data or journey.record:
            self._held = True  # from the first card read: parts of it may stay in memory
        if state.step is Step.WELCOME and self._began_at is Where.GOODBYE:
            self._began_at = Where.WELCOME
            if self.kiosk_language is not None:  # the last patient's card is out
                set_language(self.kiosk_language)
        if not self._held or CommandKind.WIPE not in kinds:
            return
        starts_over = any(watch.reset_on_card_removal for watch in self.watches)
        if starts_over and state.problem in RESET_PROBLEMS:
            return  # the kiosk's watch resets to Welcome next (and logs why): then
        where = ending(state, journey.reader, starts_over=starts_over)
        if where is not None:
            self._request(where, state)

    def _request(self, where: Where, state: JourneyState) -> None:
        if self.command is not None:
            return  # (the first end counts: the program is on its way out)
        if state.step is not Step.WELCOME:  # (at Welcome the session log has ended it)
            reason = ResetReason.FINISHED if state.step is Step.FINISH else ResetReason.CARD_REMOVED
            for watch in self.watches:
                watch.end_log(reason)
        kiosk_default = self.kiosk_language is not None and where is Where.WELCOME
        language = None if kiosk_default else current_language()
        self.where = where
        self.command = next_command(where, language, self._command)
        log.info("session ended: the program starts again (%s)", where.value)
        # After the current event: a reset finishes its wipe first.
        QTimer.singleShot(0, self, self.requested.emit)

    def shutdown(self) -> None:
        self.journey.remove_listener(self._changed)


def install(context: ModeContext, watches: tuple[SessionWatch, ...]) -> SessionEnd:
    """The restart rule on the program's journey (see :func:`ui.modes.hooks.install_modes`);
    begins where ``context.next_session`` says."""
    settings = context.settings
    kiosk = settings.kiosk
    end = SessionEnd(
        context.controller.journey,
        watches=watches,
        kiosk_language=(kiosk.default_language or kiosk.languages[0]) if kiosk else None,
        parent=context.shell,
    )
    end.begin(*parse(context.next_session, settings.languages))
    return end
