"""PcscBackend's mapping of PC/SC results to the error taxonomy, with pyscard's scard faked."""

from __future__ import annotations

from typing import Any

import pytest
from smartcard import scard

from assistant.card import pcsc
from assistant.card.monitor import ReaderState, look
from assistant.card.service import ServiceUnavailableError
from assistant.errors import CardError, CardRemovedError, ProblemKind, ReaderError


class FakeScard:
    """The few scard calls PcscBackend makes, with scripted results."""

    def __init__(self) -> None:
        self.establish = scard.SCARD_S_SUCCESS
        self.readers: tuple[int, list[str]] = (scard.SCARD_S_SUCCESS, ["R0"])
        self.transmit: list[tuple[int, list[int]]] = []
        self.connect_result = scard.SCARD_S_SUCCESS
        self.disconnects: list[int] = []

    def install(self, monkeypatch: pytest.MonkeyPatch) -> None:
        fake = self

        def establish(scope: int) -> tuple[int, int]:
            return fake.establish, 1

        def list_readers(context: int, groups: list[str]) -> tuple[int, list[str]]:
            return fake.readers

        def status_change(context: int, timeout: int, states: list[Any]) -> tuple[int, Any]:
            return scard.SCARD_S_SUCCESS, [(r, scard.SCARD_STATE_PRESENT, []) for r, _ in states]

        def connect(context: int, reader: str, share: int, protocols: int) -> Any:
            return fake.connect_result, 7, scard.SCARD_PROTOCOL_T0

        def transmit(handle: int, pci: Any, apdu: list[int]) -> tuple[int, list[int]]:
            return fake.transmit.pop(0)

        def disconnect(handle: int, disposition: int) -> int:
            fake.disconnects.append(disposition)
            return scard.SCARD_S_SUCCESS

        for name, func in {
            "SCardEstablishContext": establish,
            "SCardListReaders": list_readers,
            "SCardGetStatusChange": status_change,
            "SCardConnect": connect,
            "SCardTransmit": transmit,
            "SCardDisconnect": disconnect,
            "SCardReleaseContext": lambda context: scard.SCARD_S_SUCCESS,
        }.items():
            monkeypatch.setattr(pcsc.scard, name, func)


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> FakeScard:
    result = FakeScard()
    result.install(monkeypatch)
    return result


def test_no_service_is_a_named_state(fake: FakeScard) -> None:
    fake.establish = scard.SCARD_E_NO_SERVICE
    backend = pcsc.PcscBackend()
    with pytest.raises(ServiceUnavailableError) as info:
        backend.list_readers()
    assert info.value.kind is ProblemKind.READER
    assert look(backend).state is ReaderState.SERVICE_UNAVAILABLE


def test_service_gone_later_drops_the_context(fake: FakeScard) -> None:
    backend = pcsc.PcscBackend()
    assert backend.list_readers() == ["R0"]
    fake.readers = (scard.SCARD_E_NO_SERVICE, [])
    with pytest.raises(ServiceUnavailableError):
        backend.list_readers()
    fake.readers = (scard.SCARD_S_SUCCESS, ["R0", "R1"])
    assert backend.list_readers() == ["R0", "R1"]


def test_no_readers_is_an_empty_list(fake: FakeScard) -> None:
    fake.readers = (scard.SCARD_E_NO_READERS_AVAILABLE, [])
    assert pcsc.PcscBackend().list_readers() == []


def test_reader_filter(fake: FakeScard) -> None:
    fake.readers = (scard.SCARD_S_SUCCESS, ["Virtual PCD 00 00", "ACS ACR38U 00 00"])
    assert pcsc.PcscBackend(reader_filter="Virtual").list_readers() == ["Virtual PCD 00 00"]


@pytest.mark.parametrize(
    ("hresult", "response", "error"),
    [
        (scard.SCARD_W_REMOVED_CARD, [], CardRemovedError),
        (scard.SCARD_W_RESET_CARD, [], CardRemovedError),
        (scard.SCARD_E_NO_SMARTCARD, [], CardRemovedError),
        (scard.SCARD_E_NOT_TRANSACTED, [], CardRemovedError),
        (scard.SCARD_S_SUCCESS, [], CardRemovedError),
        (scard.SCARD_W_UNRESPONSIVE_CARD, [], CardError),
        (scard.SCARD_E_NO_SERVICE, [], ServiceUnavailableError),
        (scard.SCARD_E_INSUFFICIENT_BUFFER, [], ReaderError),
    ],
)
def test_transmit_errors(
    fake: FakeScard, hresult: int, response: list[int], error: type[Exception]
) -> None:
    conn = pcsc.PcscBackend().connect("R0")
    fake.transmit.append((hresult, response))
    with pytest.raises(error):
        conn.transmit(b"\x00\xa4\x08\x0c\x02\xdf\x00")


def test_lost_card_is_not_reset_but_a_normal_one_is(fake: FakeScard) -> None:
    backend = pcsc.PcscBackend()
    conn = backend.connect("R0")
    fake.transmit.append((scard.SCARD_S_SUCCESS, [0x90, 0x00]))
    assert conn.transmit(b"\x80\xe4\x00\x00\x1c") == (b"", 0x90, 0x00)
    conn.disconnect()
    lost = backend.connect("R0")
    fake.transmit.append((scard.SCARD_E_NOT_TRANSACTED, []))
    with pytest.raises(CardRemovedError):
        lost.transmit(b"\x80\xe4\x00\x00\x1c")
    lost.disconnect()
    lost.disconnect()
    assert fake.disconnects == [scard.SCARD_RESET_CARD, scard.SCARD_LEAVE_CARD]


@pytest.mark.parametrize(
    ("hresult", "error"),
    [
        (scard.SCARD_E_NO_SMARTCARD, CardRemovedError),
        (scard.SCARD_W_REMOVED_CARD, CardRemovedError),
        (scard.SCARD_W_UNRESPONSIVE_CARD, CardError),
        (scard.SCARD_E_SHARING_VIOLATION, ReaderError),
    ],
)
def test_connect_errors(fake: FakeScard, hresult: int, error: type[Exception]) -> None:
    fake.connect_result = hresult
    with pytest.raises(error):
        pcsc.PcscBackend().connect("R0")


def test_control_code_on_linux() -> None:
    assert pcsc.control_code(3400) == 0x42000D48
