"""The frame every record page is built in: a scrollable :class:`Page`, its :class:`ItemCard`
items and their small buttons ("What is this?").

A page is built from the record in :meth:`Page.build` and rebuilt when the language or the
record changes. Pages ask their host (the :class:`Navigator`, i.e. :class:`RecordHome`) to open
other pages, so every item stays a few actions away from the record home.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol

from PySide6.QtCore import QEvent, QLocale, QObject, Qt, QTimer
from PySide6.QtGui import QFontInfo
from PySide6.QtWidgets import (
    QAbstractButton,
    QBoxLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from assistant.file_words import summary_says, summary_statements
from assistant.i18n import _, current_language
from assistant.record_words import as_written_text, written_in_text
from assistant.records.model import Coding, Record
from assistant.text_language import foreign_language
from ui.record.flow import FlowLayout, SteadyHBoxLayout
from ui.record.glossary_lookup import coded_name, explanations_for
from ui.widgets import BigButton, Body, Heading, IconText, Pictogram


class Navigator(Protocol):
    """What a page may ask of its host."""

    @property
    def stack(self) -> QWidget:
        """Where the host shows its pages (a page is made in it)."""
        ...

    def open_page(self, key: str, *args: object) -> None: ...

    def explain(
        self, title: str, codings: Sequence[Coding] = (), term: str = "", unit: str = ""
    ) -> None: ...


@dataclass(frozen=True)
class SourceText:
    """A text from the record as its source wrote it, with the language the source declares.

    ``template`` puts it in a sentence of the program ("Advice: {text}") when it is in the
    patient's language. In another language it is never translated: a line in the patient's
    language says which language it is ("Written in English by your care provider:"), and the
    text follows on its own line with that language set on the widget (screen readers and the
    Listen voice read it in that language).
    """

    text: str
    declared: str = ""
    template: str = "{text}"

    def language(self) -> str:
        """The text's language when the patient reads another one ("" otherwise)."""
        return foreign_language(self.text, self.declared, current_language())


def coded_title(text: str, codings: Sequence[Coding], declared: str) -> tuple[str, str]:
    """(title, line): the glossary's name of a coded thing in the patient's language, and the
    name as the record writes it when that differs ("" otherwise)."""
    name = coded_name(text, codings)
    if not text or name.casefold() == text.casefold():
        return name or text, ""
    return name, as_written_text(text, foreign_language(text, declared, current_language()))


def source_language(item: object) -> str:
    """The language an item's source declares for its texts ("" when none)."""
    source = getattr(item, "source", None)
    return source.language if source is not None else ""


def source_labels(item: SourceText, parent: QWidget, role: str = "body") -> list[Body]:
    """The labels of a :class:`SourceText`: one, or the language line and the text."""
    lang = item.language()
    if not lang:
        return [Body(item.template.format(text=item.text), parent, role)]
    intro = Body(item.template.format(text=written_in_text(lang)), parent, "muted")
    text = Body(item.text, parent, role)
    text.setLocale(QLocale(lang))
    text.setProperty(TEXT_LANGUAGE, lang)
    return [intro, text]


#: Property of a label whose text is in another language than the program's (its BCP 47 code).
TEXT_LANGUAGE = "textLanguage"


