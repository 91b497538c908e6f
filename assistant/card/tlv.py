"""The simple tag-length-value format of the eID identity and address files.

Each field is one tag byte, a length, then the value. The length is big-endian base 128:
every length byte but the last has its high bit set (as the official middleware and
Commons eID parse it), so values of 128 bytes or more take two or more length bytes.
Trailing zero bytes are padding (the address file is padded up to its file size).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from assistant.errors import BadDataError

#: More length bytes than this means a value larger than any eID file: reject it.
MAX_LENGTH_BYTES = 4


@dataclass(frozen=True)
class TlvField:
    """One field: its tag and its raw value."""

    tag: int
    value: bytes


def encode_length(length: int) -> bytes:
    """The base-128 length bytes for ``length`` (high bit set on all but the last)."""
    if length < 0:
        raise ValueError("negative length")
    groups = [length & 0x7F]
    length >>= 7
    while length:
        groups.append(0x80 | (length & 0x7F))
        length >>= 7
    return bytes(reversed(groups))


def encode_tlv(fields: Iterable[TlvField]) -> bytes:
    """Serialise fields in order, the way the card stores them."""
    out = bytearray()
    for field in fields:
        if not 0 <= field.tag <= 0xFF:
            raise ValueError("tag out of range")
        out.append(field.tag)
        out += encode_length(len(field.value))
        out += field.value
    return bytes(out)


def parse_tlv(data: bytes) -> list[TlvField]:
    """Split a file into fields, in order, keeping every tag (known or not).

    Raises :class:`BadDataError` when a length or a value runs past the end of the data.
    """
    fields: list[TlvField] = []
    pos = 0
    end = len(data)
    while pos < end:
        tag = data[pos]
        if tag == 0 and not any(data[pos:]):
            break  # zero padding up to the file size
        pos += 1
        if pos >= end:
            raise BadDataError(f"TLV truncated: tag 0x{tag:02X} without a length")
        length = 0
        for count in range(1, MAX_LENGTH_BYTES + 1):
            if pos >= end:
                raise BadDataError(f"TLV truncated in the length of tag 0x{tag:02X}")
            byte = data[pos]
            pos += 1
            length = (length << 7) | (byte & 0x7F)
            if not byte & 0x80:
                break
            if count == MAX_LENGTH_BYTES:
                raise BadDataError(f"TLV length of tag 0x{tag:02X} too long")
        if pos + length > end:
            raise BadDataError(
                f"TLV truncated: tag 0x{tag:02X} needs {length} bytes, {end - pos} left"
            )
        fields.append(TlvField(tag, bytes(data[pos : pos + length])))
        pos += length
    return fields


def tlv_map(data: bytes) -> dict[int, bytes]:
    """Fields by tag. A repeated tag is malformed (the card writes each tag once)."""
    result: dict[int, bytes] = {}
    for field in parse_tlv(data):
        if field.tag in result:
            raise BadDataError(f"TLV tag 0x{field.tag:02X} appears twice")
        result[field.tag] = field.value
    return result
