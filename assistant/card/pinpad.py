"""Pinpad readers through the PC/SC part 10 features.

GET_FEATURE_REQUEST (control code SCARD_CTL_CODE(3400)) answers a list of
``tag (1 byte) | length (1 byte, 4) | control code (4 bytes, big-endian)``. With
FEATURE_VERIFY_PIN_DIRECT the reader asks for the PIN on its own keypad and sends VERIFY
itself, so the PIN never passes through the PC. The PIN_VERIFY_STRUCTURE below is the one
the official middleware uses for the Belgian eID: BCD digits after a ``0x2N`` length nibble,
block of 7 bytes after the first byte, 4 to 12 digits, confirmed with the OK key.

Facts from the official middleware (eid-mw ``cardlayer/pinpad.cpp`` and ``pinpad2.h``):

* ``wLangId`` goes high byte first (``wLangId[0] = (lang & 0xff00) / 256``), unlike the other
  multi-byte fields (little-endian, ``ToUchar4``); English 0409, Dutch 0813, French 080C,
  German 0407 (``PP_LANG_*``).
* ``wPINMaxExtraDigit`` is the maximum then the minimum number of digits.
* A reader whose name starts with "Gemplus GemPC Pinpad" is not used as a pinpad: it sends a
  VERIFY with an empty buffer to show the tries left, and the card counts it as a wrong PIN
  (``CPinpad::UsePinpad``). The patient types the PIN on screen instead.
* Changing the PIN (FEATURE_MODIFY_PIN_DIRECT, ``CPinpad::PinCmd2``): the APDU carries two
  empty PIN blocks, the current PIN at offset 0 and the new one at offset 8; the reader asks
  for the current PIN, the new one and the new one again (``bConfirmPIN`` 03, three messages).
"""

from __future__ import annotations

import logging
import struct
from dataclasses import dataclass

from assistant.card.connection import CardConnection
from assistant.card.pcsc import control_code
from assistant.card.pin import (
    PIN_BLOCK_SIZE,
    NewPinFormatError,
    NewPinsDifferError,
    PinEntryCancelled,
    PinResult,
    pin_result_from_status,
)
from assistant.errors import BadDataError

log = logging.getLogger(__name__)

CM_IOCTL_GET_FEATURE_REQUEST = control_code(3400)

FEATURE_VERIFY_PIN_START = 0x01
FEATURE_VERIFY_PIN_FINISH = 0x02
FEATURE_MODIFY_PIN_START = 0x03
FEATURE_MODIFY_PIN_FINISH = 0x04
FEATURE_GET_KEY_PRESSED = 0x05
FEATURE_VERIFY_PIN_DIRECT = 0x06
FEATURE_MODIFY_PIN_DIRECT = 0x07
FEATURE_IFD_PIN_PROPERTIES = 0x0A
#: Readers eid-mw never uses as a pinpad (reader name prefix).
NOT_A_PINPAD_PREFIXES = ("Gemplus GemPC Pinpad",)
FEATURE_GET_TLV_PROPERTIES = 0x12

# PIN_VERIFY_STRUCTURE fields for the Belgian eID (values as in eid-mw).
TIMEOUT_SECONDS = 30
FORMAT_STRING = 0x89  # units in bytes | PIN starts 1 byte into the data | left | BCD
PIN_BLOCK_STRING = 0x47  # 4-bit PIN length field | 7-byte PIN block
PIN_LENGTH_FORMAT = 0x04  # length in bits, at bit 4 of the data (the N of 0x2N)
MIN_DIGITS = 4
MAX_DIGITS = 12
ENTRY_VALIDATION_OK_KEY = 0x02
LANG_IDS = {"en": 0x0409, "nl": 0x0813, "fr": 0x080C, "de": 0x0407}
LANG_ID = LANG_IDS["en"]
_EMPTY_BLOCK = bytes([0x20]) + b"\xff" * 7
#: VERIFY with an empty PIN block: the reader fills in the digits and the length nibble.
VERIFY_TEMPLATE = bytes([0x00, 0x20, 0x00, 0x01, PIN_BLOCK_SIZE]) + _EMPTY_BLOCK
#: CHANGE REFERENCE DATA with two empty PIN blocks (current, new) for the reader to fill.
CHANGE_TEMPLATE = bytes([0x00, 0x24, 0x00, 0x01, 2 * PIN_BLOCK_SIZE]) + _EMPTY_BLOCK * 2
CONFIRM_NEW_PIN = 0x03  # bConfirmPIN: confirm the new PIN and ask for the current one
SW_TIMEOUT = 0x6400
SW_CANCELLED = 0x6401
SW_NEW_PINS_DIFFER = 0x6402  # eid-mw CPinpad::PinCmd: EIDMW_NEW_PINS_DIFFER
SW_PIN_FORMAT = 0x6403  # EIDMW_WRONG_PIN_FORMAT


@dataclass(frozen=True)
class PinpadFeatures:
    """The control codes a reader announced, by feature tag."""

    codes: dict[int, int]

    @property
    def verify_direct(self) -> int | None:
        return self.codes.get(FEATURE_VERIFY_PIN_DIRECT)

    @property
    def modify_direct(self) -> int | None:
        return self.codes.get(FEATURE_MODIFY_PIN_DIRECT)


