"""Test support for the demo hub: a loopback TLS hub, clients that trust it, card signers.

Use the fixtures by importing them into a test module::

    from tests.support.hub import hub_client, tls_hub  # noqa: F401
"""

from __future__ import annotations

import ssl
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, utils
from cryptography.x509.oid import NameOID

from assistant.card.eid import SHA384_DIGEST_INFO
from assistant.card.pin import encode_pin_block
from assistant.card.signature import ChallengeSignature, challenge_digest
from assistant.demo.card.citizens import CITIZENS, DEFAULT_PIN
from assistant.demo.card.model import VirtualEidCard
from assistant.demo.hub.app import HubApp, make_hub_app
from assistant.demo.hub.server import RunningHub, serve_hub_tls
from assistant.errors import CardError

ALGO_ECDSA_SHA384 = 0x02
ALGO_RSA_PKCS1 = 0x01  # applet 1.7 manual, Table 11
AUTH_KEY = 0x82


class ManualClock:
    """Wall-clock time plus an offset the test can move forward (no sleeping)."""

    def __init__(self) -> None:
        self.offset = 0.0
        self._lock = threading.Lock()

    def __call__(self) -> float:
        with self._lock:
            return time.time() + self.offset

    def advance(self, seconds: float) -> None:
        with self._lock:
            self.offset += seconds

    def reset(self) -> None:
        with self._lock:
            self.offset = 0.0


class VirtualCardSigner:
    """A ChallengeSigner that drives the virtual card model with real APDUs, in-process.

    VERIFY PIN (once), MSE SET (authentication key, ECDSA SHA-384), PSO COMPUTE DIGITAL
    SIGNATURE over SHA-384(challenge); the chain is the card's auth → citizen CA → root.
    """

    def __init__(self, citizen_id: str = "adult", pin: str = DEFAULT_PIN) -> None:
        self.card = VirtualEidCard(citizen_id)
        self.pin = pin
        self.signatures = 0

    def _send(self, apdu: bytes) -> bytes:
        response = self.card.process(apdu)
        data, sw = response[:-2], response[-2:]
        while sw[0] == 0x61:  # T=0: fetch the answer with GET RESPONSE
            response = self.card.process(bytes([0x00, 0xC0, 0x00, 0x00, sw[1]]))
            data, sw = data + response[:-2], response[-2:]
        if sw != b"\x90\x00":
            raise CardError(f"virtual card answered {sw.hex()}")
        return data

    def sign_challenge(self, challenge: bytes) -> ChallengeSignature:
        if not self.card.pin_verified:
            pin = bytearray(self.pin.encode("ascii"))
            block = encode_pin_block(pin)
            try:
                self._send(b"\x00\x20\x00\x01\x08" + bytes(block))
            finally:
                pin[:] = bytes(len(pin))
                block[:] = bytes(len(block))
        digest = challenge_digest(challenge)
        if self.card.generation.rsa_keys:
            # Applet 1.7: DF00 first, then PKCS#1 with the SHA-384 DigestInfo (see eid.py).
            self._send(bytes([0x00, 0xA4, 0x08, 0x0C, 0x02, 0xDF, 0x00]))
            algorithm, data = ALGO_RSA_PKCS1, SHA384_DIGEST_INFO + digest
        else:
            algorithm, data = ALGO_ECDSA_SHA384, digest
        self._send(bytes([0x00, 0x22, 0x41, 0xB6, 0x05, 0x04, 0x80, algorithm, 0x84, AUTH_KEY]))
        signature = self._send(bytes([0x00, 0x2A, 0x9E, 0x9A, len(data)]) + data + b"\x00")
        self.signatures += 1
        keys = self.card.keys
        return ChallengeSignature(
            signature,
            (keys.auth_certificate, keys.citizen_ca_certificate, keys.root_ca_certificate),
        )


class KeySigner:
    """Signs with any EC key and presents any chain (for the refusal tests)."""

    def __init__(self, key: ec.EllipticCurvePrivateKey, chain: tuple[bytes, ...]) -> None:
        self.key = key
        self.chain = chain

    def sign_challenge(self, challenge: bytes) -> ChallengeSignature:
        der = self.key.sign(challenge_digest(challenge), ec.ECDSA(utils.Prehashed(hashes.SHA384())))
        r, s = utils.decode_dss_signature(der)
        size = (self.key.curve.key_size + 7) // 8
        return ChallengeSignature(r.to_bytes(size, "big") + s.to_bytes(size, "big"), self.chain)


def wrong_key_signer(citizen_id: str = "adult") -> KeySigner:
    """The citizen's real chain, but a signature from another key."""
    keys = VirtualEidCard(citizen_id).keys
    other = ec.derive_private_key(0xC0FFEE, ec.SECP384R1())
    return KeySigner(
        other, (keys.auth_certificate, keys.citizen_ca_certificate, keys.root_ca_certificate)
    )


def foreign_ca_signer(citizen_id: str = "adult") -> KeySigner:
    """A look-alike chain from a CA the hub does not trust (same names, same national number)."""
    citizen = CITIZENS[citizen_id]
    ca_key = ec.derive_private_key(0xBAD0CA, ec.SECP384R1())
    leaf_key = ec.derive_private_key(0xBAD1EAF, ec.SECP384R1())
    start = datetime(2024, 1, 1, tzinfo=UTC)
    end = start + timedelta(days=365 * 11)
    ca_name = x509.Name(
        [x509.NameAttribute(NameOID.COMMON_NAME, "Dossier Assistant TEST eID Root CA")]
    )
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(7)
        .not_valid_before(start)
        .not_valid_after(end)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(ca_key, hashes.SHA384())
    )
    leaf = (
        x509.CertificateBuilder()
        .subject_name(
            x509.Name(
                [
                    x509.NameAttribute(
                        NameOID.COMMON_NAME, f"{citizen.given_and_surname} (Authentication)"
                    ),
                    x509.NameAttribute(NameOID.SERIAL_NUMBER, citizen.national_number),
                ]
            )
        )
        .issuer_name(ca_name)
        .public_key(leaf_key.public_key())
        .serial_number(8)
        .not_valid_before(start)
        .not_valid_after(end)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .sign(ca_key, hashes.SHA384())
    )
    der = serialization.Encoding.DER
    return KeySigner(leaf_key, (leaf.public_bytes(der), ca.public_bytes(der)))


def client_for(hub: RunningHub, **kwargs: object) -> httpx.Client:
    """An httpx client that trusts the hub's test TLS CA (verification stays on)."""
    context = ssl.create_default_context(cafile=str(hub.ca_pem_path))
    return httpx.Client(verify=context, **kwargs)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def hub_clock() -> ManualClock:
    return ManualClock()


@pytest.fixture(scope="session")
def _session_hub(hub_clock: ManualClock) -> Iterator[RunningHub]:
    app: HubApp = make_hub_app(clock=hub_clock)
    hub = serve_hub_tls(app=app)
    try:
        yield hub
    finally:
        hub.stop()


@pytest.fixture
def tls_hub(_session_hub: RunningHub, hub_clock: ManualClock) -> Iterator[RunningHub]:
    """The loopback TLS hub, well-behaved and on time at the start of each test."""
    _session_hub.set_misbehaviour(None)
    hub_clock.reset()
    yield _session_hub
    _session_hub.set_misbehaviour(None)
    hub_clock.reset()


@pytest.fixture
def hub_client(tls_hub: RunningHub) -> Iterator[httpx.Client]:
    with client_for(tls_hub) as client:
        yield client
