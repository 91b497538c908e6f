"""The virtual eID card through real pcscd and the vsmartcard-vpcd reader (pyscard)."""

from __future__ import annotations

import hashlib
import threading

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import Prehashed, encode_dss_signature
from smartcard import scard

from assistant.card import eid
from assistant.card.integrity import CardIntegrityError
from assistant.card.pcsc import PcscBackend
from assistant.card.pin import PinCorrect
from assistant.demo.card.citizens import CITIZENS
from assistant.demo.card.demo import start_demo_card
from assistant.demo.card.model import EID_ATR, FaultPlan, NonEidCard, VirtualEidCard
from assistant.demo.card.vpcd import VpcdLink, wait_for_card_state
from assistant.demo.card.vpcd_lock import try_lock_slot
from assistant.errors import (
    AssistantError,
    CardError,
    CardRemovedError,
    NotEidCardError,
    ProblemKind,
    ReaderError,
)
from tests.support.pcsc import VpcdSlot
from tests.support.trust import DEMO_TRUST
from tests.support.virtual_card import inserted_card

pytestmark = pytest.mark.pcsc


class RawCard:
    """pyscard's low-level API, with nothing of the program's card layer in between."""

    def __init__(self, reader: str) -> None:
        hresult, self.context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
        assert hresult == scard.SCARD_S_SUCCESS
        hresult, self.handle, self.protocol = scard.SCardConnect(
            self.context, reader, scard.SCARD_SHARE_SHARED, scard.SCARD_PROTOCOL_T0
        )
        assert hresult == scard.SCARD_S_SUCCESS, scard.SCardGetErrorMessage(hresult)

    def atr(self) -> bytes:
        hresult, _reader, _state, _protocol, atr = scard.SCardStatus(self.handle)
        assert hresult == scard.SCARD_S_SUCCESS
        return bytes(atr)

    def transmit(self, apdu: bytes) -> tuple[int, bytes]:
        """(hresult, response); the response ends with the status word."""
        hresult, response = scard.SCardTransmit(self.handle, scard.SCARD_PCI_T0, list(apdu))
        return hresult, bytes(response)

    def read_file(self, path: str) -> bytes:
        p = bytes.fromhex(path)
        hresult, r = self.transmit(bytes([0, 0xA4, 0x08, 0x0C, len(p)]) + p)
        assert hresult == scard.SCARD_S_SUCCESS and r == b"\x90\x00"
        out = b""
        while True:
            hresult, r = self.transmit(bytes([0, 0xB0, len(out) >> 8, len(out) & 0xFF, 0xF8]))
            assert hresult == scard.SCARD_S_SUCCESS
            if r == b"\x6b\x00":
                return out
            if r[0] == 0x6C:
                hresult, r = self.transmit(bytes([0, 0xB0, len(out) >> 8, len(out) & 0xFF, r[1]]))
                return out + r[:-2]
            assert r[-2:] == b"\x90\x00"
            out += r[:-2]

    def close(self, disposition: int = scard.SCARD_LEAVE_CARD) -> None:
        scard.SCardDisconnect(self.handle, disposition)
        scard.SCardReleaseContext(self.context)


def test_insert_read_remove_reinsert(vpcd_slot: VpcdSlot) -> None:
    card = VirtualEidCard("kid")
    with inserted_card(vpcd_slot, card=card) as link:
        raw = RawCard(vpcd_slot.reader_name)
        assert raw.atr() == EID_ATR
        assert raw.read_file("3F00DF014031") == card.files[(0xDF01, 0x4031)]
        assert raw.read_file("DF014035") == CITIZENS["kid"].photo()
        assert raw.read_file("DF00503B") == card.files[(0xDF00, 0x503B)]
        link.remove()
        assert wait_for_card_state(vpcd_slot.reader_name, False)
        hresult, _ = raw.transmit(bytes.fromhex("80E400001C"))
        assert hresult != scard.SCARD_S_SUCCESS
        raw.close()
        link.insert()
        assert wait_for_card_state(vpcd_slot.reader_name, True)
        raw = RawCard(vpcd_slot.reader_name)
        hresult, r = raw.transmit(bytes.fromhex("80E400001C"))
        assert hresult == scard.SCARD_S_SUCCESS
        assert r[:16] == CITIZENS["kid"].chip_number and r[-2:] == b"\x90\x00"
        raw.close()
    assert wait_for_card_state(vpcd_slot.reader_name, False)


