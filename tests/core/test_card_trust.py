"""The trust store: the public Belgian roots shipped in the package, and the Root CA2 policy."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography import x509

from assistant.card.trust import (
    CardRootExpiredError,
    CardRootUntrustedError,
    TrustStore,
    root_name,
)
from assistant.demo.card import pki

ROOTS = Path(__file__).resolve().parents[2] / "assistant" / "card" / "roots"


def _root(name: str) -> x509.Certificate:
    return x509.load_pem_x509_certificate((ROOTS / name).read_bytes())


def test_the_belgian_roots_are_shipped_in_the_package() -> None:
    names = sorted(root_name(root) for root in TrustStore.belgian().roots)
    assert names == [
        "Belgium Root CA2",
        "Belgium Root CA3",
        "Belgium Root CA4",
        "Belgium Root CA4",
        "Belgium Root CA6",
    ]


@pytest.mark.parametrize("name", ["belgiumrca3.pem", "belgiumrca4b.pem", "belgiumrca6.pem"])
def test_a_card_root_equal_to_a_belgian_root_is_trusted(name: str) -> None:
    root = _root(name)
    moment = datetime(2026, 1, 1, tzinfo=UTC)
    assert TrustStore.belgian().root_for(root, moment).public_key() == root.public_key()


def test_root_ca4_cards_stay_trusted_until_the_reissued_root_expires() -> None:
    ca4 = _root("belgiumrca4.pem")  # valid until 2028-01-28; its re-issue until 2032-10-22
    found = TrustStore.belgian().root_for(ca4, datetime(2030, 1, 1, tzinfo=UTC))
    assert found.not_valid_after_utc.year == 2032


def test_root_ca2_policy_trusted_while_valid_refused_once_expired() -> None:
    """Root CA2 expired on 2021-12-15. Like eid-mw's viewer (X509_verify_cert checks dates),
    a card under it is refused after that date, with its own error ("too old")."""
    ca2 = _root("belgiumrca2.pem")
    store = TrustStore.belgian()
    assert store.root_for(ca2, datetime(2015, 6, 1, tzinfo=UTC)) == ca2
    with pytest.raises(CardRootExpiredError):
        store.root_for(ca2, datetime(2022, 1, 1, tzinfo=UTC))


def test_the_test_roots_are_only_trusted_when_added() -> None:
    test_root = x509.load_der_x509_certificate(pki.root_ca_certificate())
    with pytest.raises(CardRootUntrustedError):
        TrustStore.belgian().root_for(test_root)
    demo = TrustStore.belgian().with_roots(*pki.demo_roots())
    assert demo.root_for(test_root) == test_root
    assert len(TrustStore.belgian().roots) == 5  # adding made a copy


def test_same_subject_other_key_is_not_trusted() -> None:
    """A forged "Belgium Root CA4" (same name, other key) is refused (eid-mw compares keys)."""
    real = _root("belgiumrca4.pem")
    forged_key = pki.derive_key("forged-root")
    forged = (
        x509.CertificateBuilder()
        .subject_name(real.subject)
        .issuer_name(real.subject)
        .public_key(forged_key.public_key())
        .serial_number(1)
        .not_valid_before(real.not_valid_before_utc)
        .not_valid_after(real.not_valid_after_utc)
        .sign(forged_key, pki.hashes.SHA384())
    )
    with pytest.raises(CardRootUntrustedError):
        TrustStore.belgian().root_for(forged, datetime(2026, 1, 1, tzinfo=UTC))
