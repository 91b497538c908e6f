"""End to end: virtual card in pcscd → read → PIN → sign the hub's challenge → token → record."""

from __future__ import annotations

import httpx
import pytest

from assistant.card.pcsc import PcscBackend
from assistant.card.pin import PinCorrect
from assistant.card.session import CardSession
from assistant.demo.card.citizens import CITIZENS, DEFAULT_PIN
from assistant.demo.card.model import FaultPlan, VirtualEidCard
from assistant.demo.hub.server import RunningHub
from assistant.errors import CardRemovedError, PinError
from assistant.records.hub_source import HubRecordSource
from tests.support import hub as hub_support
from tests.support.pcsc import VpcdSlot
from tests.support.trust import DEMO_TRUST
from tests.support.virtual_card import inserted_card

# the shared hub fixtures, used by name in this module
hub_clock = hub_support.hub_clock
_session_hub = hub_support._session_hub
tls_hub = hub_support.tls_hub
hub_client = hub_support.hub_client
pytestmark = pytest.mark.pcsc


def test_card_through_pcscd_to_record_over_https(
    vpcd_slot: VpcdSlot, tls_hub: RunningHub, hub_client: httpx.Client
) -> None:
    backend = PcscBackend(reader_filter=vpcd_slot.reader_name)
    try:
        with inserted_card(vpcd_slot, "kid") as link:
            session = CardSession(backend, vpcd_slot.reader_name, trust=DEMO_TRUST)
            try:
                card_data = session.read_card()
                source = HubRecordSource(hub_client, tls_hub.base_url, session)
                with pytest.raises(PinError):  # no signature before the PIN
                    source.load()
                assert session.verify_pin(bytearray(DEFAULT_PIN.encode())) == PinCorrect()
                record = source.load()
            finally:
                session.close()
            card = link.card
            assert isinstance(card, VirtualEidCard)
            signed_apdus = [a for a in card.received if a[:4] == b"\x00\x2a\x9e\x9a"]
            assert len(signed_apdus) == 1  # the card signed exactly one challenge
    finally:
        backend.close()
    kid = CITIZENS["kid"]
    assert card_data.identity.national_number == kid.national_number
    assert record.patient is not None
    assert record.patient.national_number == card_data.identity.national_number
    assert len(record.vaccinations) >= 10
    assert source.last_token is not None and source.last_token.patient_id


def test_card_pulled_while_signing_stops_the_login(
    vpcd_slot: VpcdSlot, tls_hub: RunningHub, hub_client: httpx.Client
) -> None:
    backend = PcscBackend(reader_filter=vpcd_slot.reader_name)
    before = tls_hub.app.requests_served
    try:
        with inserted_card(vpcd_slot, "adult") as link:
            session = CardSession(backend, vpcd_slot.reader_name, trust=DEMO_TRUST)
            try:
                assert session.verify_pin(bytearray(DEFAULT_PIN.encode())) == PinCorrect()
                link.card.faults = FaultPlan(remove_after=link.card.apdu_count)
                with pytest.raises(CardRemovedError):
                    HubRecordSource(hub_client, tls_hub.base_url, session).load()
            finally:
                session.close()
    finally:
        backend.close()
    # only the challenge was asked for: no token request, no record read
    assert tls_hub.app.requests_served - before == 1
