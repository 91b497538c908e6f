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


def test_long_value_length_is_ff_per_255_as_card_content_6_1() -> None:
    """Card content v5.4 §6.1 and eid-mw ``CTLVBuffer::ParseTLV``: below 255 one byte (so
    200 is the single byte C8, not base 128), then FF per 255 and the rest."""
    value = bytes(range(256)) * 2  # 512 bytes = 255 + 255 + 2 -> FF FF 02
    assert encode_length(512) == bytes([0xFF, 0xFF, 0x02])
    assert encode_length(200) == bytes([0xC8])
    assert encode_length(255) == bytes([0xFF, 0x00])
    assert encode_length(127) == bytes([0x7F])
    data = bytes([0x11, 0xFF, 0xFF, 0x02]) + value
    assert parse_tlv(data) == [TlvField(0x11, value)]
    assert parse_tlv(bytes([0x0B, 0x81]) + bytes(range(1, 130))) == [
        TlvField(0x0B, bytes(range(1, 130)))
    ]


def test_tag_zero_is_the_file_structure_version_only_first() -> None:
    """Tag 00 (file structure version) first is a field; a zero tag later is padding, and
    non-zero bytes after it are malformed (eid-mw ParseTLV accepts tag 0 only first)."""
    data = bytes([0x00, 0x02, 0x00, 0x02, 0x01, 0x01]) + b"A" + bytes(5)
    assert parse_tlv(data) == [TlvField(0x00, b"\x00\x02"), TlvField(0x01, b"A")]
    with pytest.raises(BadDataError):
        parse_tlv(bytes([0x01, 0x01]) + b"A" + bytes([0x00, 0x01]) + b"B")


def test_member_of_family_is_a_zero_length_tag() -> None:
    assert tlv_map(bytes([0x13, 0x01]) + b"5" + bytes([0x14, 0x00]))[0x14] == b""


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
        bytes([0x01, 0xFF]),  # length continues past the end
        bytes([0x01, 0xFF, 0x00]) + b"x",  # long length, value missing
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
@given(st.integers(min_value=0, max_value=0x7FFF))
def test_length_encoding_round_trip(n: int) -> None:
    encoded = encode_length(n)
    assert all(b == 0xFF for b in encoded[:-1]) and encoded[-1] != 0xFF
    assert sum(encoded) == n
