"""The frame at 200 % text on 1024×768: compact bars, a big drop-down arrow, a mediator guide
that folds to a strip, words that stay whole."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication, QWidget

from assistant.i18n import set_language
from assistant.journey import JourneyState, Problem, Step
from tests.support.journey_harness import JourneyHarness
from ui import theme as theme_mod
from ui.modes.mediator.panel import MediatorPanel
from ui.shell import Shell
from ui.widgets import BigButton, BigComboBox

pytestmark = pytest.mark.usefixtures("qapp")


def _theme(scale: float = 1.0, high_contrast: bool = False) -> None:
    theme_mod.set_theme(theme_mod.Theme(text_scale=scale, high_contrast=high_contrast))


@pytest.fixture
def restore():
    yield
    set_language("en")
    _theme()


def _settle(qtbot) -> None:
    for _ in range(3):
        QApplication.processEvents()
    qtbot.wait(1)  # the delayed top-bar fit
    QApplication.processEvents()


def test_record_keeps_most_of_the_height_at_200_percent(qtbot, restore) -> None:
    h = JourneyHarness.start(qtbot, language="de", text_scale=2.0)
    try:
        h.walk_to(Step.RECORD)
        _settle(qtbot)
        shell = h.shell
        content = shell.direct if shell.direct.isVisible() else shell.scroll_area
        assert shell.height() == 768
        # was ~400 px before the bars were made compact
        assert content.height() >= 460, content.height()
        chrome = shell.top_bar.height() + shell.bottom_bar.height()
        assert chrome <= 170, chrome
        for button in shell.findChildren(BigButton):
            if button.isVisible():
                assert button.width() >= 44 and button.height() >= 44, button.objectName()
        # nothing in the bars is cut: every bar button shows its longest word whole
        for button in (shell.back_button, shell.listen_button, shell.help_button):
            assert button.width() >= button._words_width()
    finally:
        h.close()


def test_bars_grow_less_than_the_text() -> None:
    big = theme_mod.Theme(text_scale=2.0)
    normal = theme_mod.Theme()
    assert big.bar_scale == theme_mod.BAR_MAX_SCALE < big.chrome_scale
    assert normal.chrome_target_px() >= theme_mod.MIN_TARGET_PX
    assert big.chrome_target_px() < big.target_px()
    assert big.bar_margin_px() < normal.bar_margin_px()
    assert big.combo_arrow_px() >= theme_mod.MIN_TARGET_PX
    assert big.points("body") == 2 * normal.points("body")  # the screen's own text still doubles


@pytest.mark.parametrize("high_contrast", [False, True])
def test_language_arrow_is_big_and_in_the_theme_colour(qtbot, restore, high_contrast) -> None:
    _theme(1.0, high_contrast)
    shell = Shell()
    qtbot.addWidget(shell)
    shell.resize(1024, 768)
    shell.show()
    qtbot.waitExposed(shell)
    _settle(qtbot)
    box = shell.language_box
    assert isinstance(box, BigComboBox)
    t = theme_mod.current()
    side = t.combo_arrow_px()
    assert box.height() >= theme_mod.MIN_TARGET_PX and side >= theme_mod.MIN_TARGET_PX
    image: QImage = box.grab().toImage()
    ratio = image.devicePixelRatio()
    arrow = QColor(t.colors.secondary_text)

    def close(c: QColor) -> bool:
        return abs(c.red() - arrow.red()) + abs(c.green() - arrow.green()) < 60 and (
            abs(c.blue() - arrow.blue()) < 40
        )

    # inside the arrow area, away from its borders (white like the arrow in high contrast)
    edge = round(6 * ratio)
    left = round((box.width() - side) * ratio) + edge
    hits = sum(
        close(image.pixelColor(x, y))
        for x in range(left, image.width() - edge)
        for y in range(edge, image.height() - edge)
    )
    # the chevron's two strokes: dozens of pixels, not the style's few grey ones
    assert hits >= 60 * ratio * ratio, hits
    assert theme_mod.contrast_ratio(t.colors.secondary_text, t.colors.secondary) >= 3.0


def _panel_in_shell(qtbot, scale: float, width: int = 1024) -> tuple[Shell, MediatorPanel]:
    _theme(scale)
    shell = Shell()
    qtbot.addWidget(shell)
    panel = MediatorPanel()
    shell.set_side_panel(panel)
    shell.resize(width, 768)
    shell.show()
    qtbot.waitExposed(shell)
    panel.set_state(JourneyState(step=Step.RECORD))
    _settle(qtbot)
    return shell, panel


def test_guide_folds_at_200_percent_and_unfolds_at_100(qtbot, restore) -> None:
    shell, panel = _panel_in_shell(qtbot, 2.0)
    assert panel.is_collapsed()
    assert not panel.say.isVisible() and panel.toggle.isVisible()
    assert panel.toggle.text() == "Guide"
    assert panel.toggle.width() >= 44 and panel.toggle.height() >= 44
    assert panel.width() <= 220, panel.width()
    assert shell.scroll_area.width() >= 1024 - 220 - 20
    # the words of the folded button are whole
    assert panel.toggle.width() >= panel.toggle._words_width()

    _theme(1.0)
    _settle(qtbot)
    assert not panel.is_collapsed()
    assert panel.say.isVisible()
    assert panel.toggle.text() == "Hide the guide"
    assert shell.scroll_area.width() >= MediatorPanel.MIN_CONTENT_PX


def test_mediator_folds_and_unfolds_by_keyboard_until_the_step_changes(qtbot, restore) -> None:
    _shell, panel = _panel_in_shell(qtbot, 2.0)
    panel.toggle.setFocus()
    qtbot.keyClick(panel.toggle, Qt.Key.Key_Space)
    _settle(qtbot)
    assert not panel.is_collapsed() and panel.say.isVisible()
    assert panel.toggle.isChecked()
    panel.set_state(JourneyState(step=Step.FINISH))  # a new step: the room decides again
    _settle(qtbot)
    assert panel.is_collapsed()


def test_folded_guide_still_says_look_away_and_warns(qtbot, restore) -> None:
    _shell, panel = _panel_in_shell(qtbot, 2.0)
    panel.set_state(JourneyState(step=Step.PIN))
    assert panel.is_collapsed()
    assert panel.toggle.text() == "Look away"
    assert panel.toggle.property("primary") == "true"
    assert panel.toggle.icon_name() == "privacy"
    panel.set_state(JourneyState(step=Step.PIN, problem=Problem.PIN_BLOCKED))
    assert panel.toggle.text() == "Guide" and panel.toggle.icon_name() == "warning"
    assert panel.toggle.property("primary") == "false"
    # unfolded at 100 %: the big prompt itself
    _theme(1.0)
    panel.set_state(JourneyState(step=Step.PIN))
    _settle(qtbot)
    assert not panel.is_collapsed() and panel.pin_prompt.isVisible()


def test_guide_folds_when_the_window_gets_narrow(qtbot, restore) -> None:
    shell, panel = _panel_in_shell(qtbot, 1.0, width=1400)
    assert not panel.is_collapsed()
    shell.resize(820, 768)
    _settle(qtbot)
    assert panel.is_collapsed() or shell.scroll_area.width() >= MediatorPanel.MIN_CONTENT_PX
    shell.resize(1400, 768)
    _settle(qtbot)
    assert not panel.is_collapsed()


def test_guide_words_follow_the_bars_not_the_patient_text(qtbot, restore) -> None:
    _shell, panel = _panel_in_shell(qtbot, 2.0)
    panel.set_collapsed(False)
    _settle(qtbot)
    body = panel.say.body.font().pointSizeF()
    assert body == pytest.approx(theme_mod.current().bar_points("body"), abs=0.2)
    inner = panel.scroll_area.widget()
    assert inner is not None
    # no word of the unfolded guide is cut: its content fits the panel's viewport
    assert inner.minimumSizeHint().width() <= panel.scroll_area.viewport().width() + 1


def test_help_and_hidden_pages_open_and_close(qtbot, restore) -> None:
    shell = Shell()
    qtbot.addWidget(shell)
    shell.resize(1024, 768)
    shell.show()
    shell.hide_screen()  # Hide screen works at once anyway
    assert shell.is_hidden() and shell.privacy_overlay.isVisible()
    assert shell.show_again.isVisible()
    shell.show_screen_again()
    assert not shell.is_hidden()
    shell.show_help()
    assert shell.help_overlay.isVisible()
    shell.close_help()
    assert not shell.help_overlay.isVisible()


def test_widgets_never_show_under_44_px_in_the_folded_strip(qtbot, restore) -> None:
    _shell, panel = _panel_in_shell(qtbot, 2.0)
    for w in panel.findChildren(QWidget):
        if w.isVisible() and isinstance(w, BigButton):
            top_left = w.mapTo(panel, QPoint(0, 0))
            assert top_left.x() >= 0
            assert w.width() >= 44 and w.height() >= 44


def test_button_words_and_pictogram_pass_clicks_to_the_button(qtbot) -> None:
    button = BigButton("Start", "next")
    qtbot.addWidget(button)
    button.resize(300, 80)
    button.show()
    qtbot.waitExposed(button)
    clicks: list[bool] = []
    button.clicked.connect(lambda *_a: clicks.append(True))
    for child in (button.label(), button.pictogram()):
        qtbot.mouseClick(child, Qt.MouseButton.LeftButton)
    assert len(clicks) == 2


def test_two_answers_side_by_side_with_large_text(qtbot, restore) -> None:
    from ui.screens.base import Screen

    shell = Shell()
    qtbot.addWidget(shell)
    screen = Screen()
    yes = screen.add_action("check", primary=True)
    no = screen.add_action("close")
    yes.set_text("Yes, this is me")
    no.set_text("No, this is not me")
    shell.resize(1024, 768)
    shell.show()
    shell.show_screen(screen)
    _settle(qtbot)
    assert no.y() > yes.y() + yes.height() - 1  # one above the other at 100 %
    _theme(2.0)
    _settle(qtbot)
    assert no.y() == yes.y() and no.x() >= yes.x() + yes.width()  # side by side at 200 %
    for b in (yes, no):
        assert b.width() >= b._words_width() and b.height() >= 44
