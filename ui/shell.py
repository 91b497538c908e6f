"""The main window frame around every screen.

Top bar: "Step N of M", the language (on every screen), text size, contrast.
Middle: the current screen (scrolls when the text is very large), an optional side panel
(the mediator's guide). Bottom bar, same place on every screen: Back, Listen, Help, Hide screen.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QApplication,
    QBoxLayout,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from assistant.i18n import (
    LANGUAGES,
    _,
    add_language_listener,
    current_language,
    ngettext,
    remove_language_listener,
    set_language,
)
from ui import theme as theme_mod
from ui.screens.base import Screen
from ui.speech import Speaker
from ui.startup import set_enum_property
from ui.widgets import (
    BigButton,
    BigComboBox,
    Body,
    Heading,
    Pictogram,
    announce,
    top_aligned,
)

if TYPE_CHECKING:
    from PySide6.QtCore import QRect
    from PySide6.QtGui import QCloseEvent

log = logging.getLogger(__name__)

#: Text sizes offered by the text size button, in turn.
TEXT_SCALES = (1.0, 1.5, 2.0)


class _Overlay(QFrame):
    """A full-window page shown above the content: Help, or the hidden screen."""

    def __init__(self, parent: QWidget, icon: str) -> None:
        super().__init__(parent)
        self.setObjectName("overlay")
        self.setAutoFillBackground(True)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(48, 48, 48, 48)
        lay.setSpacing(20)
        row = QHBoxLayout()
        self.pictogram = Pictogram(icon, self, size_factor=1.6)
        self.heading = Heading("", self)
        row.addLayout(top_aligned(self.pictogram))
        row.addWidget(self.heading, 1)
        lay.addLayout(row)
        self.text = Body("", self)
        lay.addWidget(self.text)
        lay.addStretch(1)
        self.buttons = QVBoxLayout()
        lay.addLayout(self.buttons)
        self.hide()


class _RootLayout(QVBoxLayout):
    """The window's main column; calls ``resized`` when the size it lays out changes.

    (The shell follows its size here rather than in ``resizeEvent``: the first event PySide
    hands to Python makes the 179-member ``QEvent.Type`` enum, ~2 ms before the first screen.)
    """

    def __init__(self, parent: QWidget, resized: Callable[[], None]) -> None:
        super().__init__(parent)
        self._resized = resized
        #: The size last laid out (None before the first layout, when the window is shown).
        self.laid_out: tuple[int, int] | None = None

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        size = (rect.width(), rect.height())
        if size != self.laid_out:
            self.laid_out = size
            self._resized()


class Shell(QMainWindow):
    """The window. Screens are shown with :meth:`show_screen`; the bars stay in place."""

    back_requested = Signal()
    language_changed = Signal(str)
    help_shown = Signal(str)
    hidden_changed = Signal(bool)

    def __init__(self, speaker: Speaker | None = None, languages: tuple[str, ...] = ()) -> None:
        super().__init__()
        self.setObjectName("shell")
        self.speaker = speaker or Speaker(self)
        self._languages = languages or tuple(LANGUAGES)
        self._screen: Screen | None = None
        self._step: tuple[int, int] | None = None
        self._back_enabled = True
        self._on_back: Callable[[], None] | None = None
        #: Seconds without a touch before a public session resets (None: no time limit).
        #: The help of every screen says it (WCAG 2.2.1); the mode that resets sets it.
        self.time_limit_seconds: float | None = None
        self._overlay_focus: QWidget | None = None

        central = QWidget(self)
        root = self._root = _RootLayout(central, self._content_resized)
        root.setContentsMargins(0, 0, 0, 0)
        root.setSpacing(0)

        # Top bar ---------------------------------------------------------------------
        self.top_bar = QFrame(central)
        self.top_bar.setObjectName("topBar")
        # Step label and controls side by side; one above the other with big text.
        self.top_layout = QBoxLayout(QBoxLayout.Direction.LeftToRight, self.top_bar)
        self.top_layout.setContentsMargins(16, 8, 16, 8)
        self.top_layout.setSpacing(8)
        self.step_label = QLabel(self.top_bar)
        self.step_label.setObjectName("stepLabel")
        self.top_layout.addWidget(self.step_label, 1)
        self.controls = QWidget(self.top_bar)
        self.controls.setObjectName("topControls")
        top = QHBoxLayout(self.controls)
        top.setContentsMargins(0, 0, 0, 0)
        top.setSpacing(12)
        top.addStretch(1)
        self.top_layout.addWidget(self.controls)
        self.language_picto = Pictogram("language", self.controls, chrome=True)
        top.addWidget(self.language_picto)
        self.language_box = BigComboBox(self.controls)
        self.language_box.setObjectName("languageBox")
        for code in self._languages:
            self.language_box.addItem(LANGUAGES[code], code)
        self.language_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.language_box.activated.connect(self._language_picked)
        top.addWidget(self.language_box)
        self.text_size_button = BigButton("", "text-size", self.controls, chrome=True)
        self.text_size_button.setObjectName("textSizeButton")
        self.text_size_button.clicked.connect(self.cycle_text_size)
        top.addWidget(self.text_size_button)
        self.contrast_button = BigButton("", "contrast", self.controls, chrome=True)
        self.contrast_button.setObjectName("contrastButton")
        self.contrast_button.setCheckable(True)
        self.contrast_button.clicked.connect(self.toggle_contrast)
        top.addWidget(self.contrast_button)
        root.addWidget(self.top_bar)

        # Middle: banner (training), content + side panel ----------------------------------
        self.banner_area = QVBoxLayout()
        self.banner_area.setContentsMargins(0, 0, 0, 0)
        root.addLayout(self.banner_area)
        middle = QHBoxLayout()
        middle.setContentsMargins(0, 0, 0, 0)
        middle.setSpacing(0)
        self.scroll_area = QScrollArea(central)
        self.scroll_area.setObjectName("contentScroll")
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        set_enum_property(self.scroll_area, "horizontalScrollBarPolicy", "ScrollBarAlwaysOff")
        # Screens not shown wait, hidden, in this holder; the one shown is the scroll's widget.
        self._holder = QWidget(central)
        self._holder.setObjectName("screenHolder")
        self._holder.hide()
        self._screens: list[Screen] = []
        middle.addWidget(self.scroll_area, 1)
        # Screens that scroll by themselves (the record viewer) sit here instead.
        self.direct = QWidget(central)
        self.direct.setObjectName("directContent")
        direct_layout = QVBoxLayout(self.direct)
        direct_layout.setContentsMargins(0, 0, 0, 0)
        self.direct.hide()
        middle.addWidget(self.direct, 1)
        self.side_area = QVBoxLayout()
        self.side_area.setContentsMargins(0, 0, 0, 0)
        middle.addLayout(self.side_area)
        root.addLayout(middle, 1)
        # The current screen's actions: under the scrolling part, always in sight.
        self.action_area = QVBoxLayout()
        self.action_area.setContentsMargins(0, 0, 0, 0)
        root.addLayout(self.action_area)

        # Live region: a status line screen readers hear --------------------------------
        self.status_label = Body("", central, "muted")
        self.status_label.setObjectName("statusLine")
        self.status_label.setContentsMargins(16, 0, 16, 0)
        self.status_label.hide()
        root.addWidget(self.status_label)

        # Bottom bar ------------------------------------------------------------------
        self.bottom_bar = QFrame(central)
        self.bottom_bar.setObjectName("bottomBar")
        bottom = self.bottom_layout = QHBoxLayout(self.bottom_bar)
        bottom.setContentsMargins(16, 8, 16, 8)
        bottom.setSpacing(12)
        self.back_button = BigButton("", "back", self.bottom_bar, chrome=True)
        self.back_button.setObjectName("backButton")
        self.back_button.clicked.connect(self._back_clicked)
        self.listen_button = BigButton("", "listen", self.bottom_bar, chrome=True)
        self.listen_button.setObjectName("listenButton")
        self.listen_button.clicked.connect(self.listen)
        self.help_button = BigButton("", "help", self.bottom_bar, chrome=True)
        self.help_button.setObjectName("helpButton")
        self.help_button.clicked.connect(self.show_help)
        self.hide_button = BigButton("", "privacy", self.bottom_bar, chrome=True)
        self.hide_button.setObjectName("hideButton")
        self.hide_button.clicked.connect(self.hide_screen)
        for b in (self.back_button, self.listen_button, self.help_button, self.hide_button):
            b.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
            bottom.addWidget(b, 1)  # equal shares: Help sits in the same place in every language
        # No Back on a step that has none: hidden (also to screen readers), its place kept so
        # Listen, Help and Hide screen never move (WCAG 3.2.6).
        policy = self.back_button.sizePolicy()
        policy.setRetainSizeWhenHidden(True)
        self.back_button.setSizePolicy(policy)
        root.addWidget(self.bottom_bar)
        #: The central widget (the overlays cover it).
        self.central = central
        self.setCentralWidget(central)

        # Overlays (Help, hidden screen): made the first time one is needed (~3.5 ms).
        self._overlays: tuple[_Overlay, _Overlay] | None = None

        for keys, slot in (
            ("F1", self.show_help),
            ("Ctrl+H", self.hide_screen),
            ("Esc", self._escape),
        ):
            QShortcut(QKeySequence(keys), self).activated.connect(slot)

        self.speaker.unavailable.connect(self._speech_problem)
        add_language_listener(self._language_listener)
        self.destroyed.connect(lambda *_a, cb=self._language_listener: remove_language_listener(cb))
        theme_mod.notifier().changed.connect(self._theme_changed)
        self.setMinimumSize(800, 600)
        self._theme_changed(theme_mod.current())
        self.retranslate()

    # ------------------------------------------------------------------ overlays
    def _pages(self) -> tuple[_Overlay, _Overlay]:
        """The Help and hidden-screen pages (made on first use)."""
        if self._overlays is None:
            self._overlays = self._make_overlays(self.central)
            self._retranslate_overlays()
        return self._overlays

    def _make_overlays(self, central: QWidget) -> tuple[_Overlay, _Overlay]:
        help_overlay = _Overlay(central, "help")
        help_overlay.setObjectName("helpOverlay")
        self._help_listen = BigButton("", "listen", help_overlay)
        self._help_listen.clicked.connect(
            lambda: self.say(help_overlay.heading.text() + "\n" + help_overlay.text.text())
        )
        self._help_close = BigButton("", "close", help_overlay, primary=True)
        self._help_close.setObjectName("helpClose")
        self._help_close.clicked.connect(self.close_help)
        help_overlay.buttons.addWidget(self._help_listen)
        help_overlay.buttons.addWidget(self._help_close)

        privacy_overlay = _Overlay(central, "privacy")
        privacy_overlay.setObjectName("privacyOverlay")
        self._show_again = BigButton("", "show", privacy_overlay, primary=True)
        self._show_again.setObjectName("showAgain")
        self._show_again.clicked.connect(self.show_screen_again)
        privacy_overlay.buttons.addWidget(self._show_again)
        return help_overlay, privacy_overlay

    @property
    def help_overlay(self) -> _Overlay:
        return self._pages()[0]

    @property
    def privacy_overlay(self) -> _Overlay:
        return self._pages()[1]

    @property
    def help_listen(self) -> BigButton:
        self._pages()
        return self._help_listen

    @property
    def help_close(self) -> BigButton:
        self._pages()
        return self._help_close

    @property
    def show_again(self) -> BigButton:
        self._pages()
        return self._show_again

    def _help_visible(self) -> bool:
        return self._overlays is not None and self._overlays[0].isVisible()

    def _privacy_visible(self) -> bool:
        return self._overlays is not None and self._overlays[1].isVisible()

    # ------------------------------------------------------------------ screens
    @property
    def shown_screen(self) -> Screen | None:
        """The screen shown now (not ``screen``: that is the monitor, ``QWidget.screen``)."""
        return self._screen

    def add_screen(self, screen: Screen) -> None:
        if screen not in self._screens:
            self._screens.append(screen)
            if screen.scrolls_itself:
                # Lives in the direct area from the start (hidden): moving a full screen into
                # the window later restyles its whole widget tree on the GUI thread.
                screen.hide()
                direct_layout = self.direct.layout()
                assert direct_layout is not None
                direct_layout.addWidget(screen)
            else:
                screen.setParent(self._holder)
            screen.action_bar.setParent(self._holder)  # never a window of its own
            screen.action_bar.hide()
            screen.announce_requested.connect(self.announce)

    @property
    def screens(self) -> list[Screen]:
        return list(self._screens)

    def show_screen(self, screen: Screen, step: tuple[int, int] | None = None) -> None:
        """Swap the content to ``screen``; ``step`` is (N, M) for "Step N of M"."""
        self.add_screen(screen)
        self._screen = screen
        self._step = step
        screen.retranslate()
        self._place(screen)
        # back to the top (not through the scroll bar: its Python type makes two enums)
        self.scroll_area.ensureVisible(0, 0, 0, 0)
        self.set_status("")
        self._update_step_label()
        self.speaker.stop()
        if not self._privacy_visible() and not self._help_visible():
            if not screen.focus_first():
                self.listen_button.setFocus()
            else:
                # The focused part (the PIN keypad) in sight, once the screen is laid out: with
                # 200 % text on a small window it can start under the bottom edge.
                QTimer.singleShot(0, self, self._focused_in_sight)
        if self.speaker_auto:
            self.listen()

    speaker_auto = False
    _placed: Screen | None = None

    def _focused_in_sight(self) -> None:
        content = self.scroll_area.widget()
        focused = QApplication.focusWidget()
        if content is None or focused is None or not content.isAncestorOf(focused):
            return
        self.scroll_area.ensureWidgetVisible(focused, 0, 0)

    def _place(self, screen: Screen) -> None:
        """Put ``screen`` in the scroll area, or show it directly when it scrolls by itself."""
        direct_layout = self.direct.layout()
        assert direct_layout is not None
        current = self._placed
        if current is screen:
            return
        if current is not None:
            if current is self.scroll_area.widget():
                self.scroll_area.takeWidget()
                current.hide()
                current.setParent(self._holder)
            else:
                current.hide()  # a self-scrolling screen stays in the direct area
            self.action_area.removeWidget(current.action_bar)
            current.action_bar.hide()
            current.action_bar.setParent(self._holder)
        self._placed = screen
        self.action_area.addWidget(screen.action_bar)
        screen.action_bar.show()
        if screen.scrolls_itself:
            self.scroll_area.hide()
            if direct_layout.indexOf(screen) < 0:
                direct_layout.addWidget(screen)
            self.direct.show()
        else:
            self.direct.hide()
            self.scroll_area.setWidget(screen)
            self.scroll_area.show()
        screen.show()

    # ------------------------------------------------------------------ keyboard order
    def _tab_region(self, w: QWidget) -> int:
        """Where ``w`` is in the reading order: top bar, banner, screen, its actions, the
        mediator's guide, bottom bar (anything else, such as a cover, last)."""
        screen = self._screen
        parts: list[QWidget | None] = [
            self.top_bar,
            None,  # banners: below
            self.scroll_area if self.scroll_area.isVisible() else self.direct,
            screen.action_bar if screen is not None else None,
            None,  # side panel: below
            self.bottom_bar,
        ]
        for i, part in enumerate(parts):
            if part is not None and (part is w or part.isAncestorOf(w)):
                return i
        for layout, index in ((self.banner_area, 1), (self.side_area, 4)):
            for i in range(layout.count()):
                item = layout.itemAt(i)
                owner = item.widget() if item is not None else None
                if owner is not None and (owner is w or owner.isAncestorOf(w)):
                    return index
        return len(parts)

    def tab_stops(self) -> list[QWidget]:
        """The widgets Tab visits, in order: top → screen → actions → bottom (WCAG 2.4.3).
        Screens and record pages are made after the bars, so Qt's own chain (the order of
        making) would visit the bottom bar before the screen."""
        from PySide6.QtCore import Qt  # (the Qt namespace's enums: not before the first screen)

        stops: list[QWidget] = []
        w: QWidget | None = self.nextInFocusChain()
        for _step in range(5000):
            if w is None or w is self:
                break
            tab = bool(w.focusPolicy().value & Qt.FocusPolicy.TabFocus.value)
            if tab and w.isVisible() and w.isEnabled() and w.window() is self:
                stops.append(w)
            w = w.nextInFocusChain()
        # A scroll area is no stop of its own when it holds stops: Tab reaches its controls,
        # and the area scrolls to the one focused (no invisible stop in between, WCAG 2.4.7).
        stops = [
            w
            for w in stops
            if not isinstance(w, QAbstractScrollArea)
            or not any(w.isAncestorOf(other) for other in stops)
        ]
        return sorted(stops, key=self._tab_region)  # (a stable sort: Qt's order in a region)

    def focusNextPrevChild(self, next: bool) -> bool:
        from PySide6.QtCore import Qt

        stops = self.tab_stops()
        if not stops:
            return super().focusNextPrevChild(next)
        current = QApplication.focusWidget()
        if current in stops:
            i = stops.index(current) + (1 if next else -1)
        else:
            i = 0 if next else -1
        target = stops[i % len(stops)]
        reason = Qt.FocusReason.TabFocusReason if next else Qt.FocusReason.BacktabFocusReason
        target.setFocus(reason)
        return True

    def set_back_enabled(self, enabled: bool) -> None:
        """Back where there is a step before; elsewhere it is hidden, not only greyed."""
        self._back_enabled = enabled
        self.back_button.setEnabled(enabled)
        self.back_button.setVisible(enabled)

    def set_back_handler(self, handler: Callable[[], None] | None) -> None:
        """Screens with their own pages (the record viewer) can take over Back."""
        self._on_back = handler

    def _back_clicked(self) -> None:
        if self._on_back is not None:
            self._on_back()
        else:
            self.back_requested.emit()

    def _escape(self) -> None:
        if self._help_visible():
            self.close_help()

    def set_side_panel(self, widget: QWidget | None) -> None:
        """Put a panel to the right of the content (the mediator's guide)."""
        while self.side_area.count():
            item = self.side_area.takeAt(0)
            w = item.widget() if item is not None else None
            if w is not None:
                w.setParent(None)
        if widget is not None:
            self.side_area.addWidget(widget)

    def add_banner(self, widget: QWidget) -> None:
        """A band under the top bar (e.g. "Practice — not a real record")."""
        self.banner_area.addWidget(widget)

    # ------------------------------------------------------------------ texts
    def _update_step_label(self) -> None:
        if self._step is None:
            self.step_label.setText("")
            self.step_label.setAccessibleName("")
            return
        n, m = self._step
        text = _("Step {n} of {m}").format(n=n, m=m)
        self.step_label.setText(text)
        self.step_label.setAccessibleName(text)

    def retranslate(self) -> None:
        """Set every text of the frame (and of the current screen) in the current language."""
        self.setWindowTitle(_("Dossier Assistant"))
        self._update_step_label()
        self.language_box.setAccessibleName(_("Language"))
        self.language_box.setToolTip(_("Choose your language"))
        idx = self.language_box.findData(current_language())
        if idx >= 0:
            self.language_box.setCurrentIndex(idx)
        self.text_size_button.set_text(
            _("Text size"), _("Make the text bigger. Press again to go back to normal.")
        )
        self.contrast_button.set_text(_("Contrast"), _("Switch the contrast on or off."))
        self.back_button.set_text(_("Back"), _("Go back to the step before."))
        self.listen_button.set_text(_("Listen"), _("Read this screen aloud."))
        self.help_button.set_text(_("Help"), _("What to do on this screen."))
        self.hide_button.set_text(_("Hide screen"), _("Hide the screen at once."))
        self._retranslate_overlays()
        if self._screen is not None:
            self._screen.retranslate()
            if self._help_visible():
                self._fill_help()
        self.language_box.updateGeometry()
        self._fit_top_bar()
        self._fit_top_bar_later()

    def _retranslate_overlays(self) -> None:
        if self._overlays is None:
            return
        self._help_listen.set_text(_("Listen"), _("Read the help aloud."))
        self._help_close.set_text(_("Close help"))
        privacy = self._overlays[1]
        privacy.heading.setText(_("The screen is hidden."))
        privacy.text.setText(
            _("Nobody can see your data now. Press the button to show the screen again.")
        )
        self._show_again.set_text(_("Show the screen"))

    def _language_listener(self, code: str) -> None:
        self.set_status("")
        self.speaker.language_changed()
        self.retranslate()
        self.language_changed.emit(code)

    def _language_picked(self, index: int) -> None:
        code = self.language_box.itemData(index)
        if isinstance(code, str) and code != current_language():
            set_language(code)
            self.announce(_("The language is now {language}.").format(language=LANGUAGES[code]))

    # ------------------------------------------------------------------ look
    def cycle_text_size(self) -> None:
        t = theme_mod.current()
        bigger = [s for s in TEXT_SCALES if s > t.text_scale + 0.01]
        scale = bigger[0] if bigger else TEXT_SCALES[0]
        theme_mod.set_theme(t.with_(text_scale=scale))
        self.announce(_("Text size: {percent} percent.").format(percent=round(scale * 100)))

    def toggle_contrast(self) -> None:
        t = theme_mod.current()
        theme_mod.set_theme(t.with_(high_contrast=not t.high_contrast))
        if theme_mod.current().high_contrast:
            self.announce(_("Contrast is on."))
        else:
            self.announce(_("Contrast is off."))

    def _controls_width(self) -> int:
        """Narrowest row of the language, text size and contrast controls (words whole)."""
        parts = (
            self.language_picto,
            self.language_box,
            self.text_size_button,
            self.contrast_button,
        )
        lay = self.controls.layout()
        spacing = lay.spacing() if lay is not None else 0
        return sum(max(w.minimumSizeHint().width(), w.minimumWidth()) for w in parts) + spacing * 3

    def _fit_top_bar_later(self) -> None:
        # after the new fonts and texts have been laid out
        QTimer.singleShot(0, self._fit_top_bar)

    def _fit_top_bar(self) -> None:
        """Step label and controls on one row when they fit, else one above the other."""
        try:
            self._fit_top_bar_now()
        except RuntimeError:  # the window was closed before a delayed call
            return

    def _fit_top_bar_now(self) -> None:
        if self._root.laid_out is None:
            return  # never laid out: sizes are not known yet (the first layout fits it)
        margins = self.top_layout.contentsMargins()
        need = (
            self.step_label.sizeHint().width()
            + self._controls_width()
            + self.top_layout.spacing()
            + margins.left()
            + margins.right()
        )
        wide = need <= self.top_bar.width() or self.top_bar.width() <= 0
        direction = QBoxLayout.Direction.LeftToRight if wide else QBoxLayout.Direction.TopToBottom
        if self.top_layout.direction() != direction:
            self.top_layout.setDirection(direction)

    def _theme_changed(self, _theme: object) -> None:
        m = theme_mod.current().bar_margin_px()
        self.top_layout.setContentsMargins(16, m, 16, m)
        self.bottom_layout.setContentsMargins(16, m, 16, m)
        self._fit_top_bar()
        self._fit_top_bar_later()
        self.contrast_button.setChecked(theme_mod.current().high_contrast)
        self.central.updateGeometry()

    # ------------------------------------------------------------------ listen, help, hide
    def set_status(self, text: str) -> None:
        """The status line under the screen (hidden when empty)."""
        self.status_label.setText(text)
        self.status_label.setVisible(bool(text))

    def say(self, text: str) -> None:
        message = self.speaker.say(text)
        if message is not None:
            self.set_status(message)

    def listen(self) -> None:
        """Read the current screen (or the open help) aloud."""
        if self._help_visible():
            self.say(self.help_overlay.heading.text() + "\n" + self.help_overlay.text.text())
        elif self._screen is not None:
            message = self.speaker.say_parts(self._screen.speech_parts())
            if message is not None:
                self.set_status(message)

    def _speech_problem(self, message: str) -> None:
        self.set_status(message)
        announce(self.status_label, message)

    def time_limit_text(self) -> str:
        """What the help says about time, the same on every screen (WCAG 2.2.1)."""
        seconds = self.time_limit_seconds
        if seconds is None:
            return _("There is no time limit.")
        minutes = max(1, round(seconds / 60))
        return ngettext(
            "If nobody touches the screen for {n} minute, the screen asks: "
            "Are you still here? Press I am still here to go on. Every key you press counts.",
            "If nobody touches the screen for {n} minutes, the screen asks: "
            "Are you still here? Press I am still here to go on. Every key you press counts.",
            minutes,
        ).format(n=minutes)

    def _fill_help(self) -> None:
        screen = self._screen
        text = screen.help_text() if screen is not None else ""
        self.help_overlay.heading.setText(_("Help"))
        text = text or _("Read the question at the top. Press the big button to go on.")
        self.help_overlay.text.setText(text + "\n\n" + self.time_limit_text())

    def show_help(self) -> None:
        if self._privacy_visible():
            return
        self._fill_help()
        self._overlay_focus = QApplication.focusWidget()
        self._raise_overlay(self.help_overlay)
        self.help_close.setFocus()
        self.help_shown.emit(self.help_overlay.text.text())
        announce(self.help_overlay, self.help_overlay.text.text())

    def close_help(self) -> None:
        if self._overlays is not None:
            self._overlays[0].hide()
        self._set_main_enabled(True)
        self._restore_focus()

    def hide_screen(self) -> None:
        """Cover everything at once (someone is looking at the screen)."""
        self.speaker.stop()
        self.help_overlay.hide()
        if not self._privacy_visible():
            self._overlay_focus = QApplication.focusWidget()
        self._raise_overlay(self.privacy_overlay)
        self.show_again.setFocus()
        self.hidden_changed.emit(True)

    def show_screen_again(self) -> None:
        if self._overlays is not None:
            self._overlays[1].hide()
        self._set_main_enabled(True)
        self._restore_focus()
        self.hidden_changed.emit(False)

    def is_hidden(self) -> bool:
        return self._privacy_visible()

    def _raise_overlay(self, overlay: _Overlay) -> None:
        overlay.setGeometry(self.central.rect())
        overlay.show()
        overlay.raise_()
        self._set_main_enabled(False)

    def _set_main_enabled(self, enabled: bool) -> None:
        # Widgets under an overlay must not take focus or be read by screen readers.
        for w in (self.top_bar, self.scroll_area, self.direct, self.bottom_bar, self.status_label):
            w.setEnabled(enabled)
        for i in range(self.action_area.count()):
            item = self.action_area.itemAt(i)
            aw = item.widget() if item is not None else None
            if aw is not None:
                aw.setEnabled(enabled)
        side = [self.side_area.itemAt(i) for i in range(self.side_area.count())]
        for item in side:
            sw = item.widget() if item is not None else None
            if sw is not None:
                sw.setEnabled(enabled)
        if not enabled:
            for w in (self.top_bar, self.scroll_area, self.bottom_bar):
                w.setAccessibleDescription("")
        self.back_button.setEnabled(enabled and self._back_enabled)

    def _restore_focus(self) -> None:
        target = self._overlay_focus
        self._overlay_focus = None
        try:
            usable = target is not None and target.isVisible() and target.isEnabled()
        except RuntimeError:  # the widget was deleted while covered (the record changed page)
            usable = False
        if usable and target is not None:
            target.setFocus()
        elif self._screen is not None and not self._screen.focus_first():
            self.listen_button.setFocus()

    def _content_resized(self) -> None:
        """The window changed size: the top bar's rows, the open overlay's size."""
        if self.centralWidget() is None:  # still being made
            return
        self._fit_top_bar()
        for overlay in self._overlays or ():
            if overlay.isVisible():
                overlay.setGeometry(self.central.rect())

    # ------------------------------------------------------------------ announcements
    def announce(self, text: str) -> None:
        """Show ``text`` in the status line and tell screen readers."""
        self.set_status(text)
        announce(self.status_label, text)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.speaker.stop()
        super().closeEvent(event)


def expanding(widget: QWidget) -> QWidget:
    widget.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
    return widget
