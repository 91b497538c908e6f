"""The accessibility checks of issue 14, on every journey screen in every language and mode.

Cheap checks run on every screen × language × mode (home, mediator, kiosk): the accessible
name holds the visible label (WCAG 2.5.3), no two controls share a name unless they do the
same thing, the screen starts on its main action and Tab goes top bar → content → actions →
bottom bar (2.4.3), Help stays in the same place (3.2.6), a language name in another language
is marked with it (3.1.2). The costly pixel checks (a visible focus on every Tab stop, 2.4.7 /
2.4.11; the edges of buttons, 1.4.11) run on a sample: one language per mode, and 200 % text
and high contrast once. Status messages (4.1.3), the time limit (2.2.1), charts as tables
(1.3.1) and a keyboard-only walk to every record section and back, in each mode, follow.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QAbstractItemView, QApplication, QWidget

from assistant.i18n import LANGUAGES, current_language, set_language
from assistant.journey import Problem, Step
from assistant.settings import Mode, Settings
from tests.support.a11y_checks import (
    check_focus_order,
    check_focus_visible,
    check_initial_focus,
    check_label_in_name,
    check_language_of_parts,
    check_non_text_contrast,
    check_unique_names,
)
from tests.support.journey_harness import JourneyHarness
from tests.support.journey_scenes import journey_scenes
from tests.support.record_scenes import record_scenes
from ui import theme as theme_mod
from ui.record.home import SECTION_KEYS
from ui.widgets import announcer

pytestmark = pytest.mark.usefixtures("qapp")

MODES = ("home", "mediator", "kiosk")
#: Scenes that cover the screen (their own checks): Help and the hidden screen.
COVERS = ("help", "hidden")
#: Record pages that lose the keyboard focus when opened (a known defect, tested below).
FOCUS_LOST_PAGES = ("r08-",)


def install_mode(h: JourneyHarness, mode: str, tmp: Path) -> None:
    """Put mediator or kiosk mode on the harness's window, as the program does."""
    if mode == "mediator":
        from ui.modes.mediator.mode import MediatorMode

        settings = Settings(mode=Mode.MEDIATOR, training=True, demo=True, session_log_dir=tmp)
        med = MediatorMode(h.shell, settings, journey=h.controller.journey)
        h.cleanups.append(med.shutdown)
    elif mode == "kiosk":
        from tests.support.kiosk import kiosk_settings
        from ui.modes.kiosk.mode import KioskMode

        kiosk = KioskMode(h.shell, kiosk_settings(tmp), journey=h.controller.journey, lock=False)
        h.cleanups.append(kiosk.shutdown)


@pytest.fixture(params=MODES)
def moded(request: pytest.FixtureRequest, qtbot, tmp_path: Path) -> Iterator[JourneyHarness]:
    h = JourneyHarness.start(qtbot)
    install_mode(h, request.param, tmp_path)
    h.shell.setProperty("testMode", request.param)
    try:
        yield h
    finally:
        set_language("en")
        h.close()


def regions(h: JourneyHarness) -> list[tuple[str, QWidget]]:
    shell = h.shell
    screen = shell.shown_screen
    content = shell.direct if shell.direct.isVisible() else shell.scroll_area
    out: list[tuple[str, QWidget]] = [("top", shell.top_bar), ("content", content)]
    if screen is not None:
        out.append(("actions", screen.action_bar))
    out.append(("bottom", shell.bottom_bar))
    return out


