"""\"Test my PIN\" and \"Change my PIN\" as a small state machine, without Qt.

Like the official eID Viewer, the patient can test the PIN (one VERIFY) or change it (CHANGE
REFERENCE DATA: the PIN used now, then the new PIN twice). Each starts by asking the card how
many tries are left (no try spent, see :meth:`assistant.card.session.CardSession.pin_tries_left`)
and shows the tries before and after. Nothing is ever sent to the card on its own: every PIN
command follows a patient's action, and with one try left a second confirmation is asked
first (the answer that does nothing comes first), as on the PIN step.

The tool holds the PINs typed on screen in ``bytearray`` buffers (:class:`PinBuffers`) until
the command is sent; the UI takes them with :meth:`PinTool.take_pins` right before the card
call, and every way out (Back, Close, a new try, card removal) zeroes them. They are never in
a state, a command, a log line or a text. On a pinpad reader the patient types on the
reader's own keypad and the PIN never passes through the computer.

Like the journey, every event returns the :class:`ToolCommand` list the UI must run; results
come back with the command's token, and results of a command that is no longer current are
dropped.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Callable
from enum import Enum
from typing import NamedTuple

from assistant.card.pin import (
    MAX_PIN_DIGITS,
    MIN_PIN_DIGITS,
    NewPinFormatError,
    NewPinsDifferError,
    PinBlocked,
    PinCorrect,
    PinEntryCancelled,
    PinFormatError,
    PinResult,
    PinWrong,
)
from assistant.card.session import TriesUnknownError

log = logging.getLogger(__name__)

#: Tries a Belgian eID PIN has; a correct PIN gives them all back (the card resets its try
#: counter on a successful check, ISO 7816-4; the virtual cards do the same).
MAX_TRIES = 3


class PinTask(Enum):
    TEST = "test"
    CHANGE = "change"


class Phase(Enum):
    ASKING = "asking"  # reading the tries left from the card (no try spent)
    TYPE_PIN = "type_pin"  # the PIN (test) or the PIN used now (change), on screen
    NEW_PIN = "new_pin"  # change: the new PIN
    REPEAT_NEW = "repeat_new"  # change: the new PIN once more
    READY = "ready"  # pinpad reader: the patient starts when ready
    CONFIRM_LAST = "confirm_last"  # one try left: "are you sure?"
    CHECKING = "checking"  # VERIFY or CHANGE REFERENCE DATA on the card
    DONE = "done"  # an outcome is shown
    CLOSED = "closed"  # the tool is over


class Outcome(Enum):
    CORRECT = "correct"  # test: the PIN is right
    CHANGED = "changed"  # change: the card has the new PIN
    WRONG = "wrong"  # the PIN (used now) was wrong: one try spent
    BLOCKED = "blocked"  # no tries left
    NOT_READ = "not_read"  # the card did not say how many tries are left (nothing spent)
    NO_ANSWER = "no_answer"  # the card went mute during the PIN command: the try may count
    CANCELLED = "cancelled"  # pinpad: cancelled or too slow; the card got nothing
    NEW_PINS_DIFFER = "new_pins_differ"  # pinpad: the 2 new PINs were not the same
    NEW_PIN_FORMAT = "new_pin_format"  # pinpad: the new PIN had too few or too many digits


class Notice(Enum):
    """Why the patient is asked to type again (shown above the keypad; nothing was sent)."""

    TOO_SHORT = "too_short"
    NEW_PINS_DIFFER = "new_pins_differ"


class ToolCommandKind(Enum):
    READ_TRIES = "read_tries"  # tries left and whether the reader has its own keypad
    VERIFY = "verify"  # with the PIN typed on screen (take_pins)
    VERIFY_ON_PINPAD = "verify_on_pinpad"
    CHANGE = "change"  # with the PINs typed on screen (take_pins)
    CHANGE_ON_PINPAD = "change_on_pinpad"
    CANCEL_WORK = "cancel_work"  # drop the running card job's result


class ToolCommand(NamedTuple):
    kind: ToolCommandKind
    token: int = 0


class PinToolState(NamedTuple):
    """What the UI draws. ``tries_before``: the tries left when this attempt began;
    ``tries_left``: the tries left now (after the attempt, on an outcome)."""

    task: PinTask
    phase: Phase = Phase.ASKING
    outcome: Outcome | None = None
    notice: Notice | None = None
    pinpad: bool = False
    tries_before: int | None = None
    tries_left: int | None = None

    @property
    def busy(self) -> bool:
        return self.phase in (Phase.ASKING, Phase.CHECKING)

    @property
    def typing(self) -> bool:
        """The keypad on screen takes digits now."""
        return self.phase in (Phase.TYPE_PIN, Phase.NEW_PIN, Phase.REPEAT_NEW)

    @property
    def patient_types_pin(self) -> bool:
        """The patient types (or is about to type) a PIN: a helper looks away."""
        return (
            self.typing
            or self.phase in (Phase.READY, Phase.CONFIRM_LAST)
            or (self.phase is Phase.CHECKING and self.pinpad)
        )

    @property
    def can_retry(self) -> bool:
        """An outcome after which "Try again" makes sense."""
        return self.phase is Phase.DONE and self.outcome in _RETRY_OUTCOMES


_RETRY_OUTCOMES = frozenset(
    {
        Outcome.WRONG,
        Outcome.NOT_READ,
        Outcome.NO_ANSWER,
        Outcome.CANCELLED,
        Outcome.NEW_PINS_DIFFER,
        Outcome.NEW_PIN_FORMAT,
    }
)
_PIN_COMMANDS = frozenset(
    {
        ToolCommandKind.VERIFY,
        ToolCommandKind.VERIFY_ON_PINPAD,
        ToolCommandKind.CHANGE,
        ToolCommandKind.CHANGE_ON_PINPAD,
    }
)


def _zero(buffer: bytearray) -> None:
    buffer[:] = bytes(len(buffer))


def _digits_ok(pin: bytearray) -> bool:
    return MIN_PIN_DIGITS <= len(pin) <= MAX_PIN_DIGITS and all(0x30 <= c <= 0x39 for c in pin)


class PinBuffers:
    """The PINs typed on screen, until the card command takes them. Zeroed on every way out."""

    def __init__(self) -> None:
        self.current = bytearray()
        self.new = bytearray()

    def keep_current(self, pin: bytearray) -> None:
        _zero(self.current)
        self.current = pin

    def keep_new(self, pin: bytearray) -> None:
        _zero(self.new)
        self.new = pin

    def forget_new(self) -> None:
        _zero(self.new)
        self.new = bytearray()

    def new_matches(self, again: bytearray) -> bool:
        """Whether ``again`` is the new PIN (compared in constant time); zeroes ``again``."""
        try:
            return len(self.new) > 0 and hmac.compare_digest(bytes(self.new), bytes(again))
        finally:
            _zero(again)

    def take(self) -> tuple[bytearray, bytearray]:
        """Hand both over (the caller zeroes them after the command); keeps nothing."""
        taken = (self.current, self.new)
        self.current, self.new = bytearray(), bytearray()
        return taken

    def wipe(self) -> None:
        _zero(self.current)
        _zero(self.new)
        self.current, self.new = bytearray(), bytearray()

    @property
    def empty(self) -> bool:
        return not self.current and not self.new


ToolListener = Callable[[PinToolState, list[ToolCommand]], None]


class PinTool:
    """One run of "Test my PIN" or "Change my PIN". Every event returns the commands to run."""

    def __init__(self, task: PinTask, *, first_token: int = 0) -> None:
        self._state = PinToolState(task, Phase.CLOSED)
        self._buffers = PinBuffers()
        self._token = first_token
        self._pending: ToolCommandKind | None = None
        self._listeners: list[ToolListener] = []
        #: A PIN command was sent to the card during this run (the journey's count is old).
        self.pin_used = False

    # ------------------------------------------------------------------ observers
    @property
    def state(self) -> PinToolState:
        return self._state

    @property
    def task(self) -> PinTask:
        return self._state.task

    @property
    def pending(self) -> ToolCommandKind | None:
        return self._pending

    @property
    def holds_pins(self) -> bool:
        return not self._buffers.empty

    def add_listener(self, listener: ToolListener) -> None:
        self._listeners.append(listener)

    def can_go_back(self) -> bool:
        return self._state.phase not in (Phase.CHECKING, Phase.CLOSED)

    # ------------------------------------------------------------------ helpers
    def _emit(self, state: PinToolState, commands: list[ToolCommand]) -> list[ToolCommand]:
        self._state = state
        for listener in list(self._listeners):
            listener(state, commands)
        return commands

    def _run(self, kind: ToolCommandKind) -> ToolCommand:
        self._token += 1
        self._pending = kind
        if kind in _PIN_COMMANDS:
            self.pin_used = True
        return ToolCommand(kind, self._token)

    def _current(self, token: int, kinds: frozenset[ToolCommandKind]) -> bool:
        if token == self._token and self._pending in kinds:
            self._pending = None
            return True
        log.debug("dropping a stale PIN tool result")
        return False

    def _ask(self, state: PinToolState) -> list[ToolCommand]:
        self._buffers.wipe()
        asking = state._replace(phase=Phase.ASKING, outcome=None, notice=None)
        return self._emit(asking, [self._run(ToolCommandKind.READ_TRIES)])

    def _entry(self, notice: Notice | None = None) -> PinToolState:
        """Where a new attempt starts: the keypad on screen, or "ready?" on a pinpad."""
        self._buffers.wipe()
        st = self._state
        phase = Phase.READY if st.pinpad else Phase.TYPE_PIN
        return st._replace(phase=phase, outcome=None, notice=notice, tries_before=st.tries_left)

    def _send(self) -> list[ToolCommand]:
        """The PINs are complete: ask before the last try, else send."""
        st = self._state
        if st.tries_left == 1 and st.phase is not Phase.CONFIRM_LAST:
            return self._emit(st._replace(phase=Phase.CONFIRM_LAST, notice=None), [])
        if st.task is PinTask.TEST:
            kind = ToolCommandKind.VERIFY_ON_PINPAD if st.pinpad else ToolCommandKind.VERIFY
        else:
            kind = ToolCommandKind.CHANGE_ON_PINPAD if st.pinpad else ToolCommandKind.CHANGE
        checking = st._replace(phase=Phase.CHECKING, notice=None, tries_before=st.tries_left)
        return self._emit(checking, [self._run(kind)])

    def _done(self, outcome: Outcome, tries_left: int | None) -> list[ToolCommand]:
        self._buffers.wipe()
        st = self._state._replace(
            phase=Phase.DONE, outcome=outcome, notice=None, tries_left=tries_left
        )
        return self._emit(st, [])

    # ------------------------------------------------------------------ patient events
    def start(self) -> list[ToolCommand]:
        """Open the tool: ask the card for the tries left first."""
        if self._state.phase is not Phase.CLOSED:
            return []
        return self._ask(PinToolState(self._state.task))

    def pin_entered(self, pin: bytearray) -> list[ToolCommand]:
        """The patient pressed OK on the keypad on screen. The tool owns ``pin`` from now on
        (it is zeroed on every way out)."""
        st = self._state
        if not st.typing:
            _zero(pin)
            return []
        if not _digits_ok(pin):
            _zero(pin)
            return self._emit(st._replace(notice=Notice.TOO_SHORT), [])
        if st.phase is Phase.TYPE_PIN:
            self._buffers.keep_current(pin)
            if st.task is PinTask.TEST:
                return self._send()
            return self._emit(st._replace(phase=Phase.NEW_PIN, notice=None), [])
        if st.phase is Phase.NEW_PIN:
            self._buffers.keep_new(pin)
            return self._emit(st._replace(phase=Phase.REPEAT_NEW, notice=None), [])
        # REPEAT_NEW
        if not self._buffers.new_matches(pin):
            self._buffers.forget_new()
            return self._emit(st._replace(phase=Phase.NEW_PIN, notice=Notice.NEW_PINS_DIFFER), [])
        return self._send()

    def start_on_pinpad(self) -> list[ToolCommand]:
        """ "I am ready": the reader asks for the PIN(s) on its own keypad."""
        if self._state.phase is not Phase.READY:
            return []
        return self._send()

    def confirm_last_try(self) -> list[ToolCommand]:
        """The second confirmation before spending the last try."""
        if self._state.phase is not Phase.CONFIRM_LAST:
            return []
        return self._send()

    def cancel_last_try(self) -> list[ToolCommand]:
        """ "No, I will check first": the PINs are forgotten; the patient starts again."""
        if self._state.phase is not Phase.CONFIRM_LAST:
            return []
        return self._emit(self._entry(), [])

    def retry(self) -> list[ToolCommand]:
        """ "Try again" on an outcome (never by itself)."""
        st = self._state
        if not st.can_retry:
            return []
        if st.outcome in (Outcome.NOT_READ, Outcome.NO_ANSWER):
            return self._ask(st)  # what the card counted is unknown: ask it first
        return self._emit(self._entry(), [])

    def back(self) -> list[ToolCommand]:
        """One step back inside the tool; from its first step, close it."""
        st = self._state
        if st.phase is Phase.REPEAT_NEW:
            self._buffers.forget_new()
            return self._emit(st._replace(phase=Phase.NEW_PIN, notice=None), [])
        if st.phase is Phase.NEW_PIN:
            return self._emit(self._entry(), [])
        if st.phase is Phase.CONFIRM_LAST:
            return self.cancel_last_try()
        return self.close()

    def close(self) -> list[ToolCommand]:
        """Leave the tool (Close, Back from its first step, the card left, a reset). A PIN
        command already on the card cannot be undone: its result is dropped."""
        if self._state.phase is Phase.CLOSED:
            return []
        self._buffers.wipe()
        cmds = []
        if self._pending is not None:
            self._pending = None
            self._token += 1
            cmds.append(ToolCommand(ToolCommandKind.CANCEL_WORK))
        return self._emit(self._state._replace(phase=Phase.CLOSED, notice=None), cmds)

    def take_pins(self) -> tuple[bytearray, bytearray]:
        """(PIN used now, new PIN) for the command being run; the caller zeroes both."""
        return self._buffers.take()

    # ------------------------------------------------------------------ command results
    def tries_read(self, token: int, tries_left: int | None, *, pinpad: bool) -> list[ToolCommand]:
        """The tries left (None: the card does not tell) and whether the patient types on the
        reader's own keypad."""
        if not self._current(token, frozenset({ToolCommandKind.READ_TRIES})):
            return []
        if tries_left is not None and not 0 <= tries_left <= MAX_TRIES:
            tries_left = None
        st = self._state._replace(pinpad=pinpad, tries_left=tries_left, tries_before=tries_left)
        self._state = st
        if tries_left == 0:
            return self._done(Outcome.BLOCKED, 0)
        return self._emit(self._entry(), [])

    def tries_read_failed(self, token: int, error: BaseException) -> list[ToolCommand]:
        if not self._current(token, frozenset({ToolCommandKind.READ_TRIES})):
            return []
        log.info("PIN tool: tries not read (%s)", type(error).__name__)
        return self._done(Outcome.NOT_READ, None)

    def pin_checked(self, token: int, result: PinResult) -> list[ToolCommand]:
        """The card's answer to VERIFY or CHANGE REFERENCE DATA."""
        if not self._current(token, _PIN_COMMANDS):
            return []
        if isinstance(result, PinCorrect):
            outcome = Outcome.CORRECT if self.task is PinTask.TEST else Outcome.CHANGED
            return self._done(outcome, MAX_TRIES)
        if isinstance(result, PinWrong) and result.tries_left > 0:
            return self._done(Outcome.WRONG, min(result.tries_left, MAX_TRIES))
        if isinstance(result, PinWrong | PinBlocked):
            return self._done(Outcome.BLOCKED, 0)
        return self._done(Outcome.NO_ANSWER, None)

    def pin_check_failed(self, token: int, error: BaseException) -> list[ToolCommand]:
        """The PIN command ended without a card answer (the UI handles a card taken out)."""
        if not self._current(token, _PIN_COMMANDS):
            return []
        log.info("PIN tool: PIN command failed (%s)", type(error).__name__)
        st = self._state
        if isinstance(error, NewPinsDifferError):
            return self._done(Outcome.NEW_PINS_DIFFER, st.tries_left)
        if isinstance(error, NewPinFormatError):
            return self._done(Outcome.NEW_PIN_FORMAT, st.tries_left)
        if isinstance(error, PinEntryCancelled):
            return self._done(Outcome.CANCELLED, st.tries_left)
        if isinstance(error, PinFormatError):  # nothing was sent
            return self._emit(self._entry(Notice.TOO_SHORT), [])
        if isinstance(error, TriesUnknownError):  # nothing was sent: the card is asked first
            return self._ask(st)
        return self._done(Outcome.NO_ANSWER, None)
