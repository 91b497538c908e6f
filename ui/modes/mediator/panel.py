"""The mediator's side panel: a short guide for each step of the journey.

For each step: what to say, what to do, what not to do; the answer to the problem on screen;
answers to the common problems; at the PIN step a large "look away" prompt. A mediator never
types or looks at the PIN and never keeps data. The words are in :mod:`ui.modes.mediator.guides`.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QBoxLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from assistant.i18n import N_, _
from assistant.journey import JourneyState, Problem, Step

if TYPE_CHECKING:
    from assistant.pin_tools import PinToolState
from ui import theme as theme_mod
from ui.modes.mediator.guides import (
    COMMON_PROBLEMS,
    CONNECTION_TIPS,
    PROBLEM_TIPS,
    guide_for,
)
from ui.widgets import BigButton, Body, Heading, IconText, Pictogram, announce

log = logging.getLogger(__name__)


class PinPrivacyPrompt(QFrame):
    """The large prompt at the PIN step."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pinPrivacyPrompt")
        lay = QHBoxLayout(self)
        lay.setContentsMargins(12, 12, 12, 12)
        self.picto = Pictogram(
            "privacy", self, size_factor=1.6, color_role="primary_text", chrome=True
        )
        self.text = QLabel(self)
        self.text.setObjectName("pinPrivacyText")
        self.text.setWordWrap(True)
        lay.addWidget(self.picto, 0, Qt.AlignmentFlag.AlignTop)
        lay.addWidget(self.text, 1)
        theme_mod.notifier().changed.connect(self._restyle)
        self._restyle()
        self._pinpad = False
        self.retranslate()

    def _restyle(self, _theme: object = None) -> None:
        t = theme_mod.current()
        c = t.colors
        self.setStyleSheet(
            f"QFrame#pinPrivacyPrompt {{ background: {c.primary}; border-radius: 8px; }}"
            f"QLabel#pinPrivacyText {{ background: {c.primary}; color: {c.primary_text}; "
            f"font-size: {t.bar_points('heading'):.1f}pt; font-weight: bold; }}"
        )

    def set_pinpad(self, pinpad: bool) -> None:
        self._pinpad = pinpad
        self.retranslate()

    def retranslate(self) -> None:
        if self._pinpad:
            text = _("Mediator: please look away. Patient: type your PIN on the reader's keypad.")
        else:
            text = _("Mediator: please look away. Patient: type your PIN.")
        self.text.setText(text)
        self.setAccessibleName(text)

    def message(self) -> str:
        return self.text.text()


