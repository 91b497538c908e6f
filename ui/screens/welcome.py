"""Step 1: Welcome, where the patient first chooses the language.

The very first screen offers the four languages, each written in its own words with its own
pictogram (the language's initial), so a patient who does not read the computer's language
still finds theirs. Pressing a language sets it and goes on.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGridLayout, QWidget

from assistant.i18n import LANGUAGES, _, current_language
from ui.screens.base import Screen, set_primary
from ui.widgets import BigButton, IconText

#: The language names are words of their own language (WCAG 3.1.2: language of parts).
LANGUAGE_LOCALES = {"fr": "fr_BE", "nl": "nl_BE", "en": "en_GB", "de": "de_BE"}


def language_icon(code: str) -> str:
    """The pictogram of one language button (its own initial: F, N, E, D)."""
    return f"language-{code}"


class WelcomeScreen(Screen):
    screen_id = "welcome"
    icon = "heart"
    #: A language button was pressed: its code.
    chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None, languages: tuple[str, ...] = ()) -> None:
        super().__init__(parent)
        self.intro = self.add_text()
        self.need_title = self.add_text()
        self.need_card = IconText("card", "", self)
        self.need_reader = IconText("reader", "", self)
        self.need_pin = IconText("pin-code", "", self)
        for w in (self.need_card, self.need_reader, self.need_pin):
            self.body.addWidget(w)
        #: Kiosk: the reader is part of the kiosk; the patient does not bring one.
        self.reader_provided = False
        self.choose = self.add_text()
        self.choose.setObjectName("chooseLanguage")
        # The languages sit with the actions (always in sight, even with 200 % text): 2 × 2.
        grid = QGridLayout()
        grid.setSpacing(12)
        self.action_layout.addLayout(grid)
        self.buttons: dict[str, BigButton] = {}
        current = current_language()
        for i, code in enumerate(languages or tuple(LANGUAGES)):
            # Made main or not at once: restyling a button later makes Qt's namespace enums
            # (milliseconds) before the first screen is shown.
            button = BigButton(
                LANGUAGES[code],
                language_icon(code),
                self.action_bar,
                primary=code == current,
                chrome=True,
            )
            button.setObjectName(f"language_{code}")
            button.setProperty("lang", LANGUAGE_LOCALES.get(code, code))
            button.clicked.connect(lambda _checked=False, c=code: self.chosen.emit(c))
            grid.addWidget(button, i // 2, i % 2)
            self.buttons[code] = button

    def set_reader_provided(self, provided: bool) -> None:
        """Kiosk mode: the card reader is there; the welcome does not ask to bring one."""
        self.reader_provided = provided
        self.retranslate()

    def retranslate(self) -> None:
        self.heading.setText(_("Welcome. Here you can see your health record."))
        self.intro.setText(
            _("You can see your medicines, your vaccines, your results and your documents.")
        )
        self.need_reader.setVisible(not self.reader_provided)
        if self.reader_provided:
            self.need_title.setText(_("You need 2 things:"))
        else:
            self.need_title.setText(_("You need 3 things:"))
        self.need_card.setText(_("your identity card,"))
        self.need_reader.setText(_("a card reader,"))
        self.need_pin.setText(_("your PIN code."))
        self.choose.setText(_("Press your language to start."))
        current = current_language()
        for code, button in self.buttons.items():
            # One main button: the language shown now. Each name in its own language.
            set_primary(button, code == current)
            button.set_text(LANGUAGES[code])

    def primary_button(self) -> BigButton | None:
        return self.buttons.get(current_language()) or super().primary_button()

    def help_text(self) -> str:
        return _(
            "Press the name of the language you read best. The program then shows you each "
            "step. You can press Back at any time. You can press Listen to hear the screen."
        )
