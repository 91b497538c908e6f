"""The virtual BELPIC applet, command by command."""

from __future__ import annotations

import hashlib
import threading

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import Prehashed, encode_dss_signature
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.demo.card import pki
from assistant.demo.card.citizens import CITIZENS
from assistant.demo.card.model import (
    ADDRESS_FILE_SIZE,
    APPLET_AID,
    BELPIC_AID,
    EID_ATR,
    FaultPlan,
    NonEidCard,
    VirtualCardRemoved,
    VirtualEidCard,
    tlv,
    tlv_length,
)

FILES = {
    "4031": "DF014031",
    "4032": "DF014032",
    "4033": "DF014033",
    "4034": "DF014034",
    "4035": "DF014035",
    "4039": "DF014039",
    "5038": "DF005038",
    "5039": "DF005039",
    "503A": "DF00503A",
    "503B": "DF00503B",
    "503C": "DF00503C",
}


def sw(response: bytes) -> int:
    return int.from_bytes(response[-2:], "big")


def run(card: VirtualEidCard | NonEidCard, hex_apdu: str) -> bytes:
    return card.process(bytes.fromhex(hex_apdu.replace(" ", "")))


def select(card: VirtualEidCard, path: str) -> int:
    data = bytes.fromhex(path)
    return sw(card.process(bytes([0x00, 0xA4, 0x08, 0x0C, len(data)]) + data))


def read_file(card: VirtualEidCard, path: str, chunk: int = 0xF8) -> bytes:
    """Read like the middleware: chunks until 6B00 or 6Cxx, then the rest."""
    assert select(card, path) == 0x9000
    out = b""
    while True:
        r = card.process(bytes([0x00, 0xB0, len(out) >> 8, len(out) & 0xFF, chunk & 0xFF]))
        if sw(r) == 0x6B00:
            return out
        if r[-2] == 0x6C:
            r = card.process(bytes([0x00, 0xB0, len(out) >> 8, len(out) & 0xFF, r[-1]]))
            assert sw(r) == 0x9000
            return out + r[:-2]
        assert sw(r) == 0x9000
        out += r[:-2]


def parse_tlv(data: bytes) -> dict[int, bytes]:
    """Card content v5.4 §6.1: tag 00 only first; lengths FF per 255; zero padding."""
    fields: dict[int, bytes] = {}
    i = 0
    while i < len(data):
        tag = data[i]
        if tag == 0 and i > 0:
            break
        i += 1
        length = 0
        while True:
            b = data[i]
            i += 1
            length += b
            if b != 0xFF:
                break
        fields[tag] = data[i : i + length]
        i += length
    return fields


def pin_block(pin: str) -> str:
    nibbles = pin + "F" * (14 - len(pin))
    return f"2{len(pin):X}" + nibbles


def verify(card: VirtualEidCard, pin: str) -> int:
    return sw(run(card, "00200001 08" + pin_block(pin)))


def sign(card: VirtualEidCard, digest: bytes, key: int = 0x82, algo: int = 0x02) -> bytes:
    assert sw(card.process(bytes([0, 0x22, 0x41, 0xB6, 5, 4, 0x80, algo, 0x84, key]))) == 0x9000
    return card.process(bytes([0, 0x2A, 0x9E, 0x9A, len(digest)]) + digest + b"\x00")


@pytest.fixture
def card() -> VirtualEidCard:
    c = VirtualEidCard("adult")
    c.on_insert()
    c.power_on()
    return c


def test_atr_is_a_t0_eid_atr(card: VirtualEidCard) -> None:
    assert card.atr == EID_ATR
    assert card.atr[0] == 0x3B
    # T0 = 7F: TA1, TB1, TC1 present, no TD1, so the card offers T=0 only.
    assert card.atr[1] >> 4 == 0x7


@pytest.mark.parametrize("name", sorted(FILES))
def test_every_file_can_be_selected_by_path_with_and_without_mf(
    card: VirtualEidCard, name: str
) -> None:
    assert select(card, FILES[name]) == 0x9000
    assert select(card, "3F00" + FILES[name]) == 0x9000
    assert read_file(card, FILES[name]) == card.files[(int(FILES[name][:4], 16), int(name, 16))]


