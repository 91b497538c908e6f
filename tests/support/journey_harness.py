"""The whole journey in a test: shell + controller + virtual card + embedded hub.

Reusable by the record viewer and kiosk tests::

    h = JourneyHarness.start(qtbot)              # in-process reader, demo card inserted
    h.walk_to(Step.RECORD)                       # keyboard only
    h.card.remove(); h.wait_step(Step.CARD)
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

from assistant.demo.card.demo import DemoCard, start_demo_card
from assistant.demo.hub.embedded import EmbeddedHub, start_embedded_hub
from assistant.i18n import set_language
from assistant.journey import Step
from tests.support.trust import DEMO_TRUST
from ui import theme as theme_mod
from ui.journey_view import JourneyController
from ui.shell import Shell
from ui.speech import Speaker
from ui.widgets import BigButton

TIMEOUT_MS = 15000


@dataclass
class JourneyHarness:
    qtbot: Any
    shell: Shell
    controller: JourneyController
    card: DemoCard
    hub: EmbeddedHub
    gate: threading.Event = field(default_factory=threading.Event)
    cleanups: list[Callable[[], None]] = field(default_factory=list)

    @classmethod
    def start(
        cls,
        qtbot: Any,
        *,
        citizen: str = "adult",
        use_pcscd: bool = False,
        port: int | None = None,
        language: str = "en",
        gate_connect: bool = False,
        viewer: bool = True,
        high_contrast: bool = False,
        text_scale: float = 1.0,
        portal: bool = False,
    ) -> JourneyHarness:
        """``portal``: a real card's route with no record service ("Is this you?" leads to the
        readiness check and the official portal; the hub is never asked)."""
        set_language(language)
        theme_mod.set_theme(theme_mod.Theme(high_contrast=high_contrast, text_scale=text_scale))
        kwargs: dict[str, Any] = {"use_pcscd": use_pcscd}
        if port is not None:
            kwargs["port"] = port
        card = start_demo_card(citizen, **kwargs)
        hub = start_embedded_hub()
        gate = threading.Event()
        if not gate_connect:
            gate.set()

        def source(signer: Any) -> Any:
            if portal:
                from assistant.records.source import NoRecordService

                return NoRecordService()
            real = hub.record_source(signer)

            class Gated:
                def load(self) -> Any:
                    if not gate.wait(TIMEOUT_MS / 1000):
                        raise TimeoutError("test gate never opened")
                    return real.load()

            return Gated()

        viewer_factory = None
        if viewer:
            from ui.record.home import RecordHome

            viewer_factory = RecordHome
        shell = Shell(Speaker(engine="mock"))
        qtbot.addWidget(shell)
        controller = JourneyController(
            shell, card.backend, source, viewer_factory=viewer_factory, card_trust=DEMO_TRUST
        )
        controller.journey.set_portal_route(portal)
        shell.resize(1024, 768)
        shell.show()
        shell.activateWindow()
        qtbot.waitExposed(shell)
        h = cls(qtbot, shell, controller, card, hub, gate)
        return h

    def close(self) -> None:
        self.gate.set()
        self.controller.stop()
        from ui.workers import wait_for_all

        wait_for_all(10000)
        self.card.stop()
        self.hub.stop()
        for c in self.cleanups:
            c()
        # leave the next test the defaults
        set_language("en")
        theme_mod.set_theme(theme_mod.Theme())

    # ---------------------------------------------------------------- observing
    @property
    def step(self) -> Step:
        return self.controller.journey.step

    @property
    def state(self) -> Any:
        return self.controller.journey.state

    def wait_step(self, step: Step, busy: bool | None = False, timeout: int = TIMEOUT_MS) -> None:
        def ok() -> None:
            assert self.step is step, self.state
            if busy is not None:
                assert self.state.busy is busy, self.state
            QApplication.processEvents()

        self.qtbot.waitUntil(ok, timeout=timeout)

    def pull_card(self) -> None:
        """Take the card out and wait until the monitor has seen it go."""
        from assistant.card.monitor import ReaderState

        self.card.remove()
        self.qtbot.waitUntil(
            lambda: self.controller.monitor.current().state is not ReaderState.CARD_PRESENT,
            timeout=TIMEOUT_MS,
        )

    def unplug_reader(self) -> None:
        """Unplug the in-process reader and wait until the monitor has seen it."""
        from assistant.card.monitor import ReaderState

        self.card.backend.unplug_reader()  # type: ignore[attr-defined]
        self.qtbot.waitUntil(
            lambda: self.controller.monitor.current().state is ReaderState.NO_READER,
            timeout=TIMEOUT_MS,
        )
        self.qtbot.waitUntil(lambda: self.controller.journey.reader.name == "NO_READER")

    def put_card(self) -> None:
        from assistant.card.monitor import ReaderState

        self.card.insert()
        self.qtbot.waitUntil(
            lambda: self.controller.monitor.current().state is ReaderState.CARD_PRESENT,
            timeout=TIMEOUT_MS,
        )

    def focused(self) -> QWidget | None:
        # Under a bare X server (no window manager) the window may not be active: then the
        # window's own focus widget is the one that would get the keys.
        return QApplication.focusWidget() or self.shell.focusWidget()

    # ---------------------------------------------------------------- keyboard only
    def key(self, key: Qt.Key, text: str = "") -> None:
        target = self.focused() or self.shell
        self.qtbot.keyClick(target, key)

    def type_text(self, text: str) -> None:
        for ch in text:
            target = self.focused() or self.shell
            self.qtbot.keyClicks(target, ch)

    def enter(self) -> None:
        self.key(Qt.Key.Key_Return)

    def tab_to(self, widget: QWidget, limit: int = 80) -> None:
        """Press Tab until ``widget`` has the focus (fails if it is not reachable)."""
        for _ in range(limit):
            if self.focused() is widget:
                return
            self.key(Qt.Key.Key_Tab)
        assert self.focused() is widget, f"{widget.objectName()} not reachable with Tab"

    def press(self, button: BigButton) -> None:
        """Reach ``button`` with Tab and press Enter."""
        self.tab_to(button)
        self.enter()

    def walk_to(self, step: Step, pin: str = "1234") -> None:
        """From Welcome to ``step`` with the keyboard only (card already in the reader)."""
        c = self.controller
        self.wait_step(Step.WELCOME)
        if step is Step.WELCOME:
            return
        self.enter()  # the current language (Welcome's main action) has the focus
        self.wait_step(Step.CONFIRM_IDENTITY)
        if step is Step.CONFIRM_IDENTITY:
            return
        self.enter()  # "Yes, this is me"
        if self.controller.journey.portal_route:
            self.wait_step(Step.PORTAL)
            assert step is Step.PORTAL, "the portal route has no PIN step of its own"
            return
        self.wait_step(Step.ABOUT_PIN)
        if step is Step.ABOUT_PIN:
            return
        self.enter()  # "I know my PIN code"
        self.wait_step(Step.PIN)
        if step is Step.PIN:
            return
        self.type_text(pin)
        assert c.pin_screen.pad.count == len(pin)
        self.enter()
        if step is Step.CONNECTING:
            self.wait_step(Step.CONNECTING, busy=None)  # the test holds the gate closed
            return
        self.wait_step(Step.RECORD)
        if step is Step.RECORD:
            return
        self.press(c.record_screen.done)
        self.wait_step(Step.FINISH)


def interactive_widgets(root: QWidget) -> list[QWidget]:
    """Visible widgets a patient can act on (buttons, combo boxes, edits...)."""
    from PySide6.QtWidgets import QAbstractButton, QAbstractSlider, QComboBox, QLineEdit

    kinds = (QAbstractButton, QComboBox, QLineEdit, QAbstractSlider)
    from PySide6.QtWidgets import QPlainTextEdit, QTextEdit

    kinds = (*kinds, QTextEdit, QPlainTextEdit)
    return [
        w
        for w in root.findChildren(QWidget)
        if isinstance(w, kinds) and w.isVisible() and w.isEnabled()
    ]
