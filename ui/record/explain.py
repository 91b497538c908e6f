""" "What is this?" (the plain explanation of a word or code) and "Who can explain this to me?"."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from assistant.glossary import GlossaryEntry, who_can_explain
from assistant.i18n import _, current_language
from assistant.records.model import Coding, Record, RelationKind
from ui.record.formatting import breakable
from ui.record.glossary_lookup import explanations_for, terms_in, terms_known
from ui.record.page import ItemCard, Navigator, Page, small_button
from ui.record.sharing import RELATION_WORDS
from ui.widgets import announce
from ui.workers import Job, run_in_worker


class ExplainPage(Page):
    key = "explain"
    icon = "explain"

    def __init__(
        self,
        record: Record,
        nav: Navigator,
        item_title: str,
        codings: Sequence[Coding] = (),
        term: str = "",
        unit: str = "",
    ) -> None:
        self.item_title = item_title
        self.codings = tuple(codings)
        self.term = term
        self.unit = unit
        self.entries: list[GlossaryEntry] = []
        self._search: Job[list[GlossaryEntry]] | None = None
        super().__init__(record, nav)

    def title(self) -> str:
        return _("What is this? {name}").format(name=self.item_title)

    def _needs_search(self, lang: str) -> bool:
        """True when only a search of the words of the title can explain it, not done yet."""
        quick = explanations_for(
            self.item_title, self.codings, self.term, self.unit, search_text=False, language=lang
        )
        return not quick and bool(self.item_title) and not terms_known(self.item_title, lang)

    def build(self) -> None:
        lang = current_language()
        if self._needs_search(lang):
            # Searching the glossary's words is slow: a worker does it, then the page redraws.
            self.add_text(_("Please wait. We are looking for an explanation."))
            title = self.item_title
            self._search = run_in_worker(
                lambda: terms_in(title, lang), self._searched, self._searched
            )
            return
        self._search = None
        self.entries = explanations_for(
            self.item_title, self.codings, self.term, self.unit, language=lang
        )
        if not self.entries:
            self.add_text(_("We have no explanation for this yet."))
        for entry in self.entries:
            card = ItemCard("explain", entry.term, [entry.explanation], self.body)
            card.setProperty("glossaryKey", entry.key)
            self.add_card(card)
        self.add_text(_("Still not clear? A person can explain it to you."))
        self.add(
            small_button(
                _("Who can explain this to me?"), "doctor", lambda: self.nav.open_page("contacts")
            )
        )

    def _searched(self, _result: object) -> None:
        self._search = None
        self.rebuild()
        if self.isVisible():
            announce(self, self.title())

    @property
    def building(self) -> bool:
        return self._search is not None or super().building

    def finish_building(self) -> None:
        """Tests, Listen and printing need the answer now: search here if the worker has not
        answered yet (once per title and language)."""
        if self._search is not None:
            self._search.cancel()
            terms_in(self.item_title)
            self._search = None
            self.rebuild()
        super().finish_building()

    def dispose(self) -> None:
        if self._search is not None:
            self._search.cancel()
            self._search = None


class ContactsPage(Page):
    """People who can explain the record: the patient's own GP and pharmacist first."""

    key = "contacts"
    icon = "doctor"

    def title(self) -> str:
        return _("Who can explain this to me?")

    def build(self) -> Iterator[None]:
        own = [
            r
            for r in self.record.relations
            if r.kind in (RelationKind.GMD_HOLDER, RelationKind.THERAPEUTIC, RelationKind.CARE_TEAM)
        ]
        if own:
            self.add_subheading(_("Your own care providers"), "doctor")
            for r in own:
                lines = [
                    _(RELATION_WORDS[r.kind]),
                    r.role,
                    r.organisation,
                    *(breakable(t) for t in r.telecom),
                ]
                self.add_card(ItemCard("doctor", r.name, lines, self.body))
                yield
        self.add_subheading(_("Other people who can help"), "call")
        for contact in who_can_explain():
            lines = [contact.description]
            if contact.phone:
                lines.append(_("Phone: {number}").format(number=contact.phone))
            if contact.website:
                lines.append(_("Website: {address}").format(address=breakable(contact.website)))
            self.add_card(ItemCard("call", contact.name, lines, self.body))
            yield
