"""One patient's card in one reader: read it, verify the PIN, sign the hub's challenge.

Every method blocks and must run in a worker thread. Calls are serialised by a lock. When the
card leaves (``CardRemovedError``) the session forgets everything it knew about the card and
the next call reconnects. The session never verifies the PIN by itself and never retries.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import TypeVar

from assistant.card import eid
from assistant.card.connection import CardBackend, CardConnection
from assistant.card.eid import CardData, CardInfo
from assistant.card.pin import PinCorrect, PinResult
from assistant.card.pinpad import PinpadFeatures, read_features, verify_pin_direct
from assistant.card.signature import ChallengeSignature, challenge_digest
from assistant.errors import CardError, CardRemovedError, PinError

log = logging.getLogger(__name__)

T = TypeVar("T")


class CardSession:
    """Implements :class:`~assistant.card.signature.ChallengeSigner` once the PIN is verified."""

    def __init__(self, backend: CardBackend, reader: str) -> None:
        self._backend = backend
        self.reader = reader
        self._lock = threading.Lock()
        self._conn: CardConnection | None = None
        self._info: CardInfo | None = None
        self._chain: tuple[bytes, ...] | None = None
        self._features: PinpadFeatures | None = None
        self._pin_verified = False

    @property
    def pin_verified(self) -> bool:
        return self._pin_verified

    def _forget(self) -> None:
        conn, self._conn = self._conn, None
        self._info = None
        self._chain = None
        self._features = None
        self._pin_verified = False
        if conn is not None:
            try:
                conn.disconnect()
            except Exception:  # the card or reader is already gone
                log.debug("disconnect after removal failed", exc_info=True)

    def _run(self, work: Callable[[CardConnection], T]) -> T:
        """Run ``work`` on the connection, inside a PC/SC transaction when the link has them
        (so another program cannot slip commands between a SELECT and its READ BINARY)."""
        with self._lock:
            if self._conn is None:
                self._conn = self._backend.connect(self.reader)
            conn = self._conn
            begin = getattr(conn, "begin_transaction", None)
            end = getattr(conn, "end_transaction", None)
            try:
                if callable(begin):
                    begin()
                try:
                    return work(conn)
                finally:
                    if callable(end):
                        end()
            except CardRemovedError:
                self._forget()
                raise

    def read_card(self) -> CardData:
        """Read the card (all-or-nothing, see :func:`assistant.card.eid.read_card`)."""

        def work(conn: CardConnection) -> CardData:
            data = eid.read_card(conn)
            self._info = data.card_info
            self._chain = data.auth_chain()
            return data

        return self._run(work)

    def has_pinpad(self) -> bool:
        """Whether the reader can take the PIN on its own keypad."""

        def work(conn: CardConnection) -> bool:
            if self._features is None:
                self._features = read_features(conn)
            return self._features.verify_direct is not None

        return self._run(work)

    def pin_tries_left(self) -> int | None:
        """PIN tries left before the card blocks it, read without spending one (None when the
        card cannot tell)."""
        return self._run(eid.get_pin_tries_left)

    def verify_pin(self, pin: bytearray) -> PinResult:
        """VERIFY once with the PIN the patient just typed. ``pin`` is zeroed, always."""
        try:

            def work(conn: CardConnection) -> PinResult:
                return eid.verify_pin(conn, pin)

            result = self._run(work)
        finally:
            pin[:] = bytes(len(pin))
        self._pin_verified = isinstance(result, PinCorrect)
        return result

    def verify_pin_on_pinpad(self) -> PinResult:
        """Let the patient type the PIN on the pinpad reader."""

        def work(conn: CardConnection) -> PinResult:
            if self._features is None:
                self._features = read_features(conn)
            return verify_pin_direct(conn, self._features)

        result = self._run(work)
        self._pin_verified = isinstance(result, PinCorrect)
        return result

    def sign_challenge(self, challenge: bytes) -> ChallengeSignature:
        """Sign the hub's challenge with the authentication key (needs a verified PIN)."""
        if not self._pin_verified:
            raise PinError("sign_challenge before the PIN was verified")

        def work(conn: CardConnection) -> ChallengeSignature:
            if self._info is None:
                self._info = eid.get_card_data(conn)
            if self._chain is None:
                self._chain = tuple(eid.read_certificate(conn, name) for name in eid.AUTH_CHAIN)
            try:
                signature = eid.sign_digest(conn, challenge_digest(challenge), self._info)
            except CardError:
                self._pin_verified = False
                raise
            return ChallengeSignature(signature=signature, certificate_chain=self._chain)

        return self._run(work)

    def close(self) -> None:
        """Disconnect (the card is reset, so the verified PIN does not outlive the session)."""
        with self._lock:
            self._forget()
