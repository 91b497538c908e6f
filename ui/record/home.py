"""The record home: six big tiles with counts, the patient's tools, and every record page.

``RecordHome(record)`` is a widget the shell embeds at the Record step. It keeps its own pages
(a section, an explanation, a chart...) and their history, so the shell's Back goes through
:meth:`RecordHome.go_back` first. Any item is at most 3 actions from the tiles.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

from babel.dates import get_day_names
from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QGridLayout,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from assistant.errors import AssistantError, UnexpectedError
from assistant.glossary import explain_term
from assistant.i18n import (
    _,
    add_language_listener,
    current_language,
    current_locale_name,
    format_date,
    ngettext,
    remove_language_listener,
)
from assistant.notes import Notebook
from assistant.record_words import record_title
from assistant.records.model import RECORD_PARTS, Coding, Record
from assistant.removable_media import removable_roots
from assistant.settings import FileAccess
from ui import theme as theme_mod
from ui.record.allergies import AllergiesPage
from ui.record.disposal import dispose_later, dispose_now
from ui.record.documents import DocumentPage, DocumentsPage
from ui.record.explain import ContactsPage, ExplainPage
from ui.record.glossary_lookup import cache_epoch, clear_explanation_cache, prefetch_explanations
from ui.record.medicines import MedicinesPage
from ui.record.page import Page, fit_heading, small_button
from ui.record.results import ResultsPage, TrendPage, WhyResultPage, test_count
from ui.record.sharing import SharingPage
from ui.record.tools import NotesPage, PaperPage, PhonePage, UnreadablePage
from ui.record.usb_files import UsbFilesPage
from ui.record.vaccines import VaccinesPage
from ui.widgets import BigButton, Body, Heading, announce
from ui.workers import Job, run_in_worker

log = logging.getLogger(__name__)

#: The six sections, in tile order.
SECTION_KEYS: tuple[str, ...] = RECORD_PARTS

TILE_ICONS: dict[str, str] = {
    "medicines": "medicines",
    "vaccines": "vaccine",
    "results": "lab-results",
    "allergies": "allergy",
    "documents": "documents",
    "sharing": "who-can-see",
}

TOOL_KEYS: tuple[str, ...] = ("notes", "paper", "phone", "open_file")


def tile_text(key: str, record: Record) -> tuple[str, str]:
    """(title, count line) of one tile in the current language."""
    if key == "medicines":
        n = len(record.medications)
        return _("My medicines"), ngettext("{n} medicine", "{n} medicines", n).format(n=n)
    if key == "vaccines":
        n = len(record.vaccinations)
        return _("My vaccines"), ngettext("{n} vaccine", "{n} vaccines", n).format(n=n)
    if key == "results":
        n = test_count(record)
        return _("My results"), ngettext("{n} test", "{n} tests", n).format(n=n)
    if key == "allergies":
        a, p = len(record.allergies), len(record.problems)
        return _("My allergies and problems"), ", ".join(
            (
                ngettext("{n} allergy", "{n} allergies", a).format(n=a),
                ngettext("{n} health problem", "{n} health problems", p).format(n=p),
            )
        )
    if key == "documents":
        n = len(record.documents)
        return _("My documents"), ngettext("{n} document", "{n} documents", n).format(n=n)
    if key == "sharing":
        n = len(record.relations)
        return _("Who can see my record"), ngettext(
            "{n} care provider", "{n} care providers", n
        ).format(n=n)
    raise KeyError(key)


def tool_text(key: str) -> tuple[str, str]:
    """(text, icon) of a tool button."""
    return {
        "notes": (_("Questions for my doctor"), "notes"),
        "paper": (_("Paper copy"), "print"),
        "phone": (_("Continue on my phone"), "phone"),
        "open_file": (_("Open a file I received"), "open-file"),
    }[key]


class HomePage(QWidget):
    """The tiles page. Its widgets are made once; :meth:`rebuild` only puts the record's
    counts and the current language's words on them (a few ms less on every record shown)."""

    def __init__(self, host: RecordHome, parent: QWidget | None = None) -> None:
        # Every widget is made inside its final parent: moving a tree of styled widgets to
        # another parent costs about as much again as making it.
        super().__init__(parent)
        self.host = host
        self.setObjectName("recordHomePage")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.scroll_area = QScrollArea(self)
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        outer.addWidget(self.scroll_area)
        record = host.record
        body = QWidget(self.scroll_area.viewport())
        self.body = body
        lay = QVBoxLayout(body)
        self.lay = lay
        lay.setContentsMargins(24, 16, 24, 24)
        lay.setSpacing(16)
        self.heading = Heading("", body)
        lay.addWidget(self.heading)
        self.intro = Body("", body)
        lay.addWidget(self.intro)
        grid = QGridLayout()
        grid.setSpacing(14)
        self.grid = grid
        self.tiles: dict[str, BigButton] = {}
        for key in SECTION_KEYS:
            title, count = tile_text(key, record)
            tile = BigButton(f"{title}\n{count}", TILE_ICONS[key], body)
            tile.setObjectName(f"tile_{key}")
            tile.pictogram()._factor = 1.5
            tile.pictogram()._on_theme()
            tile.clicked.connect(lambda _c=False, k=key: self.host.open_page(k))
            self.tiles[key] = tile
        lay.addLayout(grid)
        #: "See what we could not read", only while the record has unreadable parts.
        self.unreadable_notice: BigButton | None = None
        self._notice_text: Body | None = None
        self.tools_title = Body("", body, "muted")
        lay.addWidget(self.tools_title)
        tools = QGridLayout()
        tools.setSpacing(14)
        self.tools_grid = tools
        self.tools: dict[str, BigButton] = {}
        for key in TOOL_KEYS:
            if key == "open_file" and host.file_access is FileAccess.NONE:
                continue  # a kiosk opens no files
            text, icon = tool_text(key)
            button = BigButton(text, icon, body)
            button.setObjectName(f"tool_{key}")
            button.clicked.connect(lambda _c=False, k=key: self.host.open_page(k))
            self.tools[key] = button
        lay.addLayout(tools)
        lay.addStretch(1)
        self.columns = 0
        self.rebuild(worded=True)
        self.scroll_area.setWidget(body)
        self.scroll_area.viewport().installEventFilter(self)

    def rebuild(self, *, worded: bool = False) -> None:
        """Show the host's record in the current language and theme, from the top.

        ``worded``: the buttons were just made with these words."""
        record = self.host.record
        self.heading.setText(record_title(record.patient))
        self.intro.setText(_("Choose what you want to see."))
        height = round(96 * theme_mod.current().text_scale)
        for key, tile in self.tiles.items():
            if not worded:
                title, count = tile_text(key, record)
                _set_text(tile, f"{title}\n{count}")
            tile.setMinimumHeight(height)
        self._show_notice(len(record.unreadable))
        self.tools_title.setText(_("Your tools"))
        if not worded:
            for key, button in self.tools.items():
                _set_text(button, tool_text(key)[0])
        self.columns = 0
        if self.isVisible():
            self._fit()
        else:
            # Measured once shown (the view's resize), not for a size it does not have yet.
            self._place(1)
        self.scroll_area.verticalScrollBar().setValue(0)
        # The buttons know their widest word once the style sheet's font is on.
        QTimer.singleShot(0, self, self._fit)

    def _show_notice(self, n: int) -> None:
        """The line about unreadable parts and its button: there only while there are any."""
        if not n:
            for widget in (self._notice_text, self.unreadable_notice):
                if widget is not None:
                    self.lay.removeWidget(widget)
                    widget.hide()
                    widget.setParent(None)  # out of the page at once, deleted later
                    widget.deleteLater()
            self.unreadable_notice = self._notice_text = None
            return
        text = ngettext(
            "We could not read {n} part of your record.",
            "We could not read {n} parts of your record.",
            n,
        ).format(n=n)
        if self._notice_text is not None and self.unreadable_notice is not None:
            self._notice_text.setText(text)
            _set_text(self.unreadable_notice, _("See what we could not read"))
            return
        notice = Body(text, self.body, "problem")
        button = small_button(
            _("See what we could not read"),
            "warning",
            lambda: self.host.open_page("unreadable"),
        )
        at = self.lay.indexOf(self.tools_title)
        self.lay.insertWidget(at, notice)
        self.lay.insertWidget(at + 1, button)
        self._notice_text = notice
        self.unreadable_notice = button

    def _fit(self) -> None:
        width = self.scroll_area.viewport().width()
        self._place(self._columns_for(width))
        fit_heading(self.heading, width - 48)

    def _columns_for(self, width: int) -> int:
        """Tile columns that fit the width: 3 on a wide screen, fewer when the text is large
        or the room is narrow (mediator side panel), so no tile is ever cut off."""
        tile = round(140 + 140 * theme_mod.current().text_scale)
        for button in (*self.tiles.values(), *self.tools.values()):
            tile = max(tile, button.minimumSizeHint().width())
        usable = width - 48  # the page margins
        return max(1, min(3, (usable + 14) // (tile + 14)))

    def _place(self, columns: int) -> None:
        if columns == self.columns:
            return
        self.columns = columns
        for grid, buttons, most in (
            (self.grid, list(self.tiles.values()), 3),
            (self.tools_grid, list(self.tools.values()), 2),
        ):
            cols = min(columns, most)
            for button in buttons:
                grid.removeWidget(button)
            for i, button in enumerate(buttons):
                grid.addWidget(button, i // cols, i % cols)
            for c in range(most):
                grid.setColumnStretch(c, 1 if c < cols else 0)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and watched is self.scroll_area.viewport():
            self._fit()
        return False

    def speech_text(self) -> str:
        parts = [self.heading.text(), _("Choose what you want to see.")]
        for tile in self.tiles.values():
            parts.append(tile.text().replace("\n", ": "))
        return "\n".join(parts)


class RecordHome(QWidget):
    """The record viewer. Signals tell the shell what is shown and when the record changed."""

    #: Key of the page now shown: "home", a section key, "explain", "trend", "document", ...
    page_changed = Signal(str)
    #: The record shown was replaced (a file was opened).
    record_changed = Signal(object)
    #: Ask the shell to announce a status change to screen readers.
    announce_requested = Signal(str)

    def __init__(
        self,
        record: Record,
        parent: QWidget | None = None,
        *,
        notebook: Notebook | None = None,
        may_save_files: bool = True,
        open_file_dialog: Callable[[QWidget], str | None] | None = None,
        file_access: FileAccess = FileAccess.ANY,
        list_removable: Callable[[], list[Path]] = removable_roots,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("recordHome")
        self.record = record
        self.notebook = notebook if notebook is not None else Notebook(None)
        self.may_save_files = may_save_files
        self.file_access = file_access
        self._list_removable = list_removable
        self._open_file_dialog = open_file_dialog or _ask_for_file
        self.history: list[tuple[tuple[str, tuple[object, ...]], Page | None]] = []
        self._stale_pages: set[Page] = set()
        self._stale_home = False
        self.current: tuple[str, tuple[object, ...]] = ("home", ())
        self.page: Page | None = None
        self.opened: Record | None = None
        self.open_job: Job[Record] | None = None
        self.open_problem: str = ""
        #: (language, cache epoch) of the look-ups made with the file being opened.
        self._opened_looked_up: tuple[str, int] | None = None
        self._prefetch_job: Job[None] | None = None
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.stack = QStackedWidget(self)
        lay.addWidget(self.stack)
        self.home = HomePage(self, self.stack)
        self.stack.addWidget(self.home)
        # The look-ups start once the record home is made and shown: a worker busy with
        # Python code makes every call of the GUI thread that lets go of the interpreter lock
        # wait up to 5 ms for it again.
        self._warm_job: Job[None] | None = None
        QTimer.singleShot(0, self, self._start_look_ups)
        add_language_listener(self._on_language)
        theme_mod.notifier().changed.connect(self._on_theme)
        self.destroyed.connect(lambda *_a, cb=self._on_language: remove_language_listener(cb))
        # Records made here (files opened, merges) are wiped with the viewer, even when the
        # shell only deletes it.
        self._own_records: list[Record] = []
        own = self._own_records
        self.destroyed.connect(lambda *_a: _wipe_all(own))
        self.destroyed.connect(lambda *_a: clear_explanation_cache())

    # navigation ---------------------------------------------------------------------------
    @property
    def current_key(self) -> str:
        return self.current[0]

    def open_page(self, key: str, *args: object) -> None:
        """Show a page; the page shown before stays alive on the Back history (so Back
        returns to the same place in a long list)."""
        if key == "open_file" and self.file_access is not FileAccess.REMOVABLE_ONLY:
            self.open_file()
            return
        self.history.append((self.current, self.page))
        self.page = None
        self._show(key, args)

    def explain(
        self, title: str, codings: Sequence[Coding] = (), term: str = "", unit: str = ""
    ) -> None:
        self.open_page("explain", title, tuple(codings), term, unit)

    def go_back(self) -> bool:
        """One page back; False when already at the record home (the shell handles Back)."""
        if not self.history:
            return False
        (key, args), page = self.history.pop()
        self._drop(self.page)
        self.current = (key, args)
        self.page = page
        if page is None:
            if self._stale_home:
                self.home.rebuild()
                self._stale_home = False
            self.stack.setCurrentWidget(self.home)
        else:
            if page in self._stale_pages:
                self._stale_pages.discard(page)
                page.rebuild()
            self.stack.setCurrentWidget(page)
        self._focus_first()
        self.page_changed.emit(key)
        announce(self, self.title())
        return True

    def go_home(self) -> None:
        for _state, page in self.history:
            self._drop(page)
        self.history.clear()
        self._drop(self.page)
        self.page = None
        self._show("home", ())

    def _drop(self, page: Page | None) -> None:
        if page is None:
            return
        page.stop_building()
        page.dispose()
        self._stale_pages.discard(page)
        self.stack.removeWidget(page)
        # A long list holds hundreds of widgets: deleted a few at a time between events.
        dispose_later(page, page.parts())

    def _make_page(self, key: str, args: tuple[object, ...]) -> Page:
        r = self.record
        simple: dict[str, type[Page]] = {
            "medicines": MedicinesPage,
            "vaccines": VaccinesPage,
            "results": ResultsPage,
            "allergies": AllergiesPage,
            "documents": DocumentsPage,
            "sharing": SharingPage,
            "why_result": WhyResultPage,
            "contacts": ContactsPage,
            "phone": PhonePage,
            "unreadable": UnreadablePage,
        }
        if key in simple:
            part = args[0] if args and isinstance(args[0], int) else 0
            return simple[key](r, self, part=part)
        if key == "trend":
            return TrendPage(r, self, str(args[0]))
        if key == "document":
            index = args[0]
            assert isinstance(index, int)
            return DocumentPage(r, self, index)
        if key == "explain":
            codings = args[1] if len(args) > 1 else ()
            assert isinstance(codings, tuple)
            return ExplainPage(
                r, self, str(args[0]), codings, str(args[2]) if len(args) > 2 else ""
            )
        if key == "notes":
            return NotesPage(r, self, self.notebook, str(args[0]) if args else "general")
        if key == "paper":
            return PaperPage(
                r,
                self,
                self.notebook,
                str(args[0]) if args else "all",
                self.may_save_files,
                self.file_access,
            )
        if key == "open_file":  # on a public computer: the USB stick's files only
            return UsbFilesPage(r, self, self._list_removable, self.open_file)
        if key == "opened_file":
            return OpenedFilePage(r, self)
        raise KeyError(key)

    def _show(self, key: str, args: tuple[object, ...]) -> None:
        """Show a new page (the current page was put on the history or dropped)."""
        self.current = (key, args)
        if key == "home":
            self.page = None
            self.home.rebuild()
            self._stale_home = False
            self.stack.setCurrentWidget(self.home)
        else:
            self.page = self._make_page(key, args)
            self.stack.addWidget(self.page)
            self.stack.setCurrentWidget(self.page)
        self._focus_first()
        self.page_changed.emit(key)
        announce(self, self.title())

    def _focus_first(self) -> None:
        target: QWidget | None = self.page if self.page is not None else self.home
        if target is None:
            return
        for button in target.findChildren(BigButton):
            if button.isEnabled():
                button.setFocus(Qt.FocusReason.OtherFocusReason)
                return
        if isinstance(target, Page):
            # A long page still being built may have no button yet: the focus goes to the
            # page (arrow keys scroll it, Tab reaches its first button), not back to the shell.
            target.scroll_area.setFocus(Qt.FocusReason.OtherFocusReason)

    # what the shell asks ---------------------------------------------------------------------
    def title(self) -> str:
        if self.page is not None:
            return self.page.title()
        return self.home.heading.text()

    def help_text(self) -> str:
        """What the shell's Help says on the page shown now."""
        if self.page is None:
            return _(
                "Press a big button to see a part of your record. "
                "Under each item, What is this? explains the words. "
                "Back brings you to the page before."
            )
        return _(
            "Scroll down to see everything. What is this? explains a word. "
            "Back brings you to the page before. Paper copy prints this page."
        )

    def speech_text(self) -> str:
        """What Listen reads for the page shown now."""
        if self.page is not None:
            return self.page.speech_text()
        return self.home.speech_text()

    def speech_parts(self) -> list[tuple[str, str]]:
        """What Listen reads, with the language of each part (see :meth:`Page.speech_parts`)."""
        if self.page is not None:
            return self.page.speech_parts()
        return [(self.home.speech_text(), "")]

    def retranslate(self) -> None:
        self._redraw()

    def _on_language(self, _code: str) -> None:
        self._prefetch()
        self._redraw()

    def _on_theme(self, _theme: object) -> None:
        self._redraw()

    def _redraw(self) -> None:
        """Redraw what is shown now; pages on the history are redrawn when shown again."""
        if self.page is None:
            self.home.rebuild()
        else:
            self._stale_home = True
            self.page.rebuild()
        self._stale_pages |= {page for _state, page in self.history if page is not None}

    def set_record(self, record: Record, *, looked_up: bool = False) -> None:
        """Show another record (from the start: the record home). ``looked_up``: its codes'
        explanations are already in the cache (a file read with its look-ups on a worker)."""
        previous = self.record
        self.record = record
        if not looked_up:
            self._prefetch()
        self.go_home()
        if previous is not record:
            # Freeing a big record takes a while: in its own event, after the new one is shown.
            QTimer.singleShot(0, self, lambda: self._release(previous))
        self.record_changed.emit(record)

    def _release(self, record: Record | None) -> None:
        """Wipe and drop a record this viewer made (an opened file, a merge) that is no
        longer shown: a patient who opens several files does not pile them up in memory."""
        if record is None:
            return
        for i, own in enumerate(self._own_records):
            if own is record:
                del self._own_records[i]
                record.wipe()
                return

    def _start_look_ups(self) -> None:
        self._warm_job = run_in_worker(_warm_up)
        if self._prefetch_job is None:
            self._prefetch()

    def _prefetch(self) -> None:
        """Look up the record's code explanations on a worker (slow glossary scans)."""
        if self._prefetch_job is not None:
            self._prefetch_job.cancel()
        record = self.record
        lang = current_language()
        epoch = cache_epoch()
        self._prefetch_job = run_in_worker(
            lambda: prefetch_explanations(record.all_codings(), lang, epoch),
            on_error=_prefetch_failed,
        )

    def wipe(self) -> None:
        """Forget what is shown (card removed, Finish): pages closed, notes in memory wiped."""
        if self.open_job is not None:
            self.open_job.cancel()
        self.opened = None
        self.record.wipe()
        _wipe_all(self._own_records)
        self.record = Record()
        clear_explanation_cache()
        self.go_home()
        dispose_now()  # nothing of this patient stays on a page waiting to be deleted
        if not self.notebook.persistent:
            self.notebook.wipe()

    # open a file I received -------------------------------------------------------------------
    def open_file(self, path: str | None = None) -> None:
        """Ask for a KMEHR or FHIR file, read it in a worker, then offer to show it."""
        if self.file_access is FileAccess.NONE:
            return
        if path is None:
            if self.file_access is FileAccess.REMOVABLE_ONLY:
                self.open_page("open_file")
                return
            path = self._open_file_dialog(self)
        if not path:
            return
        from assistant.records.files import open_record_file

        self.open_problem = ""
        self.announce_requested.emit(_("Please wait. The file is opening."))
        target = Path(path)
        lang = current_language()
        epoch = cache_epoch()
        self._opened_looked_up = (lang, epoch)

        def read() -> Record:
            # The file is read and its codes looked up in the glossary on the worker.
            record = open_record_file(target)
            prefetch_explanations(record.all_codings(), lang, epoch)
            return record

        self.open_job = run_in_worker(read, self._file_opened, self._file_failed)

    def _file_opened(self, record: Record) -> None:
        self._release(self.opened)  # a file opened before but never shown
        self._own_records.append(record)
        self.opened = record
        self.open_page("opened_file")
        announce(self, _("The file is open."))

    def _file_failed(self, exc: AssistantError) -> None:
        if isinstance(exc, UnexpectedError):
            log.error("opening a file failed: %s", exc.log_name)
        self._release(self.opened)
        self.opened = None
        self.open_problem = _(
            "This file cannot be read. It is not a health record, or it is damaged."
        )
        self.open_page("opened_file")
        announce(self, self.open_problem)

    def show_opened(self, merge: bool) -> None:
        """Show the file opened: alone at once, or with my record once merged on a worker
        (comparing hundreds of items takes tens of ms)."""
        if self.opened is None:
            return
        opened = self.opened
        self.opened = None
        if not merge:
            # The file's codes were looked up with it, on the worker (unless the language
            # changed or the cache was cleared since).
            looked_up = self._opened_looked_up == (current_language(), cache_epoch())
            self.set_record(opened, looked_up=looked_up)
            return
        mine = self.record
        self.open_job = run_in_worker(
            lambda: mine.merge(opened),
            lambda merged: self._merged(merged, opened),
            lambda exc: self._merge_failed(exc, opened),
        )

    def _merged(self, merged: Record, opened: Record) -> None:
        self._own_records.append(merged)
        self.set_record(merged)
        self._release(opened)  # its items live on in the merged record

    def _merge_failed(self, exc: AssistantError, opened: Record) -> None:
        log.error("merging an opened file failed: %s", exc.log_name)
        self.opened = opened  # still there: "Show only this file" works
        self.open_problem = ""
        if self.current_key == "opened_file" and self.page is not None:
            self.page.rebuild()


class OpenedFilePage(Page):
    """After opening a file: show it with my record, or alone."""

    key = "opened_file"
    icon = "open-file"

    def title(self) -> str:
        return _("Open a file I received")

    def build(self) -> None:
        host = self.nav
        assert isinstance(host, RecordHome)
        if host.opened is None:
            self.add_text(host.open_problem or _("No file is open."), "problem")
            self.add(small_button(_("Choose another file"), "open-file", host.open_file))
            return
        opened = host.opened
        counts = opened.counts()
        self.add_text(_("The file is open. It holds:"))
        for key in SECTION_KEYS:
            title, count = tile_text(key, opened)
            if key == "sharing" and not counts["relations"]:
                continue
            self.add_text(f"{title}: {count}")
        if opened.unreadable:
            self.add_text(
                ngettext(
                    "We could not read {n} part of it.",
                    "We could not read {n} parts of it.",
                    len(opened.unreadable),
                ).format(n=len(opened.unreadable)),
                "problem",
            )
        together = BigButton(_("Show it with my record"), "plus", primary=True)
        together.setObjectName("show_together")
        together.clicked.connect(lambda: host.show_opened(True))
        self.add(together)
        alone = BigButton(_("Show only this file"), "document")
        alone.setObjectName("show_alone")
        alone.clicked.connect(lambda: host.show_opened(False))
        self.add(alone)


def _set_text(button: BigButton, text: str) -> None:
    if button.text() != text:  # measuring the new words takes a while
        button.set_text(text)


def _wipe_all(records: list[Record]) -> None:
    for record in records:
        record.wipe()
    records.clear()


def _prefetch_failed(exc: AssistantError) -> None:
    # Only a missed speed-up (e.g. the record was wiped meanwhile): pages look up themselves.
    log.info("explanations not looked up ahead: %s", exc.log_name)


def _warm_up() -> None:
    """Load the glossary and the language's calendar data off the GUI thread, so the first
    page opened does not wait for them."""
    explain_term("consent")
    format_date(date.today())
    get_day_names("wide", locale=current_locale_name())


def _ask_for_file(parent: QWidget) -> str | None:
    path, _filter = QFileDialog.getOpenFileName(
        parent,
        _("Open a file I received"),
        str(Path.home()),
        _("Health record files") + " (*.xml *.kmehr *.json);;" + _("All files") + " (*)",
    )
    return path or None


__all__ = ["SECTION_KEYS", "TOOL_KEYS", "RecordHome"]
