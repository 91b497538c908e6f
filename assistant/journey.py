"""The patient journey as a state machine, without Qt.

Welcome (the language is chosen there) → Reader → Card → Is this you? → About the PIN → PIN →
Connecting → Record → Finish, plus problem states. With a real card and no record service set
up (the portal route, :meth:`Journey.set_portal_route`), "Is this you?" leads to the official portal
instead: Welcome → … → Is this you? → Portal (the readiness check, then the portal in the
browser or on the phone) → Finish; the PIN is then typed in the eID software's own window.
The journey decides; the UI draws the state and carries
out the :class:`Command` list each transition returns (read the card, verify the PIN, connect,
wipe). Results of commands come back with the command's ``token``; results of a command that
is no longer current (the card was pulled, the patient went back) are dropped and wiped.

Card removal at any step from Card on returns to "insert your card" and wipes the identity
and the record (their ``wipe()`` is called). The journey never sees the PIN.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from enum import Enum
from typing import TYPE_CHECKING, Protocol

from assistant.errors import (
    AssistantError,
    CardRemovedError,
    NotEidCardError,
    ProblemKind,
    ReaderError,
)

if TYPE_CHECKING:
    from assistant.card.eid import CardData
    from assistant.portal.readiness import ReadinessReport
    from assistant.records.model import Record

log = logging.getLogger(__name__)


class Step(Enum):
    """The steps of the journey, in order."""

    WELCOME = "welcome"  # the first screen: the patient chooses the language there
    READER = "reader"
    CARD = "card"
    CONFIRM_IDENTITY = "confirm_identity"
    ABOUT_PIN = "about_pin"
    PIN = "pin"
    CONNECTING = "connecting"
    RECORD = "record"
    FINISH = "finish"
    PORTAL = "portal"  # the portal route: readiness check, then the official portal


#: The steps of the journey to a record service, in order.
STEPS: tuple[Step, ...] = (
    Step.WELCOME,
    Step.READER,
    Step.CARD,
    Step.CONFIRM_IDENTITY,
    Step.ABOUT_PIN,
    Step.PIN,
    Step.CONNECTING,
    Step.RECORD,
    Step.FINISH,
)
#: The steps of the portal route (no record service for a real card), in order.
PORTAL_STEPS: tuple[Step, ...] = (
    Step.WELCOME,
    Step.READER,
    Step.CARD,
    Step.CONFIRM_IDENTITY,
    Step.PORTAL,
    Step.FINISH,
)
#: Steps that hold or lead to personal data: a card removal there sends back to Card.
CARD_STEPS = frozenset(
    {
        Step.CARD,
        Step.CONFIRM_IDENTITY,
        Step.ABOUT_PIN,
        Step.PIN,
        Step.CONNECTING,
        Step.RECORD,
        Step.PORTAL,
    }
)


def _route(step: Step, portal: bool) -> tuple[Step, ...]:
    return PORTAL_STEPS if portal or step is Step.PORTAL else STEPS


def step_count(portal: bool = False) -> int:
    """How many steps the patient is told there are ("step N of M"): up to the record or the
    portal, where the patient goes. Finish is no step towards it (it shows no counter)."""
    return len(PORTAL_STEPS if portal else STEPS) - 1


def step_number(step: Step, portal: bool = False) -> int:
    """1-based position of ``step`` on its route ("step N of M")."""
    route = _route(step, portal)
    return route.index(step) + 1 if step in route else STEPS.index(step) + 1


class Problem(Enum):
    """What went wrong, shown on the step where it happened."""

    READER_SERVICE_DOWN = "reader_service_down"  # pcscd / smart card service not running
    READER_UNPLUGGED = "reader_unplugged"  # the reader left during the journey
    NOT_EID_CARD = "not_eid_card"
    CARD_READ_FAILED = "card_read_failed"
    CARD_REMOVED = "card_removed"  # the card left mid-way: put it back
    NOT_ME = "not_me"  # the patient said the card is not theirs
    NO_PIN = "no_pin"  # the patient does not know their PIN code: what to do instead
    PIN_WRONG = "pin_wrong"
    PIN_BLOCKED = "pin_blocked"
    PIN_CHECK_FAILED = "pin_check_failed"  # the card did not answer during the PIN check
    CANNOT_LOG_IN = "cannot_log_in"  # a kids card without authentication certificate
    CONNECTION_FAILED = "connection_failed"


class ReaderStatus(Enum):
    """What the card monitor sees (mirrors ``assistant.card.monitor.ReaderState``)."""

    SERVICE_UNAVAILABLE = "service_unavailable"
    NO_READER = "no_reader"
    NO_CARD = "no_card"
    CARD_PRESENT = "card_present"


def reader_status(state: Enum) -> ReaderStatus:
    """Convert the monitor's ``ReaderState`` (or any enum with the same names)."""
    return ReaderStatus[state.name]


