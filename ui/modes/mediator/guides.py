"""What the mediator's panel says: for each step of the journey what to say, what to do and
what not to do; the answer to each problem the patient meets; and the common problems (no PIN
letter, blocked card, reader not seen, service down). The texts are msgids, translated when
shown.
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant.errors import ProblemKind
from assistant.i18n import N_
from assistant.journey import JourneyState, Problem, Step


@dataclass(frozen=True)
class StepGuide:
    """What the mediator says, does and does not do at one step (msgids)."""

    say: str
    do: str
    dont: str


GUIDES: dict[Step, StepGuide] = {
    Step.WELCOME: StepGuide(
        say=N_("This program shows your health record. Which language do you want?"),
        do=N_(
            "Ask if the patient has their identity card and knows their PIN code. "
            "Let the patient press their language."
        ),
        dont=N_("Do not take the card from the patient. Do not choose for the patient."),
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
    Step.PORTAL: StepGuide(
        say=N_("Your record is on the official website. We check what the login needs."),
        do=N_(
            "Read each line with the patient and help with what to do. Then the patient opens "
            "the website on their own phone with the code: itsme or the eID card."
        ),
        dont=N_(
            "Do not log in for the patient. Do not open the website on this computer: "
            "the login would stay in its browser."
        ),
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
            "asks the commune for a new PIN code. It is sent by post. "
            "Stop here today. The patient can come back."
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

#: What the mediator says, does and does not do while a problem is on screen (msgids). Every
#: problem has one: the guide never says "type your PIN" beside "Your card is blocked".
PROBLEM_GUIDES: dict[Problem, StepGuide] = {
    Problem.READER_SERVICE_DOWN: StepGuide(
        say=N_("The computer has a problem with card readers. It is not your fault."),
        do=N_("Restart the computer, or ask the person who manages the computers."),
        dont=N_("Do not install programs on the computer."),
    ),
    Problem.READER_UNPLUGGED: StepGuide(
        say=N_("The reader came loose. We plug it in again."),
        do=N_("Plug the reader into a USB port. Wait until the screen says it is found."),
        dont=N_("Do not take the card out of the patient's hands."),
    ),
    Problem.NOT_EID_CARD: StepGuide(
        say=N_("This card does not work here. We need your identity card."),
        do=N_("Let the patient take this card out and put in their identity card."),
        dont=N_("Do not keep the card or read it yourself."),
    ),
    Problem.CARD_READ_FAILED: StepGuide(
        say=N_("The card could not be read. We try again."),
        do=N_("Let the patient take the card out and put it back in, chip first."),
        dont=N_("Do not clean the chip with anything wet or sharp."),
    ),
    Problem.CARD_REMOVED: StepGuide(
        say=N_("The card came out. Put it back in the reader."),
        do=N_("Everything was wiped. Let the patient put the card back in."),
        dont=N_("Do not keep the card or read it yourself."),
    ),
    Problem.NOT_ME: StepGuide(
        say=N_("This is not your card. Put your own card in the reader."),
        do=N_("Give the other card back. Let the patient use their own card."),
        dont=N_("Do not note anything about the other card."),
    ),
    Problem.NO_PIN: StepGuide(
        say=N_("Without your PIN code we stop here today. You can come back."),
        do=N_("Explain where the PIN letter is, and that the commune gives a new PIN code."),
        dont=N_("Do not guess the PIN code together. Never try codes."),
    ),
    Problem.PIN_WRONG: StepGuide(
        say=N_("The code was not correct. Take your time. Are you sure of your code?"),
        do=N_("Look away again. If the patient is not sure, suggest stopping for today."),
        dont=N_("Never type the PIN. Never look at it. Never write it down."),
    ),
    Problem.PIN_BLOCKED: StepGuide(
        say=N_("Your card is blocked. We stop here today. The commune can unblock it."),
        do=N_("Explain: go to the commune with the card and the PUK code from the PIN letter."),
        dont=N_("Do not try again. Nothing can be done here today."),
    ),
    Problem.PIN_CHECK_FAILED: StepGuide(
        say=N_("The card did not answer. We try again."),
        do=N_("Check the card is in well. The patient presses Try again."),
        dont=N_("Do not take the card out now."),
    ),
    Problem.CANNOT_LOG_IN: StepGuide(
        say=N_("This card cannot open a health record. Nothing is wrong with it."),
        do=N_("Suggest asking the doctor or the pharmacist for the child's health information."),
        dont=N_("Do not try another PIN code."),
    ),
    Problem.CONNECTION_FAILED: StepGuide(
        say=N_("The record does not open now. It is not your fault."),
        do=N_("Read the screen with the patient: it says what to do and when to try again."),
        dont=N_("Do not blame the patient: problems here come from the service or internet."),
    ),
}

#: The last try, asked before the keypad: the patient decides.
LAST_TRY_GUIDE = StepGuide(
    say=N_("This is your last try. Do you want to type your code, or stop?"),
    do=N_("Let the patient decide. If they are not sure, stopping is the safe choice."),
    dont=N_("Do not decide for the patient. Never type the PIN."),
)

#: The PIN is being checked (on screen) or typed on the reader's keypad.
PIN_BUSY_GUIDE = StepGuide(
    say=N_("Wait a moment. Leave the card in the reader."),
    do=N_("Keep looking away while the patient uses the reader's keypad."),
    dont=N_("Never type the PIN. Never look at it. Never write it down."),
)


def guide_for(state: JourneyState) -> StepGuide:
    """What the mediator says, does and does not do in ``state`` (problem first)."""
    if state.problem is not None and not state.confirm_last_try:
        return PROBLEM_GUIDES[state.problem]
    if state.step is Step.PIN and state.confirm_last_try:
        return LAST_TRY_GUIDE
    if state.step is Step.PIN and state.busy:
        return PIN_BUSY_GUIDE
    return GUIDES[state.step]


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
    Problem.NO_PIN: N_(
        "The patient does not know their PIN code. Show the screen: PIN letter, commune, itsme."
    ),
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
