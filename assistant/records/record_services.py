"""The record services a patient may log in to (SMART App Launch on a FHIR R4 server).

They are listed in ``record-services.toml`` in the user's configuration folder (none is
shipped: the program knows no server that does not exist). One table per service::

    [[service]]
    id = "my-hub"                              # the name for --record-service
    fhir_base_url = "https://fhir.example.be/r4"
    client_id = "dossier-assistant"            # given by the service when it registers us
    scopes = "launch/patient openid fhirUser patient/*.rs"   # optional
    issuer = "https://login.example.be"        # optional: OpenID Connect discovery there
    name = { fr = "…", nl = "…", en = "…", de = "…" }

Every address must use https, except on this computer (loopback, for tests and trials).
Anything wrong in the file is refused as a whole with a BadDataError that says what and where.

SMART is offered only at home: a kiosk has no system browser, and in a public space the
browser would keep the login after the session (see :func:`smart_offered`).
"""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from assistant.errors import BadDataError
from assistant.settings import KNOWN_LANGUAGES, Mode, Settings, user_config_folder

FILE_NAME = "record-services.toml"
MAX_FILE_BYTES = 256 * 1024
_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,39}")
#: RFC 6749 3.3: a scope token is printable ASCII without space, '"' or '\'.
_SCOPE_TOKEN = re.compile(r"[\x21\x23-\x5b\x5d-\x7e]+")
_KEYS = {"id", "name", "fhir_base_url", "client_id", "scopes", "issuer"}


@dataclass(frozen=True, slots=True)
class RecordService:
    """One FHIR server the program may log in to with SMART App Launch."""

    id: str
    names: Mapping[str, str]  # language code → name, for every language
    fhir_base_url: str
    client_id: str
    scopes: tuple[str, ...] = ()  # empty: chosen from the server's configuration
    issuer: str | None = None  # OpenID Connect issuer, when the server has no SMART document

    def name(self, language: str) -> str:
        return self.names.get(language) or self.names["en"]


def is_loopback_host(host: str) -> bool:
    """Whether ``host`` is this computer (localhost, 127/8, ::1)."""
    host = host.lower().strip("[]")
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_service_url(url: str, what: str) -> str:
    """``url`` without a trailing slash if it is an https URL (or http on loopback), else
    BadDataError naming ``what``."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError:
        raise BadDataError(f"{what} is not a valid address") from None
    if not host or parts.username is not None or parts.password is not None:
        raise BadDataError(f"{what} must be an address like https://host/path")
    if parts.query or parts.fragment:
        raise BadDataError(f"{what} must have no ?query or #fragment")
    if parts.scheme == "https" or (parts.scheme == "http" and is_loopback_host(host)):
        return url.rstrip("/")
    raise BadDataError(f"{what} must use https (plain http only on this computer)")


def _text(table: Mapping[str, Any], key: str, where: str) -> str:
    value = table.get(key)
    if not isinstance(value, str) or not value.strip():
        raise BadDataError(f"{where}: {key} is missing or empty")
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in value):
        raise BadDataError(f"{where}: {key} has control characters")
    return value.strip()


def service_from_mapping(table: Mapping[str, Any], where: str) -> RecordService:
    unknown = sorted(set(table) - _KEYS)
    if unknown:
        raise BadDataError(f"{where}: unknown keys {unknown}")
    service_id = _text(table, "id", where)
    if not _ID.fullmatch(service_id):
        raise BadDataError(f"{where}: id must be lower-case letters, digits and '-'")
    where = f"{where} ({service_id})"
    names_raw = table.get("name")
    if not isinstance(names_raw, Mapping):
        raise BadDataError(f"{where}: name must be a table with fr, nl, en and de")
    extra = sorted(set(names_raw) - set(KNOWN_LANGUAGES))
    if extra:
        raise BadDataError(f"{where}: name has unknown languages {extra}")
    names = {code: _text(names_raw, code, f"{where} name") for code in KNOWN_LANGUAGES}
    base = check_service_url(_text(table, "fhir_base_url", where), f"{where}: fhir_base_url")
    client_id = _text(table, "client_id", where)
    if any(c.isspace() for c in client_id):
        raise BadDataError(f"{where}: client_id has spaces")
    scopes: tuple[str, ...] = ()
    if "scopes" in table:
        scopes = tuple(_text(table, "scopes", where).split())
        bad = [s for s in scopes if not _SCOPE_TOKEN.fullmatch(s)]
        if bad:
            raise BadDataError(f"{where}: scopes has invalid values {bad}")
    issuer = None
    if "issuer" in table:
        issuer = check_service_url(_text(table, "issuer", where), f"{where}: issuer")
    return RecordService(service_id, names, base, client_id, scopes, issuer)


def services_from_mapping(data: Mapping[str, Any]) -> tuple[RecordService, ...]:
    """Validate a parsed record-services document."""
    unknown = sorted(set(data) - {"service"})
    if unknown:
        raise BadDataError(f"record services: unknown keys {unknown}")
    tables = data.get("service", [])
    if not isinstance(tables, list):
        raise BadDataError("record services: use [[service]] tables")
    services: list[RecordService] = []
    for index, table in enumerate(tables, start=1):
        if not isinstance(table, Mapping):
            raise BadDataError(f"record services: service {index} is not a table")
        service = service_from_mapping(table, f"record services: service {index}")
        if any(s.id == service.id for s in services):
            raise BadDataError(f"record services: the id {service.id!r} is used twice")
        services.append(service)
    return tuple(services)


def load_record_services(path: str | os.PathLike[str]) -> tuple[RecordService, ...]:
    """The services listed in ``path``; none if the file does not exist; BadDataError if it
    cannot be read or is wrong in any way."""
    import tomllib

    p = Path(path)
    try:
        with p.open("rb") as fh:
            raw = fh.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        return ()
    except OSError as exc:
        raise BadDataError(f"cannot read the record services file: {exc.strerror}") from None
    if len(raw) > MAX_FILE_BYTES:
        raise BadDataError("the record services file is too large")
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise BadDataError(f"the record services file is not valid TOML: {exc}") from None
    return services_from_mapping(data)


def smart_offered(settings: Settings) -> bool:
    """Whether a SMART login may be offered in this run.

    * kiosk: never (there is no system browser on a locked kiosk);
    * mediator: never: the login would stay in the public computer's browser (its cookies and
      history) after the patient leaves, and the program cannot guarantee a private window
      that it opens and closes itself in whichever browser is installed;
    * demo and training: never (the virtual cards meet the demo hub only);
    * home: yes.
    """
    return settings.mode is Mode.HOME and not settings.uses_virtual_card


def record_services_path(settings: Settings) -> Path | None:
    """Where the record services file is read from, or None where SMART is not offered."""
    return user_config_folder() / FILE_NAME if smart_offered(settings) else None