class MediatorPanel(QFrame):
    """The side panel. Call :meth:`set_state` with every journey state.

    Its words are for the mediator, not the patient: they grow like the bars (at most 1.2×),
    not with the patient's text size, so the screen keeps its room.

    When the screen beside it would be narrower than :attr:`MIN_CONTENT_PX` × the text scale
    (large text, small window) the panel folds to a narrow strip with one big "Guide" button;
    folded, that button says "Look away" while the patient types the PIN and shows a warning
    sign when a problem has a tip. The mediator can fold or unfold it at any time; that choice
    holds until the step or the text size changes.
    """

    relay_requested = Signal()
    #: Narrowest screen beside the unfolded panel at 100 % text (device-independent pixels).
    MIN_CONTENT_PX = 480

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mediatorPanel")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self._state = JourneyState()
        #: The patient types a PIN in "Test my PIN" or "Change my PIN" (set_pin_tool).
        self._tool_typing = False
        self._tool_pinpad = False
        self._collapsed = False
        self._manual: bool | None = None  # the mediator's own choice: folded or not
        self._scale = theme_mod.current().text_scale
        self._watched: QWidget | None = None
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        self.toggle = BigButton("", "mediator", self, chrome=True)
        self.toggle.setObjectName("guideToggle")
        self.toggle.setCheckable(True)
        self.toggle.clicked.connect(self._toggle_clicked)
        outer.addWidget(self.toggle, 0, Qt.AlignmentFlag.AlignTop)
        scroll = self.scroll_area = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        outer.addWidget(scroll, 1)
        inner = QWidget()
        inner.setObjectName("mediatorPanelInner")
        scroll.setWidget(inner)
        lay = QVBoxLayout(inner)
        lay.setContentsMargins(16, 16, 16, 16)
        lay.setSpacing(12)
        top = QHBoxLayout()
        self.picto = Pictogram("mediator", inner, chrome=True)
        self.title = Heading("", inner)
        self.title.setObjectName("mediatorTitle")
        top.addWidget(self.picto, 0, Qt.AlignmentFlag.AlignTop)
        top.addWidget(self.title, 1)
        lay.addLayout(top)
        self.pin_prompt = PinPrivacyPrompt(inner)
        self.pin_prompt.hide()
        lay.addWidget(self.pin_prompt)
        self.problem_tip = Body("", inner, "problem")
        self.problem_tip.setObjectName("mediatorProblemTip")
        self.problem_tip.hide()
        lay.addWidget(self.problem_tip)
        self.step_title = Body("", inner)
        self.step_title.setObjectName("mediatorStep")
        lay.addWidget(self.step_title)
        self.say = IconText("listen", "", inner, chrome=True)
        self.say.setObjectName("mediatorSay")
        self.do = IconText("check", "", inner, chrome=True)
        self.do.setObjectName("mediatorDo")
        self.dont = IconText("blocked", "", inner, chrome=True)
        self.dont.setObjectName("mediatorDont")
        for w in (self.say, self.do, self.dont):
            lay.addWidget(w)
        self.rules = Body("", inner, "muted")
        self.rules.setObjectName("mediatorRules")
        lay.addWidget(self.rules)
        self.common_title = Body("", inner)
        lay.addWidget(self.common_title)
        self.problem_buttons: dict[str, BigButton] = {}
        for key, (_question, _answer, icon) in COMMON_PROBLEMS.items():
            button = BigButton("", icon, inner, chrome=True)
            button.setObjectName(f"common_{key}")
            button.setProperty("problemKey", key)
            button.clicked.connect(self._common_clicked)
            self.problem_buttons[key] = button
            lay.addWidget(button)
        self.answer = Body("", inner)
        self.answer.setObjectName("mediatorAnswer")
        self.answer.hide()
        lay.addWidget(self.answer)
        self.relay_button = BigButton("", "doctor", inner, chrome=True)
        self.relay_button.setObjectName("relayButton")
        self.relay_button.clicked.connect(self.relay_requested.emit)
        lay.addWidget(self.relay_button)
        lay.addStretch(1)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)
        theme_mod.notifier().changed.connect(self._resize)
        self._resize()
        self.retranslate()

    def _resize(self, _theme: object = None) -> None:
        scale = theme_mod.current().text_scale
        if scale != self._scale:
            self._scale = scale
            self._manual = None
        self._apply()

    def _unfolded_min_width(self) -> int:
        """Narrowest unfolded panel: its longest words whole (German has long ones)."""
        inner = self.scroll_area.widget()
        need = 0
        if inner is not None:
            bar = self.scroll_area.verticalScrollBar().sizeHint().width()
            need = inner.minimumSizeHint().width() + bar + 2 * (self.frameWidth() + 2)
        return max(round(300 * theme_mod.current().bar_scale), need)

    # -- folding ---------------------------------------------------------------------------

    def is_collapsed(self) -> bool:
        """Whether the panel is folded to its narrow strip."""
        return self._collapsed

    def set_collapsed(self, collapsed: bool) -> None:
        """Fold or unfold, as the mediator asked (until the step or the text size changes)."""
        self._manual = collapsed
        self._apply()

    def _toggle_clicked(self) -> None:
        self.set_collapsed(not self._collapsed)
        self.toggle.setFocus(Qt.FocusReason.OtherFocusReason)

    def _want_collapsed(self) -> bool:
        if self._manual is not None:
            return self._manual
        window = self.window()
        if window is self:  # not in a window yet
            return False
        need = self.MIN_CONTENT_PX * theme_mod.current().text_scale
        return window.width() - self._unfolded_min_width() < need

    def _apply(self) -> None:
        collapsed = self._want_collapsed()
        self._collapsed = collapsed
        self.scroll_area.setVisible(not collapsed)
        layout = self.toggle.layout()
        if isinstance(layout, QBoxLayout):
            layout.setDirection(
                QBoxLayout.Direction.TopToBottom if collapsed else QBoxLayout.Direction.LeftToRight
            )
        self.toggle.label().setAlignment(
            Qt.AlignmentFlag.AlignCenter
            if collapsed
            else Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft
        )
        self.toggle.setChecked(not collapsed)
        self._retranslate_toggle()
        self.toggle._keep_words_whole()
        scale = theme_mod.current().text_scale
        if collapsed:
            width = self.toggle.minimumSizeHint().width() + 2 * self.frameWidth()
            self.setMinimumWidth(width)
            self.setMaximumWidth(width)
        else:
            least = self._unfolded_min_width()
            most = round(420 * theme_mod.current().bar_scale)
            window = self.window()
            if window is not self:  # leave the screen its room when the window is narrow
                most = min(most, window.width() - round(self.MIN_CONTENT_PX * scale))
            self.setMinimumWidth(least)
            self.setMaximumWidth(max(least, most))
        self.updateGeometry()

    def _retranslate_toggle(self) -> None:
        look_away = self._collapsed and self._looks_away()
        primary = "true" if look_away else "false"
        if self.toggle.property("primary") != primary:
            self.toggle.setProperty("primary", primary)
            self.toggle.style().unpolish(self.toggle)
            self.toggle.style().polish(self.toggle)
            self.toggle._on_theme()
        if look_away:
            icon = "privacy"
        elif self._collapsed and self._state.problem is not None:
            icon = "warning"
        else:
            icon = "mediator"
        self.toggle.set_icon_name(icon)
        if look_away:
            text = _("Look away")
        elif self._collapsed:
            text = _("Guide")
        else:
            text = _("Hide the guide")
        self.toggle.set_text(text, _("Show or hide the guide for the mediator."))

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        window = self.window()
        if window is not self and window is not self._watched:
            if self._watched is not None:
                self._watched.removeEventFilter(self)
            window.installEventFilter(self)
            self._watched = window
        self._apply()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._watched and event.type() == QEvent.Type.Resize:
            self._apply()
        return False

    # -- state -----------------------------------------------------------------------------

    def set_state(self, state: JourneyState) -> None:
        """Show the guide for this journey state."""
        was = self._looks_away()
        if state.step is not self._state.step:
            self._manual = None
        self._state = state
        self._after_change(was)

    def set_pin_tool(self, tool_state: PinToolState | None) -> None:
        """The state of "Test my PIN" or "Change my PIN" (None: closed): the mediator looks
        away while the patient types there too."""
        was = self._looks_away()
        self._tool_typing = tool_state is not None and tool_state.patient_types_pin
        self._tool_pinpad = tool_state is not None and tool_state.pinpad
        self._after_change(was)

    def _looks_away(self) -> bool:
        return self.patient_types_pin(self._state) or self._tool_typing

    def _after_change(self, looked_away: bool) -> None:
        entering_pin = self._looks_away() and not looked_away
        self.retranslate()
        self._apply()
        if entering_pin:
            announce(self.pin_prompt, self.pin_prompt.message())

    def state(self) -> JourneyState:
        return self._state

    def retranslate(self) -> None:
        state = self._state
        guide = guide_for(state)
        self.setAccessibleName(_("Guide for the mediator"))
        self.title.setText(_("Guide for the mediator"))
        self.step_title.setText(_("Now: {step}").format(step=state_name(state)))
        self.say.setText(_("Say: {text}").format(text=_(guide.say)))
        self.do.setText(_("Do: {text}").format(text=_(guide.do)))
        self.dont.setText(_("Do not: {text}").format(text=_(guide.dont)))
        self.pin_prompt.set_pinpad(self._tool_pinpad if self._tool_typing else state.pinpad)
        self.pin_prompt.setVisible(self._looks_away())
        tip = self.problem_tip_text(state)
        self.problem_tip.setText(tip)
        self.problem_tip.setVisible(bool(tip))
        self.rules.setText(
            _("Always: never type or look at the PIN. Never keep data. Nothing is saved here.")
        )
        self.common_title.setText(_("Common problems:"))
        for key, button in self.problem_buttons.items():
            button.set_text(_(COMMON_PROBLEMS[key][0]))
        self.relay_button.set_text(
            _("Relay to care providers"),
            _("Print the patient's medical question and whom to ask."),
        )
        self._retranslate_toggle()

    @staticmethod
    def patient_types_pin(state: JourneyState) -> bool:
        """Whether the patient is (about to be) typing the PIN: the mediator looks away."""
        return (
            state.step is Step.PIN
            and state.problem in (None, Problem.PIN_WRONG)
            and not state.confirm_last_try
        )

    @staticmethod
    def problem_tip_text(state: JourneyState) -> str:
        if state.problem is None:
            return ""
        if state.problem is Problem.CONNECTION_FAILED and state.error_kind in CONNECTION_TIPS:
            assert state.error_kind is not None
            return _(CONNECTION_TIPS[state.error_kind])
        return _(PROBLEM_TIPS[state.problem])

    def _common_clicked(self) -> None:
        # The sender's property, not a lambda with default arguments (PySide refcount bug).
        sender = self.sender()
        key = sender.property("problemKey") if sender is not None else None
        if isinstance(key, str):
            self.show_common_problem(key)

    def show_common_problem(self, key: str) -> None:
        question, answer, _icon = COMMON_PROBLEMS[key]
        self.answer.setText(_(question) + "\n" + _(answer))
        self.answer.show()
        announce(self.answer, self.answer.text())

    def speech_text(self) -> str:
        parts = [self.title.text(), self.step_title.text()]
        if self.pin_prompt.isVisibleTo(self):
            parts.append(self.pin_prompt.message())
        parts += [self.say.text(), self.do.text(), self.dont.text()]
        if self.problem_tip.isVisibleTo(self):
            parts.append(self.problem_tip.text())
        return "\n".join(parts)