def test_card_layer_reads_pins_and_signs_through_pcscd(vpcd_slot: VpcdSlot) -> None:
    citizen = CITIZENS["accents"]
    with inserted_card(vpcd_slot, "accents") as link:
        backend = PcscBackend(reader_filter=vpcd_slot.reader_name)
        assert backend.card_present(vpcd_slot.reader_name)
        conn = backend.connect(vpcd_slot.reader_name)
        data = eid.read_card(conn, trust=DEMO_TRUST)
        assert data.identity.surname == citizen.surname
        assert data.identity.first_names.startswith("Hélène-Françoise")
        assert data.address.municipality == "Liège"
        assert data.photo == citizen.photo()
        assert isinstance(eid.verify_pin(conn, bytearray(b"1234")), PinCorrect)
        digest = hashlib.sha384(b"hub nonce").digest()
        raw = eid.sign_digest(conn, digest, data.card_info)  # 61xx + GET RESPONSE inside
        cert = x509.load_der_x509_certificate(link.card.keys.auth_certificate)
        public = cert.public_key()
        assert isinstance(public, ec.EllipticCurvePublicKey)
        der = encode_dss_signature(int.from_bytes(raw[:48], "big"), int.from_bytes(raw[48:], "big"))
        public.verify(der, digest, ec.ECDSA(Prehashed(hashes.SHA384())))
        # The card layer disconnects with a reset: the next session starts without the PIN.
        conn.disconnect()
        assert not link.card.pin_verified
        backend.close()


def test_reset_through_pcscd_forgets_the_pin(vpcd_slot: VpcdSlot) -> None:
    with inserted_card(vpcd_slot, "adult") as link:
        raw = RawCard(vpcd_slot.reader_name)
        _hresult, r = raw.transmit(bytes.fromhex("0020000108241234FFFFFFFFFF"))
        assert r == b"\x90\x00" and link.card.pin_verified
        raw.close(scard.SCARD_RESET_CARD)
        raw = RawCard(vpcd_slot.reader_name)
        assert not link.card.pin_verified
        _hresult, r = raw.transmit(bytes.fromhex("002241B6050480028482"))
        assert r == b"\x90\x00"
        digest = hashlib.sha384(b"x").digest()
        _hresult, r = raw.transmit(bytes([0, 0x2A, 0x9E, 0x9A, 48]) + digest + b"\x00")
        assert r == b"\x69\x82"
        raw.close()


def test_wrong_pins_and_blocking_through_pcscd(vpcd_slot: VpcdSlot) -> None:
    with inserted_card(vpcd_slot, "noble") as link:
        raw = RawCard(vpcd_slot.reader_name)
        answers = [raw.transmit(bytes.fromhex("0020000108240000FFFFFFFFFF"))[1] for _ in range(4)]
        assert answers == [b"\x63\xc2", b"\x63\xc1", b"\x69\x83", b"\x69\x83"]
        assert link.card.tries_left == 0
        raw.close()


def test_removal_fault_through_pcscd(vpcd_slot: VpcdSlot) -> None:
    """The card answers 2 APDUs, then leaves: pcscd fails the 3rd and reports no card."""
    with inserted_card(vpcd_slot, "adult", faults=FaultPlan(remove_after=2)) as link:
        raw = RawCard(vpcd_slot.reader_name)
        assert raw.transmit(bytes.fromhex("00A4080C04DF014031"))[1] == b"\x90\x00"
        assert raw.transmit(bytes.fromhex("00B0000010"))[1][-2:] == b"\x90\x00"
        hresult, response = raw.transmit(bytes.fromhex("00B0001010"))
        assert hresult != scard.SCARD_S_SUCCESS and response == b""
        assert link.wait_removed(5)
        assert wait_for_card_state(vpcd_slot.reader_name, False)
        assert link.card.received[-1] == bytes.fromhex("00B0000010")
        raw.close()


def test_card_layer_fails_cleanly_when_the_card_leaves_mid_read(vpcd_slot: VpcdSlot) -> None:
    with inserted_card(vpcd_slot, "adult", faults=FaultPlan(remove_after=4)) as link:
        backend = PcscBackend(reader_filter=vpcd_slot.reader_name)
        conn = backend.connect(vpcd_slot.reader_name)
        with pytest.raises(AssistantError) as info:
            eid.read_card(conn, trust=DEMO_TRUST)
        assert info.value.kind in (ProblemKind.CARD, ProblemKind.READER)
        assert link.wait_removed(5)
        assert wait_for_card_state(vpcd_slot.reader_name, False)
        assert not backend.card_present(vpcd_slot.reader_name)
        backend.close()


def test_status_word_fault_through_pcscd(vpcd_slot: VpcdSlot) -> None:
    faults = FaultPlan(status_at={3: b"\x6f\x00"})
    with inserted_card(vpcd_slot, "adult", faults=faults):
        backend = PcscBackend(reader_filter=vpcd_slot.reader_name)
        conn = backend.connect(vpcd_slot.reader_name)
        with pytest.raises(CardError) as info:
            eid.read_card(conn, trust=DEMO_TRUST)
        assert not isinstance(info.value, CardRemovedError)
        conn.disconnect()
        backend.close()


