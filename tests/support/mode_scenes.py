"""Screens of mediator and kiosk modes, as scenes for ``packaging/screenshots.sh``.

Each scene adds its mode's parts to the harness shell (guide panel, training banner, kiosk
banner, idle warning, staff panel, prescriptions) and takes them away again in ``cleanup``,
so the journey scenes drawn after it are unchanged.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from PySide6.QtWidgets import QApplication, QWidget

from assistant.journey import JourneyState, Problem, Step
from assistant.settings import KioskConfig
from assistant.staff_code import StaffLockout, hash_staff_code
from tests.support.journey_harness import JourneyHarness
from tests.support.journey_scenes import Scene, show_state
from ui.modes.idle_warning import IdleWarning
from ui.modes.kiosk.banner import KioskBanner
from ui.modes.kiosk.prescriptions import PrescriptionPanel
from ui.modes.kiosk.staff_panel import StaffPanel
from ui.modes.mediator.panel import MediatorPanel
from ui.modes.mediator.training_banner import TrainingBanner
from ui.screens.welcome import WelcomeScreen

CONFIG = KioskConfig(
    pharmacy_name="Pharmacie du Parc", exit_code_hash=hash_staff_code("0", n=2**12)
)


@dataclass(frozen=True)
class ModeScene(Scene):
    """A scene with a ``cleanup`` the screenshot runner calls after the shot."""

    cleanup: Callable[[JourneyHarness], None] = field(default=lambda h: None)


_added: list[QWidget] = []


def _reader_provided(h: JourneyHarness, provided: bool) -> None:
    """The kiosk's welcome does not ask for a card reader (as ``KioskMode`` sets it)."""
    welcome = h.controller.screens[Step.WELCOME]
    if isinstance(welcome, WelcomeScreen):
        welcome.set_reader_provided(provided)


def _drop_added(h: JourneyHarness) -> None:
    _reader_provided(h, False)
    h.shell.set_side_panel(None)
    for w in _added:
        w.hide()
        w.setParent(None)
        w.deleteLater()
    _added.clear()
    QApplication.processEvents()


def _mediator(state: JourneyState, training: bool = True) -> Callable[[JourneyHarness], None]:
    def show(h: JourneyHarness) -> None:
        _drop_added(h)
        if training:
            banner = TrainingBanner()
            h.shell.add_banner(banner)
            _added.append(banner)
        panel = MediatorPanel()
        h.shell.set_side_panel(panel)
        _added.append(panel)
        show_state(h, state)
        panel.set_state(state)
        QApplication.processEvents()

    return show


def _kiosk(state: JourneyState, extra: str = "") -> Callable[[JourneyHarness], None]:
    def show(h: JourneyHarness) -> None:
        _drop_added(h)
        banner = KioskBanner(CONFIG.pharmacy_name)
        h.shell.add_banner(banner)
        _added.append(banner)
        _reader_provided(h, True)
        show_state(h, state)
        if extra == "prescriptions":
            panel = PrescriptionPanel()
            record = h.controller.journey.record
            panel.set_prescriptions(list(record.prescriptions) if record is not None else [])
            h.shell.set_side_panel(panel)
            _added.append(panel)
        elif extra == "idle":
            warning = IdleWarning(h.shell)
            warning.set_seconds(17)
            warning.cover()
            _added.append(warning)
        elif extra == "staff":
            staff = StaffPanel(h.shell, CONFIG.check_exit_code, StaffLockout(None))
            staff.open()
            staff.code.setText("12")
            _added.append(staff)
        QApplication.processEvents()

    return show


def mode_scenes() -> list[Scene]:
    s = Step
    return [
        ModeScene("m1-mediator-welcome", _mediator(JourneyState(s.WELCOME)), _drop_added),
        ModeScene("m2-mediator-pin", _mediator(JourneyState(s.PIN)), _drop_added),
        ModeScene(
            "m3-mediator-blocked",
            _mediator(JourneyState(s.PIN, Problem.PIN_BLOCKED, tries_left=0), training=False),
            _drop_added,
        ),
        ModeScene("m4-mediator-record", _mediator(JourneyState(s.RECORD)), _drop_added),
        ModeScene("k1-kiosk-welcome", _kiosk(JourneyState(s.WELCOME)), _drop_added),
        ModeScene(
            "k2-kiosk-prescriptions", _kiosk(JourneyState(s.RECORD), "prescriptions"), _drop_added
        ),
        ModeScene("k3-kiosk-idle-warning", _kiosk(JourneyState(s.RECORD), "idle"), _drop_added),
        ModeScene("k4-kiosk-staff", _kiosk(JourneyState(s.WELCOME), "staff"), _drop_added),
    ]
