"""The hub's HTTP API in-process (WSGITransport): login, search, paging, _include, refusals."""

from __future__ import annotations

import base64
from collections.abc import Iterator

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.demo.card.citizens import CITIZENS
from assistant.demo.hub.app import HubApp, make_hub_app
from assistant.demo.hub.embedded import EMBEDDED_BASE_URL, start_embedded_hub
from assistant.demo.hub.misbehaviour import Fault, Misbehaviour, Scope
from assistant.demo.hub.patients import synthetic_patients
from assistant.errors import (
    BadDataError,
    NetworkError,
    ProblemKind,
    ServiceDownError,
    ServiceRefusedError,
)
from assistant.records.auth import AccessToken, login
from assistant.records.fhir_client import FhirClient
from assistant.records.fhir_map import record_from_fhir
from assistant.records.hub_source import HubRecordSource
from assistant.records.model import ItemSource, SourceKind
from assistant.records.source import RecordSource
from tests.support.hub import ManualClock, VirtualCardSigner

BASE = EMBEDDED_BASE_URL


@pytest.fixture(scope="module")
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture(scope="module")
def app(clock: ManualClock) -> HubApp:
    return make_hub_app(clock=clock, origin=BASE)


@pytest.fixture
def client(app: HubApp, clock: ManualClock) -> Iterator[httpx.Client]:
    clock.reset()
    app.set_misbehaviour(None)
    with httpx.Client(transport=httpx.WSGITransport(app=app), base_url=BASE) as c:
        yield c


def _token(client: httpx.Client, citizen_id: str = "adult") -> AccessToken:
    return login(client, BASE, VirtualCardSigner(citizen_id))


def _get(
    client: httpx.Client, path: str, token: AccessToken | None, **params: str
) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token.token}"} if token else {}
    return client.get(f"{BASE}/fhir/{path}", params=params, headers=headers)


def test_login_gives_a_bearer_token_for_the_card_holder(client: httpx.Client) -> None:
    token = _token(client, "kid")
    patient = _get(client, f"Patient/{token.patient_id}", token).json()
    assert patient["identifier"][0]["value"] == CITIZENS["kid"].national_number
    assert not token.expired()
    assert token.token not in repr(token)


def test_challenge_is_a_fresh_base64_nonce(client: httpx.Client) -> None:
    first = client.post(f"{BASE}/auth/challenge").json()
    second = client.post(f"{BASE}/auth/challenge").json()
    assert len(base64.b64decode(first["nonce"])) == 32
    assert first["nonce"] != second["nonce"]
    assert client.get(f"{BASE}/auth/challenge").status_code == 405


def test_fhir_needs_a_token(client: httpx.Client) -> None:
    response = _get(client, "MedicationStatement", None)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["resourceType"] == "OperationOutcome"
    response = client.get(f"{BASE}/fhir/Condition", headers={"Authorization": "Bearer nope"})
    assert response.status_code == 401
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]


def test_expired_token_is_refused(client: httpx.Client, clock: ManualClock, app: HubApp) -> None:
    token = _token(client)
    assert _get(client, "Condition", token).status_code == 200
    clock.advance(app.authority.token_lifetime + 1)
    assert _get(client, "Condition", token).status_code == 401


def test_wrong_patient_is_forbidden(client: httpx.Client) -> None:
    adult = _token(client, "adult")
    kid = _token(client, "kid")
    assert _get(client, f"Patient/{kid.patient_id}", adult).status_code == 403
    assert _get(client, "MedicationStatement", adult, patient=kid.patient_id).status_code == 403
    assert (
        _get(client, "Observation", adult, subject=f"Patient/{kid.patient_id}").status_code == 403
    )
    ssin = f"https://www.ehealth.fgov.be/standards/fhir/core/NamingSystem/ssin|{CITIZENS['kid'].national_number}"
    assert _get(client, "Patient", adult, identifier=ssin).status_code == 403
    own = _get(
        client,
        "Patient",
        adult,
        identifier=ssin.replace(CITIZENS["kid"].national_number, CITIZENS["adult"].national_number),
    )
    assert own.status_code == 200 and own.json()["total"] == 1


def test_search_stays_in_the_token_compartment(client: httpx.Client) -> None:
    kid = _token(client, "kid")
    bundle = _get(client, "MedicationStatement", kid, _count="500").json()
    kid_meds = synthetic_patients()[CITIZENS["kid"].national_number].count("MedicationStatement")
    assert bundle["total"] == kid_meds
    assert all(
        e["resource"]["subject"]["reference"] == f"Patient/{kid.patient_id}"
        for e in bundle["entry"]
    )


