"""The Belgian eID applet: reading its files, GET CARD DATA, PIN commands and the signature.

Everything here talks to a :class:`~assistant.card.connection.CardConnection` and blocks: call
it from a worker thread. ``read_card`` is all-or-nothing: it returns a complete
:class:`CardData` or raises, so a card pulled half-way never leaves a partial identity.

APDU facts, with their sources (eid-mw is the official middleware, Fedict/eid-mw; the manuals
are the "Public Belpic Applet v1.7/v1.8 Reference Manual" in its ``doc/sdk/documentation``):

* SELECT by path from the master file: ``00 A4 08 0C Lc <path without 3F00>``.
* READ BINARY in chunks of 252 bytes (eid-mw ``MAX_APDU_READ_LEN``). The end of a file shows as
  a shorter answer, ``6Cxx`` (re-issue with Le = xx) or ``6B00`` (offset past the end, when
  the size is a multiple of the chunk) (eid-mw ``CCard::ReadFile``).
* ``61xx``: GET RESPONSE ``00 C0 00 00 xx`` (T=0; both manuals §6.1).
* Before re-sending after ``6Cxx``, eid-mw waits 50 ms on cards whose GET CARD DATA gives the
  global OS version 0001 (``CCard::CCard`` sets ``m_ul6CDelay``; ``SendAPDU`` sleeps).
* GET CARD DATA ``80 E4 00 00 1C``: 28 bytes on every applet (layout in :class:`CardInfo`).
  Applet 1.8 also answers ``80 E4 00 01 1F``: the same 28 bytes, then the PIN tries left and
  two bytes for future use (1.8 manual §6.14; eid-mw ``CCard::CCard`` reads byte 28). Applet
  1.7 only knows P2 = 00 (1.8 manual, compatibility note).
* VERIFY with no data (Lc = 0) spends no try and answers ``63Cx`` with the tries left,
  ``9000`` when the PIN is already verified, ``6983`` when blocked (both manuals, "MVP:VERIFY
  with Lc=0 management"; "in V1.1 of the product" it counted as a wrong PIN, so we send it only
  to applet 1.7 cards, which have no other way to tell the tries).
* CHANGE REFERENCE DATA ``00 24 00 01 10`` + current PIN block + new PIN block (both manuals
  §6.6/§6.10; eid-mw ``CCard::MakePinCmd``).
* Certificates live in DF00 (5038 authentication ... 503C national register). A certificate
  that was not issued is a file of zero bytes only (card content v5.4 §8.1: kids cards may
  have no authentication certificate).
* Signing (eid-mw ``CCard::SignInternal``): SELECT 3F00/DF00 ("For V1.7 cards, the Belpic dir
  (3F00DF00) has to be selected", done for every applet from 1.7 on), then MSE SET
  ``00 22 41 B6 05 04 80 <algo> 84 <key>``; on ``6A82``/``6A86``/``6D00`` select the applet
  by its AID and send MSE SET once more (``CCard::SetSecurityEnv``, ``ShouldSelectApplet``);
  then PSO COMPUTE DIGITAL SIGNATURE ``00 2A 9E 9A Lc <data> 00``.
  Applet 1.8 (ECDSA P-384): algorithm 02 "ECDSA over a SHA-384 hash" → raw ``r || s``.
  Applet 1.7 (RSA 2048): the manual's algorithm table has no SHA-384, so, as eid-mw
  ``CCard::CardSign`` does for SHA-384 on those cards, algorithm 01 (PKCS#1 v1.5, hash not
  specified) with the SHA-384 DigestInfo followed by the digest → a 256-byte signature.
"""

from __future__ import annotations

import hashlib
import logging
import time
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import cast

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from assistant.card.connection import CardConnection
from assistant.card.identity import (
    Address,
    BirthDate,
    DocumentType,
    Identity,
    parse_address,
    parse_identity,
)
from assistant.card.integrity import verify_identity_files
from assistant.card.pin import (
    CHANGE_HEADER,
    TRIES_QUERY,
    VERIFY_HEADER,
    PinResult,
    encode_pin_block,
    pin_result_from_status,
)
from assistant.card.signature import DIGEST_SIZE
from assistant.card.trust import TrustStore, root_name
from assistant.errors import BadDataError, CardError, NotEidCardError

