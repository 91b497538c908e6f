"""A whole kiosk session, then: nothing naming the patient on disk, nothing left in the UI.

The program runs in a child process (the real ``ui.app.build_app`` with ``--kiosk``, the
virtual card and the embedded demo hub) whose HOME, TMPDIR, XDG_* folders and working folder
are fresh temporary folders. The child plays two patients' sessions with touch-like clicks
(one ends by pulling the card, one by the inactivity reset), walks every widget after each
reset, and reports. The parent then scans every file in those folders for the patient's name,
national number and birth date (several encodings and date forms) and the record's contents.

The same runs in mediator (+ training) mode. By hand:
``python -m tests.integration.test_kiosk_session kiosk|mediator CONFIG REPORT``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from assistant.demo.card.citizens import CITIZENS
from tests.support.disk_scan import citizen_needles, files_under, scan_paths

REPO = Path(__file__).resolve().parents[2]
CITIZEN = "adult"

KIOSK_TOML = """
[kiosk]
pharmacy_name = "Pharmacie Test"
languages = ["fr", "nl", "en", "de"]
default_language = "fr"
idle_timeout_seconds = 60
warning_seconds = 20
speech_on = true
exit_code_hash = "{hash}"

[[kiosk.help_contacts]]
name = "Le pharmacien au comptoir"
phone = "02 555 01 02"
"""


# ---------------------------------------------------------------------------------------------
# The child: plays the sessions inside the real app.


def _child(mode: str, config: str, report_path: str) -> int:  # pragma: no cover - runs in the child
    import logging

    from PySide6.QtCore import QEvent
    from PySide6.QtWidgets import (
        QAbstractButton,
        QApplication,
        QComboBox,
        QLabel,
        QLineEdit,
        QPlainTextEdit,
        QTextEdit,
    )

    from assistant.card.monitor import ReaderState
    from assistant.idle import ResetReason
    from assistant.journey import Step
    from ui.app import build_app
    from ui.modes.kiosk import KioskMode

    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    app = QApplication(sys.argv[:1])
    if mode == "kiosk":
        args = ["--kiosk", config, "--kiosk-config-unlocked"]
    else:
        args = ["--mediator", "--training"]
    run = build_app([*args, "--demo", "--no-pcscd", "--citizen", CITIZEN], app)
    shell, controller = run.shell, run.controller
    journey = controller.journey
    kiosk = next((mode for mode in run.modes if isinstance(mode, KioskMode)), None)
    (watch,) = [mode.watch for mode in run.modes if mode.watch is not None]
    shell.resize(1024, 768)
    shell.showFullScreen()
    report: dict[str, Any] = {"problems": []}

    def wait(pred: Any, what: str, seconds: float = 20.0) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            app.processEvents()
            if pred():
                return
            time.sleep(0.005)
        raise AssertionError(f"timed out waiting for {what}; state={journey.state}")

    def click(button: QAbstractButton) -> None:
        assert button.isVisible() and button.isEnabled(), button.objectName()
        button.click()
        app.processEvents()

    def texts() -> list[str]:
        """Every text the UI holds, visible or not, in every widget of the application."""
        out: list[str] = []
        for w in QApplication.allWidgets():
            out += [w.accessibleName(), w.accessibleDescription(), w.toolTip(), w.windowTitle()]
            if isinstance(w, QLabel | QAbstractButton | QLineEdit):
                out.append(w.text())
            if hasattr(w, "payload"):
                out.append(str(w.payload))
            if isinstance(w, QTextEdit | QPlainTextEdit):
                out.append(w.toPlainText())
            if isinstance(w, QComboBox):
                out += [w.itemText(i) for i in range(w.count())]
        return [t for t in out if t]

    def photos() -> int:
        return sum(
            1
            for w in QApplication.allWidgets()
            if isinstance(w, QLabel)
            and w.objectName() in ("photo", "identityPhoto")
            and not w.pixmap().isNull()
        )

    def flush() -> None:
        for _ in range(3):
            QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
            app.processEvents()

    def walk_to_record() -> None:
        wait(lambda: journey.step is Step.WELCOME, "welcome")
        controller.choose_language("nl")  # the languages are on Welcome
        wait(lambda: journey.step is Step.CONFIRM_IDENTITY, "identity")
        click(controller.identity_screen.yes)
        wait(lambda: journey.step is Step.ABOUT_PIN, "about pin")
        click(controller.screens[Step.ABOUT_PIN].primary_button())
        wait(lambda: journey.step is Step.PIN and not journey.state.busy, "pin")
        pad = controller.pin_screen.pad
        digits = {b.text(): b for b in pad.findChildren(QAbstractButton) if b.text().isdigit()}
        for d in "1234":
            click(digits[d]) if d in digits else pad.press(d)
        assert pad.count == 4
        pad._ok()
        wait(lambda: journey.step is Step.RECORD, "record")

    def browse() -> list[str]:
        """Open every section of the record and return the record's own words."""
        viewer = controller.record_screen.viewer
        assert viewer is not None
        for key in ("medicines", "vaccines", "results", "allergies", "documents", "sharing"):
            viewer.open_page(key)
            app.processEvents()
            viewer.go_home()
        viewer.open_page("notes")
        app.processEvents()
        for edit in viewer.findChildren(QPlainTextEdit) + viewer.findChildren(QTextEdit):
            if edit.isVisible() and not edit.isReadOnly():
                edit.setPlainText("Kan ik mijn Dumont-pillen met koffie nemen?")
        for b in viewer.findChildren(QAbstractButton):
            if b.isVisible() and b.objectName() in ("saveNote", "notesSave"):
                b.click()
        viewer.go_home()
        record = journey.record
        words: list[str] = []
        for m in record.medications:
            words.append(m.name)
        for p in record.prescriptions:
            words += [p.rid, p.medication]
        return sorted({w for w in words if w and len(w) >= 5})

    if kiosk is not None:  # ways out of the real kiosk window
        from PySide6.QtCore import Qt
        from PySide6.QtTest import QTest

        QTest.keyClick(shell, Qt.Key.Key_F4, Qt.KeyboardModifier.AltModifier)
        QTest.keyClick(shell, Qt.Key.Key_Escape)
        report["close_refused"] = shell.close() is False
        report["still_full_screen"] = shell.isVisible() and shell.isFullScreen()
    shell.show_help()
    report["help_text"] = shell.help_overlay.text.text()
    shell.close_help()

    # Session 1: ends by pulling the card out on the record.
    walk_to_record()
    report["record_words"] = words = browse()
    if kiosk is not None and kiosk.prescriptions is not None:
        report["prescriptions_shown"] = kiosk.prescriptions.panel.count()
        report["codes_shown"] = len(kiosk.prescriptions.panel.codes)
    report["sanity_ui_has_name"] = any("Dumont" in t for t in texts())
    report["sanity_photos"] = photos()
    if kiosk is not None:  # the kiosk starts again as soon as the card is out
        run.demo.remove()
        wait(lambda: watch.resets == [ResetReason.CARD_REMOVED], "reset after removal")
    else:  # the mediator's patient presses "I am done", then takes the card
        click(controller.record_screen.done)
        wait(lambda: journey.step is Step.FINISH, "finish")
        run.demo.remove()
    wait(lambda: journey.step is Step.WELCOME, "welcome after removal")
    flush()
    report["after_removal"] = texts()
    report["photos_after_removal"] = photos()
    report["language_after_removal"] = __import__("assistant.i18n").i18n.current_language()

    # Session 2: the next patient walks away on the record; the inactivity reset comes.
    run.demo.insert()
    wait(lambda: controller.monitor.current().state is ReaderState.CARD_PRESENT, "card back in")
    walk_to_record()
    browse()
    watch.idle.reset_now(ResetReason.IDLE)
    wait(lambda: journey.step is Step.WELCOME, "welcome after idle")
    flush()
    report["after_idle"] = texts()
    report["photos_after_idle"] = photos()
    report["resets"] = [r.value for r in watch.resets]
    report["words"] = words
    run.close()
    flush()
    Path(report_path).write_text(json.dumps(report), encoding="utf-8")
    return 0


