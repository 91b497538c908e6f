"""Is the identity on the card the one the national register signed? (Like the real middleware.)

What is checked, as the official eID viewer (eid-mw ``certhelpers.c``,
``eid_vwr_check_data_validity`` and ``verify.c``, ``eid_vwr_verify_rrncert``) and Commons eID
(``BeIDIntegrity``) do it:

* the identity file (DF01/4031) against its signature (DF01/4032), with the public key of the
  national register certificate (DF00/503C);
* the address signature (DF01/4034) over the address file (DF01/4033) *stripped of its
  trailing zero bytes* followed by the identity signature file as read;
* the national register certificate is issued by the card's root certificate (DF00/503B),
  which is self-signed and one of the roots of the :class:`~assistant.card.trust.TrustStore`
  (the public Belgian roots; the demo adds its test roots).

Signatures: EC keys (applet 1.8) → ECDSA with SHA-384, DER encoded; the file may be longer
than the DER value (eid-mw then uses the DER length). RSA keys (older cards) → PKCS#1 v1.5
with the hash the photo hash length names (SHA-1 cards re-signed with SHA-256 happen too).
"""

from __future__ import annotations

import functools
from datetime import datetime

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

from assistant.card.trust import TrustStore
from assistant.errors import BadDataError

_RSA_HASHES: dict[int, tuple[type[hashes.HashAlgorithm], ...]] = {
    20: (hashes.SHA1, hashes.SHA256),
    32: (hashes.SHA256,),
    48: (hashes.SHA384,),
}


class CardIntegrityError(BadDataError):
    """The card's identity or address does not match the national register's signature."""


def der_length(data: bytes) -> int:
    """The length of the DER value that starts ``data`` (tag, length and content)."""
    if len(data) < 2:
        raise CardIntegrityError("DER value too short")
    first = data[1]
    if first < 0x80:
        total = 2 + first
    else:
        count = first & 0x7F
        if count == 0 or count > 3 or len(data) < 2 + count:
            raise CardIntegrityError("DER length malformed")
        total = 2 + count + int.from_bytes(data[2 : 2 + count], "big")
    if total > len(data):
        raise CardIntegrityError("DER value truncated")
    return total


def strip_trailing_zeros(data: bytes) -> bytes:
    """The address file without the zero padding after its last field."""
    return data.rstrip(b"\x00")


def _load(der: bytes, what: str) -> x509.Certificate:
    try:
        return x509.load_der_x509_certificate(der[: der_length(der)])
    except ValueError as exc:
        raise CardIntegrityError(f"{what} certificate cannot be read") from exc


def _verify(
    certificate: x509.Certificate, signature: bytes, data: bytes, hash_size: int, what: str
) -> None:
    key = certificate.public_key()
    try:
        if isinstance(key, ec.EllipticCurvePublicKey):
            if not signature or signature[0] != 0x30:
                raise CardIntegrityError(f"{what} signature is not DER encoded")
            value = signature[: der_length(signature)]
            key.verify(value, data, ec.ECDSA(hashes.SHA384()))
            return
        if isinstance(key, rsa.RSAPublicKey):
            candidates = _RSA_HASHES.get(hash_size, (hashes.SHA256,))
            for algorithm in candidates:
                try:
                    key.verify(signature, data, padding.PKCS1v15(), algorithm())
                    return
                except InvalidSignature:
                    continue
            raise InvalidSignature()
    except InvalidSignature as exc:
        raise CardIntegrityError(f"{what} signature does not match the card data") from exc
    raise CardIntegrityError(f"national register key type {type(key).__name__} not supported")


def verify_rrn_certificate(
    rrn_der: bytes, root_der: bytes, trust: TrustStore, now: datetime | None = None
) -> tuple[x509.Certificate, x509.Certificate]:
    """The national register certificate, checked to be issued by the card's root, and the
    trusted root that root is.

    Returns (national register certificate, trusted root). Raises :class:`CardIntegrityError`
    or :class:`~assistant.card.trust.CardRootUntrustedError`.
    """
    rrn, root = _verified_chain(bytes(rrn_der), bytes(root_der))
    return rrn, trust.root_for(root, now)


@functools.lru_cache(maxsize=8)
def _verified_chain(rrn_der: bytes, root_der: bytes) -> tuple[x509.Certificate, x509.Certificate]:
    """Parse and check the pair once (every card of a generation carries the same two
    certificates; only public data is kept). Failures are not cached (they raise)."""
    rrn = _load(rrn_der, "national register")
    root = _load(root_der, "root")
    try:
        root.verify_directly_issued_by(root)
    except (ValueError, TypeError, InvalidSignature) as exc:
        raise CardIntegrityError("card root certificate is not self-signed") from exc
    try:
        rrn.verify_directly_issued_by(root)
    except (ValueError, TypeError, InvalidSignature) as exc:
        raise CardIntegrityError(
            "national register certificate is not issued by the card's root"
        ) from exc
    return rrn, root


def verify_identity_files(
    *,
    identity: bytes,
    identity_signature: bytes,
    address: bytes,
    address_signature: bytes,
    rrn_certificate: bytes,
    root_certificate: bytes,
    trust: TrustStore,
    photo_hash_size: int = 48,
    now: datetime | None = None,
) -> x509.Certificate:
    """Check identity and address against the national register's signatures; return the
    trusted root the card chains to.

    ``photo_hash_size`` (the length of the identity file's photo hash) picks the hash for
    RSA cards. Raises :class:`CardIntegrityError` (or ``CardRootUntrustedError``) with a
    detail that holds no personal data.
    """
    rrn, trusted_root = verify_rrn_certificate(rrn_certificate, root_certificate, trust, now)
    if not identity_signature or not address_signature:
        raise CardIntegrityError("identity or address signature file is empty")
    _verify(rrn, identity_signature, identity, photo_hash_size, "identity")
    signed_address = strip_trailing_zeros(address) + identity_signature
    _verify(rrn, address_signature, signed_address, photo_hash_size, "address")
    return trusted_root
