"""The readiness check for the portal's eID login, without Qt, on virtual cards."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from assistant.i18n import set_language
from assistant.portal.eid_software import EidSoftware
from assistant.portal.readiness import (
    CardIssue,
    Item,
    Status,
    check_card,
    check_pin,
    check_readiness,
    item_words,
    portal_steps,
)
from tests.support.portal import certificate, days, now, read_virtual_card

INSTALLED = EidSoftware(True, "/usr/lib/x86_64-linux-gnu/libbeidpkcs11.so.0", "linux")
MISSING = EidSoftware(False, "", "linux")


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    set_language("en")
    yield
    set_language("en")  # leave the next test the default


def test_an_adult_card_on_a_ready_computer_is_ready() -> None:
    card, tries = read_virtual_card("adult")
    report = check_readiness(reader_found=True, card=card, tries_left=tries, software=INSTALLED)
    assert report.eid_login_possible
    assert [e.item for e in report.items] == [
        Item.READER,
        Item.CARD,
        Item.PIN,
        Item.SOFTWARE,
        Item.ITSME,
    ]
    assert report.get(Item.PIN).tries_left == 3
    assert report.get(Item.CARD).status is Status.OK
    for entry in report.items:
        words = item_words(entry)
        assert words.title and words.icon
        if entry.status is Status.OK:
            assert not words.todo  # nothing to do


def test_a_kids_card_without_login_certificate_says_a_parent_logs_in() -> None:
    card, tries = read_virtual_card("toddler")  # a kids card without authentication certificate
    assert not card.can_log_in
    report = check_readiness(reader_found=True, card=card, tries_left=tries, software=INSTALLED)
    entry = report.get(Item.CARD)
    assert entry.status is Status.PROBLEM and entry.card_issue is CardIssue.KIDS_CARD
    assert not report.eid_login_possible
    assert "parent" in item_words(entry).todo


def test_an_adult_card_without_login_certificate_is_a_card_problem() -> None:
    card, _tries = read_virtual_card("adult")
    card.certificates["authentication"] = b""
    entry = check_card(card)
    assert entry.card_issue is CardIssue.NO_CERTIFICATE
    assert "commune" in item_words(entry).todo


def test_a_blocked_pin_is_a_problem_with_the_puk_letter() -> None:
    card, _tries = read_virtual_card("adult")
    report = check_readiness(reader_found=True, card=card, tries_left=0, software=INSTALLED)
    entry = report.get(Item.PIN)
    assert entry.status is Status.PROBLEM and entry.tries_left == 0
    words = item_words(entry)
    assert words.title == "Your PIN code is blocked."
    assert "PUK" in words.todo and "itsme" in words.todo


def test_pin_tries_are_said_and_the_last_one_warns() -> None:
    assert item_words(check_pin(2)).title == "Your PIN code is not blocked: 2 tries left."
    last = check_pin(1)
    assert last.status is Status.WARNING
    assert "Only 1 try" in item_words(last).todo
    assert check_pin(None).status is Status.UNKNOWN


def test_certificate_dates() -> None:
    card, _tries = read_virtual_card("adult")
    t = now()
    cases = [
        (certificate(t - days(400), t - days(2)), Status.PROBLEM, CardIssue.EXPIRED),
        (certificate(t + days(2), t + days(400)), Status.PROBLEM, CardIssue.NOT_YET_VALID),
        (certificate(t - days(400), t + days(10)), Status.WARNING, CardIssue.EXPIRES_SOON),
        (certificate(t - days(400), t + days(400)), Status.OK, CardIssue.NONE),
        (b"\x30\x03\x02\x01\x00", Status.PROBLEM, CardIssue.UNREADABLE),
    ]
    for der, status, issue in cases:
        card.certificates["authentication"] = der
        entry = check_card(card, t)
        assert (entry.status, entry.card_issue) == (status, issue)
    card.certificates["authentication"] = certificate(t - days(400), t - days(2))
    expired = check_card(card, t)
    assert (t - days(2)).strftime("%Y") in item_words(expired).title


def test_no_reader_and_no_software_are_problems_with_what_to_do() -> None:
    report = check_readiness(reader_found=False, card=None, tries_left=None, software=MISSING)
    assert {e.item for e in report.problems} == {Item.READER, Item.SOFTWARE}
    assert report.get(Item.CARD).status is Status.UNKNOWN
    software = item_words(report.get(Item.SOFTWARE))
    assert "eid.belgium.be" in software.todo
    assert item_words(report.get(Item.READER)).todo


def test_software_that_cannot_be_checked_is_not_a_stop() -> None:
    card, tries = read_virtual_card("adult")
    report = check_readiness(
        reader_found=True, card=card, tries_left=tries, software=EidSoftware(None)
    )
    assert report.get(Item.SOFTWARE).status is Status.UNKNOWN
    assert report.eid_login_possible


@pytest.mark.parametrize("language", ["fr", "nl", "de", "en"])
def test_every_item_and_step_has_words_in_each_language(language: str) -> None:
    set_language(language)
    card, _tries = read_virtual_card("adult")
    report = check_readiness(reader_found=False, card=card, tries_left=1, software=MISSING)
    for entry in report.items:
        assert item_words(entry).title
    steps = portal_steps()
    assert len(steps) == 4
    assert any(step.icon == "keypad" for step in steps)


def test_the_portal_steps_name_the_portal_in_the_language() -> None:
    set_language("nl")
    assert "Mijngezondheid" in portal_steps()[0].text
    set_language("fr")
    assert "MaSanté" in portal_steps()[0].text
