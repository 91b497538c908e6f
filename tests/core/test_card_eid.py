"""The eID applet code against the virtual card, in-process (no pcscd): reading, PIN, signature,
and the full fault sweep (card pulled, or an unexpected status word, at every APDU)."""

from __future__ import annotations

import hashlib
from datetime import date

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import Prehashed, encode_dss_signature
from cryptography.x509 import load_der_x509_certificate

from assistant.card import eid
from assistant.card.eid import CardData, CardInfo, read_card
from assistant.card.identity import DocumentType, parse_birth_date
from assistant.card.pin import PinBlocked, PinCorrect, PinWrong
from assistant.card.signature import challenge_digest
from assistant.demo.card.citizens import CITIZENS
from assistant.demo.card.model import FaultPlan, NonEidCard, VirtualEidCard
from assistant.errors import (
    BadDataError,
    CardError,
    CardRemovedError,
    NotEidCardError,
    ProblemKind,
)
from tests.support.fake_pinpad import VirtualConnection
from tests.support.trust import DEMO_TRUST


def _expected_read_apdus(card: VirtualEidCard, with_certificates: bool = True) -> int:
    """GET CARD DATA + per file: SELECT, full chunks, then one short answer (6Cxx + retry) or
    one 6B00 when the size is a multiple of the chunk. The signature files and the national
    register + root certificates are always read (integrity check)."""
    paths = [(0xDF01, 0x4031), (0xDF01, 0x4032), (0xDF01, 0x4033), (0xDF01, 0x4034)]
    paths += [(0xDF01, 0x4035), (0xDF00, 0x503C), (0xDF00, 0x503B)]
    if with_certificates:
        paths += [(0xDF00, 0x5038), (0xDF00, 0x503A)]
    count = 1
    for path in paths:
        size = len(card.files[path])
        full, rest = divmod(size, eid.READ_CHUNK)
        count += 1 + full + (2 if rest else 1)
    return count


@pytest.mark.parametrize("citizen_id", sorted(CITIZENS))
def test_read_every_citizen(citizen_id: str) -> None:
    citizen = CITIZENS[citizen_id]
    card = VirtualEidCard(citizen_id)
    conn = VirtualConnection(card)
    data = read_card(conn, trust=DEMO_TRUST)
    identity = data.identity
    assert identity.surname == citizen.surname
    assert identity.first_names == citizen.first_names
    assert identity.national_number == citizen.national_number
    assert identity.card_number == citizen.card_number
    assert identity.birth_date == parse_birth_date(citizen.birth_date_text)
    assert identity.birth_date.year == citizen.birth_year
    assert identity.birth_date.month == citizen.birth_month
    assert identity.birth_date.day == citizen.birth_day
    assert identity.sex == ("M" if citizen.sex == "M" else "F")
    assert identity.noble_condition == citizen.noble_condition
    assert identity.document_type is DocumentType.from_code(citizen.document_type)
    assert identity.validity_end > date(2025, 1, 1)
    assert data.address.street_and_number == citizen.street_and_number
    assert data.address.postal_code == citizen.postal_code
    assert data.address.municipality == citizen.municipality
    assert data.photo == citizen.photo()
    assert data.certificates["authentication"] == card.keys.auth_certificate
    assert data.certificates["citizen_ca"] == card.keys.citizen_ca_certificate
    assert data.certificates["root_ca"] == card.keys.root_ca_certificate
    assert data.card_info.applet_version == citizen.generation.applet_version
    assert data.card_info.serial_number == citizen.chip_number
    assert len(conn.apdus) == _expected_read_apdus(card)


def test_document_types_of_the_synthetic_citizens() -> None:
    kinds = {
        cid: read_card(
            VirtualConnection(VirtualEidCard(cid)), trust=DEMO_TRUST
        ).identity.document_type
        for cid in ("adult", "kid", "foreigner")
    }
    assert kinds == {
        "adult": DocumentType.BELGIAN_CITIZEN,
        "kid": DocumentType.KIDS,
        "foreigner": DocumentType.FOREIGNER_B,
    }


