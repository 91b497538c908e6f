"""Test links to the virtual eID card without pcscd: a plain connection and a pinpad reader.

``VirtualConnection`` passes APDUs to a :class:`VirtualCard` and turns the fault plan's
removal into ``CardRemovedError``. ``FakePinpadConnection`` also answers the PC/SC part 10
control codes the way a pinpad reader does: it lists its features, and on
FEATURE_VERIFY_PIN_DIRECT it decodes the PIN_VERIFY_STRUCTURE, "types" the configured PIN
into the APDU following the structure's format fields, and sends it to the card. On
FEATURE_MODIFY_PIN_DIRECT it decodes the PIN_MODIFY_STRUCTURE and "types" the current PIN,
the new one and the new one again: when those two differ, or the new one has too few digits,
it answers as a reader does (6402, 6403) and sends nothing to the card.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

from assistant.card.pinpad import (
    CM_IOCTL_GET_FEATURE_REQUEST,
    FEATURE_MODIFY_PIN_DIRECT,
    FEATURE_VERIFY_PIN_DIRECT,
)
from assistant.demo.card.model import VirtualCard, VirtualCardRemoved
from assistant.errors import CardRemovedError, ReaderError

VERIFY_DIRECT_CODE = 0x42330006
MODIFY_DIRECT_CODE = 0x42330007


class VirtualConnection:
    """A CardConnection straight to a virtual card (counts APDUs)."""

    def __init__(self, card: VirtualCard, reader: str = "Test Reader 00") -> None:
        self.card = card
        self._reader = reader
        self.apdus: list[bytes] = []
        self.closed = False
        card.power_on()

    @property
    def reader_name(self) -> str:
        return self._reader

    def atr(self) -> bytes:
        return self.card.atr

    def transmit(self, apdu: bytes) -> tuple[bytes, int, int]:
        if self.closed:
            raise CardRemovedError("closed")
        self.apdus.append(bytes(apdu))
        try:
            response = self.card.process(bytes(apdu))
        except VirtualCardRemoved as exc:
            self.closed = True
            raise CardRemovedError(str(exc)) from exc
        return response[:-2], response[-2], response[-1]

    def control(self, code: int, data: bytes = b"") -> bytes:
        return b""

    def disconnect(self) -> None:
        self.closed = True


@dataclass
class PinpadBehaviour:
    """What the patient does on the pinpad: type ``pin``, or cancel, or let it time out."""

    pin: str = "1234"
    #: For a PIN change: the new PIN, and what is typed to confirm it (None: the same).
    new_pin: str = "5678"
    new_pin_again: str | None = None
    cancel: bool = False
    timeout: bool = False
    structures: list[bytes] = field(default_factory=list)
    lang_ids: list[int] = field(default_factory=list)


class FakePinpadConnection(VirtualConnection):
    """A VirtualConnection whose reader has a keypad (FEATURE_VERIFY_PIN_DIRECT)."""

    def __init__(self, card: VirtualCard, behaviour: PinpadBehaviour | None = None) -> None:
        super().__init__(card, reader="Fake Pinpad Reader 00")
        self.behaviour = behaviour or PinpadBehaviour()

    def control(self, code: int, data: bytes = b"") -> bytes:
        if code == CM_IOCTL_GET_FEATURE_REQUEST:
            return (
                bytes([FEATURE_VERIFY_PIN_DIRECT, 4])
                + VERIFY_DIRECT_CODE.to_bytes(4, "big")
                + bytes([FEATURE_MODIFY_PIN_DIRECT, 4])
                + MODIFY_DIRECT_CODE.to_bytes(4, "big")
            )
        if code == VERIFY_DIRECT_CODE:
            return self._verify_direct(data)
        if code == MODIFY_DIRECT_CODE:
            return self._modify_direct(data)
        raise ReaderError(f"unknown control code 0x{code:08X}")

    def _verify_direct(self, structure: bytes) -> bytes:
        self.behaviour.structures.append(bytes(structure))
        # wLangId is high byte first, as eid-mw fills it (hence ">H" there).
        header = struct.calcsize("<BBBBBBBBB") + 2 + struct.calcsize("<B3sI")
        (
            _timeout,
            _timeout2,
            format_string,
            block_string,
            length_format,
            max_digits,
            min_digits,
            _validation,
            _messages,
        ) = struct.unpack("<BBBBBBBBB", structure[:9])
        self.behaviour.lang_ids.append(int.from_bytes(structure[9:11], "big"))
        _msg_index, _prologue, data_length = struct.unpack("<B3sI", structure[11:header])
        apdu = bytearray(structure[header:])
        if len(apdu) != data_length:
            return b"\x6b\x80"  # invalid parameter
        if self.behaviour.cancel:
            return b"\x64\x01"
        if self.behaviour.timeout:
            return b"\x64\x00"
        pin = self.behaviour.pin
        if not min_digits <= len(pin) <= max_digits:
            return b"\x6b\x80"
        if not format_string & 0x80 or format_string & 0x03 != 0x01:
            return b"\x6b\x80"  # this fake only knows byte units and BCD
        pin_offset = 5 + ((format_string >> 3) & 0x0F)
        block_size = block_string & 0x0F
        if pin_offset + block_size > len(apdu):
            return b"\x6b\x80"
        for index, char in enumerate(pin):
            position = pin_offset + index // 2
            digit = int(char)
            if index % 2 == 0:
                apdu[position] = (apdu[position] & 0x0F) | (digit << 4)
            else:
                apdu[position] = (apdu[position] & 0xF0) | digit
        length_bits = block_string >> 4
        length_position = length_format & 0x0F  # in bits, from the start of the data
        if length_bits == 4 and length_position == 4:
            apdu[5] = (apdu[5] & 0xF0) | len(pin)
        else:
            return b"\x6b\x80"
        try:
            response = self.card.process(bytes(apdu))
        except VirtualCardRemoved as exc:
            self.closed = True
            raise CardRemovedError(str(exc)) from exc
        return response[-2:]

    def _modify_direct(self, structure: bytes) -> bytes:
        self.behaviour.structures.append(bytes(structure))
        fields = "<BBBBBBBBBBBB"
        header = struct.calcsize(fields) + 2 + struct.calcsize("<BBB3sI")
        (
            _timeout,
            _timeout2,
            format_string,
            block_string,
            length_format,
            offset_old,
            offset_new,
            max_digits,
            min_digits,
            confirm,
            _validation,
            _messages,
        ) = struct.unpack(fields, structure[:12])
        self.behaviour.lang_ids.append(int.from_bytes(structure[12:14], "big"))
        *_indexes, _prologue, data_length = struct.unpack("<BBB3sI", structure[14:header])
        apdu = bytearray(structure[header:])
        if len(apdu) != data_length:
            return b"\x6b\x80"
        if self.behaviour.cancel:
            return b"\x64\x01"
        if self.behaviour.timeout:
            return b"\x64\x00"
        behaviour = self.behaviour
        again = behaviour.new_pin if behaviour.new_pin_again is None else behaviour.new_pin_again
        if confirm & 0x01 and again != behaviour.new_pin:
            return b"\x64\x02"  # the 2 new PINs differ: nothing is sent
        for pin in (behaviour.pin, behaviour.new_pin):
            if not min_digits <= len(pin) <= max_digits:
                return b"\x64\x03"
        if format_string != 0x89 or block_string != 0x47 or length_format != 0x04:
            return b"\x6b\x80"  # this fake only knows the Belgian eID format
        for pin, offset in ((behaviour.pin, offset_old), (behaviour.new_pin, offset_new)):
            start = 5 + offset  # the PIN block in the APDU data
            apdu[start] = 0x20 | len(pin)
            for index, char in enumerate(pin):
                position = start + 1 + index // 2
                digit = int(char)
                if index % 2 == 0:
                    apdu[position] = (apdu[position] & 0x0F) | (digit << 4)
                else:
                    apdu[position] = (apdu[position] & 0xF0) | digit
        try:
            response = self.card.process(bytes(apdu))
        except VirtualCardRemoved as exc:
            self.closed = True
            raise CardRemovedError(str(exc)) from exc
        return response[-2:]
