"""Mediator mode on the real shell and journey: guide per step, PIN prompt, training banner,
relay sheet (PDF read back with pdftotext), inactivity reset and the anonymous session log."""

from __future__ import annotations

import shutil
import subprocess
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from assistant.errors import ProblemKind, ServiceDownError
from assistant.i18n import set_language
from assistant.idle import ResetReason
from assistant.journey import Journey, JourneyState, PinOutcome, Problem, ReaderStatus, Step
from assistant.session_log import read_sessions
from assistant.settings import Mode, Settings
from tests.support.shell import dispose
from ui import theme as theme_mod
from ui.modes.mediator import MediatorMode
from ui.modes.mediator.guides import COMMON_PROBLEMS, GUIDES, PROBLEM_GUIDES, PROBLEM_TIPS
from ui.modes.mediator.panel import MediatorPanel
from ui.modes.mediator.relay_sheet import (
    RelaySheet,
    RelaySheetDialog,
    RelayTopic,
    relay_html,
    render_pdf,
)
from ui.shell import Shell


class FakeClock:
    def __init__(self) -> None:
        self.now = 50.0

    def __call__(self) -> float:
        return self.now


class Item:
    def __init__(self) -> None:
        self.wiped = False

    def wipe(self) -> None:
        self.wiped = True


Env = tuple[Shell, MediatorMode, Journey, FakeClock]


def make_env(qtbot: QtBot, settings: Settings) -> Env:
    set_language("en")
    shell = Shell()  # disposed by dispose(), not by qtbot
    journey = Journey()
    clock = FakeClock()
    mode = MediatorMode(
        shell,
        settings,
        journey=journey,
        clock=clock,
        tick_ms=10,
        timeout_seconds=100,
        warning_seconds=30,
    )
    journey.start()
    shell.show()
    qtbot.waitExposed(shell)
    return shell, mode, journey, clock


@pytest.fixture
def env(qtbot: QtBot, tmp_path: Path) -> Iterator[Env]:
    settings = Settings(mode=Mode.MEDIATOR, training=True, demo=True, session_log_dir=tmp_path)
    e = make_env(qtbot, settings)
    yield e
    e[1].shutdown()
    dispose(e[0])


def walk_to_pin(journey: Journey, *, pinpad: bool = False) -> None:
    journey.reader_changed(ReaderStatus.CARD_PRESENT)
    (read,) = journey.choose_language()
    journey.card_read(read.token, Item(), pinpad=pinpad)
    journey.confirm_identity(True)
    journey.next()


def test_panel_and_banner_are_shown(env: Env) -> None:
    shell, mode, _journey, _clock = env
    assert mode.panel is not None and mode.panel.isVisible()
    assert mode.panel.parent() is not None and shell.isAncestorOf(mode.panel)
    assert mode.banner is not None and mode.banner.isVisible()
    assert "Practice — not a real record" in mode.banner.text()
    assert mode.banner.accessibleName() == mode.banner.text()


def test_guide_follows_every_step(env: Env) -> None:
    _shell, mode, journey, _clock = env
    panel = mode.panel
    assert panel is not None
    seen: dict[Step, str] = {}
    journey.add_listener(lambda st, _c: seen.setdefault(st.step, panel.say.text()))
    walk_to_pin(journey)
    (verify,) = journey.submit_pin()
    journey.pin_checked(verify.token, PinOutcome.CORRECT)
    journey.connected(journey.token, Item())
    journey.finish()
    assert set(seen) >= {
        Step.CARD,
        Step.CONFIRM_IDENTITY,
        Step.ABOUT_PIN,
        Step.PIN,
        Step.CONNECTING,
        Step.RECORD,
        Step.FINISH,
    }
    for step, text in seen.items():
        assert text == "Say: " + GUIDES[step].say, step
    assert panel.state().step is Step.FINISH
    assert panel.dont.text().startswith("Do not: ")


def test_pin_step_prompt(qtbot: QtBot, env: Env) -> None:
    _shell, mode, journey, _clock = env
    panel = mode.panel
    assert panel is not None
    assert not panel.pin_prompt.isVisible()
    walk_to_pin(journey)
    assert journey.step is Step.PIN
    assert panel.pin_prompt.isVisible()
    assert panel.pin_prompt.message() == "Mediator: please look away. Patient: type your PIN."
    assert "look away" in panel.speech_text()
    assert "Never type the PIN" in panel.dont.text()
    journey.back()
    assert not panel.pin_prompt.isVisible()


def test_pin_step_prompt_with_pinpad(env: Env) -> None:
    _shell, mode, journey, _clock = env
    walk_to_pin(journey, pinpad=True)
    assert mode.panel is not None
    assert "keypad" in mode.panel.pin_prompt.message()
    assert journey.state.busy  # the journey went straight to the pinpad


