"""The real program (``ui.app.main``), driven from outside through its standard input.

    python -m tests.support.session_driver PROGRAM ARGUMENTS...

It starts the program exactly as ``dossier-assistant`` does, plus a few timers that read one
command a line on standard input and answer one JSON line each on standard output:

* ``{"event": "boot"}`` first thing (before Qt loads), then ``{"event": "ready", ...}`` once the
  card service is attached and the journey has seen the reader;
* ``walk PIN_CODE``: the patient's way to the record, with touch-like clicks (the PIN is given
  shifted by one, each digit + 1 mod 10, and typed digit by digit: its digits never stand
  together in this process); answers ``record`` with the medicine names shown;
* ``done``: "I am done"; ``idle``: the inactivity reset; ``state``: where the journey is.

When the program starts itself again for the next patient (``exec``), this module runs again
in the same process and says ``boot`` again: the test sees each new program.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from typing import Any


def say(event: str, **values: Any) -> None:
    sys.stdout.write(json.dumps({"event": event, "pid": os.getpid(), **values}) + "\n")
    sys.stdout.flush()


def main(args: list[str]) -> int:  # pragma: no cover - runs in the program's process
    say("boot", next_session=next((a for a in args if a.startswith("--next-session=")), None))
    from PySide6.QtCore import QObject, QTimer, Signal
    from PySide6.QtWidgets import QAbstractButton, QApplication

    from assistant.i18n import current_language
    from assistant.idle import ResetReason
    from assistant.journey import Step
    from ui.app import main as program
    from ui.journey_view import JourneyController
    from ui.modes.session_watch import SessionWatch
    from ui.shell import Shell

    app = QApplication(sys.argv[:1])

    class Commands(QObject):
        line = Signal(str)

    commands = Commands()
    parts: dict[str, Any] = {}

    def controller() -> JourneyController:
        return parts["controller"]  # type: ignore[no-any-return]

    def state(event: str = "state", **extra: Any) -> None:
        journey = controller().journey
        problem = journey.state.problem
        say(
            event,
            step=journey.step.value,
            problem=None if problem is None else problem.value,
            language=current_language(),
            **extra,
        )

    def find_parts() -> None:
        shells = [w for w in QApplication.topLevelWidgets() if isinstance(w, Shell)]
        found = shells[0].findChild(JourneyController) if shells else None
        if found is None or found.monitor is None or found.monitor.current() is None:
            QTimer.singleShot(20, find_parts)
            return
        parts["shell"], parts["controller"] = shells[0], found
        QTimer.singleShot(200, lambda: state("ready"))  # (the reader's state reached the journey)
        threading.Thread(target=read_commands, daemon=True).start()

    def read_commands() -> None:
        for line in sys.stdin:
            commands.line.emit(line.strip())

    def wait(predicate: Any, what: str, seconds: float = 30.0) -> None:
        end = time.monotonic() + seconds
        while not predicate():
            if time.monotonic() > end:
                raise AssertionError(f"timed out waiting for {what}")
            app.processEvents()
            time.sleep(0.005)

    def click(button: QAbstractButton) -> None:
        wait(lambda: button.isVisible() and button.isEnabled(), button.objectName())
        button.click()
        app.processEvents()

    def walk(shifted_pin: str) -> None:
        c = controller()
        journey = c.journey
        if journey.step is Step.WELCOME:  # the first screen offers the languages
            c.choose_language("nl")
        wait(lambda: journey.step is Step.CONFIRM_IDENTITY, "identity")
        click(c.identity_screen.yes)
        wait(lambda: journey.step is Step.ABOUT_PIN, "about the PIN")
        click(c.screens[Step.ABOUT_PIN].primary_button())
        wait(lambda: journey.step is Step.PIN and not journey.state.busy, "PIN")
        pad = c.pin_screen.pad
        for shifted in shifted_pin:
            click(pad.digit_buttons[str((int(shifted) - 1) % 10)])
        click(pad.ok)
        wait(lambda: journey.step is Step.RECORD, "record")
        viewer = c.record_screen.viewer
        assert viewer is not None
        for key in ("medicines", "vaccines", "results", "allergies", "documents"):
            viewer.open_page(key)
            app.processEvents()
            viewer.go_home()
        record = journey.record
        assert record is not None
        state("record", medicines=len(record.medications))

    def run(line: str) -> None:
        name, _sep, argument = line.partition(" ")
        c = controller()
        if name == "walk":
            walk(argument)
        elif name == "done":
            click(c.record_screen.done)
            say("clicked")
        elif name == "idle":
            (watch,) = parts["shell"].findChildren(SessionWatch)
            watch.reset_now(ResetReason.IDLE)
            say("clicked")
        else:
            state()

    commands.line.connect(run)
    QTimer.singleShot(0, find_parts)
    return program(args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main(sys.argv[1:]))
