"""PIN block encoding and PIN status words."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.card.pin import (
    PinBlocked,
    PinCorrect,
    PinFormatError,
    PinWrong,
    decode_pin_block,
    encode_pin_block,
    pin_result_from_status,
)
from assistant.errors import CardError, ProblemKind


def test_known_blocks() -> None:
    assert bytes(encode_pin_block(bytearray(b"1234"))) == bytes.fromhex("241234FFFFFFFFFF")
    assert bytes(encode_pin_block(bytearray(b"12345"))) == bytes.fromhex("2512345FFFFFFFFF")
    assert bytes(encode_pin_block(bytearray(b"098765432109"))) == bytes.fromhex("2C098765432109FF")


@pytest.mark.parametrize("pin", [b"", b"123", b"1234567890123", b"12a4", b"12 4"])
def test_bad_pins_are_refused_before_the_card(pin: bytes) -> None:
    with pytest.raises(PinFormatError) as info:
        encode_pin_block(bytearray(pin))
    assert info.value.kind is ProblemKind.PIN


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="0123456789", min_size=4, max_size=12))
def test_pin_block_property(pin: str) -> None:
    block = encode_pin_block(bytearray(pin.encode()))
    assert len(block) == 8
    assert block[0] == 0x20 | len(pin)
    nibbles = "".join(f"{b:02X}" for b in block[1:])
    assert nibbles == pin + "F" * (14 - len(pin))
    assert decode_pin_block(block) == bytearray(pin.encode())


@settings(max_examples=100, deadline=None)
@given(st.binary(min_size=8, max_size=8))
def test_decode_random_blocks_never_crashes(block: bytes) -> None:
    try:
        digits = decode_pin_block(block)
    except PinFormatError:
        return
    assert encode_pin_block(digits) == bytearray(block)


@pytest.mark.parametrize(
    ("sw", "result"),
    [
        (0x9000, PinCorrect()),
        (0x63C2, PinWrong(2)),
        (0x63C1, PinWrong(1)),
        (0x63C0, PinBlocked()),
        (0x6983, PinBlocked()),
    ],
)
def test_status_words(sw: int, result: object) -> None:
    assert pin_result_from_status(sw >> 8, sw & 0xFF) == result


@pytest.mark.parametrize("sw", [0x6A82, 0x6700, 0x6D00, 0x6300])
def test_other_status_words_are_card_errors(sw: int) -> None:
    with pytest.raises(CardError):
        pin_result_from_status(sw >> 8, sw & 0xFF)
