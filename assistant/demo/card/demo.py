"""The demo card: a virtual eID card the program can always read.

When pcscd runs with the vsmartcard-vpcd driver, the card goes into the vpcd reader and the
program reads it through the real PC/SC stack (``PcscBackend`` limited to that reader).
It takes the first vpcd slot whose lock (``vpcd_lock``) nobody else holds, and keeps that
lock until it is stopped, so a test run on the same pcscd never shares its slot.
Otherwise (Windows, macOS, no pcscd, every slot taken) it sits in the in-process reader.
Starting never hangs: every probe of PC/SC runs with a time limit.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import cast

from assistant.card.connection import CardBackend
from assistant.demo.card.citizens import CITIZENS, DEFAULT_CITIZEN, DEFAULT_PIN
from assistant.demo.card.inprocess import InProcessBackend
from assistant.demo.card.model import VirtualEidCard
from assistant.demo.card.vpcd import (
    VPCD_PORT,
    VpcdLink,
    vpcd_reader_name,
    wait_for_card_state,
)
from assistant.demo.card.vpcd_lock import VPCD_SLOTS, VpcdSlotLock, try_lock_slot
from assistant.errors import AssistantError

log = logging.getLogger(__name__)

PROBE_SECONDS = 2.0
CARD_EVENT_SECONDS = 4.0
ACTIVE_SECONDS = 2.0

BackendFactory = Callable[[str], CardBackend]


def _pcsc_backend(reader_name: str) -> CardBackend:
    from assistant.card.pcsc import PcscBackend

    return cast(CardBackend, PcscBackend(reader_filter=reader_name))


def _with_time_limit(func: Callable[[], bool], seconds: float) -> bool:
    """Run ``func`` on a daemon thread; False if it fails or does not finish in time."""
    result: list[bool] = []

    def run() -> None:
        try:
            result.append(func())
        except Exception as exc:  # any PC/SC failure means "not usable"
            log.info("PC/SC probe failed: %s", type(exc).__name__)
            result.append(False)

    thread = threading.Thread(target=run, name="demo-pcsc-probe", daemon=True)
    thread.start()
    thread.join(seconds)
    return bool(result and result[0])


class DemoCard:
    """A virtual card in a reader, with controls to insert and remove it."""

    def __init__(
        self,
        card: VirtualEidCard,
        backend: CardBackend,
        link: VpcdLink | None,
        reader_name: str,
        slot_lock: VpcdSlotLock | None = None,
    ) -> None:
        self.card = card
        self.backend = backend
        self.reader_name = reader_name
        self._link = link
        self._slot_lock = slot_lock

    @property
    def uses_pcscd(self) -> bool:
        """True when the card is read through pcscd and the vpcd reader."""
        return self._link is not None

    @property
    def inserted(self) -> bool:
        if self._link is not None:
            return self._link.inserted
        return cast(InProcessBackend, self.backend).card is not None

    def insert(self, citizen_id: str | None = None, *, wait: bool = True) -> None:
        """Insert the card again, or a new card for ``citizen_id``.

        With pcscd, ``wait`` blocks (a few seconds at most) until pcscd sees the card; call
        it off the GUI thread.
        """
        if citizen_id is not None:
            self.card = VirtualEidCard(CITIZENS[citizen_id], pin=DEFAULT_PIN)
        if self._link is not None:
            self._link.insert(self.card)
            if wait:
                wait_for_card_state(self.reader_name, True, CARD_EVENT_SECONDS)
        else:
            cast(InProcessBackend, self.backend).insert(self.card)

    def remove(self, *, wait: bool = True) -> None:
        """Take the card out of the reader."""
        if self._link is not None:
            self._link.remove()
            if wait:
                wait_for_card_state(self.reader_name, False, CARD_EVENT_SECONDS)
        else:
            cast(InProcessBackend, self.backend).remove()

    def stop(self) -> None:
        """Remove the card, release the link and the vpcd slot's lock."""
        try:
            if self._link is not None:
                self._link.close()
            else:
                cast(InProcessBackend, self.backend).remove()
            close = getattr(self.backend, "close", None)
            if callable(close):
                close()
        finally:
            if self._slot_lock is not None:
                self._slot_lock.release()


