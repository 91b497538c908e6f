"""The in-process link and the demo card's fallback when pcscd is not there."""

from __future__ import annotations

import threading
import time

import pytest

from assistant.card import eid
from assistant.card.connection import CardBackend, CardConnection
from assistant.card.pin import PinCorrect
from assistant.demo.card import demo as demo_module
from assistant.demo.card.citizens import CITIZENS
from assistant.demo.card.demo import start_demo_card
from assistant.demo.card.inprocess import IN_PROCESS_READER, InProcessBackend
from assistant.demo.card.model import FaultPlan, NonEidCard, VirtualEidCard
from assistant.errors import CardRemovedError, NotEidCardError, ReaderError
from tests.support.trust import DEMO_TRUST

GET_CARD_DATA = bytes.fromhex("80E400001C")


def test_backend_implements_the_protocols() -> None:
    backend = InProcessBackend(VirtualEidCard("adult"))
    assert isinstance(backend.connect(IN_PROCESS_READER), CardConnection)
    typed: CardBackend = backend
    assert typed.name == "in-process"
    assert typed.list_readers() == [IN_PROCESS_READER]


def test_insert_remove_and_stale_connections() -> None:
    backend = InProcessBackend()
    assert not backend.card_present(IN_PROCESS_READER)
    with pytest.raises(CardRemovedError):
        backend.connect(IN_PROCESS_READER)
    with pytest.raises(ReaderError):
        backend.connect("another reader")
    card = VirtualEidCard("kid")
    backend.insert(card)
    assert backend.card_present(IN_PROCESS_READER)
    conn = backend.connect(IN_PROCESS_READER)
    assert conn.reader_name == IN_PROCESS_READER
    assert conn.atr() == card.atr
    assert conn.control(0x42000D48) == b""
    data, sw1, sw2 = conn.transmit(GET_CARD_DATA)
    assert (sw1, sw2) == (0x90, 0x00) and data[:16] == CITIZENS["kid"].chip_number
    backend.remove()
    assert not backend.card_present(IN_PROCESS_READER)
    with pytest.raises(CardRemovedError):
        conn.transmit(GET_CARD_DATA)
    with pytest.raises(CardRemovedError):
        conn.atr()
    backend.insert(card)
    with pytest.raises(CardRemovedError):  # an old connection never reaches a new insertion
        conn.transmit(GET_CARD_DATA)
    conn2 = backend.connect(IN_PROCESS_READER)
    assert conn2.transmit(GET_CARD_DATA)[1] == 0x90
    conn2.disconnect()
    with pytest.raises(ReaderError):
        conn2.transmit(GET_CARD_DATA)


def test_reader_unplugged() -> None:
    backend = InProcessBackend(VirtualEidCard("adult"))
    backend.unplug_reader()
    assert backend.list_readers() == []
    assert not backend.card_present(IN_PROCESS_READER)
    backend.plug_reader()
    assert backend.list_readers() == [IN_PROCESS_READER]
    assert not backend.card_present(IN_PROCESS_READER)


def test_wait_for_change_wakes_on_insert_and_times_out() -> None:
    backend = InProcessBackend()
    t0 = time.monotonic()
    backend.wait_for_change(0.05)
    assert time.monotonic() - t0 >= 0.04
    waiting = threading.Event()
    woke = threading.Event()

    def waiter() -> None:
        waiting.set()
        backend.wait_for_change(30)
        woke.set()

    thread = threading.Thread(target=waiter)
    thread.start()
    waiting.wait(5)
    backend.insert(VirtualEidCard("adult"))
    assert woke.wait(5)
    thread.join(5)


def test_removal_fault_drops_the_card() -> None:
    card = VirtualEidCard("adult", faults=FaultPlan(remove_after=1))
    backend = InProcessBackend(card)
    conn = backend.connect(IN_PROCESS_READER)
    conn.transmit(GET_CARD_DATA)
    with pytest.raises(CardRemovedError):
        conn.transmit(GET_CARD_DATA)
    assert not backend.card_present(IN_PROCESS_READER)


@pytest.mark.parametrize("cid", sorted(CITIZENS))
def test_card_layer_reads_every_citizen_in_process(cid: str) -> None:
    citizen = CITIZENS[cid]
    backend = InProcessBackend(VirtualEidCard(cid))
    data = eid.read_card(backend.connect(IN_PROCESS_READER), trust=DEMO_TRUST)
    assert data.identity.national_number == citizen.national_number
    assert data.identity.surname == citizen.surname
    assert data.address.postal_code == citizen.postal_code
    assert data.photo == citizen.photo()