def test_pulling_the_card_during_a_stall(vpcd_slot: VpcdSlot) -> None:
    card = VirtualEidCard("adult", faults=FaultPlan(stall_at=2, stall_seconds=60))
    with inserted_card(vpcd_slot, card=card) as link:
        raw = RawCard(vpcd_slot.reader_name)
        assert raw.transmit(bytes.fromhex("80E400001C"))[0] == scard.SCARD_S_SUCCESS
        results: list[tuple[int, bytes]] = []
        thread = threading.Thread(
            target=lambda: results.append(raw.transmit(bytes.fromhex("80E400001C")))
        )
        thread.start()
        assert card.stalled.wait(10)
        link.remove()
        thread.join(20)
        assert not thread.is_alive()
        # vpcd gives pcscd an empty answer for a command cut off by the removal.
        assert results and (results[0][0] != scard.SCARD_S_SUCCESS or results[0][1] == b"")
        assert wait_for_card_state(vpcd_slot.reader_name, False)
        raw.close()


def test_non_eid_card_through_pcscd(vpcd_slot: VpcdSlot) -> None:
    with inserted_card(vpcd_slot, card=NonEidCard()):
        backend = PcscBackend(reader_filter=vpcd_slot.reader_name)
        conn = backend.connect(vpcd_slot.reader_name)
        assert conn.atr() != EID_ATR
        with pytest.raises(NotEidCardError):
            eid.read_card(conn, trust=DEMO_TRUST)
        conn.disconnect()
        backend.close()


def test_demo_card_through_pcscd(vpcd_slot: VpcdSlot) -> None:
    demo = start_demo_card("kid", port=vpcd_slot.port)
    try:
        assert demo.uses_pcscd
        assert demo.reader_name == vpcd_slot.reader_name
        assert demo.backend.list_readers() == [vpcd_slot.reader_name]
        conn = demo.backend.connect(demo.reader_name)
        assert (
            eid.read_card(conn, trust=DEMO_TRUST).identity.national_number
            == CITIZENS["kid"].national_number
        )
        conn.disconnect()
        demo.remove()
        assert not demo.backend.card_present(demo.reader_name)
        demo.insert("noble")
        assert demo.backend.card_present(demo.reader_name)
        conn = demo.backend.connect(demo.reader_name)
        assert eid.read_card(conn, trust=DEMO_TRUST).identity.noble_condition == "Baron"
        conn.disconnect()
    finally:
        demo.stop()
    assert wait_for_card_state(vpcd_slot.reader_name, False)


def test_demo_card_takes_the_other_slot_while_a_test_holds_one(vpcd_slot: VpcdSlot) -> None:
    """The demo app and a test run share pcscd: the demo never goes into a test's slot."""
    other = 1 - vpcd_slot.index
    other_reader = f"Virtual PCD 00 {other:02d}"
    probe = try_lock_slot(other)
    other_is_free = probe is not None
    if probe is not None:
        probe.release()
    demo = start_demo_card("kid")
    try:
        if other_is_free:
            assert demo.uses_pcscd
            assert demo.reader_name == other_reader
            assert try_lock_slot(other) is None  # held by the demo card while it is in the slot
        else:  # a demo app or another run holds the other slot: every slot is taken
            assert not demo.uses_pcscd
        conn = demo.backend.connect(demo.reader_name)
        assert (
            eid.read_card(conn, trust=DEMO_TRUST).identity.national_number
            == CITIZENS["kid"].national_number
        )
        conn.disconnect()
    finally:
        demo.stop()
    if other_is_free:
        assert wait_for_card_state(other_reader, False)
        lock = try_lock_slot(other)
        assert lock is not None  # released on stop
        lock.release()
    # The test's own slot was never touched.
    with inserted_card(vpcd_slot, "adult"):
        assert wait_for_card_state(vpcd_slot.reader_name, True)


def test_link_reports_an_unreachable_vpcd() -> None:
    link = VpcdLink(VirtualEidCard("adult"), port=0x8C7B + 9)
    with pytest.raises(ReaderError):
        link.insert()
    assert not link.inserted


def test_demo_does_not_take_a_busy_slot(vpcd_slot: VpcdSlot) -> None:
    """Another card already sits in the slot: the demo must not read that one."""
    with inserted_card(vpcd_slot, "adult"):
        demo = start_demo_card("kid", port=vpcd_slot.port)
        try:
            assert not demo.uses_pcscd
            conn = demo.backend.connect(demo.reader_name)
            assert (
                eid.read_card(conn, trust=DEMO_TRUST).identity.national_number
                == CITIZENS["kid"].national_number
            )
        finally:
            demo.stop()


def test_tampered_card_through_pcscd_shows_nothing(vpcd_slot: VpcdSlot) -> None:
    """A card whose address was changed after the national register signed it."""
    card = VirtualEidCard("adult")
    code = card.citizen.postal_code.encode()
    other = str((int(code) + 1) % 10000).zfill(4).encode()
    card.files[(0xDF01, 0x4033)] = card.files[(0xDF01, 0x4033)].replace(code, other, 1)
    backend = PcscBackend(reader_filter=vpcd_slot.reader_name)
    try:
        with inserted_card(vpcd_slot, card=card):
            conn = backend.connect(vpcd_slot.reader_name)
            try:
                with pytest.raises(CardIntegrityError, match="address signature") as info:
                    eid.read_card(conn, trust=DEMO_TRUST)
            finally:
                conn.disconnect()
    finally:
        backend.close()
    assert info.value.kind is ProblemKind.BAD_DATA