def test_select_by_aid_and_file_id(card: VirtualEidCard) -> None:
    assert sw(card.process(bytes([0, 0xA4, 4, 0x0C, len(BELPIC_AID)]) + BELPIC_AID)) == 0x9000
    assert sw(run(card, "00A4020C02 5038")) == 0x9000  # inside DF00 now
    assert read_file(card, "DF005038") == card.files[(0xDF00, 0x5038)]
    assert card.files[(0xDF00, 0x5038)].startswith(card.keys.auth_certificate)
    assert sw(card.process(bytes([0, 0xA4, 4, 0x0C, len(APPLET_AID)]) + APPLET_AID)) == 0x9000
    assert sw(run(card, "00A4020C02 DF01")) == 0x9000
    assert sw(run(card, "00A4020C02 4035")) == 0x9000
    assert sw(run(card, "00A4040C05 A000000063")) == 0x6A82


def test_select_errors(card: VirtualEidCard) -> None:
    assert select(card, "DF014040") == 0x6A82
    assert select(card, "DF02") == 0x6A82
    assert sw(run(card, "00A4080C03 DF0140")) == 0x6700
    assert sw(run(card, "00A4090C02 DF01")) == 0x6A86
    assert sw(run(card, "00A40804 04 DF014031")) == 0x6A86


def test_read_binary_end_of_file_behaviour(card: VirtualEidCard) -> None:
    identity = card.files[(0xDF01, 0x4031)]
    size = len(identity)
    assert select(card, "DF014031") == 0x9000
    # Le larger than what is left: 6C + bytes left.
    r = card.process(bytes([0, 0xB0, 0, 0, 0]))  # Le = 00 means 256
    assert size < 256 and r == bytes([0x6C, size])
    r = card.process(bytes([0, 0xB0, 0, 0, size]))
    assert r == identity + b"\x90\x00"
    # Offset at or beyond the end: 6B00.
    assert sw(card.process(bytes([0, 0xB0, size >> 8, size & 0xFF, 1]))) == 0x6B00
    assert sw(card.process(bytes([0, 0xB0, 0x7F, 0xFF, 1]))) == 0x6B00
    # A photo read in 256-byte chunks: Le = 00 returns 256 bytes.
    assert select(card, "DF014035") == 0x9000
    r = card.process(bytes([0, 0xB0, 0, 0, 0]))
    assert len(r) == 258 and sw(r) == 0x9000
    assert read_file(card, "DF014035", chunk=0) == card.photo
    assert read_file(card, "DF014035", chunk=0xFF) == card.photo


def test_read_binary_file_size_a_multiple_of_the_chunk_ends_with_6b00(
    card: VirtualEidCard,
) -> None:
    card.files[(0xDF01, 0x4039)] = bytes(range(200)) * 2  # 400 = 2 x 200
    assert read_file(card, "DF014039", chunk=200) == bytes(range(200)) * 2


def test_read_binary_errors(card: VirtualEidCard) -> None:
    assert sw(run(card, "00B0000010")) == 0x6986  # no file selected yet
    assert select(card, "DF00") == 0x9000
    assert sw(run(card, "00B0000010")) == 0x6986  # a DF, not an EF
    assert select(card, "DF014031") == 0x9000
    assert sw(run(card, "00B08100 10")) == 0x6A86  # short file identifier not supported
    assert sw(run(card, "00B00000")) == 0x6700  # no Le


def test_identity_file_contents(card: VirtualEidCard) -> None:
    citizen = CITIZENS["adult"]
    fields = parse_tlv(read_file(card, "DF014031"))
    assert fields[0x01] == citizen.card_number.encode()
    assert fields[0x02] == citizen.chip_number
    assert fields[0x06] == b"56031224609"
    assert fields[0x07] == b"Dumont"
    assert fields[0x0C] == b"12 MARS 1956"
    assert fields[0x0D] == b"F"
    assert fields[0x0F] == b"01"
    # Tag 11: the SHA-384 hash of the photo file (applet 1.8 cards).
    photo = read_file(card, "DF014035")
    assert fields[0x11] == hashlib.sha384(photo).digest()
    assert len(fields[0x1A]) == 48


