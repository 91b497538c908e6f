"""A deterministic test PKI for the virtual eID cards and the loopback TLS hub.

Keys are ECDSA P-384, derived from fixed seeds with ``ec.derive_private_key``, or RSA 2048 for
applet 1.7 cards, whose primes come from the same kind of seed (see :func:`derive_rsa_key`);
certificates have fixed serial numbers and validity dates and are signed deterministically
(RFC 6979 for ECDSA; PKCS#1 v1.5 is deterministic), so every run produces the same bytes. The
chains mirror the Belgian ones:

    EC test root (like Root CA6) ─┬─ EC citizen CA ─┬─ authentication certificate
                                  │                 └─ non-repudiation certificate
                                  └─ EC national register (RRN) certificate
    RSA test root (like Root CA4) ─┬─ RSA citizen CA ─ certificates of applet 1.7 cards
                                   └─ RSA national register certificate (SHA-1 signatures)

Which chain a card carries follows its generation (``citizens.Generation``): applet 1.8 cards
have EC keys under the EC root; applet 1.7 cards have RSA 2048 keys (the 1.7 manual, PSO
"supports only RSA 2048") under the RSA root; re-keyed applet 1.7 cards keep their RSA keys but
get certificates from the EC citizen CA and an EC national register (the "applet 1.7 content
addendum" of eid-mw's SDK documentation).

The TLS server certificate for the loopback hub comes from a separate test TLS CA.
Nothing here is trusted outside tests and the demo.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from ipaddress import IPv4Address
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from assistant.demo.card.citizens import CITIZENS, Citizen, Generation

PrivateKey = ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey

_SEED_PREFIX = b"dossier-assistant virtual eID test PKI v1:"
_CA_NOT_BEFORE = datetime(2024, 1, 1, tzinfo=UTC)
_CA_NOT_AFTER = datetime(2035, 12, 31, 23, 59, 59, tzinfo=UTC)
_LEAF_NOT_BEFORE = datetime(2024, 1, 1, tzinfo=UTC)
_LEAF_NOT_AFTER = datetime(2035, 12, 30, 23, 59, 59, tzinfo=UTC)

_ROOT_NAME = x509.Name(
    [
        x509.NameAttribute(NameOID.COUNTRY_NAME, "BE"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Dossier Assistant TEST"),
        x509.NameAttribute(NameOID.COMMON_NAME, "Dossier Assistant TEST eID Root CA"),
    ]
)
_CITIZEN_CA_NAME = x509.Name(
    [
        x509.NameAttribute(NameOID.COUNTRY_NAME, "BE"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Dossier Assistant TEST"),
        x509.NameAttribute(NameOID.COMMON_NAME, "Dossier Assistant TEST Citizen CA"),
        x509.NameAttribute(NameOID.SERIAL_NUMBER, "202401"),
    ]
)
_RRN_NAME = x509.Name(
    [
        x509.NameAttribute(NameOID.COUNTRY_NAME, "BE"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Dossier Assistant TEST"),
        x509.NameAttribute(NameOID.COMMON_NAME, "Dossier Assistant TEST RRN"),
    ]
)
_RSA_ROOT_NAME = x509.Name(
    [
        x509.NameAttribute(NameOID.COUNTRY_NAME, "BE"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Dossier Assistant TEST"),
        x509.NameAttribute(NameOID.COMMON_NAME, "Dossier Assistant TEST eID RSA Root CA"),
    ]
)
_RSA_CITIZEN_CA_NAME = x509.Name(
    [
        x509.NameAttribute(NameOID.COUNTRY_NAME, "BE"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Dossier Assistant TEST"),
        x509.NameAttribute(NameOID.COMMON_NAME, "Dossier Assistant TEST RSA Citizen CA"),
        x509.NameAttribute(NameOID.SERIAL_NUMBER, "201801"),
    ]
)
_RSA_RRN_NAME = x509.Name(
    [
        x509.NameAttribute(NameOID.COUNTRY_NAME, "BE"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Dossier Assistant TEST"),
        x509.NameAttribute(NameOID.COMMON_NAME, "Dossier Assistant TEST RSA RRN"),
    ]
)
_TLS_CA_NAME = x509.Name(
    [
        x509.NameAttribute(NameOID.COUNTRY_NAME, "BE"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Dossier Assistant TEST"),
        x509.NameAttribute(NameOID.COMMON_NAME, "Dossier Assistant TEST TLS CA"),
    ]
)


def derive_key(label: str) -> ec.EllipticCurvePrivateKey:
    """A P-384 private key derived from a fixed seed and ``label`` (same label, same key)."""
    order = int(
        "ffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf"
        "581a0db248b0a77aecec196accc52973",
        16,
    )
    digest = hashlib.sha512(_SEED_PREFIX + label.encode()).digest()
    secret = int.from_bytes(digest, "big") % (order - 1) + 1
    return ec.derive_private_key(secret, ec.SECP384R1())


_SMALL_PRIMES = tuple(
    p for p in range(3, 2000, 2) if all(p % q for q in range(3, int(p**0.5) + 1, 2))
)


class _Stream:
    """Deterministic bytes from a seed (SHA-512 in counter mode)."""

    def __init__(self, label: str) -> None:
        self._seed = _SEED_PREFIX + label.encode()
        self._counter = 0

    def take(self, size: int) -> bytes:
        out = b""
        while len(out) < size:
            self._counter += 1
            out += hashlib.sha512(self._seed + self._counter.to_bytes(8, "big")).digest()
        return out[:size]


def _probably_prime(n: int, stream: _Stream, rounds: int = 24) -> bool:
    if any(n % p == 0 for p in _SMALL_PRIMES):
        return n in _SMALL_PRIMES
    d, r = n - 1, 0
    while d % 2 == 0:
        d, r = d // 2, r + 1
    for _ in range(rounds):
        a = 2 + int.from_bytes(stream.take(len(str(n))), "big") % (n - 3)
        x = pow(a, d, n)
        if x in (1, n - 1):
            continue
        for _ in range(r - 1):
            x = pow(x, 2, n)
            if x == n - 1:
                break
        else:
            return False
    return True


def _prime(stream: _Stream, bits: int, e: int) -> int:
    while True:
        candidate = int.from_bytes(stream.take(bits // 8), "big")
        candidate |= (3 << (bits - 2)) | 1  # top two bits set: p*q has exactly 2*bits bits
        if (candidate - 1) % e and _probably_prime(candidate, stream):
            return candidate


@cache
def derive_rsa_key(label: str, bits: int = 2048) -> rsa.RSAPrivateKey:
    """An RSA key whose primes are found from a fixed seed and ``label`` (same label, same
    key); test material only. The prime search takes a few tenths of a second in Python, so
    the key is kept in the per-user test PKI cache folder (mode 0700, like the TLS files)."""
    name = hashlib.sha256(f"rsa:{bits}:{label}".encode()).hexdigest()[:24]
    path = _cache_dir() / f"rsa-{name}.der"
    try:
        loaded = serialization.load_der_private_key(path.read_bytes(), password=None)
    except (OSError, ValueError):
        loaded = None
    if isinstance(loaded, rsa.RSAPrivateKey) and loaded.key_size == bits:
        return loaded
    key = _search_rsa_key(label, bits)
    der = key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    _write_if_changed(path, der)
    return key


def _search_rsa_key(label: str, bits: int) -> rsa.RSAPrivateKey:
    e = 65537
    stream = _Stream(f"rsa:{bits}:{label}")
    p = _prime(stream, bits // 2, e)
    q = _prime(stream, bits // 2, e)
    while q == p:
        q = _prime(stream, bits // 2, e)
    d = pow(e, -1, (p - 1) * (q - 1))
    numbers = rsa.RSAPrivateNumbers(
        p=p,
        q=q,
        d=d,
        dmp1=d % (p - 1),
        dmq1=d % (q - 1),
        iqmp=pow(q, -1, p),
        public_numbers=rsa.RSAPublicNumbers(e, p * q),
    )
    return numbers.private_key()


def _serial(label: str) -> int:
    return int.from_bytes(hashlib.sha256(_SEED_PREFIX + label.encode()).digest()[:16], "big") >> 1


def _ski(key: PrivateKey) -> x509.SubjectKeyIdentifier:
    return x509.SubjectKeyIdentifier.from_public_key(key.public_key())


def _aki(key: PrivateKey) -> x509.AuthorityKeyIdentifier:
    return x509.AuthorityKeyIdentifier.from_issuer_public_key(key.public_key())


def _sign(builder: x509.CertificateBuilder, issuer_key: PrivateKey) -> x509.Certificate:
    if isinstance(issuer_key, rsa.RSAPrivateKey):
        return builder.sign(issuer_key, hashes.SHA256())
    return builder.sign(issuer_key, hashes.SHA384(), ecdsa_deterministic=True)


def _ca_certificate(
    subject: x509.Name,
    key: PrivateKey,
    issuer: x509.Name,
    issuer_key: PrivateKey,
    label: str,
    path_length: int | None,
) -> x509.Certificate:
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(_serial(label))
        .not_valid_before(_CA_NOT_BEFORE)
        .not_valid_after(_CA_NOT_AFTER)
        .add_extension(x509.BasicConstraints(ca=True, path_length=path_length), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(_ski(key), critical=False)
    )
    if issuer_key is not key:
        builder = builder.add_extension(_aki(issuer_key), critical=False)
    return _sign(builder, issuer_key)


def _key_usage(*, digital_signature: bool, non_repudiation: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=digital_signature,
        content_commitment=non_repudiation,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=False,
        crl_sign=False,
        encipher_only=False,
        decipher_only=False,
    )


@cache
def _root() -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    key = derive_key("root-ca")
    return key, _ca_certificate(_ROOT_NAME, key, _ROOT_NAME, key, "root-ca", 1)


@cache
def _citizen_ca() -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    root_key, _ = _root()
    key = derive_key("citizen-ca")
    return key, _ca_certificate(_CITIZEN_CA_NAME, key, _ROOT_NAME, root_key, "citizen-ca", 0)


@cache
def _rsa_root() -> tuple[rsa.RSAPrivateKey, x509.Certificate]:
    key = derive_rsa_key("rsa-root-ca")
    return key, _ca_certificate(_RSA_ROOT_NAME, key, _RSA_ROOT_NAME, key, "rsa-root-ca", 1)


@cache
def _rsa_citizen_ca() -> tuple[rsa.RSAPrivateKey, x509.Certificate]:
    root_key, _ = _rsa_root()
    key = derive_rsa_key("rsa-citizen-ca")
    return key, _ca_certificate(
        _RSA_CITIZEN_CA_NAME, key, _RSA_ROOT_NAME, root_key, "rsa-citizen-ca", 0
    )


@cache
def _rrn() -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    root_key, _ = _root()
    return derive_key("rrn"), _rrn_certificate(derive_key("rrn"), _RRN_NAME, root_key, "rrn")


@cache
def _rsa_rrn() -> tuple[rsa.RSAPrivateKey, x509.Certificate]:
    root_key, _ = _rsa_root()
    key = derive_rsa_key("rsa-rrn")
    return key, _rrn_certificate(key, _RSA_RRN_NAME, root_key, "rsa-rrn")


def _rrn_certificate(
    key: PrivateKey, subject: x509.Name, root_key: PrivateKey, label: str
) -> x509.Certificate:
    issuer = _RSA_ROOT_NAME if isinstance(root_key, rsa.RSAPrivateKey) else _ROOT_NAME
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(_serial(label))
        .not_valid_before(_LEAF_NOT_BEFORE)
        .not_valid_after(_LEAF_NOT_AFTER)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(digital_signature=True, non_repudiation=True), critical=True)
        .add_extension(_ski(key), critical=False)
        .add_extension(_aki(root_key), critical=False)
    )
    return _sign(builder, root_key)


def _common_name(citizen: Citizen, purpose: str) -> str:
    """ "First Surname (Purpose)", the name cut so the whole fits X.509's 64 characters."""
    suffix = f" ({purpose})"
    return citizen.given_and_surname[: 64 - len(suffix)].rstrip() + suffix