def test_card_info_layout() -> None:
    raw = bytes(range(16)) + bytes([1, 2, 3, 4, 5, 0x18, 0x00, 0x04, 9, 0x21, 11, 0x8A])
    info = CardInfo.parse(raw)
    assert info.serial_number == bytes(range(16))
    assert info.chip_manufacturer == 0x0203
    assert (info.component_code, info.os_number, info.os_version) == (1, 2, 3)
    assert (info.softmask_number, info.softmask_version) == (4, 5)
    assert info.applet_version_text == "1.8"
    assert info.signs_with_ecdsa
    assert info.global_os_version == 4
    assert info.applet_interface_version == 9
    assert info.pkcs1_support == 0x21
    assert info.key_exchange_version == 11
    assert info.applet_life_cycle == 0x8A
    assert info.pin_tries_left is None
    assert CardInfo.parse(raw + b"\x02\xff\xff").pin_tries_left == 2  # 1.8, P2 = 01
    assert CardInfo.parse(raw + b"\xff\xff\xff").pin_tries_left is None  # "PIN not found"
    with pytest.raises(BadDataError):
        CardInfo.parse(raw[:27])


def test_read_without_certificates_is_shorter() -> None:
    card = VirtualEidCard("adult")
    conn = VirtualConnection(card)
    data = read_card(conn, with_certificates=False, trust=DEMO_TRUST)
    assert set(data.certificates) == {"rrn", "root_ca"}
    assert len(conn.apdus) == _expected_read_apdus(card, with_certificates=False)
    with pytest.raises(CardError):
        data.auth_chain()


def test_end_of_file_by_6b00_when_size_is_a_multiple_of_the_chunk() -> None:
    card = VirtualEidCard("adult")
    card.files[(0xDF01, 0x4035)] = card.files[(0xDF01, 0x4035)][: 3 * eid.READ_CHUNK]
    conn = VirtualConnection(card)
    eid.select_path(conn, bytes.fromhex("DF014035"))
    content = eid.read_binary(conn)
    assert len(content) == 3 * eid.READ_CHUNK
    assert conn.apdus[-1][2:4] == (3 * eid.READ_CHUNK).to_bytes(2, "big")


def test_photo_must_match_its_hash() -> None:
    card = VirtualEidCard("adult")
    photo = bytearray(card.files[(0xDF01, 0x4035)])
    photo[100] ^= 0xFF
    card.files[(0xDF01, 0x4035)] = bytes(photo)
    with pytest.raises(BadDataError):
        read_card(VirtualConnection(card), trust=DEMO_TRUST)


@pytest.mark.parametrize("size", [20, 32, 48])
def test_photo_hash_algorithms(size: int) -> None:
    photo = b"\xff\xd8photo"
    algorithm = {20: hashlib.sha1, 32: hashlib.sha256, 48: hashlib.sha384}[size]
    eid.check_photo(photo, algorithm(photo).digest())
    with pytest.raises(BadDataError):
        eid.check_photo(photo + b"x", algorithm(photo).digest())
    with pytest.raises(BadDataError):
        eid.check_photo(photo, b"\x00" * 16)


def test_non_eid_card_is_named_as_such() -> None:
    with pytest.raises(NotEidCardError) as info:
        read_card(VirtualConnection(NonEidCard()), trust=DEMO_TRUST)
    assert info.value.kind is ProblemKind.CARD


def test_card_without_identity_file_is_not_an_eid() -> None:
    card = VirtualEidCard("adult")
    del card.files[(0xDF01, 0x4031)]
    with pytest.raises(NotEidCardError):
        read_card(VirtualConnection(card), trust=DEMO_TRUST)


def _count_read_apdus(citizen_id: str) -> int:
    conn = VirtualConnection(VirtualEidCard(citizen_id))
    read_card(conn, trust=DEMO_TRUST)
    return len(conn.apdus)


@pytest.mark.parametrize("citizen_id", ["adult", "year_only"])
def test_card_pulled_at_every_apdu_of_the_read(citizen_id: str) -> None:
    total = _count_read_apdus(citizen_id)
    assert total > 20
    for position in range(total):
        card = VirtualEidCard(citizen_id, faults=FaultPlan(remove_after=position))
        conn = VirtualConnection(card)
        result: CardData | None = None
        with pytest.raises(CardRemovedError):
            result = read_card(conn, trust=DEMO_TRUST)
        assert result is None
        assert len(conn.apdus) == position + 1


def test_unexpected_status_at_every_apdu_of_the_read() -> None:
    total = _count_read_apdus("adult")
    for position in range(1, total + 1):
        card = VirtualEidCard("adult", faults=FaultPlan(status_at={position: b"\x6f\x00"}))
        with pytest.raises(CardError) as info:
            read_card(VirtualConnection(card), trust=DEMO_TRUST)
        assert not isinstance(info.value, CardRemovedError)
        if position == 1:
            assert isinstance(info.value, NotEidCardError)


