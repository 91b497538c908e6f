"""The hub's eID challenge login: single-use nonces, signature and chain checks, bearer tokens.

See ``assistant.card.signature`` for the contract: the card signs the SHA-384 digest of
``assistant.records.auth.login_message(origin, nonce, expiry)`` with its authentication key;
the chain is leaf first, root last. The hub rebuilds that message with its *own* origin (set
when it is bound to an address, never taken from a request) and the expiry it stored for the
nonce, so a signature made for another hub, or replayed after the expiry, does not verify. A
hub whose origin is not set refuses every login.
"""

from __future__ import annotations

import itertools
import math
import secrets
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa, utils
from cryptography.x509.oid import NameOID

from assistant.card.signature import challenge_digest
from assistant.records.auth import login_message, origin_of

NONCE_BYTES = 32
NONCE_LIFETIME = 120.0
TOKEN_LIFETIME = 600.0
MAX_CHAIN = 5
MAX_OUTSTANDING = 10_000  # nonces or tokens kept at most (oldest dropped first)


class AuthFailure(Exception):
    """The login was refused. ``status`` is the HTTP status, ``code`` an OperationOutcome code."""

    def __init__(self, detail: str, *, status: int = 401, code: str = "security") -> None:
        super().__init__(detail)
        self.detail = detail
        self.status = status
        self.code = code


@dataclass(frozen=True, slots=True)
class Grant:
    """A bearer token and who it belongs to."""

    token: str
    national_number: str
    expires_at: float


@dataclass(frozen=True, slots=True)
class Challenge:
    nonce: bytes
    #: Whole seconds since the epoch: part of the signed message.
    expires_at: int


class Authority:
    """Issues challenges, checks signed answers and keeps the tokens it issued (thread-safe)."""

    def __init__(
        self,
        trusted_roots: Sequence[bytes],
        *,
        clock: Callable[[], float] = time.time,
        nonce_lifetime: float = NONCE_LIFETIME,
        token_lifetime: float = TOKEN_LIFETIME,
    ) -> None:
        self._roots = [x509.load_der_x509_certificate(der) for der in trusted_roots]
        self.clock = clock
        self.nonce_lifetime = nonce_lifetime
        self.token_lifetime = token_lifetime
        self._nonces: dict[bytes, int] = {}
        self._tokens: dict[str, Grant] = {}
        self._lock = threading.Lock()
        self.origin: str | None = None

    def bind_origin(self, url: str) -> None:
        """The hub's own address (where clients reach it): part of every signed login."""
        self.origin = origin_of(url)

    # -- challenges ----------------------------------------------------------------------

    def new_challenge(self) -> Challenge:
        nonce = secrets.token_bytes(NONCE_BYTES)
        now = self.clock()
        with self._lock:
            self._forget_expired(now)
            while len(self._nonces) >= MAX_OUTSTANDING:
                del self._nonces[next(iter(self._nonces))]
            expires_at = math.ceil(now + self.nonce_lifetime)
            self._nonces[nonce] = expires_at
        return Challenge(nonce, expires_at)

    def redeem(self, nonce: bytes, signature: bytes, chain: Sequence[bytes]) -> Grant:
        """Check a signed challenge; return a new token for the card holder.

        The nonce is spent by this call whatever the outcome (no second try with the same one).
        """
        now = self.clock()
        with self._lock:
            expires = self._nonces.pop(nonce, None)
        if self.origin is None:
            raise AuthFailure("hub origin not set", status=503, code="transient")
        if expires is None:
            raise AuthFailure("unknown or already used challenge")
        if now > expires:
            raise AuthFailure("challenge expired")
        if not chain or len(chain) > MAX_CHAIN:
            raise AuthFailure("certificate chain missing or too long", status=400, code="invalid")
        try:
            certs = [x509.load_der_x509_certificate(der) for der in chain]
        except ValueError as exc:
            raise AuthFailure("certificate is not DER X.509", status=400, code="invalid") from exc
        self._check_chain(certs, now)
        leaf = certs[0]
        self._check_signature(leaf, login_message(self.origin, nonce, expires), signature)
        national_number = _serial_number(leaf)
        grant = Grant(secrets.token_urlsafe(32), national_number, now + self.token_lifetime)
        with self._lock:
            while len(self._tokens) >= MAX_OUTSTANDING:
                del self._tokens[next(iter(self._tokens))]
            self._tokens[grant.token] = grant
        return grant

    def grant_for(self, token: str) -> Grant | None:
        """The live grant for ``token``; None when unknown or expired."""
        now = self.clock()
        with self._lock:
            grant = self._tokens.get(token)
            if grant is not None and now > grant.expires_at:
                del self._tokens[token]
                return None
        return grant

    def _forget_expired(self, now: float) -> None:
        for nonce in [n for n, t in self._nonces.items() if now > t]:
            del self._nonces[nonce]
        for token in [k for k, g in self._tokens.items() if now > g.expires_at]:
            del self._tokens[token]

    # -- checks ------------------------------------------------------------------------

    def _check_chain(self, certs: list[x509.Certificate], now: float) -> None:
        moment = datetime.fromtimestamp(now, UTC)
        for cert in certs:
            if not cert.not_valid_before_utc <= moment <= cert.not_valid_after_utc:
                raise AuthFailure("certificate outside its validity period")
        for child, parent in itertools.pairwise(certs):
            _require_ca(parent)
            try:
                child.verify_directly_issued_by(parent)
            except (ValueError, TypeError, InvalidSignature) as exc:
                raise AuthFailure("certificate chain is broken") from exc
        top = certs[-1]
        for root in self._roots:
            if top == root:
                return
            try:
                top.verify_directly_issued_by(root)
            except (ValueError, TypeError, InvalidSignature):
                continue
            return
        raise AuthFailure("certificate chain does not end at a trusted root")

    @staticmethod
    def _check_signature(leaf: x509.Certificate, message: bytes, signature: bytes) -> None:
        digest = challenge_digest(message)
        key = leaf.public_key()
        try:
            if isinstance(key, ec.EllipticCurvePublicKey):
                half = len(signature) // 2
                if len(signature) % 2 or half != (key.curve.key_size + 7) // 8:
                    raise AuthFailure("signature has the wrong length")
                der = utils.encode_dss_signature(
                    int.from_bytes(signature[:half], "big"), int.from_bytes(signature[half:], "big")
                )
                key.verify(der, digest, ec.ECDSA(utils.Prehashed(hashes.SHA384())))
            elif isinstance(key, rsa.RSAPublicKey):
                key.verify(signature, digest, padding.PKCS1v15(), utils.Prehashed(hashes.SHA384()))
            else:
                raise AuthFailure("unsupported key type")
        except InvalidSignature as exc:
            raise AuthFailure("signature does not match the certificate") from exc


def _require_ca(cert: x509.Certificate) -> None:
    try:
        constraints = cert.extensions.get_extension_for_class(x509.BasicConstraints).value
    except x509.ExtensionNotFound as exc:
        raise AuthFailure("issuer certificate is not a CA") from exc
    if not constraints.ca:
        raise AuthFailure("issuer certificate is not a CA")


def _serial_number(leaf: x509.Certificate) -> str:
    values = leaf.subject.get_attributes_for_oid(NameOID.SERIAL_NUMBER)
    if not values:
        raise AuthFailure("certificate has no national number")
    value = values[0].value
    text = value if isinstance(value, str) else value.decode("ascii", "replace")
    if not (len(text) == 11 and text.isdigit()):
        raise AuthFailure("certificate serialNumber is not a national number")
    return text