class ItemCard(QFrame):
    """One item of a list: a pictogram, a bold title, lines of facts and a row of buttons.

    Its accessible name is the title; its description repeats the facts for screen readers.
    A line is a string in the patient's language, or a :class:`SourceText` from the record.
    """

    def __init__(
        self,
        icon: str,
        title: str,
        lines: Iterable[str | SourceText] = (),
        parent: QWidget | None = None,
        *,
        role: str = "body",
    ) -> None:
        super().__init__(parent)
        self.setObjectName("panel")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        outer = SteadyHBoxLayout(self)
        outer.setContentsMargins(14, 12, 14, 12)
        outer.setSpacing(14)
        self.pictogram = Pictogram(icon, self)
        outer.addWidget(self.pictogram, 0, Qt.AlignmentFlag.AlignTop)
        inner = QVBoxLayout()
        inner.setSpacing(6)
        outer.addLayout(inner, 1)
        self.title_label = Body(title, self)
        font = self.title_label.font()
        font.setBold(True)
        self.title_label.setFont(font)
        self.title_label.setProperty("itemTitle", True)
        inner.addWidget(self.title_label)
        self.lines: list[QLabel] = []
        for line in lines:
            if isinstance(line, SourceText):
                made = source_labels(line, self, role) if line.text else []
            else:
                made = [Body(line, self, role)] if line else []
            for label in made:
                inner.addWidget(label)
                self.lines.append(label)
        # The buttons go one under the other when the card is narrow (nothing cut off).
        self.buttons = FlowLayout(spacing=10)
        inner.addLayout(self.buttons)
        self.setAccessibleName(title)
        self.setAccessibleDescription(" ".join(label.text() for label in self.lines))
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)

    @property
    def title(self) -> str:
        return self.title_label.text()

    def add_line(self, widget: QWidget) -> None:
        """Put an extra widget (a picture, a QR code) under the facts."""
        lay = self.layout()
        assert isinstance(lay, QHBoxLayout)
        item = lay.itemAt(1)
        inner = item.layout() if item is not None else None
        assert isinstance(inner, QBoxLayout)
        inner.insertWidget(inner.count() - 1, widget)

    def add_button(self, button: QAbstractButton) -> QAbstractButton:
        self.buttons.addWidget(button)
        if isinstance(button, BigButton) and self.title:
            # Each card's "Write a question" or "What is this?" says which item it is about
            # (screen readers list buttons by name); the visible words come first (WCAG 2.5.3).
            button.setAccessibleName(
                _("{action}: {item}").format(action=button.text(), item=self.title)
            )
        return button

    def add_explain(
        self,
        nav: Navigator,
        title: str,
        codings: Sequence[Coding] = (),
        term: str = "",
        unit: str = "",
    ) -> BigButton | None:
        """Add "What is this?" when the glossary has words for the item (codes always do)."""
        if not explanations_for(title, codings, term, unit, search_text=False):
            return None
        button = explain_button(nav, title, codings, term, unit)
        self.add_button(button)
        return button

    def finish(self) -> None:
        """Called once all buttons are added (the flow keeps them on the left)."""


def small_button(text: str, icon: str, on_click: Callable[[], None]) -> BigButton:
    """A secondary action inside a card (still ≥ 44×44 px)."""
    button = BigButton(text, icon)
    button.label().setStyleSheet("background: transparent;")
    button.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Minimum)
    button.clicked.connect(on_click)
    return button


def explain_button(
    nav: Navigator, title: str, codings: Sequence[Coding] = (), term: str = "", unit: str = ""
) -> BigButton:
    """The "What is this?" button of an item: one tap to its plain explanation."""
    button = small_button(
        _("What is this?"), "explain", lambda: nav.explain(title, codings, term, unit)
    )
    button.setAccessibleName(_("What is this? {name}").format(name=title))
    button.setProperty("explains", title)
    return button


#: Pause between two slices of a long page: time for input, timers and painting.
SLICE_PAUSE_MS = 1


