"""Cards for the readiness check: a real read of a virtual card (in process), with its login
certificate replaced when a test needs other dates or none."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from assistant.card.eid import CardData
from assistant.card.session import CardSession
from assistant.demo.card.inprocess import InProcessBackend
from assistant.demo.card.model import VirtualEidCard
from tests.support.trust import DEMO_TRUST


def read_virtual_card(citizen_id: str = "adult") -> tuple[CardData, int | None]:
    """The card data and the PIN tries left (read without spending one) of a virtual card."""
    backend = InProcessBackend(VirtualEidCard(citizen_id))
    session = CardSession(backend, backend.list_readers()[0], trust=DEMO_TRUST)
    try:
        return session.read_card(), session.pin_tries_left()
    finally:
        session.close()


def certificate(not_before: datetime, not_after: datetime) -> bytes:
    """A DER certificate with these dates (self-signed, for the date checks only)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test Authentication")])
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .sign(key, hashes.SHA256())
    )
    return cert.public_bytes(serialization.Encoding.DER)


def now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def days(n: float) -> timedelta:
    return timedelta(days=n)
