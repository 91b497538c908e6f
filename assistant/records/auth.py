"""Log in to a hub with the eID card: challenge → card signature → short-lived bearer token.

This is the demo hub's own protocol (``--demo`` and ``--training``); real servers use SMART on
FHIR. What the card signs is bound to the hub and to time (:func:`login_message`): the
origin the program itself connected to (never what the hub says it is), the hub's single-use
nonce and the challenge's expiry. A signature obtained by one hub is therefore useless at
another, and after its expiry.

The card must already have its PIN verified (the signer raises otherwise). Card errors
(``CardRemovedError``, ``CardError``, ``PinError``) pass through unchanged; hub answers map
to the shared error kinds (see ``fhir_client``).
"""

from __future__ import annotations

import base64
import binascii
import time
from dataclasses import dataclass, field

import httpx
from cryptography import x509
from cryptography.x509.oid import NameOID

from assistant.card.signature import ChallengeSigner
from assistant.errors import BadDataError
from assistant.records.fhir_client import request_json

MIN_NONCE = 16
MAX_NONCE = 256
#: First line of every signed login message: what the signature is for, and its version.
LOGIN_CONTEXT = "dossier-assistant demo hub login v1"
_DEFAULT_PORTS = {"https": 443, "http": 80}


def origin_of(url: str) -> str:
    """The origin of ``url`` (RFC 6454): ``scheme://host[:port]``, lower case, default port
    left out."""
    parts = httpx.URL(url)
    scheme = parts.scheme.lower()
    host = parts.host.lower()
    if ":" in host:  # an IPv6 literal
        host = f"[{host}]"
    port = parts.port
    if port is None or port == _DEFAULT_PORTS.get(scheme):
        return f"{scheme}://{host}"
    return f"{scheme}://{host}:{port}"


def login_message(origin: str, nonce: bytes, expires_at: int) -> bytes:
    """The bytes the card signs (their SHA-384 digest, see ``assistant.card.signature``)."""
    lines = (LOGIN_CONTEXT, origin, base64.b64encode(nonce).decode("ascii"), str(expires_at))
    return "\n".join(lines).encode("ascii")


@dataclass(frozen=True)
class AccessToken:
    """A bearer token for one patient. ``expires_at`` is on the ``time.monotonic`` clock."""

    token: str = field(repr=False)
    patient_id: str
    expires_at: float
    holder: str = field(default="", repr=False)  # national number in the card's certificate

    def expired(self, *, margin: float = 0.0) -> bool:
        return time.monotonic() + margin >= self.expires_at


def login(
    client: httpx.Client,
    base_url: str,
    signer: ChallengeSigner,
    *,
    timeout: httpx.Timeout | float | None = None,
    deadline: float | None = None,
) -> AccessToken:
    """Run the eID challenge login against the hub at ``base_url`` (each request ends by
    ``deadline``, a ``time.monotonic()`` value, if given)."""
    base = base_url.rstrip("/")
    challenge = request_json(
        client, "POST", f"{base}/auth/challenge", json_body={}, timeout=timeout, deadline=deadline
    )
    nonce_text = challenge.get("nonce")
    if not isinstance(nonce_text, str):
        raise BadDataError("login: challenge without a nonce")
    try:
        nonce = base64.b64decode(nonce_text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise BadDataError("login: nonce is not base64") from exc
    if not MIN_NONCE <= len(nonce) <= MAX_NONCE:
        raise BadDataError("login: nonce has an unexpected size")
    expires_at = challenge.get("expires_at")
    if not isinstance(expires_at, int) or isinstance(expires_at, bool) or expires_at <= 0:
        raise BadDataError("login: challenge without an expiry")

    signed = signer.sign_challenge(login_message(origin_of(base), nonce, expires_at))
    answer = {
        "nonce": nonce_text,
        "signature": base64.b64encode(signed.signature).decode("ascii"),
        "certificate_chain": [
            base64.b64encode(cert).decode("ascii") for cert in signed.certificate_chain
        ],
    }
    started = time.monotonic()
    grant = request_json(
        client,
        "POST",
        f"{base}/auth/token",
        json_body=answer,
        timeout=timeout,
        deadline=deadline,
    )
    token = grant.get("access_token")
    patient = grant.get("patient")
    expires_in = grant.get("expires_in")
    if not isinstance(token, str) or not token:
        raise BadDataError("login: no access token in the answer")
    if str(grant.get("token_type", "")).lower() != "bearer":
        raise BadDataError("login: token is not a bearer token")
    if not isinstance(patient, str) or not patient or "/" in patient:
        raise BadDataError("login: answer does not say which patient")
    if not isinstance(expires_in, int | float) or isinstance(expires_in, bool) or expires_in <= 0:
        raise BadDataError("login: token lifetime missing")
    return AccessToken(
        token=token,
        patient_id=patient,
        expires_at=started + float(expires_in),
        holder=certificate_holder(signed.certificate_chain),
    )


def certificate_holder(chain: tuple[bytes, ...]) -> str:
    """The national number in the authentication certificate's serialNumber ("" if none)."""
    if not chain:
        return ""
    try:
        leaf = x509.load_der_x509_certificate(chain[0])
    except ValueError:
        return ""
    values = leaf.subject.get_attributes_for_oid(NameOID.SERIAL_NUMBER)
    if not values:
        return ""
    value = values[0].value
    text = value if isinstance(value, str) else value.decode("ascii", "replace")
    return text if len(text) == 11 and text.isdigit() else ""