def cheap_checks(h: JourneyHarness, scene_name: str) -> list[str]:
    shell = h.shell
    screen = shell.shown_screen
    assert screen is not None
    found = check_label_in_name(shell) + check_unique_names(shell)
    found += check_language_of_parts(shell, current_language(), LANGUAGES)
    if shell.privacy_overlay.isVisible() or shell.help_overlay.isVisible():
        return [f"{scene_name}: {p}" for p in found]
    if scene_name.startswith("r"):  # a record page: its order (its focus stays where it was)
        if scene_name.startswith(FOCUS_LOST_PAGES):  # see test_document_page_keeps_a_focus
            return [f"{scene_name}: {p}" for p in found]
        found += check_focus_order(shell, regions(h))
        return [f"{scene_name}: {p}" for p in found]
    # The main action has the focus at the start (the record: its first section).
    expected: QWidget | None = screen.primary_button()
    if scene_name.startswith("09-"):
        viewer = h.controller.record_screen.viewer
        expected = viewer.home.tiles[SECTION_KEYS[0]] if viewer is not None else None
    elif expected is None or not expected.isEnabled():
        expected = None
    found += check_initial_focus(expected, shell.listen_button, h.focused())
    found += check_focus_order(shell, regions(h))
    return [f"{scene_name}: {p}" for p in found]


def help_spot(h: JourneyHarness) -> tuple[int, int]:
    return h.shell.help_button.mapTo(h.shell, QPoint(0, 0)).toTuple()


def test_every_screen_every_language(moded: JourneyHarness) -> None:
    """Names hold labels, names unique, focus order and start, language of parts, Help in
    the same place: every journey screen and record page × 4 languages, in this mode."""
    h = moded
    h.walk_to(Step.RECORD)
    problems: list[str] = []
    spots: set[tuple[int, int]] = set()
    for language in ("fr", "nl", "en", "de"):
        set_language(language)
        for scene in journey_scenes() + record_scenes():
            scene.show(h)
            if scene.name in COVERS:
                continue
            problems += [f"{language} {p}" for p in cheap_checks(h, scene.name)]
            spots.add(help_spot(h))
    assert len(spots) == 1, f"Help moved: {spots}"
    assert not problems, "\n".join(problems)


def test_every_tab_stop_shows_its_focus_and_every_edge_is_seen(moded: JourneyHarness) -> None:
    """The pixel checks, on a sample (English; every scene of the journey)."""
    h = moded
    h.walk_to(Step.RECORD)
    problems: list[str] = []
    for scene in journey_scenes():
        if scene.name in COVERS:
            continue
        scene.show(h)
        found = check_focus_visible(h.shell) + check_non_text_contrast(h.shell)
        problems += [f"{scene.name}: {p}" for p in found]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    ("high_contrast", "scale"), [(True, 1.0), (False, 2.0)], ids=["high-contrast", "200"]
)
def test_sampled_looks(qtbot, high_contrast: bool, scale: float) -> None:
    """High contrast and 200 % text: the cheap checks in French (long words) and the pixel
    checks on the screens issue 14 changed."""
    h = JourneyHarness.start(qtbot, high_contrast=high_contrast, text_scale=scale, language="fr")
    try:
        h.walk_to(Step.RECORD)
        problems: list[str] = []
        changed = ("01-", "06-", "07-pin-last-try", "08-service-down", "09-", "10-")
        for scene in journey_scenes():
            if scene.name in COVERS:
                continue
            scene.show(h)
            problems += cheap_checks(h, scene.name)
            if scene.name.startswith(changed):
                found = check_focus_visible(h.shell) + check_non_text_contrast(h.shell)
                problems += [f"{scene.name}: {p}" for p in found]
        assert not problems, "\n".join(problems)
    finally:
        set_language("en")
        h.close()


def test_the_checks_catch_problems(qtbot) -> None:
    """The new checks fail on a name without its label, two same-named buttons doing
    different things, and a language name without its language."""
    from PySide6.QtWidgets import QPushButton, QVBoxLayout

    w = QWidget()
    qtbot.addWidget(w)
    lay = QVBoxLayout(w)
    a = QPushButton("Print")
    a.setAccessibleName("Send")
    b = QPushButton("Send")
    c = QPushButton("Nederlands")
    for x in (a, b, c):
        lay.addWidget(x)
    w.resize(300, 300)
    w.show()
    qtbot.waitExposed(w)
    assert check_label_in_name(w)
    assert check_unique_names(w)
    assert check_language_of_parts(w, "en", LANGUAGES)
    a.setAccessibleName("Print")
    c.setProperty("lang", "nl_BE")
    b.setAccessibleName("Send")
    assert check_label_in_name(w) == [] and check_unique_names(w) == []
    assert check_language_of_parts(w, "en", LANGUAGES) == []


