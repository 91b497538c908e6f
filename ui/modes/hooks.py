"""The one interface between the program and its modes (kiosk, mediator, training).

The program (:mod:`ui.app`) calls :func:`install_modes` once its window and journey are made.
Each mode the settings ask for gets a :class:`ModeContext` and gives back its
:class:`ModeHooks`, which the program shuts down when it closes.

Modes fail closed: a mode whose package cannot be imported (a library or a Qt module missing)
or whose installation fails raises :class:`ModeUnavailable`, and the program stops with a
message instead of running without the kiosk's lock, the inactivity reset or the wipe between
patients.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from assistant.settings import Mode, Settings

if TYPE_CHECKING:
    from ui.journey_view import JourneyController
    from ui.modes.session_watch import SessionWatch
    from ui.shell import Shell

log = logging.getLogger(__name__)


class ModeContext:
    """What a mode may use of the running program: its window, its journey and its settings;
    ``next_session`` is where the last patient's session ended when the program started again
    for the next one (see :mod:`ui.modes.session_end`)."""

    __slots__ = ("controller", "next_session", "settings", "shell")

    def __init__(
        self,
        shell: Shell,
        controller: JourneyController,
        settings: Settings,
        *,
        next_session: str | None = None,
    ) -> None:
        self.shell = shell
        self.controller = controller
        self.settings = settings
        self.next_session = next_session


class ModeHooks(Protocol):
    """What the program holds of an installed mode."""

    @property
    def watch(self) -> SessionWatch | None:
        """The mode's inactivity lock and reset between patients (None: it has none)."""
        ...

    def shutdown(self) -> None:
        """Stop the mode's timers and application-wide filters (before the window goes)."""
        ...


class ModeUnavailable(Exception):
    """A mode the settings ask for cannot be imported or installed (the message names the mode
    and the error, never a person)."""

    def __init__(self, mode: str, error: BaseException) -> None:
        super().__init__(f"{mode} mode cannot start: {type(error).__name__}: {error}")
        self.mode = mode


def _mediator(context: ModeContext) -> ModeHooks:
    import ui.modes.mediator as mediator  # (this form looks in sys.modules: tests can block it)

    return mediator.install(context)


def _kiosk(context: ModeContext) -> ModeHooks:
    import ui.modes.kiosk as kiosk

    return kiosk.install(context)


def wanted_modes(settings: Settings) -> tuple[str, ...]:
    """The modes ``settings`` ask for, in the order they are installed: the mediator's package
    serves mediator and training mode (training's banner); the kiosk's, kiosk mode."""
    wanted: list[str] = []
    if settings.mode is Mode.MEDIATOR or settings.training:
        wanted.append("mediator")
    if settings.mode is Mode.KIOSK:
        wanted.append("kiosk")
    return tuple(wanted)


_INSTALLERS: dict[str, Callable[[ModeContext], ModeHooks]] = {
    "mediator": _mediator,
    "kiosk": _kiosk,
}


#: The name under which the restart rule is installed (and reported if it cannot load).
SESSION_END = "session end"


def _session_end(context: ModeContext, installed: list[ModeHooks]) -> ModeHooks:
    import ui.modes.session_end as session_end

    watches = tuple(hooks.watch for hooks in installed if hooks.watch is not None)
    return session_end.install(context, watches)


def restarts(settings: Settings) -> bool:
    """Whether each patient's session ends with the program started again
    (:mod:`ui.modes.session_end`): on a computer the next person uses (mediator, kiosk) and in
    training, which practises the same. (Here: home mode never imports that module.)"""
    return settings.mode in (Mode.MEDIATOR, Mode.KIOSK) or settings.training


def install_modes(context: ModeContext) -> tuple[ModeHooks, ...]:
    """Install every mode the settings ask for, then (mediator, kiosk, training) the rule that
    starts the program again after each patient (:mod:`ui.modes.session_end`);
    :class:`ModeUnavailable` if one cannot load (those installed before it are shut down)."""
    installed: list[ModeHooks] = []
    names = list(wanted_modes(context.settings))
    if restarts(context.settings):
        names.append(SESSION_END)
    for name in names:
        try:
            if name == SESSION_END:
                installed.append(_session_end(context, installed))
            else:
                installed.append(_INSTALLERS[name](context))
        except Exception as exc:
            for hooks in reversed(installed):
                hooks.shutdown()
            raise ModeUnavailable(name, exc) from exc
        log.info("%s installed", name)
    return tuple(installed)


def when_session_ends(modes: tuple[ModeHooks, ...], quit_program: Callable[[], None]) -> None:
    """Call ``quit_program`` when a patient's session ended and the program must start again
    (the event loop stops; :func:`next_program` then says how to start)."""
    if not modes:
        return  # (home, demo: one process; the module is not even loaded)
    from ui.modes.session_end import SessionEnd

    for hooks in modes:
        if isinstance(hooks, SessionEnd):
            hooks.requested.connect(quit_program)


def next_program(modes: tuple[ModeHooks, ...]) -> list[str] | None:
    """The command line to start again with after a patient's session, or None."""
    if not modes:
        return None
    from ui.modes.session_end import SessionEnd

    for hooks in modes:
        if isinstance(hooks, SessionEnd) and hooks.command is not None:
            return hooks.command
    return None


def start_again(command: list[str]) -> None:
    """Replace this program with ``command`` (see :func:`ui.modes.session_end.start_again`);
    returns only by raising OSError."""
    from ui.modes.session_end import start_again as exec_command

    exec_command(command)
