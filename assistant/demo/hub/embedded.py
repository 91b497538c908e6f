"""The demo hub in-process: the program's default record source, no socket at all.

The FHIR client talks to the WSGI app through ``httpx.WSGITransport``, so the same client
code runs against the embedded hub and against a real server.
"""

from __future__ import annotations

import httpx

from assistant.card.signature import ChallengeSigner
from assistant.demo.hub.app import HubApp, make_hub_app
from assistant.demo.hub.misbehaviour import Misbehaviour
from assistant.records.fhir_client import hub_http_client
from assistant.records.hub_source import HubRecordSource
from assistant.records.source import RecordSource

EMBEDDED_BASE_URL = "https://demo-hub.invalid"


class EmbeddedHub:
    """The hub app plus an httpx client wired to it in memory."""

    def __init__(self, app: HubApp | None = None) -> None:
        self.app = app if app is not None else make_hub_app()
        self.app.authority.bind_origin(EMBEDDED_BASE_URL)
        self.base_url = EMBEDDED_BASE_URL
        self.client = hub_http_client(
            transport=httpx.WSGITransport(app=self.app), base_url=EMBEDDED_BASE_URL
        )

    def record_source(self, signer: ChallengeSigner) -> RecordSource:
        """A record source that logs in with ``signer`` (the card) and loads the record."""
        # in-process there is no network latency to overlap: one search at a time
        return HubRecordSource(self.client, self.base_url, signer, parallel=1)

    def set_misbehaviour(self, misbehaviour: Misbehaviour | None) -> None:
        self.app.set_misbehaviour(misbehaviour)

    def stop(self) -> None:
        self.app.stop()
        self.client.close()


def start_embedded_hub() -> EmbeddedHub:
    """Start the in-process demo hub (cheap after the first call: patients are cached)."""
    return EmbeddedHub()
