"""The FHIR client against the demo hub over real loopback HTTPS: records, login, misbehaviour."""

from __future__ import annotations

import base64
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from assistant.demo.card.citizens import CITIZENS
from assistant.demo.hub.misbehaviour import Fault, Misbehaviour, Scope
from assistant.demo.hub.patients import synthetic_patients
from assistant.demo.hub.server import RunningHub, serve_hub_tls
from assistant.errors import (
    BadDataError,
    NetworkError,
    ProblemKind,
    ServiceDownError,
    ServiceRefusedError,
)
from assistant.records.auth import AccessToken, login, login_message, origin_of
from assistant.records.fhir_client import FhirClient, request_json
from assistant.records.hub_source import (
    PARALLEL_SEARCHES,
    SEARCHES,
    HubRecordSource,
    default_parallel,
)
from assistant.records.model import Record, SourceKind
from tests.support import hub as hub_support
from tests.support.hub import (
    ManualClock,
    VirtualCardSigner,
    client_for,
    foreign_ca_signer,
    wrong_key_signer,
)

# the shared hub fixtures, used by name in this module
hub_clock = hub_support.hub_clock
_session_hub = hub_support._session_hub
tls_hub = hub_support.tls_hub
hub_client = hub_support.hub_client


def _load(hub: RunningHub, client: httpx.Client, citizen_id: str = "adult", **kw: object) -> Record:
    return HubRecordSource(client, hub.base_url, VirtualCardSigner(citizen_id), **kw).load()  # type: ignore[arg-type]


def _expected_counts(citizen_id: str) -> dict[str, int]:
    """Counts computed from the hub's raw resources, independently of the client and mapper."""
    patient = synthetic_patients()[CITIZENS[citizen_id].national_number]
    by_type: dict[str, list[dict]] = {}
    for r in patient.resources:
        by_type.setdefault(r["resourceType"], []).append(r)
    given_codes = {
        (c["system"], c["code"])
        for shot in by_type.get("Immunization", [])
        for c in shot["vaccineCode"]["coding"]
    }
    due_new = sum(
        1
        for rec in by_type.get("ImmunizationRecommendation", [])
        for item in rec["recommendation"]
        if not {(c["system"], c["code"]) for v in item["vaccineCode"] for c in v["coding"]}
        & given_codes
    )
    consents = by_type.get("Consent", [])
    return {
        "medications": len(by_type.get("MedicationStatement", [])),
        "prescriptions": len(by_type.get("MedicationRequest", [])),
        "vaccinations": len(by_type.get("Immunization", [])) + due_new,
        "lab_results": len(by_type.get("Observation", [])),
        "allergies": len(by_type.get("AllergyIntolerance", [])),
        "problems": len(by_type.get("Condition", [])),
        "documents": len(by_type.get("DocumentReference", [])),
        "relations": sum(len(t["participant"]) for t in by_type.get("CareTeam", [])),
        "exclusions": sum(1 for c in consents if c["provision"]["type"] == "deny"),
        "access_log": len(by_type.get("AuditEvent", [])),
        "unreadable": 0,
    }


@pytest.mark.parametrize(
    "citizen_id", sorted(c for c in CITIZENS if CITIZENS[c].has_auth_certificate)
)
def test_full_record_over_https(
    tls_hub: RunningHub, hub_client: httpx.Client, citizen_id: str
) -> None:
    record = _load(tls_hub, hub_client, citizen_id)
    assert record.counts() == _expected_counts(citizen_id)
    assert record.patient is not None
    assert record.patient.national_number == CITIZENS[citizen_id].national_number
    assert record.consent is not None and record.consent.granted is True
    assert all(s.kind is SourceKind.HUB for s in [i.source for i in record.items()] if s)


def test_adult_record_is_rich_and_paged(tls_hub: RunningHub, hub_client: httpx.Client) -> None:
    before = tls_hub.app.requests_served
    record = _load(tls_hub, hub_client, "adult")
    requests = tls_hub.app.requests_served - before
    # 2 login calls + Patient + one page per search; the observations need a second page
    assert record.counts()["lab_results"] > 100
    assert requests == 2 + 1 + len(SEARCHES) + 1
    assert len(record.medications) >= 10 and len(record.prescriptions) == 2
    assert {p.rid[:4] for p in record.prescriptions} == {"BEP0"}