def test_paging_walks_every_match_once(client: httpx.Client) -> None:
    token = _token(client)
    expected = synthetic_patients()[CITIZENS["adult"].national_number].count("Observation")
    fhir = FhirClient(client, f"{BASE}/fhir", token.token)
    result = fhir.search("Observation", {"patient": token.patient_id, "_count": "7"})
    assert result.total == expected
    assert result.pages == -(-expected // 7)
    ids = [r["id"] for r in result.resources]
    assert len(ids) == len(set(ids)) == expected
    first = _get(client, "Observation", token, _count="7").json()
    relations = {link["relation"] for link in first["link"]}
    assert relations == {"self", "next"}
    last = _get(client, "Observation", token, _count="7", _offset=str(expected - 1)).json()
    assert {link["relation"] for link in last["link"]} == {"self", "previous"}
    assert len(last["entry"]) == 1


def test_include_brings_the_referenced_resources(client: httpx.Client) -> None:
    token = _token(client)
    bundle = _get(
        client, "DiagnosticReport", token, _include="DiagnosticReport:result", _count="3"
    ).json()
    matches = [e["resource"] for e in bundle["entry"] if e["search"]["mode"] == "match"]
    included = {
        f"Observation/{e['resource']['id']}"
        for e in bundle["entry"]
        if e["search"]["mode"] == "include"
    }
    wanted = {r["reference"] for m in matches for r in m["result"]}
    assert len(matches) == 3 and included == wanted
    bundle = _get(
        client,
        "CareTeam",
        token,
        _include="CareTeam:participant",
        **{"_include:iterate": "PractitionerRole:practitioner,PractitionerRole:organization"},
    ).json()
    kinds = {
        e["resource"]["resourceType"] for e in bundle["entry"] if e["search"]["mode"] == "include"
    }
    assert kinds == {"PractitionerRole", "Practitioner", "Organization"}


def test_filters(client: httpx.Client) -> None:
    token = _token(client)
    active = _get(client, "MedicationRequest", token, status="active").json()
    assert active["total"] == 2
    assert _get(client, "MedicationRequest", token, status="cancelled").json()["total"] == 0
    lab = _get(client, "Observation", token, category="laboratory", _count="1").json()
    assert lab["total"] == synthetic_patients()[CITIZENS["adult"].national_number].count(
        "Observation"
    )
    assert _get(client, "Observation", token, category="vital-signs").json()["total"] == 0


@pytest.mark.parametrize(
    ("path", "params", "status"),
    [
        ("Observation", {"code": "4548-4"}, 400),
        ("Observation", {"_include": "Observation:nonsense"}, 400),
        ("Observation", {"_count": "many"}, 400),
        ("Encounter", {}, 404),
        ("Patient/does-not-exist", {}, 404),
    ],
)
def test_unsupported_requests_get_an_operation_outcome(
    client: httpx.Client, path: str, params: dict[str, str], status: int
) -> None:
    response = _get(client, path, _token(client), **params)
    assert response.status_code == status
    assert response.json()["resourceType"] == "OperationOutcome"


def test_token_endpoint_rejects_garbage(client: httpx.Client) -> None:
    assert client.post(f"{BASE}/auth/token", content=b"{not json").status_code == 400
    assert client.post(f"{BASE}/auth/token", json={"nonce": "AAAA"}).status_code == 400
    answer = {"nonce": "AAAA", "signature": "AAAA", "certificate_chain": ["AAAA"]}
    assert client.post(f"{BASE}/auth/token", json=answer).status_code == 401


def test_metadata_is_public(client: httpx.Client) -> None:
    statement = client.get(f"{BASE}/fhir/metadata").json()
    assert statement["fhirVersion"] == "4.0.1"
    types = {r["type"] for r in statement["rest"][0]["resource"]}
    assert {"MedicationStatement", "Immunization", "AuditEvent", "Consent"} <= types


def test_embedded_hub_record_source_loads_the_record() -> None:
    hub = start_embedded_hub()
    try:
        source = hub.record_source(VirtualCardSigner("noble"))
        assert isinstance(source, RecordSource)
        record = source.load()
    finally:
        hub.stop()
    assert record.patient is not None
    assert record.patient.national_number == CITIZENS["noble"].national_number
    raw = synthetic_patients()[CITIZENS["noble"].national_number]
    assert len(record.medications) == raw.count("MedicationStatement")
    assert record.unreadable == []


def test_citizen_without_a_record_is_refused() -> None:
    app = make_hub_app(origin=BASE)
    missing = CITIZENS["long_name"].national_number
    del app.store._by_nn[missing]
    with httpx.Client(transport=httpx.WSGITransport(app=app), base_url=BASE) as client:
        source = HubRecordSource(client, BASE, VirtualCardSigner("long_name"))
        with pytest.raises(ServiceRefusedError) as caught:
            source.load()
    assert caught.value.kind is ProblemKind.SERVICE_REFUSED


@pytest.mark.parametrize(
    ("fault", "error"),
    [
        (Fault.RESET, NetworkError),
        (Fault.UNAVAILABLE, ServiceDownError),
        (Fault.MALFORMED_JSON, BadDataError),
        (Fault.HUGE_BODY, BadDataError),
    ],
)
def test_embedded_hub_misbehaves_the_same_way(fault: Fault, error: type) -> None:
    hub = start_embedded_hub()
    try:
        hub.set_misbehaviour(Misbehaviour(fault, scope=Scope.ALL))
        with pytest.raises(error):
            hub.record_source(VirtualCardSigner()).load()
        hub.set_misbehaviour(None)
        source = hub.record_source(VirtualCardSigner())
        assert source.load().patient is not None
        assert isinstance(source, HubRecordSource) and source.last_token is not None
        source.forget()
        assert source.last_token is None
    finally:
        hub.stop()


_names = st.sampled_from(
    [
        "patient",
        "subject",
        "_id",
        "identifier",
        "status",
        "category",
        "_count",
        "_offset",
        "_include",
        "_include:iterate",
        "code",
        "_sort",
        "date",
    ]
)
_values = st.one_of(
    st.text(alphabet="abcdefPatient/|:,-_0123456789", max_size=20),
    st.sampled_from(["DiagnosticReport:result", "CareTeam:participant", "-1", "0", "99999"]),
)


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    resource_type=st.sampled_from(
        ["Observation", "Patient", "CareTeam", "Consent", "Nope", "Patient/x"]
    ),
    params=st.lists(st.tuples(_names, _values), max_size=5),
)
def test_any_query_gets_json_and_never_a_crash(
    client: httpx.Client, resource_type: str, params: list[tuple[str, str]]
) -> None:
    token = _TOKENS.get("adult")
    if token is None:  # one login for all examples (the module's clock is not moved here)
        token = _TOKENS["adult"] = _token(client)
    response = client.get(
        f"{BASE}/fhir/{resource_type}",
        params=params,
        headers={"Authorization": f"Bearer {token.token}"},
    )
    assert response.status_code in (200, 400, 403, 404)
    body = response.json()
    assert body["resourceType"] in ("Bundle", "OperationOutcome", "Patient")
    if body["resourceType"] == "Bundle":
        own = f"Patient/{token.patient_id}"
        for entry in body["entry"]:
            resource = entry["resource"]
            link = resource.get("subject") or resource.get("patient")
            assert link is None or link["reference"] == own


_TOKENS: dict[str, AccessToken] = {}


def test_hub_resources_map_without_unreadable_parts() -> None:
    raw = synthetic_patients()[CITIZENS["kid"].national_number]
    record = record_from_fhir(list(raw.resources), ItemSource(SourceKind.DEMO, "demo"))
    assert record.unreadable == []
    assert len(record.vaccinations) == raw.count("Immunization") + 2  # HPV and dTpa still due
    assert sum(v.next_due is not None for v in record.vaccinations) == raw.count(
        "ImmunizationRecommendation"
    )


def test_a_record_of_another_person_is_never_shown() -> None:
    app = make_hub_app(origin=BASE)
    adult, kid = CITIZENS["adult"].national_number, CITIZENS["kid"].national_number
    app.store._by_nn[adult] = app.store._by_nn[kid]  # a hub that mixes people up
    with httpx.Client(transport=httpx.WSGITransport(app=app), base_url=BASE) as client:
        source = HubRecordSource(client, BASE, VirtualCardSigner("adult"))
        with pytest.raises(BadDataError, match="another person"):
            source.load()
        assert source.last_token is not None and source.last_token.holder == adult
        assert adult not in repr(source.last_token)
