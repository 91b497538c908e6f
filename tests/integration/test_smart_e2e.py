"""SMART App Launch end to end, against implementations we did not write, all on loopback:
node's oidc-provider as the authorization server, Medplum's FHIR router (in memory) as the
FHIR R4 server holding the demo adult's record, and a real headless chromium that logs in and
answers the consent page. See tests/support/smart_e2e.py and tests/e2e/smart/server.mjs.
"""

from __future__ import annotations

import logging
import ssl
import time
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from assistant.errors import LoginError, NetworkError, ProblemKind, ServiceRefusedError
from assistant.records.fhir_map import record_from_fhir
from assistant.records.model import ItemSource, SourceKind
from assistant.records.smart import log_in
from assistant.records.smart_source import SmartRecordSource
from tests.support import smart_e2e
from tests.support.smart_e2e import Browser, SmartServer, demo_patient_bundle, start_smart_server

# the shared fixtures, used by name in this module
smart_e2e_available = smart_e2e.smart_e2e_available
smart_server = smart_e2e.smart_server
browser = smart_e2e.browser

pytestmark = pytest.mark.smart_e2e


def _expected_record():  # type: ignore[no-untyped-def]
    resources = [e["resource"] for e in demo_patient_bundle()["entry"]]
    return record_from_fhir(resources, ItemSource(SourceKind.HUB, "expected"))


@pytest.fixture
def server_factory(smart_e2e_available: None) -> Iterator[list[SmartServer]]:
    """Servers started by one test with options of its own; all stopped after it."""
    started: list[SmartServer] = []
    yield started
    for server in started:
        server.stop()


def _start(started: list[SmartServer], **options: object) -> SmartServer:
    server = start_smart_server(**options)  # type: ignore[arg-type]
    started.append(server)
    return server


def test_login_in_the_browser_reads_the_patients_whole_record(
    smart_server: SmartServer, browser: Browser, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    before = smart_server.stats()["grants"].get("authorization_code", 0)
    record = SmartRecordSource(smart_server.service(), opener=browser).load()

    expected = _expected_record()
    assert record.patient is not None and expected.patient is not None
    assert record.patient.national_number == expected.patient.national_number
    for section in ("medications", "vaccinations", "lab_results", "allergies", "problems"):
        assert len(getattr(record, section)) == len(getattr(expected, section)) > 0, section
    assert len(record.documents) == len(expected.documents) > 0
    assert record.unreadable == []
    assert record.patient.source.label == smart_server.fhir_base

    # The request the browser got: PKCE S256, state, the FHIR server as audience, v2 scopes.
    (opened,) = browser.opened
    query = parse_qs(urlsplit(opened).query)
    assert query["code_challenge_method"] == ["S256"] and len(query["code_challenge"][0]) == 43
    assert query["aud"] == [smart_server.fhir_base]
    assert query["scope"] == ["launch/patient openid fhirUser patient/*.rs"]
    redirect = urlsplit(query["redirect_uri"][0])
    assert (redirect.scheme, redirect.hostname, redirect.path) == ("http", "127.0.0.1", "/callback")
    # The page the person saw after the login, in plain words.
    assert browser.final_title == "You are logged in."
    assert "Go back to Dossier Assistant" in browser.final_text
    assert smart_server.stats()["grants"]["authorization_code"] == before + 1
    # Neither the state, nor a code, nor a token reach the logs.
    state = query["state"][0]
    program = ("assistant", "ui", "httpx", "httpcore", "authlib")  # not the test's browser
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name.split(".")[0] in program)
    assert state not in logged and "code=" not in logged and "Bearer" not in logged
    # The redirect listener is gone: the same answer cannot be delivered a second time.
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{query['redirect_uri'][0]}?code=x&state={state}", timeout=5)


def test_the_person_says_no_on_the_consent_page(
    smart_server: SmartServer, browser: Browser
) -> None:
    browser.answer = "deny"
    before = smart_server.stats()["grants"]
    with pytest.raises(LoginError) as caught:
        SmartRecordSource(smart_server.service(), opener=browser).load()
    assert "access_denied" in caught.value.detail
    assert caught.value.kind is ProblemKind.LOGIN and caught.value.retry_helps
    assert browser.final_title == "The login was not finished."
    assert smart_server.stats()["grants"] == before


def test_an_answer_with_another_state_is_refused(smart_server: SmartServer) -> None:
    pages: list[httpx.Response] = []

    def forged_answer(url: str) -> None:
        # An answer that was not made for this login (a forged or stale redirect).
        redirect = parse_qs(urlsplit(url).query)["redirect_uri"][0]
        pages.append(httpx.get(redirect, params={"code": "stolen", "state": "other"}))

    before = smart_server.stats()["grants"]
    with pytest.raises(LoginError) as caught:
        log_in(smart_server.service(), opener=forged_answer)
    assert "state" in caught.value.detail
    assert "This login is not for Dossier Assistant." in pages[0].text
    assert smart_server.stats()["grants"] == before  # the code was never sent


