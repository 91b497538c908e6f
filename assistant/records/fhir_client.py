"""A small FHIR R4 JSON client over httpx: one request at a time, paging, strict error mapping.

Every HTTP or transport failure becomes one of the shared error kinds:

* no connection, TLS not trusted, connection reset, a redirect (captive portal) → NetworkError
* timeout after connecting, 5xx, 429, 408 → ServiceDownError (``retry_after`` from Retry-After)
* 401 → TokenRefusedError (a ServiceRefusedError: the bearer token was not accepted), 403 →
  ServiceRefusedError
* other 4xx (our request was wrong) → ProgramError
* wrong content type, malformed JSON (or nested too deeply), body too large, broken Bundle →
  BadDataError
* no complete answer within the deadline, however slowly the server drips it → ServiceDownError
* a hub address that is neither https nor this computer → ProgramError, before anything is sent

There is no automatic retry: the UI decides, with the patient, whether to try again.
A malformed entry inside a Bundle is reported as an :class:`UnreadablePart` and skipped.
"""

from __future__ import annotations

import email.utils
import ipaddress
import json
import logging
import socket
import ssl
import threading
import time
import weakref
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httpx

from assistant.errors import (
    AssistantError,
    BadDataError,
    NetworkError,
    ProgramError,
    ServiceDownError,
    ServiceRefusedError,
)
from assistant.records.json_view import JsonView
from assistant.records.model import UnreadablePart, UnreadableReason

log = logging.getLogger(__name__)

#: Loggers of the HTTP libraries: at INFO httpx logs every request URL, and a URL can carry a
#: patient identifier (national number). They stay at WARNING, and query strings are cut.
HTTP_LIBRARY_LOGGERS = ("httpx", "httpcore", "hpack", "h2")


class _NoQueryStrings(logging.Filter):
    """Cut ``?query`` off URLs in the HTTP libraries' own log records (defence in depth)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(_without_query(a) for a in record.args)
        elif isinstance(record.args, Mapping):
            record.args = {k: _without_query(v) for k, v in record.args.items()}
        if isinstance(record.msg, str) and "?" in record.msg:
            record.msg = _without_query(record.msg)
        return True


def _without_query(value: object) -> object:
    if isinstance(value, httpx.URL):
        return value.copy_with(query=None, fragment=None)
    if isinstance(value, str) and "?" in value and "://" in value:
        return value.split("?", 1)[0] + "?…"
    return value


_FILTER = _NoQueryStrings()


def quiet_http_logging() -> None:
    """Keep the HTTP libraries' request lines (URLs with ids) out of the logs.

    Called on import and by :func:`hub_http_client`; a level set lower later is raised again.
    """
    for name in HTTP_LIBRARY_LOGGERS:
        logger = logging.getLogger(name)
        if logger.level < logging.WARNING:
            logger.setLevel(logging.WARNING)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)


quiet_http_logging()


def hub_http_client(
    *,
    verify: ssl.SSLContext | str | bool = True,
    timeout: httpx.Timeout | float | None = None,
    transport: httpx.BaseTransport | None = None,
    base_url: str = "",
) -> httpx.Client:
    """The httpx client for a hub: TLS verified, the recommended timeout, quiet HTTP logs."""
    quiet_http_logging()
    return httpx.Client(
        verify=verify,
        timeout=RECOMMENDED_TIMEOUT if timeout is None else timeout,
        transport=transport,
        base_url=base_url,
    )


JSON_TYPES = ("application/fhir+json", "application/json", "application/json+fhir")
#: A sensible timeout for clients made for a hub (requests use the client's own by default).
RECOMMENDED_TIMEOUT = httpx.Timeout(15.0, connect=5.0)
#: The longest one request may take, from sending to the last byte of the answer. httpx's
#: timeouts count per read: a server that sends one byte every half second never trips them.
REQUEST_DEADLINE_S = 30.0
MAX_BODY_BYTES = 16 * 1024 * 1024
MAX_PAGES = 200
RAW_EXCERPT = 400

Json = dict[str, Any]


def retry_after_seconds(value: str | None, *, now: float | None = None) -> float | None:
    """Parse a Retry-After header (seconds or an HTTP date) into seconds from now."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    current = time.time() if now is None else now
    return max(0.0, when.timestamp() - current)