# ---------------------------------------------------------------------------------------------
# The parent: sets up the fresh folders, runs the child, scans.


@pytest.fixture(scope="module", params=["kiosk", "mediator"])
def kiosk_session(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Any]:
    from assistant.staff_code import hash_staff_code

    mode = request.param
    base = tmp_path_factory.mktemp(f"{mode}_disk")
    dirs = {
        "HOME": base / "home",
        "TMPDIR": base / "tmp",
        "XDG_CONFIG_HOME": base / "config",
        "XDG_DATA_HOME": base / "data",
        "XDG_CACHE_HOME": base / "cache",
        "XDG_STATE_HOME": base / "state",
        "XDG_RUNTIME_DIR": base / "runtime",
    }
    for d in dirs.values():
        d.mkdir(mode=0o700)
    workdir = base / "cwd"
    workdir.mkdir()
    outside = tmp_path_factory.mktemp("kiosk_report")  # not scanned: the report names people
    config = outside / "kiosk.toml"
    config.write_text(KIOSK_TOML.format(hash=hash_staff_code("2468", n=2**12)), encoding="utf-8")
    report = outside / "report.json"
    env = {k: v for k, v in os.environ.items() if not k.startswith("XDG_")}
    env.update({k: str(v) for k, v in dirs.items()})
    env.update(
        {
            "QT_QPA_PLATFORM": "offscreen",
            "DOSSIER_TTS_ENGINE": "mock",
            "PYTHONPATH": str(REPO),
            "PYTHONDONTWRITEBYTECODE": "1",
        }
    )
    started = time.monotonic()
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "tests.integration.test_kiosk_session",
            mode,
            str(config),
            str(report),
        ],
        cwd=workdir,
        env=env,
        capture_output=True,
        timeout=240,
    )
    assert proc.returncode == 0, proc.stderr.decode(errors="replace")[-4000:]
    data: dict[str, Any] = json.loads(report.read_text(encoding="utf-8"))
    data["roots"] = [*dirs.values(), workdir]
    data["stderr"] = proc.stderr.decode(errors="replace")
    data["seconds"] = time.monotonic() - started
    data["mode"] = mode
    return data


