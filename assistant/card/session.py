"""One patient's card in one reader: read it, verify or change the PIN, sign the challenge.

Every method blocks and must run in a worker thread. Calls are serialised by a lock. When the
card leaves (``CardRemovedError``) the session forgets everything it knew about the card and
the next call reconnects. The session never verifies the PIN by itself and never retries.

After a PIN command whose outcome is unknown (the card went mute, the link failed), the card
may or may not have counted the try: the session refuses the next PIN command until the tries
left were read again from the card (:meth:`CardSession.pin_tries_left`), so the last-try
protection of the journey always works on what the card says.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import TypeVar

from assistant.card import eid
from assistant.card.connection import CardBackend, CardConnection
from assistant.card.eid import CardData, CardInfo
from assistant.card.pin import PinCorrect, PinFormatError, PinResult
from assistant.card.pinpad import (
    PinpadFeatures,
    change_pin_direct,
    read_features,
    verify_pin_direct,
)
from assistant.card.signature import ChallengeSignature, challenge_digest
from assistant.card.trust import TrustStore
from assistant.errors import CardError, CardRemovedError, PinError

log = logging.getLogger(__name__)

T = TypeVar("T")


class TriesUnknownError(PinError):
    """A PIN command was refused because the last one ended without an answer: read the
    tries left from the card first."""


class CardSession:
    """Implements :class:`~assistant.card.signature.ChallengeSigner` once the PIN is verified."""

    def __init__(
        self,
        backend: CardBackend,
        reader: str,
        *,
        trust: TrustStore | None = None,
        language: Callable[[], str] | None = None,
    ) -> None:
        """``trust``: the roots a genuine card chains to (default: the public Belgian roots;
        the demo passes a store with its test roots). ``language`` gives the pinpad's message
        language."""
        self._backend = backend
        self.reader = reader
        self._trust = trust if trust is not None else TrustStore.belgian()
        self._language = language or (lambda: "en")
        self._outcome_unknown = False
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
        self._outcome_unknown = False
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
            data = eid.read_card(conn, trust=self._trust)
            self._info = data.card_info
            self._chain = data.auth_chain() if data.can_log_in else None
            return data

        return self._run(work)

    def has_pinpad(self) -> bool:
        """Whether the reader can take the PIN on its own keypad."""

        def work(conn: CardConnection) -> bool:
            if self._features is None:
                self._features = read_features(conn)
            return self._features.verify_direct is not None

        return self._run(work)

    def has_pinpad_change(self) -> bool:
        """Whether the reader can also take the current and the new PIN on its own keypad
        (FEATURE_MODIFY_PIN_DIRECT; some pinpad readers only verify)."""

        def work(conn: CardConnection) -> bool:
            if self._features is None:
                self._features = read_features(conn)
            return self._features.modify_direct is not None

        return self._run(work)

    def pin_tries_left(self) -> int | None:
        """PIN tries left before the card blocks it, read without spending one (None when the
        card cannot tell): GET CARD DATA on applet 1.8, VERIFY without data on 1.7."""

        def work(conn: CardConnection) -> int | None:
            if self._info is None:
                self._info = eid.get_card_data(conn)
            tries = eid.get_pin_tries_left(conn, self._info)
            self._outcome_unknown = False
            return tries

        return self._run(work)

    @property
    def tries_unknown(self) -> bool:
        """True after a PIN command ended without an answer, until the tries are read again."""
        return self._outcome_unknown

    def _pin_command(self, work: Callable[[CardConnection], PinResult]) -> PinResult:
        if self._outcome_unknown:
            raise TriesUnknownError("the last PIN command has no known outcome")
        try:
            result = self._run(work)
        except (PinFormatError, CardRemovedError):
            raise
        except PinError:
            raise  # cancelled on the pinpad: the card saw nothing
        except Exception:
            self._outcome_unknown = True
            self._pin_verified = False
            raise
        self._pin_verified = isinstance(result, PinCorrect)
        return result

    def verify_pin(self, pin: bytearray) -> PinResult:
        """VERIFY once with the PIN the patient just typed. ``pin`` is zeroed, always."""
        try:
            return self._pin_command(lambda conn: eid.verify_pin(conn, pin))
        finally:
            pin[:] = bytes(len(pin))

    def verify_pin_on_pinpad(self) -> PinResult:
        """Let the patient type the PIN on the pinpad reader."""

        def work(conn: CardConnection) -> PinResult:
            if self._features is None:
                self._features = read_features(conn)
            return verify_pin_direct(conn, self._features, self._language())

        return self._pin_command(work)

    def change_pin(self, current: bytearray, new: bytearray) -> PinResult:
        """CHANGE REFERENCE DATA with PINs typed on screen; both are zeroed, always."""
        try:
            return self._pin_command(lambda conn: eid.change_pin(conn, current, new))
        finally:
            current[:] = bytes(len(current))
            new[:] = bytes(len(new))

    def change_pin_on_pinpad(self) -> PinResult:
        """Let the patient type the current PIN and the new one twice on the pinpad."""

        def work(conn: CardConnection) -> PinResult:
            if self._features is None:
                self._features = read_features(conn)
            return change_pin_direct(conn, self._features, self._language())

        return self._pin_command(work)

    def sign_challenge(self, challenge: bytes) -> ChallengeSignature:
        """Sign the hub's challenge with the authentication key (needs a verified PIN)."""
        if not self._pin_verified:
            raise PinError("sign_challenge before the PIN was verified")

        def work(conn: CardConnection) -> ChallengeSignature:
            if self._info is None:
                self._info = eid.get_card_data(conn)
            if self._chain is None:
                chain = tuple(eid.read_certificate(conn, name) for name in eid.AUTH_CHAIN)
                if not chain[0]:
                    raise eid.NoAuthenticationCertificateError("no authentication certificate")
                self._chain = chain
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
