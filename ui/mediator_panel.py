"""The mediator's side panel: a short guide for each step of the journey.

For each step: what to say, what to do, what not to do; the answer to the problem on screen;
answers to the common problems (no PIN letter, blocked card, reader not seen, service down);
at the PIN step a large "look away" prompt. A mediator never types or looks at the PIN and
never keeps data. Also the "Practice — not a real record" banner of training mode.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

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

from assistant.errors import ProblemKind
from assistant.i18n import N_, _
from assistant.journey import JourneyState, Problem, Step
from ui import theme as theme_mod
from ui.widgets import BigButton, Body, Heading, IconText, Pictogram, announce

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class StepGuide:
    """What the mediator says, does and does not do at one step (msgids)."""

    say: str
    do: str
    dont: str


GUIDES: dict[Step, StepGuide] = {
    Step.WELCOME: StepGuide(
        say=N_("This program shows your health record: medicines, vaccines and results."),
        do=N_("Ask if the patient has their identity card and knows their PIN code."),
        dont=N_("Do not take the card from the patient. Let them do each step."),
    ),
    Step.LANGUAGE: StepGuide(
        say=N_("Which language do you want?"),
        do=N_("Let the patient press their language. They can change it later at the top."),
        dont=N_("Do not choose for the patient."),
    ),
    Step.READER: StepGuide(
        say=N_("We plug in the card reader."),
        do=N_("Plug the reader into a USB port. Wait until the screen says it is found."),
        dont=N_("Do not install programs on the computer."),
    ),
    Step.CARD: StepGuide(
        say=N_("Put your card in the reader, with the chip first."),
        do=N_("Show how the card goes in. The patient puts it in."),
        dont=N_("Do not keep the card or read it yourself."),
    ),
    Step.CONFIRM_IDENTITY: StepGuide(
        say=N_("Is this you? Look at the name and the photo."),
        do=N_("Let the patient answer. If it is not their card, they take it out."),
        dont=N_("Do not read the national number aloud. Do not note anything."),
    ),
    Step.ABOUT_PIN: StepGuide(
        say=N_("Now you need your PIN code: 4 digits from the letter you got with the card."),
        do=N_("Explain: 3 wrong tries block the card. The patient can stop and come back."),
        dont=N_("Do not ask for the PIN code. Do not guess it together."),
    ),
    Step.PIN: StepGuide(
        say=N_("I look away now. Type your PIN code. Take your time."),
        do=N_("Turn away from the screen and the keypad until the patient is done."),
        dont=N_("Never type the PIN. Never look at it. Never write it down."),
    ),
    Step.CONNECTING: StepGuide(
        say=N_("The program opens your record. This can take a moment."),
        do=N_("Wait. If the health service does not answer, try again later."),
        dont=N_("Do not blame the patient: problems here come from the service or internet."),
    ),
    Step.RECORD: StepGuide(
        say=N_("Here is your record. Press what you want to see."),
        do=N_("Let the patient choose. For medical questions, use Relay to care providers."),
        dont=N_("Do not explain results or change treatments. You are not the doctor."),
    ),
    Step.FINISH: StepGuide(
        say=N_("Take your card out. Everything is wiped from this computer."),
        do=N_("Check that the patient has their card and that the screen is back to the start."),
        dont=N_("Do not save, print or photograph anything for the patient without asking."),
    ),
}


class CommonProblem:
    NO_PIN_LETTER = "no_pin_letter"
    BLOCKED_CARD = "blocked_card"
    READER_NOT_SEEN = "reader_not_seen"
    SERVICE_DOWN = "service_down"


#: Common problem -> (question, answer, pictogram).
COMMON_PROBLEMS: dict[str, tuple[str, str, str]] = {
    CommonProblem.NO_PIN_LETTER: (
        N_("The patient has no PIN code"),
        N_(
            "The PIN code is in the letter that came with the card. If it is lost, the patient "
            "asks for a new PIN code at the town hall (their commune). It is sent by post. "
            "Stop here today; the patient can come back."
        ),
        "pin-letter",
    ),
    CommonProblem.BLOCKED_CARD: (
        N_("The card is blocked"),
        N_(
            "After 3 wrong PIN codes the card is blocked. The patient goes to the town hall "
            "with the PUK code letter to unblock it. Nothing can be done here."
        ),
        "blocked",
    ),
    CommonProblem.READER_NOT_SEEN: (
        N_("The reader is not found"),
        N_(
            "Take the reader out and plug it into another USB port. Wait 10 seconds. "
            "Try another reader if you have one. If nothing works, restart the computer."
        ),
        "reader",
    ),
    CommonProblem.SERVICE_DOWN: (
        N_("The health service does not answer"),
        N_(
            "It is not the patient's fault. Check that the internet works. Try again in a "
            "few minutes. If it still fails, the patient can come back another day."
        ),
        "service-down",
    ),
}

#: Problem on screen -> what the mediator can do (msgid).
PROBLEM_TIPS: dict[Problem, str] = {
    Problem.READER_SERVICE_DOWN: N_(
        "The card service of this computer is not running. Restart the computer or ask the "
        "person who manages the computers."
    ),
    Problem.READER_UNPLUGGED: N_("The reader was unplugged. Plug it in again and wait."),
    Problem.NOT_EID_CARD: N_(
        "This is not a Belgian identity card. Bank cards and health insurance cards do not work."
    ),
    Problem.CARD_READ_FAILED: N_(
        "The card could not be read. Take it out, check the chip is clean, put it back."
    ),
    Problem.CARD_REMOVED: N_("The card was taken out. Everything was wiped. Put it back in."),
    Problem.NOT_ME: N_("This is not the patient's card. Give it back. Use the patient's own card."),
    Problem.PIN_WRONG: N_(
        "The PIN code was wrong. Let the patient take their time. If they are not sure, stop: "
        "3 wrong tries block the card."
    ),
    Problem.PIN_BLOCKED: N_(
        "The card is blocked. The patient must go to the town hall with the PUK code letter."
    ),
    Problem.PIN_CHECK_FAILED: N_(
        "The card did not answer. Check the card is in well, then try again."
    ),
    Problem.CANNOT_LOG_IN: N_(
        "This is a young child's card without login certificate: it cannot open a record. "
        "Nothing is broken. Suggest asking the doctor or the pharmacist."
    ),
    Problem.CONNECTION_FAILED: N_(
        "The record could not be opened. Read the screen: it says if it is the internet or "
        "the health service. It is not the patient's fault."
    ),
}

#: For a failed connection: tip by kind of problem.
CONNECTION_TIPS: dict[ProblemKind, str] = {
    ProblemKind.NETWORK: N_("The internet does not work. Check the cable or the Wi-Fi."),
    ProblemKind.SERVICE_DOWN: N_(
        "The health service does not answer now. Try again in a few minutes."
    ),
    ProblemKind.SERVICE_REFUSED: N_(
        "The health service said no. The patient may need to give their consent on the "
        "official portal first. Show them the portal."
    ),
}


class TrainingBanner(QLabel):
    """Always visible in training mode: this is practice, not a real record."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("trainingBanner")
        self.setWordWrap(True)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setContentsMargins(16, 8, 16, 8)
        theme_mod.notifier().changed.connect(self._restyle)
        self._restyle()
        self.retranslate()

    def _restyle(self, _theme: object = None) -> None:
        t = theme_mod.current()
        c = t.colors
        self.setStyleSheet(
            f"QLabel#trainingBanner {{ background: {c.problem_background}; "
            f"color: {c.problem_text}; border: 3px dashed {c.problem}; "
            f"font-size: {t.bar_points('title'):.1f}pt; font-weight: bold; }}"
        )
        # Sized like the bars: with 200 % text it stays one line and leaves room for the screen.
        m = t.bar_margin_px()
        self.setContentsMargins(16, m, 16, m)

    def retranslate(self) -> None:
        text = _("Practice — not a real record. The card and the patient are made up.")
        self.setText(text)
        self.setAccessibleName(text)


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
        scroll = self.scroll = QScrollArea(self)
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
        inner = self.scroll.widget()
        need = 0
        if inner is not None:
            bar = self.scroll.verticalScrollBar().sizeHint().width()
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
        self.scroll.setVisible(not collapsed)
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
        look_away = self._collapsed and self.patient_types_pin(self._state)
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
        entering_pin = self.patient_types_pin(state) and not self.patient_types_pin(self._state)
        if state.step is not self._state.step:
            self._manual = None
        self._state = state
        self.retranslate()
        self._apply()
        if entering_pin:
            announce(self.pin_prompt, self.pin_prompt.message())

    def state(self) -> JourneyState:
        return self._state

    def retranslate(self) -> None:
        state = self._state
        step = state.step
        guide = GUIDES[step]
        self.setAccessibleName(_("Guide for the mediator"))
        self.title.setText(_("Guide for the mediator"))
        self.step_title.setText(_("Now: {step}").format(step=_step_name(step)))
        self.say.setText(_("Say: {text}").format(text=_(guide.say)))
        self.do.setText(_("Do: {text}").format(text=_(guide.do)))
        self.dont.setText(_("Do not: {text}").format(text=_(guide.dont)))
        self.pin_prompt.set_pinpad(state.pinpad)
        self.pin_prompt.setVisible(self.patient_types_pin(state))
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
        return state.step is Step.PIN and state.problem in (None, Problem.PIN_WRONG)

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
    Step.WELCOME: N_("Welcome"),
    Step.LANGUAGE: N_("Choose the language"),
    Step.READER: N_("The card reader"),
    Step.CARD: N_("The card"),
    Step.CONFIRM_IDENTITY: N_("Is this you?"),
    Step.ABOUT_PIN: N_("About the PIN code"),
    Step.PIN: N_("The PIN code"),
    Step.CONNECTING: N_("Opening the record"),
    Step.RECORD: N_("The record"),
    Step.FINISH: N_("The end"),
}


def _step_name(step: Step) -> str:
    return _(_STEP_NAMES[step])
