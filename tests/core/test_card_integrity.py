"""Identity integrity: national register signatures over identity and address, RRN chain.

What is signed follows the official middleware (eid-mw ``eid_vwr_check_data_validity``):
identity file as read; address file stripped of trailing zero bytes + identity signature file.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509.oid import NameOID
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.card.eid import read_card
from assistant.card.integrity import (
    CardIntegrityError,
    der_length,
    verify_identity_files,
    verify_rrn_certificate,
)
from assistant.card.session import CardSession
from assistant.card.trust import CardRootUntrustedError, TrustStore
from assistant.demo.card import pki
from assistant.demo.card.inprocess import IN_PROCESS_READER, InProcessBackend
from assistant.demo.card.model import VirtualEidCard
from assistant.errors import BadDataError, ProblemKind
from tests.support.fake_pinpad import VirtualConnection
from tests.support.trust import DEMO_TRUST

ID, ID_SIG = (0xDF01, 0x4031), (0xDF01, 0x4032)
ADDR, ADDR_SIG = (0xDF01, 0x4033), (0xDF01, 0x4034)
RRN, ROOT = (0xDF00, 0x503C), (0xDF00, 0x503B)


def _files(card: VirtualEidCard) -> dict[str, Any]:
    return {
        "identity": card.files[ID],
        "identity_signature": card.files[ID_SIG],
        "address": card.files[ADDR],
        "address_signature": card.files[ADDR_SIG],
        "rrn_certificate": card.files[RRN],
        "root_certificate": card.files[ROOT],
        "trust": DEMO_TRUST,
    }


def _replace_text(data: bytes, old: str, new: str) -> bytes:
    raw_old, raw_new = old.encode(), new.encode()
    assert len(raw_old) == len(raw_new) and raw_old in data
    return data.replace(raw_old, raw_new, 1)


def _fails(card: VirtualEidCard, match: str) -> CardIntegrityError:
    conn = VirtualConnection(card)
    with pytest.raises(CardIntegrityError, match=match) as info:
        read_card(conn, trust=DEMO_TRUST)
    assert info.value.kind is ProblemKind.BAD_DATA
    assert isinstance(info.value, BadDataError)
    return info.value


def test_every_virtual_card_verifies_like_a_real_one() -> None:
    for citizen_id in ("adult", "kid", "foreigner", "noble", "accents", "year_only"):
        verify_identity_files(**_files(VirtualEidCard(citizen_id)))


def test_tampered_identity_is_refused_and_nothing_is_returned() -> None:
    card = VirtualEidCard("adult")
    surname = card.citizen.surname
    forged = surname[:-1] + ("X" if surname[-1] != "X" else "Y")
    card.files[ID] = _replace_text(card.files[ID], surname, forged)
    error = _fails(card, "identity signature")
    assert surname not in error.detail and forged not in error.detail


def test_tampered_address_is_refused() -> None:
    card = VirtualEidCard("adult")
    code = card.citizen.postal_code
    card.files[ADDR] = _replace_text(card.files[ADDR], code, str((int(code) + 1) % 10000).zfill(4))
    error = _fails(card, "address signature")
    assert code not in error.detail


def test_address_of_another_card_with_its_own_signature_is_refused() -> None:
    """The address signature covers the identity signature: addresses cannot be swapped."""
    card, other = VirtualEidCard("adult"), VirtualEidCard("kid")
    card.files[ADDR], card.files[ADDR_SIG] = other.files[ADDR], other.files[ADDR_SIG]
    _fails(card, "address signature")


def test_identity_signature_of_another_card_is_refused() -> None:
    card, other = VirtualEidCard("adult"), VirtualEidCard("kid")
    card.files[ID_SIG] = other.files[ID_SIG]
    _fails(card, "identity signature")


def test_zero_padding_after_the_signature_and_the_address() -> None:
    """Real files are fixed-size: DER signature then zeros. The address signature covers the
    address without its trailing zeros followed by the identity signature file as read."""
    card = VirtualEidCard("adult")
    padded = card.files[ID_SIG] + bytes(12)
    card.files[ID_SIG] = padded
    card.files[ADDR_SIG] = pki.rrn_sign(card.files[ADDR].rstrip(b"\x00") + padded) + bytes(5)
    assert card.files[ADDR].endswith(b"\x00")  # the virtual address file is padded
    data = read_card(VirtualConnection(card), trust=DEMO_TRUST)
    assert data.address.postal_code == card.citizen.postal_code
    # signed over the address *with* its padding: not what real cards do → refused
    card.files[ADDR_SIG] = pki.rrn_sign(card.files[ADDR] + padded)
    _fails(card, "address signature")


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def _certificate(
    subject: str,
    key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey,
    issuer: str,
    issuer_key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey,
    *,
    ca: bool,
) -> bytes:
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(_name(issuer))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .sign(issuer_key, hashes.SHA256())
    )
    return cert.public_bytes(serialization.Encoding.DER)


def _forged_pki() -> tuple[ec.EllipticCurvePrivateKey, bytes, bytes]:
    """A root and an RRN certificate that look right but are not the card issuer's."""
    root_key = ec.generate_private_key(ec.SECP384R1())
    rrn_key = ec.generate_private_key(ec.SECP384R1())
    root = _certificate("Forged Root", root_key, "Forged Root", root_key, ca=True)
    rrn = _certificate("Forged RRN", rrn_key, "Forged Root", root_key, ca=False)
    return rrn_key, rrn, root


