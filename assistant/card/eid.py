"""The Belgian eID applet: reading its files, GET CARD DATA, VERIFY PIN and the signature.

Everything here talks to a :class:`~assistant.card.connection.CardConnection` and blocks: call
it from a worker thread. ``read_card`` is all-or-nothing: it returns a complete
:class:`CardData` or raises, so a card pulled half-way never leaves a partial identity.

APDU facts (checked against the official middleware, eid-mw, and Commons eID):

* SELECT by path from the master file: ``00 A4 08 0C Lc <path without 3F00>``.
* READ BINARY in chunks of 252 bytes (eid-mw's MAX_APDU_READ_LEN). The end of a file shows as
  a shorter answer, ``6Cxx`` (re-issue with Le = xx) or ``6B00`` (offset past the end, when
  the size is a multiple of the chunk).
* ``61xx`` means more data waits: GET RESPONSE ``00 C0 00 00 xx`` (T=0).
* GET CARD DATA ``80 E4 00 00 1C``: 28 bytes, layout in :class:`CardInfo`; applet 1.8 adds a
  29th byte, the PIN tries left (read without spending a try).
* Certificates live in DF00 (5038 authentication ... 503C national register); DF01/4039 is
  not the national register certificate (shared/EID.md said "verify": Commons eID's FileType
  puts the RRN certificate at DF00/503C).
* MSE SET ``00 22 41 B6 05 04 80 <algo> 84 <key>`` then PSO COMPUTE DIGITAL SIGNATURE
  ``00 2A 9E 9A Lc <hash> 00``. Applet 1.8 cards (ECDSA P-384) use algorithm reference 0x02
  for "ECDSA over a SHA-384 hash" (0x01 SHA-256, 0x04 SHA-512, 0x40 raw); older RSA cards
  use 0x01/0x02/0x04/0x08 PKCS#1 references.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date
from typing import cast

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
from assistant.card.pin import VERIFY_HEADER, PinResult, encode_pin_block, pin_result_from_status
from assistant.card.signature import DIGEST_SIZE
from assistant.errors import BadDataError, CardError, NotEidCardError

log = logging.getLogger(__name__)

READ_CHUNK = 252
MAX_FILE_OFFSET = 0x7FFF  # P1 bit 8 set would mean a short file identifier

SW_OK = 0x9000
SW_END_OF_FILE = 0x6B00
SW_FILE_NOT_FOUND = 0x6A82
SW_WRONG_P1P2 = 0x6A86

# File paths below the master file 3F00.
PATH_IDENTITY = bytes.fromhex("DF014031")
PATH_IDENTITY_SIGNATURE = bytes.fromhex("DF014032")
PATH_ADDRESS = bytes.fromhex("DF014033")
PATH_ADDRESS_SIGNATURE = bytes.fromhex("DF014034")
PATH_PHOTO = bytes.fromhex("DF014035")
PATH_BELPIC = bytes.fromhex("DF00")

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
ALGO_ECDSA_SHA384 = 0x02
APPLET_ECDSA = 0x18  # applet 1.8: ECDSA P-384 keys

GET_CARD_DATA = bytes.fromhex("80E400001C")
CARD_DATA_SIZE = 28

_PHOTO_HASHES = {20: hashlib.sha1, 32: hashlib.sha256, 48: hashlib.sha384}


@dataclass(frozen=True)
class CardInfo:
    """GET CARD DATA, byte by byte (BELPIC GET CARD DATA layout, as Commons eID reads it)."""

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
    pin_tries_left: int | None = None  # byte 28, only when the card sends 29 bytes (1.8)

    @property
    def chip_manufacturer(self) -> int:
        return int.from_bytes(self.serial_number[2:4], "big")

    @property
    def applet_version_text(self) -> str:
        return f"{self.applet_version >> 4}.{self.applet_version & 0x0F}"

    @property
    def signs_with_ecdsa(self) -> bool:
        return self.applet_version >= APPLET_ECDSA

    @classmethod
    def parse(cls, data: bytes) -> CardInfo:
        if len(data) < CARD_DATA_SIZE:
            raise BadDataError(f"GET CARD DATA gave {len(data)} bytes, expected 28")
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
            pin_tries_left=data[28] if len(data) > CARD_DATA_SIZE else None,
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


@dataclass
class CardData:
    """Everything read from one card. Call :meth:`wipe` when the patient leaves."""

    identity: Identity
    address: Address
    photo: bytes
    certificates: dict[str, bytes]
    card_info: CardInfo
    wiped: bool = field(default=False)

    def auth_chain(self) -> tuple[bytes, ...]:
        """The authentication certificate chain, leaf first (needs the certificates read)."""
        try:
            return tuple(self.certificates[name] for name in AUTH_CHAIN)
        except KeyError as exc:
            raise CardError("authentication certificates were not read") from exc

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


def transceive(conn: CardConnection, apdu: bytes) -> tuple[bytes, int]:
    """Send one command; follow ``61xx`` (GET RESPONSE) and ``6Cxx`` (re-issue with Le=xx).

    Returns (data, status word).
    """
    data, sw1, sw2 = conn.transmit(apdu)
    if sw1 != 0x6C and sw1 != 0x61:
        return data, (sw1 << 8) | sw2
    if sw1 == 0x6C and len(apdu) == 5:
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


def read_binary(conn: CardConnection) -> bytes:
    """READ BINARY the selected file to its end."""
    content = bytearray()
    while True:
        offset = len(content)
        if offset > MAX_FILE_OFFSET:
            raise BadDataError("file larger than the card can address")
        apdu = bytes([0x00, 0xB0, offset >> 8, offset & 0xFF, READ_CHUNK])
        data, sw = transceive(conn, apdu)
        if sw == SW_END_OF_FILE and offset > 0:
            break
        if sw != SW_OK:
            raise CardError(f"READ BINARY at {offset} answered {sw:04X}")
        content += data
        if len(data) < READ_CHUNK:
            break
    return bytes(content)


def read_file(conn: CardConnection, path: bytes) -> bytes:
    select_path(conn, path)
    return read_binary(conn)


# --- the applet ------------------------------------------------------------------------


def get_card_data(conn: CardConnection) -> CardInfo:
    """GET CARD DATA. A card that does not know it is not a Belgian eID."""
    data, sw = transceive(conn, GET_CARD_DATA)
    if sw != SW_OK:
        raise NotEidCardError(f"GET CARD DATA answered {sw:04X}")
    return CardInfo.parse(data)


def get_pin_tries_left(conn: CardConnection) -> int | None:
    """How many PIN tries are left, without spending one (None if the card cannot tell).

    Applet 1.8 cards append the authentication PIN's tries counter as byte 28 of GET CARD
    DATA; older cards only have 28 bytes (they answer ``6C1C``).
    """
    data, sw = transceive(conn, GET_CARD_DATA[:4] + bytes([CARD_DATA_SIZE + 1]))
    if sw != SW_OK:
        raise CardError(f"GET CARD DATA answered {sw:04X}")
    return CardInfo.parse(data).pin_tries_left


def check_photo(photo: bytes, photo_hash: bytes) -> None:
    """The photo must match the hash in the identity file (SHA-1 on older cards, SHA-256/384
    on newer ones; the hash length says which)."""
    algorithm = _PHOTO_HASHES.get(len(photo_hash))
    if algorithm is None:
        raise BadDataError(f"photo hash has an unknown length {len(photo_hash)}")
    if algorithm(photo).digest() != photo_hash:
        raise BadDataError("photo does not match the identity file's photo hash")


def read_card(
    conn: CardConnection,
    *,
    with_certificates: bool = True,
    trusted_roots: Collection[bytes] | None = None,
) -> CardData:
    """Read card data, identity, address, photo and the authentication certificates.

    The identity and address are checked against the national register's signatures and
    the photo against its hash (:mod:`assistant.card.integrity`) before anything is
    returned. All-or-nothing: raises ``CardRemovedError`` / ``CardError`` /
    ``NotEidCardError`` / ``BadDataError`` (``CardIntegrityError`` for a tampered card) and
    never returns part of the data.
    """
    info = get_card_data(conn)
    _data, sw = transceive(conn, _select_apdu(PATH_IDENTITY))
    if sw in (SW_FILE_NOT_FOUND, SW_WRONG_P1P2):
        raise NotEidCardError(f"no identity file ({sw:04X})")
    if sw != SW_OK:
        raise CardError(f"SELECT identity answered {sw:04X}")
    identity_file = read_binary(conn)
    identity_signature = read_file(conn, PATH_IDENTITY_SIGNATURE)
    address_file = read_file(conn, PATH_ADDRESS)
    address_signature = read_file(conn, PATH_ADDRESS_SIGNATURE)
    photo = read_file(conn, PATH_PHOTO)
    certificates: dict[str, bytes] = {}
    for name in (*INTEGRITY_CHAIN, *(AUTH_CHAIN if with_certificates else ())):
        if name not in certificates:
            certificates[name] = read_certificate(conn, name)
    identity = parse_identity(identity_file)
    verify_identity_files(
        identity=identity_file,
        identity_signature=identity_signature,
        address=address_file,
        address_signature=address_signature,
        rrn_certificate=certificates["rrn"],
        root_certificate=certificates["root_ca"],
        photo_hash_size=len(identity.photo_hash),
        trusted_roots=trusted_roots,
    )
    address = parse_address(address_file)
    check_photo(photo, identity.photo_hash)
    log.info(
        "card read: applet %s, document type %s",
        info.applet_version_text,
        identity.document_type.name,
    )
    return CardData(identity, address, photo, certificates, info)


def read_certificate(conn: CardConnection, name: str) -> bytes:
    """One certificate file (DER), trimmed of the card's zero padding."""
    data = read_file(conn, CERTIFICATE_PATHS[name])
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