def test_session_really_showed_the_patient(kiosk_session: dict[str, Any]) -> None:
    """Sanity: the checks below look at a session that held real personal data."""
    assert kiosk_session["sanity_ui_has_name"]
    assert kiosk_session["sanity_photos"] >= 1
    assert kiosk_session["record_words"], "the record had no medicines or prescriptions"
    expected = ["card_removed", "idle"] if kiosk_session["mode"] == "kiosk" else ["idle"]
    assert kiosk_session["resets"] == expected


def test_prescriptions_with_codes_were_shown(kiosk_session: dict[str, Any]) -> None:
    if kiosk_session["mode"] != "kiosk":  # the pharmacist's panel is a kiosk thing only
        assert "prescriptions_shown" not in kiosk_session
        return
    assert kiosk_session["prescriptions_shown"] >= 1
    assert kiosk_session["codes_shown"] == kiosk_session["prescriptions_shown"]


def _needles(session: dict[str, Any]) -> list[str]:
    return citizen_needles(CITIZENS[CITIZEN]) + list(session["words"])


@pytest.mark.parametrize("moment", ["after_removal", "after_idle"])
def test_ui_holds_no_record_data_after_reset(kiosk_session: dict[str, Any], moment: str) -> None:
    blob = "\n".join(kiosk_session[moment]).lower()
    leaks = [n for n in _needles(kiosk_session) if n.lower() in blob]
    assert leaks == []
    assert kiosk_session[f"photos_{moment}"] == 0


def test_real_kiosk_window_cannot_be_closed(kiosk_session: dict[str, Any]) -> None:
    if kiosk_session["mode"] != "kiosk":
        assert "close_refused" not in kiosk_session
        return
    assert kiosk_session["close_refused"] is True
    assert kiosk_session["still_full_screen"] is True


def test_help_page_lists_the_kiosk_contacts(kiosk_session: dict[str, Any]) -> None:
    has_contact = "02 555 01 02" in kiosk_session["help_text"]
    assert has_contact is (kiosk_session["mode"] == "kiosk")


def test_language_back_to_default(kiosk_session: dict[str, Any]) -> None:
    # The kiosk returns to its configured language; the mediator's PC keeps the last one.
    expected = "fr" if kiosk_session["mode"] == "kiosk" else "nl"
    assert kiosk_session["language_after_removal"] == expected


def test_nothing_naming_the_patient_on_disk(kiosk_session: dict[str, Any]) -> None:
    roots = [Path(r) for r in kiosk_session["roots"]]
    files = files_under(roots)
    # The program did write its anonymous session log there: the scan sees real files.
    assert any(f.name.startswith("sessions-") for f in files), files
    hits = scan_paths(roots, _needles(kiosk_session))
    assert [str(h) for h in hits] == []


def test_log_output_has_no_personal_data(kiosk_session: dict[str, Any]) -> None:
    """The program's own log lines (INFO level) name nobody either."""
    low = kiosk_session["stderr"].lower()
    assert "kiosk" in low or "session" in low  # logging was on
    assert [n for n in _needles(kiosk_session) if n.lower() in low] == []


if __name__ == "__main__":  # the child process
    sys.exit(_child(sys.argv[1], sys.argv[2], sys.argv[3]))
