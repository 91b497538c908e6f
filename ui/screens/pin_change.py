""" "Change my PIN code": the PIN used now, then the new PIN twice, then the card changes it
(CHANGE REFERENCE DATA). On a pinpad reader the reader asks for all three on its own keys.
The new PIN is never shown (dots) nor spoken. Flow: :class:`assistant.pin_tools.PinTool`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from assistant.i18n import N_, _
from ui.screens.pin_tool import PinToolScreen, Words

if TYPE_CHECKING:
    from assistant.pin_tools import PinToolState

NOT_CHANGED = N_("Your PIN code did not change.")


class PinChangeScreen(PinToolScreen):
    screen_id = "pin_change"
    icon = "keypad"

    def words(self, state: PinToolState) -> Words:
        from assistant.pin_tools import Notice, Outcome, Phase

        phase, outcome = state.phase, state.outcome
        notice = ""
        if state.notice is Notice.TOO_SHORT:
            notice = _("A PIN code has 4 to 12 digits.")
        elif state.notice is Notice.NEW_PINS_DIFFER:
            notice = _("The 2 new PIN codes were not the same. Type the new PIN code again.")
        if phase is Phase.ASKING:
            return Words(
                "hourglass",
                _("We ask the card how many tries you have. Please wait."),
                _("Leave the card in the reader. This uses no try."),
            )
        if phase is Phase.TYPE_PIN:
            return Words(
                "keypad",
                _("Type the PIN code you use now."),
                _(
                    "This is the PIN code from your PIN letter, or the one you chose later. "
                    "Nobody else should look. Then press OK."
                ),
                notice,
            )
        if phase is Phase.NEW_PIN:
            return Words(
                "keypad",
                _("Choose your new PIN code."),
                _(
                    "Type 4 to 12 digits that only you know. Do not choose your birth date. "
                    "Then press OK."
                ),
                notice,
            )
        if phase is Phase.REPEAT_NEW:
            return Words(
                "keypad",
                _("Type your new PIN code again."),
                _("So we are sure you typed it well. Then press OK."),
                notice,
            )
        if phase is Phase.READY:
            return Words(
                "keypad",
                _("Change your PIN code on the card reader."),
                _(
                    "Your reader has its own keys. Press I am ready. The reader asks 3 times: "
                    "the PIN code you use now, then your new PIN code 2 times. "
                    "Press OK on the reader each time."
                ),
            )
        if phase is Phase.CONFIRM_LAST:
            return Words("warning", _("Careful: this is your last try."))
        if phase is Phase.CHECKING:
            if state.pinpad:
                return Words(
                    "keypad",
                    _("Type on the card reader."),
                    _(
                        "First the PIN code you use now, then your new PIN code 2 times. "
                        "Press OK on the reader each time."
                    ),
                )
            return Words(
                "hourglass",
                _("Changing your PIN code. Please wait."),
                _("Leave the card in the reader."),
            )
        if outcome is Outcome.CHANGED:
            return Words(
                "check",
                _("Your PIN code is changed."),
                _(
                    "From now on, use your new PIN code. The PIN code in your letter does not "
                    "work any more. Keep your new PIN code secret."
                ),
            )
        if outcome is Outcome.WRONG:
            return Words(
                "warning",
                _(NOT_CHANGED),
                _("Look at your PIN letter. Try again only if you are sure."),
                _("The PIN code you use now was not correct. The card counted 1 wrong try."),
            )
        if outcome is Outcome.BLOCKED:
            return Words(
                "lock",
                _("Your card is blocked."),
                _(
                    "The PIN code was wrong 3 times. Go to your commune with your card "
                    "and the PUK code from your PIN letter. They can unblock the card."
                ),
                _(NOT_CHANGED),
            )
        if outcome is Outcome.NOT_READ:
            return Words(
                "error",
                _("The card did not answer."),
                _("Leave the card in the reader. Press Try again."),
                _("Nothing was changed. No try was used."),
            )
        if outcome is Outcome.NO_ANSWER:
            return Words(
                "error",
                _("The card did not answer."),
                _(
                    "Leave the card in the reader. Press Try again: we first ask the card how "
                    "many tries you have. Then use Test my PIN code to see which PIN code works."
                ),
                _("We do not know if your PIN code changed."),
            )
        if outcome is Outcome.NEW_PINS_DIFFER:
            return Words(
                "warning",
                _(NOT_CHANGED),
                _("The 2 new PIN codes were not the same. No try was used."),
            )
        if outcome is Outcome.NEW_PIN_FORMAT:
            return Words(
                "warning",
                _(NOT_CHANGED),
                _("A PIN code has 4 to 12 digits. No try was used."),
            )
        # CANCELLED
        return Words(
            "info",
            _(NOT_CHANGED),
            _("The reader stopped: Cancel was pressed, or nobody typed for a while."),
            _("No try was used."),
        )

    def confirm_words(self) -> tuple[str, str]:
        return (
            _(
                "If the PIN code you use now is wrong, your card is blocked. "
                "Are you sure of your PIN code?"
            ),
            _("Yes, change my PIN code"),
        )

    def help_text(self) -> str:
        return _(
            "To change your PIN code, you need the PIN code you use now. Then you choose a new "
            "one of 4 to 12 digits and type it 2 times. The screen shows dots, never the digits. "
            "A helper must not type it for you. A wrong PIN code uses 1 try."
        )
