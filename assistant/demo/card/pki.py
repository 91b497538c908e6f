"""A deterministic test PKI for the virtual eID cards and the loopback TLS hub.

Keys are ECDSA P-384, derived from fixed seeds with ``ec.derive_private_key``; certificates
have fixed serial numbers and validity dates and are signed deterministically (RFC 6979), so
every run produces the same bytes. The chain mirrors the Belgian one:

    test root CA ─┬─ test citizen CA ─┬─ authentication certificate (per citizen)
                  │                   └─ non-repudiation certificate (per citizen)
                  └─ test national register (RRN) certificate (signs identity/address files)

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
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from assistant.demo.card.citizens import CITIZENS, Citizen

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


def _serial(label: str) -> int:
    return int.from_bytes(hashlib.sha256(_SEED_PREFIX + label.encode()).digest()[:16], "big") >> 1


def _ski(key: ec.EllipticCurvePrivateKey) -> x509.SubjectKeyIdentifier:
    return x509.SubjectKeyIdentifier.from_public_key(key.public_key())


def _aki(key: ec.EllipticCurvePrivateKey) -> x509.AuthorityKeyIdentifier:
    return x509.AuthorityKeyIdentifier.from_issuer_public_key(key.public_key())


def _sign(
    builder: x509.CertificateBuilder, issuer_key: ec.EllipticCurvePrivateKey
) -> x509.Certificate:
    return builder.sign(issuer_key, hashes.SHA384(), ecdsa_deterministic=True)


def _ca_certificate(
    subject: x509.Name,
    key: ec.EllipticCurvePrivateKey,
    issuer: x509.Name,
    issuer_key: ec.EllipticCurvePrivateKey,
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
def _rrn() -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    root_key, _ = _root()
    key = derive_key("rrn")
    builder = (
        x509.CertificateBuilder()
        .subject_name(_RRN_NAME)
        .issuer_name(_ROOT_NAME)
        .public_key(key.public_key())
        .serial_number(_serial("rrn"))
        .not_valid_before(_LEAF_NOT_BEFORE)
        .not_valid_after(_LEAF_NOT_AFTER)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(digital_signature=True, non_repudiation=True), critical=True)
        .add_extension(_ski(key), critical=False)
        .add_extension(_aki(root_key), critical=False)
    )
    return key, _sign(builder, root_key)


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
def _citizen_leaf(citizen_id: str, purpose: str) -> tuple[ec.EllipticCurvePrivateKey, bytes]:
    citizen = CITIZENS[citizen_id]
    ca_key, _ = _citizen_ca()
    label = f"{purpose.lower()}:{citizen_id}"
    key = derive_key(label)
    auth = purpose == "Authentication"
    builder = (
        x509.CertificateBuilder()
        .subject_name(_citizen_subject(citizen, purpose))
        .issuer_name(_CITIZEN_CA_NAME)
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
    """The keys and DER certificates one virtual card holds."""

    auth_key: ec.EllipticCurvePrivateKey
    sign_key: ec.EllipticCurvePrivateKey
    auth_certificate: bytes
    sign_certificate: bytes
    citizen_ca_certificate: bytes
    root_ca_certificate: bytes
    rrn_certificate: bytes


def card_keys(citizen_id: str) -> CardKeys:
    """Keys and certificates for one citizen's card (cached)."""
    auth_key, auth_cert = _citizen_leaf(citizen_id, "Authentication")
    sign_key, sign_cert = _citizen_leaf(citizen_id, "Signature")
    return CardKeys(
        auth_key=auth_key,
        sign_key=sign_key,
        auth_certificate=auth_cert,
        sign_certificate=sign_cert,
        citizen_ca_certificate=citizen_ca_certificate(),
        root_ca_certificate=root_ca_certificate(),
        rrn_certificate=rrn_certificate(),
    )


def root_ca_certificate() -> bytes:
    """The test eID root CA certificate (DER): the demo hub trusts this root."""
    return _root()[1].public_bytes(serialization.Encoding.DER)


def citizen_ca_certificate() -> bytes:
    """The test citizen CA certificate (DER)."""
    return _citizen_ca()[1].public_bytes(serialization.Encoding.DER)


def rrn_certificate() -> bytes:
    """The test national register certificate (DER)."""
    return _rrn()[1].public_bytes(serialization.Encoding.DER)


def rrn_sign(data: bytes) -> bytes:
    """Sign ``data`` with the test national register key (DER ECDSA-SHA384)."""
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
