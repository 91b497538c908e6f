"""Real card generations (issue 12): each virtual card behaves like its real generation, and
the card layer does what the official middleware (eid-mw) and the applet manuals say."""

from __future__ import annotations

import pytest

from assistant.card import eid
from assistant.card.pin import PinCorrect, PinWrong
from assistant.card.pinpad import (
    LANG_IDS,
    pin_modify_structure,
    pin_verify_structure,
    read_features,
)
from assistant.card.session import CardSession, TriesUnknownError
from assistant.demo.card.citizens import CITIZENS, Generation
from assistant.demo.card.inprocess import IN_PROCESS_READER, InProcessBackend
from assistant.demo.card.model import FaultPlan, VirtualEidCard
from assistant.demo.card.pki import demo_roots
from assistant.demo.hub.security import Authority
from assistant.errors import CardError
from assistant.records.auth import login_message
from tests.support.fake_pinpad import VirtualConnection
from tests.support.trust import DEMO_TRUST

GENERATIONS = {"adult": 0x18, "old_rsa": 0x17, "rekeyed": 0x17}


def _session(card: VirtualEidCard) -> CardSession:
    return CardSession(InProcessBackend(card), IN_PROCESS_READER, trust=DEMO_TRUST)


@pytest.mark.parametrize("citizen", sorted(GENERATIONS))
def test_every_generation_logs_in_to_the_hub(citizen: str) -> None:
    """Applet 1.7 cards sign with RSA PKCS#1 v1.5 (today's code refused them: "the hub needs
    ECDSA"); the demo hub checks RSA as well as ECDSA P-384 signatures."""
    card = VirtualEidCard(citizen)
    session = _session(card)
    try:
        data = session.read_card()
        assert data.card_info.applet_version == GENERATIONS[citizen]
        assert session.verify_pin(bytearray(b"1234")) == PinCorrect()
        authority = Authority(list(demo_roots()))
        authority.bind_origin("https://hub.example:8443")
        challenge = authority.new_challenge()
        message = login_message("https://hub.example:8443", challenge.nonce, challenge.expires_at)
        signed = session.sign_challenge(message)
        expected = 96 if card.generation is Generation.APPLET_18 else 256
        assert len(signed.signature) == expected
        grant = authority.redeem(challenge.nonce, signed.signature, signed.certificate_chain)
        assert grant.national_number == CITIZENS[citizen].national_number
    finally:
        session.close()


def test_signing_selects_df00_first_and_uses_the_17_algorithm() -> None:
    """eid-mw SignInternal selects 3F00DF00 before MSE SET; on applet 1.7, algorithm 01 with
    the SHA-384 DigestInfo (eid-mw CardSign); the 1.7 card refuses MSE SET outside DF00."""
    card = VirtualEidCard("old_rsa")
    conn = VirtualConnection(card)
    info = eid.get_card_data(conn)
    eid.select_path(conn, eid.PATH_PHOTO)  # DF01 is the current DF, as after a read
    assert eid.verify_pin(conn, bytearray(b"1234")) == PinCorrect()
    start = len(conn.apdus)
    eid.sign_digest(conn, bytes(48), info)
    sent = conn.apdus[start:]
    assert sent[0] == bytes.fromhex("00A4080C02DF00")
    assert sent[1] == bytes.fromhex("002241B6050480018482")
    assert sent[2][5 : 5 + 19] == eid.SHA384_DIGEST_INFO


@pytest.mark.parametrize("status", ["6A82", "6A86", "6D00"])
def test_mse_set_selects_the_applet_again_when_the_card_lost_it(status: str) -> None:
    """eid-mw SetSecurityEnv/ShouldSelectApplet: on 6A82/6A86/6D00 select the applet by AID
    and send MSE SET once more."""
    card = VirtualEidCard("adult")
    conn = VirtualConnection(card)
    info = eid.get_card_data(conn)
    assert eid.verify_pin(conn, bytearray(b"1234")) == PinCorrect()
    mse_number = card.apdu_count + 2  # after the SELECT DF00
    card.faults = FaultPlan(status_at={mse_number: bytes.fromhex(status)})
    signature = eid.sign_digest(conn, bytes(48), info)
    assert len(signature) == 96
    assert eid.SELECT_APPLET in conn.apdus
    assert conn.apdus.count(bytes.fromhex("002241B6050480028482")) == 2


def test_kids_card_without_authentication_certificate_is_read() -> None:
    """Card content v5.4 §4.5/§8.1: a kids card may have no authentication certificate, the
    file then holds only zero bytes. Today's code raised BadDataError on it."""
    card = VirtualEidCard("toddler")
    assert not any(card.files[(0xDF00, 0x5038)])
    data = eid.read_card(VirtualConnection(card), trust=DEMO_TRUST)
    assert data.identity.surname == CITIZENS["toddler"].surname
    assert not data.can_log_in
    with pytest.raises(eid.NoAuthenticationCertificateError):
        data.auth_chain()
    # An empty file (zero bytes long) is read the same way.
    card.files[(0xDF00, 0x5038)] = b""
    assert not eid.read_card(VirtualConnection(card), trust=DEMO_TRUST).can_log_in


