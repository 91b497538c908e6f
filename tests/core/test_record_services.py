"""The record services file (record-services.toml) and where SMART is offered."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from assistant.errors import BadDataError
from assistant.records.record_services import (
    load_record_services,
    record_services_path,
    services_from_mapping,
    smart_offered,
)
from assistant.settings import KioskConfig, Mode, Settings

GOOD = """
[[service]]
id = "my-hub"
fhir_base_url = "https://fhir.example.be/r4/"
client_id = "dossier-assistant"
name = { fr = "Mon hub", nl = "Mijn hub", en = "My hub", de = "Mein Hub" }

[[service]]
id = "trial"
fhir_base_url = "http://127.0.0.1:8080/fhir"
client_id = "trial-app"
scopes = "launch/patient patient/*.read"
issuer = "http://localhost:9000/oidc"
name = { fr = "Essai", nl = "Proef", en = "Trial", de = "Versuch" }
"""


def _one(**changes: Any) -> dict[str, Any]:
    service: dict[str, Any] = {
        "id": "hub",
        "fhir_base_url": "https://fhir.example.be/r4",
        "client_id": "app",
        "name": {"fr": "a", "nl": "b", "en": "c", "de": "d"},
    }
    service.update(changes)
    return {"service": [{k: v for k, v in service.items() if v is not None}]}


def test_a_good_file_is_read(tmp_path: Path) -> None:
    path = tmp_path / "record-services.toml"
    path.write_text(GOOD, encoding="utf-8")
    hub, trial = load_record_services(path)
    assert hub.fhir_base_url == "https://fhir.example.be/r4"  # no trailing slash
    assert hub.name("nl") == "Mijn hub" and hub.scopes == () and hub.issuer is None
    assert trial.scopes == ("launch/patient", "patient/*.read")
    assert trial.issuer == "http://localhost:9000/oidc"


def test_no_file_means_no_service(tmp_path: Path) -> None:
    assert load_record_services(tmp_path / "absent.toml") == ()


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"fhir_base_url": "http://fhir.example.be/r4"}, "must use https"),
        ({"fhir_base_url": "ftp://fhir.example.be"}, "must use https"),
        ({"fhir_base_url": "https://user:pw@fhir.example.be"}, "like https://host/path"),
        ({"fhir_base_url": "https://fhir.example.be/r4?x=1"}, "no ?query"),
        ({"issuer": "http://login.example.be"}, "issuer must use https"),
        ({"client_id": ""}, "client_id is missing"),
        ({"client_id": "two words"}, "client_id has spaces"),
        ({"id": "Big Hub"}, "id must be"),
        ({"name": {"fr": "a", "nl": "b", "en": "c"}}, "de is missing"),
        ({"name": {"fr": "a", "nl": "b", "en": "c", "de": "d", "it": "e"}}, "unknown languages"),
        ({"scopes": 'patient/*.rs "quoted"'}, "invalid values"),
        ({"secret": "x"}, "unknown keys"),
    ],
)
def test_a_wrong_service_is_refused_with_what_is_wrong(changes: dict[str, Any], words: str) -> None:
    with pytest.raises(BadDataError) as caught:
        services_from_mapping(_one(**changes))
    assert words in caught.value.detail


def test_an_id_used_twice_is_refused() -> None:
    data = _one()
    data["service"].append(dict(data["service"][0]))
    with pytest.raises(BadDataError, match="used twice"):
        services_from_mapping(data)


def test_a_broken_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "record-services.toml"
    path.write_text("[[service]\nid=", encoding="utf-8")
    with pytest.raises(BadDataError, match="not valid TOML"):
        load_record_services(path)


def test_smart_is_offered_at_home_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    home = Settings()
    assert smart_offered(home)
    path = record_services_path(home)
    assert path == tmp_path / "dossier-assistant" / "record-services.toml"
    for settings in (Settings(mode=Mode.MEDIATOR), Settings(demo=True), Settings(training=True)):
        assert not smart_offered(settings)
        assert record_services_path(settings) is None


def test_smart_is_not_offered_on_a_kiosk() -> None:
    kiosk = Settings(mode=Mode.KIOSK, kiosk=KioskConfig("Pharmacy", "scrypt$unused"))
    assert not smart_offered(kiosk) and record_services_path(kiosk) is None