log = logging.getLogger(__name__)

READ_CHUNK = 252
MAX_FILE_OFFSET = 0x7FFF  # P1 bit 8 set would mean a short file identifier

SW_OK = 0x9000
SW_END_OF_FILE = 0x6B00
SW_FILE_NOT_FOUND = 0x6A82
SW_WRONG_P1P2 = 0x6A86
SW_NOT_AVAILABLE = 0x6D00

# File paths below the master file 3F00.
PATH_IDENTITY = bytes.fromhex("DF014031")
PATH_IDENTITY_SIGNATURE = bytes.fromhex("DF014032")
PATH_ADDRESS = bytes.fromhex("DF014033")
PATH_ADDRESS_SIGNATURE = bytes.fromhex("DF014034")
PATH_PHOTO = bytes.fromhex("DF014035")
PATH_BELPIC = bytes.fromhex("DF00")

#: The applet's AID, selected again when MSE SET finds no applet (eid-mw ``APPLET_AID``).
APPLET_AID = bytes.fromhex("A00000003029057000AD13100101FF")
SELECT_APPLET = bytes([0x00, 0xA4, 0x04, 0x00, len(APPLET_AID)]) + APPLET_AID

CERTIFICATE_PATHS: dict[str, bytes] = {
    "authentication": bytes.fromhex("DF005038"),
    "signature": bytes.fromhex("DF005039"),
    "citizen_ca": bytes.fromhex("DF00503A"),
    "root_ca": bytes.fromhex("DF00503B"),
    "rrn": bytes.fromhex("DF00503C"),
}
#: What the hub's challenge needs: the authentication chain, leaf first.
AUTH_CHAIN = ("authentication", "citizen_ca", "root_ca")
#: What checking the identity and address signatures needs (always read).
INTEGRITY_CHAIN = ("rrn", "root_ca")

KEY_AUTHENTICATION = 0x82
KEY_SIGNATURE = 0x83
ALGO_ECDSA_SHA384 = 0x02  # applet 1.8 manual, algorithm references
ALGO_RSA_PKCS1 = 0x01  # applet 1.7 manual Table 11: PKCS#1 v1.5, hash not specified
APPLET_17 = 0x17
APPLET_ECDSA = 0x18  # applet 1.8: ECDSA P-384 keys

#: DigestInfo before a SHA-384 digest (the DER prefix of PKCS#1 v1.5 for SHA-384; eid-mw
#: ``SHA384_AID``).
SHA384_DIGEST_INFO = bytes.fromhex("3041300d060960864801650304020205000430")

GET_CARD_DATA = bytes.fromhex("80E400001C")
GET_CARD_DATA_WITH_TRIES = bytes.fromhex("80E400011F")
CARD_DATA_SIZE = 28
#: Global OS version after which eid-mw waits before re-sending a command after 6Cxx.
OS_VERSION_NEEDING_6C_DELAY = 0x0001
DELAY_AFTER_6C = 0.050
#: The tries byte when the card has no such PIN (1.8 manual §6.14).
TRIES_UNKNOWN = 0xFF

_PHOTO_HASHES = {20: hashlib.sha1, 32: hashlib.sha256, 48: hashlib.sha384}


