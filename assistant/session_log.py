"""Anonymous session log for public digital spaces (EPN) and kiosks.

It helps a space report its activity: when a session started and ended, which journey steps it
reached, which kinds of problem it met, and how it ended. It cannot hold personal data *by
construction*: its methods only accept enum members (journey steps, :class:`ProblemKind`,
:class:`ResetReason`, :class:`Mode`) and booleans, and it writes only their *names*, counts and
times rounded to the minute. There is no method that takes text.

Each finished session is one JSON line in ``sessions-YYYY-MM.jsonl`` in the log folder.
"""

from __future__ import annotations

import json
import logging
import os
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from pathlib import Path
from typing import Any

from assistant.errors import ProblemKind
from assistant.idle import ResetReason
from assistant.journey import JourneyState, Problem, Step
from assistant.settings import Mode

log = logging.getLogger(__name__)

_NAME = re.compile(r"^[A-Z][A-Z0-9_]{0,39}$")
_FILE = re.compile(r"^sessions-\d{4}-\d{2}\.jsonl$")


def _enum_name(member: object, expected: type[Enum] | None = None) -> str:
    """The member's code name, refusing anything that is not an enum member of the right type."""
    if not isinstance(member, Enum) or (expected is not None and not isinstance(member, expected)):
        wanted = expected.__name__ if expected is not None else "an Enum member"
        raise TypeError(f"session log accepts only {wanted}, not {type(member).__name__}")
    name = member.name
    if not _NAME.match(name):
        raise TypeError("session log accepts only code names (A-Z, 0-9, _)")
    return name.lower()


def _minute(dt: datetime) -> str:
    return dt.replace(second=0, microsecond=0).isoformat(timespec="minutes")


@dataclass
class _Session:
    started: datetime
    mode: str
    training: bool
    steps: list[str] = field(default_factory=list)
    problems: Counter[str] = field(default_factory=Counter)


class SessionLog:
    """Collects one session at a time and appends its summary to the log folder.

    ``folder`` None keeps everything in memory (nothing written), e.g. at home.
    """

    def __init__(self, folder: Path | None, *, now: Callable[[], datetime] = datetime.now) -> None:
        self.folder = folder
        self._now = now
        self._session: _Session | None = None

    @property
    def active(self) -> bool:
        return self._session is not None

    def start(self, mode: Mode, *, training: bool = False) -> None:
        """A patient session begins (the patient left Welcome)."""
        if not isinstance(training, bool):
            raise TypeError("training must be a bool")
        if self._session is not None:
            self.end(ResetReason.STAFF)
        self._session = _Session(self._now(), _enum_name(mode, Mode), training)

    def step(self, step: Enum) -> None:
        """The journey reached ``step`` (any journey step enum member)."""
        name = _enum_name(step)
        if self._session is not None and (
            not self._session.steps or self._session.steps[-1] != name
        ):
            self._session.steps.append(name)

    def problem(self, kind: ProblemKind) -> None:
        """The patient met a problem of this kind."""
        name = _enum_name(kind, ProblemKind)
        if self._session is not None:
            self._session.problems[name] += 1

    def end(self, reason: ResetReason) -> dict[str, Any] | None:
        """The session ended; writes and returns its summary (None if none was running)."""
        end_name = _enum_name(reason, ResetReason)
        session, self._session = self._session, None
        if session is None:
            return None
        ended = self._now()
        seen: list[str] = []
        for s in session.steps:
            if s not in seen:
                seen.append(s)
        entry: dict[str, Any] = {
            "start": _minute(session.started),
            "end": _minute(ended),
            "minutes": max(0, round((ended - session.started).total_seconds() / 60)),
            "mode": session.mode,
            "training": session.training,
            "steps": seen,
            "last_step": session.steps[-1] if session.steps else None,
            "problems": dict(sorted(session.problems.items())),
            "ended_by": end_name,
        }
        self._write(entry, session.started)
        return entry

    def _write(self, entry: dict[str, Any], when: datetime) -> None:
        if self.folder is None:
            return
        line = json.dumps(entry, ensure_ascii=True, sort_keys=True) + "\n"
        path = self.folder / f"sessions-{when:%Y-%m}.jsonl"
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            try:
                os.write(fd, line.encode("ascii"))
                os.fsync(fd)
            finally:
                os.close(fd)
        except OSError as exc:
            # The log is a convenience; the patient's session never fails because of it.
            log.warning("session log not written: %s", exc.strerror)


