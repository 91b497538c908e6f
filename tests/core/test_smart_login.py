"""The SMART login pieces that need no server: discovery checks, the scope choice, the
loopback listener and the in-memory tokens (the whole flow: tests/integration/test_smart_e2e)."""

from __future__ import annotations

import dataclasses
import threading

import httpx
import pytest

from assistant.errors import BadDataError, LoginError, ServiceRefusedError
from assistant.records.record_services import RecordService
from assistant.records.smart import (
    SCOPES_V1,
    SCOPES_V2,
    LoopbackRedirect,
    SmartTokens,
    auth_server_from,
    choose_scopes,
)

SERVICE = RecordService(
    "hub", {"fr": "a", "nl": "b", "en": "c", "de": "d"}, "https://fhir.example.be", "app"
)
SMART_DOC = {
    "authorization_endpoint": "https://login.example.be/auth",
    "token_endpoint": "https://login.example.be/token",
    "code_challenge_methods_supported": ["S256"],
    "capabilities": ["launch-standalone", "permission-v2"],
}


def test_scopes_follow_what_the_server_says() -> None:
    assert choose_scopes(auth_server_from(SMART_DOC, "smart-configuration"), SERVICE) == SCOPES_V2
    older = {**SMART_DOC, "capabilities": ["launch-standalone"]}
    assert choose_scopes(auth_server_from(older, "smart-configuration"), SERVICE) == SCOPES_V1
    listed = {**older, "scopes_supported": ["patient/*.rs"]}
    assert choose_scopes(auth_server_from(listed, "smart-configuration"), SERVICE) == SCOPES_V2
    own = dataclasses.replace(SERVICE, scopes=("patient/Observation.rs",))
    server = auth_server_from(SMART_DOC, "smart-configuration")
    assert choose_scopes(server, own) == ("patient/Observation.rs",)


def test_discovery_needs_pkce_s256_and_safe_endpoints() -> None:
    with pytest.raises(ServiceRefusedError, match="S256"):
        auth_server_from(
            {**SMART_DOC, "code_challenge_methods_supported": ["plain"]}, "smart-configuration"
        )
    with pytest.raises(ServiceRefusedError, match="S256"):
        auth_server_from(
            {**SMART_DOC, "code_challenge_methods_supported": []}, "smart-configuration"
        )
    # OpenID Connect metadata may leave the field out.
    bare = {k: v for k, v in SMART_DOC.items() if k != "code_challenge_methods_supported"}
    assert auth_server_from(bare, "openid-configuration").token_endpoint.endswith("/token")
    with pytest.raises(BadDataError, match="must use https"):
        auth_server_from({**SMART_DOC, "token_endpoint": "http://login.example.be/t"}, "x")
    with pytest.raises(BadDataError, match="authorization_endpoint is missing"):
        auth_server_from({**SMART_DOC, "authorization_endpoint": None}, "x")


def test_the_listener_takes_one_answer_with_the_right_state() -> None:
    listener = LoopbackRedirect("expected-state")
    uri = listener.redirect_uri
    assert uri.startswith("http://127.0.0.1:") and uri.endswith("/callback")
    assert httpx.get(uri.replace("/callback", "/favicon.ico")).status_code == 404
    page = httpx.get(uri, params={"code": "c0de", "state": "expected-state"})
    assert "You are logged in." in page.text and page.headers["Cache-Control"] == "no-store"
    assert listener.wait(5) == {"code": "c0de", "state": "expected-state"}
    with pytest.raises(httpx.ConnectError):  # one shot: it no longer listens
        httpx.get(uri, params={"code": "again", "state": "expected-state"}, timeout=5)


def test_the_listener_refuses_another_state() -> None:
    listener = LoopbackRedirect("expected-state")
    page = httpx.get(listener.redirect_uri, params={"code": "c", "state": "forged"})
    assert "This login is not for Dossier Assistant." in page.text
    with pytest.raises(LoginError, match="another state"):
        listener.wait(5)


def test_closing_the_listener_ends_the_wait() -> None:
    listener = LoopbackRedirect("s")
    threading.Timer(0.05, listener.close).start()
    with pytest.raises(LoginError, match="no answer"):
        listener.wait(30)


def test_tokens_are_never_shown_and_are_wiped() -> None:
    tokens = SmartTokens("secret-access", "p1", 1e12, ("patient/*.rs",), "secret-refresh")
    assert "secret" not in repr(tokens) and not tokens.expired()
    tokens.wipe()
    assert tokens.access_token == "" and tokens.refresh_token is None and tokens.expired()
