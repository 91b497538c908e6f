"""What every screen of the journey has: one question, some Easy Read text, big actions.

A screen knows how to draw itself in the current language (:meth:`Screen.retranslate`), what
to read aloud (:meth:`Screen.speech_text`) and what its Help says (:meth:`Screen.help_text`).
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QBoxLayout, QHBoxLayout, QSizePolicy, QVBoxLayout, QWidget

from assistant.journey import JourneyState
from ui import theme as theme_mod
from ui.widgets import BigButton, Body, Heading, Pictogram, top_aligned

#: (normal, large text) margins around a screen and around its actions.
_OUTER_MARGINS = ((32, 16, 32, 12), (24, 8, 24, 8))
_ACTION_MARGINS = ((32, 8, 32, 8), (24, 4, 24, 4))
#: (normal, large text) space between the parts of a screen.
_SPACINGS = (14, 10)


class Screen(QWidget):
    """Base of the journey screens. Subclasses fill :attr:`body` and :attr:`actions`."""

    #: The screen wants the shell to say something to screen readers.
    announce_requested = Signal(str)

    #: Name used for screenshots and tests.
    screen_id = "screen"
    #: Pictogram next to the question.
    icon = "info"
    #: True when the screen has its own scroll area (the shell then does not add one).
    scrolls_itself = False

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(self.screen_id)
        outer = self.outer = QVBoxLayout(self)
        outer.setContentsMargins(32, 16, 32, 12)
        outer.setSpacing(14)
        top = QHBoxLayout()
        top.setSpacing(16)
        # Sized like the bars' pictograms: with 200 % text a pictogram as tall as two lines
        # of the question would push the screen's actions out of sight.
        self.pictogram = Pictogram(self.icon, self, size_factor=1.6, chrome=True)
        self.heading = Heading("", self)
        top.addLayout(top_aligned(self.pictogram))
        top.addWidget(self.heading, 1)
        outer.addLayout(top)
        self.body = QVBoxLayout()
        self.body.setSpacing(14)
        outer.addLayout(self.body)
        outer.addStretch(1)
        # The actions sit under the scrolling part, always in sight (the shell places them).
        self.action_bar = QWidget()
        self.action_bar.setObjectName(f"{self.screen_id}Actions")
        self.action_bar.setProperty("actionBar", "true")  # sized like the bars (style sheet)
        self.action_layout = QVBoxLayout(self.action_bar)
        self.action_layout.setContentsMargins(32, 8, 32, 8)
        self.action_layout.setSpacing(12)
        self.destroyed.connect(self.action_bar.deleteLater)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        theme_mod.notifier().changed.connect(self._fit_margins)
        self._fit_margins()

    def _fit_margins(self, _theme: object = None) -> None:
        """Less space around the question and the actions when the text is large (at 200 %
        on 1024×768 every pixel of frame is one the screen's own text does not get)."""
        large = theme_mod.current().text_scale >= 1.25
        for layout, (normal, compact) in (
            (self.outer, _OUTER_MARGINS),
            (self.action_layout, _ACTION_MARGINS),
        ):
            m = layout.contentsMargins()
            now = (m.left(), m.top(), m.right(), m.bottom())
            if now in (normal, compact):  # a screen that set its own margins keeps them
                layout.setContentsMargins(*(compact if large else normal))
        for layout in (self.outer, self.body):
            if layout.spacing() in _SPACINGS:
                layout.setSpacing(_SPACINGS[1] if large else _SPACINGS[0])
        # Two answers side by side rather than one above the other: the screen's own words
        # keep the height.
        self.action_layout.setDirection(
            QBoxLayout.Direction.LeftToRight if large else QBoxLayout.Direction.TopToBottom
        )

    # helpers for subclasses ------------------------------------------------------------
    def add_text(self, role: str = "body") -> Body:
        label = Body("", self, role)
        self.body.addWidget(label)
        return label

    def add_action(self, icon: str, *, primary: bool = False) -> BigButton:
        # Sized like the bars (pictogram, height), its words like the screen's: with 200 %
        # text the action under the screen stays in sight and leaves room for the screen.
        button = BigButton("", icon, self.action_bar, primary=primary, chrome=True)
        self.action_layout.addWidget(button)
        return button

    # what the shell asks -----------------------------------------------------------------
    def retranslate(self) -> None:
        """Set every text in the current language."""

    def speech_parts(self) -> list[tuple[str, str]]:
        """What Listen reads, in parts with their language ("": the program's language); a
        screen that shows texts of the record in another language gives them as their own
        parts."""
        return [(self.speech_text(), "")]

    def speech_text(self) -> str:
        """What Listen reads: the question, the text and the actions (never the PIN)."""
        parts = [self.heading.text()]
        for label in self.findChildren(Body):
            if label.isVisibleTo(self) and label.text():
                parts.append(label.text())
        for button in self.all_buttons():
            if self._visible(button) and button.isEnabled():
                parts.append(button.text())
        return "\n".join(p for p in parts if p)

    def all_buttons(self) -> list[BigButton]:
        """The big buttons of the screen: in its body, then its actions."""
        return self.findChildren(BigButton) + self.action_bar.findChildren(BigButton)

    def _visible(self, w: QWidget) -> bool:
        root = self.action_bar if self.action_bar.isAncestorOf(w) else self
        return w.isVisibleTo(root)

    def help_text(self) -> str:
        return ""

    def primary_button(self) -> BigButton | None:
        for button in self.all_buttons():
            if button.property("primary") == "true" and self._visible(button):
                return button
        return None

    def focus_first(self) -> bool:
        """Put the keyboard focus on the main action. False when the screen has no action
        (waiting for the card...): the shell then puts it on Listen."""
        target = self.primary_button()
        if target is not None and target.isEnabled():
            target.setFocus()  # (the "other" reason)
            return True
        return False


def set_primary(button: BigButton, primary: bool) -> None:
    """Make ``button`` the screen's main action or a secondary one (restyled at once)."""
    if (button.property("primary") == "true") == primary:
        return
    button.setProperty("primary", "true" if primary else "false")
    for part in (button, button.label()):  # the words' colour follows the button's
        part.style().unpolish(part)
        part.style().polish(part)
    button._on_theme()


class StateScreen(Screen):
    """A screen drawn from the journey state (problem, busy...)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = JourneyState()

    def show_state(self, state: JourneyState) -> None:
        self.state = state
        self.retranslate()

    def set_icon(self, name: str) -> None:
        if self.pictogram.name != name:
            self.pictogram.set_name(name)
