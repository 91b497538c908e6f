"""After each patient, the program's memory holds nothing of them (issue 11.3).

The real program runs in a child process (``tests.support.session_driver``: ``ui.app.main``
driven through its standard input) in mediator + training mode and in kiosk mode. The
practice kit stays in this test's process, as a real card and a real hub stay outside the
program: the virtual card of the synthetic patient sits in a vpcd slot (read by the program
through pcscd, ``--reader``) with a PIN of 8 digits, and the demo hub listens on loopback TLS
(``--hub-url``). So the program's memory holds the patient only if it read them.

Three patients in each mode, each walks to the record and browses it; then:

1. a control scan of the program's memory finds the national number, the names, the birth
   date and the medicines (the scan works), and not the PIN (zeroed after use);
2. the session ends: "I am done" (card still in), the card taken out, the inactivity reset;
3. the program starts itself again in the same process: a scan within 2 s of the end, and
   another once the new program is ready, find none of them.

Run as root (``/proc/PID/mem`` of the child).
"""

from __future__ import annotations

import json
import os
import queue
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from assistant.card.pin import encode_pin_block
from assistant.demo.card.citizens import CITIZENS
from assistant.demo.card.model import VirtualEidCard
from assistant.demo.card.vpcd import VpcdLink, wait_for_card_state
from assistant.demo.hub.app import make_hub_app
from assistant.demo.hub.server import RunningHub, serve_hub_tls
from assistant.staff_code import hash_staff_code
from tests.support.disk_scan import date_forms, national_number_forms
from tests.support.memory_scan import Snapshot, count_hits, snapshot
from tests.support.pcsc import VpcdSlot, ensure_pcscd, free_slot

REPO = Path(__file__).resolve().parents[2]
CITIZEN = CITIZENS["adult"]
PIN = "73914682"
#: The PIN as the driver is given it (each digit + 1): its digits never stand together there.
SHIFTED_PIN = "".join(str((int(d) + 1) % 10) for d in PIN)
END_TO_SCAN_SECONDS = 2.0
CARD_SECONDS = 10.0

KIOSK_TOML = """
[kiosk]
pharmacy_name = "Pharmacie Test"
languages = ["fr", "nl", "en", "de"]
default_language = "fr"
idle_timeout_seconds = 600
warning_seconds = 30
exit_code_hash = "{hash}"
"""

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="reading /proc/PID/mem needs root")


def medicine_names(hub: RunningHub) -> list[str]:
    """The first words of the patient's medicines as the hub gives them ("Metformine Sandoz")."""
    compartment = hub.app.store.by_national_number(CITIZEN.national_number)
    assert compartment is not None
    names: list[str] = []
    for resource in compartment.patient.resources:
        if resource["resourceType"] == "MedicationStatement":
            text = resource.get("medicationCodeableConcept", {}).get("text", "")
            if text:
                names.append(" ".join(text.split()[:2]))
    assert len(names) >= 3, names
    return sorted(set(names))[:4]


def patient_needles(hub: RunningHub) -> dict[str, list[str]]:
    """What names the patient, by kind: each kind must be found before the end."""
    assert CITIZEN.birth_date is not None
    return {
        "national number": national_number_forms(CITIZEN.national_number),
        "surname": [CITIZEN.surname],
        "given name": [CITIZEN.first_names.split()[0]],
        "birth date": [CITIZEN.birth_date_text, *date_forms(CITIZEN.birth_date)[:3]],
        "medicines": medicine_names(hub),
    }


def pin_hits(snap: Snapshot) -> dict[str, int]:
    """The PIN as digits (text) and as the PIN block the card receives (bytes)."""
    block = bytes(encode_pin_block(bytearray(PIN.encode())))
    counts = count_hits(snap, [PIN, block])
    return {"digits": counts[PIN], "PIN block": counts[block]}