class CommandKind(Enum):
    READ_CARD = "read_card"
    VERIFY_PIN = "verify_pin"  # the UI takes the PIN typed on screen
    VERIFY_PIN_ON_PINPAD = "verify_pin_on_pinpad"
    READ_TRIES = "read_tries"  # read the PIN tries left from the card (no try spent)
    CONNECT = "connect"
    CHECK_READINESS = "check_readiness"  # the portal route: reader, card, PIN tries, software
    CANCEL_WORK = "cancel_work"  # drop any running card/network job
    CLOSE_SESSION = "close_session"  # close the card session
    WIPE = "wipe"  # forget every personal datum shown


@dataclass(frozen=True, slots=True)
class Command:
    """One thing the UI must do; its result comes back with ``token``."""

    kind: CommandKind
    token: int = 0


class Wipeable(Protocol):
    def wipe(self) -> None: ...


class PinOutcome(Enum):
    CORRECT = "correct"
    WRONG = "wrong"
    BLOCKED = "blocked"


@dataclass(frozen=True, slots=True)
class JourneyState:
    """What the UI draws. ``busy`` is True while a command's result is awaited.

    Immutable; ``dataclasses.replace(state, busy=True)`` makes a changed copy.
    """

    step: Step = Step.WELCOME
    problem: Problem | None = None
    busy: bool = False
    tries_left: int | None = None
    #: One try left: the patient is asked first whether they type their code (no keypad).
    confirm_last_try: bool = False
    #: The patient said yes to the last try: the code they type now is sent.
    last_try_confirmed: bool = False
    pinpad: bool = False
    error_kind: ProblemKind | None = None
    retry_after: float | None = None
    reader_ready: bool = False
    #: The card may or may not have counted the last PIN try (it went mute): the tries must
    #: be read again from the card before another PIN is sent.
    tries_stale: bool = False

    @property
    def number(self) -> int:
        return step_number(self.step)


MAX_PIN_TRIES = 3

#: Where a program started again for the next patient may begin instead of Welcome: the
#: screens that hold nobody's data (see :meth:`Journey.resume`).
RESUMABLE: frozenset[tuple[Step, Problem | None]] = frozenset(
    {
        (Step.FINISH, None),
        (Step.CARD, Problem.CARD_REMOVED),
        (Step.CARD, Problem.NOT_ME),
        (Step.READER, Problem.READER_UNPLUGGED),
        (Step.READER, Problem.READER_SERVICE_DOWN),
    }
)


def back_target(state: JourneyState) -> Step | None:
    """Where Back goes from ``state`` (None: nowhere, the Back button is hidden)."""
    step = state.step
    if state.busy and step is Step.PIN:
        return None  # a PIN check is running on the card: it cannot be undone
    return {
        Step.READER: Step.WELCOME,
        Step.CARD: Step.READER,
        Step.CONFIRM_IDENTITY: Step.READER,
        Step.ABOUT_PIN: (
            Step.ABOUT_PIN if state.problem is Problem.NO_PIN else Step.CONFIRM_IDENTITY
        ),
        Step.PIN: Step.ABOUT_PIN,
        Step.CONNECTING: Step.PIN if state.problem else None,
        Step.PORTAL: Step.CONFIRM_IDENTITY,
    }.get(step)


