"""The graphical assistant: ``main(args)`` parses the command line and runs the journey.

By default it uses the card readers of this computer (a real card). The virtual eID card
(through pcscd + vpcd when available, else in-process) and the embedded demo hub are used only
with ``--demo`` or ``--training``; a real card with no record service set up is guided to the
official portal, never to demo data. Kiosk, mediator and training mode are installed through
:mod:`ui.modes.hooks`.

Exit codes of :func:`main`: 0 the program was closed; :data:`EXIT_CANNOT_START` (2) the
command line names something the program cannot use; :data:`EXIT_MODE_UNAVAILABLE` (3) the mode
asked for (kiosk, mediator, training) cannot load, so the program does not run at all rather
than run without its lock and its reset between patients; :data:`EXIT_BAD_CONFIG` (78) the
kiosk file cannot be used. Each says why on screen (a message box) when a screen is possible,
and on standard error.
"""

from __future__ import annotations

import argparse
import gc
import logging
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QLibraryInfo, QLocale, QTimer, QTranslator
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

import assistant
import assistant.errors
from assistant import settings as settings_mod
from assistant.i18n import (
    LOCALE_NAMES,
    _,
    add_language_listener,
    current_language,
    remove_language_listener,
    set_language,
    system_language,
)
from ui import theme as theme_mod
from ui.app_icon import set_window_icon
from ui.journey_view import JourneyController
from ui.shell import Shell
from ui.speech import Speaker
from ui.startup import after_first_paint, make_qt_namespace
from ui.widgets import Body
from ui.workers import run_in_worker, wait_for_all

if TYPE_CHECKING:
    from assistant.card.connection import CardBackend
    from assistant.card.signature import ChallengeSigner
    from assistant.card.trust import TrustStore
    from assistant.demo.card.demo import DemoCard
    from assistant.demo.hub.embedded import EmbeddedHub
    from assistant.errors import AssistantError
    from assistant.records.model import Record
    from assistant.records.record_services import RecordService
    from assistant.records.source import RecordSource
    from ui.journey_view import RecordSourceFactory, ViewerFactory
    from ui.modes.hooks import ModeHooks
    from ui.record.home import RecordHome

