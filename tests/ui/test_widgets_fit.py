"""Big buttons fit their words once the style sheet's font is on (one timer for them all)."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget
from shiboken6 import delete as shiboken_delete

from ui import widgets
from ui.widgets import BigButton


def test_buttons_made_together_fit_their_words_on_the_next_turn(qtbot) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    buttons = [BigButton(f"Button{i} averyveryverylongword", "next", parent) for i in range(5)]
    gone = BigButton("Deleted before the turn", "next", parent)
    assert len(widgets._words_to_fit) >= 6  # waiting together
    shiboken_delete(gone)  # (its C++ object gone: skipped quietly)
    parent.show()  # (polished: the style sheet's font is on)
    qtbot.waitUntil(lambda: not widgets._words_to_fit, timeout=3000)
    for button in buttons:
        assert button.minimumWidth() == button._words_width() > 0
    # a later text change fits at once
    buttons[0].set_text("short")
    assert buttons[0].minimumWidth() == buttons[0]._words_width()
