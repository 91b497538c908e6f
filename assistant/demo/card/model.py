"""A virtual Belgian eID card (BELPIC applet 1.8, ECDSA P-384) that answers APDUs.

Behaviour follows the official middleware and the commons-eid client (checked with the search
tool):

* SELECT by AID (``00 A4 04 0C``), by file id in the current DF (``00 A4 02 0C``) and by path
  from the master file (``00 A4 08 0C``; a leading 3F00 in the path is accepted).
* READ BINARY: offset beyond the end → ``6B00``; Le larger than what is left → ``6Cxx``
  (xx = bytes left); Le = 00 means 256.
* The card speaks T=0 (its ATR says so): a command with data *and* a response (PSO COMPUTE
  DIGITAL SIGNATURE) answers ``61xx`` and the data comes with GET RESPONSE ``00 C0 00 00 xx``.
* VERIFY ``00 20 00 01 08`` + PIN block: ``9000``, ``63Cx`` (x tries left), ``6983`` blocked.
  The tries left can be read without spending one: byte 28 of GET CARD DATA (applet 1.8).
  ``80 EA`` (PIN status) is not supported by applet 1.x cards (``6D00``).
* GET CARD DATA ``80 E4 00 00 Le``: 16-byte serial, component code, OS number, OS version,
  softmask number, softmask version, applet version (0x18), global OS version (2 bytes),
  applet interface version, PKCS#1 support, key exchange version, life cycle, then the
  authentication PIN tries left (29 bytes in all; Le = 1C gives the first 28).
* MSE SET ``00 22 41 B6 05 04 80 <algo> 84 <key>`` (key 82 authentication, 83 signature;
  ECDSA algorithm references 01 SHA-256, 02 SHA-384, 04 SHA-512, 08/10/20 SHA-3, 40 raw),
  then PSO ``00 2A 9E 9A Lc <hash> 00`` → raw ``r || s``. The authentication key needs a
  verified PIN in this card session (``6982`` otherwise); the signature key needs a VERIFY
  after its MSE SET, for each signature.
* Power off or reset forgets the verified PIN, the selected file and the security
  environment; the tries counter is kept.
* The address file is padded with zero bytes to its fixed size, as on real cards.
* The national register (DF00/503C, issued by the root DF00/503B) signs, with ECDSA P-384 /
  SHA-384 (DER): the identity file as stored (DF01/4032), and the address file *without its
  trailing zero bytes* followed by the identity signature file (DF01/4034) — what the
  official viewer (eid-mw ``eid_vwr_check_data_validity``) and Commons eID
  (``BeIDIntegrity.getVerifiedAddress``) verify; ``assistant.card.integrity`` does the same.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import Prehashed, decode_dss_signature

from assistant.demo.card import pki
from assistant.demo.card.citizens import CITIZENS, DEFAULT_PIN, Citizen

log = logging.getLogger(__name__)

#: ATR of a Belgian eID card (applet 1.8 generation); T=0.
EID_ATR = bytes.fromhex("3B7F96000080318065B0850300EF120FFF829000")
#: ATR of the older generation named in shared/EID.md.
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
    """The eID TLV length: 7-bit groups, high bit set on all but the last byte."""
    groups = [n & 0x7F]
    n >>= 7
    while n:
        groups.append(0x80 | (n & 0x7F))
        n >>= 7
    return bytes(reversed(groups))


def tlv(fields: Iterable[tuple[int, bytes]]) -> bytes:
    """Encode (tag, value) pairs as an eID TLV file."""
    return b"".join(bytes([tag]) + tlv_length(len(value)) + value for tag, value in fields)


def identity_file(citizen: Citizen, photo: bytes, basic_key_hash: bytes) -> bytes:
    """The identity file (DF01/4031) for ``citizen``."""
    fields: list[tuple[int, bytes]] = [
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
        (0x11, hashlib.sha384(photo).digest()),
    ]
    if citizen.duplicate:
        fields.append((0x12, citizen.duplicate.encode()))
    if citizen.member_of_family:
        fields.append((0x14, b"1"))
    fields.append((0x1A, basic_key_hash))
    return tlv(fields)


def address_file(citizen: Citizen) -> bytes:
    """The address file (DF01/4033), zero-padded to its fixed size like on real cards."""
    data = tlv(
        [
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
        self.keys = pki.card_keys(self.citizen.id)
        self.photo = self.citizen.photo()
        basic_key = derive_basic_key_hash(self.citizen.id)
        identity = identity_file(self.citizen, self.photo, basic_key)
        identity_signature = pki.rrn_sign(identity)
        address = address_file(self.citizen)
        address_signature = pki.rrn_sign(address.rstrip(b"\x00") + identity_signature)
        self.files: dict[tuple[int, ...], bytes] = {
            (0xDF01, 0x4031): identity,
            (0xDF01, 0x4032): identity_signature,
            (0xDF01, 0x4033): address,
            (0xDF01, 0x4034): address_signature,
            (0xDF01, 0x4035): self.photo,
            (0xDF01, 0x4039): bytes(PREFERENCES_FILE_SIZE),
            (0xDF00, 0x5038): self.keys.auth_certificate,
            (0xDF00, 0x5039): self.keys.sign_certificate,
            (0xDF00, 0x503A): self.keys.citizen_ca_certificate,
            (0xDF00, 0x503B): self.keys.root_ca_certificate,
            (0xDF00, 0x503C): self.keys.rrn_certificate,
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

    def card_data(self) -> bytes:
        """The 29 bytes of GET CARD DATA (the last one: authentication PIN tries left)."""
        return self.citizen.chip_number + bytes(
            [
                0x01,  # component code
                0x11,  # OS number
                0x01,  # OS version
                0x01,  # softmask number
                0x03,  # softmask version
                0x18,  # applet version 1.8
                0x00,
                0x04,  # global OS version
                0x01,  # applet interface version
                0x21,  # PKCS#1 support
                0x01,  # key exchange version
                0x0F,  # applet life cycle (value observed on active cards)
                self.tries_left,
            ]
        )

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

    def _verify(self, apdu: _Apdu) -> bytes:
        if apdu.p1 != 0x00 or apdu.p2 != 0x01:
            return SW_REF_NOT_FOUND
        if len(apdu.data) != 8:
            return SW_WRONG_LENGTH
        if self.tries_left == 0:
            return SW_PIN_BLOCKED
        digits = _check_pin_block(apdu.data)
        if digits is None:
            return SW_WRONG_DATA
        if digits == self._pin:
            self.tries_left = self.MAX_TRIES
            self._pin_verified = True
            if self._env is not None:
                self._env.pin_verified_after = True
            return SW_OK
        self.tries_left -= 1
        self._pin_verified = False
        if self.tries_left == 0:
            return SW_PIN_BLOCKED
        return bytes([0x63, 0xC0 | self.tries_left])

    def _logoff(self, apdu: _Apdu) -> bytes:
        self._pin_verified = False
        if self._env is not None:
            self._env.pin_verified_after = False
        return SW_OK

    def _get_card_data(self, apdu: _Apdu) -> bytes:
        if apdu.p1 or apdu.p2:
            return SW_WRONG_P1P2
        data = self.card_data()
        le = apdu.le
        if le is None:
            return SW_WRONG_LENGTH
        if le == 256:
            return data + SW_OK
        if le > len(data):
            return bytes([0x6C, len(data)])
        return data[:le] + SW_OK

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
        if algorithm not in _HASHES:
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
        algorithm = next(
            (h for h in _HASHES[env.algorithm] if h.digest_size == len(apdu.data)), None
        )
        if algorithm is None:
            return SW_WRONG_LENGTH
        key = self.keys.auth_key if env.key == AUTH_KEY else self.keys.sign_key
        der = key.sign(apdu.data, ec.ECDSA(Prehashed(algorithm)))
        r, s = decode_dss_signature(der)
        size = (key.curve.key_size + 7) // 8
        if env.key == SIGN_KEY:
            env.pin_verified_after = False
        return self._respond(r.to_bytes(size, "big") + s.to_bytes(size, "big"), apdu.le)

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