def _citizen_subject(citizen: Citizen, purpose: str) -> x509.Name:
    given = citizen.first_names.split(" ")
    given_names = " ".join(given[:2])
    if citizen.third_initial:
        given_names += f" {citizen.third_initial}"
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "BE"),
            x509.NameAttribute(NameOID.COMMON_NAME, _common_name(citizen, purpose)),
            x509.NameAttribute(NameOID.SURNAME, citizen.surname),
            x509.NameAttribute(NameOID.GIVEN_NAME, given_names),
            x509.NameAttribute(NameOID.SERIAL_NUMBER, citizen.national_number),
        ]
    )


@cache
def _citizen_leaf(citizen_id: str, purpose: str) -> tuple[PrivateKey, bytes]:
    citizen = CITIZENS[citizen_id]
    generation = citizen.generation
    ca_key: PrivateKey
    if generation.rsa_chain:
        ca_key, ca_name = _rsa_citizen_ca()[0], _RSA_CITIZEN_CA_NAME
    else:
        ca_key, ca_name = _citizen_ca()[0], _CITIZEN_CA_NAME
    label = f"{purpose.lower()}:{citizen_id}"
    key: PrivateKey = derive_rsa_key(label) if generation.rsa_keys else derive_key(label)
    auth = purpose == "Authentication"
    builder = (
        x509.CertificateBuilder()
        .subject_name(_citizen_subject(citizen, purpose))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(_serial(label))
        .not_valid_before(_LEAF_NOT_BEFORE)
        .not_valid_after(_LEAF_NOT_AFTER)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(digital_signature=auth, non_repudiation=not auth), critical=True)
        .add_extension(_ski(key), critical=False)
        .add_extension(_aki(ca_key), critical=False)
    )
    if auth:
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False
        )
    cert = _sign(builder, ca_key)
    return key, cert.public_bytes(serialization.Encoding.DER)


