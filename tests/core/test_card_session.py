"""CardSession over a test backend, the pinpad (part 10) path, and the card monitor."""

from __future__ import annotations

import struct
import threading

import pytest

from assistant.card.connection import CardConnection
from assistant.card.monitor import CardMonitor, CardSituation, ReaderState, look
from assistant.card.pin import PinBlocked, PinCorrect, PinEntryCancelled, PinWrong
from assistant.card.pinpad import (
    CM_IOCTL_GET_FEATURE_REQUEST,
    FEATURE_VERIFY_PIN_DIRECT,
    parse_features,
    pin_verify_structure,
    read_features,
    verify_pin_direct,
)
from assistant.card.session import CardSession
from assistant.demo.card.model import FaultPlan, VirtualEidCard
from assistant.errors import BadDataError, CardRemovedError, PinError, ReaderError
from tests.support.card_backend import ScriptedBackend as TestBackend
from tests.support.fake_pinpad import (
    VERIFY_DIRECT_CODE,
    FakePinpadConnection,
    PinpadBehaviour,
    VirtualConnection,
)
from tests.support.trust import DEMO_TRUST


def test_session_read_verify_sign() -> None:
    backend = TestBackend()
    card = VirtualEidCard("adult")
    backend.set("R0", card)
    session = CardSession(backend, "R0", trust=DEMO_TRUST)
    data = session.read_card()
    assert data.identity.surname == "Dumont"
    assert not session.has_pinpad()
    with pytest.raises(PinError):
        session.sign_challenge(b"too early")
    pin = bytearray(b"1234")
    assert session.verify_pin(pin) == PinCorrect()
    assert pin == bytearray(4)
    signed = session.sign_challenge(b"nonce")
    assert len(signed.signature) == 96
    assert signed.certificate_chain == (
        card.keys.auth_certificate,
        card.keys.citizen_ca_certificate,
        card.keys.root_ca_certificate,
    )
    session.close()
    assert backend.connections[-1].closed


def test_session_sign_reads_the_chain_when_needed() -> None:
    backend = TestBackend()
    card = VirtualEidCard("kid")
    backend.set("R0", card)
    session = CardSession(backend, "R0", trust=DEMO_TRUST)
    assert session.verify_pin(bytearray(b"1234")) == PinCorrect()
    signed = session.sign_challenge(b"nonce")
    assert signed.certificate_chain[0] == card.keys.auth_certificate


def test_session_wrong_pin_then_blocked_no_retry() -> None:
    backend = TestBackend()
    card = VirtualEidCard("adult")
    backend.set("R0", card)
    session = CardSession(backend, "R0", trust=DEMO_TRUST)
    assert session.verify_pin(bytearray(b"0000")) == PinWrong(2)
    assert not session.pin_verified
    verifies = [a for a in backend.connections[-1].apdus if a[1] == 0x20]
    assert len(verifies) == 1, "never retried by itself"
    assert session.verify_pin(bytearray(b"0000")) == PinWrong(1)
    assert session.verify_pin(bytearray(b"0000")) == PinBlocked()


def test_bad_pin_format_is_zeroed_and_not_sent() -> None:
    backend = TestBackend()
    backend.set("R0", VirtualEidCard("adult"))
    session = CardSession(backend, "R0", trust=DEMO_TRUST)
    pin = bytearray(b"12")
    with pytest.raises(PinError):
        session.verify_pin(pin)
    assert pin == bytearray(2)
    assert backend.connections[-1].apdus == []


def test_session_card_removed_then_reinserted() -> None:
    backend = TestBackend()
    backend.set("R0", VirtualEidCard("adult", faults=FaultPlan(remove_after=3)))
    session = CardSession(backend, "R0", trust=DEMO_TRUST)
    with pytest.raises(CardRemovedError):
        session.read_card()
    assert backend.connections[-1].closed
    backend.set("R0", VirtualEidCard("kid"))
    assert session.read_card().identity.surname == "Vermeulen"


