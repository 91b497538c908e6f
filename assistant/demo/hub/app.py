"""The demo hub as a WSGI application (stdlib only): eID challenge login and FHIR R4 search.

Endpoints::

    POST /auth/challenge            -> {"nonce": base64, "expires_in": s, "expires_at": epoch s}
    POST /auth/token                {nonce, signature, certificate_chain} -> bearer token
    GET  /fhir/metadata             CapabilityStatement
    GET  /fhir/<Type>?params        searchset Bundle (paging: _count, _offset; _include)
    GET  /fhir/<Type>/<id>          one resource

Every FHIR call needs ``Authorization: Bearer <token>``; a token only opens its own patient.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any
from urllib.parse import parse_qs, urlencode

from assistant.demo.hub.fhir_build import Resource
from assistant.demo.hub.misbehaviour import Fault, Misbehaviour, Scope
from assistant.demo.hub.security import AuthFailure, Authority, Grant
from assistant.demo.hub.store import SEARCHABLE, Compartment, HubStore, SearchError

log = logging.getLogger(__name__)

FHIR_JSON = "application/fhir+json; charset=utf-8"
JSON = "application/json; charset=utf-8"
DEFAULT_COUNT = 50
MAX_COUNT = 500
MAX_REQUEST_BODY = 64 * 1024

StartResponse = Callable[..., Any]
Environ = dict[str, Any]

_REASONS = {
    200: "OK",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    413: "Payload Too Large",
    500: "Internal Server Error",
    503: "Service Unavailable",
}

_PAGING = ("_count", "_offset", "_include", "_include:iterate", "_format")


class AbortConnection(ConnectionResetError):
    """Raised by the app to ask the server to drop the connection without answering."""


class HttpProblem(Exception):
    def __init__(
        self, status: int, code: str, diagnostics: str, headers: list[tuple[str, str]] | None = None
    ) -> None:
        super().__init__(diagnostics)
        self.status = status
        self.code = code
        self.diagnostics = diagnostics
        self.headers = headers or []


def operation_outcome(code: str, diagnostics: str, severity: str = "error") -> Resource:
    return {
        "resourceType": "OperationOutcome",
        "issue": [{"severity": severity, "code": code, "diagnostics": diagnostics}],
    }


def _status_line(status: int) -> str:
    return f"{status} {_REASONS.get(status, 'Unknown')}"


class HubApp:
    """The hub. Call :meth:`set_misbehaviour` at any time to make it fail on purpose."""

    def __init__(self, store: HubStore, authority: Authority) -> None:
        self.store = store
        self.authority = authority
        self._misbehaviour: Misbehaviour | None = None
        self._matched = 0
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self.requests_served = 0

    def set_misbehaviour(self, misbehaviour: Misbehaviour | None) -> None:
        with self._lock:
            self._misbehaviour = misbehaviour
            self._matched = 0

    def stop(self) -> None:
        """Release requests waiting in a SLOW fault."""
        self._stopping.set()

    # -- WSGI --------------------------------------------------------------------------

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "") or "/"
        method = environ.get("REQUEST_METHOD", "GET")
        with self._lock:
            self.requests_served += 1
        fault = self._fault_for(path)
        if fault is not None:
            early = self._early_fault(fault, start_response)
            if early is not None:
                return early
        try:
            status, body, content_type, headers = self._dispatch(method, path, environ)
        except HttpProblem as problem:
            status = problem.status
            body = operation_outcome(problem.code, problem.diagnostics)
            content_type, headers = FHIR_JSON, problem.headers
        except Exception:
            log.exception("hub: unexpected failure on %s %s", method, path.split("/")[1:3])
            status, body = 500, operation_outcome("exception", "internal error")
            content_type, headers = FHIR_JSON, []
        if fault is not None and status == 200:
            body, content_type = self._late_fault(fault, body, content_type)
        data = body if isinstance(body, bytes) else json.dumps(body).encode("utf-8")
        start_response(
            _status_line(status),
            [("Content-Type", content_type), ("Content-Length", str(len(data))), *headers],
        )
        return [data]

    # -- faults ------------------------------------------------------------------------

    def _fault_for(self, path: str) -> Misbehaviour | None:
        with self._lock:
            m = self._misbehaviour
            if m is None:
                return None
            where = Scope.AUTH if path.startswith("/auth/") else Scope.FHIR
            if m.scope is not Scope.ALL and m.scope is not where:
                return None
            self._matched += 1
            return m if self._matched > m.after else None

    def _early_fault(
        self, m: Misbehaviour, start_response: StartResponse
    ) -> Iterable[bytes] | None:
        if m.fault is Fault.SLOW:
            self._stopping.wait(m.delay)
            return None
        if m.fault is Fault.RESET:
            raise AbortConnection("hub told to reset the connection")
        if m.fault is Fault.SERVER_ERROR:
            return self._plain(start_response, 500, operation_outcome("exception", "boom"))
        if m.fault is Fault.UNAVAILABLE:
            return self._plain(
                start_response,
                503,
                operation_outcome("transient", "down for maintenance"),
                [("Retry-After", str(m.retry_after))],
            )
        if m.fault is Fault.WRONG_CONTENT_TYPE:
            page = b"<html><body><h1>Maintenance</h1></body></html>"
            start_response(
                _status_line(200),
                [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(page)))],
            )
            return [page]
        if m.fault is Fault.HUGE_BODY:
            start_response(
                _status_line(200),
                [("Content-Type", FHIR_JSON), ("Content-Length", str(m.huge_bytes))],
            )
            return _huge_body(m.huge_bytes)
        return None

    @staticmethod
    def _late_fault(m: Misbehaviour, body: Any, content_type: str) -> tuple[Any, str]:
        if m.fault is Fault.MALFORMED_JSON:
            data = json.dumps(body).encode("utf-8")
            return data[: max(1, len(data) // 2)], content_type
        if m.fault is Fault.BAD_RESOURCE and isinstance(body, dict):
            return _corrupt(body), content_type
        return body, content_type

    @staticmethod
    def _plain(
        start_response: StartResponse,
        status: int,
        body: Resource,
        headers: list[tuple[str, str]] | None = None,
    ) -> list[bytes]:
        data = json.dumps(body).encode("utf-8")
        start_response(
            _status_line(status),
            [("Content-Type", FHIR_JSON), ("Content-Length", str(len(data))), *(headers or [])],
        )
        return [data]

    # -- routing -----------------------------------------------------------------------

    def _dispatch(
        self, method: str, path: str, environ: Environ
    ) -> tuple[int, Any, str, list[tuple[str, str]]]:
        if path == "/auth/challenge":
            _require_method(method, "POST")
            challenge = self.authority.new_challenge()
            expires_in = max(0, round(challenge.expires_at - self.authority.clock()))
            body = {
                "nonce": base64.b64encode(challenge.nonce).decode("ascii"),
                "expires_in": expires_in,
                "expires_at": challenge.expires_at,
                "digest": "SHA-384",
                "signed": "SHA-384 of: context, origin, nonce, expires_at (one per line)",
            }
            return 200, body, JSON, [("Cache-Control", "no-store")]
        if path == "/auth/token":
            _require_method(method, "POST")
            return 200, self._token(environ), JSON, [("Cache-Control", "no-store")]
        if path == "/fhir/metadata":
            _require_method(method, "GET")
            return 200, _capability_statement(), FHIR_JSON, []
        if path.startswith("/fhir/"):
            _require_method(method, "GET")
            parts = [p for p in path[len("/fhir/") :].split("/") if p]
            compartment = self._compartment(environ)
            if len(parts) == 1:
                return 200, self._search(parts[0], compartment, environ), FHIR_JSON, []
            if len(parts) == 2:
                return 200, self._read(parts[0], parts[1], compartment), FHIR_JSON, []
        raise HttpProblem(404, "not-found", "no such endpoint")

    def _token(self, environ: Environ) -> dict[str, Any]:
        request = _read_json(environ)
        try:
            nonce = base64.b64decode(request["nonce"], validate=True)
            signature = base64.b64decode(request["signature"], validate=True)
            chain = [base64.b64decode(c, validate=True) for c in request["certificate_chain"]]
        except (KeyError, TypeError, binascii.Error) as exc:
            raise HttpProblem(
                400, "invalid", "expected nonce, signature, certificate_chain"
            ) from exc
        try:
            grant = self.authority.redeem(nonce, signature, chain)
        except AuthFailure as failure:
            log.info("hub: login refused (%s)", failure.detail)
            raise HttpProblem(
                failure.status, failure.code, failure.detail, _bearer_challenge("invalid_request")
            ) from failure
        compartment = self.store.by_national_number(grant.national_number)
        if compartment is None:
            raise HttpProblem(403, "forbidden", "no record for this person on this hub")
        return {
            "access_token": grant.token,
            "token_type": "Bearer",
            "expires_in": max(0, round(grant.expires_at - self.authority.clock())),
            "patient": compartment.patient_id,
            "scope": "patient/*.read",
        }

    def _grant(self, environ: Environ) -> Grant:
        header = environ.get("HTTP_AUTHORIZATION", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise HttpProblem(401, "login", "bearer token required", _bearer_challenge(None))
        grant = self.authority.grant_for(token.strip())
        if grant is None:
            raise HttpProblem(
                401, "expired", "token unknown or expired", _bearer_challenge("invalid_token")
            )
        return grant

    def _compartment(self, environ: Environ) -> Compartment:
        grant = self._grant(environ)
        compartment = self.store.by_national_number(grant.national_number)
        if compartment is None:
            raise HttpProblem(403, "forbidden", "no record for this person on this hub")
        return compartment

    def _read(self, resource_type: str, resource_id: str, compartment: Compartment) -> Resource:
        resource = compartment.read(resource_type, resource_id)
        if resource is not None:
            return resource
        if resource_type == "Patient" and self.store.by_patient_id(resource_id) is not None:
            raise HttpProblem(403, "forbidden", "this token does not open that patient")
        raise HttpProblem(404, "not-found", f"{resource_type} not found")

    def _search(self, resource_type: str, compartment: Compartment, environ: Environ) -> Resource:
        if resource_type not in SEARCHABLE:
            raise HttpProblem(404, "not-supported", f"{resource_type} is not served here")
        params = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
        self._check_patient_params(resource_type, params, compartment)
        try:
            count = min(MAX_COUNT, max(1, int(params.get("_count", [DEFAULT_COUNT])[0])))
            offset = max(0, int(params.get("_offset", ["0"])[0]))
        except ValueError as exc:
            raise HttpProblem(400, "invalid", "_count and _offset must be numbers") from exc
        filters = {k: v for k, v in params.items() if k not in _PAGING}
        try:
            page = compartment.search(
                resource_type,
                filters,
                _split(params.get("_include", [])),
                _split(params.get("_include:iterate", [])),
                offset=offset,
                count=count,
            )
        except SearchError as exc:
            raise HttpProblem(400, "not-supported", str(exc)) from exc
        base = _base_url(environ)

        def link(new_offset: int) -> str:
            query = {k: v for k, v in params.items() if k != "_offset"}
            query["_offset"] = [str(new_offset)]
            query["_count"] = [str(count)]
            return f"{base}/fhir/{resource_type}?{urlencode(query, doseq=True)}"

        links = [{"relation": "self", "url": link(offset)}]
        if offset + count < page.total:
            links.append({"relation": "next", "url": link(offset + count)})
        if offset > 0:
            links.append({"relation": "previous", "url": link(max(0, offset - count))})
        entries = [_entry(base, r, "match") for r in page.matches]
        entries += [_entry(base, r, "include") for r in page.included]
        return {
            "resourceType": "Bundle",
            "type": "searchset",
            "total": page.total,
            "link": links,
            "entry": entries,
        }

    def _check_patient_params(
        self, resource_type: str, params: dict[str, list[str]], compartment: Compartment
    ) -> None:
        own = compartment.patient_id
        for key in ("patient", "subject"):
            for value in params.get(key, []):
                for one in value.split(","):
                    if one.removeprefix("Patient/") != own:
                        raise HttpProblem(403, "forbidden", "this token does not open that patient")
        if resource_type == "Patient":
            for value in params.get("_id", []):
                if any(v != own for v in value.split(",")):
                    raise HttpProblem(403, "forbidden", "this token does not open that patient")
            for value in params.get("identifier", []):
                for one in value.split(","):
                    owner = self.store.owner_of_identifier(one)
                    if owner is not None and owner is not compartment:
                        raise HttpProblem(403, "forbidden", "this token does not open that patient")


def _split(values: list[str]) -> list[str]:
    return [one for value in values for one in value.split(",") if one]


def _require_method(method: str, allowed: str) -> None:
    if method != allowed:
        raise HttpProblem(405, "not-supported", f"use {allowed}", [("Allow", allowed)])


def _bearer_challenge(error: str | None) -> list[tuple[str, str]]:
    value = 'Bearer realm="demo-hub"' + (f', error="{error}"' if error else "")
    return [("WWW-Authenticate", value)]


def _read_json(environ: Environ) -> dict[str, Any]:
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > MAX_REQUEST_BODY:
        raise HttpProblem(413, "too-costly", "request body too large")
    raw = environ["wsgi.input"].read(length) if length > 0 else b""
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise HttpProblem(400, "invalid", "request body is not JSON") from exc
    if not isinstance(data, dict):
        raise HttpProblem(400, "invalid", "request body must be a JSON object")
    return data


def _base_url(environ: Environ) -> str:
    scheme = environ.get("wsgi.url_scheme", "http")
    host = environ.get("HTTP_HOST") or (
        f"{environ.get('SERVER_NAME', 'localhost')}:{environ.get('SERVER_PORT', '80')}"
    )
    return f"{scheme}://{host}{environ.get('SCRIPT_NAME', '')}"


def _entry(base: str, resource: Resource, mode: str) -> dict[str, Any]:
    return {
        "fullUrl": f"{base}/fhir/{resource['resourceType']}/{resource['id']}",
        "resource": resource,
        "search": {"mode": mode},
    }


def _corrupt(bundle: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``bundle`` whose first entry is malformed and with one entry without a type."""
    entries = list(bundle.get("entry", []))
    if not entries:
        return bundle
    first = dict(entries[0])
    resource = dict(first["resource"])
    for key in list(resource):
        if key not in ("resourceType", "id", "meta"):
            resource[key] = 12345 if key != "status" else ["not", "a", "code"]
    first["resource"] = resource
    entries[0] = first
    entries.append({"fullUrl": "urn:uuid:broken", "resource": {"id": "no-type", "status": 7}})
    return {**bundle, "entry": entries}


