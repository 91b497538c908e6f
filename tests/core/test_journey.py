"""The journey state machine: every transition, card removal from every step, wipe."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.errors import (
    CardError,
    CardRemovedError,
    NetworkError,
    NotEidCardError,
    ProblemKind,
    ReaderError,
    ServiceDownError,
    ServiceRefusedError,
)
from assistant.journey import (
    STEPS,
    Command,
    CommandKind,
    Journey,
    JourneyState,
    PinOutcome,
    Problem,
    ReaderStatus,
    Step,
    step_count,
    step_number,
)

R = ReaderStatus


@dataclass
class Secret:
    """Stands for card data or a record: remembers being wiped."""

    wiped: bool = False

    def wipe(self) -> None:
        self.wiped = True


def kinds(cmds: list[Command]) -> list[CommandKind]:
    return [c.kind for c in cmds]


def token_of(cmds: list[Command], kind: CommandKind) -> int:
    return next(c.token for c in cmds if c.kind is kind)


class Walker:
    """Drives a journey to any step with a card present."""

    def __init__(self) -> None:
        self.j = Journey()
        self.card = Secret()
        self.record = Secret()
        self.last: list[Command] = []

    def to(self, step: Step, *, pinpad: bool = False) -> Journey:
        j = self.j
        j.start()
        if step is Step.WELCOME:
            return j
        j.reader_changed(R.NO_READER)
        j.choose_language()
        if step is Step.READER:
            assert j.step is Step.READER
            return j
        j.reader_changed(R.NO_CARD)
        assert j.step is Step.CARD
        if step is Step.CARD:
            return j
        cmds = j.reader_changed(R.CARD_PRESENT)
        j.card_read(token_of(cmds, CommandKind.READ_CARD), self.card, pinpad=pinpad)
        if step is Step.CONFIRM_IDENTITY:
            return j
        j.confirm_identity(True)
        if step is Step.ABOUT_PIN:
            return j
        self.last = j.next()
        if step is Step.PIN:
            return j
        cmds = self.last if pinpad else j.submit_pin()
        tok = cmds[0].token
        self.last = j.pin_checked(tok, PinOutcome.CORRECT)
        if step is Step.CONNECTING:
            return j
        j.connected(token_of(self.last, CommandKind.CONNECT), self.record)
        if step is Step.RECORD:
            return j
        self.last = j.finish()
        assert step is Step.FINISH
        return j


def test_step_numbers() -> None:
    """The counter counts to the record (where the patient goes); Finish is not counted."""
    assert step_count() == 8
    assert [step_number(s) for s in STEPS] == list(range(1, 10))
    assert Journey().state.number == 1
    assert Journey().position() == (1, 8)
    w = Walker()
    assert w.to(Step.RECORD).position() == (8, 8)
    assert Walker().to(Step.FINISH).position() is None


def test_happy_path_every_step_and_commands() -> None:
    j = Journey()
    seen: list[Step] = []
    j.add_listener(lambda state, _cmds: seen.append(state.step))
    assert j.step is Step.WELCOME
    j.reader_changed(R.NO_READER)
    assert j.step is Step.WELCOME  # the language is chosen on Welcome
    assert j.choose_language() == []
    assert j.step is Step.READER and j.state.problem is None
    j.reader_changed(R.NO_CARD)
    assert j.step is Step.CARD and j.state.reader_ready
    cmds = j.reader_changed(R.CARD_PRESENT)
    assert kinds(cmds) == [CommandKind.READ_CARD]
    assert j.state.busy and j.pending is CommandKind.READ_CARD
    card = Secret()
    j.card_read(cmds[0].token, card)
    assert j.step is Step.CONFIRM_IDENTITY and j.card_data is card
    j.confirm_identity(True)
    assert j.step is Step.ABOUT_PIN
    assert j.next() == []
    assert j.step is Step.PIN and not j.state.busy
    cmds = j.submit_pin()
    assert kinds(cmds) == [CommandKind.VERIFY_PIN]
    assert j.state.busy and not j.can_go_back()
    cmds = j.pin_checked(cmds[0].token, PinOutcome.CORRECT)
    assert kinds(cmds) == [CommandKind.CONNECT]
    assert j.step is Step.CONNECTING and j.state.busy
    record = Secret()
    j.connected(cmds[0].token, record)
    assert j.step is Step.RECORD and j.record is record
    cmds = j.finish()
    assert j.step is Step.FINISH
    assert CommandKind.WIPE in kinds(cmds) and CommandKind.CLOSE_SESSION in kinds(cmds)
    assert card.wiped and record.wiped
    assert j.card_data is None and j.record is None
    j.reader_changed(R.NO_CARD)
    assert j.step is Step.WELCOME
    assert seen == [
        Step.READER,
        Step.CARD,
        Step.CARD,
        Step.CONFIRM_IDENTITY,
        Step.ABOUT_PIN,
        Step.PIN,
        Step.PIN,
        Step.CONNECTING,
        Step.RECORD,
        Step.FINISH,
        Step.WELCOME,
    ]


def test_card_already_in_skips_reader_and_reads() -> None:
    j = Journey()
    j.reader_changed(R.CARD_PRESENT)  # ignored at Welcome except remembered
    assert j.step is Step.WELCOME
    cmds = j.choose_language()
    assert j.step is Step.CARD and kinds(cmds) == [CommandKind.READ_CARD]


def test_reader_but_no_card_goes_to_card() -> None:
    j = Journey()
    j.reader_changed(R.NO_CARD)
    j.next()  # next() on Welcome = choose_language (the language shown)
    assert j.step is Step.CARD and j.state.reader_ready


def test_service_down_at_reader_and_recovery() -> None:
    j = Journey()
    j.reader_changed(R.SERVICE_UNAVAILABLE)
    j.choose_language()
    assert j.step is Step.READER and j.state.problem is Problem.READER_SERVICE_DOWN
    assert j.retry() == []
    assert j.state.problem is Problem.READER_SERVICE_DOWN
    j.reader_changed(R.NO_READER)
    assert j.step is Step.READER and j.state.problem is None
    j.reader_changed(R.SERVICE_UNAVAILABLE)
    assert j.state.problem is Problem.READER_SERVICE_DOWN
    cmds = j.reader_changed(R.CARD_PRESENT)
    assert j.step is Step.CARD and kinds(cmds) == [CommandKind.READ_CARD]


def test_reader_next_without_reader_stays() -> None:
    j = Walker().to(Step.READER)
    assert j.next() == []
    assert j.step is Step.READER


def test_reader_retry_paths() -> None:
    j = Walker().to(Step.CARD)
    j.reader_changed(R.NO_READER)  # unplugged while waiting for a card: no data yet
    assert j.step is Step.READER and j.state.problem is Problem.READER_UNPLUGGED
    j.retry()
    assert j.step is Step.READER and j.state.problem is None
    j.reader_changed(R.SERVICE_UNAVAILABLE)
    j.reader_changed(R.NO_CARD)
    assert j.step is Step.CARD
    j.reader_changed(R.NO_READER)
    assert j.state.problem is Problem.READER_UNPLUGGED
    j.reader_changed(R.SERVICE_UNAVAILABLE)
    j.retry()
    assert j.state.problem is Problem.READER_SERVICE_DOWN
    # the status is remembered, retry with a reader ready goes on to the card
    j2 = Walker().to(Step.CARD)
    j2.reader_changed(R.NO_READER)
    j2._status = R.NO_CARD  # the monitor missed nothing but the patient pressed retry
    j2.retry()
    assert j2.step is Step.CARD


def test_not_eid_card_then_retry_and_other_card() -> None:
    j = Walker().to(Step.CARD)
    cmds = j.reader_changed(R.CARD_PRESENT)
    out = j.card_read_failed(cmds[0].token, NotEidCardError("bank card"))
    assert j.step is Step.CARD and j.state.problem is Problem.NOT_EID_CARD
    assert kinds(out) == [CommandKind.CLOSE_SESSION]
    cmds = j.retry()
    assert kinds(cmds) == [CommandKind.READ_CARD] and j.state.busy
    j.card_read_failed(cmds[0].token, NotEidCardError("still"))
    # the patient takes it out: no alarm, wait for a card
    j.reader_changed(R.NO_CARD)
    assert j.step is Step.CARD and j.state.problem is None and j.state.reader_ready
    cmds = j.reader_changed(R.CARD_PRESENT)
    assert kinds(cmds) == [CommandKind.READ_CARD]


def test_card_read_failed_kinds() -> None:
    w = Walker()
    j = w.to(Step.CARD)
    cmds = j.reader_changed(R.CARD_PRESENT)
    j.card_read_failed(cmds[0].token, CardError("6A82"))
    assert j.state.problem is Problem.CARD_READ_FAILED
    assert j.state.error_kind is ProblemKind.CARD
    cmds = j.retry()
    j.card_read_failed(cmds[0].token, ReaderError("gone"))
    assert j.step is Step.READER and j.state.problem is Problem.READER_UNPLUGGED
    j.reader_changed(R.NO_CARD)
    j.reader_changed(R.CARD_PRESENT)
    cmds = j.reader_changed(R.NO_CARD) or []
    assert j.step is Step.CARD and j.state.problem is Problem.CARD_REMOVED
    assert CommandKind.CANCEL_WORK in kinds(cmds)
    cmds = j.reader_changed(R.CARD_PRESENT)
    j.card_read_failed(cmds[0].token, CardRemovedError("mid read"))
    assert j.step is Step.CARD and j.state.problem is Problem.CARD_REMOVED
    # a failure that is not an AssistantError is a program problem
    j.reader_changed(R.NO_CARD)
    cmds = j.reader_changed(R.CARD_PRESENT)
    j.card_read_failed(cmds[0].token, ValueError("bug"))
    assert j.state.error_kind is ProblemKind.PROGRAM
    # retry when the card has gone meanwhile: wait for it
    j._status = R.NO_CARD
    assert j.retry() == []
    assert j.step is Step.CARD and not j.state.busy


def test_card_removed_during_read_when_reader_unplugged() -> None:
    j = Walker().to(Step.CARD)
    cmds = j.reader_changed(R.CARD_PRESENT)
    j._status = R.NO_READER
    j.card_read_failed(cmds[0].token, CardRemovedError("x"))
    assert j.step is Step.READER and j.state.problem is Problem.READER_UNPLUGGED


def test_not_me_wipes_and_asks_for_own_card() -> None:
    w = Walker()
    j = w.to(Step.CONFIRM_IDENTITY)
    cmds = j.confirm_identity(False)
    assert w.card.wiped and j.card_data is None
    assert CommandKind.WIPE in kinds(cmds)
    assert j.step is Step.CARD and j.state.problem is Problem.NOT_ME
    assert j.reader_changed(R.CARD_PRESENT) == []  # it is still in: wait for the swap
    j.reader_changed(R.NO_CARD)
    assert j.state.problem is Problem.NOT_ME
    cmds = j.reader_changed(R.CARD_PRESENT)
    assert kinds(cmds) == [CommandKind.READ_CARD]


@pytest.mark.parametrize(
    "step",
    [Step.CARD, Step.CONFIRM_IDENTITY, Step.ABOUT_PIN, Step.PIN, Step.CONNECTING, Step.RECORD],
)
def test_card_removal_from_every_card_step_wipes(step: Step) -> None:
    w = Walker()
    j = w.to(step)
    if step is Step.CARD:
        cmds = j.reader_changed(R.CARD_PRESENT)  # reading now
        assert j.state.busy
    cmds = j.reader_changed(R.NO_CARD)
    assert j.step is Step.CARD
    assert j.state.problem is Problem.CARD_REMOVED
    assert CommandKind.WIPE in kinds(cmds) and CommandKind.CLOSE_SESSION in kinds(cmds)
    assert j.card_data is None and j.record is None
    if step is not Step.CARD:
        assert w.card.wiped
    if step is Step.RECORD:
        assert w.record.wiped
    if step in (Step.CARD, Step.CONNECTING):
        assert CommandKind.CANCEL_WORK in kinds(cmds)
    # putting the card back reads it again
    cmds = j.reader_changed(R.CARD_PRESENT)
    assert kinds(cmds) == [CommandKind.READ_CARD]


@pytest.mark.parametrize(
    "step", [Step.CONFIRM_IDENTITY, Step.ABOUT_PIN, Step.PIN, Step.CONNECTING, Step.RECORD]
)
@pytest.mark.parametrize(
    ("status", "problem"),
    [(R.NO_READER, Problem.READER_UNPLUGGED), (R.SERVICE_UNAVAILABLE, Problem.READER_SERVICE_DOWN)],
)
def test_reader_unplugged_or_service_gone_from_every_step(
    step: Step, status: ReaderStatus, problem: Problem
) -> None:
    w = Walker()
    j = w.to(step)
    cmds = j.reader_changed(status)
    assert j.step is Step.READER and j.state.problem is problem
    assert CommandKind.WIPE in kinds(cmds)
    assert w.card.wiped


@pytest.mark.parametrize("step", [Step.WELCOME])
def test_removal_before_reader_is_only_remembered(step: Step) -> None:
    j = Walker().to(step)
    assert j.reader_changed(R.NO_READER) == []
    assert j.step is step


def test_removal_at_finish_restarts() -> None:
    w = Walker()
    j = w.to(Step.FINISH)
    assert j.reader_changed(R.CARD_PRESENT) == []
    assert j.step is Step.FINISH
    j.reader_changed(R.NO_READER)
    assert j.step is Step.WELCOME


def test_finish_next_restarts_and_start_wipes() -> None:
    w = Walker()
    j = w.to(Step.FINISH)
    j.next()
    assert j.step is Step.WELCOME
    w2 = Walker()
    j2 = w2.to(Step.RECORD)
    cmds = j2.start()
    assert j2.step is Step.WELCOME and w2.record.wiped and CommandKind.WIPE in kinds(cmds)
    assert j2.finish() == []  # nothing to finish at Welcome


def test_reset_from_record_wipes() -> None:
    w = Walker()
    j = w.to(Step.RECORD)
    cmds = j.reset()
    assert j.step is Step.WELCOME
    assert w.card.wiped and w.record.wiped and CommandKind.WIPE in kinds(cmds)


def test_wipe_failure_does_not_stop_the_reset() -> None:
    class Broken:
        def wipe(self) -> None:
            raise RuntimeError("boom")

    w = Walker()
    j = w.to(Step.RECORD)
    other = Secret()
    j.hold_data(Broken())
    j.hold_data(other)
    j.reset()
    assert other.wiped and w.record.wiped


def test_back_from_every_step() -> None:
    expected = {
        Step.WELCOME: None,
        Step.READER: Step.WELCOME,
        Step.CARD: Step.READER,
        Step.CONFIRM_IDENTITY: Step.READER,
        Step.ABOUT_PIN: Step.CONFIRM_IDENTITY,
        Step.PIN: Step.ABOUT_PIN,
        Step.CONNECTING: None,
        Step.RECORD: None,
        Step.FINISH: None,
    }
    for step, target in expected.items():
        w = Walker()
        j = w.to(step)
        assert j.can_go_back() is (target is not None), step
        cmds = j.back()
        if target is None:
            assert cmds == [] and j.step is step
            continue
        assert j.step is target, step
        if step is Step.CONFIRM_IDENTITY:
            assert w.card.wiped and CommandKind.WIPE in kinds(cmds)
            assert j.state.reader_ready


def test_back_from_reading_card_cancels() -> None:
    j = Walker().to(Step.CARD)
    cmds = j.reader_changed(R.CARD_PRESENT)
    late = Secret()
    out = j.back()
    assert CommandKind.CANCEL_WORK in kinds(out)
    assert j.step is Step.READER and j.state.reader_ready
    assert j.card_read(cmds[0].token, late) == []
    assert late.wiped and j.step is Step.READER
    cmds = j.next()
    assert kinds(cmds) == [CommandKind.READ_CARD]


def test_back_at_reader_with_service_down() -> None:
    j = Walker().to(Step.CARD)
    j._status = R.SERVICE_UNAVAILABLE
    j.back()
    assert j.state.problem is Problem.READER_SERVICE_DOWN


def test_pin_wrong_twice_then_right() -> None:
    j = Walker().to(Step.PIN)
    cmds = j.submit_pin()
    j.pin_checked(cmds[0].token, PinOutcome.WRONG, tries_left=2)
    assert j.state.problem is Problem.PIN_WRONG and j.state.tries_left == 2
    assert j.can_go_back()
    cmds = j.submit_pin()
    j.pin_checked(cmds[0].token, PinOutcome.WRONG, tries_left=1)
    assert j.state.tries_left == 1
    # the last try: first the question "Do you type your code?", no keypad, nothing sent
    assert j.state.confirm_last_try and not j.state.busy
    assert j.submit_pin() == [] and j.state.confirm_last_try
    assert j.confirm_last_try() == []  # "Yes, I type my code": the keypad comes back
    assert not j.state.confirm_last_try and j.state.last_try_confirmed
    cmds = j.submit_pin()
    assert kinds(cmds) == [CommandKind.VERIFY_PIN]
    cmds = j.pin_checked(cmds[0].token, PinOutcome.CORRECT)
    assert j.step is Step.CONNECTING and kinds(cmds) == [CommandKind.CONNECT]


def test_pin_tries_counted_when_card_does_not_say() -> None:
    j = Walker().to(Step.PIN)
    cmds = j.submit_pin()
    j.pin_checked(cmds[0].token, PinOutcome.WRONG)
    assert j.state.tries_left == 2
    cmds = j.submit_pin()
    j.pin_checked(cmds[0].token, PinOutcome.WRONG)
    assert j.state.tries_left == 1
    j.confirm_last_try()
    cmds = j.submit_pin()
    j.pin_checked(cmds[0].token, PinOutcome.WRONG)
    assert j.state.problem is Problem.PIN_BLOCKED and j.state.tries_left == 0


def test_no_i_stop_at_the_last_try_ends_without_spending_it() -> None:
    w = Walker()
    j = w.to(Step.PIN)
    cmds = j.submit_pin()
    j.pin_checked(cmds[0].token, PinOutcome.WRONG, tries_left=1)
    assert j.state.confirm_last_try
    cmds = j.cancel_last_try()
    assert j.step is Step.FINISH and CommandKind.WIPE in kinds(cmds)
    assert not any(c.kind is CommandKind.VERIFY_PIN for c in cmds) and w.card.wiped


def test_dont_know_pin_shows_what_to_do_and_never_the_keypad() -> None:
    j = Walker().to(Step.ABOUT_PIN)
    assert j.dont_know_pin() == []
    assert j.step is Step.ABOUT_PIN and j.state.problem is Problem.NO_PIN
    assert j.next() == [] and j.step is Step.ABOUT_PIN  # no PIN step without a PIN
    assert j.dont_know_pin() == []  # (already there: nothing changes)
    j.back()  # "I found my PIN code": back to About the PIN
    assert j.step is Step.ABOUT_PIN and j.state.problem is None
    j.next()
    assert j.step is Step.PIN
    assert j.dont_know_pin() == [] and j.state.problem is None  # only on About the PIN


def test_tries_left_from_card_are_kept_and_checked() -> None:
    j = Walker().to(Step.CARD)
    cmds = j.reader_changed(R.CARD_PRESENT)
    j.card_read(cmds[0].token, Secret(), tries_left=1)
    j.confirm_identity(True)
    j.back()
    assert j.state.tries_left == 1 and j.step is Step.CONFIRM_IDENTITY
    j.confirm_identity(True)
    j.next()
    assert j.state.confirm_last_try  # asked before the keypad is shown
    assert j.submit_pin() == [] and j.state.confirm_last_try
    j2 = Walker().to(Step.CARD)
    cmds = j2.reader_changed(R.CARD_PRESENT)
    j2.card_read(cmds[0].token, Secret(), tries_left=9)
    assert j2.state.tries_left is None


def test_pin_blocked_is_final() -> None:
    w = Walker()
    j = w.to(Step.PIN)
    cmds = j.submit_pin()
    j.pin_checked(cmds[0].token, PinOutcome.BLOCKED)
    assert j.state.problem is Problem.PIN_BLOCKED
    assert j.submit_pin() == [] and j.retry() == [] and j.confirm_last_try() == []
    j.back()
    assert j.step is Step.ABOUT_PIN
    j.next()
    assert j.state.problem is Problem.PIN_BLOCKED and j.submit_pin() == []
    cmds = j.finish()
    assert j.step is Step.FINISH and w.card.wiped


def test_pin_check_failed_and_retry() -> None:
    j = Walker().to(Step.PIN)
    cmds = j.submit_pin()
    j.pin_check_failed(cmds[0].token, CardError("6F00"))
    assert j.step is Step.PIN and j.state.problem is Problem.PIN_CHECK_FAILED
    assert not j.state.busy
    cmds = j.retry()  # the outcome is unknown: the card is asked for the tries first
    assert kinds(cmds) == [CommandKind.READ_TRIES] and j.state.busy
    j.tries_read(cmds[0].token, 3)
    assert j.state.problem is None and not j.state.busy  # back to typing
    cmds = j.submit_pin()
    j.pin_check_failed(cmds[0].token, CardRemovedError("out"))
    assert j.step is Step.CARD and j.state.problem is Problem.CARD_REMOVED


def test_stale_pin_result_is_ignored() -> None:
    j = Walker().to(Step.PIN)
    cmds = j.submit_pin()
    assert j.pin_checked(cmds[0].token + 5, PinOutcome.CORRECT) == []
    assert j.pin_check_failed(cmds[0].token + 5, CardError("x")) == []
    assert j.step is Step.PIN and j.state.busy


def test_blocked_pinpad_card_does_not_start_the_reader() -> None:
    j = Walker().to(Step.CARD)
    cmds = j.reader_changed(R.CARD_PRESENT)
    j.card_read(cmds[0].token, Secret(), pinpad=True, tries_left=0)
    j.confirm_identity(True)
    assert j.next() == []
    assert j.state.problem is Problem.PIN_BLOCKED and not j.state.busy


def test_pinpad_reader_verifies_on_entry_and_last_try() -> None:
    w = Walker()
    j = w.to(Step.PIN, pinpad=True)
    assert j.state.pinpad and j.state.busy
    assert kinds(w.last) == [CommandKind.VERIFY_PIN_ON_PINPAD]
    j.pin_checked(w.last[0].token, PinOutcome.WRONG, tries_left=2)
    cmds = j.retry()
    assert kinds(cmds) == [CommandKind.VERIFY_PIN_ON_PINPAD]
    j.pin_checked(cmds[0].token, PinOutcome.WRONG, tries_left=1)
    assert j.state.confirm_last_try  # with one try left: asked first, no automatic start
    assert not j.state.busy
    cmds = j.confirm_last_try()
    assert kinds(cmds) == [CommandKind.VERIFY_PIN_ON_PINPAD]
    j.pin_checked(cmds[0].token, PinOutcome.CORRECT)
    assert j.step is Step.CONNECTING and j.state.pinpad


@pytest.mark.parametrize(
    ("error", "kind", "after"),
    [
        (NetworkError("dns"), ProblemKind.NETWORK, None),
        (ServiceDownError("503", retry_after=120), ProblemKind.SERVICE_DOWN, 120),
        (ServiceRefusedError("403"), ProblemKind.SERVICE_REFUSED, None),
        (RuntimeError("bug"), ProblemKind.PROGRAM, None),
    ],
)
def test_connection_failed_per_kind_and_retry(
    error: Exception, kind: ProblemKind, after: float | None
) -> None:
    w = Walker()
    j = w.to(Step.CONNECTING)
    j.connection_failed(token_of(w.last, CommandKind.CONNECT), error)
    assert j.step is Step.CONNECTING and j.state.problem is Problem.CONNECTION_FAILED
    assert j.state.error_kind is kind and j.state.retry_after == after
    assert j.can_go_back()
    cmds = j.retry()
    assert kinds(cmds) == [CommandKind.CONNECT] and j.state.busy
    record = Secret()
    j.connected(cmds[0].token, record)
    assert j.step is Step.RECORD and j.record is record


def test_connection_failed_because_card_left() -> None:
    w = Walker()
    j = w.to(Step.CONNECTING)
    j.connection_failed(token_of(w.last, CommandKind.CONNECT), CardRemovedError("x"))
    assert j.step is Step.CARD and j.state.problem is Problem.CARD_REMOVED and w.card.wiped


def test_back_from_failed_connection_goes_to_pin() -> None:
    w = Walker()
    j = w.to(Step.CONNECTING)
    j.connection_failed(token_of(w.last, CommandKind.CONNECT), NetworkError("x"))
    j.back()
    assert j.step is Step.PIN and j.state.problem is None


def test_late_record_after_removal_is_wiped() -> None:
    w = Walker()
    j = w.to(Step.CONNECTING)
    tok = token_of(w.last, CommandKind.CONNECT)
    j.reader_changed(R.NO_CARD)
    late = Secret()
    assert j.connected(tok, late) == []
    assert late.wiped and j.record is None and j.step is Step.CARD
    assert j.connection_failed(tok, NetworkError("x")) == []


def test_user_events_out_of_place_are_ignored() -> None:
    for step in STEPS:
        j = Walker().to(step)
        before = j.state
        if step is not Step.CONFIRM_IDENTITY:
            assert j.confirm_identity(True) == []
        if step is not Step.PIN:
            assert j.submit_pin() == [] and j.confirm_last_try() == []
            assert j.cancel_last_try() == []
        if step in (Step.CONFIRM_IDENTITY, Step.CONNECTING, Step.RECORD):
            assert j.next() == []
        if step not in (Step.READER, Step.CARD, Step.PIN, Step.CONNECTING):
            assert j.retry() == []
        assert j.state == before, step


def test_busy_states_refuse_retry() -> None:
    j = Walker().to(Step.CARD)
    j.reader_changed(R.CARD_PRESENT)
    assert j.retry() == []


def test_same_status_twice_is_no_event() -> None:
    j = Walker().to(Step.CARD)
    assert j.reader_changed(R.NO_CARD) == []


def test_monitor_enum_with_same_names_is_accepted() -> None:
    from enum import Enum

    class ReaderState(Enum):
        SERVICE_UNAVAILABLE = 1
        NO_READER = 2
        NO_CARD = 3
        CARD_PRESENT = 4

    j = Walker().to(Step.READER)
    j.reader_changed(ReaderState.NO_CARD)
    assert j.step is Step.CARD and j.reader is R.NO_CARD


EVENTS = st.sampled_from(
    [
        "next",
        "back",
        "yes",
        "no",
        "submit",
        "confirm",
        "retry",
        "finish",
        "reset",
        "dont_know_pin",
        "stop",
        "result_ok",
        "result_fail",
        "pin_wrong",
        "pin_blocked",
        *[f"status:{s.name}" for s in ReaderStatus],
    ]
)


@settings(max_examples=150, deadline=None)
@given(st.lists(EVENTS, max_size=40))
def test_random_walks_keep_invariants(events: list[str]) -> None:
    """Whatever happens: data only exists on card steps, is wiped when left, busy ⇔ pending."""
    j = Journey()
    held: list[Secret] = []
    last: list[Command] = []
    for ev in events:
        if ev.startswith("status:"):
            out = j.reader_changed(ReaderStatus[ev.split(":")[1]])
        elif ev == "result_ok":
            tok = last[-1].token if last else 0
            item = Secret()
            held.append(item)
            if j.pending is CommandKind.READ_CARD:
                out = j.card_read(tok, item)
            elif j.pending is CommandKind.CONNECT:
                out = j.connected(tok, item)
            elif j.pending is not None:
                out = j.pin_checked(tok, PinOutcome.CORRECT)
            else:
                out = j.card_read(tok, item)
        elif ev == "result_fail":
            tok = last[-1].token if last else 0
            if j.pending is CommandKind.CONNECT:
                out = j.connection_failed(tok, NetworkError("x"))
            elif j.pending in (CommandKind.VERIFY_PIN, CommandKind.VERIFY_PIN_ON_PINPAD):
                out = j.pin_check_failed(tok, CardError("x"))
            else:
                out = j.card_read_failed(tok, CardError("x"))
        elif ev in ("pin_wrong", "pin_blocked"):
            tok = last[-1].token if last else 0
            outcome = PinOutcome.WRONG if ev == "pin_wrong" else PinOutcome.BLOCKED
            out = j.pin_checked(tok, outcome)
        else:
            method = {
                "next": j.next,
                "back": j.back,
                "yes": lambda: j.confirm_identity(True),
                "no": lambda: j.confirm_identity(False),
                "submit": j.submit_pin,
                "confirm": j.confirm_last_try,
                "retry": j.retry,
                "finish": j.finish,
                "reset": j.reset,
                "dont_know_pin": j.dont_know_pin,
                "stop": j.cancel_last_try,
            }[ev]
            out = method()
        if out:
            last = out
        state = j.state
        assert state.busy == (j.pending is not None), (ev, state)
        if state.step not in (
            Step.CONFIRM_IDENTITY,
            Step.ABOUT_PIN,
            Step.PIN,
            Step.CONNECTING,
            Step.RECORD,
        ):
            assert j.card_data is None, (ev, state)
        if state.step is not Step.RECORD:
            assert j.record is None
        live = {id(j.card_data), id(j.record)}
        for item in held:
            if id(item) not in live:
                assert item.wiped, (ev, state)
        if state.tries_left is not None:
            assert 0 <= state.tries_left <= 3


# --- issue 12: kids cards and unknown VERIFY outcomes -----------------------------------


@dataclass
class KidsCard(Secret):
    """Card data of a kids card without authentication certificate."""

    can_log_in: bool = False


def test_kids_card_without_login_certificate_routes_to_an_explanation() -> None:
    """A kids card without authentication certificate: identity shown, then a plain
    explanation; no PIN is asked and no card error is shown."""
    w = Walker()
    w.card = KidsCard()
    j = w.to(Step.CONFIRM_IDENTITY)
    assert kinds(j.confirm_identity(True)) == []
    assert j.state.step is Step.ABOUT_PIN
    assert j.state.problem is Problem.CANNOT_LOG_IN
    assert j.next() == []
    assert j.state.problem is Problem.CANNOT_LOG_IN


def test_unknown_verify_outcome_reads_the_tries_before_any_new_pin() -> None:
    """The card went mute during VERIFY: the tries become unknown, and no PIN is sent before
    the card said how many are left (then the last-try confirmation applies again)."""
    j = Walker().to(Step.PIN)
    cmds = j.submit_pin()
    j.pin_check_failed(token_of(cmds, CommandKind.VERIFY_PIN), CardError("mute"))
    assert j.state.problem is Problem.PIN_CHECK_FAILED
    assert j.state.tries_left is None
    assert kinds(j.submit_pin()) == [CommandKind.READ_TRIES]
    j.tries_read(j.token, 1)
    assert j.state.problem is None and j.state.tries_left == 1
    assert j.state.confirm_last_try  # the last try: asked first
    assert j.submit_pin() == []


def test_unknown_outcome_then_back_and_forth_still_reads_the_tries() -> None:
    j = Walker().to(Step.PIN)
    cmds = j.submit_pin()
    j.pin_check_failed(token_of(cmds, CommandKind.VERIFY_PIN), CardError("mute"))
    j.back()
    assert j.step is Step.ABOUT_PIN
    assert kinds(j.next()) == [CommandKind.READ_TRIES]


def test_resume_after_i_am_done_waits_for_the_card_to_go() -> None:
    j = Journey()
    j.start()
    assert j.resume(Step.FINISH) == []
    assert j.state == JourneyState(Step.FINISH)
    assert j.reader_changed(ReaderStatus.CARD_PRESENT) == []  # still in: nothing is read
    assert j.step is Step.FINISH
    j.reader_changed(ReaderStatus.NO_CARD)
    assert j.step is Step.WELCOME


def test_resume_after_the_card_was_taken_out_reads_it_when_it_is_back() -> None:
    j = Journey()
    j.start()
    j.resume(Step.CARD, Problem.CARD_REMOVED)
    assert (j.step, j.state.problem) == (Step.CARD, Problem.CARD_REMOVED)
    assert j.state.reader_ready
    j.reader_changed(ReaderStatus.NO_CARD)
    assert (j.step, j.state.problem) == (Step.CARD, Problem.CARD_REMOVED)
    cmds = j.reader_changed(ReaderStatus.CARD_PRESENT)
    assert kinds(cmds) == [CommandKind.READ_CARD]
    assert j.state.busy


def test_resume_only_to_screens_without_data_and_only_from_welcome() -> None:
    j = Journey()
    j.start()
    for step, problem in [(Step.RECORD, None), (Step.PIN, None), (Step.CARD, Problem.PIN_WRONG)]:
        assert j.resume(step, problem) == []
        assert j.step is Step.WELCOME
    j.next()  # the journey is under way: no resume any more
    assert j.resume(Step.FINISH) == []
    assert j.step is not Step.WELCOME and j.step is not Step.FINISH
