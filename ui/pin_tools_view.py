"""Runs "Test my PIN" and "Change my PIN" (:class:`assistant.pin_tools.PinTool`) beside the
journey: draws the tool's screens, carries out its card commands in workers, and gives the
journey back its screen when the tool closes.

The tool is a detour from the step it was opened on ("About the PIN"): the journey stays on
that step. Anything the journey does meanwhile (the card taken out, a reset) closes the tool
first (:meth:`JourneyController._on_state` calls :meth:`PinToolsView.abandon`). A card taken
out during a tool command goes to the journey (:meth:`assistant.journey.Journey.card_lost`),
which wipes as for any removal. After a PIN command the journey asks the card for the tries
again before its own VERIFY (:meth:`assistant.journey.Journey.pin_used_elsewhere`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import QObject, QTimer, Signal

from assistant.errors import AssistantError, CardRemovedError, ReaderError
from assistant.i18n import _, ngettext

if TYPE_CHECKING:
    from assistant.card.pin import PinResult
    from assistant.journey import Step
    from assistant.pin_tools import PinTask, PinTool, PinToolState, ToolCommand
    from ui.journey_view import JourneyController
    from ui.screens.pin_tool import PinToolScreen
    from ui.workers import Job

log = logging.getLogger(__name__)

T = TypeVar("T")


def _zero(*buffers: bytearray) -> None:
    for buffer in buffers:
        buffer[:] = bytes(len(buffer))


class PinToolsView(QObject):
    """The PIN tools of one journey controller."""

    #: Every state of the open tool, then None when it closes (the mediator's panel listens:
    #: the mediator looks away while the patient types).
    changed = Signal(object)

    def __init__(self, controller: JourneyController) -> None:
        super().__init__(controller)
        self.controller = controller
        #: Whether "Test my PIN" and "Change my PIN" are offered (not in kiosk mode).
        self.enabled = True
        self.tool: PinTool | None = None
        self.host: Step | None = None
        self.job: Job[object] | None = None
        self._screens: dict[PinTask, PinToolScreen] = {}
        self._abandoning = False

    @property
    def is_open(self) -> bool:
        return self.tool is not None

    def screen(self, task: PinTask) -> PinToolScreen:
        """The screen of ``task`` (made on first use)."""
        from assistant.pin_tools import PinTask

        screen = self._screens.get(task)
        if screen is None:
            if task is PinTask.TEST:
                from ui.screens.pin_test import PinTestScreen

                screen = PinTestScreen()
            else:
                from ui.screens.pin_change import PinChangeScreen

                screen = PinChangeScreen()
            screen.submitted.connect(self._submitted)
            screen.ready.connect(lambda: self._event(lambda t: t.start_on_pinpad()))
            screen.confirm_last.connect(lambda: self._event(lambda t: t.confirm_last_try()))
            screen.cancel_last.connect(lambda: self._event(lambda t: t.cancel_last_try()))
            screen.retry_requested.connect(lambda: self._event(lambda t: t.retry()))
            screen.close_requested.connect(lambda: self._event(lambda t: t.close()))
            self.controller.shell.add_screen(screen)
            self._screens[task] = screen
        return screen

    def built(self, task: PinTask) -> PinToolScreen | None:
        return self._screens.get(task)

    # ------------------------------------------------------------------ opening, closing
    def open(self, task: PinTask) -> None:
        """Open ``task`` from the step shown now (needs a card session)."""
        from assistant.pin_tools import PinTool

        if not self.enabled or self.tool is not None or self.controller.session is None:
            return
        self.host = self.controller.journey.step
        tool = PinTool(task)
        self.tool = tool
        tool.add_listener(self._on_state)
        self.screen(task).clear_pin()
        self.controller.shell.set_back_handler(self.back)
        tool.start()

    def back(self) -> None:
        self._event(lambda t: t.back())

    def abandon(self) -> None:
        """The journey moved on (card out, reset, finish): close without giving it its step."""
        if self.tool is None:
            return
        self._abandoning = True
        try:
            self.tool.close()
        finally:
            self._abandoning = False

    def wipe(self) -> None:
        """Zero what the keypads hold (personal data wiped)."""
        self.abandon()
        for screen in self._screens.values():
            screen.clear_pin()

    def _closed(self, tool: PinTool) -> None:
        self.tool = None
        if self.job is not None:
            self.job.cancel()
            self.job = None
        for screen in self._screens.values():
            screen.clear_pin()
        shell = self.controller.shell
        shell.set_back_handler(None)
        self.changed.emit(None)
        if self._abandoning:
            return
        journey = self.controller.journey
        before = journey.state
        if tool.pin_used:
            journey.pin_used_elsewhere()  # (the journey draws its step again)
        if journey.state is before:
            self.controller.redraw()

    # ------------------------------------------------------------------ patient events
    def _event(self, event: Callable[[PinTool], list[ToolCommand]]) -> None:
        if self.tool is not None:
            event(self.tool)

    def _submitted(self) -> None:
        tool = self.tool
        if tool is None:
            return
        pin = self.screen(tool.task).take_pin()
        tool.pin_entered(pin)  # the tool owns it now (zeroed on every way out)

    # ------------------------------------------------------------------ drawing
    def _on_state(self, state: PinToolState, commands: list[ToolCommand]) -> None:
        from assistant.pin_tools import Phase

        tool = self.tool
        if tool is None:
            return
        if state.phase is Phase.CLOSED:
            for command in commands:
                self._run(tool, command)
            self._closed(tool)
            return
        screen = self.screen(state.task)
        if not state.typing:
            screen.clear_pin()
        screen.show_state(state)
        shell = self.controller.shell
        shell.show_screen(screen, self.controller.journey.position())
        shell.set_back_enabled(tool.can_go_back())
        self._announce(state, screen)
        self.changed.emit(state)
        for command in commands:
            self._run(tool, command)

    def _announce(self, state: PinToolState, screen: PinToolScreen) -> None:
        from assistant.pin_tools import Outcome, Phase

        message = ""
        if state.phase is Phase.DONE and state.outcome is Outcome.WRONG:
            n = state.tries_left or 0
            message = ngettext(
                "The PIN code is not correct. You have {n} try left.",
                "The PIN code is not correct. You have {n} tries left.",
                n,
            ).format(n=n)
        elif state.phase is Phase.DONE or state.notice is not None:
            parts = [screen.heading.text(), screen.problem_text.text()]
            message = " ".join(p for p in parts if p)
        elif state.phase is Phase.CONFIRM_LAST:
            message = _("Careful: this is your last try.")
        if message:
            self.controller.shell.announce(message)

    # ------------------------------------------------------------------ commands
    def _run(self, tool: PinTool, command: ToolCommand) -> None:
        from assistant.pin_tools import PinTask, ToolCommandKind

        kind, token = command.kind, command.token
        if kind is ToolCommandKind.CANCEL_WORK:
            if self.job is not None:
                self.job.cancel()
                self.job = None
            return
        session = self.controller.session
        if session is None:
            _zero(*tool.take_pins())
            # On the next turn: the tool is still drawing the state that asked for this.
            QTimer.singleShot(0, self, lambda: self._card_gone(CardRemovedError("no session")))
            return
        if kind is ToolCommandKind.READ_TRIES:
            test = tool.task is PinTask.TEST

            def read() -> tuple[int | None, bool]:
                tries = session.pin_tries_left()
                pinpad = session.has_pinpad() if test else session.has_pinpad_change()
                return tries, pinpad

            def read_done(result: tuple[int | None, bool]) -> None:
                self.job = None
                tool.tries_read(token, result[0], pinpad=result[1])

            def read_failed(error: AssistantError) -> None:
                if not self._card_gone(error):
                    tool.tries_read_failed(token, error)

            self._start(read, read_done, read_failed)
            return
        current, new = tool.take_pins()

        def check() -> PinResult:
            try:
                if kind is ToolCommandKind.VERIFY:
                    return session.verify_pin(current)
                if kind is ToolCommandKind.VERIFY_ON_PINPAD:
                    return session.verify_pin_on_pinpad()
                if kind is ToolCommandKind.CHANGE:
                    return session.change_pin(current, new)
                return session.change_pin_on_pinpad()
            finally:
                _zero(current, new)

        def checked(result: PinResult) -> None:
            self.job = None
            tool.pin_checked(token, result)

        def check_failed(error: AssistantError) -> None:
            if not self._card_gone(error):
                tool.pin_check_failed(token, error)

        self._start(check, checked, check_failed)

    def _start(
        self,
        fn: Callable[[], T],
        done: Callable[[T], object],
        fail: Callable[[AssistantError], object],
    ) -> None:
        from ui.workers import run_in_worker

        if self.job is not None:
            self.job.cancel()
        self.job = run_in_worker(fn, done, fail, after_paint=True)

    def _card_gone(self, error: BaseException) -> bool:
        """When the card or the reader left during a tool command, the journey wipes (which
        closes the tool) and this is True; other errors are the tool's own."""
        self.job = None
        if not isinstance(error, CardRemovedError | ReaderError):
            return False
        if self.tool is not None and not self.controller.journey.card_lost(error):
            self.abandon()
            self.controller.redraw()
        return True