def _huge_body(size: int) -> Iterator[bytes]:
    head = b'{"resourceType":"Bundle","type":"searchset","entry":['
    yield head
    left = size - len(head)
    chunk = b" " * 65536
    while left > 0:
        piece = chunk[: min(left, len(chunk))]
        left -= len(piece)
        yield piece


def _capability_statement() -> Resource:
    return {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": "2026-11-01",
        "kind": "instance",
        "fhirVersion": "4.0.1",
        "format": ["application/fhir+json"],
        "software": {"name": "Dossier Assistant demo hub"},
        "rest": [
            {
                "mode": "server",
                "security": {
                    "service": [{"text": "eID challenge: POST /auth/challenge, /auth/token"}]
                },
                "resource": [
                    {"type": t, "interaction": [{"code": "read"}, {"code": "search-type"}]}
                    for t in SEARCHABLE
                ],
            }
        ],
    }


def make_hub_app(
    *,
    clock: Callable[[], float] = time.time,
    trusted_roots: Iterable[bytes] | None = None,
    token_lifetime: float | None = None,
    origin: str | None = None,
) -> HubApp:
    """The hub with every synthetic patient, trusting the virtual cards' root CA by default."""
    from assistant.demo.hub.patients import synthetic_patients

    if trusted_roots is None:
        from assistant.demo.card.pki import demo_roots

        trusted_roots = list(demo_roots())
    authority = Authority(list(trusted_roots), clock=clock)
    if token_lifetime is not None:
        authority.token_lifetime = token_lifetime
    if origin is not None:
        authority.bind_origin(origin)
    return HubApp(HubStore(synthetic_patients()), authority)