log = logging.getLogger(__name__)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dossier-assistant",
        description="See and understand your health record with your Belgian eID card.",
    )
    settings_mod.add_arguments(parser)
    parser.add_argument(
        "--real-card",
        action="store_true",
        help="use the card readers of this computer (PC/SC): the default without --demo",
    )
    parser.add_argument("--reader", metavar="NAME", help="only use readers whose name has NAME")
    parser.add_argument(
        "--hub-url",
        metavar="URL",
        help="FHIR hub that speaks the demo hub's login (default: none; --demo: the demo hub)",
    )
    parser.add_argument("--hub-ca", metavar="PEM", help="CA certificate file for --hub-url")
    parser.add_argument(
        "--record-service",
        metavar="ID",
        help="home mode: log in to this record service of record-services.toml (SMART)",
    )
    parser.add_argument("--record-services", metavar="TOML", help=argparse.SUPPRESS)  # tests
    parser.add_argument(
        "--citizen", default=None, help="demo mode: which virtual citizen's card to insert"
    )
    parser.add_argument("--no-pcscd", action="store_true", help="demo: use the in-process reader")
    parser.add_argument("--data-dir", default=None, help=argparse.SUPPRESS)  # tests, portable
    parser.add_argument("--quit-after", type=float, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--report-ready", action="store_true", help=argparse.SUPPRESS)
    return parser


#: :func:`main`'s exit code when the program cannot start as asked (README lists them all).
EXIT_CANNOT_START = 2
#: :func:`main`'s exit code when the mode asked for (kiosk, mediator, training) cannot be
#: imported or installed: the program never runs without its lock and its reset.
EXIT_MODE_UNAVAILABLE = 3
#: Exit code when the kiosk file cannot be used (EX_CONFIG: systemd does not restart in a loop).
EXIT_BAD_CONFIG = 78


class StartupProblem(Exception):
    """The program cannot start as asked; ``message`` is for the person, ``detail`` for the
    person who set the computer up (no personal data), ``exit_code`` for :func:`main`."""

    def __init__(self, message: str, detail: str, exit_code: int = EXIT_CANNOT_START) -> None:
        super().__init__(detail)
        self.message = message
        self.detail = detail
        self.exit_code = exit_code


def _check_args(ns: argparse.Namespace) -> settings_mod.Settings:
    """The settings of this run, or StartupProblem with clear words (no traceback)."""
    try:
        s = settings_mod.settings_from_args(ns)
    except assistant.errors.BadDataError as exc:
        raise StartupProblem(
            _("The kiosk settings file cannot be used. Ask the person who set up this computer."),
            exc.detail,
            EXIT_BAD_CONFIG,
        ) from None
    if (ns.citizen is not None or ns.no_pcscd) and not s.uses_virtual_card:
        raise StartupProblem(
            _("A practice card is only used with --demo or --training."),
            "--citizen or --no-pcscd without --demo or --training",
        )
    if ns.citizen is not None:
        from assistant.demo.card.citizens import CITIZENS  # (demo only: ~4 ms)

        if ns.citizen not in CITIZENS:
            raise StartupProblem(
                _("There is no practice card called {name}. Choose one of: {names}.").format(
                    name=ns.citizen, names=", ".join(sorted(CITIZENS))
                ),
                "unknown --citizen",
            )
    if ns.hub_ca is not None:
        try:
            with open(ns.hub_ca, "rb") as fh:
                head = fh.read(65536)
        except OSError as exc:
            raise StartupProblem(
                _("The certificate file for the hub cannot be read. Check the file name."),
                f"--hub-ca unreadable: {exc.strerror}",
            ) from None
        if b"-----BEGIN CERTIFICATE-----" not in head:
            raise StartupProblem(
                _("The certificate file for the hub is not a certificate. Check the file."),
                "--hub-ca is not PEM",
            )
    if ns.data_dir is not None:
        s = s.replace(data_dir=Path(ns.data_dir))
    ns.smart_service = _smart_service(ns, s)
    return s


def _smart_service(ns: argparse.Namespace, s: settings_mod.Settings) -> RecordService | None:
    """The record service to log in to with SMART (a RecordService), or None.

    Home mode with a real card only: ``--record-service ID``, or the only service of the
    file. Kiosk, mediator, demo and training never offer it (see record_services).
    """
    if ns.record_service is None and s.uses_virtual_card:
        return None
    from assistant.records import record_services

    if not record_services.smart_offered(s):
        if ns.record_service is None:
            return None
        raise StartupProblem(
            _("A login to a record service is only possible at home, with a real card."),
            "--record-service outside home mode",
        )
    path: str | Path | None = ns.record_services or record_services.record_services_path(s)
    if path is None:  # SMART is offered here (checked above), so its file has a place
        return None
    try:
        services = record_services.load_record_services(path)
    except assistant.errors.BadDataError as exc:
        raise StartupProblem(
            _("The list of record services cannot be used. Ask the person who set it up."),
            exc.detail,
        ) from None
    if ns.record_service is None:
        return services[0] if len(services) == 1 else None
    for service in services:
        if service.id == ns.record_service:
            return service
    raise StartupProblem(
        _("There is no record service called {name}.").format(name=ns.record_service),
        "unknown --record-service",
    )


class QtTranslations:
    """Qt's own translations for standard dialogs (qtbase_xx), following the language."""

    def __init__(self, app: QApplication) -> None:
        self.app = app
        self.translator: QTranslator | None = None

    def apply(self, code: str) -> bool:
        if self.translator is not None:
            self.app.removeTranslator(self.translator)
            self.translator = None
        QLocale.setDefault(QLocale(LOCALE_NAMES.get(code, code)))
        if code == "en":
            return True
        path = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        translator = QTranslator(self.app)
        if translator.load(f"qtbase_{code}", path):
            self.app.installTranslator(translator)
            self.translator = translator
            return True
        log.info("no Qt translation for %s in %s", code, path)
        return False


class Running:
    """What ``build_app`` made (tests drive it; ``main`` runs it)."""

    def __init__(
        self,
        app: QApplication,
        shell: Shell,
        controller: JourneyController,
        settings: settings_mod.Settings,
        *,
        args: argparse.Namespace | None = None,
    ) -> None:
        self.app = app
        self.shell = shell
        self.controller = controller
        self.settings = settings
        self.cleanups: list[Callable[[], object]] = []
        self.demo: DemoCard | None = None
        self.hub: EmbeddedHub | None = None
        #: The modes installed on the window (kiosk, mediator, training), see ui.modes.hooks.
        self.modes: tuple[ModeHooks, ...] = ()
        self.ready = False
        #: What waits for the first paint (ui.startup, rule 1): the window icon, and the card
        #: and record services started in a worker (``services_now`` False). ``main`` runs
        #: them after the first paint, tests with :meth:`run_later`.
        self.later: list[Callable[[], object]] = []
        #: The parsed command line.
        self.args = args if args is not None else argparse.Namespace()

    def run_later(self) -> None:
        """Run (once) what waits for the first screen; see :attr:`later`."""
        calls = list(self.later)
        self.later.clear()
        for call in calls:
            call()

    def close(self) -> None:
        wait_for_all(30000)  # the services may still be starting
        self.controller.stop()
        self.shell.close()
        for cleanup in reversed(self.cleanups):
            try:
                cleanup()
            except Exception:
                log.exception("cleanup failed")
        self.cleanups.clear()


def _card_trust(run: Running) -> TrustStore:
    """The roots a genuine card chains to: the public Belgian roots, plus the virtual cards'
    test roots in demo mode only (never for a real card)."""
    from assistant.card.trust import TrustStore

    if run.demo is None:
        return TrustStore.belgian()
    from assistant.demo.card.pki import demo_roots

    return TrustStore.belgian().with_roots(*demo_roots())


def _card_backend(ns: argparse.Namespace, s: settings_mod.Settings, run: Running) -> CardBackend:
    """The readers of this computer; the virtual card only with --demo or --training."""
    if not s.uses_virtual_card:
        from assistant.card.pcsc import PcscBackend

        backend = PcscBackend(ns.reader)
        run.cleanups.append(backend.close)
        return backend
    from assistant.demo.card.citizens import DEFAULT_CITIZEN
    from assistant.demo.card.demo import start_demo_card

    demo = start_demo_card(ns.citizen or DEFAULT_CITIZEN, use_pcscd=not ns.no_pcscd)
    run.demo = demo
    run.cleanups.append(demo.stop)
    return demo.backend


def _record_source(
    ns: argparse.Namespace, run: Running
) -> Callable[[ChallengeSigner], RecordSource]:
    service = getattr(ns, "smart_service", None)
    if service is not None:
        from assistant.records.smart_source import SmartRecordSource

        # The service's own login (in the system browser) says who it is: the card's
        # signature is not used, and the demo hub never sees a real card.
        return lambda _signer: SmartRecordSource(service)
    if ns.hub_url:
        import httpx

        from assistant.records.hub_source import HubRecordSource

        client = httpx.Client(verify=ns.hub_ca or True, timeout=30.0)
        run.cleanups.append(client.close)
        url = str(ns.hub_url)
        return lambda signer: HubRecordSource(client, url, signer)
    if not run.settings.uses_virtual_card:
        from assistant.records.source import NoRecordService

        # No record service for a real card: the journey guides the patient to the official
        # portal (never to the demo hub, which serves the virtual cards only).
        return lambda _signer: NoRecordService()
    from assistant.demo.hub.embedded import start_embedded_hub

    hub = start_embedded_hub()
    run.hub = hub
    run.cleanups.append(hub.stop)
    return hub.record_source


def _portal_route(ns: argparse.Namespace, s: settings_mod.Settings) -> bool:
    """A real card with no record service set up is guided to the official portal (the
    kiosk file's ``record_source = "portal"`` says the same for a pharmacy)."""
    if s.uses_virtual_card or ns.hub_url:
        return False
    return getattr(ns, "smart_service", None) is None


def settle_startup_heap() -> None:
    """Keep what start-up made (Qt wrappers, catalogs, glossary, demo data) out of the
    cyclic garbage collector's way.

    A full collection walks every live object while holding the interpreter lock: with the
    start-up objects in it, one triggered by the record being parsed on a worker froze the
    screen for 50-100 ms. Called once, when the services are ready and before any card is
    read, so no personal data is ever frozen; objects made later are collected as usual.
    The launcher keeps the collector off during start-up; it is on again from here.
    """
    gc.collect()
    gc.freeze()
    gc.enable()


def _viewer_factory(s: settings_mod.Settings) -> ViewerFactory:
    # Imported in the services' worker (the viewer ~80 ms, the notebook brings the record
    # model: ~16 ms); the widgets are made later, on the GUI thread.
    from assistant.notes import Notebook
    from ui.record.home import RecordHome

    def make(record: Record, parent: QWidget) -> RecordHome:
        return RecordHome(
            record,
            parent,
            notebook=Notebook(s.notes_path()),
            may_save_files=s.may_write_personal_data,
            file_access=s.file_access,
        )

    return make


def build_app(
    args: list[str], app: QApplication | None = None, *, services_now: bool = True
) -> Running:
    """Parse ``args`` and build the window, the journey and its card and record sources.

    ``services_now`` False leaves the card and record services and the window icon in
    :attr:`Running.later` (``main`` runs them after the first paint: ui.startup).
    """
    parser = build_parser()
    ns = parser.parse_args(args)
    set_language(ns.language or system_language())  # for a problem message, if any
    s = _check_args(ns)
    if s.may_write_personal_data:
        s = s.with_preferences(settings_mod.load_preferences(s))
    settings_mod.install(s)
    qapp = app or QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(qapp, QApplication)
    qapp.setApplicationName("Dossier Assistant")
    qapp.setApplicationDisplayName(_("Dossier Assistant"))
    set_language(s.language or system_language())
    qt_tr = QtTranslations(qapp)
    add_language_listener(qt_tr.apply)
    theme_mod.set_theme(
        theme_mod.Theme(high_contrast=s.high_contrast, text_scale=s.text_scale),
        qapp,
    )
    speaker = Speaker()
    shell = Shell(speaker, s.languages)
    shell.speaker_auto = s.speech_on
    controller = JourneyController(shell, None, None, languages=s.languages)
    controller.journey.set_portal_route(_portal_route(ns, s))
    run = Running(qapp, shell, controller, s, args=ns)
    qapp.setDesktopFileName(assistant.APP_ID)  # ties the windows to the installed .desktop file
    run.later.append(lambda: set_window_icon(qapp))  # (PNGs decoded for the window system)
    qt_tr.apply(current_language())
    run.cleanups.append(lambda: remove_language_listener(qt_tr.apply))
    run.cleanups.append(lambda: qt_tr.apply("en"))

    def services() -> tuple[CardBackend, RecordSourceFactory, ViewerFactory]:
        """Card backend, record source and viewer: slow to import and start (pcscd probe)."""
        backend = _card_backend(ns, s, run)
        source = _record_source(ns, run)
        return backend, source, _viewer_factory(s)

    def attach(result: tuple[CardBackend, RecordSourceFactory, ViewerFactory]) -> None:
        backend, source, viewer = result
        try:
            controller.attach(backend, source, viewer_factory=viewer, card_trust=_card_trust(run))
            if run.demo is not None and not s.training:
                _demo_banner(shell)
        finally:
            settle_startup_heap()  # (and the collector on again, whatever happened)
        run.ready = True

    def failed(exc: AssistantError) -> None:
        gc.enable()
        log.error("card or record service could not start: %s", exc.log_name)
        shell.announce(_("The program could not start the card reader service."))

    if services_now:
        run.run_later()
        attach(services())
    else:
        run.later.append(lambda: run_in_worker(services, attach, failed))
    try:
        run.modes = _install_modes(run)
    except StartupProblem:
        run.close()
        raise
    if s.may_write_personal_data:
        _save_preferences_on_change(run)
    return run


def _save_preferences_on_change(run: Running) -> None:
    """Home mode: keep the patient's display choices (language, text size, contrast)."""
    s = run.settings

    def save(*_args: object) -> None:
        t = theme_mod.current()
        prefs = settings_mod.Preferences(
            language=current_language(),
            text_scale=t.text_scale,
            high_contrast=t.high_contrast,
            speech_on=run.shell.speaker_auto,
        )
        try:
            settings_mod.save_preferences(s, prefs)
        except OSError as exc:
            log.warning("display choices not saved: %s", exc.strerror)

    add_language_listener(save)
    notifier = theme_mod.notifier()
    notifier.changed.connect(save)
    run.cleanups.append(lambda: remove_language_listener(save))
    run.cleanups.append(lambda: notifier.changed.disconnect(save))


def _demo_banner(shell: Shell) -> None:
    banner = Body("", shell, "muted")
    banner.setObjectName("demoBanner")

    def banner_text(_code: str = "") -> None:
        banner.setText(_("Demo: a made-up patient and a practice card. Not a real record."))

    banner_text()
    add_language_listener(banner_text)
    banner.destroyed.connect(lambda *_a: remove_language_listener(banner_text))
    banner.setContentsMargins(16, 4, 16, 4)
    shell.add_banner(banner)


def _install_modes(run: Running) -> tuple[ModeHooks, ...]:
    """The kiosk, mediator or training mode the settings ask for, on the window; a mode that
    cannot load is a StartupProblem (EXIT_MODE_UNAVAILABLE): the program never runs without
    it."""
    from ui.modes.hooks import ModeContext, ModeUnavailable, install_modes

    try:
        modes = install_modes(ModeContext(run.shell, run.controller, run.settings))
    except ModeUnavailable as exc:
        raise StartupProblem(
            _(
                "The program cannot start. A part of it is missing or does not work. "
                "Ask the person who set up this computer."
            ),
            str(exc),
            EXIT_MODE_UNAVAILABLE,
        ) from None
    for hooks in modes:
        run.cleanups.append(hooks.shutdown)
    return modes


def main(args: list[str]) -> int:
    logging.basicConfig(
        level=os.environ.get("DOSSIER_LOG_LEVEL", "WARNING"),
        format="%(levelname)s %(name)s: %(message)s",
    )
    try:
        run = build_app(args, services_now=False)
    except StartupProblem as problem:
        gc.enable()
        return _report_startup_problem(args, problem)
    ns = run.args
    shell = run.shell
    shell.resize(1024, 768)
    if run.settings.mode is settings_mod.Mode.KIOSK:
        shell.showFullScreen()
    else:
        shell.show()
    quit_after_ms = None if ns.quit_after is None else int(ns.quit_after * 1000)
    later: list[Callable[[], None]] = []
    if ns.report_ready:
        # --quit-after then counts from READY (the first paint must happen before quitting).
        later.append(
            _ready_reporter(
                None if quit_after_ms is None else lambda: _quit_later(run, quit_after_ms)
            )
        )
    later += [run.run_later, make_qt_namespace]
    after_first_paint(shell, later)
    if quit_after_ms is not None and not ns.report_ready:
        _quit_later(run, quit_after_ms)
    code = run.app.exec()
    run.close()
    return int(code)


def _quit_later(run: Running, msecs: int) -> None:
    QTimer.singleShot(msecs, run.app.quit)


def _ready_reporter(then: Callable[[], None] | None = None) -> Callable[[], None]:
    """Benchmarks: a call that prints READY (with the processor time used so far, in ms); main
    runs it once the window's first paint is over and the event loop waits for input. The
    startup benchmark's bare window does exactly the same, so the first screen's drawing is
    inside the measure on both sides."""

    def ready() -> None:
        sys.stdout.write(f"READY {time.process_time() * 1000:.1f}\n")
        sys.stdout.flush()
        if then is not None:
            then()

    return ready


def _report_startup_problem(args: list[str], problem: StartupProblem) -> int:
    """Say what is wrong in the chosen (or the system's) language; return its exit code."""
    log.error("cannot start: %s", problem)
    sys.stderr.write(f"dossier-assistant: {problem.message}\n")
    sys.stderr.write(f"dossier-assistant: ({problem.detail})\n")
    if _gui_possible():
        qapp = QApplication.instance() or QApplication(sys.argv[:1])
        if QApplication.platformName() not in ("offscreen", "minimal"):
            box = QMessageBox(QMessageBox.Icon.Critical, _("Dossier Assistant"), problem.message)
            box.exec()
        del qapp
    return problem.exit_code


def _gui_possible() -> bool:
    if QApplication.instance() is not None:
        return True
    if os.environ.get("QT_QPA_PLATFORM"):
        return True
    if sys.platform.startswith("linux"):
        return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    return True
