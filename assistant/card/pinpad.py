"""Pinpad readers through the PC/SC part 10 features.

GET_FEATURE_REQUEST (control code SCARD_CTL_CODE(3400)) answers a list of
``tag (1 byte) | length (1 byte, 4) | control code (4 bytes, big-endian)``. With
FEATURE_VERIFY_PIN_DIRECT the reader asks for the PIN on its own keypad and sends VERIFY
itself, so the PIN never passes through the PC. The PIN_VERIFY_STRUCTURE below is the one
the official middleware uses for the Belgian eID: BCD digits after a ``0x2N`` length nibble,
block of 7 bytes after the first byte, 4 to 12 digits, confirmed with the OK key.
"""

from __future__ import annotations

import logging
import struct
from dataclasses import dataclass

from assistant.card.connection import CardConnection
from assistant.card.pcsc import control_code
from assistant.card.pin import PIN_BLOCK_SIZE, PinEntryCancelled, PinResult, pin_result_from_status
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
FEATURE_GET_TLV_PROPERTIES = 0x12

# PIN_VERIFY_STRUCTURE fields for the Belgian eID (values as in eid-mw).
TIMEOUT_SECONDS = 30
FORMAT_STRING = 0x89  # units in bytes | PIN starts 1 byte into the data | left | BCD
PIN_BLOCK_STRING = 0x47  # 4-bit PIN length field | 7-byte PIN block
PIN_LENGTH_FORMAT = 0x04  # length in bits, at bit 4 of the data (the N of 0x2N)
MIN_DIGITS = 4
MAX_DIGITS = 12
ENTRY_VALIDATION_OK_KEY = 0x02
LANG_ID = 0x0409
#: VERIFY with an empty PIN block: the reader fills in the digits and the length nibble.
VERIFY_TEMPLATE = bytes([0x00, 0x20, 0x00, 0x01, PIN_BLOCK_SIZE, 0x20]) + b"\xff" * 7

SW_TIMEOUT = 0x6400
SW_CANCELLED = 0x6401


@dataclass(frozen=True)
class PinpadFeatures:
    """The control codes a reader announced, by feature tag."""

    codes: dict[int, int]

    @property
    def verify_direct(self) -> int | None:
        return self.codes.get(FEATURE_VERIFY_PIN_DIRECT)


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
    """Ask the reader which part 10 features it has (none for most readers)."""
    return parse_features(conn.control(CM_IOCTL_GET_FEATURE_REQUEST, b""))


def pin_verify_structure(apdu: bytes = VERIFY_TEMPLATE, timeout: int = TIMEOUT_SECONDS) -> bytes:
    """The PIN_VERIFY_STRUCTURE (PC/SC part 10, little-endian multi-byte fields)."""
    return (
        struct.pack(
            "<BBBBBHBBHB3sI",
            timeout,  # bTimerOut
            timeout,  # bTimerOut2
            FORMAT_STRING,
            PIN_BLOCK_STRING,
            PIN_LENGTH_FORMAT,
            (MIN_DIGITS << 8) | MAX_DIGITS,  # wPINMaxExtraDigit: min, max
            ENTRY_VALIDATION_OK_KEY,
            0x01,  # bNumberMessage
            LANG_ID,
            0x00,  # bMsgIndex
            b"\x00\x00\x00",  # bTeoPrologue
            len(apdu),  # ulDataLength
        )
        + apdu
    )


def verify_pin_direct(conn: CardConnection, features: PinpadFeatures) -> PinResult:
    """Let the patient type the PIN on the reader; map the card's answer to a result."""
    code = features.verify_direct
    if code is None:
        raise PinEntryCancelled("reader has no FEATURE_VERIFY_PIN_DIRECT")
    answer = conn.control(code, pin_verify_structure())
    if len(answer) < 2:
        raise BadDataError("pinpad answered without a status word")
    sw1, sw2 = answer[-2], answer[-1]
    status = (sw1 << 8) | sw2
    if status == SW_TIMEOUT:
        raise PinEntryCancelled("pinpad entry timed out")
    if status == SW_CANCELLED:
        raise PinEntryCancelled("pinpad entry cancelled")
    result = pin_result_from_status(sw1, sw2)
    log.info("pinpad PIN verification: %s", type(result).__name__)
    return result
