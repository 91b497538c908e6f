"""\"Test my PIN\" and \"Change my PIN\" without Qt: the state machine, then the whole tool on
the virtual cards of every generation (applet 1.8 EC, 1.7 RSA, 1.7 re-keyed) and on a pinpad
reader, with the commands run as the UI runs them."""

from __future__ import annotations

import pytest

from assistant.card.pin import (
    NewPinFormatError,
    NewPinsDifferError,
    PinBlocked,
    PinCorrect,
    PinEntryCancelled,
    PinWrong,
)
from assistant.card.session import CardSession, TriesUnknownError
from assistant.demo.card.model import VirtualEidCard
from assistant.errors import CardError, CardRemovedError
from assistant.journey import CommandKind, Journey, Problem, ReaderStatus, Step
from assistant.pin_tools import (
    MAX_TRIES,
    Notice,
    Outcome,
    Phase,
    PinBuffers,
    PinTask,
    PinTool,
    ToolCommand,
    ToolCommandKind,
)
from tests.support.card_backend import ScriptedBackend
from tests.support.fake_pinpad import PinpadBehaviour
from tests.support.trust import DEMO_TRUST

K = ToolCommandKind
GENERATIONS = ("adult", "old_rsa", "rekeyed")  # applet 1.8, 1.7 RSA, 1.7 re-keyed


def pin(text: str) -> bytearray:
    return bytearray(text.encode())


def only(cmds: list[ToolCommand], kind: ToolCommandKind) -> int:
    assert [c.kind for c in cmds] == [kind], cmds
    return cmds[0].token


def opened(task: PinTask, tries: int | None = 3, *, pinpad: bool = False) -> PinTool:
    tool = PinTool(task)
    token = only(tool.start(), K.READ_TRIES)
    assert tool.state.phase is Phase.ASKING and tool.state.busy
    tool.tries_read(token, tries, pinpad=pinpad)
    return tool


# ---------------------------------------------------------------------------- state machine
def test_test_reads_the_tries_first_and_sends_one_verify_only_when_asked() -> None:
    tool = opened(PinTask.TEST, 3)
    st = tool.state
    assert st.phase is Phase.TYPE_PIN and st.tries_before == 3 and st.patient_types_pin
    token = only(tool.pin_entered(pin("1234")), K.VERIFY)
    assert tool.state.phase is Phase.CHECKING and tool.pin_used
    current, new = tool.take_pins()
    assert current == pin("1234") and new == bytearray()
    assert not tool.holds_pins
    tool.pin_checked(token, PinWrong(2))
    st = tool.state
    assert (st.phase, st.outcome, st.tries_before, st.tries_left) == (
        Phase.DONE,
        Outcome.WRONG,
        3,
        2,
    )
    assert st.can_retry
    assert tool.retry() == []  # "Test again" only shows the keypad: nothing is sent
    assert tool.state.phase is Phase.TYPE_PIN and tool.state.tries_before == 2


def test_last_try_needs_a_second_confirmation_and_no_comes_first() -> None:
    tool = opened(PinTask.TEST, 1)
    assert tool.pin_entered(pin("1234")) == []
    assert tool.state.phase is Phase.CONFIRM_LAST and tool.holds_pins
    assert tool.cancel_last_try() == []
    assert tool.state.phase is Phase.TYPE_PIN and not tool.holds_pins  # zeroed
    tool.pin_entered(pin("1234"))
    only(tool.confirm_last_try(), K.VERIFY)


def test_a_blocked_card_is_said_without_sending_a_pin() -> None:
    tool = opened(PinTask.CHANGE, 0)
    st = tool.state
    assert (st.phase, st.outcome, st.tries_left) == (Phase.DONE, Outcome.BLOCKED, 0)
    assert not st.can_retry and not tool.pin_used