def test_status_messages_are_announced(qtbot, tmp_path: Path) -> None:
    """WCAG 4.1.3: PIN wrong, card removed, loading and the idle countdown are announced
    (``ui.widgets.announce`` sends a QAccessibleAnnouncementEvent, then tells this signal)."""
    heard: list[str] = []
    announcer().announced.connect(heard.append)
    h = JourneyHarness.start(qtbot, gate_connect=True)
    try:
        h.walk_to(Step.PIN)
        h.type_text("9999")
        h.enter()
        h.qtbot.waitUntil(lambda: h.state.problem is Problem.PIN_WRONG, timeout=10000)
        assert any("not correct" in t and "2 tries" in t for t in heard)
        h.type_text("1234")
        h.enter()
        h.wait_step(Step.CONNECTING, busy=True)
        assert any("Opening your health record" in t for t in heard)  # loading
        h.pull_card()
        h.wait_step(Step.CARD)
        assert "Your card was taken out." in heard
    finally:
        announcer().announced.disconnect(heard.append)
        h.close()


def test_idle_countdown_is_announced_with_its_unit(qtbot, tmp_path: Path) -> None:
    from tests.support.kiosk import FakeClock, kiosk_settings
    from ui.modes.kiosk.mode import KioskMode

    heard: list[str] = []
    announcer().announced.connect(heard.append)
    h = JourneyHarness.start(qtbot)
    clock = FakeClock()
    kiosk = KioskMode(
        h.shell,
        kiosk_settings(tmp_path),
        journey=h.controller.journey,
        clock=clock,
        tick_ms=10,
        timeout_seconds=60,
        warning_seconds=20,
        lock=False,
    )
    try:
        h.walk_to(Step.CONFIRM_IDENTITY)
        assert h.shell.time_limit_seconds == 60
        h.shell.show_help()
        assert "1 minute" in h.shell.help_overlay.text.text()  # WCAG 2.2.1: warned
        h.shell.close_help()
        clock.now += 41
        qtbot.waitUntil(lambda: kiosk.warning.isVisible(), timeout=5000)
        assert any("Are you still here?" in t for t in heard)
        assert kiosk.warning.unit.text() in ("second", "seconds")
        assert kiosk.warning.listen.isVisible()
        with qtbot.waitSignal(h.shell.speaker.spoken, timeout=2000):
            kiosk.warning.listen.click()
        clock.now += 9
        qtbot.waitUntil(lambda: any("10 seconds" in t for t in heard), timeout=5000)
        kiosk.warning.button.click()  # one action extends (2.2.1)
        assert not kiosk.warning.isVisible()
    finally:
        announcer().announced.disconnect(heard.append)
        kiosk.shutdown()
        h.close()


def test_home_help_says_there_is_no_time_limit(qtbot) -> None:
    h = JourneyHarness.start(qtbot)
    try:
        h.walk_to(Step.PIN)
        h.shell.show_help()
        assert "There is no time limit." in h.shell.help_overlay.text.text()
    finally:
        h.close()