def test_problem_tips(env: Env) -> None:
    _shell, mode, journey, _clock = env
    panel = mode.panel
    assert panel is not None
    walk_to_pin(journey)
    (verify,) = journey.submit_pin()
    journey.pin_checked(verify.token, PinOutcome.WRONG, tries_left=2)
    assert panel.pin_prompt.isVisible()  # the patient types again: still look away
    assert panel.problem_tip.text() == PROBLEM_TIPS[Problem.PIN_WRONG]
    journey.retry()
    (verify,) = journey.submit_pin()
    journey.pin_checked(verify.token, PinOutcome.BLOCKED)
    assert not panel.pin_prompt.isVisible()  # nobody types a PIN on a blocked card
    assert panel.problem_tip.isVisible()
    assert panel.problem_tip.text() == PROBLEM_TIPS[Problem.PIN_BLOCKED]
    state = JourneyState(
        Step.CONNECTING, Problem.CONNECTION_FAILED, error_kind=ProblemKind.SERVICE_DOWN
    )
    assert "does not answer" in MediatorPanel.problem_tip_text(state)
    state = JourneyState(
        Step.CONNECTING, Problem.CONNECTION_FAILED, error_kind=ProblemKind.SERVICE_REFUSED
    )
    assert "consent" in MediatorPanel.problem_tip_text(state)
    for problem in Problem:
        assert MediatorPanel.problem_tip_text(JourneyState(Step.CARD, problem))


def every_journey_state() -> list[JourneyState]:
    """Each state the patient can see: every step, every problem where it happens, and the
    busy and last-try states."""
    S, P = Step, Problem
    states = [JourneyState(step) for step in Step]
    states += [
        JourneyState(S.READER, P.READER_SERVICE_DOWN),
        JourneyState(S.READER, P.READER_UNPLUGGED),
        JourneyState(S.CARD, busy=True),
        JourneyState(S.CARD, P.NOT_EID_CARD),
        JourneyState(S.CARD, P.CARD_READ_FAILED),
        JourneyState(S.CARD, P.CARD_REMOVED),
        JourneyState(S.CARD, P.NOT_ME),
        JourneyState(S.ABOUT_PIN, P.NO_PIN),
        JourneyState(S.ABOUT_PIN, P.CANNOT_LOG_IN),
        JourneyState(S.PIN, busy=True),
        JourneyState(S.PIN, pinpad=True, busy=True),
        JourneyState(S.PIN, P.PIN_WRONG, tries_left=2),
        JourneyState(S.PIN, P.PIN_WRONG, tries_left=1, confirm_last_try=True),
        JourneyState(S.PIN, tries_left=1, last_try_confirmed=True),
        JourneyState(S.PIN, P.PIN_BLOCKED, tries_left=0),
        JourneyState(S.PIN, P.PIN_CHECK_FAILED),
        JourneyState(S.CONNECTING, busy=True),
        *[JourneyState(S.CONNECTING, P.CONNECTION_FAILED, error_kind=kind) for kind in ProblemKind],
    ]
    return states


#: Words the guide must never say while a state is on screen (it would contradict the screen).
TYPING_WORDS = ("Type your PIN", "type your PIN")


def test_guide_follows_every_journey_state(env: Env) -> None:
    """Issue 14.7: the guide matches the screen in every state, errors included."""
    _shell, mode, _journey, _clock = env
    panel = mode.panel
    assert panel is not None
    seen_titles: dict[str, JourneyState] = {}
    for state in every_journey_state():
        panel.set_state(state)
        words = panel.speech_text()
        title = panel.step_title.text()
        assert title.startswith("Now: ") and len(title) > len("Now: "), state
        blocked_or_stopped = state.problem not in (None, Problem.PIN_WRONG) or (
            state.confirm_last_try
        )
        if blocked_or_stopped:
            assert not any(w in words for w in TYPING_WORDS), (state, words)
            assert not panel.pin_prompt.isVisible(), state
        if state.problem is not None and not state.confirm_last_try:
            assert panel.problem_tip.isVisible(), state
            assert panel.say.text() == "Say: " + PROBLEM_GUIDES[state.problem].say, state
        if state.problem is None and not state.busy and not state.confirm_last_try:
            if not state.last_try_confirmed:
                assert panel.say.text() == "Say: " + GUIDES[state.step].say, state
        seen_titles.setdefault(title, state)
    blocked = JourneyState(Step.PIN, Problem.PIN_BLOCKED, tries_left=0)
    panel.set_state(blocked)
    assert panel.step_title.text() == "Now: The card is blocked"
    assert "commune" in panel.say.text()
    # every problem has its own guide and its own name
    assert set(PROBLEM_GUIDES) == set(Problem)
    assert len({t for t, st in seen_titles.items() if st.problem is not None}) >= len(Problem)


