"""Errors and names shared by the card backends and the monitor."""

from __future__ import annotations

from assistant.errors import ReaderError


class ServiceUnavailableError(ReaderError):
    """The smart card service (pcscd on Linux) is not running or cannot be reached."""
