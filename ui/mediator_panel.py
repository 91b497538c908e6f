"""The mediator's side panel: a short guide for each step of the journey.

For each step: what to say, what to do, what not to do; the answer to the problem on screen;
answers to the common problems (no PIN letter, blocked card, reader not seen, service down);
at the PIN step a large "look away" prompt. A mediator never types or looks at the PIN and
never keeps data. Also the "Practice — not a real record" banner of training mode.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
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
            f"font-size: {t.points('title'):.1f}pt; font-weight: bold; }}"
        )

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
        self.picto = Pictogram("privacy", self, size_factor=1.6, color_role="primary_text")
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
            f"font-size: {t.points('heading'):.1f}pt; font-weight: bold; }}"
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
    """The side panel. Call :meth:`set_state` with every journey state."""

    relay_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mediatorPanel")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self._state = JourneyState()
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        outer.addWidget(scroll)
        inner = QWidget()
        inner.setObjectName("mediatorPanelInner")
        scroll.setWidget(inner)
        lay = QVBoxLayout(inner)
        lay.setContentsMargins(16, 16, 16, 16)
        lay.setSpacing(12)
        top = QHBoxLayout()
        self.picto = Pictogram("mediator", inner)
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
        self.say = IconText("listen", "", inner)
        self.say.setObjectName("mediatorSay")
        self.do = IconText("check", "", inner)
        self.do.setObjectName("mediatorDo")
        self.dont = IconText("blocked", "", inner)
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
            button = BigButton("", icon, inner)
            button.setObjectName(f"common_{key}")
            button.setProperty("problemKey", key)
            button.clicked.connect(self._common_clicked)
            self.problem_buttons[key] = button
            lay.addWidget(button)
        self.answer = Body("", inner)
        self.answer.setObjectName("mediatorAnswer")
        self.answer.hide()
        lay.addWidget(self.answer)
        self.relay_button = BigButton("", "doctor", inner)
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
        self.setMinimumWidth(round(300 * min(scale, 1.5)))
        self.setMaximumWidth(round(420 * scale))

    # -- state -----------------------------------------------------------------------------

    def set_state(self, state: JourneyState) -> None:
        """Show the guide for this journey state."""
        entering_pin = self.patient_types_pin(state) and not self.patient_types_pin(self._state)
        self._state = state
        self.retranslate()
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