def test_common_problem_answers(env: Env) -> None:
    _shell, mode, _journey, _clock = env
    panel = mode.panel
    assert panel is not None
    for key, (question, answer, _icon) in COMMON_PROBLEMS.items():
        panel.problem_buttons[key].click()
        assert panel.answer.isVisible()
        assert panel.answer.text() == question + "\n" + answer
    assert "commune" in COMMON_PROBLEMS["no_pin_letter"][1]
    assert ";" not in COMMON_PROBLEMS["no_pin_letter"][1]
    assert "(" not in COMMON_PROBLEMS["no_pin_letter"][1]


def test_guide_is_translated(env: Env) -> None:
    _shell, mode, _journey, _clock = env
    assert mode.panel is not None
    english = mode.panel.title.text()
    set_language("fr")
    assert mode.panel.title.text()  # never empty
    set_language("en")
    assert mode.panel.title.text() == english


def test_idle_reset_and_session_log(qtbot: QtBot, env: Env, tmp_path: Path) -> None:
    _shell, mode, journey, clock = env
    walk_to_pin(journey)
    assert mode.watch is not None and mode.watch.idle.running
    mode.open_relay_sheet()
    assert mode.relay_dialog is not None
    mode.relay_dialog.question.setPlainText("Can I take my pills with coffee?")
    clock.now += 70
    qtbot.waitUntil(mode.watch.warning.isVisible)
    clock.now += 30
    qtbot.waitUntil(lambda: mode.watch is not None and mode.watch.resets == [ResetReason.IDLE])
    assert journey.step is Step.WELCOME
    assert not mode.relay_dialog.isVisible()
    assert mode.relay_dialog.question.toPlainText() == ""
    (entry,) = read_sessions(tmp_path)
    assert entry["mode"] == "mediator" and entry["training"] is True
    assert entry["ended_by"] == "idle"
    assert "pin" in entry["steps"]
    blob = b"".join(p.read_bytes() for p in tmp_path.iterdir())
    assert b"coffee" not in blob and b"pills" not in blob


def test_connection_problem_logged_by_kind(env: Env, tmp_path: Path) -> None:
    _shell, _mode, journey, _clock = env
    walk_to_pin(journey)
    (verify,) = journey.submit_pin()
    (connect,) = journey.pin_checked(verify.token, PinOutcome.CORRECT)
    journey.connection_failed(connect.token, ServiceDownError("hub 503"))
    journey.finish()
    journey.reader_changed(ReaderStatus.NO_CARD)
    (entry,) = read_sessions(tmp_path)
    assert entry["problems"] == {"service_down": 1}
    assert entry["ended_by"] == "finished"


def test_home_training_has_banner_but_no_panel(qtbot: QtBot, tmp_path: Path) -> None:
    settings = Settings(mode=Mode.HOME, training=True, demo=True)
    shell, mode, _journey, _clock = make_env(qtbot, settings)
    try:
        assert mode.banner is not None and mode.banner.isVisible()
        assert mode.panel is None and mode.watch is None
    finally:
        mode.shutdown()
        dispose(shell)


def test_mediator_without_training_has_no_banner(qtbot: QtBot, tmp_path: Path) -> None:
    settings = Settings(mode=Mode.MEDIATOR, session_log_dir=tmp_path)
    shell, mode, _journey, _clock = make_env(qtbot, settings)
    try:
        assert mode.banner is None
        assert mode.panel is not None
    finally:
        mode.shutdown()
        dispose(shell)


# --- relay sheet ------------------------------------------------------------------------------


def pdf_text(path: Path) -> str:
    exe = shutil.which("pdftotext")
    assert exe is not None, "pdftotext (poppler-utils) is needed"
    out = subprocess.run([exe, "-layout", str(path), "-"], capture_output=True, check=True)
    return unicodedata.normalize("NFKC", out.stdout.decode("utf-8"))  # ligatures: ﬀ -> ff


def test_relay_sheet_pdf(qapp: QApplication, tmp_path: Path) -> None:
    sheet = RelaySheet("Can I take my pills with coffee?\nAnd in the evening?", RelayTopic.MEDICINE)
    path = render_pdf(sheet, tmp_path / "relay.pdf")
    text = pdf_text(path)
    flat = " ".join(text.split())
    assert "My question for a care provider" in flat
    assert "Can I take my pills with coffee?" in flat
    assert "And in the evening?" in flat
    assert "Your pharmacist" in flat and "Your family doctor" in flat
    assert "Whom to ask" in flat
    assert "112" in flat


def test_relay_sheet_escapes_html() -> None:
    html = relay_html(RelaySheet("<b>x</b> & <script>", RelayTopic.RESULT))
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "The doctor who asked for the test" in html


