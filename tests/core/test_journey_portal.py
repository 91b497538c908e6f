"""The portal route of the journey: a real card with no record service goes from "Is this
you?" to the readiness check and the official portal, never to a PIN step of its own."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.errors import CardError, CardRemovedError, ReaderError
from assistant.journey import (
    PORTAL_STEPS,
    CommandKind,
    Journey,
    Problem,
    ReaderStatus,
    Step,
    step_count,
)
from assistant.portal.eid_software import EidSoftware
from assistant.portal.readiness import Item, ReadinessReport, Status, check_readiness
from tests.core.test_journey import Secret, kinds, token_of

R = ReaderStatus


def report(tries: int | None = 3) -> ReadinessReport:
    return check_readiness(
        reader_found=True, card=None, tries_left=tries, software=EidSoftware(True)
    )


def to_identity(j: Journey) -> Secret:
    j.set_portal_route(True)
    j.start()
    j.reader_changed(R.NO_CARD)
    j.choose_language()  # on Welcome
    cmds = j.reader_changed(R.CARD_PRESENT)
    card = Secret()
    j.card_read(token_of(cmds, CommandKind.READ_CARD), card, tries_left=3)
    assert j.step is Step.CONFIRM_IDENTITY
    return card


def to_portal(j: Journey, tries: int | None = 3) -> Secret:
    card = to_identity(j)
    cmds = j.confirm_identity(True)
    j.readiness_checked(token_of(cmds, CommandKind.CHECK_READINESS), report(tries))
    return card


def test_yes_leads_to_the_readiness_check_not_the_pin() -> None:
    j = Journey()
    to_identity(j)
    cmds = j.confirm_identity(True)
    assert j.step is Step.PORTAL and j.state.busy
    assert kinds(cmds) == [CommandKind.CHECK_READINESS]
    out = j.readiness_checked(cmds[0].token, report(2))
    assert j.step is Step.PORTAL and not j.state.busy
    assert j.readiness is not None and j.readiness.get(Item.PIN).tries_left == 2
    assert j.state.tries_left == 2
    # The eID software (in the browser) needs the card: our session lets it go.
    assert kinds(out) == [CommandKind.CLOSE_SESSION]


def test_the_portal_route_counts_its_own_steps() -> None:
    j = Journey()
    j.set_portal_route(True)
    assert j.position() == (1, len(PORTAL_STEPS) - 1) == (1, step_count(portal=True))
    to_portal(j)
    assert j.position() == (5, 5)  # the portal is where this route goes
    j.finish()
    assert j.position() is None  # Finish is not counted


def test_without_the_portal_route_yes_leads_to_about_the_pin() -> None:
    j = Journey()
    to_identity(j)
    j.set_portal_route(False)
    j.confirm_identity(True)
    assert j.step is Step.ABOUT_PIN


def test_a_blocked_pin_is_shown_on_the_portal_step_not_refused() -> None:
    j = Journey()
    to_portal(j, tries=0)
    assert j.step is Step.PORTAL and j.state.problem is None
    assert j.readiness is not None
    assert j.readiness.get(Item.PIN).status is Status.PROBLEM


def test_check_again_runs_the_check_again() -> None:
    j = Journey()
    to_portal(j)
    cmds = j.retry()
    assert kinds(cmds) == [CommandKind.CHECK_READINESS] and j.state.busy
    assert j.retry() == []  # busy: nothing twice
    j.readiness_checked(cmds[0].token, report(1))
    assert j.readiness is not None and j.readiness.get(Item.PIN).tries_left == 1


def test_back_goes_to_is_this_you_and_cancels_a_running_check() -> None:
    j = Journey()
    to_identity(j)
    cmds = j.confirm_identity(True)
    assert j.can_go_back()
    back = j.back()
    assert j.step is Step.CONFIRM_IDENTITY and CommandKind.CANCEL_WORK in kinds(back)
    assert j.readiness_checked(cmds[0].token, report()) == []  # stale
    assert j.readiness is None


def test_card_removal_at_the_portal_wipes() -> None:
    j = Journey()
    card = to_portal(j)
    cmds = j.reader_changed(R.NO_CARD)
    assert j.step is Step.CARD and j.state.problem is Problem.CARD_REMOVED
    assert CommandKind.WIPE in kinds(cmds) and card.wiped
    assert j.readiness is None and j.card_data is None


def test_finish_at_the_portal_wipes() -> None:
    j = Journey()
    card = to_portal(j)
    j.finish()
    assert j.step is Step.FINISH and card.wiped and j.readiness is None


@pytest.mark.parametrize(
    ("error", "step", "problem"),
    [
        (CardRemovedError("x"), Step.CARD, Problem.CARD_REMOVED),
        (ReaderError("x"), Step.READER, Problem.READER_UNPLUGGED),
        (CardError("x"), Step.CARD, Problem.CARD_READ_FAILED),
    ],
)
def test_a_failed_check_says_what_failed(error: Exception, step: Step, problem: Problem) -> None:
    j = Journey()
    to_identity(j)
    cmds = j.confirm_identity(True)
    if isinstance(error, ReaderError):
        j._status = R.NO_READER
    j.readiness_check_failed(cmds[0].token, error)
    assert (j.step, j.state.problem) == (step, problem)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["next", "back", "yes", "no", "retry", "finish", "reset", "ok", "fail"]
            + [f"status:{s.name}" for s in ReaderStatus]
        ),
        max_size=40,
    )
)
def test_random_walks_on_the_portal_route(events: list[str]) -> None:
    """The portal route never reaches a PIN, a connection or a record; busy ⇔ pending."""
    j = Journey()
    j.set_portal_route(True)
    j.start()
    for ev in events:
        if ev.startswith("status:"):
            j.reader_changed(ReaderStatus[ev.split(":")[1]])
        elif ev == "ok":
            if j.pending is CommandKind.READ_CARD:
                j.card_read(j.token, Secret())
            elif j.pending is CommandKind.CHECK_READINESS:
                j.readiness_checked(j.token, report())
        elif ev == "fail":
            if j.pending is CommandKind.CHECK_READINESS:
                j.readiness_check_failed(j.token, CardError("x"))
        else:
            {
                "next": j.next,
                "back": j.back,
                "yes": lambda: j.confirm_identity(True),
                "no": lambda: j.confirm_identity(False),
                "retry": j.retry,
                "finish": j.finish,
                "reset": j.reset,
            }[ev]()
        assert j.state.busy == (j.pending is not None)
        assert j.step in PORTAL_STEPS
        if j.step is not Step.PORTAL:
            assert j.readiness is None or j.step is Step.CONFIRM_IDENTITY