class TokenRefusedError(ServiceRefusedError):
    """HTTP 401: the server did not take the bearer token (expired, revoked or unknown)."""


def is_this_computer(host: str) -> bool:
    """Whether ``host`` (a name or an address) is this computer: localhost or a loopback IP."""
    host = host.lower().strip("[]")
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:  # a host name
        return False


def check_hub_address(url: str) -> None:
    """Refuse a hub that is neither https nor on this computer: a token, a signed login or a
    record must never travel in clear. Raises ProgramError (nothing has been sent)."""
    parts = urlsplit(url)
    if parts.scheme == "https":
        return
    if parts.scheme == "http" and is_this_computer(parts.hostname or ""):
        return
    raise ProgramError(f"hub address refused: {parts.scheme or 'no'} scheme, not this computer")


#: The sockets each httpx client opened for request_json (weakly held: a closed connection
#: drops out), so that a request on a reused connection can be cut too.
_CLIENT_SOCKETS: weakref.WeakKeyDictionary[httpx.Client, weakref.WeakSet[socket.socket]] = (
    weakref.WeakKeyDictionary()
)
_CLIENT_SOCKETS_LOCK = threading.Lock()


def _sockets_of(client: httpx.Client) -> weakref.WeakSet[socket.socket]:
    with _CLIENT_SOCKETS_LOCK:
        known = _CLIENT_SOCKETS.get(client)
        if known is None:
            known = _CLIENT_SOCKETS[client] = weakref.WeakSet()
        return known


class _Watchdog:
    """Cuts the connections of one request when its deadline passes.

    The sockets come from the request's ``trace`` extension (httpx / httpcore: the network
    stream of each new connection and of its TLS layer) and from the response's
    ``network_stream`` extension; shutting a socket down wakes the read that waits on it,
    whatever per-read timeout it has. A request on a reused connection whose answer's head
    has not come yet has no socket of its own: then every connection of its client is cut
    (one late request fails the whole record load anyway).
    """

    def __init__(self, deadline: float, known: weakref.WeakSet[socket.socket]) -> None:
        self.deadline = deadline
        self.fired = False
        self._known = known
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(max(0.0, deadline - time.monotonic()), self._fire)
        self._timer.daemon = True
        self._timer.start()

    def trace(self, event: str, info: Mapping[str, Any]) -> None:
        if event not in ("connection.connect_tcp.complete", "connection.start_tls.complete"):
            return
        self.watch(info.get("return_value"))

    def watch(self, stream: Any) -> None:
        """Cut ``stream``'s socket (an httpcore network stream) at the deadline."""
        sock = stream.get_extra_info("socket") if stream is not None else None
        if isinstance(sock, socket.socket):
            with self._lock:
                self._sockets.append(sock)
                self._known.add(sock)
                if self.fired:
                    _shut(sock)

    def _fire(self) -> None:
        with self._lock:
            self.fired = True
            for sock in self._sockets or list(self._known):
                _shut(sock)

    def passed(self) -> bool:
        return self.fired or time.monotonic() >= self.deadline

    def stop(self) -> None:
        self._timer.cancel()