class Program:
    """The program in a child process; JSON lines from its driver arrive in a queue."""

    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.support.session_driver", *args],
            cwd=REPO,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: queue.Queue[dict[str, Any]] = queue.Queue()
        self.stderr: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=self._read_stderr, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            if line.startswith("{"):
                self.lines.put(json.loads(line))

    def _read_stderr(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.stderr.append(line)

    def expect(self, event: str, seconds: float = 60.0) -> dict[str, Any]:
        end = time.monotonic() + seconds
        while True:
            left = end - time.monotonic()
            if left <= 0 or self.proc.poll() is not None:
                raise AssertionError(
                    f"no {event!r} from the program (exit {self.proc.poll()}):\n"
                    + "".join(self.stderr[-40:])
                )
            try:
                line = self.lines.get(timeout=min(left, 0.5))
            except queue.Empty:
                continue
            if line["event"] == event:
                return line

    def send(self, command: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(command + "\n")
        self.proc.stdin.flush()

    def stop(self) -> None:
        self.proc.kill()
        self.proc.wait(10)


@pytest.fixture(scope="module")
def hub() -> Iterator[RunningHub]:
    running = serve_hub_tls(app=make_hub_app())
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture
def card_slot() -> Iterator[tuple[VpcdSlot, VpcdLink]]:
    problem = ensure_pcscd()
    assert problem is None, problem
    with free_slot() as slot:
        card = VirtualEidCard(CITIZEN, pin=PIN)
        link = VpcdLink(card, port=slot.port, host=slot.host)
        link.insert()
        try:
            assert link.wait_active(CARD_SECONDS)
            assert wait_for_card_state(slot.reader_name, True, CARD_SECONDS)
            yield slot, link
        finally:
            link.close()
            wait_for_card_state(slot.reader_name, False, CARD_SECONDS)


def _env(base: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("XDG_")}
    for name in ("HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME", "XDG_DATA_HOME"):
        folder = base / name.lower()
        folder.mkdir(mode=0o700)
        env[name] = str(folder)
    env.update(
        QT_QPA_PLATFORM="offscreen",
        DOSSIER_TTS_ENGINE="mock",
        PYTHONPATH=str(REPO),
        DOSSIER_LOG_LEVEL="INFO",
    )
    return env


#: Where the surname is part of a place's name, not the patient's: the Antarctic station
#: Dumont d'Urville, in the time zone names of the tz data and of the locale data (ICU, Babel)
#: every program loads, in every language ("Dumont-d’Urville-Zeit", "Dumonta d’Urvilla",
#: "Dumont d´ Urville").
INNOCENT = re.compile(r"dumonta?[\s-]*d\W?\s*u", re.IGNORECASE)


def _hits(snap: Snapshot, needles: dict[str, list[str]]) -> dict[str, int]:
    counts = count_hits(snap, [n for group in needles.values() for n in group], innocent=INNOCENT)
    return {kind: sum(counts[n] for n in group) for kind, group in needles.items()}


def _remove(slot: VpcdSlot, link: VpcdLink) -> None:
    link.remove()
    assert wait_for_card_state(slot.reader_name, False, CARD_SECONDS)


def _insert(slot: VpcdSlot, link: VpcdLink) -> None:
    link.insert()
    assert wait_for_card_state(slot.reader_name, True, CARD_SECONDS)


@pytest.mark.parametrize("mode", ["mediator", "kiosk"])
def test_nothing_of_the_patient_stays_in_memory(
    mode: str,
    hub: RunningHub,
    card_slot: tuple[VpcdSlot, VpcdLink],
    tmp_path: Path,
) -> None:
    slot, link = card_slot
    needles = patient_needles(hub)
    common = ["--reader", slot.reader_name, "--hub-url", hub.base_url, "--hub-ca"]
    common += [str(hub.ca_pem_path), "--session-log-dir", str(tmp_path / "log")]
    if mode == "kiosk":
        config = tmp_path / "kiosk.toml"
        config.write_text(KIOSK_TOML.format(hash=hash_staff_code("2468", n=2**12)))
        args = ["--kiosk", str(config), "--kiosk-config-unlocked", "--demo", *common]
    else:
        args = ["--mediator", "--training", *common]
    program = Program(args, _env(tmp_path))
    report: list[dict[str, Any]] = []
    try:
        pid = program.expect("boot")["pid"]
        program.expect("ready")
        for end in ("done", "removal", "idle"):
            program.send(f"walk {SHIFTED_PIN}")
            program.expect("record")
            control = snapshot(pid)
            before = _hits(control, needles)
            pin = pin_hits(control)
            # The end of the session.
            ended = time.monotonic()
            if end == "removal":
                _remove(slot, link)
            else:
                program.send(end)
            boot = program.expect("boot", 30)
            assert boot["pid"] == pid  # the same process, started again
            first = snapshot(pid)
            ready = program.expect("ready", 60)
            later = snapshot(pid)
            report.append(
                {
                    "end": end,
                    "before": before,
                    "pin": pin,
                    "seconds": first.taken_at - ended,
                    "first": _hits(first, needles),
                    "later": _hits(later, needles),
                    "later_pin": pin_hits(later),
                    "size_mb": later.size // 2**20,
                    "next": boot["next_session"],
                    "ready": ready,
                }
            )
            # The next patient.
            if end == "done":  # "Take your card out", then the card goes
                assert (ready["step"], ready["language"]) == ("finish", "nl")
                _remove(slot, link)
                _insert(slot, link)
            elif end == "removal":
                _insert(slot, link)
    finally:
        program.stop()
    print(json.dumps(report, indent=1))
    for entry in report:
        assert all(entry["before"].values()), entry  # the scan sees the patient before
        assert not any(entry["pin"].values()), entry  # never the PIN after its use
        assert entry["seconds"] <= END_TO_SCAN_SECONDS, entry
        assert not any(entry["first"].values()), entry
        assert not any(entry["later"].values()), entry
        assert not any(entry["later_pin"].values()), entry
    removal = report[1]["ready"]
    if mode == "kiosk":  # the kiosk starts all over, in its own language
        assert (removal["step"], removal["language"]) == ("welcome", "fr")
        assert report[2]["ready"]["language"] == "fr"
    else:  # the mediator's patient puts the card back and goes on, in their language
        assert (removal["step"], removal["problem"], removal["language"]) == (
            "card",
            "card_removed",
            "nl",
        )
        assert report[2]["ready"]["language"] == "nl"
    assert report[2]["ready"]["step"] == "welcome"