def test_result_charts_have_a_table(qtbot) -> None:
    """WCAG 1.3.1: a result over time is a table too (role Table, one row per value)."""
    from PySide6.QtGui import QAccessible

    from tests.support.records import demo_record
    from ui.record.home import RecordHome
    from ui.record.results import grouped_results

    record = demo_record("adult")
    home = RecordHome(record, open_file_dialog=lambda _w: None)
    qtbot.addWidget(home, before_close_func=lambda w: w.go_home())
    home.resize(1024, 768)
    home.show()
    trend = max(grouped_results(record).items(), key=lambda kv: len(kv[1]))
    home.open_page("trend", trend[0])
    assert home.page is not None
    home.page.finish_building()
    QApplication.processEvents()
    page = home.page
    tables = [t for t in page.findChildren(QAbstractItemView) if t.isVisibleTo(page)]
    assert tables, "the chart has no table"
    iface = QAccessible.queryAccessibleInterface(tables[0])
    assert iface is not None and iface.role() == QAccessible.Role.Table
    model = tables[0].model()
    assert model is not None and model.rowCount() >= len(trend[1])  # one row per value


def keyboard_walk(h: JourneyHarness) -> None:
    """From Welcome to the record, then every section and back, with Tab and Enter only."""
    h.walk_to(Step.RECORD)
    viewer = h.controller.record_screen.viewer
    assert viewer is not None
    for key in SECTION_KEYS:
        tile = viewer.home.tiles[key]
        h.press(tile)
        h.qtbot.waitUntil(lambda: viewer.page is not None, timeout=5000)
        h.press(h.shell.back_button)
        h.qtbot.waitUntil(lambda: viewer.page is None, timeout=5000)
    h.press(h.controller.record_screen.done)
    h.wait_step(Step.FINISH)


def test_keyboard_only_walk_to_every_section_and_back(moded: JourneyHarness) -> None:
    keyboard_walk(moded)


def test_record_done_is_secondary_and_last(qtbot) -> None:
    """Issue 14.1: "I am done" is no main button; the sections come first in Tab order."""
    h = JourneyHarness.start(qtbot)
    try:
        h.walk_to(Step.RECORD)
        done = h.controller.record_screen.done
        assert done.property("primary") != "true"
        assert h.controller.record_screen.primary_button() is None
        viewer = h.controller.record_screen.viewer
        assert viewer is not None
        first = viewer.home.tiles[SECTION_KEYS[0]]
        assert h.focused() is first
        h.tab_to(done)  # reached after the tiles, before the bottom bar
        assert done.width() < h.shell.width() // 2
    finally:
        h.close()


def test_language_buttons_each_have_their_own_pictogram(qtbot) -> None:
    """Issue 14.3 / 14.10: the first screen offers the 4 languages, each in its own words and
    with its own pictogram, and the kiosk welcome does not ask for a card reader."""
    h = JourneyHarness.start(qtbot)
    try:
        h.wait_step(Step.WELCOME)
        screen = h.controller.screens[Step.WELCOME]
        buttons = screen.buttons  # type: ignore[attr-defined]
        assert {b.text() for b in buttons.values()} == set(LANGUAGES.values())
        assert len({b.icon_name() for b in buttons.values()}) == len(buttons)
        assert h.focused() is buttons["en"]
        assert screen.need_reader.isVisible()  # type: ignore[attr-defined]
        screen.set_reader_provided(True)  # type: ignore[attr-defined]
        assert not screen.need_reader.isVisible()  # type: ignore[attr-defined]
        assert screen.need_title.text() == "You need 2 things:"  # type: ignore[attr-defined]
    finally:
        theme_mod.set_theme(theme_mod.Theme())
        h.close()


@pytest.mark.xfail(strict=True, reason="known: an opened document page leaves nothing focused")
def test_document_page_keeps_a_focus(qtbot) -> None:
    """Opening a document (a PDF page) should leave the focus on the page, as every other
    record page does; today nothing has the focus (found by the checks of issue 14)."""
    h = JourneyHarness.start(qtbot)
    try:
        h.walk_to(Step.RECORD)
        scene = next(s for s in record_scenes() if s.name.startswith(FOCUS_LOST_PAGES))
        scene.show(h)
        assert h.focused() is not None
    finally:
        h.close()
