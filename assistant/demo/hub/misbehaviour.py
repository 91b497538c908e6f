"""Ways the demo hub can be told to misbehave, for tests (settable while it runs)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Fault(Enum):
    SLOW = "slow"  # wait ``delay`` seconds, then answer normally
    SERVER_ERROR = "500"  # 500 Internal Server Error
    UNAVAILABLE = "503"  # 503 Service Unavailable with Retry-After
    RESET = "reset"  # drop the TCP connection without an answer
    MALFORMED_JSON = "malformed_json"  # 200, fhir+json content type, truncated JSON
    WRONG_CONTENT_TYPE = "wrong_content_type"  # 200 with an HTML maintenance page
    HUGE_BODY = "huge_body"  # 200 with an endless-looking body of ``huge_bytes``
    BAD_RESOURCE = "bad_resource"  # 200, but one resource per page is malformed


class Scope(Enum):
    FHIR = "fhir"  # only the FHIR endpoints (the login works)
    AUTH = "auth"  # only /auth/*
    ALL = "all"


@dataclass(frozen=True, slots=True)
class Misbehaviour:
    """One fault, where it applies, and after how many normal answers it starts."""

    fault: Fault
    scope: Scope = Scope.FHIR
    after: int = 0  # serve this many matching requests normally first
    delay: float = 3.0
    retry_after: int = 30
    huge_bytes: int = 64 * 1024 * 1024