def test_session_on_pinpad_reader() -> None:
    backend = TestBackend()
    behaviour = PinpadBehaviour(pin="1234")
    backend.pinpad["P0"] = behaviour
    card = VirtualEidCard("adult")
    backend.set("P0", card)
    session = CardSession(backend, "P0", trust=DEMO_TRUST)
    assert session.has_pinpad()
    assert session.verify_pin_on_pinpad() == PinCorrect()
    assert card.pin_verified
    assert len(session.sign_challenge(b"n").signature) == 96
    behaviour.pin = "9999"
    assert session.verify_pin_on_pinpad() == PinWrong(2)


def test_pinpad_cancel_and_timeout() -> None:
    card = VirtualEidCard("adult")
    conn = FakePinpadConnection(card, PinpadBehaviour(cancel=True))
    features = read_features(conn)
    with pytest.raises(PinEntryCancelled):
        verify_pin_direct(conn, features)
    conn.behaviour = PinpadBehaviour(timeout=True)
    with pytest.raises(PinEntryCancelled):
        verify_pin_direct(conn, features)
    assert card.tries_left == 3


def test_reader_without_pinpad() -> None:
    conn = VirtualConnection(VirtualEidCard("adult"))
    features = read_features(conn)
    assert features.verify_direct is None
    with pytest.raises(PinEntryCancelled):
        verify_pin_direct(conn, features)


def test_feature_list_parsing() -> None:
    data = bytes([0x06, 4]) + (0x42330006).to_bytes(4, "big") + bytes([0x0A, 4, 0, 0, 0, 1])
    features = parse_features(data)
    assert features.verify_direct == 0x42330006
    assert features.codes[0x0A] == 1
    with pytest.raises(BadDataError):
        parse_features(bytes([0x06, 2, 0, 0]))
    with pytest.raises(BadDataError):
        parse_features(bytes([0x06]))


def test_pin_verify_structure_fields() -> None:
    structure = pin_verify_structure()
    fields = struct.unpack("<BBBBBHBBHB3sI", structure[:19])
    assert fields[2:5] == (0x89, 0x47, 0x04)
    assert structure[5:7] == bytes([12, 4])  # max digits, min digits
    assert fields[6] == 0x02
    assert fields[11] == 13
    assert structure[19:] == bytes.fromhex("002000010820FFFFFFFFFFFFFF")
    assert CM_IOCTL_GET_FEATURE_REQUEST == 0x42000D48
    assert FEATURE_VERIFY_PIN_DIRECT == 6
    assert VERIFY_DIRECT_CODE != CM_IOCTL_GET_FEATURE_REQUEST


def test_look_states() -> None:
    backend = TestBackend()
    assert look(backend) == CardSituation(ReaderState.NO_READER)
    backend.set("A", None)
    assert look(backend) == CardSituation(ReaderState.NO_CARD, ("A",))
    backend.set("B", VirtualEidCard("adult"))
    situation = look(backend)
    assert situation == CardSituation(ReaderState.CARD_PRESENT, ("A", "B"), "B")
    assert situation.several_readers
    backend.service = False
    assert look(backend).state is ReaderState.SERVICE_UNAVAILABLE


def test_look_survives_a_reader_error() -> None:
    class Broken(TestBackend):
        def list_readers(self) -> list[str]:
            raise ReaderError("driver trouble")

    assert look(Broken()).state is ReaderState.NO_READER