def usable_as_pinpad(reader_name: str) -> bool:
    """False for the readers eid-mw refuses as a pinpad (see the module notes)."""
    return not reader_name.startswith(NOT_A_PINPAD_PREFIXES)


def parse_features(data: bytes) -> PinpadFeatures:
    """Parse the GET_FEATURE_REQUEST answer (TLV with 4-byte big-endian control codes)."""
    codes: dict[int, int] = {}
    pos = 0
    while pos < len(data):
        if pos + 2 > len(data):
            raise BadDataError("feature list truncated")
        tag, length = data[pos], data[pos + 1]
        value = data[pos + 2 : pos + 2 + length]
        if length != 4 or len(value) != 4:
            raise BadDataError(f"feature 0x{tag:02X} has length {length}, expected 4")
        codes[tag] = int.from_bytes(value, "big")
        pos += 2 + length
    return PinpadFeatures(codes)


def read_features(conn: CardConnection) -> PinpadFeatures:
    """Ask the reader which part 10 features it has (none for most readers, and none for
    the readers eid-mw refuses as a pinpad)."""
    if not usable_as_pinpad(conn.reader_name):
        return PinpadFeatures({})
    return parse_features(conn.control(CM_IOCTL_GET_FEATURE_REQUEST, b""))


def lang_id(language: str) -> int:
    """The pinpad message language for a program language (English when unknown)."""
    return LANG_IDS.get(language, LANG_ID)


def pin_verify_structure(
    apdu: bytes = VERIFY_TEMPLATE, timeout: int = TIMEOUT_SECONDS, language: str = "en"
) -> bytes:
    """The PIN_VERIFY_STRUCTURE as eid-mw fills it (``CPinpad::PinCmd1``)."""
    return (
        struct.pack(
            "<BBBBBBBBB",
            timeout,  # bTimerOut
            timeout,  # bTimerOut2
            FORMAT_STRING,
            PIN_BLOCK_STRING,
            PIN_LENGTH_FORMAT,
            MAX_DIGITS,  # wPINMaxExtraDigit[0]: maximum
            MIN_DIGITS,  # wPINMaxExtraDigit[1]: minimum
            ENTRY_VALIDATION_OK_KEY,
            0x01,  # bNumberMessage
        )
        + lang_id(language).to_bytes(2, "big")  # wLangId, high byte first as eid-mw
        + struct.pack("<B3sI", 0x00, b"\x00\x00\x00", len(apdu))  # bMsgIndex, bTeoPrologue
        + apdu
    )


def pin_modify_structure(
    apdu: bytes = CHANGE_TEMPLATE, timeout: int = TIMEOUT_SECONDS, language: str = "en"
) -> bytes:
    """The PIN_MODIFY_STRUCTURE as eid-mw fills it (``CPinpad::PinCmd2``)."""
    return (
        struct.pack(
            "<BBBBBBBBBBBB",
            timeout,  # bTimerOut
            timeout,  # bTimerOut2
            FORMAT_STRING,
            PIN_BLOCK_STRING,
            PIN_LENGTH_FORMAT,
            0x00,  # bInsertionOffsetOld
            PIN_BLOCK_SIZE,  # bInsertionOffsetNew
            MAX_DIGITS,
            MIN_DIGITS,
            CONFIRM_NEW_PIN,
            ENTRY_VALIDATION_OK_KEY,
            0x03,  # bNumberMessage
        )
        + lang_id(language).to_bytes(2, "big")
        + struct.pack("<BBB3sI", 0x00, 0x01, 0x02, b"\x00\x00\x00", len(apdu))
        + apdu
    )


def verify_pin_direct(
    conn: CardConnection, features: PinpadFeatures, language: str = "en"
) -> PinResult:
    """Let the patient type the PIN on the reader; map the card's answer to a result."""
    code = features.verify_direct
    if code is None:
        raise PinEntryCancelled("reader has no FEATURE_VERIFY_PIN_DIRECT")
    return _pinpad_result(conn.control(code, pin_verify_structure(language=language)))


def change_pin_direct(
    conn: CardConnection, features: PinpadFeatures, language: str = "en"
) -> PinResult:
    """Let the patient type the current PIN and the new one twice on the reader."""
    code = features.modify_direct
    if code is None:
        raise PinEntryCancelled("reader has no FEATURE_MODIFY_PIN_DIRECT")
    return _pinpad_result(conn.control(code, pin_modify_structure(language=language)))


def _pinpad_result(answer: bytes) -> PinResult:
    if len(answer) < 2:
        raise BadDataError("pinpad answered without a status word")
    sw1, sw2 = answer[-2], answer[-1]
    status = (sw1 << 8) | sw2
    if status == SW_TIMEOUT:
        raise PinEntryCancelled("pinpad entry timed out")
    if status == SW_CANCELLED:
        raise PinEntryCancelled("pinpad entry cancelled")
    if status == SW_NEW_PINS_DIFFER:
        raise NewPinsDifferError("the new PINs typed on the pinpad differ")
    if status == SW_PIN_FORMAT:
        raise NewPinFormatError("the PIN typed on the pinpad has a wrong length")
    result = pin_result_from_status(sw1, sw2)
    log.info("pinpad PIN verification: %s", type(result).__name__)
    return result
