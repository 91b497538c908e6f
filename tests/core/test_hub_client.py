"""The FHIR client and the login against scripted answers (httpx.MockTransport)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from email.utils import format_datetime
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.card.signature import ChallengeSignature
from assistant.errors import (
    BadDataError,
    CardRemovedError,
    NetworkError,
    ProblemKind,
    ProgramError,
    ServiceDownError,
    ServiceRefusedError,
)
from assistant.records.auth import login, login_message, origin_of
from assistant.records.fhir_client import FhirClient, request_json, retry_after_seconds
from assistant.records.fhir_map import record_from_fhir
from assistant.records.model import ItemSource, SourceKind

BASE = "https://hub.test"
FHIR = f"{BASE}/fhir"

Handler = Callable[[httpx.Request], httpx.Response]


def _client(handler: Handler) -> httpx.Client:
    return httpx.Client(transport=httpx.MockTransport(handler))


def _json(
    body: Any, status: int = 200, content_type: str = "application/fhir+json"
) -> httpx.Response:
    return httpx.Response(
        status, content=json.dumps(body).encode(), headers={"Content-Type": content_type}
    )


def _get(handler: Handler, **kwargs: Any) -> dict[str, Any]:
    with _client(handler) as client:
        return request_json(client, "GET", f"{FHIR}/Patient/x", **kwargs)


@pytest.mark.parametrize(
    ("status", "error", "kind"),
    [
        (401, ServiceRefusedError, ProblemKind.SERVICE_REFUSED),
        (403, ServiceRefusedError, ProblemKind.SERVICE_REFUSED),
        (500, ServiceDownError, ProblemKind.SERVICE_DOWN),
        (502, ServiceDownError, ProblemKind.SERVICE_DOWN),
        (429, ServiceDownError, ProblemKind.SERVICE_DOWN),
        (302, NetworkError, ProblemKind.NETWORK),
        (400, ProgramError, ProblemKind.PROGRAM),
        (404, ProgramError, ProblemKind.PROGRAM),
    ],
)
def test_http_status_maps_to_a_problem_kind(status: int, error: type, kind: ProblemKind) -> None:
    with pytest.raises(error) as caught:
        _get(lambda r: _json({"resourceType": "OperationOutcome"}, status))
    assert caught.value.kind is kind


def test_retry_after_in_seconds_and_as_a_date() -> None:
    def unavailable(request: httpx.Request) -> httpx.Response:
        return httpx.Response(503, headers={"Retry-After": "120"})

    with pytest.raises(ServiceDownError) as caught:
        _get(unavailable)
    assert caught.value.retry_after == 120
    assert caught.value.retry_helps
    later = format_datetime(datetime(2030, 1, 1, 12, 0, 30, tzinfo=UTC), usegmt=True)
    now = datetime(2030, 1, 1, 12, 0, 0, tzinfo=UTC).timestamp()
    assert retry_after_seconds(later, now=now) == pytest.approx(30)
    assert retry_after_seconds("soon") is None
    assert retry_after_seconds(None) is None


@pytest.mark.parametrize(
    ("exception", "error"),
    [
        (httpx.ConnectError("refused"), NetworkError),
        (httpx.ConnectError("[SSL: CERTIFICATE_VERIFY_FAILED]"), NetworkError),
        (httpx.ConnectTimeout("slow connect"), NetworkError),
        (httpx.ReadTimeout("slow answer"), ServiceDownError),
        (httpx.RemoteProtocolError("server disconnected"), NetworkError),
        (httpx.ReadError("connection reset by peer"), NetworkError),
        (ConnectionResetError("reset"), NetworkError),
    ],
)
def test_transport_failures_map_to_a_problem_kind(exception: Exception, error: type) -> None:
    def fail(request: httpx.Request) -> httpx.Response:
        raise exception

    with pytest.raises(error):
        _get(fail)


@pytest.mark.parametrize(
    ("response", "why"),
    [
        (httpx.Response(200, content=b"<html>", headers={"Content-Type": "text/html"}), "not JSON"),
        (
            httpx.Response(
                200, content=b'{"a": ', headers={"Content-Type": "application/fhir+json"}
            ),
            "malformed",
        ),
        (
            httpx.Response(200, content=b"[1, 2]", headers={"Content-Type": "application/json"}),
            "not an object",
        ),
        (httpx.Response(200, content=b"{}"), "not JSON"),
    ],
)
def test_bad_answers_are_bad_data(response: httpx.Response, why: str) -> None:
    with pytest.raises(BadDataError, match=why):
        _get(lambda r: response)


def test_body_size_is_limited_with_or_without_content_length() -> None:
    big = b"{" + b" " * 5000 + b"}"
    with pytest.raises(BadDataError, match="too large"):
        _get(
            lambda r: httpx.Response(
                200, content=big, headers={"Content-Type": "application/fhir+json"}
            ),
            max_bytes=1000,
        )

    def streamed(request: httpx.Request) -> httpx.Response:
        chunks = _Chunks([b"{", b" " * 800, b" " * 800, b"}"])  # no Content-Length
        return httpx.Response(200, stream=chunks, headers={"Content-Type": "application/fhir+json"})

    with pytest.raises(BadDataError, match="larger than"):
        _get(streamed, max_bytes=1000)
    assert _get(lambda r: _json({"resourceType": "Patient"}), max_bytes=1000) == {
        "resourceType": "Patient"
    }


class _Chunks(httpx.SyncByteStream):
    def __init__(self, chunks: list[bytes]) -> None:
        self.chunks = chunks

    def __iter__(self) -> Iterator[bytes]:
        yield from self.chunks


def _bundle(
    entries: list[Any], next_url: str | None = None, total: int | None = None
) -> dict[str, Any]:
    bundle: dict[str, Any] = {
        "resourceType": "Bundle",
        "type": "searchset",
        "entry": entries,
        "link": [],
    }
    if next_url:
        bundle["link"].append({"relation": "next", "url": next_url})
    if total is not None:
        bundle["total"] = total
    return bundle


def _entry(rid: str, kind: str = "Condition", mode: str = "match") -> dict[str, Any]:
    return {"resource": {"resourceType": kind, "id": rid}, "search": {"mode": mode}}


def test_search_follows_next_links_and_merges_pages() -> None:
    pages = {
        "0": _bundle(
            [_entry("a"), _entry("p", "Practitioner", "include")], f"{FHIR}/Condition?page=1", 3
        ),
        "1": _bundle(
            [_entry("b"), _entry("p", "Practitioner", "include")], f"{FHIR}/Condition?page=2"
        ),
        "2": _bundle([_entry("c")]),
    }
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        assert request.headers["Authorization"] == "Bearer secret"
        return _json(pages[request.url.params.get("page", "0")])

    with _client(handler) as client:
        result = FhirClient(client, FHIR, "secret").search("Condition", {"patient": "x"})
    assert [r["id"] for r in result.resources] == ["a", "p", "b", "c"]
    assert result.total == 3 and result.pages == 3
    assert "patient=x" in seen[0] and "patient" not in seen[1]


def test_next_link_to_another_server_is_refused() -> None:
    evil = _bundle([_entry("a")], "https://evil.test/fhir/Condition?page=1")
    with _client(lambda r: _json(evil)) as client, pytest.raises(BadDataError, match="leaves"):
        FhirClient(client, FHIR, "secret").search("Condition")


def test_paging_in_a_circle_or_without_end_is_bad_data() -> None:
    loop = _bundle([_entry("a")], f"{FHIR}/Condition?page=1")
    with _client(lambda r: _json(loop)) as client, pytest.raises(BadDataError, match="circle"):
        FhirClient(client, FHIR).search("Condition")

    def endless(request: httpx.Request) -> httpx.Response:
        n = int(request.url.params.get("page", "0"))
        return _json(_bundle([_entry(str(n))], f"{FHIR}/Condition?page={n + 1}"))

    with _client(endless) as client, pytest.raises(BadDataError, match="pages"):
        FhirClient(client, FHIR, max_pages=5).search("Condition")


def test_answer_that_is_not_a_searchset_is_bad_data() -> None:
    with _client(lambda r: _json({"resourceType": "Bundle", "type": "collection"})) as client:
        with pytest.raises(BadDataError, match="searchset"):
            FhirClient(client, FHIR).search("Condition")


def test_malformed_entries_are_reported_not_dropped() -> None:
    entries = [
        _entry("ok"),
        {"resource": {"id": "no-type"}},
        "not an object",
        {"fullUrl": "urn:x"},
        {
            "resource": {"resourceType": "OperationOutcome", "issue": []},
            "search": {"mode": "outcome"},
        },
        _entry("ok"),
    ]
    with _client(lambda r: _json(_bundle(entries))) as client:
        result = FhirClient(client, FHIR).search("Condition")
    assert [r["id"] for r in result.resources] == ["ok"]
    assert len(result.unreadable) == 3
    assert all(part.kind is ProblemKind.BAD_DATA for part in result.unreadable)
    assert "entry 2" in result.unreadable[0].where and "no-type" in result.unreadable[0].raw


_resources = st.fixed_dictionaries(
    {"resourceType": st.sampled_from(["Condition", "Observation", ""]), "id": st.text(max_size=3)}
)
_junk = st.one_of(
    st.none(), st.integers(), st.text(max_size=5), st.lists(st.integers(), max_size=2)
)
_entries = st.lists(
    st.one_of(
        st.builds(lambda r: {"resource": r}, _resources),
        st.builds(lambda j: {"resource": j}, _junk),
        _junk,
    ),
    max_size=12,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(entries=_entries)
def test_every_entry_is_either_kept_or_reported(entries: list[Any]) -> None:
    with _client(lambda r: _json(_bundle(entries))) as client:
        result = FhirClient(client, FHIR).search("Condition")
    readable = [
        e["resource"]
        for e in entries
        if isinstance(e, dict)
        and isinstance(e.get("resource"), dict)
        and isinstance(e["resource"].get("resourceType"), str)
        and e["resource"]["resourceType"]
    ]
    distinct = {(r["resourceType"], r["id"]) for r in readable if r["id"]}
    without_id = [r for r in readable if not r["id"]]
    assert len(result.resources) == len(distinct) + len(without_id)
    assert len(result.unreadable) == len(entries) - len(readable)


class _StubSigner:
    def __init__(self, error: Exception | None = None) -> None:
        self.error = error
        self.challenges: list[bytes] = []

    def sign_challenge(self, challenge: bytes) -> ChallengeSignature:
        if self.error is not None:
            raise self.error
        self.challenges.append(challenge)
        return ChallengeSignature(b"\x01" * 96, (b"leaf", b"ca"))


def _auth_server(challenge: Any, token: Any, token_status: int = 200) -> Handler:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/auth/challenge":
            return _json(challenge, content_type="application/json")
        return _json(token, token_status, "application/json")

    return handler


GOOD_CHALLENGE = {
    "nonce": "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo0NTY3ODk=",
    "expires_in": 60,
    "expires_at": 1_900_000_000,
}
GOOD_TOKEN = {"access_token": "t0k", "token_type": "Bearer", "expires_in": 600, "patient": "p1"}


def test_login_sends_the_signed_nonce_and_returns_the_token() -> None:
    sent: list[dict[str, Any]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/auth/token":
            sent.append(json.loads(request.content))
        return _auth_server(GOOD_CHALLENGE, GOOD_TOKEN)(request)

    signer = _StubSigner()
    with _client(handler) as client:
        token = login(client, BASE, signer)
    assert token.token == "t0k" and token.patient_id == "p1" and not token.expired()
    # What the card signs names the hub the program connected to, the nonce and the expiry.
    assert signer.challenges == [
        login_message(origin_of(BASE), b"ABCDEFGHIJKLMNOPQRSTUVWXYZ456789", 1_900_000_000)
    ]
    assert origin_of(BASE).encode() in signer.challenges[0]
    assert sent[0]["nonce"] == GOOD_CHALLENGE["nonce"]
    assert sent[0]["certificate_chain"] == ["bGVhZg==", "Y2E="]


@pytest.mark.parametrize(
    ("challenge", "token"),
    [
        ({}, GOOD_TOKEN),
        ({"nonce": "%%%"}, GOOD_TOKEN),
        ({"nonce": "QUJD"}, GOOD_TOKEN),  # 3 bytes: too short to be a real challenge
        ({**GOOD_CHALLENGE, "expires_at": None}, GOOD_TOKEN),
        ({**GOOD_CHALLENGE, "expires_at": "soon"}, GOOD_TOKEN),
        (GOOD_CHALLENGE, {**GOOD_TOKEN, "access_token": ""}),
        (GOOD_CHALLENGE, {**GOOD_TOKEN, "token_type": "mac"}),
        (GOOD_CHALLENGE, {**GOOD_TOKEN, "patient": None}),
        (GOOD_CHALLENGE, {**GOOD_TOKEN, "patient": "../Patient/other"}),
        (GOOD_CHALLENGE, {**GOOD_TOKEN, "expires_in": 0}),
    ],
)
def test_login_rejects_odd_answers(challenge: Any, token: Any) -> None:
    with _client(_auth_server(challenge, token)) as client, pytest.raises(BadDataError):
        login(client, BASE, _StubSigner())


def test_login_refused_and_card_errors() -> None:
    refused = _auth_server(GOOD_CHALLENGE, {"resourceType": "OperationOutcome"}, 401)
    with _client(refused) as client, pytest.raises(ServiceRefusedError):
        login(client, BASE, _StubSigner())
    with _client(_auth_server(GOOD_CHALLENGE, GOOD_TOKEN)) as client:
        with pytest.raises(CardRemovedError):
            login(client, BASE, _StubSigner(CardRemovedError("pulled")))


def test_next_doses_due_land_on_the_vaccinations() -> None:
    """The hub's ImmunizationRecommendation go through the one FHIR mapper."""
    source = ItemSource(SourceKind.HUB, BASE)
    atc = "http://www.whocc.no/atc"

    def immunization(rid: str, day: str, dose: int | None) -> dict[str, Any]:
        out: dict[str, Any] = {
            "resourceType": "Immunization",
            "id": rid,
            "status": "completed",
            "vaccineCode": {"coding": [{"system": atc, "code": "J07BD52"}], "text": "MMR"},
            "occurrenceDateTime": day,
        }
        if dose is not None:
            out["protocolApplied"] = [{"doseNumberPositiveInt": dose}]
        return out

    def recommendation(code: str, text: str, due: str | None) -> dict[str, Any]:
        item: dict[str, Any] = {
            "vaccineCode": [{"coding": [{"system": atc, "code": code}], "text": text}],
            "targetDisease": {"text": text + " disease"},
            "doseNumberPositiveInt": 2,
        }
        if due:
            item["dateCriterion"] = [{"code": {"text": "Due"}, "value": due}]
        return {"resourceType": "ImmunizationRecommendation", "id": code, "recommendation": [item]}

    record = record_from_fhir(
        [
            recommendation("J07BD52", "MMR", "2028-05-01"),  # before the doses: order is kept
            immunization("a", "2019-05-07", 1),
            immunization("b", "2018-01-01", None),
            recommendation("J07BM03", "HPV", "2030-09-01"),
            recommendation("J07XX", "Odd", None),
            {"resourceType": "ImmunizationRecommendation", "id": "broken"},
        ],
        source,
    )
    latest, older, hpv = record.vaccinations
    assert (latest.date, latest.next_due) == (date(2019, 5, 7), date(2028, 5, 1))
    assert older.next_due is None
    assert (hpv.vaccine, hpv.status, hpv.date, hpv.next_due) == (
        "HPV",
        "due",
        None,
        date(2030, 9, 1),
    )
    assert hpv.target_diseases == ("HPV disease",) and hpv.dose_number == 2
    assert sorted(u.why for u in record.unreadable) == [
        "recommendation without a due date",
        "recommendation without items",
    ]
