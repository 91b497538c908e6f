"""The hub client never hangs, never crashes and never sends a secret in clear.

A server that drips its answer one byte at a time (on loopback) meets the deadline of each
request and of the whole record load; deeply nested JSON and a malformed search entry are the
project's bad data; a hub that is neither https nor this computer is refused before anything
is sent.
"""

from __future__ import annotations

import json
import time
from typing import Any

import httpx
import pytest

from assistant.errors import BadDataError, ProblemKind, ProgramError, ServiceDownError
from assistant.records import fhir_client
from assistant.records.auth import AccessToken, login
from assistant.records.fhir_client import FhirClient, check_hub_address, request_json
from assistant.records.hub_source import RECORD_LOAD_DEADLINE_S, HubRecordSource
from assistant.records.model import UnreadableReason
from tests.core.test_hub_client import _StubSigner
from tests.support.slow_server import slow_server

#: A per-read timeout the drip never trips (each byte comes well within it).
READ_TIMEOUT = httpx.Timeout(5.0, connect=2.0)


def test_deadlines_are_stated_in_the_code() -> None:
    assert 0 < fhir_client.REQUEST_DEADLINE_S <= 60
    assert fhir_client.REQUEST_DEADLINE_S <= RECORD_LOAD_DEADLINE_S <= 300


@pytest.mark.parametrize("drip", ["head", "body"])
def test_a_dripping_server_meets_the_request_deadline(
    drip: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fhir_client, "REQUEST_DEADLINE_S", 1.0)
    with slow_server(drip) as server, httpx.Client(timeout=READ_TIMEOUT) as client:
        started = time.monotonic()
        with pytest.raises(ServiceDownError) as info:
            request_json(client, "GET", f"{server.base_url}/fhir/Patient/p")
        elapsed = time.monotonic() - started
    assert info.value.kind is ProblemKind.SERVICE_DOWN  # "the service does not answer"
    assert 0.9 <= elapsed < 3.0


@pytest.mark.parametrize("drip", ["head", "body"])
def test_a_reused_connection_is_cut_too(drip: str) -> None:
    with (
        slow_server(drip, fast_first=True) as server,
        httpx.Client(timeout=READ_TIMEOUT) as client,
    ):
        assert request_json(client, "GET", f"{server.base_url}/fhir/Patient/p")["id"] == "p"
        started = time.monotonic()
        with pytest.raises(ServiceDownError):
            request_json(client, "GET", f"{server.base_url}/fhir/Patient/p", deadline=started + 1)
        assert time.monotonic() - started < 3.0
        assert server.connections == 1  # the second request did reuse the connection


def test_a_caller_deadline_sooner_than_the_request_one_wins() -> None:
    with slow_server("head") as server, httpx.Client(timeout=READ_TIMEOUT) as client:
        started = time.monotonic()
        with pytest.raises(ServiceDownError):
            request_json(client, "GET", f"{server.base_url}/x", deadline=started + 0.5)
        assert time.monotonic() - started < 2.5
        # a deadline already past: nothing is sent
        count = len(server.requests)
        with pytest.raises(ServiceDownError):
            request_json(client, "GET", f"{server.base_url}/x", deadline=time.monotonic() - 1)
        assert len(server.requests) == count


def test_the_record_load_has_one_deadline() -> None:
    with slow_server("head", gap=0.05) as server, httpx.Client(timeout=READ_TIMEOUT) as client:
        source = HubRecordSource(client, server.base_url, _StubSigner(), load_deadline_s=1.0)
        token = AccessToken(token="t", patient_id="p", expires_at=time.monotonic() + 60)
        started = time.monotonic()
        with pytest.raises(ServiceDownError):
            source.load_with(token)
        assert time.monotonic() - started < 3.0  # not REQUEST_DEADLINE_S (30 s)


def _answer(body: bytes) -> httpx.Client:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=body, headers={"Content-Type": "application/fhir+json"})

    return httpx.Client(transport=httpx.MockTransport(handler))


def test_deeply_nested_json_is_bad_data() -> None:
    with _answer(b"[" * 100_000 + b"]" * 100_000) as client, pytest.raises(BadDataError):
        request_json(client, "GET", "https://hub.test/fhir/Patient/p")
    nested = b'{"resourceType": "Patient", "x": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    with _answer(nested) as client, pytest.raises(BadDataError):
        request_json(client, "GET", "https://hub.test/fhir/Patient/p")


def _searchset(entries: list[Any]) -> bytes:
    return json.dumps({"resourceType": "Bundle", "type": "searchset", "entry": entries}).encode()


@pytest.mark.parametrize("search", ["match", 7, ["match"], None])
def test_a_search_entry_whose_search_is_not_an_object_is_one_unreadable_part(
    search: Any,
) -> None:
    entries = [
        {"resource": {"resourceType": "Condition", "id": "1"}, "search": search},
        {"resource": {"resourceType": "Condition", "id": "2"}, "search": {"mode": "match"}},
    ]
    with _answer(_searchset(entries)) as client:
        result = FhirClient(client, "https://hub.test/fhir").search("Condition")
    assert [r["id"] for r in result.resources] == ["1", "2"]  # nothing dropped
    flagged = [u for u in result.unreadable if u.reason is UnreadableReason.MALFORMED]
    assert len(flagged) == (0 if search is None else 1)


@pytest.mark.parametrize(
    "url",
    [
        "http://hub.example.be/fhir",
        "http://10.0.0.5/fhir",
        "http://[::ffff:10.0.0.5]/fhir",
        "ftp://hub.example.be/fhir",
        "hub.example.be/fhir",
    ],
)
def test_a_hub_in_clear_elsewhere_is_refused_before_anything_is_sent(url: str) -> None:
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, json={})

    with pytest.raises(ProgramError):
        check_hub_address(url)
    with httpx.Client(transport=httpx.MockTransport(handler)) as client:
        with pytest.raises(ProgramError):
            FhirClient(client, url, "secret-token")
        with pytest.raises(ProgramError):
            request_json(client, "GET", url, headers={"Authorization": "Bearer secret-token"})
        signer = _StubSigner()
        with pytest.raises(ProgramError):
            login(client, url.rsplit("/fhir", 1)[0], signer)
        assert signer.challenges == []  # the card was never asked to sign
    assert sent == []


@pytest.mark.parametrize(
    "url",
    [
        "https://hub.example.be/fhir",
        "http://127.0.0.1:8080/fhir",
        "http://localhost/fhir",
        "http://[::1]/fhir",
    ],
)
def test_https_and_this_computer_are_allowed(url: str) -> None:
    check_hub_address(url)