def start_demo_card(
    citizen_id: str = DEFAULT_CITIZEN,
    *,
    port: int | None = None,
    use_pcscd: bool = True,
    backend_factory: BackendFactory | None = None,
) -> DemoCard:
    """Insert the demo card for ``citizen_id`` and return it with the backend to read it.

    By default the card goes into the first vpcd slot (35963, then 35964) whose lock nobody
    else holds, and holds that lock until ``stop``. An explicit ``port`` takes exactly that
    slot *without* its lock: the caller owns the slot (a test holding the lock, a developer
    naming the slot); a card already in it still sends the demo to the in-process reader.
    ``use_pcscd=False`` forces the in-process reader; ``backend_factory`` builds the PC/SC
    backend for a reader name (tests).
    """
    card = VirtualEidCard(CITIZENS[citizen_id], pin=DEFAULT_PIN)
    if use_pcscd:
        factory = backend_factory or _pcsc_backend
        if port is not None:
            demo = _try_pcscd(card, port, factory, None)
            if demo is not None:
                return demo
        else:
            demo = _try_free_slots(card, factory)
            if demo is not None:
                return demo
    backend = InProcessBackend(card)
    log.info("demo card in the in-process reader")
    return DemoCard(card, backend, None, backend.list_readers()[0])


def _try_free_slots(card: VirtualEidCard, factory: BackendFactory) -> DemoCard | None:
    """The demo card in the first vpcd slot that is not locked and takes it, holding its lock."""
    locked = 0
    for index in range(VPCD_SLOTS):
        lock = try_lock_slot(index)
        if lock is None:
            log.info("vpcd slot %d is in use by another program", index)
            locked += 1
            continue
        try:
            demo = _try_pcscd(card, VPCD_PORT + index, factory, lock)
        except BaseException:
            lock.release()
            raise
        if demo is not None:
            return demo
        lock.release()
    if locked == VPCD_SLOTS:
        log.info("every vpcd slot is in use by another program")
    return None


def _try_pcscd(
    card: VirtualEidCard, port: int, factory: BackendFactory, slot_lock: VpcdSlotLock | None
) -> DemoCard | None:
    reader = vpcd_reader_name(port)
    holder: list[CardBackend] = []

    def reader_exists() -> bool:
        backend = factory(reader)
        holder.append(backend)
        return reader in backend.list_readers()

    if not _with_time_limit(reader_exists, PROBE_SECONDS) or not holder:
        log.info("pcscd or the vpcd reader is not available")
        _close_backend(holder)
        return None
    backend = holder[0]
    link = VpcdLink(card, port=port)
    try:
        link.insert()
    except AssistantError:
        log.info("the vpcd driver does not accept the card")
        _close_backend(holder)
        return None
    if not link.wait_active(ACTIVE_SECONDS):
        log.info("the vpcd slot is busy with another card")
        link.close()
        _close_backend(holder)
        return None
    seen = _with_time_limit(
        lambda: wait_for_card_state(reader, True, CARD_EVENT_SECONDS), CARD_EVENT_SECONDS + 1
    )
    if not seen:
        log.info("pcscd did not see the demo card")
        link.close()
        _close_backend(holder)
        return None
    log.info("demo card in the vpcd reader")
    return DemoCard(card, backend, link, reader, slot_lock)


def _close_backend(holder: list[CardBackend]) -> None:
    for backend in holder:
        close = getattr(backend, "close", None)
        if callable(close):
            try:
                close()
            except Exception:  # closing a half-made PC/SC context must not break the demo
                log.debug("closing the PC/SC backend failed", exc_info=True)


class DemoCards:
    """The virtual citizens' cards for ``dossier-assistant card --virtual`` (see
    ``assistant.card.diagnostic.VirtualCards``)."""

    @property
    def names(self) -> frozenset[str]:
        return frozenset(CITIZENS)

    @property
    def roots(self) -> tuple[bytes, ...]:
        """The test roots the virtual cards chain to (added to the trust store for them)."""
        from assistant.demo.card.pki import demo_roots

        return demo_roots()

    def insert(self, name: str, *, use_pcscd: bool, port: int | None) -> DemoCard:
        return start_demo_card(name, use_pcscd=use_pcscd, port=port)