@dataclass(frozen=True, slots=True)
class CardKeys:
    """The keys and DER certificates one virtual card holds.

    ``auth_certificate`` is empty when the card has no authentication certificate (kids cards
    of young children: card content v5.4 §4.5 and §8.1).
    """

    auth_key: PrivateKey
    sign_key: PrivateKey
    auth_certificate: bytes
    sign_certificate: bytes
    citizen_ca_certificate: bytes
    root_ca_certificate: bytes
    rrn_certificate: bytes


def card_keys(citizen_id: str) -> CardKeys:
    """Keys and certificates for one citizen's card (cached)."""
    citizen = CITIZENS[citizen_id]
    generation = citizen.generation
    auth_key, auth_cert = _citizen_leaf(citizen_id, "Authentication")
    sign_key, sign_cert = _citizen_leaf(citizen_id, "Signature")
    rsa_chain = generation.rsa_chain
    return CardKeys(
        auth_key=auth_key,
        sign_key=sign_key,
        auth_certificate=auth_cert if citizen.has_auth_certificate else b"",
        sign_certificate=sign_cert if citizen.has_auth_certificate else b"",
        citizen_ca_certificate=_der(_rsa_citizen_ca() if rsa_chain else _citizen_ca()),
        root_ca_certificate=_der(_rsa_root() if rsa_chain else _root()),
        rrn_certificate=_der(_rsa_rrn() if generation.rsa_register else _rrn()),
    )