@pytest.mark.parametrize("cid", sorted(CITIZENS))
def test_every_citizen_has_consistent_signed_files(cid: str) -> None:
    c = VirtualEidCard(cid)
    citizen = CITIZENS[cid]
    identity = c.files[(0xDF01, 0x4031)]
    fields = parse_tlv(identity)
    assert fields[0x07].decode() == citizen.surname
    assert fields[0x08].decode() == citizen.first_names
    assert fields[0x0C].decode() == citizen.birth_date_text
    assert (0x0E in fields) == bool(citizen.noble_condition)
    address = c.files[(0xDF01, 0x4033)]
    assert len(address) == ADDRESS_FILE_SIZE
    trimmed = address.rstrip(b"\x00")
    assert parse_tlv(address) == {
        0: b"\x00\x02",
        1: citizen.street_and_number.encode(),
        2: citizen.postal_code.encode(),
        3: citizen.municipality.encode(),
    }
    rrn = x509.load_der_x509_certificate(c.keys.rrn_certificate).public_key()
    id_sig = c.files[(0xDF01, 0x4032)]
    if citizen.generation.rsa_register:
        assert isinstance(rrn, rsa.RSAPublicKey)
        rrn.verify(id_sig, identity, padding.PKCS1v15(), hashes.SHA1())
        rrn.verify(c.files[(0xDF01, 0x4034)], trimmed + id_sig, padding.PKCS1v15(), hashes.SHA1())
        assert len(fields[0x11]) == 20  # SHA-1 photo hash on applet 1.7
    else:
        assert isinstance(rrn, ec.EllipticCurvePublicKey)
        rrn.verify(id_sig, identity, ec.ECDSA(hashes.SHA384()))
        rrn.verify(c.files[(0xDF01, 0x4034)], trimmed + id_sig, ec.ECDSA(hashes.SHA384()))
    # The certificate chain on the card verifies up to one of the demo roots.
    ca = x509.load_der_x509_certificate(c.keys.citizen_ca_certificate)
    root = x509.load_der_x509_certificate(c.keys.root_ca_certificate)
    assert c.keys.root_ca_certificate in pki.demo_roots()
    ca.verify_directly_issued_by(root)
    if not citizen.has_auth_certificate:
        assert not any(c.files[(0xDF00, 0x5038)])  # a file of zero bytes only
        return
    auth = x509.load_der_x509_certificate(c.keys.auth_certificate)
    cn = auth.subject.get_attributes_for_oid(x509.oid.NameOID.COMMON_NAME)[0].value
    assert isinstance(cn, str) and cn.endswith("(Authentication)") and len(cn) <= 64


def test_get_card_data(card: VirtualEidCard) -> None:
    """Applet 1.8 manual §6.14: P2 00 → 28 bytes (Le 1C), P2 01 → 31 bytes (Le 1F) with the
    PIN tries in byte 28 and two bytes FF; a wrong Le → 6Cxx; another P2 → 6B00."""
    r = run(card, "80E400001C")
    assert sw(r) == 0x9000 and len(r) == 30
    data = r[:-2]
    assert data[:16] == CITIZENS["adult"].chip_number
    assert data[21] == 0x18  # applet version 1.8
    assert data[22:24] == b"\x00\x01"  # global OS version 0001 = Belpic V1.8
    extended = run(card, "80E400011F")
    assert sw(extended) == 0x9000
    assert extended[:28] == data and extended[28] == 3 and extended[29:31] == b"\xff\xff"
    assert run(card, "80E400001E") == b"\x6c\x1c"
    assert run(card, "80E4000100") == b"\x6c\x1f"
    assert sw(run(card, "80E400021F")) == 0x6B00
    assert sw(run(card, "80EA000101")) == 0x6D00  # PIN status: not on applet 1.x


