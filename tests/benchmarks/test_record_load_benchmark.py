"""PIN accepted → full record loaded from the demo hub over loopback HTTPS (HubRecordSource),
against a floor measured in the same run: raw httpx GETs of the same URLs + json parse.

Ours includes the eID login (challenge, card signature by the virtual card model, token), the
paged searches, the client's checks and the FHIR mapping. Goal ≤ 2× the floor (printed);
asserted ≤ 4× so that CI is not flaky. The rounds alternate (floor, ours, floor, ours...), so
both see the same machine load, and the best round of each is compared.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable

import httpx
import pytest

from assistant.card.pin import encode_pin_block
from assistant.demo.card.citizens import DEFAULT_PIN
from assistant.demo.hub.server import serve_hub_tls
from assistant.records.hub_source import HubRecordSource
from tests.support.hub import VirtualCardSigner, client_for

ROUNDS = 7


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def alternate(
    rounds: int, first: Callable[[], object], second: Callable[[], object]
) -> tuple[list[float], list[float]]:
    """Time ``first`` and ``second`` one after the other, ``rounds`` times."""
    a: list[float] = []
    b: list[float] = []
    for _ in range(rounds):
        a.append(timed(first))
        b.append(timed(second))
    return a, b


@pytest.mark.benchmark
def test_record_load_against_raw_gets(capsys: pytest.CaptureFixture[str]) -> None:
    hub = serve_hub_tls()
    try:
        urls: list[str] = []

        def remember(request: httpx.Request) -> None:
            if request.method == "GET":
                urls.append(str(request.url))

        with client_for(hub, event_hooks={"request": [remember]}) as client:
            signer = VirtualCardSigner("adult")
            block = encode_pin_block(bytearray(DEFAULT_PIN.encode()))
            assert signer.card.process(b"\x00\x20\x00\x01\x08" + bytes(block)) == b"\x90\x00"
            source = HubRecordSource(client, hub.base_url, signer)
            record = source.load()  # warm-up (TLS session, caches) and the list of GETs
            assert len(record.lab_results) > 100 and record.unreadable == []
            assert source.last_token is not None
            gets = list(urls)
            client.event_hooks["request"] = []
            auth = {
                "Authorization": f"Bearer {source.last_token.token}",
                "Accept": "application/fhir+json",
            }

            def floor_run() -> int:
                size = 0
                for url in gets:
                    response = client.get(url, headers=auth)
                    response.raise_for_status()
                    size += len(json.loads(response.content).get("entry", []))
                return size

            entries = floor_run()
            floors, ours_all = alternate(ROUNDS, floor_run, source.load)
            signatures = signer.signatures
    finally:
        hub.stop()
    ours, floor = min(ours_all), min(floors)
    ratio = ours / floor
    with capsys.disabled():
        print(
            f"\n[benchmark] adult record over loopback HTTPS ({len(gets)} GETs, {entries} entries):"
            f" HubRecordSource.load (login + fetch + map) {ours * 1000:.1f} ms,"
            f" raw httpx GET + json {floor * 1000:.1f} ms (best of {ROUNDS} alternating rounds),"
            f" ratio {ratio:.2f} (goal <= 2)"
        )
        print(
            "[benchmark] every round (ours / floor ms): "
            + ", ".join(
                f"{o * 1000:.0f}/{f * 1000:.0f}" for o, f in zip(ours_all, floors, strict=True)
            )
        )
    assert signatures == ROUNDS + 1  # every timed load really signed a challenge with the card
    assert ratio <= 4