def test_monitor_reports_each_change() -> None:
    backend = TestBackend()
    seen: list[CardSituation] = []
    arrived = threading.Condition()

    def on_change(situation: CardSituation) -> None:
        with arrived:
            seen.append(situation)
            arrived.notify_all()

    def wait_for(state: ReaderState) -> None:
        with arrived:
            assert arrived.wait_for(lambda: bool(seen) and seen[-1].state is state, timeout=5)

    monitor = CardMonitor(backend, on_change)
    monitor.start()
    try:
        wait_for(ReaderState.NO_READER)
        backend.set("R0", None)
        wait_for(ReaderState.NO_CARD)
        backend.set("R0", VirtualEidCard("adult"))
        wait_for(ReaderState.CARD_PRESENT)
        assert monitor.current().card_reader == "R0"
        backend.set("R0", None)
        wait_for(ReaderState.NO_CARD)
        backend.service = False
        backend.changed.set()
        wait_for(ReaderState.SERVICE_UNAVAILABLE)
        backend.service = True
        wait_for(ReaderState.NO_CARD)
    finally:
        monitor.stop()
    states = [s.state for s in seen]
    assert states == [
        ReaderState.NO_READER,
        ReaderState.NO_CARD,
        ReaderState.CARD_PRESENT,
        ReaderState.NO_CARD,
        ReaderState.SERVICE_UNAVAILABLE,
        ReaderState.NO_CARD,
    ]


def test_monitor_listener_errors_do_not_kill_it() -> None:
    backend = TestBackend()
    calls = threading.Semaphore(0)

    def on_change(situation: CardSituation) -> None:
        calls.release()
        raise RuntimeError("listener bug")

    monitor = CardMonitor(backend, on_change)
    monitor.start()
    try:
        assert calls.acquire(timeout=5)
        backend.set("R0", None)
        assert calls.acquire(timeout=5)
    finally:
        monitor.stop()


def test_pin_tries_left_without_spending_one() -> None:
    backend = TestBackend()
    card = VirtualEidCard("adult")
    backend.set("R0", card)
    session = CardSession(backend, "R0", trust=DEMO_TRUST)
    assert session.pin_tries_left() == 3
    assert session.verify_pin(bytearray(b"0000")) == PinWrong(2)
    assert session.pin_tries_left() == 2
    assert session.pin_tries_left() == 2
    assert card.tries_left == 2


@pytest.mark.parametrize(
    ("citizen", "query"),
    [("adult", "80E400011F"), ("old_rsa", "00200001"), ("rekeyed", "00200001")],
)
def test_pin_tries_left_before_the_first_pin_on_each_generation(citizen: str, query: str) -> None:
    """Applet 1.8: GET CARD DATA P2=01 (byte 28); applet 1.7: VERIFY without data. Neither
    spends a try (issue 12, point 3: today's code sent 80E400001D, which no card answers)."""
    card = VirtualEidCard(citizen, tries=2)
    backend = TestBackend()
    backend.set("R0", card)
    session = CardSession(backend, "R0", trust=DEMO_TRUST)
    assert session.pin_tries_left() == 2
    assert session.pin_tries_left() == 2
    assert card.tries_left == 2
    apdus = backend.connections[-1].apdus
    assert apdus[0] == bytes.fromhex("80E400001C")
    assert apdus[1:] == [bytes.fromhex(query)] * 2


def test_session_work_runs_inside_a_transaction() -> None:
    calls: list[str] = []

    class TransactionConnection(VirtualConnection):
        def begin_transaction(self) -> None:
            calls.append("begin")

        def end_transaction(self) -> None:
            calls.append("end")

        def transmit(self, apdu: bytes) -> tuple[bytes, int, int]:
            assert calls and calls[-1] == "begin", "APDU sent outside a transaction"
            return super().transmit(apdu)

    class TransactionBackend(TestBackend):
        def connect(self, reader: str) -> CardConnection:
            card = self.cards[reader]
            assert card is not None
            conn = TransactionConnection(card, reader)
            self.connections.append(conn)
            return conn

    backend = TransactionBackend()
    backend.set("R0", VirtualEidCard("adult", faults=FaultPlan(remove_after=5)))
    session = CardSession(backend, "R0", trust=DEMO_TRUST)
    with pytest.raises(CardRemovedError):
        session.read_card()
    assert calls == ["begin", "end"]
    backend.set("R0", VirtualEidCard("adult"))
    session.read_card()
    assert session.verify_pin(bytearray(b"1234")) == PinCorrect()
    assert calls == ["begin", "end"] * 3