@dataclass(frozen=True)
class CardInfo:
    """GET CARD DATA, byte by byte (both manuals' "Detailed Response")."""

    serial_number: bytes  # 0-15: 2 reserved, 2 chip manufacturer, 12 chip serial
    component_code: int  # 16
    os_number: int  # 17
    os_version: int  # 18
    softmask_number: int  # 19
    softmask_version: int  # 20
    applet_version: int  # 21, e.g. 0x17 = 1.7, 0x18 = 1.8
    global_os_version: int  # 22-23
    applet_interface_version: int  # 24
    pkcs1_support: int  # 25
    key_exchange_version: int  # 26
    applet_life_cycle: int  # 27
    pin_tries_left: int | None = None  # byte 28 with P2 = 01 (applet 1.8 only)

    @property
    def chip_manufacturer(self) -> int:
        return int.from_bytes(self.serial_number[2:4], "big")

    @property
    def applet_version_text(self) -> str:
        return f"{self.applet_version >> 4}.{self.applet_version & 0x0F}"

    @property
    def signs_with_ecdsa(self) -> bool:
        """Applet 1.8 keys are EC; earlier applets (re-keyed 1.7 cards too) have RSA keys
        (eid-mw ``CCard::GetSupportedAlgorithms``)."""
        return self.applet_version >= APPLET_ECDSA

    @property
    def key_type(self) -> str:
        """ "EC P-384" or "RSA 2048" (eid-mw ``CCard::GetPrivKeySize``)."""
        if self.signs_with_ecdsa:
            return "EC P-384"
        return "RSA 2048" if self.applet_version >= APPLET_17 else "RSA 1024"

    @property
    def delay_after_6c(self) -> float:
        """Seconds to wait before re-sending after 6Cxx (eid-mw ``m_ul6CDelay``)."""
        return DELAY_AFTER_6C if self.global_os_version == OS_VERSION_NEEDING_6C_DELAY else 0.0

    @classmethod
    def parse(cls, data: bytes) -> CardInfo:
        if len(data) < CARD_DATA_SIZE:
            raise BadDataError(f"GET CARD DATA gave {len(data)} bytes, expected 28")
        tries = data[28] if len(data) > CARD_DATA_SIZE else None
        return cls(
            serial_number=bytes(data[0:16]),
            component_code=data[16],
            os_number=data[17],
            os_version=data[18],
            softmask_number=data[19],
            softmask_version=data[20],
            applet_version=data[21],
            global_os_version=int.from_bytes(data[22:24], "big"),
            applet_interface_version=data[24],
            pkcs1_support=data[25],
            key_exchange_version=data[26],
            applet_life_cycle=data[27],
            pin_tries_left=None if tries == TRIES_UNKNOWN else tries,
        )


_BLANK_IDENTITY = Identity(
    card_number="",
    chip_number="",
    validity_start=date.min,
    validity_end=date.min,
    delivery_municipality="",
    national_number="",
    surname="",
    first_names="",
    third_initial="",
    nationality="",
    birth_location="",
    birth_date=BirthDate(1),
    sex="",
    noble_condition="",
    document_type=DocumentType.OTHER,
    special_status="",
    photo_hash=b"",
)
_BLANK_ADDRESS = Address("", "", "")


class NoAuthenticationCertificateError(CardError):
    """The card has no authentication certificate (a kids card): it cannot log in."""


@dataclass
class CardData:
    """Everything read from one card. Call :meth:`wipe` when the patient leaves.

    ``root`` is the name of the trusted root the card chains to ("Belgium Root CA4").
    """

    identity: Identity
    address: Address
    photo: bytes
    certificates: dict[str, bytes]
    card_info: CardInfo
    root: str = ""
    wiped: bool = field(default=False)

    @property
    def can_log_in(self) -> bool:
        """Whether the card has an authentication certificate (kids cards may have none).
        Unknown (True) when the certificates were not read."""
        return self.certificates.get("authentication", b"x") != b""

    def auth_chain(self) -> tuple[bytes, ...]:
        """The authentication certificate chain, leaf first (needs the certificates read)."""
        try:
            chain = tuple(self.certificates[name] for name in AUTH_CHAIN)
        except KeyError as exc:
            raise CardError("authentication certificates were not read") from exc
        if not chain[0]:
            raise NoAuthenticationCertificateError("the card has no authentication certificate")
        return chain

    def wipe(self) -> None:
        """Drop every reference to personal data held here."""
        self.identity = _BLANK_IDENTITY
        self.address = _BLANK_ADDRESS
        self.photo = b""
        self.certificates.clear()
        self.wiped = True

    def __repr__(self) -> str:
        return f"CardData(<hidden>, wiped={self.wiped})"


# --- transport -------------------------------------------------------------------------


