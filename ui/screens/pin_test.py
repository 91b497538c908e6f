""" "Test my PIN code": the card checks the PIN once and the patient sees if it is correct,
with the tries left before and after (flow: :class:`assistant.pin_tools.PinTool`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from assistant.i18n import _
from ui.screens.pin_tool import PinToolScreen, Words

if TYPE_CHECKING:
    from assistant.pin_tools import PinToolState


class PinTestScreen(PinToolScreen):
    screen_id = "pin_test"
    icon = "keypad"

    def words(self, state: PinToolState) -> Words:
        from assistant.pin_tools import Notice, Outcome, Phase

        phase, outcome = state.phase, state.outcome
        if phase is Phase.ASKING:
            return Words(
                "hourglass",
                _("We ask the card how many tries you have. Please wait."),
                _("Leave the card in the reader. This uses no try."),
            )
        if phase is Phase.TYPE_PIN:
            return Words(
                "keypad",
                _("Test your PIN code."),
                _(
                    "Type your PIN code. Nobody else should look. Then press OK. "
                    "The card checks it once."
                ),
                _("Type at least 4 digits.") if state.notice is Notice.TOO_SHORT else "",
            )
        if phase is Phase.READY:
            return Words(
                "keypad",
                _("Test your PIN code on the card reader."),
                _(
                    "Your reader has its own keys. Press I am ready. Then type your PIN code "
                    "on the reader and press OK on the reader."
                ),
            )
        if phase is Phase.CONFIRM_LAST:
            return Words("warning", _("Careful: this is your last try."))
        if phase is Phase.CHECKING:
            if state.pinpad:
                return Words(
                    "keypad",
                    _("Type your PIN code on the card reader."),
                    _("Use the keys of the card reader. Then press OK on the reader."),
                )
            return Words(
                "hourglass",
                _("Checking your PIN code. Please wait."),
                _("Leave the card in the reader."),
            )
        if outcome is Outcome.CORRECT:
            return Words(
                "check",
                _("Your PIN code is correct."),
                _("You can use it to open your health record."),
            )
        if outcome is Outcome.WRONG:
            return Words(
                "warning",
                _("This PIN code is not correct."),
                _("Look at your PIN letter. Test again only if you are sure."),
                _("The card counted 1 wrong try."),
            )
        if outcome is Outcome.BLOCKED:
            return Words(
                "lock",
                _("Your card is blocked."),
                _(
                    "The PIN code was wrong 3 times. Go to your commune with your card "
                    "and the PUK code from your PIN letter. They can unblock the card."
                ),
            )
        if outcome is Outcome.NOT_READ:
            return Words(
                "error",
                _("The card did not answer."),
                _("Leave the card in the reader. Press Try again."),
                _("No try was used."),
            )
        if outcome is Outcome.NO_ANSWER:
            return Words(
                "error",
                _("The card did not answer."),
                _("Leave the card in the reader. Press Try again."),
                _("We do not know if the card counted this try. We ask the card first."),
            )
        # CANCELLED (the pinpad reader was cancelled or nobody typed for a while)
        return Words(
            "info",
            _("Your PIN code was not checked."),
            _("The reader stopped: Cancel was pressed, or nobody typed for a while."),
            _("No try was used."),
        )

    def confirm_words(self) -> tuple[str, str]:
        return (
            _("If this PIN code is wrong, your card is blocked. Are you sure of your PIN code?"),
            _("Yes, check my PIN code"),
        )

    def again_text(self) -> str:
        return _("Test again")

    def help_text(self) -> str:
        return _(
            "Here you can check your PIN code without opening your record. The card checks "
            "it once. A wrong PIN code uses 1 try. A correct PIN code gives back all 3 tries. "
            "The program never tests by itself."
        )
