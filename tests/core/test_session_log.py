"""The EPN session log: what it records, and that no personal data can reach it."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from enum import Enum, auto
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.errors import ProblemKind
from assistant.idle import ResetReason
from assistant.session_log import SessionLog, read_sessions, summarize
from assistant.settings import Mode


class Step(Enum):
    """Stand-in for the journey steps (any enum is accepted, only its code name is kept)."""

    WELCOME = auto()
    CARD = auto()
    # A value holding personal data must never reach the file: only the NAME is written.
    PIN = "Jean Dupont 85.07.30-033.28 1985-07-30"
    RECORD = 4


class FakeNow:
    def __init__(self) -> None:
        self.t = datetime(2026, 11, 23, 14, 2, 37)

    def __call__(self) -> datetime:
        return self.t


PERSONAL = [
    "Jean",
    "Dupont",
    "85073003328",
    "85.07.30-033.28",
    "1985-07-30",
    "30.07.1985",
    "30/07/1985",
    "metformin",
    "Metformine",
]


def run_session(folder: Path, now: FakeNow) -> dict[str, Any] | None:
    slog = SessionLog(folder, now=now)
    slog.start(Mode.MEDIATOR, training=True)
    for step in (Step.WELCOME, Step.CARD, Step.CARD, Step.PIN, Step.CARD, Step.PIN, Step.RECORD):
        slog.step(step)
        now.t += timedelta(seconds=50)
    slog.problem(ProblemKind.PIN)
    slog.problem(ProblemKind.PIN)
    slog.problem(ProblemKind.SERVICE_DOWN)
    return slog.end(ResetReason.FINISHED)


def test_session_summary_is_written(tmp_path: Path) -> None:
    now = FakeNow()
    entry = run_session(tmp_path, now)
    assert entry is not None
    files = list(tmp_path.iterdir())
    assert [f.name for f in files] == ["sessions-2026-11.jsonl"]
    (line,) = files[0].read_text(encoding="ascii").splitlines()
    data = json.loads(line)
    assert data == entry
    assert data["start"] == "2026-11-23T14:02"  # minutes only
    assert data["minutes"] == 6
    assert data["mode"] == "mediator" and data["training"] is True
    assert data["steps"] == ["welcome", "card", "pin", "record"]
    assert data["last_step"] == "record"
    assert data["problems"] == {"pin": 2, "service_down": 1}
    assert data["ended_by"] == "finished"


def test_sessions_append_and_summarize(tmp_path: Path) -> None:
    now = FakeNow()
    run_session(tmp_path, now)
    slog = SessionLog(tmp_path, now=now)
    slog.start(Mode.MEDIATOR)
    slog.step(Step.WELCOME)
    slog.problem(ProblemKind.READER)
    slog.end(ResetReason.IDLE)
    (tmp_path / "sessions-2026-11.jsonl").open("a").write("garbage\n")
    sessions = read_sessions(tmp_path)
    assert len(sessions) == 2
    assert summarize(sessions) == {
        "sessions": 2,
        "practice_sessions": 1,
        "reached_record": 1,
        "problems": {"pin": 2, "reader": 1, "service_down": 1},
        "ended_by": {"finished": 1, "idle": 1},
    }


def test_no_folder_writes_nothing(tmp_path: Path) -> None:
    slog = SessionLog(None)
    slog.start(Mode.HOME)
    assert slog.end(ResetReason.FINISHED) is not None
    assert slog.end(ResetReason.FINISHED) is None  # nothing running
    assert list(tmp_path.iterdir()) == []


def test_unwritable_folder_does_not_break_the_session(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    slog = SessionLog(blocker / "sub")
    slog.start(Mode.KIOSK)
    assert slog.end(ResetReason.CARD_REMOVED) is not None


def test_new_start_closes_the_previous_session(tmp_path: Path) -> None:
    slog = SessionLog(tmp_path, now=FakeNow())
    slog.start(Mode.KIOSK)
    slog.start(Mode.KIOSK)
    slog.end(ResetReason.IDLE)
    assert [s["ended_by"] for s in read_sessions(tmp_path)] == ["staff", "idle"]


@pytest.mark.parametrize("value", [*PERSONAL, 85073003328, b"Dupont", None, 3.5])
def test_only_enums_are_accepted(tmp_path: Path, value: object) -> None:
    slog = SessionLog(tmp_path)
    slog.start(Mode.MEDIATOR)
    with pytest.raises(TypeError):
        slog.step(value)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        slog.problem(value)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        slog.end(value)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        slog.start(value)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        slog.start(Mode.MEDIATOR, training=value)  # type: ignore[arg-type]


def test_wrong_enum_type_is_refused(tmp_path: Path) -> None:
    slog = SessionLog(tmp_path)
    slog.start(Mode.MEDIATOR)
    with pytest.raises(TypeError):
        slog.problem(Step.PIN)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        slog.end(ProblemKind.CARD)  # type: ignore[arg-type]


def test_enum_with_non_code_name_is_refused(tmp_path: Path) -> None:
    Sneaky = Enum("Sneaky", {"Jean Dupont": 1})  # type: ignore[misc]
    slog = SessionLog(tmp_path)
    slog.start(Mode.MEDIATOR)
    with pytest.raises(TypeError):
        slog.step(next(iter(Sneaky)))


def _scan(folder: Path, needles: list[str]) -> list[str]:
    hits = []
    for path in folder.rglob("*"):
        if path.is_file():
            blob = path.read_bytes()
            for needle in needles:
                for enc in ("utf-8", "utf-16-le", "utf-16-be"):
                    if needle.lower().encode(enc) in blob.lower():
                        hits.append(f"{path.name}: {needle} ({enc})")
    return hits


def test_scan_finds_no_personal_data(tmp_path: Path) -> None:
    run_session(tmp_path, FakeNow())
    assert _scan(tmp_path, PERSONAL) == []
    # The scanner itself works: it finds a planted name.
    (tmp_path / "planted.txt").write_text("Dupont", encoding="utf-16")
    assert _scan(tmp_path, PERSONAL) != []


@settings(max_examples=30, deadline=None)
@given(st.text(min_size=1, max_size=30))
def test_no_text_reaches_the_log(text: str) -> None:
    slog = SessionLog(None)
    slog.start(Mode.MEDIATOR)
    for call in (slog.step, slog.problem, slog.end):
        with pytest.raises(TypeError):
            call(text)  # type: ignore[arg-type]
    entry = slog.end(ResetReason.FINISHED)
    assert entry is not None
    # Every string in the entry is a code name or a minute timestamp, whatever was tried.
    for leaf in _leaves(entry):
        if isinstance(leaf, str):
            assert re.fullmatch(r"[a-z_]+|\d{4}-\d{2}-\d{2}T\d{2}:\d{2}", leaf), leaf


def _leaves(obj: object) -> list[object]:
    if isinstance(obj, dict):
        return [*obj.keys(), *(x for v in obj.values() for x in _leaves(v))]
    if isinstance(obj, list):
        return [x for v in obj for x in _leaves(v)]
    return [obj]


# --- fed by the real journey ----------------------------------------------------------------


class _Wipeable:
    def __init__(self) -> None:
        self.wiped = False

    def wipe(self) -> None:
        self.wiped = True


def test_journey_recorder_logs_a_real_journey(tmp_path: Path) -> None:
    from assistant.journey import Journey, PinOutcome, ReaderStatus
    from assistant.session_log import JourneyRecorder

    now = FakeNow()
    slog = SessionLog(tmp_path, now=now)
    journey = Journey()
    recorder = JourneyRecorder(slog, Mode.MEDIATOR, training=True)
    journey.add_listener(recorder)
    journey.start()
    assert not slog.active
    journey.reader_changed(ReaderStatus.CARD_PRESENT)
    (read,) = journey.choose_language()  # on Welcome -> the card
    assert slog.active
    card = _Wipeable()
    journey.card_read(read.token, card)
    journey.confirm_identity(True)
    journey.next()  # -> PIN
    (verify,) = journey.submit_pin()
    journey.pin_checked(verify.token, PinOutcome.WRONG, tries_left=2)
    journey.retry()
    (verify,) = journey.submit_pin()
    journey.pin_checked(verify.token, PinOutcome.CORRECT)
    journey.connected(journey.token, _Wipeable())
    journey.finish()
    journey.reader_changed(ReaderStatus.NO_CARD)  # card out at Finish -> Welcome
    assert not slog.active
    (entry,) = read_sessions(tmp_path)
    assert entry["steps"] == [
        "card",
        "confirm_identity",
        "about_pin",
        "pin",
        "connecting",
        "record",
        "finish",
    ]
    assert entry["problems"] == {"pin": 1}
    assert entry["ended_by"] == "finished"
    assert entry["training"] is True
    assert card.wiped


def test_journey_recorder_reset_reason(tmp_path: Path) -> None:
    from assistant.journey import Journey, ReaderStatus
    from assistant.session_log import JourneyRecorder

    slog = SessionLog(tmp_path, now=FakeNow())
    journey = Journey()
    recorder = JourneyRecorder(slog, Mode.KIOSK)
    journey.add_listener(recorder)
    journey.start()
    journey.next()
    journey.reader_changed(ReaderStatus.SERVICE_UNAVAILABLE)
    journey.choose_language()
    recorder.ending(ResetReason.IDLE)
    journey.reset()
    (entry,) = read_sessions(tmp_path)
    assert entry["ended_by"] == "idle"
    assert entry["problems"] == {"reader": 1}
    assert entry["mode"] == "kiosk"


def test_summary_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from assistant.session_log import main

    run_session(tmp_path, FakeNow())
    assert main([str(tmp_path)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["sessions"] == 1 and out["problems"] == {"pin": 2, "service_down": 1}
