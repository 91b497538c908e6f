"""SMART App Launch 2.x standalone patient launch, for a native app (blocking: use a worker).

1. **Discovery**: ``<FHIR base>/.well-known/smart-configuration``, or, for a plain OpenID
   Connect provider (e.g. I.AM Connect), ``<issuer>/.well-known/openid-configuration``.
2. **Authorization code with PKCE S256** (RFC 7636) through Authlib's httpx OAuth 2.0 client,
   as a public client (no secret: a program on the patient's computer cannot keep one).
3. The login page opens in the **system browser** (an injectable opener); the answer comes
   back to a **one-shot loopback listener** on 127.0.0.1 with a free port (RFC 8252 7.3),
   whose ``state`` must be the one sent; the browser then shows a page in plain words.
4. The token answer gives the ``patient`` context; tokens live only in memory
   (:class:`SmartTokens`), are never logged, and are wiped when the record is read.

Failures are the shared error kinds: LoginError (the person said no, the answer was not for
this login, the code or the login ran out: log in again), NetworkError (no connection, TLS
certificate not trusted), ServiceDownError, ServiceRefusedError (the service does not offer
SMART, or refuses this program's registration), BadDataError (answers that break the rules).
"""

from __future__ import annotations

import hmac
import html
import logging
import secrets
import threading
import time
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from socketserver import TCPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

from assistant.errors import (
    BadDataError,
    LoginError,
    ProgramError,
    ServiceRefusedError,
)
from assistant.i18n import _, current_language
from assistant.records.fhir_client import (
    RECOMMENDED_TIMEOUT,
    Json,
    quiet_http_logging,
    request_json,
    transport_error,
)
from assistant.records.record_services import RecordService, check_service_url

log = logging.getLogger(__name__)

#: Opens a URL in the person's browser; raises ProgramError when it cannot.
BrowserOpener = Callable[[str], None]

CALLBACK_PATH = "/callback"
#: How long the person has to log in and say yes in the browser.
LOGIN_WAIT_SECONDS = 600.0
#: A token this close to its end is renewed before a request.
EXPIRY_MARGIN_SECONDS = 1.0

SCOPES_V2 = ("launch/patient", "openid", "fhirUser", "patient/*.rs")
SCOPES_V1 = ("launch/patient", "openid", "fhirUser", "patient/*.read")
#: Scopes that let the program read the whole patient record.
READ_ALL_SCOPES = frozenset({"patient/*.rs", "patient/*.read", "patient/*.cruds", "patient/*.*"})
JWKS_TYPES = ("application/jwk-set+json", "application/json")
ID_TOKEN_ALGORITHMS = ("RS256", "ES256", "PS256", "RS384", "ES384", "RS512", "ES512")


def system_browser(url: str) -> None:
    """Open ``url`` in the system's default browser (Python's ``webbrowser``)."""
    import webbrowser

    if not webbrowser.open(url, new=1):
        raise ProgramError("no web browser could be opened for the login")


# ---------------------------------------------------------------------------------------------
# Discovery


@dataclass(frozen=True, slots=True)
class AuthServer:
    """What the program needs to know about a service's authorization server."""

    authorization_endpoint: str
    token_endpoint: str
    issuer: str | None
    jwks_uri: str | None
    scopes_supported: tuple[str, ...]
    capabilities: tuple[str, ...]
    document: str  # "smart-configuration" or "openid-configuration"


def _strings(data: Json, key: str) -> tuple[str, ...]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise BadDataError(f"discovery: {key} is not a list of strings")
    return tuple(value)


def _endpoint(data: Json, key: str, *, required: bool = True) -> str | None:
    value = data.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str):
        raise BadDataError(f"discovery: {key} is missing")
    return check_endpoint(value, key)


def check_endpoint(value: str, what: str) -> str:
    """An endpoint from a discovery document: https (or http on loopback), else BadDataError."""
    return check_service_url(value, f"discovery: {what}")