def _shut(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass  # already closed


def _error_for_status(response: httpx.Response) -> AssistantError | None:
    status = response.status_code
    where = f"HTTP {status} from {response.request.method} {urlsplit(str(response.url)).path}"
    if 200 <= status < 300:
        return None
    if 300 <= status < 400:
        return NetworkError(f"{where}: unexpected redirect (captive portal?)")
    if status == 401:
        return TokenRefusedError(f"{where}: token not accepted")
    if status == 403:
        return ServiceRefusedError(f"{where}: refused")
    if status in (408, 429) or status >= 500:
        retry = retry_after_seconds(response.headers.get("Retry-After"))
        return ServiceDownError(f"{where}: service unavailable", retry_after=retry)
    return ProgramError(f"{where}: request not understood")


def _content_type_ok(response: httpx.Response, media_types: tuple[str, ...]) -> bool:
    media = response.headers.get("Content-Type", "").split(";", 1)[0].strip().lower()
    return media in media_types


def transport_error(exc: Exception, where: str) -> AssistantError:
    """The shared error kind for an httpx transport failure (or a socket-like OSError from an
    in-process transport) during ``where`` (e.g. ``GET /fhir/Patient``)."""
    if isinstance(exc, httpx.ConnectTimeout):
        return NetworkError(f"{where}: connection timed out")
    if isinstance(exc, httpx.PoolTimeout):
        return NetworkError(f"{where}: no free connection")
    if isinstance(exc, httpx.TimeoutException):
        return ServiceDownError(f"{where}: service too slow ({type(exc).__name__})")
    if isinstance(exc, httpx.ConnectError):
        why = "TLS certificate not trusted" if "CERTIFICATE_VERIFY" in str(exc) else "no connection"
        return NetworkError(f"{where}: {why}")
    if isinstance(exc, httpx.DecodingError):
        return BadDataError(f"{where}: body encoding broken")
    return NetworkError(f"{where}: connection lost ({type(exc).__name__})")


def request_json(
    client: httpx.Client,
    method: str,
    url: str,
    *,
    headers: Mapping[str, str] | None = None,
    params: Mapping[str, str] | None = None,
    json_body: Any = None,
    timeout: httpx.Timeout | float | None = None,
    max_bytes: int = MAX_BODY_BYTES,
    media_types: tuple[str, ...] = JSON_TYPES,
    deadline: float | None = None,
) -> Json:
    """One request whose answer must be a JSON object; raises the shared error kinds.

    ``timeout`` None means the client's own timeout (per read); ``media_types`` are the
    content types taken as JSON. The whole request ends at REQUEST_DEADLINE_S from now, or at
    ``deadline`` (a ``time.monotonic()`` value, e.g. the end of the record load) if sooner.
    """
    path = urlsplit(url).path
    check_hub_address(str(client.base_url.join(url)))
    own = time.monotonic() + REQUEST_DEADLINE_S
    watchdog = _Watchdog(own if deadline is None else min(own, deadline), _sockets_of(client))
    request_headers = {"Accept": "application/fhir+json, application/json;q=0.9"}
    request_headers.update(headers or {})
    try:
        if watchdog.passed():
            raise ServiceDownError(f"{method} {path}: no time left for this request")
        with client.stream(
            method,
            url,
            headers=request_headers,
            params=params,
            json=json_body,
            timeout=timeout if timeout is not None else httpx.USE_CLIENT_DEFAULT,
            extensions={"trace": watchdog.trace},
        ) as response:
            watchdog.watch(response.extensions.get("network_stream"))
            error = _error_for_status(response)
            if error is not None:
                raise error
            if not _content_type_ok(response, media_types):
                raise BadDataError(f"{method} {path}: answer is not JSON")
            declared = response.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > max_bytes:
                raise BadDataError(f"{method} {path}: answer too large ({declared} bytes)")
            body = bytearray()
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > max_bytes:
                    raise BadDataError(f"{method} {path}: answer larger than {max_bytes} bytes")
                if watchdog.passed():
                    raise ServiceDownError(f"{method} {path}: answer not complete in time")
    except AssistantError:
        raise
    except (httpx.TransportError, httpx.DecodingError, OSError) as exc:
        if watchdog.passed():
            raise ServiceDownError(f"{method} {path}: answer not complete in time") from exc
        raise transport_error(exc, f"{method} {path}") from exc
    finally:
        watchdog.stop()
    try:
        data = json.loads(bytes(body))
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadDataError(f"{method} {path}: malformed JSON") from exc
    except RecursionError as exc:
        raise BadDataError(f"{method} {path}: JSON nested too deeply") from exc
    if not isinstance(data, dict):
        raise BadDataError(f"{method} {path}: JSON answer is not an object")
    return data


@dataclass
class SearchResult:
    """Resources of a search (matches and includes, each once) and what could not be read."""

    resources: list[Json] = field(default_factory=list)
    unreadable: list[UnreadablePart] = field(default_factory=list)
    total: int | None = None
    pages: int = 0


def _excerpt(value: Any) -> str:
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= RAW_EXCERPT else text[:RAW_EXCERPT] + "…"


class FhirClient:
    """Reads and searches one FHIR server (``fhir_base`` like ``https://host/fhir``)."""

    def __init__(
        self,
        client: httpx.Client,
        fhir_base: str,
        token: str | None = None,
        *,
        timeout: httpx.Timeout | float | None = None,
        max_bytes: int = MAX_BODY_BYTES,
        max_pages: int = MAX_PAGES,
        deadline: float | None = None,
    ) -> None:
        check_hub_address(fhir_base)
        self.client = client
        self.fhir_base = fhir_base.rstrip("/")
        self._token = token
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.max_pages = max_pages
        #: When every request of this client must be done (``time.monotonic()``), or None.
        self.deadline = deadline

    def bearer(self) -> str | None:
        """The access token to send (a subclass may renew it)."""
        return self._token

    def _headers(self) -> dict[str, str]:
        token = self.bearer()
        return {"Authorization": f"Bearer {token}"} if token else {}

    def get(self, url: str, params: Mapping[str, str] | None = None) -> Json:
        return request_json(
            self.client,
            "GET",
            url,
            headers=self._headers(),
            params=params,
            timeout=self.timeout,
            max_bytes=self.max_bytes,
            deadline=self.deadline,
        )

    def read(self, resource_type: str, resource_id: str) -> Json:
        resource = self.get(f"{self.fhir_base}/{resource_type}/{resource_id}")
        if resource.get("resourceType") != resource_type:
            raise BadDataError(f"read {resource_type}: got another resource type")
        return resource

    def search(self, resource_type: str, params: Mapping[str, str] | None = None) -> SearchResult:
        """Run a search and follow its ``next`` links (same server only)."""
        result = SearchResult()
        seen: set[str] = set()
        visited: set[str] = set()
        url: str | None = f"{self.fhir_base}/{resource_type}"
        query: Mapping[str, str] | None = params
        while url is not None:
            if result.pages >= self.max_pages:
                raise BadDataError(f"search {resource_type}: more than {self.max_pages} pages")
            bundle = self.get(url, query)
            result.pages += 1
            self._take_page(resource_type, bundle, result, seen)
            url = self._next_link(resource_type, bundle)
            query = None
            if url is not None:
                if url in visited:
                    raise BadDataError(f"search {resource_type}: paging goes round in a circle")
                visited.add(url)
        return result

    def _take_page(
        self, resource_type: str, bundle: Json, result: SearchResult, seen: set[str]
    ) -> None:
        if bundle.get("resourceType") != "Bundle" or bundle.get("type") != "searchset":
            raise BadDataError(f"search {resource_type}: answer is not a searchset Bundle")
        total = bundle.get("total")
        if isinstance(total, int) and result.total is None:
            result.total = total
        entries = bundle.get("entry", [])
        if not isinstance(entries, list):
            raise BadDataError(f"search {resource_type}: Bundle.entry is not a list")
        for index, raw_entry in enumerate(entries):
            where = f"{resource_type} search, page {result.pages}, entry {index + 1}"
            entry = JsonView(raw_entry)
            resource = entry.get("resource")
            kind = entry.obj("resource").get("resourceType")
            if not isinstance(resource, dict) or not isinstance(kind, str) or not kind:
                result.unreadable.append(
                    UnreadablePart(
                        where=where,
                        why="Bundle entry without a resource type",
                        reason=UnreadableReason.MALFORMED,
                        raw=_excerpt(raw_entry),
                    )
                )
                continue
            if entry.get("search") is not None and not entry.obj("search").is_object:
                # the entry's search details are not an object: noted, the resource kept
                result.unreadable.append(
                    UnreadablePart(
                        where=where,
                        why="Bundle entry search is not an object",
                        reason=UnreadableReason.MALFORMED,
                        raw=_excerpt(entry.get("search")),
                    )
                )
            mode = entry.obj("search").get("mode")
            if kind == "OperationOutcome" or mode == "outcome":
                log.info("hub: search %s returned an OperationOutcome entry", resource_type)
                continue
            rid = resource.get("id")
            key = f"{kind}/{rid}" if isinstance(rid, str) and rid else ""
            if key and key in seen:
                continue
            if key:
                seen.add(key)
            result.resources.append(resource)

    def _next_link(self, resource_type: str, bundle: Json) -> str | None:
        links = bundle.get("link", [])
        if not isinstance(links, list):
            return None
        for link in links:
            if isinstance(link, dict) and link.get("relation") == "next":
                url = link.get("url")
                if not isinstance(url, str):
                    raise BadDataError(f"search {resource_type}: next link is not a URL")
                if not url.startswith(self.fhir_base + "/"):
                    raise BadDataError(f"search {resource_type}: next link leaves the server")
                return url
        return None