def read_sessions(folder: Path) -> list[dict[str, Any]]:
    """Every logged session in ``folder`` (lines that cannot be read are skipped)."""
    out: list[dict[str, Any]] = []
    if not folder.is_dir():
        return out
    for path in sorted(p for p in folder.iterdir() if _FILE.match(p.name)):
        for line in path.read_text(encoding="ascii", errors="replace").splitlines():
            try:
                item = json.loads(line)
            except ValueError:
                continue
            if isinstance(item, dict):
                out.append(item)
    return out


def summarize(sessions: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """Counts for an activity report: sessions, practice sessions, records reached, problems."""
    total = practice = reached_record = 0
    problems: Counter[str] = Counter()
    ended_by: Counter[str] = Counter()
    for s in sessions:
        total += 1
        practice += bool(s.get("training"))
        reached_record += "record" in (s.get("steps") or [])
        for kind, n in (s.get("problems") or {}).items():
            if isinstance(n, int):
                problems[str(kind)] += n
        ended_by[str(s.get("ended_by"))] += 1
    return {
        "sessions": total,
        "practice_sessions": practice,
        "reached_record": reached_record,
        "problems": dict(sorted(problems.items())),
        "ended_by": dict(sorted(ended_by.items())),
    }


def problem_kind(problem: Problem, error_kind: ProblemKind | None = None) -> ProblemKind:
    """The :class:`ProblemKind` of a journey problem (the error's own kind when it has one)."""
    if error_kind is not None and problem in (
        Problem.CONNECTION_FAILED,
        Problem.CARD_READ_FAILED,
        Problem.PIN_CHECK_FAILED,
    ):
        return error_kind
    return _PROBLEM_KINDS[problem]


_PROBLEM_KINDS: dict[Problem, ProblemKind] = {
    Problem.READER_SERVICE_DOWN: ProblemKind.READER,
    Problem.READER_UNPLUGGED: ProblemKind.READER,
    Problem.NOT_EID_CARD: ProblemKind.CARD,
    Problem.CARD_READ_FAILED: ProblemKind.CARD,
    Problem.CARD_REMOVED: ProblemKind.CARD,
    Problem.NOT_ME: ProblemKind.CARD,
    Problem.PIN_WRONG: ProblemKind.PIN,
    Problem.PIN_BLOCKED: ProblemKind.PIN,
    Problem.PIN_CHECK_FAILED: ProblemKind.CARD,
    Problem.CONNECTION_FAILED: ProblemKind.NETWORK,
}


class JourneyRecorder:
    """Feeds a :class:`SessionLog` from journey states (register it as a journey listener).

    A session starts when the patient leaves Welcome and ends when the journey is back at
    Welcome; call :meth:`ending` just before a reset to say why (idle, card removed, staff).
    """

    def __init__(self, session_log: SessionLog, mode: Mode, *, training: bool = False) -> None:
        self.session_log = session_log
        self.mode = mode
        self.training = training
        self._last_problem: tuple[Step, Problem] | None = None
        self._reason: ResetReason | None = None
        self._saw_finish = False

    def ending(self, reason: ResetReason) -> None:
        """The next return to Welcome happens for this reason."""
        self._reason = reason

    def __call__(self, state: JourneyState, _commands: object = None) -> None:
        if state.step is Step.WELCOME:
            if self.session_log.active:
                reason = self._reason or (
                    ResetReason.FINISHED if self._saw_finish else ResetReason.STAFF
                )
                self.session_log.end(reason)
            self._reason = None
            self._saw_finish = False
            self._last_problem = None
            return
        if not self.session_log.active:
            self.session_log.start(self.mode, training=self.training)
        self.session_log.step(state.step)
        if state.step is Step.FINISH:
            self._saw_finish = True
        if state.problem is not None:
            key = (state.step, state.problem)
            if key != self._last_problem:
                self.session_log.problem(problem_kind(state.problem, state.error_kind))
            self._last_problem = key
        else:
            self._last_problem = None


def main(argv: list[str] | None = None) -> int:
    """``python -m assistant.session_log [DIR]``: counts for the space's activity report."""
    import argparse
    import sys

    from assistant.settings import Mode as _Mode
    from assistant.settings import Settings

    parser = argparse.ArgumentParser(
        prog="python -m assistant.session_log",
        description="Summarize the anonymous session log of a public digital space or kiosk.",
    )
    default = Settings(mode=_Mode.MEDIATOR).session_log_folder()
    parser.add_argument("folder", nargs="?", type=Path, default=default)
    ns = parser.parse_args(argv)
    summary = summarize(read_sessions(ns.folder))
    sys.stdout.write(json.dumps(summary, indent=2, sort_keys=True) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