def auth_server_from(data: Json, document: str) -> AuthServer:
    """Check a SMART or OpenID Connect discovery document."""
    methods = _strings(data, "code_challenge_methods_supported")
    # SMART requires S256 to be listed; OpenID Connect metadata may leave it out.
    if (document == "smart-configuration" or methods) and "S256" not in methods:
        raise ServiceRefusedError("discovery: the service does not offer PKCE with S256")
    issuer = data.get("issuer")
    if issuer is not None and not isinstance(issuer, str):
        raise BadDataError("discovery: issuer is not text")
    authorization = _endpoint(data, "authorization_endpoint")
    token = _endpoint(data, "token_endpoint")
    assert authorization is not None and token is not None
    return AuthServer(
        authorization_endpoint=authorization,
        token_endpoint=token,
        issuer=issuer,
        jwks_uri=_endpoint(data, "jwks_uri", required=False),
        scopes_supported=_strings(data, "scopes_supported"),
        capabilities=_strings(data, "capabilities"),
        document=document,
    )


def discover(client: httpx.Client, service: RecordService) -> AuthServer:
    """The authorization server of ``service``: its SMART configuration, else (when the service
    names an issuer) the issuer's OpenID Connect configuration.

    A server that has neither is not a SMART server: ServiceRefusedError.
    """
    smart_url = f"{service.fhir_base_url}/.well-known/smart-configuration"
    try:
        data = request_json(client, "GET", smart_url)
        return auth_server_from(data, "smart-configuration")
    except (ProgramError, BadDataError) as exc:  # 404 and the like, or not a JSON document
        if service.issuer is None:
            raise ServiceRefusedError(
                "discovery: the FHIR server has no SMART configuration; it cannot be used "
                "as a record service (check fhir_base_url, or set issuer)"
            ) from exc
    data = request_json(client, "GET", f"{service.issuer}/.well-known/openid-configuration")
    server = auth_server_from(data, "openid-configuration")
    if server.issuer is None or server.issuer.rstrip("/") != service.issuer:
        raise BadDataError("discovery: the OpenID configuration names another issuer")
    return server


def choose_scopes(server: AuthServer, service: RecordService) -> tuple[str, ...]:
    """The scopes to ask for: the service's own, or the patient's own record, read only, in
    the SMART v2 form (``patient/*.rs``) when the server says it knows it, else the v1 form
    (``patient/*.read``) that servers older than SMART 2 understand."""
    if service.scopes:
        return service.scopes
    v2 = "permission-v2" in server.capabilities or any(
        s.endswith(".rs") or ".cruds" in s for s in server.scopes_supported
    )
    return SCOPES_V2 if v2 else SCOPES_V1


# ---------------------------------------------------------------------------------------------
# The loopback redirect (RFC 8252 7.3)


def _answer_page(title: str, text: str) -> bytes:
    return (
        f'<!DOCTYPE html><html lang="{html.escape(current_language())}"><head>'
        f'<meta charset="utf-8"><meta name="viewport" content="width=device-width">'
        f"<title>{html.escape(title)}</title>"
        "<style>body{font:1.5rem/1.5 sans-serif;max-width:40rem;margin:3rem auto;padding:1rem}"
        "</style></head>"
        f"<body><h1>{html.escape(title)}</h1><p>{html.escape(text)}</p></body></html>"
    ).encode()