def _resign(card: VirtualEidCard, key: ec.EllipticCurvePrivateKey) -> None:
    sign = ec.ECDSA(hashes.SHA384())
    card.files[ID_SIG] = key.sign(card.files[ID], sign)
    card.files[ADDR_SIG] = key.sign(card.files[ADDR].rstrip(b"\x00") + card.files[ID_SIG], sign)


def test_rrn_certificate_must_be_issued_by_the_cards_root() -> None:
    card = VirtualEidCard("adult")
    rrn_key, rrn, _root = _forged_pki()
    card.files[RRN] = rrn
    _resign(card, rrn_key)  # consistent data, but signed by a register the root never issued
    _fails(card, "not issued by the card's root")


def test_a_whole_forged_pki_is_not_genuine() -> None:
    """A card whose root, register and signatures are all consistent but from another PKI is
    refused: the root must be one of the trust store's (issue 12, point 7)."""
    card = VirtualEidCard("adult")
    rrn_key, rrn, root = _forged_pki()
    card.files[RRN], card.files[ROOT] = rrn, root
    _resign(card, rrn_key)
    with pytest.raises(CardRootUntrustedError, match="not a trusted root"):
        read_card(VirtualConnection(card), trust=DEMO_TRUST)
    genuine = VirtualEidCard("adult")
    read_card(VirtualConnection(genuine), trust=DEMO_TRUST)


@pytest.mark.parametrize("citizen", ["adult", "old_rsa", "rekeyed"])
def test_virtual_cards_are_not_genuine_to_the_real_card_trust_store(citizen: str) -> None:
    """Our own test PKI is never trusted by default: only the demo adds its roots."""
    with pytest.raises(CardRootUntrustedError):
        read_card(VirtualConnection(VirtualEidCard(citizen)), trust=TrustStore.belgian())


def test_root_that_is_not_self_signed_is_refused() -> None:
    card = VirtualEidCard("adult")
    card.files[ROOT] = card.keys.citizen_ca_certificate
    _fails(card, "not self-signed")


def test_rrn_certificate_that_is_not_a_certificate() -> None:
    with pytest.raises(CardIntegrityError, match="cannot be read"):
        verify_rrn_certificate(b"\x30\x03\x02\x01\x00", pki.root_ca_certificate(), DEMO_TRUST)


@pytest.mark.parametrize(
    ("hash_size", "algorithm"),
    [(20, hashes.SHA1()), (20, hashes.SHA256()), (32, hashes.SHA256()), (48, hashes.SHA384())],
)
def test_older_rsa_cards(hash_size: int, algorithm: hashes.HashAlgorithm) -> None:
    root_key = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    rrn_key = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    root = _certificate("Root", root_key, "Root", root_key, ca=True)
    rrn = _certificate("RRN", rrn_key, "Root", root_key, ca=False)
    identity = b"\x01\x0c592000000000\x11" + bytes([hash_size]) + hashlib.sha1().digest()[:1]
    address = b"\x01\x05Rue 1\x02\x041000" + bytes(20)

    def sign(data: bytes) -> bytes:
        return rrn_key.sign(data, padding.PKCS1v15(), algorithm)

    id_sig = sign(identity)
    files: dict[str, Any] = {
        "trust": TrustStore.belgian().with_roots(root),
        "identity": identity,
        "identity_signature": id_sig,
        "address": address,
        "address_signature": sign(address.rstrip(b"\x00") + id_sig),
        "rrn_certificate": rrn,
        "root_certificate": root,
    }
    verify_identity_files(**files, photo_hash_size=hash_size)
    files["identity"] = identity + b"\x12\x01x"
    with pytest.raises(CardIntegrityError, match="identity signature"):
        verify_identity_files(**files, photo_hash_size=hash_size)


def test_a_tampered_card_in_a_reader_session_shows_nothing() -> None:
    card = VirtualEidCard("kid")
    first = card.citizen.first_names
    assert first != first[::-1]
    card.files[ID] = _replace_text(card.files[ID], first, first[::-1])
    session = CardSession(InProcessBackend(card), IN_PROCESS_READER)
    try:
        with pytest.raises(BadDataError) as info:
            session.read_card()
    finally:
        session.close()
    assert info.value.kind is ProblemKind.BAD_DATA


def test_der_length() -> None:
    assert der_length(b"\x30\x03\x02\x01\x05\x00\x00") == 5
    assert der_length(b"\x30\x81\x80" + bytes(128)) == 131
    assert der_length(b"\x30\x82\x01\x00" + bytes(256)) == 260
    for bad in (b"\x30", b"\x30\x05\x00", b"\x30\x80", b"\x30\x84\x00\x00\x00\x01\x00"):
        with pytest.raises(CardIntegrityError):
            der_length(bad)


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from(["identity_signature", "address_signature", "rrn_certificate"]),
    st.binary(max_size=140),
)
def test_any_broken_file_gives_only_an_integrity_error(name: str, junk: bytes) -> None:
    files: dict[str, Any] = _files(_CARD)
    files[name] = junk
    with pytest.raises(CardIntegrityError):
        verify_identity_files(**files)


_CARD = VirtualEidCard("adult")