def test_change_asks_the_new_pin_twice_and_checks_them_before_the_card() -> None:
    tool = opened(PinTask.CHANGE, 3)
    typed = [pin("1234"), pin("5678"), pin("5679")]
    assert tool.pin_entered(typed[0]) == []
    assert tool.state.phase is Phase.NEW_PIN
    assert tool.pin_entered(typed[1]) == []
    assert tool.state.phase is Phase.REPEAT_NEW
    assert tool.pin_entered(typed[2]) == []  # not the same: nothing sent
    st = tool.state
    assert st.phase is Phase.NEW_PIN and st.notice is Notice.NEW_PINS_DIFFER
    assert typed[1] == bytearray(4) and typed[2] == bytearray(4)  # both new ones zeroed
    assert not tool.pin_used
    tool.pin_entered(pin("5678"))
    again = pin("5678")
    token = only(tool.pin_entered(again), K.CHANGE)
    assert again == bytearray(4)
    current, new = tool.take_pins()
    assert (current, new) == (pin("1234"), pin("5678"))
    tool.pin_checked(token, PinCorrect())
    st = tool.state
    assert (st.outcome, st.tries_left) == (Outcome.CHANGED, MAX_TRIES)


@pytest.mark.parametrize("typed", ["123", "", "1234567890123", "12a4"])
def test_a_pin_of_the_wrong_length_is_refused_before_the_card(typed: str) -> None:
    tool = opened(PinTask.CHANGE, 3)
    tool.pin_entered(pin("1234"))
    buffer = pin(typed)
    assert tool.pin_entered(buffer) == []
    assert tool.state.phase is Phase.NEW_PIN and tool.state.notice is Notice.TOO_SHORT
    assert buffer == bytearray(len(typed))


def test_back_goes_one_step_back_and_zeroes_what_it_leaves() -> None:
    tool = opened(PinTask.CHANGE, 3)
    current = pin("1234")
    tool.pin_entered(current)
    tool.pin_entered(pin("5678"))
    tool.back()
    assert tool.state.phase is Phase.NEW_PIN and current == pin("1234")
    tool.back()
    assert tool.state.phase is Phase.TYPE_PIN and current == bytearray(4)
    tool.back()
    assert tool.state.phase is Phase.CLOSED


def test_close_during_a_pin_command_drops_its_result() -> None:
    tool = opened(PinTask.TEST, 3)
    token = only(tool.pin_entered(pin("1234")), K.VERIFY)
    assert not tool.can_go_back()  # a PIN check on the card cannot be undone
    assert [c.kind for c in tool.close()] == [K.CANCEL_WORK]
    assert tool.pin_checked(token, PinCorrect()) == []
    assert tool.state.phase is Phase.CLOSED and tool.pin_used


def test_pinpad_waits_for_the_patient_and_maps_the_readers_answers() -> None:
    tool = opened(PinTask.CHANGE, 2, pinpad=True)
    assert tool.state.phase is Phase.READY and tool.state.patient_types_pin
    for error, outcome in (
        (NewPinsDifferError("x"), Outcome.NEW_PINS_DIFFER),
        (NewPinFormatError("x"), Outcome.NEW_PIN_FORMAT),
        (PinEntryCancelled("x"), Outcome.CANCELLED),
    ):
        token = only(tool.start_on_pinpad(), K.CHANGE_ON_PINPAD)
        tool.pin_check_failed(token, error)
        st = tool.state
        assert (st.outcome, st.tries_left) == (outcome, 2)
        tool.retry()
        assert tool.state.phase is Phase.READY


def test_an_unknown_outcome_asks_the_card_again_before_anything_else() -> None:
    tool = opened(PinTask.TEST, 2)
    token = only(tool.pin_entered(pin("1234")), K.VERIFY)
    tool.pin_check_failed(token, CardError("mute"))
    st = tool.state
    assert (st.outcome, st.tries_left) == (Outcome.NO_ANSWER, None)
    token = only(tool.retry(), K.READ_TRIES)
    tool.tries_read(token, 1, pinpad=False)
    assert tool.state.tries_before == 1
    assert tool.pin_entered(pin("1234")) == []  # the last try: asked first
    assert tool.state.phase is Phase.CONFIRM_LAST


def test_the_session_refusing_for_unknown_tries_leads_to_a_new_reading() -> None:
    tool = opened(PinTask.TEST, 3)
    token = only(tool.pin_entered(pin("1234")), K.VERIFY)
    only(tool.pin_check_failed(token, TriesUnknownError("x")), K.READ_TRIES)


def test_tries_the_card_cannot_give_are_shown_as_unknown() -> None:
    tool = opened(PinTask.TEST, None)
    assert tool.state.phase is Phase.TYPE_PIN and tool.state.tries_before is None
    tool = opened(PinTask.TEST, 9)  # nonsense from a card: not believed
    assert tool.state.tries_before is None