class Page(QWidget):
    """A scrollable record page with one heading. Subclasses fill :meth:`build`."""

    key = ""
    icon = "heart"

    #: Items shown at once; a longer list is split in parts ("1 to 50", "51 to 100", ...)
    #: so the screen stays quick and every item stays within 3 actions.
    PART_SIZE = 25

    def __init__(
        self, record: Record, nav: Navigator, parent: QWidget | None = None, *, part: int = 0
    ) -> None:
        if parent is None:
            # Made inside the host's page stack: moving a tree of styled widgets to another
            # parent later costs about as much again as making it.
            parent = nav.stack
        super().__init__(parent)
        self.record = record
        self.nav = nav
        self.part = part
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.scroll_area = QScrollArea(self)
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        outer.addWidget(self.scroll_area)
        self.body: QWidget | None = None
        self.content: QVBoxLayout | None = None
        self._builder: Iterator[None] | None = None
        # The next slice waits for a timer, not a posted event: posted events would run
        # before timers and input, starving them while a long page is built.
        self._slice_timer = QTimer(self)
        self._slice_timer.setSingleShot(True)
        self._slice_timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._slice_timer.setInterval(SLICE_PAUSE_MS)
        self._slice_timer.timeout.connect(self._next_slice)
        self.rebuild()
        self.scroll_area.viewport().installEventFilter(self)

    def title(self) -> str:
        raise NotImplementedError

    #: Time for the first slice of a long page, then per slice. Laying out and painting the
    #: page after each slice takes as long again, and one item more may be added past the
    #: budget (a medicine card takes a few ms): small budgets keep each turn short.
    FIRST_SLICE_S = 0.003
    SLICE_S = 0.004

    def rebuild(self) -> None:
        """(Re)draw the page from the record in the current language.

        A long page is built in slices between events: :meth:`build` may be a generator that
        yields after each item, so a record with hundreds of items never freezes the screen.
        """
        self._builder = None
        self.body = QWidget(self.scroll_area.viewport())
        self.body.setObjectName("recordPageBody")
        self.content = QVBoxLayout(self.body)
        self.content.setContentsMargins(24, 16, 24, 24)
        self.content.setSpacing(14)
        self.heading = Heading(self.title(), self.body)
        self.content.addWidget(self.heading)
        result = self.build()
        self.scroll_area.setWidget(self.body)
        fit_heading(self.heading, self.scroll_area.viewport().width() - 48)
        if isinstance(result, Iterator):
            self._builder = result
            self._build_slice(self.FIRST_SLICE_S)
        else:
            self._built()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # The view's own size (not the page's: the view is resized after the page).
        if event.type() == QEvent.Type.Resize and watched is self.scroll_area.viewport():
            width = self.scroll_area.viewport().width() - 48
            fit_heading(self.heading, width)
            self.fit_width(width)
        return False

    def fit_width(self, width: int) -> None:
        """Pages with wide parts (a table) adapt them to the width of the page."""

    def _build_slice(self, budget: float | None) -> None:
        builder = self._builder
        if builder is None:
            return
        start = time.perf_counter()
        try:
            next(builder)  # at least one item per slice, however small the budget
            while budget is None or time.perf_counter() - start < budget:
                next(builder)
        except StopIteration:
            self._builder = None
            self._built()
            return
        self._slice_timer.start()

    def _next_slice(self) -> None:
        self._build_slice(self.SLICE_S)

    def _built(self) -> None:
        assert self.content is not None
        self.content.addStretch(1)

    @property
    def building(self) -> bool:
        """True while the rest of a long page is still being added."""
        return self._builder is not None

    def finish_building(self) -> None:
        """Add the rest of the page now (tests, Listen, printing need all of it)."""
        self._build_slice(None)

    def build(self) -> Iterator[None] | None:
        raise NotImplementedError

    def dispose(self) -> None:
        """Called when the page goes away: cancel work still running for it."""

    def parts(self) -> list[QWidget]:
        """The widgets put on the page (cards, texts, rows), in order."""
        if self.body is None:
            return []
        return self.body.findChildren(QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly)

    def stop_building(self) -> None:
        """Add nothing more (the page goes away)."""
        self._builder = None
        self._slice_timer.stop()

    # helpers for subclasses -------------------------------------------------------------
    def add(self, widget: QWidget) -> QWidget:
        assert self.content is not None
        self.content.addWidget(widget)
        if (
            self.body is not None
            and self.body.isVisible()
            and not widget.testAttribute(Qt.WidgetAttribute.WA_WState_ExplicitShowHide)
        ):
            # Shown (styled, polished) now, inside this slice's time budget; Qt would
            # otherwise show it in a later event, all of a slice's widgets at once. (A widget
            # hidden on purpose stays hidden, as Qt would leave it.)
            widget.show()
        return widget

    def add_text(self, text: str, role: str = "body") -> Body:
        label = Body(text, self.body, role)
        self.add(label)
        return label

    def add_summary_statements(self, part: str) -> None:
        """What a patient summary says instead of items for ``part`` ("No known food
        allergy"), one line each."""
        for statement in summary_statements(self.record, part):
            self.add_text(summary_says(statement), "muted")

    def add_subheading(self, text: str, icon: str) -> IconText:
        row = IconText(icon, text, self.body)
        font = row.body.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.2)
        row.body.setFont(font)
        row.body.setProperty("subheading", True)
        row.setAccessibleName(text)
        self.add(row)
        return row

    def part_count(self, *lengths: int) -> int:
        return max(1, *((n + self.PART_SIZE - 1) // self.PART_SIZE for n in lengths))

    def part_slice(self) -> slice:
        start = self.part * self.PART_SIZE
        return slice(start, start + self.PART_SIZE)

    def part_chooser(self, *lengths: int) -> Iterator[None]:
        """When a list is long, say so and offer its parts (one action to any part).

        A generator for :meth:`build`: one step per button (400 items make 16 buttons)."""
        parts = self.part_count(*lengths)
        if parts <= 1:
            return
        total = max(lengths)
        self.add_text(
            _("This list is long: {n} items. It is shown in parts of {size}.").format(
                n=total, size=self.PART_SIZE
            )
        )
        row = QWidget(self.body)
        flow = FlowLayout(row, spacing=10)
        self.add(row)
        for k in range(parts):
            first = k * self.PART_SIZE + 1
            last = min(total, (k + 1) * self.PART_SIZE)
            text = _("{first} to {last}").format(first=first, last=last)
            button = BigButton(text, "check" if k == self.part else "next", row)
            button.setAccessibleName(
                _("Show items {first} to {last}").format(first=first, last=last)
            )
            button.setObjectName(f"part_{k}")
            button.setEnabled(k != self.part)
            button.clicked.connect(lambda _c=False, k=k: self.nav.open_page(self.key, k))
            flow.addWidget(button)
            if row.isVisible():
                button.show()
            yield

    def add_card(self, card: ItemCard) -> ItemCard:
        card.finish()
        self.add(card)
        return card

    def speech_text(self) -> str:
        """What Listen reads: the visible texts of the page, in order (never button labels)."""
        return "\n".join(text for text, _lang in self._label_parts())

    def speech_parts(self) -> list[tuple[str, str]]:
        """What Listen reads, in parts: (text, its language; "" for the program's language).

        A text from the record in another language is its own part, read by a voice of that
        language when the computer has one."""
        if type(self).speech_text is not Page.speech_text:  # a page that says it its own way
            return [(self.speech_text(), "")]
        return self._label_parts()

    def _label_parts(self) -> list[tuple[str, str]]:
        self.finish_building()
        if self.body is None:
            return []
        parts: list[tuple[str, str]] = []
        spoken_groups: set[int] = set()
        for label in self.body.findChildren(QLabel):
            group = _speech_group(label)
            if group is not None:
                # A table-like widget (the day plan) is read as sentences, once.
                if id(group) not in spoken_groups:
                    spoken_groups.add(id(group))
                    parts += [(line, "") for line in group.property("speechLines") or []]
                continue
            if _inside_button(label) or not label.text() or label.isHidden():
                continue
            if label.textFormat() == Qt.TextFormat.RichText:
                continue
            parts.append((label.text(), str(label.property(TEXT_LANGUAGE) or "")))
        return parts

    def item_widgets(self) -> list[QWidget]:
        """Every item card on the page (tests walk them)."""
        self.finish_building()
        if self.body is None:
            return []
        return list(self.body.findChildren(ItemCard))


def fit_heading(heading: QLabel, width: int) -> None:
    """Make a heading's font smaller when one of its words is wider than the page (a long
    German word at 200 % in the mediator's narrow view), so no word and no page is cut."""
    if heading.styleSheet():
        heading.setStyleSheet("")
    if width <= 0 or heading.minimumSizeHint().width() <= width:
        return
    px = QFontInfo(heading.font()).pixelSize()
    smallest = max(12, round(px * 0.6))
    while px > smallest and heading.minimumSizeHint().width() > width:
        px = max(smallest, round(px * 0.9))
        heading.setStyleSheet(f"font-size: {px}px;")


def _speech_group(widget: QWidget) -> QWidget | None:
    parent = widget.parentWidget()
    while parent is not None:
        if parent.property("speechLines") is not None:
            return parent
        parent = parent.parentWidget()
    return None


def _inside_button(widget: QWidget) -> bool:
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QAbstractButton):
            return True
        parent = parent.parentWidget()
    return False