def test_kid_record_has_vaccinations_with_next_doses(
    tls_hub: RunningHub, hub_client: httpx.Client
) -> None:
    record = _load(tls_hub, hub_client, "kid")
    assert len([v for v in record.vaccinations if v.date is not None]) >= 10
    assert any(v.next_due is not None and v.date is not None for v in record.vaccinations)
    assert any(v.status == "due" for v in record.vaccinations)


def test_tls_verification_stays_on(tls_hub: RunningHub) -> None:
    with httpx.Client() as untrusting, pytest.raises(NetworkError, match="not trusted"):
        _load(tls_hub, untrusting)


def test_hub_not_running_is_a_network_problem() -> None:
    hub = serve_hub_tls()
    base, client = hub.base_url, client_for(hub)
    hub.stop()
    with client, pytest.raises(NetworkError):
        HubRecordSource(client, base, VirtualCardSigner()).load()


# -- login ------------------------------------------------------------------------------


@pytest.mark.parametrize("make_signer", [wrong_key_signer, foreign_ca_signer])
def test_bad_card_answers_are_refused(
    tls_hub: RunningHub, hub_client: httpx.Client, make_signer: object
) -> None:
    signer = make_signer()  # type: ignore[operator]
    with pytest.raises(ServiceRefusedError) as caught:
        HubRecordSource(hub_client, tls_hub.base_url, signer).load()
    assert not caught.value.retry_helps


def _signed_answer(client: httpx.Client, challenge_from: str, signed_for: str) -> dict[str, Any]:
    """Ask the hub at ``challenge_from`` for a challenge and have the card sign it as the
    program does when it is connected to ``signed_for``."""
    challenge = request_json(client, "POST", f"{challenge_from}/auth/challenge")
    nonce = base64.b64decode(challenge["nonce"])
    message = login_message(origin_of(signed_for), nonce, challenge["expires_at"])
    signed = VirtualCardSigner().sign_challenge(message)
    return {
        "nonce": challenge["nonce"],
        "signature": base64.b64encode(signed.signature).decode(),
        "certificate_chain": [base64.b64encode(c).decode() for c in signed.certificate_chain],
    }


def test_replayed_nonce_is_refused(tls_hub: RunningHub, hub_client: httpx.Client) -> None:
    answer = _signed_answer(hub_client, tls_hub.base_url, tls_hub.base_url)
    first = request_json(hub_client, "POST", f"{tls_hub.base_url}/auth/token", json_body=answer)
    assert first["token_type"] == "Bearer"
    with pytest.raises(ServiceRefusedError):
        request_json(hub_client, "POST", f"{tls_hub.base_url}/auth/token", json_body=answer)


def test_a_signature_relayed_from_another_hub_is_refused(
    tls_hub: RunningHub, hub_client: httpx.Client
) -> None:
    """A rogue hub passes this hub's challenge on to the program: the card signs it for the
    rogue hub's origin, and this hub refuses it."""
    with serve_hub_tls() as rogue:
        answer = _signed_answer(hub_client, tls_hub.base_url, rogue.base_url)
    with pytest.raises(ServiceRefusedError):
        request_json(hub_client, "POST", f"{tls_hub.base_url}/auth/token", json_body=answer)


def test_expired_token_is_refused(
    tls_hub: RunningHub, hub_client: httpx.Client, hub_clock: ManualClock
) -> None:
    source = HubRecordSource(hub_client, tls_hub.base_url, VirtualCardSigner())
    token = login(hub_client, tls_hub.base_url, source.signer)
    assert source.load_with(token).patient is not None
    hub_clock.advance(tls_hub.app.authority.token_lifetime + 1)
    with pytest.raises(ServiceRefusedError):
        source.load_with(token)