def verify_pin(conn: CardConnection, pin: bytearray) -> PinResult:
    """VERIFY the card holder PIN once. Zeroes ``pin`` and every copy made here."""
    block = bytearray()
    apdu = bytearray()
    try:
        block = encode_pin_block(pin)
        apdu = bytearray(VERIFY_HEADER) + block
        # The bytearray goes to the link as is (no immutable copy) so it can be zeroed below.
        _data, sw1, sw2 = conn.transmit(cast(bytes, apdu))
    finally:
        for buffer in (pin, block, apdu):
            buffer[:] = bytes(len(buffer))
    result = pin_result_from_status(sw1, sw2)
    log.info("PIN verification: %s", type(result).__name__)
    return result


def sign_digest(conn: CardConnection, digest: bytes, info: CardInfo) -> bytes:
    """Sign a SHA-384 digest with the authentication key (the PIN must be verified).

    Returns the raw ECDSA ``r || s`` (96 bytes).
    """
    if len(digest) != DIGEST_SIZE:
        raise ValueError("the challenge digest must be 48 bytes (SHA-384)")
    if not info.signs_with_ecdsa:
        raise CardError(f"applet {info.applet_version_text} signs with RSA, the hub needs ECDSA")
    mse = bytes([0x00, 0x22, 0x41, 0xB6, 0x05, 0x04, 0x80, ALGO_ECDSA_SHA384])
    _data, sw = transceive(conn, mse + bytes([0x84, KEY_AUTHENTICATION]))
    if sw != SW_OK:
        raise CardError(f"MSE SET answered {sw:04X}")
    pso = bytes([0x00, 0x2A, 0x9E, 0x9A, len(digest)]) + digest + b"\x00"
    signature, sw = transceive(conn, pso)
    if sw == 0x6982:
        raise CardError("PSO refused: the PIN is not verified in this session")
    if sw != SW_OK:
        raise CardError(f"PSO COMPUTE DIGITAL SIGNATURE answered {sw:04X}")
    if len(signature) != 2 * DIGEST_SIZE:
        raise BadDataError(f"signature has {len(signature)} bytes, expected 96")
    return signature