_PIN_COMMANDS = (CommandKind.VERIFY_PIN, CommandKind.VERIFY_PIN_ON_PINPAD)


class _Data:
    """What the journey holds that names a person (wiped on every way out)."""

    def __init__(self) -> None:
        self.card: CardData | None = None
        self.record: Record | None = None
        self.readiness: ReadinessReport | None = None
        self.extra: list[Wipeable] = []


Listener = Callable[[JourneyState, list[Command]], None]


class Journey:
    """The state machine. Every event method returns the commands the UI must run."""

    def __init__(self) -> None:
        self._state = JourneyState()
        self._status = ReaderStatus.NO_READER
        self._data = _Data()
        self._token = 0
        self._pending: CommandKind | None = None
        self._listeners: list[Listener] = []
        self._can_log_in = True
        self._portal = False

    # ----------------------------------------------------------------- observers
    @property
    def portal_route(self) -> bool:
        """True when a real card has no record service: "Is this you?" leads to the portal."""
        return self._portal

    def set_portal_route(self, on: bool) -> None:
        """Set by the composition root once it knows where records come from."""
        self._portal = on

    def position(self, state: JourneyState | None = None) -> tuple[int, int] | None:
        """("step N of M") for ``state`` (default: the current one), on this journey's route;
        None at Finish, which is not counted."""
        step = (state or self._state).step
        if step is Step.FINISH:
            return None
        return step_number(step, self._portal), step_count(self._portal)

    @property
    def readiness(self) -> ReadinessReport | None:
        """The portal route's readiness check (None before it or once wiped)."""
        return self._data.readiness

    @property
    def state(self) -> JourneyState:
        return self._state

    @property
    def step(self) -> Step:
        return self._state.step

    @property
    def reader(self) -> ReaderStatus:
        return self._status

    @property
    def card_data(self) -> CardData | None:
        """The card data read for this patient (None once wiped)."""
        return self._data.card

    @property
    def record(self) -> Record | None:
        """The patient's health record once connected (None once wiped)."""
        return self._data.record

    @property
    def pending(self) -> CommandKind | None:
        """The command whose result is awaited, if any."""
        return self._pending

    @property
    def token(self) -> int:
        return self._token

    def add_listener(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def remove_listener(self, listener: Listener) -> None:
        """Stop telling ``listener`` (no error if it was not listening)."""
        if listener in self._listeners:
            self._listeners.remove(listener)

    def can_go_back(self) -> bool:
        return self._back_target() is not None

    # ----------------------------------------------------------------- helpers
    def _new_token(self) -> int:
        self._token += 1
        return self._token

    def _emit(self, state: JourneyState, commands: list[Command]) -> list[Command]:
        self._state = state
        for listener in list(self._listeners):
            listener(state, commands)
        return commands

    def _run(self, kind: CommandKind) -> Command:
        self._pending = kind
        return Command(kind, self._new_token())

    def _wipe(self) -> list[Command]:
        """Forget card data and record; cancel work; close the card session."""
        had_work = self._pending is not None
        self._pending = None
        self._new_token()  # any result still on its way is now stale
        for item in (self._data.card, self._data.record, *self._data.extra):
            if item is not None:
                try:
                    item.wipe()
                except Exception:
                    log.exception("wipe failed")
        self._data = _Data()
        self._can_log_in = True
        cmds = [Command(CommandKind.CLOSE_SESSION), Command(CommandKind.WIPE)]
        if had_work:
            cmds.insert(0, Command(CommandKind.CANCEL_WORK))
        return cmds

    def _enter_card_step(
        self, problem: Problem | None = None
    ) -> tuple[JourneyState, list[Command]]:
        """Card step: read at once when a card is in; else wait for one."""
        if self._status is ReaderStatus.SERVICE_UNAVAILABLE:
            return JourneyState(Step.READER, Problem.READER_SERVICE_DOWN), []
        if self._status is ReaderStatus.NO_READER:
            return JourneyState(Step.READER, problem and Problem.READER_UNPLUGGED), []
        if self._status is ReaderStatus.CARD_PRESENT and problem is not Problem.CARD_REMOVED:
            return JourneyState(Step.CARD, problem, busy=True), [self._run(CommandKind.READ_CARD)]
        return JourneyState(Step.CARD, problem, reader_ready=True), []

    def _stale(self, token: int, expected: CommandKind, payload: Wipeable | None = None) -> bool:
        if token == self._token and self._pending is expected:
            self._pending = None
            return False
        log.debug("dropping stale result of %s", expected.value)
        if payload is not None:
            payload.wipe()
        return True

    # ----------------------------------------------------------------- patient events
    def start(self) -> list[Command]:
        """Begin (or begin again) at Welcome."""
        cmds = self._wipe() if self._state.step is not Step.WELCOME else []
        return self._emit(JourneyState(Step.WELCOME), cmds)

    def reset(self) -> list[Command]:
        """Kiosk / inactivity reset: wipe everything and return to Welcome."""
        return self._emit(JourneyState(Step.WELCOME), self._wipe())

    def resume(self, step: Step, problem: Problem | None = None) -> list[Command]:
        """Begin at ``step`` (with ``problem``) instead of Welcome: the screen where the last
        patient's session ended, shown by a program started again for the next patient
        ("Take your card out", "Put your card back"). Only the states of :data:`RESUMABLE`,
        which hold nobody's data; anything else, or a journey already under way, is ignored.
        """
        if (step, problem) not in RESUMABLE or self._state.step is not Step.WELCOME:
            return []
        return self._emit(JourneyState(step, problem, reader_ready=step is Step.CARD), [])

    def next(self) -> list[Command]:
        """The primary action of the steps that only inform (Welcome, Reader, About the PIN)."""
        step = self._state.step
        if step is Step.WELCOME:
            return self.choose_language()
        if step is Step.READER:
            if self._status in (ReaderStatus.NO_CARD, ReaderStatus.CARD_PRESENT):
                return self._emit(*self._enter_card_step())
            return self._emit(replace(self._state, reader_ready=False), [])
        if step is Step.ABOUT_PIN:
            return self._enter_pin()
        if step is Step.FINISH:
            return self.start()
        log.debug("next() ignored at %s", step.value)
        return []

    def choose_language(self) -> list[Command]:
        """The language was chosen on Welcome (the UI sets it); go on to the reader."""
        if self._state.step is not Step.WELCOME:
            return []
        if self._status in (ReaderStatus.NO_CARD, ReaderStatus.CARD_PRESENT):
            return self._emit(*self._enter_card_step())
        if self._status is ReaderStatus.SERVICE_UNAVAILABLE:
            return self._emit(JourneyState(Step.READER, Problem.READER_SERVICE_DOWN), [])
        return self._emit(JourneyState(Step.READER), [])

    def back(self) -> list[Command]:
        target = self._back_target()
        if target is None:
            return []
        step = self._state.step
        if target is Step.WELCOME:
            return self._emit(JourneyState(Step.WELCOME), [])
        if target is Step.READER:
            cmds = self._wipe() if step in CARD_STEPS else []
            ready = self._status in (ReaderStatus.NO_CARD, ReaderStatus.CARD_PRESENT)
            problem = (
                Problem.READER_SERVICE_DOWN
                if self._status is ReaderStatus.SERVICE_UNAVAILABLE
                else None
            )
            return self._emit(JourneyState(Step.READER, problem, reader_ready=ready), cmds)
        if target is Step.CONFIRM_IDENTITY:
            self._data.readiness = None
            return self._emit(self._base(Step.CONFIRM_IDENTITY), self._cancel_pending())
        if target in (Step.ABOUT_PIN, Step.PIN):
            return self._emit(self._base(target), self._cancel_pending())
        return []

    def _cancel_pending(self) -> list[Command]:
        """Drop the awaited command, if any (its result will be stale)."""
        if self._pending is None:
            return []
        self._pending = None
        self._new_token()
        return [Command(CommandKind.CANCEL_WORK)]

    def _base(self, step: Step) -> JourneyState:
        """A problem-free state that keeps what is known about the PIN (a blocked card stays
        blocked)."""
        tries = self._state.tries_left
        problem = Problem.PIN_BLOCKED if step is Step.PIN and tries == 0 else None
        return JourneyState(
            step,
            problem,
            tries_left=tries,
            pinpad=self._state.pinpad,
            tries_stale=self._state.tries_stale,
            confirm_last_try=step is Step.PIN and tries == 1 and not self._state.tries_stale,
        )

    def _back_target(self) -> Step | None:
        return back_target(self._state)

    def confirm_identity(self, is_me: bool) -> list[Command]:
        """ "Is this you?" Yes → About the PIN. No → wipe, ask for the patient's own card."""
        if self._state.step is not Step.CONFIRM_IDENTITY:
            return []
        if is_me:
            if self._portal:
                # The readiness check says what a card that cannot log in means.
                return self._check_readiness()
            if not self._can_log_in:
                state = JourneyState(Step.ABOUT_PIN, Problem.CANNOT_LOG_IN)
                return self._emit(state, [])
            return self._emit(self._base(Step.ABOUT_PIN), [])
        cmds = self._wipe()
        return self._emit(JourneyState(Step.CARD, Problem.NOT_ME, reader_ready=True), cmds)

    def _check_readiness(self) -> list[Command]:
        state = JourneyState(Step.PORTAL, busy=True, tries_left=self._state.tries_left)
        return self._emit(state, [self._run(CommandKind.CHECK_READINESS)])

    def dont_know_pin(self) -> list[Command]:
        """ "I don't know my PIN code" on About the PIN: what to do instead (no guessing)."""
        st = self._state
        if st.step is not Step.ABOUT_PIN or st.problem is not None:
            return []
        return self._emit(replace(self._base(Step.ABOUT_PIN), problem=Problem.NO_PIN), [])

    def _enter_pin(self) -> list[Command]:
        if self._state.problem in (Problem.CANNOT_LOG_IN, Problem.NO_PIN):
            return []
        state = self._base(Step.PIN)
        if state.tries_stale:
            # Nothing is sent with a PIN before the card said how many tries are left.
            return self._emit(replace(state, busy=True), [self._run(CommandKind.READ_TRIES)])
        if state.pinpad and state.tries_left != 1 and state.problem is None:
            state = replace(state, busy=True)
            return self._emit(state, [self._run(CommandKind.VERIFY_PIN_ON_PINPAD)])
        return self._emit(state, [])

    def submit_pin(self) -> list[Command]:
        """The patient pressed OK with a PIN typed on screen (the UI holds the PIN).

        With one try left nothing is sent before the patient said "Yes, I type my code".
        """
        st = self._state
        if st.step is not Step.PIN or st.busy or st.problem is Problem.PIN_BLOCKED:
            return []
        if st.tries_stale:
            return self._emit(replace(st, busy=True), [self._run(CommandKind.READ_TRIES)])
        if st.confirm_last_try or (st.tries_left == 1 and not st.last_try_confirmed):
            return self._emit(replace(st, confirm_last_try=True), [])
        kind = CommandKind.VERIFY_PIN_ON_PINPAD if st.pinpad else CommandKind.VERIFY_PIN
        done = replace(st, busy=True, confirm_last_try=False, last_try_confirmed=False)
        return self._emit(done, [self._run(kind)])

    def confirm_last_try(self) -> list[Command]:
        """ "Yes, I type my code": the last try may be spent. On the reader's keypad the
        reader asks for the code at once; on screen the keypad comes back."""
        st = self._state
        if st.step is not Step.PIN or not st.confirm_last_try or st.busy:
            return []
        if st.pinpad:
            state = replace(st, busy=True, confirm_last_try=False)
            return self._emit(state, [self._run(CommandKind.VERIFY_PIN_ON_PINPAD)])
        return self._emit(replace(st, confirm_last_try=False, last_try_confirmed=True), [])

    def cancel_last_try(self) -> list[Command]:
        """ "No, I stop": nothing is sent; the session ends (the card is not blocked)."""
        st = self._state
        if st.step is not Step.PIN or not st.confirm_last_try:
            return []
        return self.finish()

    def retry(self) -> list[Command]:
        """The "Try again" action of a problem state."""
        st = self._state
        if st.busy:
            return []
        if st.step is Step.READER and st.problem is not None:
            if self._status in (ReaderStatus.NO_CARD, ReaderStatus.CARD_PRESENT):
                return self._emit(*self._enter_card_step())
            if self._status is ReaderStatus.SERVICE_UNAVAILABLE:
                return self._emit(JourneyState(Step.READER, Problem.READER_SERVICE_DOWN), [])
            return self._emit(JourneyState(Step.READER), [])
        if st.step is Step.CARD and st.problem in (Problem.CARD_READ_FAILED, Problem.NOT_EID_CARD):
            if self._status is ReaderStatus.CARD_PRESENT:
                return self._emit(
                    JourneyState(Step.CARD, busy=True), [self._run(CommandKind.READ_CARD)]
                )
            return self._emit(*self._enter_card_step())
        if st.step is Step.PIN and st.problem in (Problem.PIN_WRONG, Problem.PIN_CHECK_FAILED):
            return self._enter_pin()
        if st.step is Step.PORTAL:
            return self._check_readiness()  # "Check again"
        if st.step is Step.CONNECTING and st.problem is Problem.CONNECTION_FAILED:
            state = replace(self._base(Step.CONNECTING), busy=True)
            return self._emit(state, [self._run(CommandKind.CONNECT)])
        return []

    def finish(self) -> list[Command]:
        """ "I am done": wipe everything and ask to take the card out."""
        if self._state.step is Step.WELCOME:
            return []
        cmds = self._wipe()
        return self._emit(JourneyState(Step.FINISH), cmds)

    def pin_used_elsewhere(self) -> list[Command]:
        """ "Test my PIN" or "Change my PIN" (``assistant.pin_tools``) sent a PIN command: the
        tries the journey knew are old, so the card is asked again before the next VERIFY."""
        st = self._state
        if st.step not in (Step.ABOUT_PIN, Step.PIN) or st.busy:
            return []
        state = replace(st, tries_left=None, tries_stale=True, confirm_last_try=False)
        return self._emit(state, [])

    def card_lost(self, error: BaseException) -> list[Command]:
        """A card command the journey did not send (the PIN tools) found the card or the
        reader gone: as when the monitor sees it go (wipe, then insert the card again)."""
        if not isinstance(error, CardRemovedError | ReaderError):
            return []
        if self._state.step not in CARD_STEPS:
            return []
        return self._emit(*self._card_problem(error, self._state.step))

    def hold_data(self, item: Wipeable) -> None:
        """Register more personal data to wipe with the rest (e.g. a file the patient opened)."""
        self._data.extra.append(item)

    # ----------------------------------------------------------------- reader events
    def reader_changed(self, status: ReaderStatus | Enum) -> list[Command]:
        """The card monitor saw a change (readers plugged, card in or out, service gone)."""
        if not isinstance(status, ReaderStatus):
            status = reader_status(status)
        old = self._status
        self._status = status
        if status is old:
            return []
        step = self._state.step
        if step is Step.WELCOME:
            return []
        if step is Step.FINISH:
            if status is not ReaderStatus.CARD_PRESENT:
                return self._emit(JourneyState(Step.WELCOME), [])
            return []
        if step is Step.READER:
            if status is ReaderStatus.SERVICE_UNAVAILABLE:
                return self._emit(JourneyState(Step.READER, Problem.READER_SERVICE_DOWN), [])
            if status is ReaderStatus.NO_READER:
                return self._emit(JourneyState(Step.READER), [])
            return self._emit(*self._enter_card_step())
        # Card steps: removal (or the reader/service going away) wipes and starts again.
        if status is ReaderStatus.CARD_PRESENT:
            if step is Step.CARD and not self._state.busy:
                return self._emit(
                    JourneyState(Step.CARD, busy=True), [self._run(CommandKind.READ_CARD)]
                )
            return []
        removed_problem = {
            ReaderStatus.NO_CARD: Problem.CARD_REMOVED,
            ReaderStatus.NO_READER: Problem.READER_UNPLUGGED,
            ReaderStatus.SERVICE_UNAVAILABLE: Problem.READER_SERVICE_DOWN,
        }[status]
        if step is Step.CARD and self._state.problem in (Problem.NOT_ME, Problem.CARD_REMOVED):
            keep = self._state.problem if status is ReaderStatus.NO_CARD else removed_problem
            removed_problem = keep
        elif step is Step.CARD and not self._state.busy and status is ReaderStatus.NO_CARD:
            # Nothing was read yet: just wait for a card, no alarm.
            return self._emit(JourneyState(Step.CARD, reader_ready=True), [])
        cmds = self._wipe()
        if removed_problem is Problem.CARD_REMOVED or removed_problem is Problem.NOT_ME:
            return self._emit(JourneyState(Step.CARD, removed_problem, reader_ready=True), cmds)
        return self._emit(JourneyState(Step.READER, removed_problem), cmds)

    # ----------------------------------------------------------------- command results
    def card_read(
        self,
        token: int,
        card: CardData,
        *,
        pinpad: bool = False,
        tries_left: int | None = None,
    ) -> list[Command]:
        """The card was read; ``tries_left`` when the card tells it (applet 1.8)."""
        if self._stale(token, CommandKind.READ_CARD, card):
            return []
        self._data.card = card
        self._can_log_in = bool(getattr(card, "can_log_in", True))
        if tries_left is not None and not 0 <= tries_left <= MAX_PIN_TRIES:
            tries_left = None
        state = JourneyState(Step.CONFIRM_IDENTITY, pinpad=pinpad, tries_left=tries_left)
        return self._emit(state, [])

    def card_read_failed(self, token: int, error: BaseException) -> list[Command]:
        if self._stale(token, CommandKind.READ_CARD):
            return []
        return self._emit(*self._card_problem(error, Step.CARD))

    def _card_problem(self, error: BaseException, step: Step) -> tuple[JourneyState, list[Command]]:
        if isinstance(error, CardRemovedError):
            cmds = self._wipe()
            if self._status is ReaderStatus.NO_READER:
                return JourneyState(Step.READER, Problem.READER_UNPLUGGED), cmds
            return JourneyState(Step.CARD, Problem.CARD_REMOVED, reader_ready=True), cmds
        if isinstance(error, NotEidCardError):
            return JourneyState(Step.CARD, Problem.NOT_EID_CARD, reader_ready=True), [
                Command(CommandKind.CLOSE_SESSION)
            ]
        if isinstance(error, ReaderError):
            cmds = self._wipe()
            problem = (
                Problem.READER_SERVICE_DOWN
                if self._status is ReaderStatus.SERVICE_UNAVAILABLE
                else Problem.READER_UNPLUGGED
            )
            return JourneyState(Step.READER, problem), cmds
        kind = error.kind if isinstance(error, AssistantError) else ProblemKind.PROGRAM
        if step is Step.PIN:
            # The card did not answer: whether it counted the try is unknown.
            return replace(
                self._state,
                busy=False,
                problem=Problem.PIN_CHECK_FAILED,
                error_kind=kind,
                tries_left=None,
                tries_stale=True,
                confirm_last_try=False,
            ), []
        return JourneyState(
            Step.CARD, Problem.CARD_READ_FAILED, reader_ready=True, error_kind=kind
        ), [Command(CommandKind.CLOSE_SESSION)]

    def pin_checked(
        self, token: int, outcome: PinOutcome, tries_left: int | None = None
    ) -> list[Command]:
        """Result of VERIFY (on screen or on the pinpad)."""
        st = self._state
        if token != self._token or self._pending not in _PIN_COMMANDS:
            return []
        self._pending = None
        if outcome is PinOutcome.CORRECT:
            state = JourneyState(Step.CONNECTING, busy=True, pinpad=st.pinpad)
            return self._emit(state, [self._run(CommandKind.CONNECT)])
        if outcome is PinOutcome.BLOCKED:
            return self._emit(
                JourneyState(Step.PIN, Problem.PIN_BLOCKED, tries_left=0, pinpad=st.pinpad), []
            )
        left = (
            tries_left if tries_left is not None else max(0, (st.tries_left or MAX_PIN_TRIES) - 1)
        )
        if left <= 0:
            return self._emit(
                JourneyState(Step.PIN, Problem.PIN_BLOCKED, tries_left=0, pinpad=st.pinpad), []
            )
        last = left == 1
        state = JourneyState(
            Step.PIN, Problem.PIN_WRONG, tries_left=left, pinpad=st.pinpad, confirm_last_try=last
        )
        return self._emit(state, [])

    def pin_check_failed(self, token: int, error: BaseException) -> list[Command]:
        if token != self._token or self._pending not in _PIN_COMMANDS:
            return []
        self._pending = None
        return self._emit(*self._card_problem(error, Step.PIN))

    def tries_read(self, token: int, tries_left: int | None) -> list[Command]:
        """The tries left, read again from the card after an unknown outcome."""
        if token != self._token or self._pending is not CommandKind.READ_TRIES:
            return []
        self._pending = None
        if tries_left is not None and not 0 <= tries_left <= MAX_PIN_TRIES:
            tries_left = None
        pinpad = self._state.pinpad
        if tries_left == 0:
            return self._emit(
                JourneyState(Step.PIN, Problem.PIN_BLOCKED, tries_left=0, pinpad=pinpad), []
            )
        state = JourneyState(
            Step.PIN, tries_left=tries_left, pinpad=pinpad, confirm_last_try=tries_left == 1
        )
        return self._emit(state, [])

    def tries_read_failed(self, token: int, error: BaseException) -> list[Command]:
        if token != self._token or self._pending is not CommandKind.READ_TRIES:
            return []
        self._pending = None
        return self._emit(*self._card_problem(error, Step.PIN))

    def readiness_checked(self, token: int, report: ReadinessReport) -> list[Command]:
        """The portal route's readiness check is done. The card session is closed: the eID
        software (in the browser) needs the card for the portal's login."""
        if self._stale(token, CommandKind.CHECK_READINESS):
            return []
        self._data.readiness = report
        from assistant.portal.readiness import Item

        tries = report.get(Item.PIN).tries_left
        return self._emit(
            JourneyState(Step.PORTAL, tries_left=tries), [Command(CommandKind.CLOSE_SESSION)]
        )

    def open_received_files(self, record: Record) -> list[Command]:
        """Portal route: "Open a file I received" (what the portal let the patient download).
        ``record`` is the empty record the files will be shown in; it is wiped with the rest."""
        if self._state.step is not Step.PORTAL or self._state.busy:
            return []
        self._data.record = record
        return self._emit(JourneyState(Step.RECORD), [])

    def readiness_check_failed(self, token: int, error: BaseException) -> list[Command]:
        if self._stale(token, CommandKind.CHECK_READINESS):
            return []
        return self._emit(*self._card_problem(error, Step.PORTAL))

    def connected(self, token: int, record: Record) -> list[Command]:
        if self._stale(token, CommandKind.CONNECT, record):
            return []
        self._data.record = record
        return self._emit(JourneyState(Step.RECORD, pinpad=self._state.pinpad), [])

    def connection_failed(self, token: int, error: BaseException) -> list[Command]:
        if self._stale(token, CommandKind.CONNECT):
            return []
        if isinstance(error, CardRemovedError | ReaderError):
            return self._emit(*self._card_problem(error, Step.CONNECTING))
        kind = error.kind if isinstance(error, AssistantError) else ProblemKind.PROGRAM
        retry_after = error.retry_after if isinstance(error, AssistantError) else None
        return self._emit(
            JourneyState(
                Step.CONNECTING,
                Problem.CONNECTION_FAILED,
                error_kind=kind,
                retry_after=retry_after,
                pinpad=self._state.pinpad,
            ),
            [],
        )