def test_relay_sheet_follows_the_language(qapp: QApplication, tmp_path: Path) -> None:
    from datetime import date

    sheet = RelaySheet("Question ?", RelayTopic.VACCINE, day=date(2026, 3, 5))
    set_language("fr")
    try:
        text = " ".join(pdf_text(render_pdf(sheet, tmp_path / "fr.pdf")).split())
    finally:
        set_language("en")
    assert "Question ?" in text
    assert "mars 2026" in text  # the date in French
    english = " ".join(pdf_text(render_pdf(sheet, tmp_path / "en.pdf")).split())
    assert "March 2026" in english


def test_relay_dialog(qtbot: QtBot) -> None:
    dialog = RelaySheetDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.topic_buttons[RelayTopic.RESULT].click()
    assert "The doctor who asked for the test" in dialog.whom.text()
    dialog.question.setPlainText("What does high mean?")
    sheet = dialog.sheet()
    assert sheet.topic is RelayTopic.RESULT and sheet.question == "What does high mean?"
    for button in dialog.topic_buttons.values():
        assert button.accessibleName()
    dialog.close_button.click()
    assert dialog.question.toPlainText() == ""


@pytest.mark.parametrize("high_contrast", [False, True])
def test_mediator_screens_pass_the_accessibility_audit(
    qtbot: QtBot, env: Env, high_contrast: bool
) -> None:
    from tests.support.a11y_checks import audit

    shell, _mode, journey, _clock = env
    theme_mod.set_theme(theme_mod.Theme(high_contrast=high_contrast))
    shell.resize(1280, 900)
    walk_to_pin(journey)
    QApplication.processEvents()
    problems = audit(shell)
    assert [str(p) for p in problems] == []


def test_relay_print_dialog_offers_paper_only(qtbot: QtBot) -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtPrintSupport import QAbstractPrintDialog, QPrintDialog

    dialog = RelaySheetDialog()
    qtbot.addWidget(dialog)
    seen: dict[str, bool] = {}

    def look_and_cancel() -> None:
        for w in QApplication.topLevelWidgets():
            if isinstance(w, QPrintDialog) and w.isVisible():
                seen["print_to_file"] = w.testOption(
                    QAbstractPrintDialog.PrintDialogOption.PrintToFile
                )
                w.reject()

    QTimer.singleShot(50, look_and_cancel)
    QTimer.singleShot(3000, look_and_cancel)  # never hang if the first look came too early
    assert dialog.print_with_dialog() is False
    assert seen == {"print_to_file": False}


def test_relay_print_follows_the_modes_printing_rule(
    qtbot: QtBot, env: Env, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As an attacker would: force "Print to File (PDF)" in the dialog anyway. The sheet goes
    through ui.printing (one printing rule): refused, no file, the reason shown."""
    from PySide6.QtPrintSupport import QAbstractPrintDialog, QPrintDialog, QPrinter

    from assistant.settings import FileAccess

    _shell, mode, _journey, _clock = env
    target = tmp_path / "question.pdf"
    seen: list[bool] = []

    def accept_with_a_file(dialog: QPrintDialog) -> int:
        seen.append(dialog.testOption(QAbstractPrintDialog.PrintDialogOption.PrintToFile))
        dialog.printer().setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        dialog.printer().setOutputFileName(str(target))
        return int(QPrintDialog.DialogCode.Accepted.value)

    monkeypatch.setattr(QPrintDialog, "exec", accept_with_a_file)
    dialog = mode.open_relay_sheet()
    assert dialog.file_access is FileAccess.REMOVABLE_ONLY
    dialog.question.setPlainText("Can I take my pills with coffee?")
    printed: list[bool] = []
    dialog.printed.connect(lambda: printed.append(True))
    assert dialog.print_with_dialog() is False
    assert seen == [False]
    assert not target.exists() and printed == []
    assert dialog.print_problem.isVisibleTo(dialog)
    assert "paper" in dialog.print_problem.text()
    dialog.reject()
    assert dialog.print_problem.isHidden()


def test_relay_print_at_home_may_write_a_file(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtPrintSupport import QAbstractPrintDialog, QPrintDialog, QPrinter

    from assistant.settings import FileAccess

    target = tmp_path / "question.pdf"

    def accept_with_a_file(dialog: QPrintDialog) -> int:
        assert dialog.testOption(QAbstractPrintDialog.PrintDialogOption.PrintToFile)
        dialog.printer().setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        dialog.printer().setOutputFileName(str(target))
        return int(QPrintDialog.DialogCode.Accepted.value)

    monkeypatch.setattr(QPrintDialog, "exec", accept_with_a_file)
    dialog = RelaySheetDialog(file_access=FileAccess.ANY)
    qtbot.addWidget(dialog)
    dialog.question.setPlainText("Can I take my pills with coffee?")
    assert dialog.print_with_dialog() is True
    assert target.stat().st_size > 1000