def test_kids_card_session_reads_and_cannot_sign() -> None:
    session = _session(VirtualEidCard("toddler"))
    try:
        assert not session.read_card().can_log_in
        assert session.verify_pin(bytearray(b"1234")) == PinCorrect()
        with pytest.raises(eid.NoAuthenticationCertificateError):
            session.sign_challenge(b"nonce")
    finally:
        session.close()


def test_identity_file_has_tag_00_and_a_zero_length_member_of_family() -> None:
    card = VirtualEidCard("long_name")
    identity = card.files[(0xDF01, 0x4031)]
    assert identity[:4] == b"\x00\x02\x00\x02"
    assert b"\x14\x00" in identity
    data = eid.read_card(VirtualConnection(card), trust=DEMO_TRUST)
    assert data.identity.member_of_family


def test_applet_17_has_a_sha1_photo_hash() -> None:
    data = eid.read_card(VirtualConnection(VirtualEidCard("old_rsa")), trust=DEMO_TRUST)
    assert len(data.identity.photo_hash) == 20
    assert data.card_info.key_type == "RSA 2048"
    assert data.root == "Dossier Assistant TEST eID RSA Root CA"


def test_wait_before_resending_after_6c_on_global_os_version_0001(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """eid-mw CCard: bytes 22-23 of GET CARD DATA equal to 00 01 → 50 ms before re-sending
    a command after 6Cxx. Applet 1.7 cards (0003) get no wait."""
    waits: list[float] = []
    monkeypatch.setattr(eid.time, "sleep", waits.append)
    eid.read_card(VirtualConnection(VirtualEidCard("adult")), trust=DEMO_TRUST)
    assert waits and set(waits) == {0.050}
    waits.clear()
    eid.read_card(VirtualConnection(VirtualEidCard("old_rsa")), trust=DEMO_TRUST)
    assert waits == []


def test_after_an_unknown_verify_outcome_the_tries_are_read_again_first() -> None:
    """The card went mute during VERIFY: the next VERIFY is refused until the tries left were
    read from the card (issue 12, point 4)."""
    card = VirtualEidCard("adult")
    session = _session(card)
    try:
        session.read_card()
        card.faults = FaultPlan(status_at={card.apdu_count + 1: bytes.fromhex("6F00")})
        with pytest.raises(CardError):
            session.verify_pin(bytearray(b"0000"))
        assert session.tries_unknown
        with pytest.raises(TriesUnknownError):
            session.verify_pin(bytearray(b"1234"))
        assert session.pin_tries_left() == 3
        assert not session.tries_unknown
        assert session.verify_pin(bytearray(b"1234")) == PinCorrect()
    finally:
        session.close()


@pytest.mark.parametrize("citizen", sorted(GENERATIONS))
def test_change_pin_as_the_manuals_give_it(citizen: str) -> None:
    card = VirtualEidCard(citizen)
    conn = VirtualConnection(card)
    assert eid.change_pin(conn, bytearray(b"0000"), bytearray(b"5678")) == PinWrong(2)
    assert eid.change_pin(conn, bytearray(b"1234"), bytearray(b"5678")) == PinCorrect()
    assert conn.apdus[-1][:5] == bytes.fromhex("0024000110")
    assert conn.apdus[-1][5:] == bytes.fromhex("241234FFFFFFFFFF 245678FFFFFFFFFF")
    assert card.tries_left == 3
    assert eid.verify_pin(conn, bytearray(b"1234")) == PinWrong(2)
    assert eid.verify_pin(conn, bytearray(b"5678")) == PinCorrect()


def test_pinpad_lang_id_is_high_byte_first_as_eid_mw() -> None:
    """eid-mw pinpad.cpp: wLangId[0] = high byte, [1] = low byte (French 080C)."""
    verify = pin_verify_structure(language="fr")
    assert verify[9:11] == bytes([0x08, 0x0C])
    assert verify[5:7] == bytes([12, 4])  # wPINMaxExtraDigit: maximum, then minimum
    modify = pin_modify_structure(language="nl")
    assert modify[12:14] == LANG_IDS["nl"].to_bytes(2, "big")
    assert modify[5:7] == bytes([0x00, 0x08])  # current PIN at 0, new PIN at 8
    assert modify[9] == 0x03  # confirm the new PIN


def test_gempc_pinpad_is_not_used_as_a_pinpad() -> None:
    """eid-mw CPinpad::UsePinpad: the GemPC Pinpad sends an empty VERIFY that old cards
    count as a wrong PIN, so it is not used as a pinpad."""

    class GemPc(VirtualConnection):
        def control(self, code: int, data: bytes = b"") -> bytes:
            raise AssertionError("no control code may be sent to this reader")

    conn = GemPc(VirtualEidCard("adult"), reader="Gemplus GemPC Pinpad 00 00")
    assert read_features(conn).verify_direct is None
