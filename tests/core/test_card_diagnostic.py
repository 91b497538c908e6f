"""The ``dossier-assistant card`` diagnostic: every situation gets a clear message and exit code."""

from __future__ import annotations

import io
import sys

import pytest

from assistant.card.diagnostic import (
    EXIT_CARD_PROBLEM,
    EXIT_NO_CARD,
    EXIT_NO_READER,
    EXIT_NO_SERVICE,
    EXIT_NOT_EID,
    EXIT_OK,
    _diagnose,
    main,
    mask_national_number,
)
from assistant.card.service import ServiceUnavailableError
from assistant.card.trust import TrustStore
from assistant.demo.card.citizens import CITIZENS
from assistant.demo.card.demo import DemoCards
from assistant.demo.card.inprocess import InProcessBackend
from assistant.demo.card.model import NonEidCard, VirtualEidCard
from assistant.i18n import set_language
from tests.support.trust import DEMO_TRUST


@pytest.fixture(autouse=True)
def english() -> None:
    set_language("en")


def test_mask_keeps_only_the_last_two_digits() -> None:
    assert mask_national_number("56031224609") == "•••••••••09"
    assert mask_national_number("56.03.12-246.09") == "•••••••••09"
    assert mask_national_number("7") == "•"


def test_reads_the_virtual_card_in_process(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--virtual", "adult", "--in-process", "--language", "en"], DemoCards()) == EXIT_OK
    out = capsys.readouterr().out
    citizen = CITIZENS["adult"]
    assert "Name: Jacqueline Dumont" in out
    assert "•••••••••09" in out
    assert citizen.national_number not in out
    assert "Card valid from 15 April 2021 to 15 April 2031" in out
    assert "card inside" in out


def test_unknown_virtual_citizen(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--virtual", "nobody", "--in-process", "--language", "en"], DemoCards()) == 1
    assert "Unknown virtual card" in capsys.readouterr().out


class NoService(InProcessBackend):
    def list_readers(self) -> list[str]:
        raise ServiceUnavailableError("pcscd down")


def _run(backend: InProcessBackend, reader: str | None = None) -> tuple[int, str]:
    out = io.StringIO()
    code = _diagnose(backend, reader, out, DEMO_TRUST)
    return code, out.getvalue()


def test_service_not_running() -> None:
    code, out = _run(NoService())
    assert code == EXIT_NO_SERVICE
    assert "The smart card service is not running." in out


def test_service_not_running_on_windows_names_the_windows_service(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sys, "platform", "win32")
    code, out = _run(NoService())
    assert code == EXIT_NO_SERVICE
    assert "Windows smart card service (Smart Card)" in out
    assert not any(word in out for word in ("pcscd", "systemctl", "Debian", "sudo"))


def test_no_reader() -> None:
    backend = InProcessBackend()
    backend.unplug_reader()
    code, out = _run(backend)
    assert code == EXIT_NO_READER
    assert "No card reader found" in out


def test_no_card() -> None:
    code, out = _run(InProcessBackend())
    assert code == EXIT_NO_CARD
    assert "No card in the reader" in out


def test_not_an_eid_card() -> None:
    code, out = _run(InProcessBackend(NonEidCard()))
    assert code == EXIT_NOT_EID
    assert "This is not a Belgian identity card." in out


def test_unknown_reader_name() -> None:
    code, out = _run(InProcessBackend(VirtualEidCard("kid")), reader="Nope")
    assert code == EXIT_NO_READER
    assert "no reader with that name" in out


def test_tampered_card_shows_no_identity(caplog: pytest.LogCaptureFixture) -> None:
    card = VirtualEidCard("adult")
    surname = card.citizen.surname.encode()
    card.files[(0xDF01, 0x4031)] = card.files[(0xDF01, 0x4031)].replace(surname, surname.lower())
    code, out = _run(InProcessBackend(card))
    assert code == EXIT_CARD_PROBLEM
    assert "its data is damaged" in out
    assert card.citizen.surname not in out and card.citizen.first_names not in out
    assert "identity signature" in caplog.text and card.citizen.surname not in caplog.text


@pytest.mark.parametrize(
    ("citizen", "applet", "key", "root", "tries"),
    [
        ("adult", "1.8", "EC P-384", "Dossier Assistant TEST eID Root CA", 3),
        ("old_rsa", "1.7", "RSA 2048", "Dossier Assistant TEST eID RSA Root CA", 2),
    ],
)
def test_prints_applet_key_root_tries_and_certificate_dates(
    citizen: str, applet: str, key: str, root: str, tries: int
) -> None:
    card = VirtualEidCard(citizen, tries=tries)
    code, out = _run(InProcessBackend(card))
    assert code == EXIT_OK
    assert f"applet {applet}" in out
    assert f"Key type: {key}" in out
    assert f"The card chains to: {root}" in out
    assert f"PIN tries left: {tries}" in out
    assert "Authentication certificate: valid from" in out
    assert "National register certificate: valid from" in out
    assert card.tries_left == tries  # reading the tries spent none


def test_kids_card_without_login_certificate_says_so() -> None:
    code, out = _run(InProcessBackend(VirtualEidCard("toddler")))
    assert code == EXIT_OK
    assert "Authentication certificate: none on this card" in out


def test_a_virtual_card_is_not_genuine_to_the_real_trust_store() -> None:
    out = io.StringIO()
    code = _diagnose(InProcessBackend(VirtualEidCard("adult")), None, out, TrustStore.belgian())
    assert code == EXIT_CARD_PROBLEM
    assert "not genuine" in out.getvalue()
