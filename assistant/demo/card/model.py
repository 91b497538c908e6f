"""A virtual Belgian eID card (BELPIC applet 1.7 or 1.8) that answers APDUs.

Sources: the Belpic applet 1.7 and 1.8 reference manuals, "Belgian Electronic Identity Card
content" v4.01 (applet 1.7) and v5.4 (applet 1.8), "ID and Address file contents" v5.0 (all in
eid-mw ``doc/sdk/documentation``) and the official middleware (eid-mw ``cardlayer/card.cpp``).
Which generation a card is comes from its citizen (:class:`~assistant.demo.card.citizens.
Generation`).

* ATR: applet 1.8 ``3B 7F 96 00 00 80 31 80 65 B0 85 04 01 20 12 0F FF 82 90 00`` (content
  v5.4 §2.3, version 04); applet 1.7 ``3B 98 13 40 0A A5 03 01 01 01 AD 13 11`` (content v5.4
  §2.3, version 02; eid-mw ``p11.h``).
* SELECT by AID (``00 A4 04 0C``/``00 A4 04 00``), by file id in the current DF
  (``00 A4 02 0C``) and by path from the master file (``00 A4 08 0C``).
* READ BINARY: offset beyond the end → ``6B00``; Le larger than what is left → ``6Cxx``.
* T=0: a command with data *and* a response (PSO) answers ``61xx``; GET RESPONSE gives it.
* VERIFY ``00 20 00 01 08`` + PIN block: ``9000``, ``63Cx``, ``6983`` blocked. VERIFY with no
  data (Lc = 0) spends no try and answers ``9000`` (verified), ``63Cx`` or ``6983`` (both
  manuals, "MVP:VERIFY with Lc=0 management").
* CHANGE REFERENCE DATA ``00 24 00 01 10`` + current PIN block + new PIN block (both manuals).
* GET CARD DATA ``80 E4 00 P2 Le``: applet 1.7 knows only P2 = 00 (Le = 1C, 28 bytes; another
  P2 → ``6B00``); applet 1.8 also P2 = 01 (Le = 1F, 31 bytes: the 28, then the PIN tries left
  and two bytes FF). A wrong Le → ``6Cxx`` with the right one (1.8 manual §6.14).
* MSE SET ``00 22 41 B6 05 04 80 <algo> 84 <key>`` (key 82 authentication, 83 signature). The
  algorithm references depend on the applet: 1.8 ECDSA (01 SHA-256, 02 SHA-384, 04 SHA-512,
  08/10/20 SHA-3, 40 raw); 1.7 RSA (01 PKCS#1 with the DigestInfo given by the caller, 02
  SHA-1, 04 MD5, 08 SHA-256, 10/20 PSS). The applet 1.7 card wants DF00 selected first (eid-mw
  ``SignInternal``: "For V1.7 cards, the Belpic dir (3F00DF00) has to be selected").
* Power off or reset forgets the verified PIN, the selected file and the security environment.
* Files: tag 00 (file structure version) first; "member of family" is a tag of length 0
  ("Boolean, absent" in the file spec); the address file is padded with zero bytes to its
  size; certificate files carry zero bytes after the certificate, and a certificate that was
  not issued (kids cards) is a file of zero bytes only (content v5.4 §8.1: 2500 on 1.8; v4.01:
  1300 on 1.7).
* The national register signs the identity file, and the address file without its trailing
  zero bytes followed by the identity signature (eid-mw ``eid_vwr_check_data_validity``).
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import Prehashed, decode_dss_signature

from assistant.demo.card import pki
from assistant.demo.card.citizens import CITIZENS, DEFAULT_PIN, Citizen, Generation

log = logging.getLogger(__name__)

#: ATR of an applet 1.8 card (content v5.4 §2.3, electrical personalisation version 04).
EID_ATR = bytes.fromhex("3B7F96000080318065B085040120120FFF829000")
#: ATR of an applet 1.7 card (content v5.4 §2.3, version 02; eid-mw ``p11.h``).
EID_ATR_OLD = bytes.fromhex("3B9813400AA503010101AD1311")
#: ATR of a bank-card-like chip (EMV), used by :class:`NonEidCard`.
BANK_CARD_ATR = bytes.fromhex("3B6800000073C84013009000")

BELPIC_AID = bytes.fromhex("A000000177504B43532D3135")
APPLET_AID = bytes.fromhex("A00000003029057000AD13100101FF")

SW_OK = b"\x90\x00"
SW_WRONG_LENGTH = b"\x67\x00"
SW_SECURITY_NOT_SATISFIED = b"\x69\x82"
SW_PIN_BLOCKED = b"\x69\x83"
SW_CONDITIONS_NOT_SATISFIED = b"\x69\x85"
SW_NO_CURRENT_EF = b"\x69\x86"
SW_WRONG_DATA = b"\x6a\x80"
SW_FILE_NOT_FOUND = b"\x6a\x82"
SW_WRONG_P1P2 = b"\x6a\x86"
SW_REF_NOT_FOUND = b"\x6a\x88"
SW_OFFSET_BEYOND_END = b"\x6b\x00"
SW_INS_NOT_SUPPORTED = b"\x6d\x00"
SW_CLA_NOT_SUPPORTED = b"\x6e\x00"

AUTH_KEY = 0x82
SIGN_KEY = 0x83
ADDRESS_FILE_SIZE = 117
PREFERENCES_FILE_SIZE = 100


#: Bytes after a certificate in its file, and the size of a file without certificate
#: (content v5.4 §8 for applet 1.8; content v4.01 §8 for applet 1.7).
def certificate_file(certificate: bytes, generation: Generation) -> bytes:
    """A certificate file as personalised: the DER then zero bytes, or zeros only."""
    if generation is Generation.APPLET_18:
        after, empty = 1100, 2500
    else:
        after, empty = 50, 1300
    return certificate + bytes(after) if certificate else bytes(empty)


#: The identity and address files' structure version (tag 00, 2 bytes binary).
FILE_STRUCTURE_VERSION = b"\x00\x02"

#: Applet 1.7 RSA algorithm references (1.7 manual, Table 11) → (hash, DTBS length); None
#: means PKCS#1 v1.5 padding of what the caller sent (a DigestInfo), at most 245 bytes.
_RSA_ALGORITHMS: dict[int, tuple[hashes.HashAlgorithm | None, int | None, bool]] = {
    0x01: (None, None, False),
    0x02: (hashes.SHA1(), 20, False),
    0x04: (hashes.MD5(), 16, False),
    0x08: (hashes.SHA256(), 32, False),
    0x10: (hashes.SHA1(), 20, True),
    0x20: (hashes.SHA256(), 32, True),
}
_DIGEST_INFO_PREFIX = {
    "sha1": bytes.fromhex("3021300906052b0e03021a05000414"),
    "md5": bytes.fromhex("3020300c06082a864886f70d020505000410"),
    "sha256": bytes.fromhex("3031300d060960864801650304020105000420"),
}

_HASHES: dict[int, tuple[hashes.HashAlgorithm, ...]] = {
    0x01: (hashes.SHA256(),),
    0x02: (hashes.SHA384(),),
    0x04: (hashes.SHA512(),),
    0x08: (hashes.SHA3_256(),),
    0x10: (hashes.SHA3_384(),),
    0x20: (hashes.SHA3_512(),),
    0x40: (hashes.SHA256(), hashes.SHA384(), hashes.SHA512()),
}


class VirtualCardRemoved(Exception):
    """The card left the reader (fault injection); the link must drop the card."""


@dataclass
class FaultPlan:
    """Faults to inject, counted in APDUs since the card was inserted (1 = first APDU).

    * ``remove_after``: the card answers that many APDUs, then is pulled out while the next
      one arrives (0 = pulled before answering any).
    * ``status_at``: answer APDU number N with this status word instead of doing it.
    * ``stall_at`` / ``stall_seconds``: wait that long before answering APDU number N.
    """

    remove_after: int | None = None
    status_at: dict[int, bytes] = field(default_factory=dict)
    stall_at: int | None = None
    stall_seconds: float = 0.0


def tlv_length(n: int) -> bytes:
    """The "simplified TLV" length of card content v5.4 §6.1: one byte below 255, else FF for
    each 255 and the rest in a last byte (eid-mw ``CTLVBuffer::ParseTLV`` reads it so)."""
    return b"\xff" * (n // 255) + bytes([n % 255])


def tlv(fields: Iterable[tuple[int, bytes]]) -> bytes:
    """Encode (tag, value) pairs as an eID TLV file."""
    return b"".join(bytes([tag]) + tlv_length(len(value)) + value for tag, value in fields)


def identity_file(citizen: Citizen, photo: bytes, basic_key_hash: bytes) -> bytes:
    """The identity file (DF01/4031) for ``citizen``."""
    generation = citizen.generation
    photo_hash = (
        hashlib.sha384(photo) if generation is Generation.APPLET_18 else hashlib.sha1(photo)
    )
    fields: list[tuple[int, bytes]] = [
        (0x00, FILE_STRUCTURE_VERSION),
        (0x01, citizen.card_number.encode()),
        (0x02, citizen.chip_number),
        (0x03, citizen.validity_start.encode()),
        (0x04, citizen.validity_end.encode()),
        (0x05, citizen.delivery_municipality.encode()),
        (0x06, citizen.national_number.encode()),
        (0x07, citizen.surname.encode()),
        (0x08, citizen.first_names.encode()),
        (0x09, citizen.third_initial.encode()),
        (0x0A, citizen.nationality.encode()),
        (0x0B, citizen.birth_location.encode()),
        (0x0C, citizen.birth_date_text.encode()),
        (0x0D, citizen.sex.encode()),
    ]
    if citizen.noble_condition:
        fields.append((0x0E, citizen.noble_condition.encode()))
    fields += [
        (0x0F, citizen.document_type.encode()),
        (0x10, citizen.special_status.encode()),
        (0x11, photo_hash.digest()),
    ]
    if citizen.duplicate:
        fields.append((0x12, citizen.duplicate.encode()))
    if citizen.member_of_family:
        fields.append((0x14, b""))  # "Boolean, absent": the tag alone, length 0
    if generation is Generation.APPLET_18:
        fields.append((0x1A, basic_key_hash))  # hash of EF(PuK#1 Basic): applet 1.8 only
    return tlv(fields)


def address_file(citizen: Citizen) -> bytes:
    """The address file (DF01/4033), zero-padded to its fixed size like on real cards."""
    data = tlv(
        [
            (0x00, FILE_STRUCTURE_VERSION),
            (0x01, citizen.street_and_number.encode()),
            (0x02, citizen.postal_code.encode()),
            (0x03, citizen.municipality.encode()),
        ]
    )
    return data + bytes(max(0, ADDRESS_FILE_SIZE - len(data)))


def _check_pin_block(block: bytes) -> str | None:
    """The digits of a well-formed PIN block, else None."""
    if len(block) != 8 or block[0] >> 4 != 0x2:
        return None
    n = block[0] & 0x0F
    if not 4 <= n <= 12:
        return None
    nibbles = [x for b in block[1:] for x in (b >> 4, b & 0x0F)]
    digits, padding = nibbles[:n], nibbles[n:]
    if any(d > 9 for d in digits) or any(p != 0x0F for p in padding):
        return None
    return "".join(str(d) for d in digits)


class _Apdu:
    """A parsed short command APDU."""

    def __init__(self, raw: bytes) -> None:
        if len(raw) < 4:
            raise ValueError("APDU shorter than 4 bytes")
        self.cla, self.ins, self.p1, self.p2 = raw[0], raw[1], raw[2], raw[3]
        body = raw[4:]
        self.data = b""
        self.le: int | None = None
        if len(body) == 1:
            self.le = body[0] or 256
        elif len(body) > 1:
            lc = body[0]
            if lc == 0 or len(body) not in (1 + lc, 2 + lc):
                raise ValueError("Lc does not match the APDU length")
            self.data = body[1 : 1 + lc]
            if len(body) == 2 + lc:
                self.le = body[-1] or 256


class VirtualCard:
    """Common machinery: power state, APDU counting and fault injection."""

    atr: bytes = EID_ATR

    def __init__(self, faults: FaultPlan | None = None) -> None:
        self.faults = faults or FaultPlan()
        self.apdu_count = 0
        self.powered = False
        self._lock = threading.RLock()
        self._interrupt = threading.Event()
        #: Set when a stall from the fault plan begins (lets tests act during it).
        self.stalled = threading.Event()
        self.received: list[bytes] = []

    def on_insert(self) -> None:
        """The card enters a reader: unpowered, APDU count back to 0."""
        with self._lock:
            self.apdu_count = 0
            self._interrupt.clear()
            self.powered = False
            self._session_reset()

    def removal_due(self) -> bool:
        """Whether the fault plan pulls the card out now (after the APDUs it may answer)."""
        with self._lock:
            limit = self.faults.remove_after
            return limit is not None and self.apdu_count >= limit

    def power_on(self) -> None:
        with self._lock:
            self.powered = True
            self._session_reset()

    def power_off(self) -> None:
        with self._lock:
            self.powered = False
            self._session_reset()

    def reset(self) -> None:
        self.power_on()

    def interrupt(self) -> None:
        """Cut a stall short (the card is being removed or the link closed)."""
        self._interrupt.set()

    def _session_reset(self) -> None:
        """Forget everything that lives in RAM on the real chip."""

    def process(self, apdu: bytes) -> bytes:
        """Answer one command APDU; the response ends with the status word.

        Raises :class:`VirtualCardRemoved` when the fault plan pulls the card out.
        """
        with self._lock:
            self.apdu_count += 1
            n = self.apdu_count
            plan = self.faults
            if plan.remove_after is not None and n > plan.remove_after:
                raise VirtualCardRemoved(f"card pulled at APDU {n}")
            stall = plan.stall_seconds if plan.stall_at == n else 0.0
        if stall > 0:
            self.stalled.set()
            if self._interrupt.wait(stall):
                # Pulled out while it was working: a real card never answers this command.
                raise VirtualCardRemoved(f"card pulled during the stall at APDU {n}")
        with self._lock:
            self.received.append(bytes(apdu))
            if n in plan.status_at:
                return bytes(plan.status_at[n])
            if not self.powered:
                self.power_on()
            try:
                parsed = _Apdu(bytes(apdu))
            except ValueError:
                return SW_WRONG_LENGTH
            return self._dispatch(parsed)

    def _dispatch(self, apdu: _Apdu) -> bytes:
        raise NotImplementedError


class NonEidCard(VirtualCard):
    """A bank-card-like chip: no BELPIC applet, no eID files."""

    atr = BANK_CARD_ATR

    def _dispatch(self, apdu: _Apdu) -> bytes:
        if apdu.cla not in (0x00, 0x80):
            return SW_CLA_NOT_SUPPORTED
        if apdu.cla == 0x80:
            return SW_INS_NOT_SUPPORTED
        if apdu.ins == 0xA4:
            return SW_FILE_NOT_FOUND
        if apdu.ins == 0xB0:
            return SW_NO_CURRENT_EF
        if apdu.ins == 0xB2:
            return SW_FILE_NOT_FOUND
        return SW_INS_NOT_SUPPORTED


@dataclass
class _SecurityEnvironment:
    key: int
    algorithm: int
    pin_verified_after: bool = False


class VirtualEidCard(VirtualCard):
    """The BELPIC applet of one synthetic citizen."""

    MAX_TRIES = 3

    def __init__(
        self,
        citizen: Citizen | str,
        pin: str = DEFAULT_PIN,
        tries: int = MAX_TRIES,
        faults: FaultPlan | None = None,
    ) -> None:
        super().__init__(faults)
        self.citizen = CITIZENS[citizen] if isinstance(citizen, str) else citizen
        if not (pin.isdigit() and 4 <= len(pin) <= 12):
            raise ValueError("a PIN has 4 to 12 digits")
        self._pin = pin
        self.tries_left = max(0, min(tries, self.MAX_TRIES))
        self.generation = generation = self.citizen.generation
        self.atr = EID_ATR if generation is Generation.APPLET_18 else EID_ATR_OLD
        self.keys = pki.card_keys(self.citizen.id)
        self.photo = self.citizen.photo()
        basic_key = derive_basic_key_hash(self.citizen.id)
        identity = identity_file(self.citizen, self.photo, basic_key)
        identity_signature = pki.rrn_sign(identity, generation)
        address = address_file(self.citizen)
        signed_address = address.rstrip(b"\x00") + identity_signature
        address_signature = pki.rrn_sign(signed_address, generation)
        keys = self.keys
        self.files: dict[tuple[int, ...], bytes] = {
            (0xDF01, 0x4031): identity,
            (0xDF01, 0x4032): identity_signature,
            (0xDF01, 0x4033): address,
            (0xDF01, 0x4034): address_signature,
            (0xDF01, 0x4035): self.photo,
            (0xDF01, 0x4039): bytes(PREFERENCES_FILE_SIZE),
            (0xDF00, 0x5038): certificate_file(keys.auth_certificate, generation),
            (0xDF00, 0x5039): certificate_file(keys.sign_certificate, generation),
            (0xDF00, 0x503A): certificate_file(keys.citizen_ca_certificate, generation),
            (0xDF00, 0x503B): certificate_file(keys.root_ca_certificate, generation),
            (0xDF00, 0x503C): certificate_file(keys.rrn_certificate, generation),
        }
        self._dirs = {(), (0xDF00,), (0xDF01,)}
        self._current_df: tuple[int, ...] = ()
        self._current_ef: tuple[int, ...] | None = None
        self._pin_verified = False
        self._env: _SecurityEnvironment | None = None
        self._pending: bytes = b""

    # -- state --------------------------------------------------------------------------

    @property
    def pin_verified(self) -> bool:
        return self._pin_verified

    def card_data(self, extended: bool = False) -> bytes:
        """GET CARD DATA: 28 bytes (P2 = 00), or 31 on applet 1.8 with P2 = 01 (the PIN tries
        left, then two bytes FF). Field values as each manual's "Detailed Response" gives them.
        """
        applet_18 = self.generation is Generation.APPLET_18
        data = self.citizen.chip_number + bytes(
            [
                0x01,  # component code (chip dependent)
                0x11,  # OS number (platform specific)
                0x01,  # OS version
                0x01,  # softmask number
                0x03,  # softmask version
                self.generation.applet_version,
                0x00,
                0x01 if applet_18 else 0x03,  # global OS version: 0001 on 1.8, 0003 on 1.7
                0x00,  # applet interface version
                0x00 if applet_18 else 0x21,  # PKCS#1 support: none on 1.8, 2.1 on 1.7
                0x02 if applet_18 else 0x01,  # key exchange version
                0x0F,  # applet life cycle: PERSONALIZED
            ]
        )
        if extended:
            data += bytes([self.tries_left, 0xFF, 0xFF])
        return data

    def _session_reset(self) -> None:
        self._current_df = ()
        self._current_ef = None
        self._pin_verified = False
        self._env = None
        self._pending = b""

    # -- dispatch -----------------------------------------------------------------------

    def _dispatch(self, apdu: _Apdu) -> bytes:
        pending, self._pending = self._pending, b""
        if apdu.cla == 0x00:
            handler = {
                0xA4: self._select,
                0xB0: self._read_binary,
                0x20: self._verify,
                0x24: self._change_reference_data,
                0x22: self._mse_set,
                0x2A: self._pso,
                0x84: self._get_challenge,
            }.get(apdu.ins)
            if apdu.ins == 0xC0:
                return self._get_response(apdu, pending)
        elif apdu.cla == 0x80:
            handler = {0xE4: self._get_card_data, 0xE6: self._logoff}.get(apdu.ins)
        else:
            return SW_CLA_NOT_SUPPORTED
        if handler is None:
            return SW_INS_NOT_SUPPORTED
        return handler(apdu)

    def _respond(self, data: bytes, le: int | None) -> bytes:
        """Case 4 on T=0: announce the data with 61xx, keep it for GET RESPONSE."""
        self._pending = data
        return bytes([0x61, len(data) & 0xFF])

    # -- file system --------------------------------------------------------------------

    def _select(self, apdu: _Apdu) -> bytes:
        if apdu.p2 not in (0x0C, 0x00):
            return SW_WRONG_P1P2
        data = apdu.data
        if apdu.p1 == 0x04:
            if data == BELPIC_AID:
                self._current_df, self._current_ef = (0xDF00,), None
                return SW_OK
            if data == APPLET_AID:
                self._current_df, self._current_ef = (), None
                return SW_OK
            return SW_FILE_NOT_FOUND
        if not data or len(data) % 2:
            return SW_WRONG_LENGTH
        ids = [int.from_bytes(data[i : i + 2], "big") for i in range(0, len(data), 2)]
        if apdu.p1 == 0x08:
            if ids and ids[0] == 0x3F00:
                ids = ids[1:]
            return self._select_path(tuple(ids)) if ids else self._select_path(())
        if apdu.p1 in (0x00, 0x02) and len(ids) == 1:
            fid = ids[0]
            if fid == 0x3F00:
                return self._select_path(())
            if (fid,) in self._dirs:
                return self._select_path((fid,))
            return self._select_path((*self._current_df, fid))
        return SW_WRONG_P1P2

    def _select_path(self, path: tuple[int, ...]) -> bytes:
        if path in self._dirs:
            self._current_df, self._current_ef = path, None
            return SW_OK
        if path in self.files:
            self._current_df, self._current_ef = path[:-1], path
            return SW_OK
        return SW_FILE_NOT_FOUND

    def _read_binary(self, apdu: _Apdu) -> bytes:
        if apdu.p1 & 0x80:
            return SW_WRONG_P1P2
        if self._current_ef is None:
            return SW_NO_CURRENT_EF
        if apdu.le is None or apdu.data:
            return SW_WRONG_LENGTH
        content = self.files[self._current_ef]
        offset = (apdu.p1 << 8) | apdu.p2
        if offset >= len(content):
            return SW_OFFSET_BEYOND_END
        left = len(content) - offset
        if apdu.le > left:
            return bytes([0x6C, left])
        return content[offset : offset + apdu.le] + SW_OK

    # -- PIN ----------------------------------------------------------------------------

    def _tries_status(self) -> bytes:
        if self.tries_left == 0:
            return SW_PIN_BLOCKED
        return bytes([0x63, 0xC0 | self.tries_left])

    def _verify(self, apdu: _Apdu) -> bytes:
        if apdu.p1 != 0x00 or apdu.p2 != 0x01:
            return SW_REF_NOT_FOUND
        if not apdu.data:
            # "MVP:VERIFY with Lc=0": no try spent; tells whether the PIN is verified.
            return SW_OK if self._pin_verified else self._tries_status()
        if len(apdu.data) != 8:
            return SW_WRONG_LENGTH
        if self.tries_left == 0:
            return SW_PIN_BLOCKED
        digits = _check_pin_block(apdu.data)
        if digits is None:
            return SW_WRONG_DATA
        return self._compare_pin(digits)

    def _compare_pin(self, digits: str) -> bytes:
        if digits == self._pin:
            self.tries_left = self.MAX_TRIES
            self._pin_verified = True
            if self._env is not None:
                self._env.pin_verified_after = True
            return SW_OK
        self.tries_left -= 1
        self._pin_verified = False
        return self._tries_status()

    def _change_reference_data(self, apdu: _Apdu) -> bytes:
        """Current PIN block || new PIN block; a wrong current PIN spends a try."""
        if apdu.p1 != 0x00 or apdu.p2 != 0x01:
            return SW_WRONG_P1P2
        if len(apdu.data) != 16:
            return SW_WRONG_LENGTH
        if self.tries_left == 0:
            return SW_PIN_BLOCKED
        current = _check_pin_block(apdu.data[:8])
        new = _check_pin_block(apdu.data[8:])
        if current is None or new is None:
            return SW_WRONG_DATA
        answer = self._compare_pin(current)
        if answer == SW_OK:
            self._pin = new
        return answer

    def _logoff(self, apdu: _Apdu) -> bytes:
        self._pin_verified = False
        if self._env is not None:
            self._env.pin_verified_after = False
        return SW_OK

    def _get_card_data(self, apdu: _Apdu) -> bytes:
        extended_ok = self.generation is Generation.APPLET_18
        if apdu.p1 or apdu.p2 not in ((0x00, 0x01) if extended_ok else (0x00,)):
            return SW_OFFSET_BEYOND_END  # 6B00: "Wrong parameter P1-P2" in both manuals
        data = self.card_data(extended=apdu.p2 == 0x01)
        if apdu.le != len(data):
            return bytes([0x6C, len(data)])  # "Le incorrect, XX indicates the expected length"
        return data + SW_OK

    # -- signature ----------------------------------------------------------------------

    def _mse_set(self, apdu: _Apdu) -> bytes:
        if apdu.p1 != 0x41 or apdu.p2 != 0xB6:
            return SW_WRONG_P1P2
        parsed = _parse_mse(apdu.data)
        if parsed is None:
            return SW_WRONG_DATA
        algorithm, key = parsed
        if key not in (AUTH_KEY, SIGN_KEY):
            return SW_REF_NOT_FOUND
        if self.generation.rsa_keys and self._current_df != (0xDF00,):
            return SW_FILE_NOT_FOUND  # eid-mw: "the Belpic dir (3F00DF00) has to be selected"
        if algorithm not in (_RSA_ALGORITHMS if self.generation.rsa_keys else _HASHES):
            return SW_WRONG_DATA
        self._env = _SecurityEnvironment(key=key, algorithm=algorithm)
        return SW_OK

    def _pso(self, apdu: _Apdu) -> bytes:
        if apdu.p1 != 0x9E or apdu.p2 != 0x9A:
            return SW_WRONG_P1P2
        env = self._env
        if env is None:
            return SW_CONDITIONS_NOT_SATISFIED
        if env.key == AUTH_KEY and not self._pin_verified:
            return SW_SECURITY_NOT_SATISFIED
        if env.key == SIGN_KEY and not env.pin_verified_after:
            return SW_SECURITY_NOT_SATISFIED
        key = self.keys.auth_key if env.key == AUTH_KEY else self.keys.sign_key
        if isinstance(key, rsa.RSAPrivateKey):
            signature = _rsa_sign(key, env.algorithm, apdu.data)
        else:
            signature = _ecdsa_sign(key, env.algorithm, apdu.data)
        if signature is None:
            return SW_WRONG_LENGTH
        if env.key == SIGN_KEY:
            env.pin_verified_after = False
        return self._respond(signature, apdu.le)

    def _get_response(self, apdu: _Apdu, pending: bytes) -> bytes:
        if not pending:
            return SW_CONDITIONS_NOT_SATISFIED
        le = apdu.le or 256
        if le > len(pending):
            self._pending = pending
            return bytes([0x6C, len(pending) & 0xFF])
        rest = pending[le:]
        if rest:
            self._pending = rest
            return pending[:le] + bytes([0x61, len(rest) & 0xFF])
        return pending + SW_OK

    def _get_challenge(self, apdu: _Apdu) -> bytes:
        if apdu.le is None:
            return SW_WRONG_LENGTH
        return os.urandom(apdu.le) + SW_OK


def _ecdsa_sign(key: ec.EllipticCurvePrivateKey, algorithm_ref: int, data: bytes) -> bytes | None:
    """Raw ``r || s`` over a hash whose size fits the algorithm reference (else None)."""
    algorithm = next((h for h in _HASHES[algorithm_ref] if h.digest_size == len(data)), None)
    if algorithm is None:
        return None
    r, s = decode_dss_signature(key.sign(data, ec.ECDSA(Prehashed(algorithm))))
    size = (key.curve.key_size + 7) // 8
    return r.to_bytes(size, "big") + s.to_bytes(size, "big")


def _rsa_sign(key: rsa.RSAPrivateKey, algorithm_ref: int, data: bytes) -> bytes | None:
    """The applet 1.7 PSO: the card pads the data to be signed (1.7 manual §6.8): a fixed
    hash size for references 02/04/08 (PKCS#1 v1.5) and 10/20 (PSS), at most 245 bytes for
    01 (the caller sends the DigestInfo itself, as eid-mw ``CardSign`` does)."""
    algorithm, size, pss = _RSA_ALGORITHMS[algorithm_ref]
    if size is not None and len(data) != size:
        return None
    if algorithm is not None and pss:
        return key.sign(
            data,
            padding.PSS(mgf=padding.MGF1(algorithm), salt_length=padding.PSS.DIGEST_LENGTH),
            Prehashed(algorithm),
        )
    block = data if algorithm is None else _DIGEST_INFO_PREFIX[algorithm.name] + data
    modulus_size = (key.key_size + 7) // 8
    if len(block) > modulus_size - 11:
        return None
    encoded = b"\x00\x01" + b"\xff" * (modulus_size - 3 - len(block)) + b"\x00" + block
    numbers = key.private_numbers()
    value = pow(int.from_bytes(encoded, "big"), numbers.d, numbers.public_numbers.n)
    return value.to_bytes(modulus_size, "big")


def _parse_mse(data: bytes) -> tuple[int, int] | None:
    """(algorithm, key) from MSE SET data: ``04 80 a 84 k`` (the card's) or ``80 01 a 84 01 k``."""
    if len(data) == 5 and data[0] == 0x04 and data[1] == 0x80 and data[3] == 0x84:
        return data[2], data[4]
    body = data[1:] if data[:1] == b"\x04" and len(data) == 7 else data
    values: dict[int, int] = {}
    i = 0
    while i + 2 <= len(body):
        tag, length = body[i], body[i + 1]
        if length != 1 or i + 3 > len(body):
            return None
        values[tag] = body[i + 2]
        i += 3
    if i != len(body) or 0x80 not in values or 0x84 not in values:
        return None
    return values[0x80], values[0x84]


def derive_basic_key_hash(citizen_id: str) -> bytes:
    """SHA-384 of the card's "basic" public key (identity tag 1A on applet 1.8 cards)."""
    key = pki.derive_key(f"basic:{citizen_id}").public_key()
    der = key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return hashlib.sha384(der).digest()
