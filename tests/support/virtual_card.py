"""Put a virtual eID card into a locked vpcd slot for the duration of a test.

    def test_read(vpcd_slot):
        with inserted_card(vpcd_slot, "kid") as link:
            ...  # pcscd already reports the card in vpcd_slot.reader_name
            link.card  # the VirtualEidCard model (tries_left, received APDUs, faults)
            link.remove(); link.insert()  # pull the card out / put it back

On exit the card is removed and pcscd has seen it go, so the next test starts clean.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from assistant.demo.card.model import FaultPlan, VirtualCard, VirtualEidCard
from assistant.demo.card.vpcd import VpcdLink, wait_for_card_state
from tests.support.pcsc import VpcdSlot

CARD_EVENT_SECONDS = 5.0


@contextmanager
def inserted_card(
    slot: VpcdSlot,
    citizen_id: str = "adult",
    card: VirtualCard | None = None,
    faults: FaultPlan | None = None,
) -> Iterator[VpcdLink]:
    """Insert ``card`` (or a fresh card for ``citizen_id``) into ``slot``; yield the link."""
    if card is None:
        card = VirtualEidCard(citizen_id)
    if faults is not None:
        card.faults = faults
    link = VpcdLink(card, port=slot.port, host=slot.host)
    link.insert()
    try:
        if not link.wait_active(CARD_EVENT_SECONDS):
            raise RuntimeError(f"vpcd does not talk to the card in {slot.reader_name} (busy?)")
        if not wait_for_card_state(slot.reader_name, True, CARD_EVENT_SECONDS):
            raise RuntimeError(f"pcscd did not see the virtual card in {slot.reader_name}")
        yield link
    finally:
        link.close()
        wait_for_card_state(slot.reader_name, False, CARD_EVENT_SECONDS)