def test_get_card_data_of_an_applet_17_card() -> None:
    """Applet 1.7 manual §6.9 (and the 1.8 manual's compatibility note): only P2 = 00."""
    card = VirtualEidCard("old_rsa")
    assert card.atr == bytes.fromhex("3B9813400AA503010101AD1311")
    r = run(card, "80E400001C")
    assert sw(r) == 0x9000 and r[21] == 0x17 and r[22:24] == b"\x00\x03" and r[25] == 0x21
    assert sw(run(card, "80E400011F")) == 0x6B00
    assert run(card, "80E4000000") == b"\x6c\x1c"


def test_pin_counter_blocking_and_tries_without_spending(card: VirtualEidCard) -> None:
    assert verify(card, "0000") == 0x63C2
    assert run(card, "80E400011F")[28] == 2  # read without spending a try
    assert run(card, "80E400011F")[28] == 2
    assert run(card, "00200001") == b"\x63\xc2"  # VERIFY without data: no try spent
    assert verify(card, "1234") == 0x9000  # right PIN: counter back to 3
    assert card.tries_left == 3
    assert verify(card, "9999") == 0x63C2
    assert verify(card, "12345") == 0x63C1
    assert verify(card, "123456789012") == 0x6983
    assert card.tries_left == 0
    assert verify(card, "1234") == 0x6983  # blocked, even with the right PIN
    assert run(card, "80E400011F")[28] == 0
    assert run(card, "00200001") == b"\x69\x83"


def test_verify_rejects_malformed_blocks_without_spending_a_try(card: VirtualEidCard) -> None:
    assert sw(run(card, "00200001 08 24123FFFFFFFFFFF")) == 0x6A80  # digit in the padding
    assert sw(run(card, "00200001 08 231234FFFFFFFFFF")) == 0x6A80  # 3 digits
    assert sw(run(card, "00200001 08 2412A4FFFFFFFFFF")) == 0x6A80  # not a digit
    assert sw(run(card, "00200001 08 3412 34FFFFFFFFFF")) == 0x6A80  # not 2N
    assert sw(run(card, "00200001 04 241234FF")) == 0x6700
    assert sw(run(card, "00200002 08" + pin_block("1234"))) == 0x6A88
    assert card.tries_left == 3


def test_custom_pin_and_tries() -> None:
    c = VirtualEidCard("kid", pin="987654", tries=1)
    assert verify(c, "1234") == 0x6983
    c = VirtualEidCard("kid", pin="987654")
    assert verify(c, "987654") == 0x9000
    with pytest.raises(ValueError):
        VirtualEidCard("kid", pin="12a4")


def _verify_raw(cert_der: bytes, digest: bytes, raw: bytes) -> None:
    public = x509.load_der_x509_certificate(cert_der).public_key()
    assert isinstance(public, ec.EllipticCurvePublicKey)
    der = encode_dss_signature(int.from_bytes(raw[:48], "big"), int.from_bytes(raw[48:], "big"))
    public.verify(der, digest, ec.ECDSA(Prehashed(hashes.SHA384())))


def test_signature_needs_a_verified_pin_and_verifies(card: VirtualEidCard) -> None:
    digest = hashlib.sha384(b"challenge from the hub").digest()
    assert sw(run(card, "002A9E9A30" + digest.hex() + "00")) == 0x6985  # no MSE SET yet
    assert sw(sign(card, digest)) == 0x6982  # no PIN yet
    assert verify(card, "1234") == 0x9000
    r = sign(card, digest)
    assert r == b"\x61\x60"  # T=0: 96 bytes wait for GET RESPONSE
    raw = run(card, "00C0000060")
    assert sw(raw) == 0x9000 and len(raw) == 98
    _verify_raw(card.keys.auth_certificate, digest, raw[:-2])
    # The authentication PIN stays verified for the session: sign again.
    assert sign(card, digest) == b"\x61\x60"
    first = run(card, "00C0000030")  # partial GET RESPONSE
    assert first[-2:] == b"\x61\x30"
    second = run(card, "00C0000030")
    _verify_raw(card.keys.auth_certificate, digest, first[:-2] + second[:-2])
    assert sw(run(card, "00C0000030")) == 0x6985  # nothing left
    # Wrong digest length for SHA-384.
    assert sw(sign(card, digest[:32])) == 0x6700
    # Raw ECDSA (algorithm 40) accepts a SHA-384 digest too.
    assert sign(card, digest, algo=0x40) == b"\x61\x60"
    assert run(card, "00C0000000") == b"\x6c\x60"  # Le 256 > 96 bytes waiting
    assert sw(run(card, "00C0000060")) == 0x9000


