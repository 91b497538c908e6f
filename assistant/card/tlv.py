"""The "simplified TLV" format of the eID identity and address files.

Card content v5.4 §6.1 (eid-mw ``doc/sdk/documentation``) and the official middleware's parser
for these files (eid-mw ``common/tlvbuffer.cpp``, ``CTLVBuffer::ParseTLV``, which ``cal.cpp``
uses for the identity and address files):

* one tag byte, then the length, then the value;
* the length is one byte below 255; from 255 on it is ``FF`` for each 255 and the rest in the
  last byte (``FF 2D`` is 300). (Not base 128: that is ``ParseFileTLV``, which the middleware
  does not use for these files. No field of today's cards reaches 128 bytes, so both read
  today's cards alike.)
* tag 00 (the file structure version) may only come first;
* zero bytes after the last field are padding the reader must skip (§6.1): a zero where a
  later tag would be ends the data.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from assistant.errors import BadDataError

#: A length longer than this is larger than any eID file: reject it.
MAX_LENGTH = 0x7FFF


@dataclass(frozen=True)
class TlvField:
    """One field: its tag and its raw value."""

    tag: int
    value: bytes


def encode_length(length: int) -> bytes:
    """The length bytes for ``length``: ``FF`` per 255, then the rest."""
    if length < 0:
        raise ValueError("negative length")
    return b"\xff" * (length // 255) + bytes([length % 255])


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

    Raises :class:`BadDataError` when a length or a value runs past the end of the data, or
    when non-zero bytes follow a zero tag that is not the first field.
    """
    fields: list[TlvField] = []
    pos = 0
    end = len(data)
    while pos < end:
        tag = data[pos]
        if tag == 0 and pos > 0:
            if any(data[pos:]):
                raise BadDataError("TLV tag 0x00 after the first field")
            break  # zero padding up to the file size
        pos += 1
        if pos >= end:
            raise BadDataError(f"TLV truncated: tag 0x{tag:02X} without a length")
        length = 0
        while True:
            if pos >= end:
                raise BadDataError(f"TLV truncated in the length of tag 0x{tag:02X}")
            byte = data[pos]
            pos += 1
            length += byte
            if length > MAX_LENGTH:
                raise BadDataError(f"TLV length of tag 0x{tag:02X} too long")
            if byte != 0xFF:
                break
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