def _der(pair: tuple[PrivateKey, x509.Certificate]) -> bytes:
    return pair[1].public_bytes(serialization.Encoding.DER)


def root_ca_certificate() -> bytes:
    """The EC test eID root CA certificate (DER), the root of applet 1.8 and re-keyed cards."""
    return _der(_root())


def rsa_root_ca_certificate() -> bytes:
    """The RSA test eID root CA certificate (DER), the root of applet 1.7 RSA cards."""
    return _der(_rsa_root())


def demo_roots() -> tuple[bytes, ...]:
    """Every root the virtual cards chain to: what the demo adds to the trust store and what
    the demo hub trusts (never trusted for a real card)."""
    return (root_ca_certificate(), rsa_root_ca_certificate())


def citizen_ca_certificate() -> bytes:
    """The EC test citizen CA certificate (DER)."""
    return _der(_citizen_ca())


def rrn_certificate() -> bytes:
    """The EC test national register certificate (DER)."""
    return _der(_rrn())


def rrn_sign(data: bytes, generation: Generation = Generation.APPLET_18) -> bytes:
    """Sign ``data`` as the national register does for cards of ``generation``: ECDSA P-384
    with SHA-384, DER (applet 1.8 and re-keyed 1.7 cards: card content v5.4 §6.2.3 and the 1.7
    content addendum), or RSA PKCS#1 v1.5 with SHA-1, the hash of the SHA-1 photo hash (applet
    1.7 cards; eid-mw ``certhelpers.c`` picks the hash from the photo hash length)."""
    if generation.rsa_register:
        return _rsa_rrn()[0].sign(data, padding.PKCS1v15(), hashes.SHA1())
    return _rrn()[0].sign(data, ec.ECDSA(hashes.SHA384(), deterministic_signing=True))


