"""The frame: same bars on every screen, language on every screen, Help, Hide, text size,
speech, workers, and the app's command line with Qt's own translations."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import QLibraryInfo, QPoint, Qt
from PySide6.QtWidgets import QApplication

from assistant.i18n import current_language, set_language
from assistant.journey import Step
from tests.support.journey_harness import JourneyHarness
from tests.support.journey_scenes import journey_scenes
from ui import theme as theme_mod
from ui.speech import Speaker
from ui.workers import run_in_worker, running_jobs

pytestmark = pytest.mark.usefixtures("qapp")


@pytest.fixture
def h(qtbot):
    harness = JourneyHarness.start(qtbot)
    harness.walk_to(Step.RECORD)
    yield harness
    harness.close()


def test_bars_stay_in_the_same_place_on_every_screen(h: JourneyHarness) -> None:
    spots = set()
    for scene in journey_scenes():
        if scene.name in ("help", "hidden"):
            continue
        scene.show(h)
        window = h.shell
        back = h.shell.back_button
        buttons = (
            h.shell.listen_button,
            h.shell.help_button,
            h.shell.hide_button,
            h.shell.language_box,
        )
        for b in buttons:
            assert b.isVisible(), (scene.name, b.objectName())
        # Back is shown where it goes somewhere, hidden elsewhere (never a dead button)
        assert back.isVisible() == back.isEnabled(), scene.name
        spots.add(tuple(b.mapTo(window, QPoint(0, 0)).toTuple() for b in (back, *buttons)))
        if scene.name.startswith("10-"):
            assert h.shell.step_label.text() == ""  # Finish: no step towards the record
        else:
            assert "of 8" in h.shell.step_label.text(), scene.name
    assert len(spots) == 1  # Help (and the rest) never move


def test_back_enabled_only_where_it_means_something(h: JourneyHarness) -> None:
    h.controller.journey.start()
    assert not h.shell.back_button.isEnabled()  # Welcome
    assert not h.shell.back_button.isVisible()  # hidden, also to screen readers
    h.controller.journey.next()
    assert h.shell.back_button.isEnabled()  # the reader or the card
    assert h.shell.back_button.isVisible()


def test_help_overlay_and_escape(qtbot, h: JourneyHarness) -> None:
    with qtbot.waitSignal(h.shell.help_shown, timeout=1000) as shown:
        qtbot.keyClick(h.shell, Qt.Key.Key_F1)
    assert shown.args[0]
    assert h.shell.help_overlay.isVisible() and not h.shell.bottom_bar.isEnabled()
    qtbot.keyClick(h.focused(), Qt.Key.Key_Escape)
    assert not h.shell.help_overlay.isVisible() and h.shell.bottom_bar.isEnabled()


def test_hide_covers_everything_at_once(qtbot, h: JourneyHarness) -> None:
    viewer = h.controller.record_screen.viewer
    h.press(h.shell.hide_button)
    assert h.shell.is_hidden()
    cover = h.shell.privacy_overlay
    assert cover.geometry() == h.shell.centralWidget().rect()
    assert not viewer.isEnabled() or not h.shell.direct.isEnabled()
    # whatever is under the middle of the window now belongs to the cover
    middle = h.shell.centralWidget().rect().center()
    under = h.shell.centralWidget().childAt(middle)
    assert under is cover or cover.isAncestorOf(under)
    h.enter()
    assert not h.shell.is_hidden()


def test_language_box_switches_and_follows(h: JourneyHarness) -> None:
    box = h.shell.language_box
    assert [box.itemData(i) for i in range(box.count())] == ["fr", "nl", "en", "de"]
    set_language("de")
    try:
        assert box.currentData() == "de"
        assert h.shell.help_button.text() != "Help"
        box.activated.emit(box.findData("nl"))
        assert current_language() == "nl"
    finally:
        set_language("en")


def test_text_scale_grows_fonts_and_targets(h: JourneyHarness) -> None:
    small = h.shell.back_button.height()
    heading = h.controller.record_screen.done.label().font().pointSizeF()
    theme_mod.set_theme(theme_mod.current().with_(text_scale=2.0))
    QApplication.processEvents()
    try:
        assert h.shell.back_button.height() > small
        assert h.controller.record_screen.done.label().font().pointSizeF() > heading * 1.5
    finally:
        theme_mod.set_theme(theme_mod.current().with_(text_scale=1.0))


def test_speech_follows_language_and_never_reads_the_pin(h: JourneyHarness) -> None:
    sp = h.shell.speaker
    assert sp.say("Hello") is None and sp.last_text == "Hello"
    set_language("fr")
    try:
        assert sp.say("Bonjour") == sp.no_voice_message()  # mock: no French voice
    finally:
        set_language("en")


def test_speaker_with_missing_engine_says_so() -> None:
    sp = Speaker(engine="no-such-engine")
    assert not sp.is_available()
    assert sp.say("x") == sp.no_voice_message()


def test_worker_results_come_back_on_the_gui_thread(qtbot) -> None:
    gui = threading.current_thread()
    seen: list[object] = []

    def work() -> str:
        assert threading.current_thread() is not gui
        return "done"

    run_in_worker(work, lambda r: seen.append((r, threading.current_thread() is gui)))
    qtbot.waitUntil(lambda: seen == [("done", True)], timeout=5000)

    def boom() -> None:
        raise ValueError("x")

    errors: list[BaseException] = []
    run_in_worker(boom, None, errors.append)
    qtbot.waitUntil(lambda: len(errors) == 1, timeout=5000)
    job = run_in_worker(work, seen.append)
    job.cancel()
    qtbot.waitUntil(lambda: running_jobs() == 0, timeout=5000)
    assert len(seen) == 1  # the cancelled result was dropped


def test_app_command_line_and_qt_translations(qtbot, tmp_path) -> None:
    from ui.app import QtTranslations, build_app

    run = build_app(
        [
            *("--demo", "--no-pcscd", "--language", "de", "--high-contrast", "--text-scale", "1.5"),
            *("--data-dir", str(tmp_path)),
        ]
    )
    try:
        qtbot.addWidget(run.shell)
        assert current_language() == "de"
        assert theme_mod.current().high_contrast and theme_mod.current().text_scale == 1.5
        assert run.controller.backend is not None and run.ready
        cancel = lambda: QApplication.translate("QPlatformTheme", "Cancel")  # noqa: E731
        assert cancel() == "Abbrechen"  # qtbase_de.qm ships with PySide6
        set_language("fr")
        assert cancel() == "Annuler"
        set_language("en")
        assert cancel() == "Cancel"
        extra = QtTranslations(QApplication.instance())
        assert extra.apply("nl")
        extra.apply("en")  # removes its translator again
        assert QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    finally:
        run.close()
        set_language("en")
        theme_mod.set_theme(theme_mod.Theme())
