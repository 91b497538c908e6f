"""The card layer through real pcscd + vsmartcard-vpcd with the virtual card.

The full fault sweep runs in-process (tests/core/test_card_eid.py); here a sample of positions
goes through pcscd to check the PC/SC error mapping end to end.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import Prehashed, encode_dss_signature
from cryptography.x509 import load_der_x509_certificate

from assistant.card import eid
from assistant.card.diagnostic import EXIT_NO_CARD, _diagnose
from assistant.card.monitor import CardMonitor, CardSituation, ReaderState, look
from assistant.card.pcsc import PcscBackend
from assistant.card.pin import PinBlocked, PinCorrect, PinWrong
from assistant.card.session import CardSession
from assistant.card.signature import challenge_digest
from assistant.demo.card.citizens import CITIZENS
from assistant.demo.card.model import FaultPlan, NonEidCard, VirtualEidCard
from assistant.demo.card.vpcd import wait_for_card_state
from assistant.errors import CardError, CardRemovedError, NotEidCardError
from tests.support.pcsc import VpcdSlot, locked_slot
from tests.support.trust import DEMO_TRUST
from tests.support.virtual_card import inserted_card

pytestmark = pytest.mark.pcsc

ROOT = Path(__file__).resolve().parents[2]


def _backend(slot: VpcdSlot) -> PcscBackend:
    return PcscBackend(reader_filter=slot.reader_name)


@pytest.mark.parametrize("citizen_id", ["adult", "accents", "year_only"])
def test_read_through_pcscd(vpcd_slot: VpcdSlot, citizen_id: str) -> None:
    backend = _backend(vpcd_slot)
    with inserted_card(vpcd_slot, citizen_id) as link:
        session = CardSession(backend, vpcd_slot.reader_name, trust=DEMO_TRUST)
        try:
            data = session.read_card()
        finally:
            session.close()
        citizen = CITIZENS[citizen_id]
        assert data.identity.surname == citizen.surname
        assert data.identity.national_number == citizen.national_number
        assert data.identity.birth_date.year == citizen.birth_year
        assert data.address.municipality == citizen.municipality
        assert data.photo == citizen.photo()
        assert data.certificates["authentication"] == link.card.keys.auth_certificate
    backend.close()


def test_pin_and_signature_through_pcscd(vpcd_slot: VpcdSlot) -> None:
    backend = _backend(vpcd_slot)
    with inserted_card(vpcd_slot, "foreigner") as link:
        session = CardSession(backend, vpcd_slot.reader_name, trust=DEMO_TRUST)
        try:
            session.read_card()
            assert not session.has_pinpad()
            assert session.verify_pin(bytearray(b"0000")) == PinWrong(2)
            assert session.verify_pin(bytearray(b"9999")) == PinWrong(1)
            assert session.verify_pin(bytearray(b"1234")) == PinCorrect()
            signed = session.sign_challenge(b"hub challenge")
        finally:
            session.close()
        card = link.card
        assert isinstance(card, VirtualEidCard)
        assert not card.pin_verified, "closing the session resets the card"
        public = load_der_x509_certificate(signed.certificate_chain[0]).public_key()
        assert isinstance(public, ec.EllipticCurvePublicKey)
        der = encode_dss_signature(
            int.from_bytes(signed.signature[:48], "big"),
            int.from_bytes(signed.signature[48:], "big"),
        )
        public.verify(der, challenge_digest(b"hub challenge"), ec.ECDSA(Prehashed(hashes.SHA384())))
    backend.close()


def test_blocked_pin_through_pcscd(vpcd_slot: VpcdSlot) -> None:
    backend = _backend(vpcd_slot)
    card = VirtualEidCard("adult", tries=1)
    with inserted_card(vpcd_slot, card=card):
        session = CardSession(backend, vpcd_slot.reader_name, trust=DEMO_TRUST)
        try:
            assert session.verify_pin(bytearray(b"0000")) == PinBlocked()
            assert session.verify_pin(bytearray(b"1234")) == PinBlocked()
        finally:
            session.close()
    backend.close()


def test_non_eid_card_through_pcscd(vpcd_slot: VpcdSlot) -> None:
    backend = _backend(vpcd_slot)
    with inserted_card(vpcd_slot, card=NonEidCard()):
        session = CardSession(backend, vpcd_slot.reader_name, trust=DEMO_TRUST)
        try:
            with pytest.raises(NotEidCardError):
                session.read_card()
        finally:
            session.close()
    backend.close()


def _read_apdu_count() -> int:
    from tests.support.fake_pinpad import VirtualConnection

    conn = VirtualConnection(VirtualEidCard("adult"))
    eid.read_card(conn, trust=DEMO_TRUST)
    return len(conn.apdus)


def test_card_pulled_during_read_through_pcscd(vpcd_slot: VpcdSlot) -> None:
    total = _read_apdu_count()
    backend = _backend(vpcd_slot)
    for position in (0, total // 2, total - 1):
        card = VirtualEidCard("adult", faults=FaultPlan(remove_after=position))
        with inserted_card(vpcd_slot, card=card):
            session = CardSession(backend, vpcd_slot.reader_name, trust=DEMO_TRUST)
            with pytest.raises(CardRemovedError):
                session.read_card()
            session.close()
    # The reader still works afterwards.
    with inserted_card(vpcd_slot, "kid"):
        session = CardSession(backend, vpcd_slot.reader_name, trust=DEMO_TRUST)
        assert session.read_card().identity.surname == CITIZENS["kid"].surname
        session.close()
    backend.close()


def test_card_pulled_during_pin_and_sign_through_pcscd(vpcd_slot: VpcdSlot) -> None:
    backend = _backend(vpcd_slot)
    # APDUs: VERIFY, GET CARD DATA, the 3 certificates, MSE SET, PSO, GET RESPONSE
    for position in (0, 1):
        card = VirtualEidCard("adult", faults=FaultPlan(remove_after=position))
        with inserted_card(vpcd_slot, card=card):
            session = CardSession(backend, vpcd_slot.reader_name, trust=DEMO_TRUST)
            with pytest.raises(CardRemovedError):
                assert session.verify_pin(bytearray(b"1234")) == PinCorrect()
                session.sign_challenge(b"nonce")
            assert not session.pin_verified
            session.close()
    backend.close()


def test_unexpected_status_through_pcscd(vpcd_slot: VpcdSlot) -> None:
    backend = _backend(vpcd_slot)
    for position in (1, 2, 5):
        card = VirtualEidCard("adult", faults=FaultPlan(status_at={position: b"\x6f\x00"}))
        with inserted_card(vpcd_slot, card=card):
            session = CardSession(backend, vpcd_slot.reader_name, trust=DEMO_TRUST)
            with pytest.raises(CardError) as info:
                session.read_card()
            assert not isinstance(info.value, CardRemovedError)
            session.close()
    backend.close()


def test_monitor_through_pcscd(vpcd_slot: VpcdSlot) -> None:
    backend = _backend(vpcd_slot)
    seen: list[CardSituation] = []
    arrived = threading.Condition()

    def on_change(situation: CardSituation) -> None:
        with arrived:
            seen.append(situation)
            arrived.notify_all()

    def wait_for(state: ReaderState) -> None:
        with arrived:
            assert arrived.wait_for(lambda: bool(seen) and seen[-1].state is state, timeout=10)

    monitor = CardMonitor(backend, on_change)
    monitor.start()
    try:
        wait_for(ReaderState.NO_CARD)
        assert seen[-1].readers == (vpcd_slot.reader_name,)
        with inserted_card(vpcd_slot, "adult"):
            wait_for(ReaderState.CARD_PRESENT)
            assert monitor.current().card_reader == vpcd_slot.reader_name
        wait_for(ReaderState.NO_CARD)
    finally:
        monitor.stop()
        backend.close()


def test_several_readers(pcscd: None) -> None:
    # Both slots, always in this order, so two runs never each hold one and wait for the other.
    with locked_slot(0) as first, locked_slot(1) as second:
        backend = PcscBackend(reader_filter="Virtual PCD")
        readers = (first.reader_name, second.reader_name)
        situation = look(backend)
        assert situation == CardSituation(ReaderState.NO_CARD, readers)
        assert situation.several_readers
        with inserted_card(second, "kid"):
            situation = look(backend)
            assert situation.state is ReaderState.CARD_PRESENT
            assert situation.card_reader == second.reader_name
            session = CardSession(backend, second.reader_name, trust=DEMO_TRUST)
            assert session.read_card().identity.surname == CITIZENS["kid"].surname
            session.close()
            with inserted_card(first, "adult"):
                both = look(backend)
                assert both.readers == readers
                assert both.card_reader in readers
        backend.close()


def test_diagnostic_command_through_pcscd(vpcd_slot: VpcdSlot) -> None:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "ui.launcher",
            "card",
            "--virtual",
            "noble",
            "--vpcd-port",
            str(vpcd_slot.port),
            "--language",
            "en",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    citizen = CITIZENS["noble"]
    assert vpcd_slot.reader_name in result.stdout
    assert f"Name: {citizen.given_and_surname}" in result.stdout
    assert citizen.national_number not in result.stdout
    assert citizen.national_number[-2:] in result.stdout


def test_diagnostic_without_card_through_pcscd(vpcd_slot: VpcdSlot) -> None:
    # A card left by an earlier test's process may take a moment to be seen leaving.
    assert wait_for_card_state(vpcd_slot.reader_name, False, 5)
    out = io.StringIO()
    backend = _backend(vpcd_slot)
    assert _diagnose(backend, None, out, DEMO_TRUST) == EXIT_NO_CARD
    backend.close()
    assert "No card in the reader" in out.getvalue()