def transceive(conn: CardConnection, apdu: bytes, delay_6c: float = 0.0) -> tuple[bytes, int]:
    """Send one command; follow ``61xx`` (GET RESPONSE) and ``6Cxx`` (re-issue with Le=xx,
    after ``delay_6c`` seconds, see :attr:`CardInfo.delay_after_6c`).

    Returns (data, status word).
    """
    data, sw1, sw2 = conn.transmit(apdu)
    if sw1 != 0x6C and sw1 != 0x61:
        return data, (sw1 << 8) | sw2
    if sw1 == 0x6C and len(apdu) == 5:
        if delay_6c:
            time.sleep(delay_6c)
        data, sw1, sw2 = conn.transmit(bytes(apdu[:4]) + bytes([sw2]))
    collected = bytearray(data)
    while sw1 == 0x61:
        more, sw1, sw2 = conn.transmit(bytes([0x00, 0xC0, 0x00, 0x00, sw2]))
        collected += more
    return bytes(collected), (sw1 << 8) | sw2


def _select_apdu(path: bytes) -> bytes:
    return bytes([0x00, 0xA4, 0x08, 0x0C, len(path)]) + path


def select_path(conn: CardConnection, path: bytes) -> None:
    """SELECT a file by its path from the master file."""
    _data, sw = transceive(conn, _select_apdu(path))
    if sw != SW_OK:
        raise CardError(f"SELECT {path.hex().upper()} answered {sw:04X}")


def read_binary(conn: CardConnection, delay_6c: float = 0.0) -> bytes:
    """READ BINARY the selected file to its end."""
    content = bytearray()
    while True:
        offset = len(content)
        if offset > MAX_FILE_OFFSET:
            raise BadDataError("file larger than the card can address")
        apdu = bytes([0x00, 0xB0, offset >> 8, offset & 0xFF, READ_CHUNK])
        data, sw = transceive(conn, apdu, delay_6c)
        if sw == SW_END_OF_FILE:
            # Past the end: the size was a multiple of the chunk, or (offset 0) the file is
            # empty. eid-mw refuses the empty case; we read it as empty, so that a
            # certificate slot written with nothing is "no certificate", like its zeros.
            break
        if sw != SW_OK:
            raise CardError(f"READ BINARY at {offset} answered {sw:04X}")
        content += data
        if len(data) < READ_CHUNK:
            break
    return bytes(content)


def read_file(conn: CardConnection, path: bytes, delay_6c: float = 0.0) -> bytes:
    select_path(conn, path)
    return read_binary(conn, delay_6c)


# --- the applet ------------------------------------------------------------------------


def get_card_data(conn: CardConnection) -> CardInfo:
    """GET CARD DATA (P2 = 00, every applet). A card that does not know it is not an eID."""
    data, sw = transceive(conn, GET_CARD_DATA)
    if sw != SW_OK:
        raise NotEidCardError(f"GET CARD DATA answered {sw:04X}")
    return CardInfo.parse(data)


def get_pin_tries_left(conn: CardConnection, info: CardInfo) -> int | None:
    """How many PIN tries are left, read without spending one; None if the card cannot tell
    (or the PIN is already verified).

    Applet 1.8: GET CARD DATA with P2 = 01, byte 28. Applet 1.7: VERIFY with no data, whose
    ``63Cx`` gives the tries (both manuals). Older applets: None (VERIFY with no data
    counted as a wrong PIN on applet V1.1).
    """
    if info.applet_version >= APPLET_ECDSA:
        data, sw = transceive(conn, GET_CARD_DATA_WITH_TRIES, info.delay_after_6c)
        if sw != SW_OK:
            raise CardError(f"GET CARD DATA (P2=01) answered {sw:04X}")
        return CardInfo.parse(data).pin_tries_left
    if info.applet_version == APPLET_17:
        _data, sw1, sw2 = conn.transmit(TRIES_QUERY)
        if sw1 == 0x63 and sw2 & 0xF0 == 0xC0:
            return sw2 & 0x0F
        if (sw1, sw2) == (0x69, 0x83):
            return 0
        if (sw1, sw2) == (0x90, 0x00):
            return None
        raise CardError(f"VERIFY without data answered {sw1:02X}{sw2:02X}")
    return None


def check_photo(photo: bytes, photo_hash: bytes) -> None:
    """The photo must match the hash in the identity file (SHA-1 on applet 1.7 cards,
    SHA-384 on 1.8; the hash length says which)."""
    algorithm = _PHOTO_HASHES.get(len(photo_hash))
    if algorithm is None:
        raise BadDataError(f"photo hash has an unknown length {len(photo_hash)}")
    if algorithm(photo).digest() != photo_hash:
        raise BadDataError("photo does not match the identity file's photo hash")


