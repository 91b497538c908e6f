"""My allergies and problems: allergies, bad reactions to medicines, health problems, risks."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from assistant.i18n import _, format_date
from assistant.record_words import (
    ALLERGY_KIND,
    allergy_status_lines,
    nothing_text,
    problem_status_lines,
    reaction_text,
)
from assistant.records.model import Criticality, ProblemCategory, ProblemStatus, Verification
from ui.record.page import (
    ItemCard,
    Page,
    SourceText,
    coded_title,
    small_button,
    source_language,
)


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
            declared = source_language(a)
            title, as_written = coded_title(a.substance, a.codings, declared)
            lines: list[str | SourceText] = [
                as_written,
                *allergy_status_lines(a),
                _(ALLERGY_KIND[a.kind]),
            ]
            if a.reaction:
                reaction, reaction_written = coded_title(a.reaction, a.reaction_codings, declared)
                lines += [reaction_text(reaction), reaction_written]
            if a.criticality is Criticality.HIGH and a.holds:
                lines.append(_("This can be dangerous. Always tell your doctor and pharmacist."))
            if a.onset:
                lines.append(_("Since {date}").format(date=format_date(a.onset)))
            if a.note:
                lines.append(SourceText(a.note, declared))
            card = ItemCard("allergy", title, lines, self.body)
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
                p.verification is Verification.REFUTED,
                p.status is not ProblemStatus.ACTIVE,
                -(p.onset or date.min).toordinal(),
            ),
        )
        self.add_subheading(_("Health problems"), "problems")
        if not problems:
            self.add_text(nothing_text("problems"))
        for p in problems[self.part_slice()]:
            declared = source_language(p)
            title, as_written = coded_title(p.name, p.codings, declared)
            lines = [as_written, *problem_status_lines(p)]
            if p.category is ProblemCategory.RISK:
                lines.append(_("This is a risk to watch."))
            elif p.category is ProblemCategory.HISTORY:
                lines.append(_("This is in your past."))
            if p.onset:
                lines.append(_("Since {date}").format(date=format_date(p.onset)))
            if p.end:
                lines.append(_("Until {date}").format(date=format_date(p.end)))
            if p.note:
                lines.append(SourceText(p.note, declared))
            card = ItemCard("problems", title, lines, self.body)
            card.add_explain(self.nav, p.name, p.codings)
            self.add_card(card)
            yield
