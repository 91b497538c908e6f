"""The synthetic citizens and the deterministic test PKI of the virtual eID card."""

from __future__ import annotations

import hashlib
import ssl
from datetime import UTC, date, datetime

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from assistant.demo.card import pki
from assistant.demo.card.citizens import (
    CITIZENS,
    DEFAULT_CITIZEN,
    DEFAULT_PIN,
    card_number_check,
)

TODAY = date(2026, 11, 23)
REQUIRED_IDS = {"adult", "kid", "foreigner", "noble", "accents", "year_only"}


def _nn_valid(nn: str) -> bool:
    if len(nn) != 11 or not nn.isdigit():
        return False
    base, check = nn[:9], int(nn[9:])
    return 97 - int(base) % 97 == check or 97 - int("2" + base) % 97 == check


def _dmy(text: str) -> date:
    d, m, y = (int(p) for p in text.split("."))
    return date(y, m, d)


def test_contract_ids_and_defaults() -> None:
    assert REQUIRED_IDS <= set(CITIZENS)
    assert DEFAULT_CITIZEN in CITIZENS
    assert DEFAULT_PIN == "1234"


@pytest.mark.parametrize("cid", sorted(CITIZENS))
def test_citizen_values_are_valid(cid: str) -> None:
    c = CITIZENS[cid]
    assert _nn_valid(c.national_number), cid
    # The national number encodes the birth date (00 for unknown month/day).
    assert c.national_number[:2] == f"{c.birth_year % 100:02d}"
    assert c.national_number[2:4] == f"{c.birth_month or 0:02d}"
    assert c.national_number[4:6] == f"{c.birth_day or 0:02d}"
    # Odd serial for men, even for women.
    assert (int(c.national_number[6:9]) % 2 == 0) == c.is_female
    # The card is valid today.
    assert _dmy(c.validity_start) <= TODAY <= _dmy(c.validity_end)
    digits = "".join(ch for ch in c.card_number if ch.isdigit())
    assert digits[-2:] == card_number_check(digits[:-2])
    assert len(c.chip_number) == 16
    photo = c.photo()
    assert photo[:2] == b"\xff\xd8" and photo[-2:] == b"\xff\xd9"
    assert 3000 <= len(photo) <= 8000
    assert c.postal_code.isdigit() and len(c.postal_code) == 4


def test_the_required_variety_is_there() -> None:
    adult, kid = CITIZENS["adult"], CITIZENS["kid"]
    assert 68 <= TODAY.year - adult.birth_year <= 72
    assert kid.birth_date is not None and 7 <= (TODAY - kid.birth_date).days // 365 <= 9
    # Born from 2000: the check digits use the "2" prefix rule.
    base = kid.national_number[:9]
    assert int(kid.national_number[9:]) == 97 - int("2" + base) % 97
    assert int(kid.national_number[9:]) != 97 - int(base) % 97
    assert kid.document_type == "06"
    assert CITIZENS["foreigner"].document_type not in ("01", "06")
    assert CITIZENS["noble"].noble_condition == "Baron"
    assert CITIZENS["year_only"].birth_date_text == "1938"
    assert CITIZENS["year_only"].birth_date is None
    assert any("Æ" in c.surname or "œ" in c.surname for c in CITIZENS.values())
    texts = [c.birth_date_text for c in CITIZENS.values()]
    assert any("MARS" in t for t in texts)  # French
    assert any("OKT" in t for t in texts)  # Dutch
    assert any("." in t and "MÄR" in t for t in texts)  # German with dots
    assert any(t.split()[0].isalpha() for t in texts)  # year and month only
    assert max(len(c.surname) + len(c.first_names) for c in CITIZENS.values()) > 60
    assert {"V", "W"} & {c.sex for c in CITIZENS.values()}


def test_pki_chain_and_determinism() -> None:
    keys = pki.card_keys("adult")
    assert keys is not pki.card_keys("kid")
    root = x509.load_der_x509_certificate(pki.root_ca_certificate())
    ca = x509.load_der_x509_certificate(keys.citizen_ca_certificate)
    auth = x509.load_der_x509_certificate(keys.auth_certificate)
    sign = x509.load_der_x509_certificate(keys.sign_certificate)
    rrn = x509.load_der_x509_certificate(keys.rrn_certificate)
    auth.verify_directly_issued_by(ca)
    sign.verify_directly_issued_by(ca)
    ca.verify_directly_issued_by(root)
    root.verify_directly_issued_by(root)
    rrn.verify_directly_issued_by(root)
    assert auth.subject.get_attributes_for_oid(NameOID.SERIAL_NUMBER)[0].value == "56031224609"
    cn = auth.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value
    assert cn == "Jacqueline Dumont (Authentication)"
    for cert in (root, ca, auth, sign, rrn):
        assert cert.not_valid_before_utc <= datetime(2024, 1, 1, tzinfo=UTC)
        assert cert.not_valid_after_utc >= datetime(2035, 1, 1, tzinfo=UTC)
        assert isinstance(cert.public_key(), ec.EllipticCurvePublicKey)
    assert isinstance(auth.public_key(), ec.EllipticCurvePublicKey)
    assert auth.public_key().curve.name == "secp384r1"
    # The same seed gives the same key; certificates are signed deterministically.
    assert pki.derive_key("x").private_numbers() == pki.derive_key("x").private_numbers()
    fingerprint = hashlib.sha256(keys.auth_certificate).hexdigest()
    pki._citizen_leaf.cache_clear()
    assert hashlib.sha256(pki.card_keys("adult").auth_certificate).hexdigest() == fingerprint
    # The card's private key matches its certificate.
    digest = hashlib.sha384(b"x").digest()
    from cryptography.hazmat.primitives.asymmetric.utils import Prehashed

    sig = keys.auth_key.sign(digest, ec.ECDSA(Prehashed(hashes.SHA384())))
    auth.public_key().verify(sig, digest, ec.ECDSA(Prehashed(hashes.SHA384())))


def test_tls_credentials_load_in_ssl() -> None:
    cert, key, ca = pki.tls_server_credentials()
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    client = ssl.create_default_context(cafile=str(ca))
    assert client.verify_mode == ssl.CERT_REQUIRED
    server_cert = x509.load_pem_x509_certificate(cert.read_bytes())
    ca_cert = x509.load_pem_x509_certificate(ca.read_bytes())
    server_cert.verify_directly_issued_by(ca_cert)
    san = server_cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert "localhost" in san.get_values_for_type(x509.DNSName)
    # A second call reuses the same files with the same content.
    assert pki.tls_server_credentials() == (cert, key, ca)
    assert ca_cert.subject != x509.load_der_x509_certificate(pki.root_ca_certificate()).subject
