"""The restart rule of the public modes (ui.modes.session_end): when a session that read a
card ends, where the next program begins, in which language, with which command line, and what
the anonymous session log says. (The real exec and the memory scan: tests/integration/
test_session_memory.py.)"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from assistant.errors import NotEidCardError
from assistant.i18n import current_language, set_language
from assistant.idle import ResetReason
from assistant.journey import Journey, Problem, ReaderStatus, Step
from assistant.session_log import read_sessions
from assistant.settings import Mode, Settings
from tests.support.kiosk import KioskSession, kiosk_session, reach_record, start_session
from tests.support.shell import dispose
from ui.modes.hooks import restarts
from ui.modes.mediator import MediatorMode
from ui.modes.session_end import (
    OPTION,
    SessionEnd,
    Where,
    next_command,
    parse,
    program_command,
)
from ui.shell import Shell

PROGRAM = ["python", "-m", "ui.launcher", "--mediator", f"{OPTION}=welcome:fr"]


class _Card:
    def wipe(self) -> None:
        pass


def test_public_modes_and_training_restart_home_does_not() -> None:
    assert restarts(Settings(mode=Mode.MEDIATOR))
    assert restarts(Settings(mode=Mode.HOME, training=True, demo=True))
    assert not restarts(Settings(mode=Mode.HOME))
    assert not restarts(Settings(mode=Mode.HOME, demo=True))


def test_command_line_keeps_everything_but_the_last_ending() -> None:
    command = next_command(Where.GOODBYE, "nl", PROGRAM)
    assert command == [*PROGRAM[:-1], f"{OPTION}=goodbye:nl"]
    again = next_command(Where.WELCOME, None, command)
    assert again == [*PROGRAM[:-1], f"{OPTION}=welcome"]


def test_program_command_frozen_or_not(monkeypatch: pytest.MonkeyPatch) -> None:
    assert program_command() == list(sys.orig_argv)
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", "/opt/dossier/dossier-assistant")
    monkeypatch.setattr(sys, "argv", ["dossier-assistant", "--kiosk", "/etc/k.toml"])
    assert program_command() == ["/opt/dossier/dossier-assistant", "--kiosk", "/etc/k.toml"]


def test_reading_the_option_back() -> None:
    langs = ("fr", "nl")
    assert parse(None, langs) == (Where.WELCOME, None)
    assert parse("card-out:nl", langs) == (Where.CARD_OUT, "nl")
    assert parse("goodbye:de", langs) == (Where.GOODBYE, None)  # not offered here
    assert parse("record:fr", langs) == (Where.WELCOME, None)  # never a screen with data


# -- mediator ---------------------------------------------------------------------------------


@pytest.fixture
def mediator(qtbot: QtBot, tmp_path: Path) -> Iterator[tuple[Journey, MediatorMode, SessionEnd]]:
    set_language("en")
    shell = Shell()
    journey = Journey()
    settings = Settings(mode=Mode.MEDIATOR, session_log_dir=tmp_path)
    mode = MediatorMode(shell, settings, journey=journey, timeout_seconds=100)
    assert mode.watch is not None
    end = SessionEnd(journey, watches=(mode.watch,), command=PROGRAM, parent=shell)
    journey.start()
    try:
        yield journey, mode, end
    finally:
        end.shutdown()
        mode.shutdown()
        dispose(shell)


def test_i_am_done_with_the_card_in_says_goodbye_in_the_patients_language(
    qtbot: QtBot, mediator: tuple[Journey, MediatorMode, SessionEnd], tmp_path: Path
) -> None:
    journey, _mode, end = mediator
    reach_record(journey, _Card())
    set_language("nl")
    with qtbot.waitSignal(end.requested):
        journey.finish()
    assert end.command == [*PROGRAM[:-1], f"{OPTION}=goodbye:nl"]
    (entry,) = read_sessions(tmp_path)  # the session is in the log, though not at Welcome
    assert entry["ended_by"] == ResetReason.FINISHED.value


def test_i_am_done_with_the_card_out_goes_to_welcome(
    qtbot: QtBot, mediator: tuple[Journey, MediatorMode, SessionEnd]
) -> None:
    journey, _mode, end = mediator
    reach_record(journey, _Card())
    journey.reader_changed(ReaderStatus.NO_CARD)  # (wipes: the program starts again already)
    assert end.where is Where.CARD_OUT
    assert end.command is not None and end.command[-1] == f"{OPTION}=card-out:en"


def test_idle_reset_after_a_card_starts_again_at_welcome(
    qtbot: QtBot, mediator: tuple[Journey, MediatorMode, SessionEnd], tmp_path: Path
) -> None:
    journey, mode, end = mediator
    reach_record(journey, _Card())
    assert mode.watch is not None
    with qtbot.waitSignal(end.requested):
        mode.watch.reset_now(ResetReason.IDLE)
    assert end.where is Where.WELCOME
    assert [e["ended_by"] for e in read_sessions(tmp_path)] == [ResetReason.IDLE.value]


def test_no_card_read_no_restart(
    qtbot: QtBot, mediator: tuple[Journey, MediatorMode, SessionEnd]
) -> None:
    journey, mode, end = mediator
    start_session(journey)  # a language chosen, no card yet
    assert mode.watch is not None
    mode.watch.reset_now(ResetReason.IDLE)
    qtbot.wait(20)
    assert journey.step is Step.WELCOME
    assert end.command is None


def test_not_me_starts_again_at_put_in_your_own_card(
    mediator: tuple[Journey, MediatorMode, SessionEnd],
) -> None:
    journey, _mode, end = mediator
    start_session(journey)
    (read,) = journey.reader_changed(ReaderStatus.CARD_PRESENT)
    journey.card_read(read.token, _Card())
    journey.confirm_identity(False)  # "this is not me": wiped, put in your own card
    assert end.where is Where.NOT_ME


def test_a_card_problem_explained_on_screen_is_not_the_end(
    mediator: tuple[Journey, MediatorMode, SessionEnd],
) -> None:
    journey, _mode, end = mediator
    start_session(journey)
    (read,) = journey.reader_changed(ReaderStatus.CARD_PRESENT)
    journey.card_read_failed(read.token, NotEidCardError("not an eID card"))
    assert journey.state.problem is Problem.NOT_EID_CARD
    assert end.command is None  # the screen explains; the session goes on


def test_the_next_program_begins_where_the_last_ended(
    mediator: tuple[Journey, MediatorMode, SessionEnd],
) -> None:
    journey, _mode, end = mediator
    end.begin(Where.CARD_OUT, "nl")
    assert (journey.step, journey.state.problem) == (Step.CARD, Problem.CARD_REMOVED)
    assert current_language() == "nl"
    assert end.command is None  # nothing was read in this program yet


# -- kiosk ------------------------------------------------------------------------------------


@pytest.fixture
def kiosk(qtbot: QtBot, tmp_path: Path) -> Iterator[KioskSession]:
    with kiosk_session(qtbot, tmp_path) as session:
        yield session


def test_kiosk_card_out_waits_for_its_reset_then_welcome_in_its_language(
    qtbot: QtBot, kiosk: KioskSession, tmp_path: Path
) -> None:
    mode, journey = kiosk.mode, kiosk.journey
    end = SessionEnd(journey, watches=(mode.watch,), kiosk_language="fr", command=PROGRAM)
    reach_record(journey, _Card())
    set_language("nl")
    journey.reader_changed(ReaderStatus.NO_CARD)
    assert end.command is None  # not yet: the kiosk's own reset logs why first
    qtbot.waitUntil(lambda: mode.resets == [ResetReason.CARD_REMOVED])
    assert end.command == [*PROGRAM[:-1], f"{OPTION}=welcome"]
    assert [e["ended_by"] for e in read_sessions(tmp_path)] == [ResetReason.CARD_REMOVED.value]
    end.shutdown()


def test_kiosk_goodbye_then_the_next_patient_in_the_kiosks_language(kiosk: KioskSession) -> None:
    journey = kiosk.journey
    end = SessionEnd(journey, watches=(kiosk.mode.watch,), kiosk_language="fr", command=PROGRAM)
    end.begin(Where.GOODBYE, "nl")
    assert journey.step is Step.FINISH and current_language() == "nl"
    journey.reader_changed(ReaderStatus.CARD_PRESENT)
    journey.reader_changed(ReaderStatus.NO_CARD)
    assert journey.step is Step.WELCOME and current_language() == "fr"
    assert end.command is None
    end.shutdown()
