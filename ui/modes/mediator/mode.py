"""Mediator mode (public digital spaces) and training mode, put together on the main window.

The guide panel beside every screen (:mod:`ui.modes.mediator.panel`), the training banner
(:mod:`ui.modes.mediator.training_banner`), the inactivity lock and reset between visitors (a
shared PC: the next visitor must never find the last patient's record;
:class:`ui.modes.session_watch.SessionWatch`), the anonymous session log, and "Relay to care
providers" (:mod:`ui.modes.mediator.relay_sheet`). :func:`install` is what the program calls
(see :mod:`ui.modes.hooks`).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from PySide6.QtCore import QObject

from assistant.journey import Journey, JourneyState
from assistant.session_log import SessionLog
from assistant.settings import Mode, Settings
from ui.modes.hooks import ModeContext
from ui.modes.mediator.panel import MediatorPanel
from ui.modes.mediator.relay_sheet import RelaySheetDialog
from ui.modes.mediator.training_banner import TrainingBanner
from ui.modes.session_watch import SessionWatch
from ui.shell import Shell

log = logging.getLogger(__name__)


class MediatorMode(QObject):
    """What mediator and training modes add to ``window`` (a :class:`ui.shell.Shell`)."""

    def __init__(
        self,
        window: Shell,
        settings: Settings,
        *,
        journey: Journey,
        reset: Callable[[], None] | None = None,
        speak: Callable[[str], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
        tick_ms: int = 250,
        timeout_seconds: float | None = None,
        warning_seconds: float | None = None,
        min_warning_seconds: float = 20.0,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.settings = settings
        self.journey = journey
        self.banner: TrainingBanner | None = None
        self.panel: MediatorPanel | None = None
        self.watch: SessionWatch | None = None
        self.relay_dialog: RelaySheetDialog | None = None
        if settings.training:
            self.banner = TrainingBanner()
            window.add_banner(self.banner)
        if settings.mode is Mode.MEDIATOR:
            self.panel = MediatorPanel()
            self.panel.relay_requested.connect(self.open_relay_sheet)
            window.set_side_panel(self.panel)
            self.panel.set_state(journey.state)
            journey.add_listener(self._journey_changed)
            timeout = timeout_seconds or settings.idle_timeout_seconds or 600.0
            self.watch = SessionWatch(
                window,
                timeout_seconds=timeout,
                warning_seconds=warning_seconds or settings.warning_seconds,
                mode=Mode.MEDIATOR,
                journey=journey,
                reset=reset,
                speak=speak,
                session_log=SessionLog(settings.session_log_folder()),
                training=settings.training,
                clock=clock,
                tick_ms=tick_ms,
                min_warning_seconds=min_warning_seconds,
            )
            self.watch.before_reset.append(self.close_relay_sheet)

    def _journey_changed(self, state: JourneyState, _commands: object) -> None:
        if self.panel is not None:
            self.panel.set_state(state)

    def open_relay_sheet(self) -> RelaySheetDialog:
        """Open "Relay to care providers" (non-blocking: the idle lock keeps running)."""
        if self.relay_dialog is None:
            self.relay_dialog = RelaySheetDialog(self.window, file_access=self.settings.file_access)
        self.relay_dialog.retranslate()
        self.relay_dialog.open()
        return self.relay_dialog

    def close_relay_sheet(self) -> None:
        if self.relay_dialog is not None and self.relay_dialog.isVisible():
            self.relay_dialog.reject()

    def shutdown(self) -> None:
        if self.watch is not None:
            self.watch.shutdown()


def install(context: ModeContext) -> MediatorMode:
    """Mediator or training mode on the program's main window (see
    :func:`ui.modes.hooks.install_modes`)."""
    shell = context.shell
    controller = context.controller
    settings = context.settings
    mode = MediatorMode(
        shell,
        settings,
        journey=controller.journey,
        reset=controller.reset,
        speak=shell.say if settings.speech_on else None,
    )
    if mode.panel is not None:
        # "Test my PIN" and "Change my PIN": the mediator looks away there too.
        controller.pin_tools.changed.connect(mode.panel.set_pin_tool)
    return mode
