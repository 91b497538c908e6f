"""Kiosk mode on the real shell and journey, for tests.

    with kiosk_session(qtbot, tmp_path) as kiosk:
        shell, mode, journey, clock = kiosk  # French, default theme, at the welcome screen
        start_session(journey)  # the patient chose a language: waiting for the card
        reach_record(journey, record)  # ... or all the way to the record

On exit the kiosk mode is shut down and the shell really deleted (``dispose``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, NamedTuple

from pytestqt.qtbot import QtBot

from assistant.i18n import set_language
from assistant.journey import Journey, PinOutcome, ReaderStatus, Step
from assistant.settings import HelpContact, KioskConfig, Mode, Settings
from assistant.staff_code import StaffLockout, hash_staff_code
from tests.support.shell import dispose
from ui import theme as theme_mod
from ui.modes.kiosk import KioskMode
from ui.shell import Shell

#: The pharmacist's exit code, hashed with few rounds so the tests stay fast.
CODE = "24Ab"
FAST_HASH = hash_staff_code(CODE, n=2**12)


class FakeClock:
    """The kiosk's clock; tests move ``now`` forward by hand."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class KioskSession(NamedTuple):
    shell: Shell
    mode: KioskMode
    journey: Journey
    clock: FakeClock


def kiosk_settings(tmp_path: object, **over: object) -> Settings:
    cfg = KioskConfig(
        pharmacy_name="Pharmacie Test",
        exit_code_hash=FAST_HASH,
        languages=("fr", "nl"),
        default_language="fr",
        idle_timeout_seconds=60,
        warning_seconds=20,
        help_contacts=(HelpContact("The pharmacist", phone="02 000 00 00"),),
    )
    return Settings(mode=Mode.KIOSK, kiosk=cfg, speech_on=True, session_log_dir=tmp_path, **over)  # type: ignore[arg-type]


@contextmanager
def kiosk_session(
    qtbot: QtBot, tmp_path: object, *, speak: Callable[[str], None] = lambda _text: None
) -> Iterator[KioskSession]:
    """A French kiosk (languages fr and nl) shown at the welcome screen; ``speak`` hears the
    idle warning."""
    set_language("fr")
    theme_mod.set_theme(theme_mod.Theme())
    shell = Shell(languages=("fr", "nl"))
    qtbot.addWidget(shell)
    journey = Journey()
    clock = FakeClock()
    mode = KioskMode(
        shell,
        kiosk_settings(tmp_path),
        journey=journey,
        clock=clock,
        tick_ms=10,
        speak=speak,
        staff_lockout=StaffLockout(None, clock),
    )
    shell.add_banner(mode.banner)
    journey.start()
    qtbot.waitExposed(shell)
    try:
        yield KioskSession(shell, mode, journey, clock)
    finally:
        mode.shutdown()
        dispose(shell)


def start_session(journey: Journey) -> None:
    """The patient starts: a language chosen on Welcome; the journey waits for the card."""
    journey.reader_changed(ReaderStatus.NO_CARD)
    journey.choose_language()


class _Card:
    def wipe(self) -> None:
        pass


def reach_record(journey: Journey, record: Any, card: Any = None) -> None:
    """From the welcome screen to ``record`` shown: card read, identity confirmed, PIN right."""
    start_session(journey)
    (read,) = journey.reader_changed(ReaderStatus.CARD_PRESENT)
    journey.card_read(read.token, card if card is not None else _Card())
    journey.confirm_identity(True)
    journey.next()
    (verify,) = journey.submit_pin()
    (connect,) = journey.pin_checked(verify.token, PinOutcome.CORRECT)
    journey.connected(connect.token, record)
    assert journey.step is Step.RECORD
