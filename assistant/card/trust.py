"""Which roots a card may chain to: the public Belgian eID roots, shipped with the program.

The national register certificate (DF00/503C) is issued directly by the card's root
(DF00/503B). A card is genuine only when that root is one of the roots in the
:class:`TrustStore`: the same subject and the same public key as a trusted root, the check the
official viewer makes (eid-mw ``plugins_tools/eid-viewer/verify.c``, ``eid_vwr_verify_rrncert``:
it looks the issuer up in its trust directory and compares the keys).

The roots in ``assistant/card/roots/`` are the public certificates the official middleware
ships (eid-mw ``plugins_tools/eid-viewer/certs/``): Belgium Root CA2, CA3, CA4 (and its
re-issue) and CA6 (EC, applet 1.8 and re-keyed cards).

Expired roots. eid-mw checks the chain with OpenSSL's ``X509_verify_cert`` at the present
time, so a card under an expired root (Belgium Root CA2, valid until 2021-12-15) fails there.
We do the same, with our own error (:class:`CardRootExpiredError`), so the patient is told the
card is too old rather than that it may be false: every card under Root CA2 has itself expired
(cards were valid for at most ten years, and CA2 stopped issuing long before it expired).

The store is injectable: the demo and the tests add the virtual cards' own test roots with
:meth:`TrustStore.with_roots`. Nothing adds a root by default, so a real card signed by any
other PKI is never shown as genuine.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from assistant.errors import BadDataError

ROOTS_PACKAGE = "assistant.card.roots"


class CardRootUntrustedError(BadDataError):
    """The card's root is not a trusted root: its identity cannot be shown as genuine."""


class CardRootExpiredError(CardRootUntrustedError):
    """The card's root is a trusted root that has expired (Belgium Root CA2)."""


def _key(certificate: x509.Certificate) -> bytes:
    return certificate.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


@dataclass(frozen=True)
class TrustStore:
    """Trusted root certificates (immutable; :meth:`with_roots` makes a bigger copy)."""

    roots: tuple[x509.Certificate, ...]

    @classmethod
    def belgian(cls) -> TrustStore:
        """The public Belgian eID roots shipped in ``assistant/card/roots``."""
        return _belgian()

    def with_roots(self, *der: bytes) -> TrustStore:
        """This store plus the given DER roots (demo and tests only)."""
        extra = tuple(x509.load_der_x509_certificate(bytes(item)) for item in der)
        return TrustStore(self.roots + extra)

    def root_for(
        self, card_root: x509.Certificate, now: datetime | None = None
    ) -> x509.Certificate:
        """The trusted root the card's root is (same subject and key), checked valid at
        ``now``. Raises :class:`CardRootUntrustedError` or :class:`CardRootExpiredError`."""
        moment = now or datetime.now(UTC)
        key = _key(card_root)
        matches = [r for r in self.roots if r.subject == card_root.subject and _key(r) == key]
        for root in matches:  # Root CA4 comes twice: the re-issue is valid longer
            if root.not_valid_before_utc <= moment <= root.not_valid_after_utc:
                return root
        if matches:
            raise CardRootExpiredError("the card's root certificate has expired")
        raise CardRootUntrustedError("the card's root certificate is not a trusted root")


def root_name(certificate: x509.Certificate) -> str:
    """The common name of a root ("Belgium Root CA4"), for the card diagnostic."""
    names = certificate.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
    value = names[0].value if names else certificate.subject.rfc4514_string()
    return value if isinstance(value, str) else value.decode("utf-8", "replace")


def load_pem_roots(texts: Iterable[bytes]) -> tuple[x509.Certificate, ...]:
    return tuple(x509.load_pem_x509_certificate(text) for text in texts)


@functools.cache
def _belgian() -> TrustStore:
    folder = resources.files(ROOTS_PACKAGE)
    pems = sorted(
        (item for item in folder.iterdir() if item.name.endswith(".pem")), key=lambda i: i.name
    )
    roots = load_pem_roots(item.read_bytes() for item in pems)
    if not roots:
        raise RuntimeError("no Belgian root certificates shipped")  # fail closed
    return TrustStore(roots)
