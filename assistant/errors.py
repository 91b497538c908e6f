"""The one error taxonomy shared by the card layer, the record layer and the UI.

Every failure the patient can meet is one of a few *kinds*. Each kind says, in words the
UI can translate, what failed and whether trying again makes sense. Messages carried by
these exceptions are for developers' logs and must never hold personal data.
"""

from __future__ import annotations

from enum import Enum


class ProblemKind(Enum):
    """What failed, in the patient's terms."""

    READER = "reader"
    CARD = "card"
    PIN = "pin"
    NETWORK = "network"
    SERVICE_DOWN = "service_down"
    SERVICE_REFUSED = "service_refused"
    LOGIN = "login"  # the login in the browser was not finished, was refused or ran out
    BAD_DATA = "bad_data"
    PROGRAM = "program"


#: Whether trying the same thing again can help, per kind.
RETRY_HELPS: dict[ProblemKind, bool] = {
    ProblemKind.READER: True,
    ProblemKind.CARD: True,
    ProblemKind.PIN: False,
    ProblemKind.NETWORK: True,
    ProblemKind.SERVICE_DOWN: True,
    ProblemKind.SERVICE_REFUSED: False,
    ProblemKind.LOGIN: True,
    ProblemKind.BAD_DATA: False,
    ProblemKind.PROGRAM: False,
}


class AssistantError(Exception):
    """Base of every error the core raises on purpose.

    ``detail`` is a short technical description for logs (never personal data).
    ``retry_after`` is a hint in seconds when the other side told us when to come back.
    """

    kind: ProblemKind = ProblemKind.PROGRAM

    def __init__(
        self,
        detail: str = "",
        *,
        kind: ProblemKind | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(detail)
        if kind is not None:
            self.kind = kind
        self.detail = detail
        self.retry_after = retry_after

    @property
    def retry_helps(self) -> bool:
        return RETRY_HELPS[self.kind]

    @property
    def log_name(self) -> str:
        """What a log line names this error by: its type's name (never its message)."""
        return type(self).__name__


class ReaderError(AssistantError):
    kind = ProblemKind.READER


class CardError(AssistantError):
    kind = ProblemKind.CARD


class CardRemovedError(CardError):
    """The card left the reader (or the reader left the PC) during a command."""


class NotEidCardError(CardError):
    """A card is in the reader, but it is not a Belgian identity card."""


class PinError(AssistantError):
    kind = ProblemKind.PIN


class NetworkError(AssistantError):
    kind = ProblemKind.NETWORK


class ServiceDownError(AssistantError):
    kind = ProblemKind.SERVICE_DOWN


class ServiceRefusedError(AssistantError):
    kind = ProblemKind.SERVICE_REFUSED


class LoginError(AssistantError):
    """The login at the record service (in the browser) did not give access: the person said
    no, the answer was not for this login, or the login ran out. Logging in again helps."""

    kind = ProblemKind.LOGIN


class BadDataError(AssistantError):
    kind = ProblemKind.BAD_DATA


class ProgramError(AssistantError):
    kind = ProblemKind.PROGRAM


class UnexpectedError(ProgramError):
    """An exception from outside this taxonomy (a bug, a library's own error), carried as a
    :class:`ProgramError` where only the taxonomy's errors may go (e.g. a worker's result).

    ``detail`` is the original's type name only (its message may hold personal data); the
    original is kept as ``__cause__`` and :attr:`original`.
    """

    def __init__(self, original: BaseException) -> None:
        super().__init__(type(original).__name__)
        self.original = original
        self.__cause__ = original

    @property
    def log_name(self) -> str:
        return type(self.original).__name__


def as_assistant_error(exc: BaseException) -> AssistantError:
    """``exc`` itself when it is one of the taxonomy's errors, else an :class:`UnexpectedError`
    carrying it."""
    return exc if isinstance(exc, AssistantError) else UnexpectedError(exc)