class LoopbackRedirect:
    """A one-shot HTTP listener on 127.0.0.1 (a free port) for the authorization answer.

    The first request to :data:`CALLBACK_PATH` is the answer: its query is kept, the browser
    gets a page in plain words, and the listener stops. Other paths get 404.
    """

    def __init__(self, expected_state: str) -> None:
        self._expected_state = expected_state
        self._answer: dict[str, str] | None = None
        self._done = threading.Event()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                owner._handle(self)

            def log_message(self, format: str, *args: Any) -> None:
                pass  # the query holds the code: never logged

        # TCPServer rather than HTTPServer: the latter looks its own host name up.
        self._server = TCPServer(("127.0.0.1", 0), Handler)
        self._closed = False
        self._server.timeout = 0.5
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="smart-redirect", daemon=True
        )
        self._thread.start()

    @property
    def redirect_uri(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}{CALLBACK_PATH}"

    def _handle(self, request: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(request.path)
        if parts.path != CALLBACK_PATH or self._done.is_set():
            request.send_error(404)
            return
        answer = {k: v[0] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        state_ok = hmac.compare_digest(
            answer.get("state", "").encode(), self._expected_state.encode()
        )
        if not state_ok:
            title = _("This login is not for Dossier Assistant.")
            text = _("Go back to Dossier Assistant and start again.")
        elif "error" in answer or "code" not in answer:
            title = _("The login was not finished.")
            text = _("You can close this window. Go back to Dossier Assistant.")
        else:
            title = _("You are logged in.")
            text = _("You can close this window. Go back to Dossier Assistant.")
        body = _answer_page(title, text)
        request.send_response(200)
        request.send_header("Content-Type", "text/html; charset=utf-8")
        request.send_header("Content-Length", str(len(body)))
        request.send_header("Cache-Control", "no-store")
        request.send_header("Referrer-Policy", "no-referrer")
        request.end_headers()
        request.wfile.write(body)
        self._answer = answer
        self._done.set()

    def wait(self, timeout: float = LOGIN_WAIT_SECONDS) -> dict[str, str]:
        """The answer's query parameters, once their ``state`` is checked; LoginError when the
        answer is for another login, or none came in ``timeout`` seconds (or :meth:`close`)."""
        try:
            if not self._done.wait(timeout) or self._answer is None:
                raise LoginError("no answer from the login page in time")
            answer = self._answer
            if not hmac.compare_digest(
                answer.get("state", "").encode(), self._expected_state.encode()
            ):
                raise LoginError("the login answer has another state: refused")
            return answer
        finally:
            self.close()

    def close(self) -> None:
        """Stop listening (also wakes :meth:`wait`)."""
        self._done.set()
        if self._closed:
            return
        self._closed = True
        self._server.shutdown()
        self._server.server_close()


# ---------------------------------------------------------------------------------------------
# Tokens, in memory only


class SmartTokens:
    """The tokens of one login, in memory only; :meth:`wipe` forgets them.

    (Python strings cannot be overwritten: wiping drops the only references.)
    ``expires_at`` is on the ``time.monotonic`` clock.
    """

    __slots__ = ("access_token", "expires_at", "patient_id", "refresh_token", "scopes")

    def __init__(
        self,
        access_token: str,
        patient_id: str,
        expires_at: float,
        scopes: tuple[str, ...],
        refresh_token: str | None = None,
    ) -> None:
        self.access_token = access_token
        self.patient_id = patient_id
        self.expires_at = expires_at
        self.scopes = scopes
        self.refresh_token = refresh_token

    def expired(self, *, margin: float = 0.0) -> bool:
        return time.monotonic() + margin >= self.expires_at

    def wipe(self) -> None:
        self.access_token = ""
        self.refresh_token = None
        self.patient_id = ""
        self.expires_at = 0.0

    def __repr__(self) -> str:
        return f"SmartTokens(scopes={self.scopes!r}, refresh={self.refresh_token is not None})"


def _oauth_client(service: RecordService, redirect_uri: str, verify: Any, timeout: Any) -> Any:
    """Authlib's httpx OAuth 2.0 client for a public client with PKCE S256."""
    quiet_http_logging()
    with warnings.catch_warnings():
        # Authlib 1.9 prefers a fork of httpx it names httpx2 and warns when it meets httpx
        # (its deprecate module first sets that warning to "always": the filter comes after).
        import authlib.deprecate  # noqa: F401

        warnings.simplefilter("ignore", DeprecationWarning)
        from authlib.integrations.httpx_client import OAuth2Client
    return OAuth2Client(
        client_id=service.client_id,
        token_endpoint_auth_method="none",
        redirect_uri=redirect_uri,
        code_challenge_method="S256",
        verify=verify,
        timeout=timeout,
        follow_redirects=False,
    )


def _token_call(what: str, call: Callable[[], Mapping[str, Any]]) -> Mapping[str, Any]:
    """Run an Authlib token request; its failures become the shared error kinds."""
    from authlib.integrations.base_client import OAuthError

    try:
        return call()
    except OAuthError as exc:
        if exc.error == "invalid_grant":
            raise LoginError(
                f"{what}: the service did not take the grant (invalid_grant)"
            ) from None
        raise ServiceRefusedError(f"{what}: refused ({exc.error})") from None
    except (httpx.TransportError, httpx.DecodingError, OSError) as exc:
        raise transport_error(exc, what) from None
    except httpx.HTTPError as exc:
        raise ServiceRefusedError(f"{what}: {type(exc).__name__}") from None
    except ValueError:  # an answer that is not JSON
        raise BadDataError(f"{what}: the answer is not JSON") from None


class SmartSession:
    """A logged-in SMART session: the tokens, and the client that renews them."""

    def __init__(self, oauth: Any, server: AuthServer, tokens: SmartTokens) -> None:
        self._oauth = oauth
        self._server = server
        self.tokens = tokens
        self._lock = threading.Lock()

    @property
    def patient_id(self) -> str:
        return self.tokens.patient_id

    def access_token(self) -> str:
        """A valid access token, renewed first if it is about to run out."""
        with self._lock:
            if self.tokens.expired(margin=EXPIRY_MARGIN_SECONDS):
                self._renew()
            return self.tokens.access_token

    def renew(self, refused_token: str) -> None:
        """The server refused ``refused_token``: renew it (once, if no other thread did)."""
        with self._lock:
            if self.tokens.access_token == refused_token:
                self._renew()

    def _renew(self) -> None:
        refresh = self.tokens.refresh_token
        if refresh is None:
            raise LoginError("the login ran out while reading the record: log in again")
        started = time.monotonic()
        answer = _token_call(
            "token refresh",
            lambda: self._oauth.refresh_token(self._server.token_endpoint, refresh_token=refresh),
        )
        access, expires_in, scopes = _checked_grant(answer, self.tokens.scopes)
        self.tokens.access_token = access
        self.tokens.expires_at = started + expires_in
        self.tokens.scopes = scopes
        new_refresh = answer.get("refresh_token")
        if isinstance(new_refresh, str) and new_refresh:
            self.tokens.refresh_token = new_refresh
        log.info("smart: access token renewed")

    def wipe(self) -> None:
        """Forget the tokens and close the connections."""
        self.tokens.wipe()
        self._oauth.token = None
        self._oauth.close()


def _checked_grant(
    answer: Mapping[str, Any], asked: tuple[str, ...]
) -> tuple[str, float, tuple[str, ...]]:
    """(access token, lifetime in seconds, granted scopes) from a token answer, checked."""
    access = answer.get("access_token")
    if not isinstance(access, str) or not access:
        raise BadDataError("token answer without an access token")
    if str(answer.get("token_type", "")).lower() != "bearer":
        raise BadDataError("token answer: not a bearer token")
    expires_in = answer.get("expires_in", 3600)
    if isinstance(expires_in, bool) or not isinstance(expires_in, int | float) or expires_in <= 0:
        raise BadDataError("token answer: the lifetime is not a positive number")
    scope = answer.get("scope")
    scopes = tuple(scope.split()) if isinstance(scope, str) else asked
    if not READ_ALL_SCOPES.intersection(scopes):
        raise ServiceRefusedError("the service did not allow the program to read the record")
    return access, float(expires_in), scopes


def _check_id_token(
    id_token: str, server: AuthServer, client: httpx.Client, client_id: str, nonce: str
) -> None:
    """Check the ID token's signature (the issuer's keys), issuer, audience, nonce and times."""
    from joserfc import jwt
    from joserfc.errors import JoseError
    from joserfc.jwk import KeySet

    if server.jwks_uri is None or server.issuer is None:
        raise BadDataError("an ID token came, but the service publishes no issuer or keys")
    keys = request_json(client, "GET", server.jwks_uri, media_types=JWKS_TYPES)
    try:
        key_set = KeySet.import_key_set(keys)  # type: ignore[arg-type]
        token = jwt.decode(id_token, key_set, algorithms=ID_TOKEN_ALGORITHMS)
        jwt.JWTClaimsRegistry(
            leeway=60,
            iss={"essential": True, "value": server.issuer},
            aud={"essential": True, "value": client_id},
            sub={"essential": True},
            exp={"essential": True},
            nonce={"essential": True, "value": nonce},
        ).validate(token.claims)
    except (JoseError, ValueError) as exc:
        raise BadDataError(f"the ID token is not valid ({type(exc).__name__})") from None


def log_in(
    service: RecordService,
    *,
    opener: BrowserOpener = system_browser,
    verify: Any = True,
    timeout: httpx.Timeout | float = RECOMMENDED_TIMEOUT,
    wait_seconds: float = LOGIN_WAIT_SECONDS,
    on_redirect: Callable[[LoopbackRedirect], None] | None = None,
) -> SmartSession:
    """Run the standalone patient launch for ``service``: discovery, the browser login, the
    code exchange. ``verify`` is httpx's TLS setting (an SSLContext, a CA file, or True).
    ``on_redirect`` sees the listener before the browser opens (to cancel it, say)."""
    quiet_http_logging()
    with httpx.Client(verify=verify, timeout=timeout, follow_redirects=False) as client:
        server = discover(client, service)
        scopes = choose_scopes(server, service)
        state = secrets.token_urlsafe(32)
        nonce = secrets.token_urlsafe(32)
        verifier = secrets.token_urlsafe(64)  # 86 characters, within RFC 7636's 43-128
        listener = LoopbackRedirect(state)
        oauth = _oauth_client(service, listener.redirect_uri, verify, timeout)
        try:
            extra = {"nonce": nonce} if "openid" in scopes else {}
            url, _state = oauth.create_authorization_url(
                server.authorization_endpoint,
                state=state,
                code_verifier=verifier,
                scope=" ".join(scopes),
                aud=service.fhir_base_url,
                **extra,
            )
            if on_redirect is not None:
                on_redirect(listener)
            opener(url)
            answer = listener.wait(wait_seconds)
            error = answer.get("error")
            if error == "access_denied":
                raise LoginError("the person said no at the login page (access_denied)")
            if error is not None or not answer.get("code"):
                raise LoginError(f"the login page answered with an error ({error or 'no code'})")
            if answer.get("iss") not in (None, server.issuer):  # RFC 9207
                raise LoginError("the login answer comes from another issuer")
            started = time.monotonic()
            grant = _token_call(
                "code exchange",
                lambda: oauth.fetch_token(
                    server.token_endpoint,
                    grant_type="authorization_code",
                    code=answer["code"],
                    code_verifier=verifier,
                ),
            )
            access, expires_in, granted = _checked_grant(grant, scopes)
            patient = grant.get("patient")
            if not isinstance(patient, str) or not patient or "/" in patient:
                raise BadDataError("the token answer does not say which patient")
            id_token = grant.get("id_token")
            if isinstance(id_token, str) and id_token:
                _check_id_token(id_token, server, client, service.client_id, nonce)
            refresh = grant.get("refresh_token")
            tokens = SmartTokens(
                access_token=access,
                patient_id=patient,
                expires_at=started + expires_in,
                scopes=granted,
                refresh_token=refresh if isinstance(refresh, str) and refresh else None,
            )
            log.info("smart: logged in (%s, scopes %s)", server.document, " ".join(granted))
            return SmartSession(oauth, server, tokens)
        except BaseException:
            oauth.close()
            raise
        finally:
            listener.close()