def test_card_removed_at_every_apdu_of_the_read_gives_no_partial_data() -> None:
    card = VirtualEidCard("accents")
    backend = InProcessBackend(card)
    eid.read_card(backend.connect(IN_PROCESS_READER), trust=DEMO_TRUST)
    total = card.apdu_count
    assert total > 5
    for position in range(total):
        card = VirtualEidCard("accents", faults=FaultPlan(remove_after=position))
        backend.insert(card)
        with pytest.raises(CardRemovedError):
            eid.read_card(backend.connect(IN_PROCESS_READER), trust=DEMO_TRUST)


def test_card_layer_says_not_an_eid_card() -> None:
    backend = InProcessBackend(NonEidCard())
    with pytest.raises(NotEidCardError):
        eid.read_card(backend.connect(IN_PROCESS_READER), trust=DEMO_TRUST)


def test_demo_in_process_when_asked() -> None:
    demo = start_demo_card("kid", use_pcscd=False)
    assert not demo.uses_pcscd
    assert demo.backend.list_readers() == [demo.reader_name]
    assert demo.inserted and demo.backend.card_present(demo.reader_name)
    demo.remove()
    assert not demo.inserted
    demo.insert("noble")
    conn = demo.backend.connect(demo.reader_name)
    assert (
        eid.read_card(conn, trust=DEMO_TRUST).identity.national_number
        == CITIZENS["noble"].national_number
    )
    demo.stop()
    assert not demo.backend.card_present(demo.reader_name)


def test_demo_falls_back_when_the_pcsc_service_is_absent() -> None:
    def no_service(reader: str) -> CardBackend:
        raise ReaderError("PC/SC service unavailable")

    demo = start_demo_card(backend_factory=no_service)
    assert not demo.uses_pcscd
    assert demo.backend.card_present(demo.reader_name)


def test_demo_falls_back_when_the_vpcd_reader_is_missing() -> None:
    class NoReaders:
        name = "pcsc"

        def list_readers(self) -> list[str]:
            return ["Some USB reader 00 00"]

    demo = start_demo_card(backend_factory=lambda reader: NoReaders())  # type: ignore[arg-type,return-value]
    assert not demo.uses_pcscd


def test_demo_never_hangs_on_a_stuck_pcsc_service(monkeypatch: pytest.MonkeyPatch) -> None:
    release = threading.Event()

    class Stuck:
        name = "pcsc"

        def list_readers(self) -> list[str]:
            release.wait(30)
            return []

    monkeypatch.setattr(demo_module, "PROBE_SECONDS", 0.2)
    t0 = time.monotonic()
    demo = start_demo_card(backend_factory=lambda reader: Stuck())  # type: ignore[arg-type,return-value]
    elapsed = time.monotonic() - t0
    release.set()
    assert not demo.uses_pcscd
    assert elapsed < 5


def test_demo_falls_back_when_vpcd_is_not_listening(monkeypatch: pytest.MonkeyPatch) -> None:
    class Listed:
        name = "pcsc"

        def list_readers(self) -> list[str]:
            return ["Virtual PCD 00 07"]

    # Port 35970 (slot 7) has no vpcd listener: inserting fails, the demo stays usable.
    demo = start_demo_card(port=0x8C7B + 7, backend_factory=lambda reader: Listed())  # type: ignore[arg-type,return-value]
    assert not demo.uses_pcscd
    assert demo.backend.card_present(demo.reader_name)


def test_card_removed_at_every_apdu_of_the_pin_and_signature() -> None:
    digest = bytes(range(48))
    card = VirtualEidCard("kid")
    backend = InProcessBackend(card)
    conn = backend.connect(IN_PROCESS_READER)
    info = eid.get_card_data(conn)
    start = card.apdu_count
    assert isinstance(eid.verify_pin(conn, bytearray(b"1234")), PinCorrect)
    assert len(eid.sign_digest(conn, digest, info)) == 96
    steps = card.apdu_count - start
    assert steps >= 4  # VERIFY, MSE SET, PSO, GET RESPONSE
    for position in range(steps):
        card = VirtualEidCard("kid", faults=FaultPlan(remove_after=start + position))
        backend.insert(card)
        conn = backend.connect(IN_PROCESS_READER)
        info = eid.get_card_data(conn)
        with pytest.raises(CardRemovedError):
            eid.verify_pin(conn, bytearray(b"1234"))
            eid.sign_digest(conn, digest, info)
        assert card.tries_left == 3  # a pulled card never loses a try