def _verify(conn: VirtualConnection, pin: str) -> object:
    buffer = bytearray(pin.encode())
    result = eid.verify_pin(conn, buffer)
    assert buffer == bytearray(len(pin)), "the PIN buffer must be zeroed"
    return result


def test_wrong_pin_twice_then_right() -> None:
    card = VirtualEidCard("adult", pin="4321")
    conn = VirtualConnection(card)
    assert _verify(conn, "1111") == PinWrong(2)
    assert _verify(conn, "2222") == PinWrong(1)
    assert _verify(conn, "4321") == PinCorrect()
    assert card.tries_left == 3


def test_pin_blocks_after_three_wrong() -> None:
    card = VirtualEidCard("adult")
    conn = VirtualConnection(card)
    results = [_verify(conn, "9999") for _ in range(3)]
    assert results == [PinWrong(2), PinWrong(1), PinBlocked()]
    assert _verify(conn, "1234") == PinBlocked()


def test_verify_apdu_is_the_documented_one() -> None:
    conn = VirtualConnection(VirtualEidCard("adult"))
    _verify(conn, "1234")
    assert conn.apdus[0] == bytes.fromhex("0020000108241234FFFFFFFFFF")


def _check_signature(card: VirtualEidCard, challenge: bytes, signature: bytes) -> None:
    cert = load_der_x509_certificate(card.keys.auth_certificate)
    public = cert.public_key()
    assert isinstance(public, ec.EllipticCurvePublicKey)
    der = encode_dss_signature(
        int.from_bytes(signature[:48], "big"), int.from_bytes(signature[48:], "big")
    )
    public.verify(der, challenge_digest(challenge), ec.ECDSA(Prehashed(hashes.SHA384())))


def test_sign_after_pin() -> None:
    card = VirtualEidCard("adult")
    conn = VirtualConnection(card)
    info = eid.get_card_data(conn)
    assert _verify(conn, "1234") == PinCorrect()
    challenge = b"hub nonce 123"
    signature = eid.sign_digest(conn, challenge_digest(challenge), info)
    assert len(signature) == 96
    _check_signature(card, challenge, signature)
    mse = next(a for a in conn.apdus if a[1] == 0x22)
    assert mse == bytes.fromhex("002241B6050480028482")


def test_sign_without_pin_is_refused_by_the_card() -> None:
    conn = VirtualConnection(VirtualEidCard("adult"))
    info = eid.get_card_data(conn)
    with pytest.raises(CardError):
        eid.sign_digest(conn, challenge_digest(b"x"), info)


def _pin_and_sign(conn: VirtualConnection) -> bytes:
    info = eid.get_card_data(conn)
    assert _verify(conn, "1234") == PinCorrect()
    return eid.sign_digest(conn, challenge_digest(b"nonce"), info)


def test_card_pulled_at_every_apdu_of_pin_and_sign() -> None:
    conn = VirtualConnection(VirtualEidCard("adult"))
    _pin_and_sign(conn)
    total = len(conn.apdus)
    assert total >= 5  # card data, verify, MSE, PSO, GET RESPONSE
    for position in range(total):
        card = VirtualEidCard("adult", faults=FaultPlan(remove_after=position))
        with pytest.raises(CardRemovedError):
            _pin_and_sign(VirtualConnection(card))


def test_unexpected_status_at_every_apdu_of_pin_and_sign() -> None:
    conn = VirtualConnection(VirtualEidCard("adult"))
    _pin_and_sign(conn)
    for position in range(1, len(conn.apdus) + 1):
        card = VirtualEidCard("adult", faults=FaultPlan(status_at={position: b"\x6f\x00"}))
        with pytest.raises(CardError) as info:
            _pin_and_sign(VirtualConnection(card))
        assert not isinstance(info.value, CardRemovedError)


def test_wipe_drops_personal_data() -> None:
    data = read_card(VirtualConnection(VirtualEidCard("adult")), trust=DEMO_TRUST)
    data.wipe()
    assert data.wiped
    assert data.photo == b""
    assert data.certificates == {}
    assert data.identity.surname == ""
    assert data.address.street_and_number == ""
    assert "Dumont" not in repr(data)