_STEP_NAMES: dict[Step, str] = {
    Step.WELCOME: N_("Welcome and language"),
    Step.READER: N_("The card reader"),
    Step.CARD: N_("The card"),
    Step.CONFIRM_IDENTITY: N_("Is this you?"),
    Step.ABOUT_PIN: N_("About the PIN code"),
    Step.PIN: N_("The PIN code"),
    Step.CONNECTING: N_("Opening the record"),
    Step.RECORD: N_("The record"),
    Step.FINISH: N_("The end"),
    Step.PORTAL: N_("Where is my record?"),
}


#: What the screen shows while a problem is on it (the step's name would contradict it).
_PROBLEM_NAMES: dict[Problem, str] = {
    Problem.READER_SERVICE_DOWN: N_("The computer cannot use card readers"),
    Problem.READER_UNPLUGGED: N_("The reader is not connected"),
    Problem.NOT_EID_CARD: N_("Not an identity card"),
    Problem.CARD_READ_FAILED: N_("The card could not be read"),
    Problem.CARD_REMOVED: N_("The card was taken out"),
    Problem.NOT_ME: N_("Not the patient's card"),
    Problem.NO_PIN: N_("No PIN code"),
    Problem.PIN_WRONG: N_("The PIN code was not correct"),
    Problem.PIN_BLOCKED: N_("The card is blocked"),
    Problem.PIN_CHECK_FAILED: N_("The card did not answer"),
    Problem.CANNOT_LOG_IN: N_("A card that cannot open a record"),
    Problem.CONNECTION_FAILED: N_("The record does not open"),
}


def state_name(state: JourneyState) -> str:
    """The name of what is on screen now: the problem when there is one, else the step."""
    if state.step is Step.PIN and state.confirm_last_try:
        return _("The last try")
    if state.problem is not None:
        return _(_PROBLEM_NAMES[state.problem])
    return _(_STEP_NAMES[state.step])
