"""My vaccines: what, when, which dose, and the next one when it is known."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from assistant.i18n import _, format_date, ngettext
from assistant.record_words import nothing_text, vaccine_date_text, vaccine_status_lines
from ui.record.page import ItemCard, Page, small_button

#: The soonest next doses listed at the top.
MAX_UPCOMING = 10


class VaccinesPage(Page):
    key = "vaccines"
    icon = "vaccine"

    def title(self) -> str:
        return _("My vaccines")

    def build(self) -> Iterator[None]:
        vaccinations = sorted(
            self.record.vaccinations, key=lambda v: v.date or date.min, reverse=True
        )
        if not vaccinations:
            self.add_text(nothing_text("vaccines"))
            return
        self.add_text(
            ngettext(
                "Your record has {n} vaccine.", "Your record has {n} vaccines.", len(vaccinations)
            ).format(n=len(vaccinations))
        )
        upcoming = sorted(
            (v for v in vaccinations if v.next_due is not None),
            key=lambda v: v.next_due or date.max,
        )[:MAX_UPCOMING]
        if upcoming:
            self.add_subheading(_("Next vaccines"), "calendar")
            for v in upcoming:
                assert v.next_due is not None
                self.add_text(
                    _("{vaccine}: next dose on {date}").format(
                        vaccine=v.vaccine, date=format_date(v.next_due)
                    )
                )
        self.add_subheading(_("Vaccines in my record"), "vaccine")
        yield from self.part_chooser(len(vaccinations))
        for v in vaccinations[self.part_slice()]:
            lines = [*vaccine_status_lines(v), vaccine_date_text(v)]
            if v.dose_number:
                lines.append(_("Dose number {n}").format(n=v.dose_number))
            if v.target_diseases:
                lines.append(
                    _("Protects against: {diseases}").format(diseases=", ".join(v.target_diseases))
                )
            if v.next_due:
                lines.append(_("Next dose: {date}").format(date=format_date(v.next_due)))
            if v.performer and v.given:
                lines.append(_("Given by {who}").format(who=v.performer))
            if v.note:
                lines.append(v.note)
            card = ItemCard("vaccine", v.vaccine, lines, self.body)
            card.add_explain(self.nav, v.vaccine, v.codings)
            card.add_button(
                small_button(
                    _("Write a question"), "write", lambda: self.nav.open_page("notes", "vaccines")
                )
            )
            self.add_card(card)
            yield