def test_signature_key_needs_a_verify_after_each_mse(card: VirtualEidCard) -> None:
    digest = hashlib.sha384(b"document").digest()
    assert verify(card, "1234") == 0x9000
    assert sw(sign(card, digest, key=0x83)) == 0x6982  # verify came before the MSE SET
    assert sw(card.process(bytes([0, 0x22, 0x41, 0xB6, 5, 4, 0x80, 2, 0x84, 0x83]))) == 0x9000
    assert verify(card, "1234") == 0x9000
    r = card.process(bytes([0, 0x2A, 0x9E, 0x9A, 48]) + digest + b"\x00")
    assert r == b"\x61\x60"
    raw = run(card, "00C0000060")[:-2]
    _verify_raw(card.keys.sign_certificate, digest, raw)
    again = card.process(bytes([0, 0x2A, 0x9E, 0x9A, 48]) + digest + b"\x00")
    assert sw(again) == 0x6982


def test_mse_set_forms_and_errors(card: VirtualEidCard) -> None:
    assert sw(run(card, "002241B6 06 800102840182")) == 0x9000  # ISO TLV form
    assert sw(run(card, "002241B6 05 0480028485")) == 0x6A88  # no such key
    assert sw(run(card, "002241B6 05 0480998482")) == 0x6A80  # no such algorithm
    assert sw(run(card, "002241B6 03 048002")) == 0x6A80
    assert sw(run(card, "002241B8 05 0480028482")) == 0x6A86


def test_power_off_and_reset_forget_the_pin_but_keep_the_counter(card: VirtualEidCard) -> None:
    digest = hashlib.sha384(b"x").digest()
    assert verify(card, "0000") == 0x63C2
    assert verify(card, "1234") == 0x9000
    assert verify(card, "0000") == 0x63C2
    assert verify(card, "1234") == 0x9000
    card.reset()
    assert not card.pin_verified
    assert sw(sign(card, digest)) == 0x6982
    assert verify(card, "1111") == 0x63C2
    card.power_off()
    card.power_on()
    assert card.tries_left == 2
    assert sw(run(card, "00B0000010")) == 0x6986  # selection forgotten too
    assert verify(card, "1234") == 0x9000
    assert sw(run(card, "80E60000")) == 0x9000  # LOGOFF
    assert sw(sign(card, digest)) == 0x6982


def test_unknown_commands(card: VirtualEidCard) -> None:
    assert sw(run(card, "00CA000000")) == 0x6D00
    assert sw(run(card, "A0A4000002 3F00")) == 0x6E00
    assert sw(run(card, "00A4")) == 0x6700
    assert sw(run(card, "00A4080C05 DF01")) == 0x6700  # Lc larger than the data
    r = run(card, "0084000008")
    assert sw(r) == 0x9000 and len(r) == 10


def test_non_eid_card_refuses_the_eid_commands() -> None:
    c = NonEidCard()
    assert c.atr != EID_ATR
    assert sw(run(c, "00A4080C04 DF014031")) == 0x6A82
    assert sw(c.process(bytes([0, 0xA4, 4, 0x0C, len(BELPIC_AID)]) + BELPIC_AID)) == 0x6A82
    assert sw(run(c, "80E400001C")) == 0x6D00
    assert sw(run(c, "00B0000010")) == 0x6986
    assert sw(run(c, "00200001 08" + pin_block("1234"))) == 0x6D00


