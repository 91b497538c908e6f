"""My allergies and problems: allergies, bad reactions to medicines, health problems, risks."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from assistant.i18n import _, format_date, pgettext
from assistant.record_words import ALLERGY_KIND, PROBLEM_STATUS, nothing_text, reaction_text
from assistant.records.model import Criticality, ProblemCategory, ProblemStatus
from ui.record.page import ItemCard, Page, small_button


class AllergiesPage(Page):
    key = "allergies"
    icon = "allergy"

    def title(self) -> str:
        return _("My allergies and problems")

    def build(self) -> Iterator[None]:
        yield from self.part_chooser(len(self.record.allergies), len(self.record.problems))
        self.add_subheading(_("Allergies and bad reactions"), "allergy")
        if not self.record.allergies:
            self.add_text(nothing_text("allergies"))
        for a in self.record.allergies[self.part_slice()]:
            lines = [_(ALLERGY_KIND[a.kind])]
            if a.reaction:
                lines.append(reaction_text(a.reaction))
            if a.criticality is Criticality.HIGH:
                lines.append(_("This can be dangerous. Always tell your doctor and pharmacist."))
            if a.onset:
                lines.append(_("Since {date}").format(date=format_date(a.onset)))
            if not a.active:
                lines.append(pgettext("allergy", "Not active now"))
            if a.note:
                lines.append(a.note)
            card = ItemCard("allergy", a.substance, lines, self.body)
            card.add_explain(self.nav, a.substance, a.codings)
            card.add_button(
                small_button(
                    _("Write a question"), "write", lambda: self.nav.open_page("notes", "allergies")
                )
            )
            self.add_card(card)
            yield

        problems = sorted(
            self.record.problems,
            key=lambda p: (
                p.status is not ProblemStatus.ACTIVE,
                -(p.onset or date.min).toordinal(),
            ),
        )
        self.add_subheading(_("Health problems"), "problems")
        if not problems:
            self.add_text(nothing_text("problems"))
        for p in problems[self.part_slice()]:
            lines = [_(PROBLEM_STATUS[p.status])]
            if p.category is ProblemCategory.RISK:
                lines.append(_("This is a risk to watch."))
            elif p.category is ProblemCategory.HISTORY:
                lines.append(_("This is in your past."))
            if p.onset:
                lines.append(_("Since {date}").format(date=format_date(p.onset)))
            if p.end:
                lines.append(_("Until {date}").format(date=format_date(p.end)))
            if p.note:
                lines.append(p.note)
            card = ItemCard("problems", p.name, lines, self.body)
            card.add_explain(self.nav, p.name, p.codings)
            self.add_card(card)
            yield