def read_card(
    conn: CardConnection,
    *,
    trust: TrustStore,
    with_certificates: bool = True,
    now: datetime | None = None,
) -> CardData:
    """Read card data, identity, address, photo and the authentication certificates.

    The identity and address are checked against the national register's signatures, the
    card's root against ``trust`` (:mod:`assistant.card.trust`: the public Belgian roots,
    plus the test roots in the demo) and the photo against its hash before anything is
    returned. All-or-nothing: raises ``CardRemovedError`` / ``CardError`` /
    ``NotEidCardError`` / ``BadDataError`` (``CardIntegrityError`` for a tampered card,
    ``CardRootUntrustedError`` for a card of another PKI) and never returns part of the data.
    A card without authentication certificate (kids cards) is read: ``can_log_in`` is False.
    """
    info = get_card_data(conn)
    delay = info.delay_after_6c
    _data, sw = transceive(conn, _select_apdu(PATH_IDENTITY))
    if sw in (SW_FILE_NOT_FOUND, SW_WRONG_P1P2):
        raise NotEidCardError(f"no identity file ({sw:04X})")
    if sw != SW_OK:
        raise CardError(f"SELECT identity answered {sw:04X}")
    identity_file = read_binary(conn, delay)
    identity_signature = read_file(conn, PATH_IDENTITY_SIGNATURE, delay)
    address_file = read_file(conn, PATH_ADDRESS, delay)
    address_signature = read_file(conn, PATH_ADDRESS_SIGNATURE, delay)
    photo = read_file(conn, PATH_PHOTO, delay)
    certificates: dict[str, bytes] = {}
    for name in (*INTEGRITY_CHAIN, *(AUTH_CHAIN if with_certificates else ())):
        if name not in certificates:
            certificates[name] = read_certificate(conn, name, delay)
    if not certificates["rrn"] or not certificates["root_ca"]:
        raise BadDataError("the card has no national register or root certificate")
    identity = parse_identity(identity_file)
    trusted_root = verify_identity_files(
        identity=identity_file,
        identity_signature=identity_signature,
        address=address_file,
        address_signature=address_signature,
        rrn_certificate=certificates["rrn"],
        root_certificate=certificates["root_ca"],
        trust=trust,
        photo_hash_size=len(identity.photo_hash),
        now=now,
    )
    address = parse_address(address_file)
    check_photo(photo, identity.photo_hash)
    log.info(
        "card read: applet %s, document type %s",
        info.applet_version_text,
        identity.document_type.name,
    )
    return CardData(identity, address, photo, certificates, info, root=root_name(trusted_root))


def read_certificate(conn: CardConnection, name: str, delay_6c: float = 0.0) -> bytes:
    """One certificate file (DER), trimmed of the card's zero padding; ``b""`` when the file
    holds no certificate (zero bytes only, or nothing)."""
    data = read_file(conn, CERTIFICATE_PATHS[name], delay_6c)
    if not any(data):
        return b""
    return _trim_der(data)


def _trim_der(data: bytes) -> bytes:
    """Cut a DER SEQUENCE to its declared length (files may be padded)."""
    if len(data) < 2 or data[0] != 0x30:
        raise BadDataError("certificate is not a DER sequence")
    first = data[1]
    if first < 0x80:
        total = 2 + first
    else:
        count = first & 0x7F
        if count == 0 or count > 3 or len(data) < 2 + count:
            raise BadDataError("certificate length malformed")
        total = 2 + count + int.from_bytes(data[2 : 2 + count], "big")
    if total > len(data):
        raise BadDataError("certificate truncated")
    return bytes(data[:total])


def certificate_validity(der: bytes) -> tuple[datetime, datetime]:
    """(not before, not after) of a DER certificate, in UTC."""
    certificate = x509.load_der_x509_certificate(der)
    return certificate.not_valid_before_utc, certificate.not_valid_after_utc


