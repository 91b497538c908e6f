"""PIN results as types, and the PIN block the Belgian eID expects in VERIFY.

The PIN block (Global Platform format) is 8 bytes: ``0x2N`` with N the number of digits
(4 to 12), then the digits as BCD nibbles, padded with ``F``. ``1234`` becomes
``24 12 34 FF FF FF FF FF``.
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant.errors import CardError, PinError

MIN_PIN_DIGITS = 4
MAX_PIN_DIGITS = 12
PIN_BLOCK_SIZE = 8

#: VERIFY for the card holder PIN (reference 01), without its data.
VERIFY_HEADER = bytes([0x00, 0x20, 0x00, 0x01, PIN_BLOCK_SIZE])
#: VERIFY with no data (Lc = 0): the tries left, no try spent (both applet manuals, "MVP:VERIFY
#: with Lc=0 management"). Sent as a case 1 command; on T=0 the reader adds P3 = 00.
TRIES_QUERY = bytes([0x00, 0x20, 0x00, 0x01])
#: CHANGE REFERENCE DATA for the card holder PIN: current PIN block || new PIN block (Lc = 10;
#: both manuals, "MVP:CHANGE REFERENCE DATA").
CHANGE_HEADER = bytes([0x00, 0x24, 0x00, 0x01, 2 * PIN_BLOCK_SIZE])


@dataclass(frozen=True)
class PinCorrect:
    """The card accepted the PIN."""


@dataclass(frozen=True)
class PinWrong:
    """The PIN was wrong; ``tries_left`` more tries before the card blocks it."""

    tries_left: int


@dataclass(frozen=True)
class PinBlocked:
    """The PIN is blocked: the patient needs the PUK letter from the commune."""


PinResult = PinCorrect | PinWrong | PinBlocked


class PinFormatError(PinError):
    """The PIN typed is not 4 to 12 digits (nothing was sent to the card)."""


class PinEntryCancelled(PinError):
    """The patient cancelled the PIN on the pinpad reader, or it timed out."""


class NewPinsDifferError(PinEntryCancelled):
    """The 2 new PINs typed on the pinpad reader were not the same: the reader sent nothing to
    the card."""


class NewPinFormatError(PinEntryCancelled):
    """The new PIN typed on the pinpad reader has too few or too many digits: the reader sent
    nothing to the card."""


def encode_pin_block(pin: bytearray) -> bytearray:
    """The 8-byte PIN block for ``pin`` (ASCII digits). The caller zeroes both afterwards."""
    count = len(pin)
    if not MIN_PIN_DIGITS <= count <= MAX_PIN_DIGITS:
        raise PinFormatError(f"PIN has {count} characters, needs 4 to 12 digits")
    block = bytearray(b"\xff" * PIN_BLOCK_SIZE)
    block[0] = 0x20 | count
    for index, char in enumerate(pin):
        digit = char - 0x30
        if not 0 <= digit <= 9:
            block[:] = bytes(PIN_BLOCK_SIZE)
            raise PinFormatError("PIN holds a character that is not a digit")
        shift = 4 if index % 2 == 0 else 0
        position = 1 + index // 2
        block[position] = (block[position] & ~(0xF << shift) & 0xFF) | (digit << shift)
    return block


def decode_pin_block(block: bytes | bytearray) -> bytearray:
    """The ASCII digits of a PIN block (used by the virtual card and the tests)."""
    if len(block) != PIN_BLOCK_SIZE or block[0] >> 4 != 0x2:
        raise PinFormatError("not a PIN block")
    count = block[0] & 0x0F
    if not MIN_PIN_DIGITS <= count <= MAX_PIN_DIGITS:
        raise PinFormatError("PIN block length out of range")
    digits = bytearray()
    for index in range(count):
        byte = block[1 + index // 2]
        nibble = byte >> 4 if index % 2 == 0 else byte & 0x0F
        if nibble > 9:
            raise PinFormatError("PIN block digit out of range")
        digits.append(0x30 + nibble)
    for index in range(count, 2 * (PIN_BLOCK_SIZE - 1)):
        byte = block[1 + index // 2]
        nibble = byte >> 4 if index % 2 == 0 else byte & 0x0F
        if nibble != 0xF:
            raise PinFormatError("PIN block padding is not F")
    return digits


def pin_result_from_status(sw1: int, sw2: int) -> PinResult:
    """Map the status word of VERIFY to a result; other status words are card errors."""
    if (sw1, sw2) == (0x90, 0x00):
        return PinCorrect()
    if sw1 == 0x63 and sw2 & 0xF0 == 0xC0:
        tries = sw2 & 0x0F
        return PinBlocked() if tries == 0 else PinWrong(tries)
    if (sw1, sw2) in ((0x69, 0x83), (0x69, 0x84)):
        return PinBlocked()
    raise CardError(f"VERIFY answered {sw1:02X}{sw2:02X}")
