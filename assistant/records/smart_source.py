"""The record from any FHIR R4 server through SMART App Launch: :class:`SmartRecordSource`.

One ``load()`` = log in in the browser (:func:`assistant.records.smart.log_in`), read the
patient of the token's launch context and their record with the bearer token (renewed with the
refresh token if the service gave one and the token runs out during the load), map it, and
forget the tokens. The card does not take part: the service's own login checks who it is.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import httpx

from assistant.errors import LoginError
from assistant.records.fhir_client import (
    RECOMMENDED_TIMEOUT,
    FhirClient,
    Json,
    TokenRefusedError,
    hub_http_client,
)
from assistant.records.hub_source import (
    default_parallel,
    fetch_patient_resources,
    record_with_unreadable,
)
from assistant.records.model import ItemSource, Record, SourceKind
from assistant.records.record_services import RecordService
from assistant.records.smart import (
    LOGIN_WAIT_SECONDS,
    BrowserOpener,
    SmartSession,
    log_in,
    system_browser,
)

log = logging.getLogger(__name__)


class SessionFhirClient(FhirClient):
    """A FHIR client whose bearer token comes from a SMART session: renewed before it runs
    out, and once more if the server refuses it (401); LoginError when it cannot be."""

    def __init__(self, client: httpx.Client, fhir_base: str, session: SmartSession) -> None:
        super().__init__(client, fhir_base)
        self.session = session

    def bearer(self) -> str | None:
        return self.session.access_token()

    def get(self, url: str, params: Mapping[str, str] | None = None) -> Json:
        sent = self.session.access_token()
        try:
            return super().get(url, params)
        except TokenRefusedError:
            self.session.renew(sent)  # LoginError without a refresh token
        try:
            return super().get(url, params)
        except TokenRefusedError:
            raise LoginError("the service refused the renewed token: log in again") from None


class SmartRecordSource:
    """Loads the logged-in patient's record from ``service`` (blocking; use a worker).

    Raises LoginError / NetworkError / ServiceDownError / ServiceRefusedError / BadDataError.
    """

    def __init__(
        self,
        service: RecordService,
        *,
        opener: BrowserOpener = system_browser,
        verify: Any = True,
        timeout: httpx.Timeout | float = RECOMMENDED_TIMEOUT,
        parallel: int | None = None,
        wait_seconds: float = LOGIN_WAIT_SECONDS,
    ) -> None:
        self.service = service
        self.opener = opener
        self.verify = verify
        self.timeout = timeout
        self.parallel = default_parallel(service.fhir_base_url) if parallel is None else parallel
        self.wait_seconds = wait_seconds
        self._session: SmartSession | None = None

    def load(self) -> Record:
        session = log_in(
            self.service,
            opener=self.opener,
            verify=self.verify,
            timeout=self.timeout,
            wait_seconds=self.wait_seconds,
        )
        self._session = session
        try:
            return self.load_with(session)
        finally:
            self.forget()

    def load_with(self, session: SmartSession) -> Record:
        """Read and map the record with a session already logged in."""
        with hub_http_client(verify=self.verify, timeout=self.timeout) as client:
            fhir = SessionFhirClient(client, self.service.fhir_base_url, session)
            patient_id = session.patient_id
            resources, unreadable = fetch_patient_resources(
                fhir, patient_id, parallel=self.parallel, patient_param=f"Patient/{patient_id}"
            )
        source = ItemSource(SourceKind.HUB, self.service.fhir_base_url)
        return record_with_unreadable(resources, unreadable, source)

    def forget(self) -> None:
        """Forget the tokens (after each load; also for Finish, card removal, the idle lock)."""
        session, self._session = self._session, None
        if session is not None:
            session.wipe()

    def __repr__(self) -> str:
        return f"SmartRecordSource({self.service.id!r})"