def test_fault_plan_remove_after(card: VirtualEidCard) -> None:
    card.faults = FaultPlan(remove_after=2)
    card.on_insert()
    assert select(card, "DF014031") == 0x9000
    assert sw(run(card, "00B0000010")) == 0x9000
    with pytest.raises(VirtualCardRemoved):
        run(card, "00B0001010")
    with pytest.raises(VirtualCardRemoved):
        run(card, "00B0001010")
    card.on_insert()  # counted again from the new insertion
    assert select(card, "DF014031") == 0x9000


def test_fault_plan_remove_before_the_first_apdu(card: VirtualEidCard) -> None:
    card.faults = FaultPlan(remove_after=0)
    card.on_insert()
    with pytest.raises(VirtualCardRemoved):
        run(card, "80E400001C")


def test_fault_plan_status_word_override(card: VirtualEidCard) -> None:
    card.faults = FaultPlan(status_at={2: b"\x6f\x00", 3: b"\x69\x83"})
    card.on_insert()
    assert select(card, "DF014031") == 0x9000
    assert run(card, "00B0000010") == b"\x6f\x00"
    assert verify(card, "1234") == 0x6983  # forced answer; nothing was spent
    assert card.tries_left == 3 and not card.pin_verified
    assert sw(run(card, "00B0000010")) == 0x9000


def test_fault_plan_stall_waits_and_can_be_cut_short(card: VirtualEidCard) -> None:
    card.faults = FaultPlan(stall_at=1, stall_seconds=60.0)
    card.on_insert()
    outcome: list[bytes | Exception] = []

    def worker() -> None:
        try:
            outcome.append(run(card, "80E400001C"))
        except VirtualCardRemoved as exc:
            outcome.append(exc)

    thread = threading.Thread(target=worker)
    thread.start()
    assert card.stalled.wait(5)
    assert thread.is_alive() and outcome == []  # still stalled
    card.interrupt()  # the link pulls the card: the stall ends at once
    thread.join(5)
    assert not thread.is_alive()
    # pulled out while working: no answer at all, as with a real card
    assert len(outcome) == 1 and isinstance(outcome[0], VirtualCardRemoved)


def test_a_stall_that_runs_out_answers_normally(card: VirtualEidCard) -> None:
    card.faults = FaultPlan(stall_at=1, stall_seconds=0.01)
    card.on_insert()
    assert sw(run(card, "80E400001C")) == 0x9000
    assert card.stalled.is_set()


@given(st.integers(min_value=0, max_value=2**21 - 1))
@settings(max_examples=60)
def test_tlv_length_round_trip(n: int) -> None:
    encoded = tlv_length(n)
    assert all(b == 0xFF for b in encoded[:-1]) and encoded[-1] != 0xFF
    assert n < 255 or len(encoded) > 1
    value = bytes(range(1, 256))[: n % 300] if n % 300 < 256 else b"x" * (n % 300)
    parsed = parse_tlv(tlv([(0x07, value)]) + bytes(3))
    assert parsed == {0x07: value}
    assert sum(encoded) == n


@given(st.binary(min_size=0, max_size=300))
@settings(max_examples=200, deadline=None)
def test_any_bytes_get_a_status_word_never_an_exception(apdu: bytes) -> None:
    card = VirtualEidCard("adult")
    response = card.process(apdu)
    assert len(response) >= 2
    assert response[-2] in (0x61, 0x63, 0x67, 0x69, 0x6A, 0x6B, 0x6C, 0x6D, 0x6E, 0x90)
    assert card.tries_left == 3 or apdu[1:4] == b"\x20\x00\x01"


@given(
    name=st.sampled_from(sorted(FILES)),
    chunk=st.integers(min_value=1, max_value=256),
)
@settings(max_examples=40, deadline=None)
def test_any_chunk_size_reads_the_whole_file(name: str, chunk: int) -> None:
    card = VirtualEidCard("long_name")
    path = FILES[name]
    assert read_file(card, path, chunk=chunk) == card.files[(int(path[:4], 16), int(name, 16))]