@cache
def _tls_material() -> tuple[bytes, bytes, bytes]:
    ca_key = derive_key("tls-ca")
    ca_cert = _ca_certificate(_TLS_CA_NAME, ca_key, _TLS_CA_NAME, ca_key, "tls-ca", 0)
    key = derive_key("tls-server")
    builder = (
        x509.CertificateBuilder()
        .subject_name(
            x509.Name(
                [
                    x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Dossier Assistant TEST"),
                    x509.NameAttribute(NameOID.COMMON_NAME, "localhost"),
                ]
            )
        )
        .issuer_name(_TLS_CA_NAME)
        .public_key(key.public_key())
        .serial_number(_serial("tls-server"))
        .not_valid_before(_LEAF_NOT_BEFORE)
        .not_valid_after(_LEAF_NOT_AFTER)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(IPv4Address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(_key_usage(digital_signature=True, non_repudiation=False), critical=True)
        .add_extension(_ski(key), critical=False)
        .add_extension(_aki(ca_key), critical=False)
    )
    cert = _sign(builder, ca_key)
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return (
        cert.public_bytes(serialization.Encoding.PEM),
        key_pem,
        ca_cert.public_bytes(serialization.Encoding.PEM),
    )


def _cache_dir() -> Path:
    uid = os.getuid() if hasattr(os, "getuid") else 0
    path = Path(tempfile.gettempdir()) / f"dossier-assistant-test-pki-{uid}"
    path.mkdir(mode=0o700, exist_ok=True)
    return path


def _write_if_changed(path: Path, data: bytes) -> None:
    if path.exists() and path.read_bytes() == data:
        return
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def tls_server_credentials() -> tuple[Path, Path, Path]:
    """Paths of (server certificate PEM, server key PEM, TLS CA PEM) for the loopback hub.

    The files are written on demand to a per-user temporary cache directory.
    """
    cert_pem, key_pem, ca_pem = _tls_material()
    folder = _cache_dir()
    paths = (folder / "server-cert.pem", folder / "server-key.pem", folder / "tls-ca.pem")
    for path, data in zip(paths, (cert_pem, key_pem, ca_pem), strict=True):
        _write_if_changed(path, data)
    return paths