def test_token_of_one_patient_does_not_open_another(
    tls_hub: RunningHub, hub_client: httpx.Client
) -> None:
    adult = login(hub_client, tls_hub.base_url, VirtualCardSigner("adult"))
    kid = login(hub_client, tls_hub.base_url, VirtualCardSigner("kid"))
    fhir = FhirClient(hub_client, f"{tls_hub.base_url}/fhir", adult.token)
    with pytest.raises(ServiceRefusedError):
        fhir.search("MedicationStatement", {"patient": kid.patient_id})
    with pytest.raises(ServiceRefusedError):
        fhir.read("Patient", kid.patient_id)
    source = HubRecordSource(hub_client, tls_hub.base_url, VirtualCardSigner("adult"))
    forged = AccessToken(adult.token, kid.patient_id, adult.expires_at)
    with pytest.raises(ServiceRefusedError):
        source.load_with(forged)


# -- misbehaviour -----------------------------------------------------------------------


def test_slow_hub_times_out_as_service_down(tls_hub: RunningHub, hub_client: httpx.Client) -> None:
    tls_hub.set_misbehaviour(Misbehaviour(Fault.SLOW, delay=1.0))
    started = time.monotonic()
    with pytest.raises(ServiceDownError, match="too slow"):
        _load(tls_hub, hub_client, timeout=httpx.Timeout(0.25, connect=2.0))
    assert time.monotonic() - started < 1.0  # the client gave up, it did not wait for the hub


def test_slow_login_within_the_timeout_still_works(
    tls_hub: RunningHub, hub_client: httpx.Client
) -> None:
    tls_hub.set_misbehaviour(Misbehaviour(Fault.SLOW, scope=Scope.AUTH, delay=0.1))
    assert _load(tls_hub, hub_client, "year_only").patient is not None


def test_server_error_is_service_down(tls_hub: RunningHub, hub_client: httpx.Client) -> None:
    tls_hub.set_misbehaviour(Misbehaviour(Fault.SERVER_ERROR))
    with pytest.raises(ServiceDownError) as caught:
        _load(tls_hub, hub_client)
    assert caught.value.retry_after is None and caught.value.retry_helps


def test_unavailable_says_when_to_come_back(tls_hub: RunningHub, hub_client: httpx.Client) -> None:
    tls_hub.set_misbehaviour(Misbehaviour(Fault.UNAVAILABLE, scope=Scope.ALL, retry_after=42))
    with pytest.raises(ServiceDownError) as caught:
        _load(tls_hub, hub_client)
    assert caught.value.retry_after == 42
    assert caught.value.kind is ProblemKind.SERVICE_DOWN


def test_connection_reset_is_a_network_problem(
    tls_hub: RunningHub, hub_client: httpx.Client
) -> None:
    tls_hub.set_misbehaviour(Misbehaviour(Fault.RESET))
    with pytest.raises(NetworkError, match="connection lost"):
        _load(tls_hub, hub_client)
    tls_hub.set_misbehaviour(None)
    assert _load(tls_hub, hub_client, "kid").patient is not None  # the client recovers


def test_malformed_json_is_bad_data(tls_hub: RunningHub, hub_client: httpx.Client) -> None:
    tls_hub.set_misbehaviour(Misbehaviour(Fault.MALFORMED_JSON))
    with pytest.raises(BadDataError, match="malformed JSON"):
        _load(tls_hub, hub_client)


def test_wrong_content_type_is_bad_data(tls_hub: RunningHub, hub_client: httpx.Client) -> None:
    tls_hub.set_misbehaviour(Misbehaviour(Fault.WRONG_CONTENT_TYPE, scope=Scope.ALL))
    with pytest.raises(BadDataError, match="not JSON"):
        _load(tls_hub, hub_client)


def test_huge_body_is_refused_without_reading_it(
    tls_hub: RunningHub, hub_client: httpx.Client
) -> None:
    tls_hub.set_misbehaviour(Misbehaviour(Fault.HUGE_BODY, huge_bytes=256 * 1024 * 1024))
    started = time.monotonic()
    with pytest.raises(BadDataError, match="too large"):
        _load(tls_hub, hub_client)
    assert time.monotonic() - started < 5


