"""Step 1 (Welcome) and step 2 (choose the language)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGridLayout, QWidget

from assistant.i18n import LANGUAGES, _, current_language
from ui.screens.base import Screen
from ui.widgets import BigButton, IconText


class WelcomeScreen(Screen):
    screen_id = "welcome"
    icon = "heart"
    start = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.intro = self.add_text()
        self.need_title = self.add_text()
        self.need_card = IconText("card", "", self)
        self.need_reader = IconText("reader", "", self)
        self.need_pin = IconText("pin-letter", "", self)
        for w in (self.need_card, self.need_reader, self.need_pin):
            self.body.addWidget(w)
        self.start_button = self.add_action("next", primary=True)
        self.start_button.setObjectName("startButton")
        self.start_button.clicked.connect(self.start)

    def retranslate(self) -> None:
        self.heading.setText(_("Welcome. Here you can see your health record."))
        self.intro.setText(
            _("You can see your medicines, your vaccines, your results and your documents.")
        )
        self.need_title.setText(_("You need 3 things:"))
        self.need_card.setText(_("your identity card,"))
        self.need_reader.setText(_("a card reader,"))
        self.need_pin.setText(_("your PIN code."))
        self.start_button.set_text(_("Start"))

    def help_text(self) -> str:
        return _(
            "Press Start to begin. The program shows you each step. "
            "You can press Back at any time. You can press Listen to hear the screen."
        )


class LanguageScreen(Screen):
    screen_id = "language"
    icon = "language"
    chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None, languages: tuple[str, ...] = ()) -> None:
        super().__init__(parent)
        self.buttons: dict[str, BigButton] = {}
        grid = QGridLayout()  # 2 × 2: all four in sight, even with big text
        grid.setSpacing(12)
        self.action_layout.addLayout(grid)
        for i, code in enumerate(languages or tuple(LANGUAGES)):
            button = BigButton(LANGUAGES[code], "language", self)
            button.setObjectName(f"language_{code}")
            button.clicked.connect(lambda _checked=False, c=code: self.chosen.emit(c))
            grid.addWidget(button, i // 2, i % 2)
            self.buttons[code] = button
        self.explain = self.add_text()

    def retranslate(self) -> None:
        # Each language is written in its own words; the question in all four.
        self.heading.setText(_("Choose your language."))
        self.explain.setText(_("Press your language. You can change it later at the top."))
        current = current_language()
        for code, button in self.buttons.items():
            is_current = code == current
            if (button.property("primary") == "true") != is_current:
                button.setProperty("primary", "true" if is_current else "false")
                button.style().unpolish(button)
                button.style().polish(button)
                button._on_theme()
            button.set_text(LANGUAGES[code])

    def help_text(self) -> str:
        return _("Press the name of the language you read best.")