def test_buffers_compare_and_zero() -> None:
    buffers = PinBuffers()
    first = pin("5678")
    buffers.keep_new(first)
    again = pin("5678")
    assert buffers.new_matches(again) and again == bytearray(4)
    buffers.wipe()
    assert first == bytearray(4) and buffers.empty


# ---------------------------------------------------------------------------- journey hooks
class _Card:
    wiped = False
    can_log_in = True

    def wipe(self) -> None:
        self.wiped = True


def _at_about_pin() -> Journey:
    j = Journey()
    j.start()
    j.next()
    j.reader_changed(ReaderStatus.NO_CARD)
    j.choose_language()
    (read,) = j.reader_changed(ReaderStatus.CARD_PRESENT)
    j.card_read(read.token, _Card(), tries_left=3)  # type: ignore[arg-type]
    j.confirm_identity(True)
    assert j.step is Step.ABOUT_PIN and j.state.tries_left == 3
    return j


def test_the_journey_asks_the_card_again_after_the_tools() -> None:
    j = _at_about_pin()
    j.pin_used_elsewhere()
    assert j.state.tries_stale and j.state.step is Step.ABOUT_PIN
    cmds = j.next()
    assert [c.kind for c in cmds] == [CommandKind.READ_TRIES]


def test_a_card_taken_out_during_the_tools_wipes_like_a_removal() -> None:
    j = _at_about_pin()
    card = j.card_data
    cmds = j.card_lost(CardRemovedError("gone"))
    assert CommandKind.WIPE in [c.kind for c in cmds]
    assert j.state.step is Step.CARD and j.state.problem is Problem.CARD_REMOVED
    assert j.card_data is None and isinstance(card, _Card) and card.wiped
    assert j.card_lost(CardError("other")) == []


# ---------------------------------------------------------------------------- real cards
class Runner:
    """Runs the tool's commands on a CardSession, one after the other, as the UI does."""

    def __init__(self, session: CardSession, task: PinTask) -> None:
        self.session = session
        self.tool = PinTool(task)
        self.sent: list[ToolCommandKind] = []

    def run(self, cmds: list[ToolCommand]) -> None:
        for cmd in cmds:
            self.sent.append(cmd.kind)
            self._one(cmd)

    def _one(self, cmd: ToolCommand) -> None:
        tool, session = self.tool, self.session
        if cmd.kind is K.READ_TRIES:
            try:
                tries = session.pin_tries_left()
                pad = (
                    session.has_pinpad()
                    if tool.task is PinTask.TEST
                    else session.has_pinpad_change()
                )
            except Exception as exc:
                self.run(tool.tries_read_failed(cmd.token, exc))
                return
            self.run(tool.tries_read(cmd.token, tries, pinpad=pad))
            return
        if cmd.kind is K.CANCEL_WORK:
            return
        current, new = tool.take_pins()
        try:
            if cmd.kind is K.VERIFY:
                result = session.verify_pin(current)
            elif cmd.kind is K.VERIFY_ON_PINPAD:
                result = session.verify_pin_on_pinpad()
            elif cmd.kind is K.CHANGE:
                result = session.change_pin(current, new)
            else:
                result = session.change_pin_on_pinpad()
        except Exception as exc:
            self.run(tool.pin_check_failed(cmd.token, exc))
            return
        finally:
            assert current == bytearray(len(current)) and new == bytearray(len(new))
        self.run(tool.pin_checked(cmd.token, result))

    def start(self) -> None:
        self.run(self.tool.start())

    def type(self, text: str) -> None:
        self.run(self.tool.pin_entered(pin(text)))


def _session(citizen: str, *, tries: int = 3, behaviour: PinpadBehaviour | None = None):
    backend = ScriptedBackend()
    card = VirtualEidCard(citizen, tries=tries)
    backend.set("R0", card)
    if behaviour is not None:
        backend.pinpad["R0"] = behaviour
    return CardSession(backend, "R0", trust=DEMO_TRUST), card, backend


