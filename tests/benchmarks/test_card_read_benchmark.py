"""Benchmark: card inserted → identity + address + photo through pcscd.

Compares the program's path (``PcscBackend`` + ``eid.read_card``, parsing and the photo hash
check included) with a floor measured in the same run: the minimal raw pyscard APDU sequence
for the same files with the same chunk size (GET CARD DATA, then SELECT + READ BINARY of the
identity, identity signature, address, address signature and photo files and of the national
register and root certificates, which the integrity check needs; the floor does not verify).
Prints the APDU counts (must be equal) and the time ratio (goal ≤ 1.2; the assertion allows
2.5 so a busy CI machine does not fail it).

Run: .venv/bin/pytest tests/benchmarks/test_card_read_benchmark.py -m benchmark -s
"""

from __future__ import annotations

import statistics
import time

import pytest
from smartcard import scard

from assistant.card import eid
from assistant.card.pcsc import PcscBackend
from assistant.demo.card.model import VirtualEidCard
from tests.support.pcsc import VpcdSlot
from tests.support.trust import DEMO_TRUST
from tests.support.virtual_card import inserted_card

pytestmark = [pytest.mark.benchmark, pytest.mark.pcsc]

ROUNDS = 8
FILES = (
    eid.PATH_IDENTITY,
    eid.PATH_IDENTITY_SIGNATURE,
    eid.PATH_ADDRESS,
    eid.PATH_ADDRESS_SIGNATURE,
    eid.PATH_PHOTO,
    eid.CERTIFICATE_PATHS["rrn"],
    eid.CERTIFICATE_PATHS["root_ca"],
)


def _raw(handle: int, apdu: list[int]) -> list[int]:
    hresult, response = scard.SCardTransmit(handle, scard.SCARD_PCI_T0, apdu)
    assert hresult == scard.SCARD_S_SUCCESS, scard.SCardGetErrorMessage(hresult)
    return list(response)


def floor_connect(context: int, reader: str) -> int:
    hresult, handle, _protocol = scard.SCardConnect(
        context, reader, scard.SCARD_SHARE_SHARED, scard.SCARD_PROTOCOL_T0
    )
    assert hresult == scard.SCARD_S_SUCCESS
    return int(handle)


def floor_read(handle: int) -> int:
    """The raw sequence; returns the number of bytes read. Like eid-mw, it waits 50 ms before
    re-sending after 6Cxx on cards whose global OS version is 0001 (applet 1.8)."""
    total = 0
    response = _raw(handle, [0x80, 0xE4, 0x00, 0x00, 0x1C])
    assert response[-2:] == [0x90, 0x00]
    delay = eid.DELAY_AFTER_6C if response[22:24] == [0x00, 0x01] else 0.0
    for path in FILES:
        response = _raw(handle, [0x00, 0xA4, 0x08, 0x0C, len(path), *path])
        assert response[-2:] == [0x90, 0x00]
        offset = 0
        while True:
            le = eid.READ_CHUNK
            response = _raw(handle, [0x00, 0xB0, offset >> 8, offset & 0xFF, le])
            if response[-2] == 0x6C:
                le = response[-1]
                if delay:
                    time.sleep(delay)
                response = _raw(handle, [0x00, 0xB0, offset >> 8, offset & 0xFF, le])
            if response[-2:] == [0x6B, 0x00]:
                break
            assert response[-2:] == [0x90, 0x00]
            offset += len(response) - 2
            if len(response) - 2 < eid.READ_CHUNK:
                break
        total += offset
    return total


@pytest.mark.parametrize("citizen", ["adult", "old_rsa", "rekeyed", "toddler"])
def test_card_read_against_raw_floor(
    vpcd_slot: VpcdSlot, capsys: pytest.CaptureFixture[str], citizen: str
) -> None:
    """One card of each generation: applet 1.8, 1.7 RSA, re-keyed 1.7, kids card."""
    card = VirtualEidCard(citizen)
    backend = PcscBackend(reader_filter=vpcd_slot.reader_name)
    hresult, context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
    assert hresult == scard.SCARD_S_SUCCESS
    ours: list[float] = []
    floor: list[float] = []
    ours_apdus: set[int] = set()
    floor_apdus: set[int] = set()
    try:
        with inserted_card(vpcd_slot, card=card):
            # Connecting is the same PC/SC call on both sides and is left out of the timing
            # (after a reset pcscd re-powers the card on the next connect, which would only
            # add noise). Warm both paths once, then alternate.
            for round_ in range(ROUNDS + 1):
                handle = floor_connect(context, vpcd_slot.reader_name)
                before = card.apdu_count
                start = time.perf_counter()
                size = floor_read(handle)
                elapsed = time.perf_counter() - start
                scard.SCardDisconnect(handle, scard.SCARD_RESET_CARD)
                if round_:
                    floor.append(elapsed)
                    floor_apdus.add(card.apdu_count - before)

                conn = backend.connect(vpcd_slot.reader_name)
                before = card.apdu_count
                start = time.perf_counter()
                data = eid.read_card(conn, with_certificates=False, trust=DEMO_TRUST)
                elapsed = time.perf_counter() - start
                conn.disconnect()
                if round_:
                    ours.append(elapsed)
                    ours_apdus.add(card.apdu_count - before)
                assert data.identity.surname == card.citizen.surname
                assert size >= len(data.photo)
    finally:
        scard.SCardReleaseContext(context)
        backend.close()
    # Rounds alternate, so each pair saw the same machine load: compare pair by pair.
    ratio = statistics.median(o / f for o, f in zip(ours, floor, strict=True))
    with capsys.disabled():
        print(
            f"\n[card read benchmark] {citizen} rounds={ROUNDS} "
            f"APDUs ours={sorted(ours_apdus)} floor={sorted(floor_apdus)} "
            f"median ours={statistics.median(ours) * 1000:.1f} ms "
            f"floor={statistics.median(floor) * 1000:.1f} ms, median pair ratio={ratio:.2f} "
            f"(goal <= 1.2); "
            f"best ours={min(ours) * 1000:.1f} ms floor={min(floor) * 1000:.1f} ms "
            f"ratio={min(ours) / min(floor):.2f}"
        )
    assert ours_apdus == floor_apdus and len(ours_apdus) == 1
    assert ratio <= 2.5