def test_an_expired_code_is_refused(server_factory: list[SmartServer]) -> None:
    server = _start(server_factory, code_ttl=1)
    chromium = Browser()

    def slow(url: str) -> None:
        chromium(url)  # the listener has the code; the program exchanges it when this returns
        time.sleep(2.5)  # past the code's 1-second lifetime on the server

    try:
        with pytest.raises(LoginError) as caught:
            log_in(server.service(), opener=slow)
    finally:
        chromium.close()
    assert "invalid_grant" in caught.value.detail


def test_a_code_used_before_is_refused(
    smart_server: SmartServer, browser: Browser, monkeypatch: pytest.MonkeyPatch
) -> None:
    from authlib.integrations.httpx_client import OAuth2Client

    real = OAuth2Client.fetch_token

    def redeemed_first(self: OAuth2Client, *args: object, **kwargs: object) -> object:
        real(self, *args, **kwargs)  # someone else redeemed this very code first
        return real(self, *args, **kwargs)

    monkeypatch.setattr(OAuth2Client, "fetch_token", redeemed_first)
    with pytest.raises(LoginError) as caught:
        log_in(smart_server.service(), opener=browser)
    assert "invalid_grant" in caught.value.detail


def test_token_runs_out_during_the_load_and_is_renewed(
    server_factory: list[SmartServer],
) -> None:
    # 2-second tokens, 150 ms per FHIR request: the load (15 requests) outlives a token.
    server = _start(server_factory, access_ttl=2, refresh_tokens=True, delay_ms=150)
    chromium = Browser()
    try:
        record = SmartRecordSource(server.service(), opener=chromium).load()
    finally:
        chromium.close()
    assert len(record.lab_results) == len(_expected_record().lab_results)
    assert server.stats()["grants"].get("refresh_token", 0) >= 1


def test_token_runs_out_during_the_load_without_refresh_token(
    server_factory: list[SmartServer],
) -> None:
    server = _start(server_factory, access_ttl=2, refresh_tokens=False, delay_ms=150)
    chromium = Browser()
    try:
        with pytest.raises(LoginError) as caught:
            SmartRecordSource(server.service(), opener=chromium).load()
    finally:
        chromium.close()
    assert "log in again" in caught.value.detail
    assert server.stats()["grants"].get("refresh_token", 0) == 0


def test_a_server_without_smart_configuration_is_refused_before_any_browser(
    server_factory: list[SmartServer],
) -> None:
    server = _start(server_factory, smart_configuration=False)
    opened: list[str] = []
    with pytest.raises(ServiceRefusedError) as caught:
        log_in(server.service(), opener=opened.append)
    assert "no SMART configuration" in caught.value.detail
    assert opened == []


def test_an_openid_connect_issuer_serves_when_there_is_no_smart_configuration(
    server_factory: list[SmartServer], browser: Browser, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="assistant.records.smart")
    server = _start(server_factory, smart_configuration=False)
    service = server.service(issuer=f"{server.base}/oauth")
    record = SmartRecordSource(service, opener=browser).load()
    assert record.patient is not None
    assert any("openid-configuration" in r.getMessage() for r in caplog.records)
    # The provider's scopes_supported lists the v2 form, so that is what is asked for.
    scope = parse_qs(urlsplit(browser.opened[0]).query)["scope"][0]
    assert "patient/*.rs" in scope.split()


def test_a_self_signed_certificate_is_not_trusted(server_factory: list[SmartServer]) -> None:
    from assistant.demo.card.pki import tls_server_credentials

    server = _start(server_factory, tls=tls_server_credentials())
    assert server.base.startswith("https://")
    opened: list[str] = []
    with pytest.raises(NetworkError) as caught:
        log_in(server.service(), opener=opened.append)
    assert "TLS certificate not trusted" in caught.value.detail
    assert opened == []


def test_over_https_with_a_trusted_certificate(server_factory: list[SmartServer]) -> None:
    from assistant.demo.card.pki import tls_server_credentials

    server = _start(server_factory, tls=tls_server_credentials())
    assert server.tls_ca is not None
    trusted = ssl.create_default_context(cafile=str(server.tls_ca))
    chromium = Browser(accept_insecure_certs=True)  # the test browser does not know the CA
    try:
        record = SmartRecordSource(server.service(), opener=chromium, verify=trusted).load()
    finally:
        chromium.close()
    assert record.patient is not None