def certificate_key_type(der: bytes) -> str:
    """ "EC P-384", "RSA 2048", … of a DER certificate's public key."""
    key = x509.load_der_x509_certificate(der).public_key()
    if isinstance(key, ec.EllipticCurvePublicKey):
        return f"EC P-{key.curve.key_size}"
    if isinstance(key, rsa.RSAPublicKey):
        return f"RSA {key.key_size}"
    return type(key).__name__


def _send_pin_command(
    conn: CardConnection, header: bytes, pins: list[bytearray]
) -> tuple[int, int]:
    """Send VERIFY or CHANGE REFERENCE DATA with PIN blocks; zero every PIN and copy."""
    blocks: list[bytearray] = []
    apdu = bytearray()
    try:
        for pin in pins:
            blocks.append(encode_pin_block(pin))
        apdu = bytearray(header)
        for block in blocks:
            apdu += block
        # The bytearray goes to the link as is (no immutable copy) so it can be zeroed below.
        _data, sw1, sw2 = conn.transmit(cast(bytes, apdu))
    finally:
        for buffer in (*pins, *blocks, apdu):
            buffer[:] = bytes(len(buffer))
    return sw1, sw2


def verify_pin(conn: CardConnection, pin: bytearray) -> PinResult:
    """VERIFY the card holder PIN once. Zeroes ``pin`` and every copy made here."""
    sw1, sw2 = _send_pin_command(conn, VERIFY_HEADER, [pin])
    result = pin_result_from_status(sw1, sw2)
    log.info("PIN verification: %s", type(result).__name__)
    return result


def change_pin(conn: CardConnection, current: bytearray, new: bytearray) -> PinResult:
    """CHANGE REFERENCE DATA: ``current`` is checked like VERIFY (a wrong one spends a try);
    when correct, ``new`` replaces it. Zeroes both PINs and every copy made here."""
    try:
        sw1, sw2 = _send_pin_command(conn, CHANGE_HEADER, [current, new])
    finally:
        for buffer in (current, new):
            buffer[:] = bytes(len(buffer))
    result = pin_result_from_status(sw1, sw2)
    log.info("PIN change: %s", type(result).__name__)
    return result


def sign_digest(conn: CardConnection, digest: bytes, info: CardInfo) -> bytes:
    """Sign a SHA-384 digest with the authentication key (the PIN must be verified).

    Returns the raw ECDSA ``r || s`` (96 bytes) on applet 1.8 cards, an RSA PKCS#1 v1.5
    signature (256 bytes) on applet 1.7 cards.
    """
    if len(digest) != DIGEST_SIZE:
        raise ValueError("the challenge digest must be 48 bytes (SHA-384)")
    if info.applet_version < APPLET_17:
        raise CardError(f"applet {info.applet_version_text} is too old to sign here")
    if info.signs_with_ecdsa:
        algorithm, data, size = ALGO_ECDSA_SHA384, digest, 2 * DIGEST_SIZE
    else:
        algorithm, data, size = ALGO_RSA_PKCS1, SHA384_DIGEST_INFO + digest, 256
    select_path(conn, PATH_BELPIC)
    mse = bytes([0x00, 0x22, 0x41, 0xB6, 0x05, 0x04, 0x80, algorithm, 0x84, KEY_AUTHENTICATION])
    _data, sw = transceive(conn, mse)
    if sw in (SW_FILE_NOT_FOUND, SW_WRONG_P1P2, SW_NOT_AVAILABLE):
        _data, selected = transceive(conn, SELECT_APPLET)
        if selected == SW_OK or selected >> 8 == 0x61:
            _data, sw = transceive(conn, mse)
    if sw != SW_OK:
        raise CardError(f"MSE SET answered {sw:04X}")
    pso = bytes([0x00, 0x2A, 0x9E, 0x9A, len(data)]) + data + b"\x00"
    signature, sw = transceive(conn, pso)
    if sw == 0x6982:
        raise CardError("PSO refused: the PIN is not verified in this session")
    if sw != SW_OK:
        raise CardError(f"PSO COMPUTE DIGITAL SIGNATURE answered {sw:04X}")
    if len(signature) != size:
        raise BadDataError(f"signature has {len(signature)} bytes, expected {size}")
    return signature
