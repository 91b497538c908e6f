"""The eID TLV parser: real length encoding, unknown tags kept, malformed input rejected."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.card.tlv import TlvField, encode_length, encode_tlv, parse_tlv, tlv_map
from assistant.errors import BadDataError


def test_short_fields_parse_in_order() -> None:
    data = bytes([0x01, 0x03]) + b"abc" + bytes([0x07, 0x00]) + bytes([0x42, 0x01, 0xFF])
    assert parse_tlv(data) == [
        TlvField(0x01, b"abc"),
        TlvField(0x07, b""),
        TlvField(0x42, b"\xff"),
    ]


def test_long_value_uses_base128_length_with_continuation_bit() -> None:
    value = bytes(range(256)) * 2  # 512 bytes = 4 * 128 -> 0x84 0x00
    assert encode_length(512) == bytes([0x84, 0x00])
    assert encode_length(200) == bytes([0x81, 0x48])
    assert encode_length(127) == bytes([0x7F])
    data = bytes([0x11, 0x84, 0x00]) + value
    assert parse_tlv(data) == [TlvField(0x11, value)]


def test_zero_padding_at_the_end_is_ignored() -> None:
    data = bytes([0x01, 0x02]) + b"xy" + bytes(40)
    assert parse_tlv(data) == [TlvField(0x01, b"xy")]


def test_single_trailing_zero_is_padding() -> None:
    assert parse_tlv(bytes([0x01, 0x01, 0x41, 0x00])) == [TlvField(0x01, b"A")]


@pytest.mark.parametrize(
    "data",
    [
        bytes([0x01]),  # tag without length
        bytes([0x01, 0x05]) + b"abc",  # value shorter than its length
        bytes([0x01, 0x81]),  # length continues past the end
        bytes([0x01, 0x81, 0x00]) + b"x",  # long length, value missing
        bytes([0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]),  # absurd length
    ],
)
def test_truncated_or_malformed_input_is_bad_data(data: bytes) -> None:
    with pytest.raises(BadDataError):
        parse_tlv(data)


def test_repeated_tag_is_rejected_by_map() -> None:
    with pytest.raises(BadDataError):
        tlv_map(bytes([0x01, 0x01, 0x41, 0x01, 0x01, 0x42]))


def test_unknown_tags_are_kept() -> None:
    fields = tlv_map(bytes([0x01, 0x01, 0x41, 0x7E, 0x02, 0xAB, 0xCD]))
    assert fields[0x7E] == b"\xab\xcd"


_fields = st.lists(
    st.builds(
        TlvField,
        tag=st.integers(min_value=1, max_value=255),
        value=st.binary(max_size=700),
    ),
    max_size=8,
)


@settings(max_examples=150, deadline=None)
@given(_fields)
def test_round_trip(fields: list[TlvField]) -> None:
    assert parse_tlv(encode_tlv(fields)) == fields


@settings(max_examples=150, deadline=None)
@given(_fields, st.data())
def test_any_cut_is_rejected_or_a_prefix(fields: list[TlvField], data: st.DataObject) -> None:
    encoded = encode_tlv(fields)
    if not encoded:
        return
    cut = data.draw(st.integers(min_value=0, max_value=len(encoded) - 1))
    try:
        parsed = parse_tlv(encoded[:cut])
    except BadDataError:
        return
    # A cut exactly on a field boundary is a valid shorter file: a prefix of the original.
    assert parsed == fields[: len(parsed)]
    assert encode_tlv(parsed) == encoded[:cut]


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_random_bytes_never_crash(data: bytes) -> None:
    try:
        parse_tlv(data)
    except BadDataError:
        pass


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=0, max_value=2**28 - 1))
def test_length_encoding_round_trip(n: int) -> None:
    encoded = encode_length(n)
    assert all(b & 0x80 for b in encoded[:-1]) and not encoded[-1] & 0x80
    value = 0
    for b in encoded:
        value = (value << 7) | (b & 0x7F)
    assert value == n
