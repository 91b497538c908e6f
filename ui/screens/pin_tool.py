"""What "Test my PIN" and "Change my PIN" share: the keypad, the tries before and after, the
last-try question and the answers. Each task's words are in its own screen
(:mod:`ui.screens.pin_test`, :mod:`ui.screens.pin_change`); the flow is
:class:`assistant.pin_tools.PinTool`.

The keypad is the PIN step's (:class:`ui.screens.pin.PinPad`): digits show as dots, the PIN is
never spoken nor put in an accessible name; :meth:`PinToolScreen.take_pin` hands it over once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QWidget

from assistant.i18n import _, ngettext
from ui.screens.base import Screen
from ui.screens.pin import PinPad
from ui.widgets import Body

if TYPE_CHECKING:
    from assistant.pin_tools import PinToolState


class Words(NamedTuple):
    """What a task says in one state: the question, what to do, and what went wrong."""

    icon: str
    heading: str
    text: str = ""
    problem: str = ""


def tries_text(tries: int | None) -> str:
    """ "You have N tries left." (the PIN step's words)."""
    if tries is None:
        return _("The card does not say how many tries you have.")
    if tries == 0:
        return _("You have no tries left.")
    return ngettext("You have {n} try left.", "You have {n} tries left.", tries).format(n=tries)


def before_text(tries: int | None) -> str:
    if tries is None:
        return ""
    return ngettext("Before: {n} try left.", "Before: {n} tries left.", tries).format(n=tries)


def now_text(tries: int | None) -> str:
    if tries is None:
        return ""
    return ngettext("Now: {n} try left.", "Now: {n} tries left.", tries).format(n=tries)


class PinToolScreen(Screen):
    """Base of the two tool screens; subclasses give :meth:`words` and the help."""

    submitted = Signal()  # OK on the keypad (enough digits or not: the tool decides)
    ready = Signal()  # pinpad reader: "I am ready"
    confirm_last = Signal()
    cancel_last = Signal()
    retry_requested = Signal()
    close_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        from assistant.pin_tools import PinTask, PinToolState

        super().__init__(parent)
        self.state = PinToolState(PinTask.TEST)
        self.problem_text = Body("", self, "problem")
        self.problem_text.setObjectName("pinToolProblem")
        self.body.addWidget(self.problem_text)
        self.text = Body("", self)
        self.text.setObjectName("pinToolText")
        self.body.addWidget(self.text)
        self.before = Body("", self)
        self.before.setObjectName("triesBefore")
        self.body.addWidget(self.before)
        self.now = Body("", self)
        self.now.setObjectName("triesNow")
        self.body.addWidget(self.now)
        self.confirm_text = Body("", self, "problem")
        self.confirm_text.setObjectName("pinToolLastTry")
        self.body.addWidget(self.confirm_text)
        self.pad = PinPad(self)
        self.body.addWidget(self.pad, 0, Qt.AlignmentFlag.AlignLeft)
        self.pad.ok_pressed.connect(self.submitted)
        self.pad.too_short.connect(self.submitted)
        self.ready_button = self.add_action("keypad", primary=True)
        self.ready_button.setObjectName("pinToolReady")
        self.ready_button.clicked.connect(self.ready)
        self.confirm_yes = self.add_action("check", primary=True)
        self.confirm_yes.setObjectName("pinToolLastTryYes")
        self.confirm_yes.clicked.connect(self.confirm_last)
        self.confirm_no = self.add_action("close")
        self.confirm_no.setObjectName("pinToolLastTryNo")
        self.confirm_no.clicked.connect(self.cancel_last)
        self.retry = self.add_action("retry", primary=True)
        self.retry.setObjectName("pinToolRetry")
        self.retry.clicked.connect(self.retry_requested)
        self.done = self.add_action("next", primary=True)
        self.done.setObjectName("pinToolDone")
        self.done.clicked.connect(self.close_requested)
        self.again = self.add_action("retry")
        self.again.setObjectName("pinToolAgain")
        self.again.clicked.connect(self.retry_requested)
        self.close_button = self.add_action("close")
        self.close_button.setObjectName("pinToolClose")
        self.close_button.clicked.connect(self.close_requested)

    # what a task says ----------------------------------------------------------------------
    def words(self, state: PinToolState) -> Words:
        raise NotImplementedError

    def confirm_words(self) -> tuple[str, str]:
        """(the last-try question, the "yes" answer)."""
        raise NotImplementedError

    def again_text(self) -> str:
        return _("Try again")

    # drawing -------------------------------------------------------------------------------
    def show_state(self, state: PinToolState) -> None:
        self.state = state
        self.retranslate()

    def retranslate(self) -> None:
        from assistant.pin_tools import Outcome, Phase

        s = self.state
        self.pad.retranslate()
        words = self.words(s)
        if self.pictogram.name != words.icon:
            self.pictogram.set_name(words.icon)
        self.heading.setText(words.heading)
        self.text.setText(words.text)
        self.text.setVisible(bool(words.text))
        self.problem_text.setText(words.problem)
        self.problem_text.setVisible(bool(words.problem))
        done = s.phase is Phase.DONE
        counted = done and s.outcome in (
            Outcome.CORRECT,
            Outcome.CHANGED,
            Outcome.WRONG,
            Outcome.BLOCKED,
        )
        if counted and s.tries_before is not None and s.tries_before != s.tries_left:
            self.before.setText(before_text(s.tries_before))
            self.now.setText(now_text(s.tries_left))
        elif counted or s.phase in (Phase.TYPE_PIN, Phase.READY, Phase.CONFIRM_LAST):
            self.before.setText("")
            self.now.setText(tries_text(s.tries_left))
        else:
            self.before.setText("")
            self.now.setText("")
        self.before.setVisible(bool(self.before.text()))
        self.now.setVisible(bool(self.now.text()))
        question, yes = self.confirm_words()
        self.confirm_text.setText(question)
        last = s.phase is Phase.CONFIRM_LAST
        self.confirm_text.setVisible(last)
        for button in (self.confirm_yes, self.confirm_no):
            button.setVisible(last)
        self.confirm_yes.set_text(yes)
        self.confirm_no.set_text(_("No, I will check first"))
        self.pad.setVisible(s.typing)
        self.pad.setEnabled(s.typing)
        self.ready_button.setVisible(s.phase is Phase.READY)
        self.ready_button.set_text(_("I am ready"))
        retry_first = s.can_retry and s.outcome is not Outcome.WRONG
        self.retry.setVisible(retry_first)
        self.retry.set_text(_("Try again"))
        self.close_button.setVisible(retry_first)
        self.close_button.set_text(_("Close"))
        self.done.setVisible(done and not retry_first)
        self.done.set_text(_("Continue"))
        self.again.setVisible(done and s.outcome is Outcome.WRONG)
        self.again.set_text(self.again_text())

    # PIN ownership -------------------------------------------------------------------------
    def take_pin(self) -> bytearray:
        return self.pad.take()

    def clear_pin(self) -> None:
        self.pad.clear()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self.state.typing and self.pad.handle_key(event):
            event.accept()
            return
        super().keyPressEvent(event)

    # what the shell asks -------------------------------------------------------------------
    def speech_text(self) -> str:
        """The question, what to do, the tries and the answers: never the digits (the keys of
        the keypad are not read either)."""
        parts = [self.heading.text()]
        for label in (self.problem_text, self.text, self.before, self.now, self.confirm_text):
            if label.isVisibleTo(self) and label.text():
                parts.append(label.text())
        for button in self.action_bar.findChildren(type(self.done)):
            if self._visible(button) and button.isEnabled():
                parts.append(button.text())
        return "\n".join(p for p in parts if p)

    def focus_first(self) -> bool:
        from assistant.pin_tools import Phase

        if self.state.phase is Phase.CONFIRM_LAST:
            self.confirm_no.setFocus(Qt.FocusReason.OtherFocusReason)
            return True
        if self.state.typing:
            self.pad.setFocus(Qt.FocusReason.OtherFocusReason)
            return True
        return super().focus_first()