@pytest.mark.parametrize("citizen", GENERATIONS)
def test_test_my_pin_on_every_generation(citizen: str) -> None:
    session, card, backend = _session(citizen, tries=2)
    r = Runner(session, PinTask.TEST)
    r.start()
    assert r.tool.state.tries_before == 2 and card.tries_left == 2  # read, not spent
    r.type("9999")
    st = r.tool.state
    assert (st.outcome, st.tries_before, st.tries_left) == (Outcome.WRONG, 2, 1)
    assert card.tries_left == 1
    verifies = [a for a in backend.connections[-1].apdus if a[1] == 0x20 and len(a) > 5]
    assert len(verifies) == 1, "one VERIFY, never retried"
    r.run(r.tool.retry())
    r.type("1234")
    assert r.tool.state.phase is Phase.CONFIRM_LAST and card.tries_left == 1
    r.run(r.tool.confirm_last_try())
    st = r.tool.state
    assert (st.outcome, st.tries_before, st.tries_left) == (Outcome.CORRECT, 1, 3)
    assert card.tries_left == 3


@pytest.mark.parametrize("citizen", GENERATIONS)
def test_change_my_pin_on_every_generation(citizen: str) -> None:
    session, _card, _backend = _session(citizen)
    r = Runner(session, PinTask.CHANGE)
    r.start()
    r.type("1111")  # not the PIN used now
    r.type("24680")
    r.type("24680")
    st = r.tool.state
    assert (st.outcome, st.tries_left) == (Outcome.WRONG, 2)
    assert session.verify_pin(pin("1234")) == PinCorrect()  # unchanged
    r.run(r.tool.retry())
    for text in ("1234", "24680", "24680"):
        r.type(text)
    assert r.tool.state.outcome is Outcome.CHANGED
    assert session.verify_pin(pin("1234")) == PinWrong(2)
    assert session.verify_pin(pin("24680")) == PinCorrect()


def test_change_on_a_blocked_card_sends_nothing() -> None:
    session, _card, backend = _session("adult", tries=0)
    r = Runner(session, PinTask.CHANGE)
    r.start()
    assert r.tool.state.outcome is Outcome.BLOCKED and r.sent == [K.READ_TRIES]
    assert not [a for a in backend.connections[-1].apdus if a[1] in (0x20, 0x24)]


def test_the_last_wrong_try_blocks_the_card() -> None:
    session, card, _backend = _session("old_rsa", tries=1)
    r = Runner(session, PinTask.TEST)
    r.start()
    r.type("0000")
    r.run(r.tool.confirm_last_try())
    assert r.tool.state.outcome is Outcome.BLOCKED and card.tries_left == 0
    assert session.verify_pin(pin("1234")) == PinBlocked()


def test_pinpad_reader_test_and_change() -> None:
    behaviour = PinpadBehaviour(pin="1234", new_pin="86420")
    session, _card, _backend = _session("adult", behaviour=behaviour)
    r = Runner(session, PinTask.TEST)
    r.start()
    assert r.tool.state.phase is Phase.READY and r.sent == [K.READ_TRIES]
    r.run(r.tool.start_on_pinpad())
    assert r.tool.state.outcome is Outcome.CORRECT
    r = Runner(session, PinTask.CHANGE)
    r.start()
    assert r.tool.state.pinpad
    behaviour.new_pin_again = "86421"
    r.run(r.tool.start_on_pinpad())
    assert r.tool.state.outcome is Outcome.NEW_PINS_DIFFER
    behaviour.new_pin_again = None
    behaviour.new_pin = "123"
    r.run(r.tool.retry())
    r.run(r.tool.start_on_pinpad())
    assert r.tool.state.outcome is Outcome.NEW_PIN_FORMAT
    behaviour.new_pin = "86420"
    r.run(r.tool.retry())
    r.run(r.tool.start_on_pinpad())
    assert r.tool.state.outcome is Outcome.CHANGED
    assert session.verify_pin(pin("86420")) == PinCorrect()


def test_a_card_taken_out_reaches_the_journey_not_the_tool() -> None:
    """The runner of the UI gives a removal to the journey; the tool itself would call it an
    unknown outcome, never a wrong PIN."""
    session, _card, backend = _session("adult")
    r = Runner(session, PinTask.TEST)
    r.start()
    backend.set("R0", None)
    backend.connections[-1].closed = True
    r.type("1234")
    assert r.tool.state.outcome is Outcome.NO_ANSWER
