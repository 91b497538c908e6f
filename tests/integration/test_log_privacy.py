"""No personal data in log lines: card read, PIN, hub login and record load at DEBUG level."""

from __future__ import annotations

import logging
import ssl

import httpx
import pytest

from assistant.card.pin import PinCorrect
from assistant.card.session import CardSession
from assistant.demo.card.citizens import CITIZENS, DEFAULT_PIN
from assistant.demo.card.inprocess import IN_PROCESS_READER, InProcessBackend
from assistant.demo.card.model import VirtualEidCard
from assistant.demo.hub.embedded import start_embedded_hub
from assistant.demo.hub.server import RunningHub
from assistant.records.fhir_client import hub_http_client
from assistant.records.hub_source import HubRecordSource
from tests.support import hub as hub_support
from tests.support.trust import DEMO_TRUST

hub_clock = hub_support.hub_clock
_session_hub = hub_support._session_hub
tls_hub = hub_support.tls_hub


def _logged_text(caplog: pytest.LogCaptureFixture) -> str:
    lines = []
    for record in caplog.records:
        lines.append(record.getMessage())
        if record.exc_info:
            lines.append(logging.Formatter().formatException(record.exc_info))
    return "\n".join(lines)


def _secrets(citizen_id: str) -> set[str]:
    c = CITIZENS[citizen_id]
    nn = c.national_number
    out = {
        c.surname,
        c.first_names,
        nn,
        f"{nn[:2]}.{nn[2:4]}.{nn[4:6]}-{nn[6:9]}.{nn[9:]}",
        c.birth_date_text,
        c.street_and_number,
        DEFAULT_PIN,
    }
    if c.birth_month and c.birth_day:
        out.add(f"{c.birth_year:04d}-{c.birth_month:02d}-{c.birth_day:02d}")
    return {s for s in out if len(s) >= 4}


@pytest.mark.parametrize("citizen_id", ["adult", "kid"])
def test_card_login_and_record_load_log_no_personal_data(
    citizen_id: str,
    tls_hub: RunningHub,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.DEBUG)
    backend = InProcessBackend(VirtualEidCard(CITIZENS[citizen_id]))
    session = CardSession(backend, IN_PROCESS_READER, trust=DEMO_TRUST)
    context = ssl.create_default_context(cafile=str(tls_hub.ca_pem_path))
    try:
        with hub_http_client(verify=context) as client:
            card = session.read_card()
            assert session.verify_pin(bytearray(DEFAULT_PIN.encode())) == PinCorrect()
            record = HubRecordSource(client, tls_hub.base_url, session).load()
            # a search by identifier, as a hub client may do: the URL holds the number
            client.get(
                f"{tls_hub.base_url}/fhir/Patient",
                params={"identifier": CITIZENS[citizen_id].national_number},
            )
    finally:
        session.close()
    assert card.identity.national_number == CITIZENS[citizen_id].national_number
    assert record.patient is not None
    assert record.medications or record.vaccinations
    secrets = _secrets(citizen_id)
    secrets |= {m.name for m in record.medications if len(m.name) >= 4}
    secrets |= {v.vaccine for v in record.vaccinations if len(v.vaccine) >= 4}
    secrets.add(record.patient.full_name)
    captured = capsys.readouterr()  # BaseHTTPRequestHandler writes request lines to stderr
    text = "\n".join((_logged_text(caplog), captured.out, captured.err))
    assert caplog.records, "the code paths log something at DEBUG (the test can see logs)"
    assert "hub: record read" in text
    leaked = sorted(s for s in secrets if s.casefold() in text.casefold())
    assert leaked == []


def test_http_library_request_lines_lose_their_query(caplog: pytest.LogCaptureFixture) -> None:
    """Even when someone turns the httpx logger up again, no identifier reaches a log line."""
    nn = CITIZENS["adult"].national_number

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"resourceType": "Bundle", "type": "searchset"})

    caplog.set_level(logging.DEBUG)
    with hub_http_client(transport=httpx.MockTransport(answer)) as client:
        assert logging.getLogger("httpx").getEffectiveLevel() >= logging.WARNING
        caplog.set_level(logging.DEBUG, logger="httpx")  # a careless configuration
        client.get("https://hub.invalid/fhir/Patient", params={"identifier": nn})
    text = _logged_text(caplog)
    assert "HTTP Request" in text and "/fhir/Patient" in text
    assert nn not in text


def test_embedded_hub_logs_no_personal_data(caplog: pytest.LogCaptureFixture) -> None:
    """The demo's in-process hub (WSGI transport): same client code, same quiet logs."""
    caplog.set_level(logging.DEBUG)
    hub = start_embedded_hub()
    backend = InProcessBackend(VirtualEidCard(CITIZENS["adult"]))
    session = CardSession(backend, IN_PROCESS_READER, trust=DEMO_TRUST)
    try:
        session.read_card()
        assert session.verify_pin(bytearray(DEFAULT_PIN.encode())) == PinCorrect()
        record = hub.record_source(session).load()
    finally:
        session.close()
        hub.stop()
    assert record.patient is not None and record.medications
    secrets = _secrets("adult") | {m.name for m in record.medications if len(m.name) >= 4}
    text = _logged_text(caplog)
    assert "hub: record read" in text
    assert sorted(s for s in secrets if s.casefold() in text.casefold()) == []


def test_query_strings_are_cut_whatever_the_argument_style(
    caplog: pytest.LogCaptureFixture,
) -> None:
    nn = CITIZENS["kid"].national_number
    url = f"https://hub.invalid/fhir/Patient?identifier={nn}"
    logger = logging.getLogger("httpx")
    with caplog.at_level(logging.WARNING, logger="httpx"):
        logger.warning("tuple %s", url)
        logger.warning("mapping %(url)s", {"url": url})
        logger.warning("url %s", httpx.URL(url))
        logger.warning(f"inline {url}")
    messages = [r.getMessage() for r in caplog.records]
    assert len(messages) == 4 and all("/fhir/Patient" in m for m in messages)
    assert not any(nn in m for m in messages)