def test_huge_body_is_cut_while_streaming(tls_hub: RunningHub, hub_client: httpx.Client) -> None:
    tls_hub.set_misbehaviour(Misbehaviour(Fault.HUGE_BODY, huge_bytes=3 * 1024 * 1024))
    token = login(hub_client, tls_hub.base_url, VirtualCardSigner())
    fhir = FhirClient(hub_client, f"{tls_hub.base_url}/fhir", token.token, max_bytes=10**9)
    with pytest.raises(BadDataError, match="malformed JSON"):  # read to the end: never closes
        fhir.search("Condition")
    small = FhirClient(hub_client, f"{tls_hub.base_url}/fhir", token.token, max_bytes=10**6)
    with pytest.raises(BadDataError, match="too large"):
        small.search("Condition")


def test_failure_on_a_later_page_loses_nothing_silently(
    tls_hub: RunningHub, hub_client: httpx.Client
) -> None:
    # Patient + 7 searches go well; the Observation search's first page too; then 500.
    tls_hub.set_misbehaviour(Misbehaviour(Fault.SERVER_ERROR, after=9))
    with pytest.raises(ServiceDownError):
        _load(tls_hub, hub_client)


def test_malformed_resources_are_reported_and_skipped(
    tls_hub: RunningHub, hub_client: httpx.Client
) -> None:
    tls_hub.set_misbehaviour(Misbehaviour(Fault.BAD_RESOURCE))
    record = _load(tls_hub, hub_client, "adult")
    expected = _expected_counts("adult")
    assert record.patient is not None
    # each page gets one extra entry without a type: reported by the client
    untyped = [u for u in record.unreadable if "without a resource type" in u.why]
    # Patient is a read; one page per search, and the observations take a second page
    assert len(untyped) == len(SEARCHES) + 1
    # the first resource of each page is garbage: reported by the mapper, or kept as far as
    # it could be read; never silently dropped
    assert (
        len(record.medications) + sum("MedicationStatement" in u.where for u in record.unreadable)
        >= expected["medications"]
    )
    assert len(record.unreadable) > len(untyped)


def test_parallel_logins_each_get_their_own_record(
    tls_hub: RunningHub, hub_client: httpx.Client
) -> None:
    citizens = ["adult", "kid", "noble", "accents"]
    with ThreadPoolExecutor(max_workers=len(citizens)) as pool:
        records = list(pool.map(lambda c: _load(tls_hub, hub_client, c), citizens))
    for citizen_id, record in zip(citizens, records, strict=True):
        assert record.patient is not None
        assert record.patient.national_number == CITIZENS[citizen_id].national_number
        assert record.counts() == _expected_counts(citizen_id)


def test_the_client_own_timeout_applies(tls_hub: RunningHub) -> None:
    tls_hub.set_misbehaviour(Misbehaviour(Fault.SLOW, delay=1.0))
    with client_for(tls_hub, timeout=httpx.Timeout(0.25, connect=2.0)) as impatient:
        with pytest.raises(ServiceDownError, match="too slow"):
            _load(tls_hub, impatient, "kid")


@pytest.mark.parametrize(
    ("url", "parallel"),
    [
        ("https://127.0.0.1:8443", 1),
        ("https://127.0.0.2:8443/", 1),
        ("https://[::1]:8443", 1),
        ("https://localhost:9000", 1),
        ("https://hub.example.be", PARALLEL_SEARCHES),
        ("https://10.0.0.5:8443", PARALLEL_SEARCHES),
    ],
)
def test_searches_in_flight_follow_where_the_hub_is(url: str, parallel: int) -> None:
    # on this computer one after the other (nothing to overlap), else several at once
    assert default_parallel(url) == parallel
    with httpx.Client() as client:
        signer: Any = object()
        assert HubRecordSource(client, url, signer).parallel == parallel
        assert HubRecordSource(client, url, signer, parallel=3).parallel == 3


def test_parallel_searches_give_the_same_record(
    tls_hub: RunningHub, hub_client: httpx.Client
) -> None:
    one = _load(tls_hub, hub_client, "adult", parallel=1)
    four = _load(tls_hub, hub_client, "adult", parallel=4)
    assert one == four
    tls_hub.set_misbehaviour(Misbehaviour(Fault.SERVER_ERROR, after=6))
    with pytest.raises(ServiceDownError):  # a failing search fails the load, in parallel too
        _load(tls_hub, hub_client, "adult", parallel=4)
