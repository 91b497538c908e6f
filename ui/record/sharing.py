"""Who can see my record: consent, care providers with a therapeutic relation, exclusions and
the access log, explained objectively, with where to change them (the official portal)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from assistant.i18n import N_, _, format_date, format_datetime, ngettext
from assistant.portal.urls import portal_url
from assistant.record_words import consent_text
from assistant.records.model import RelationKind
from ui.record.formatting import breakable
from ui.record.page import ItemCard, Page, explain_button, small_button

MAX_LOG_LINES = 40


RELATION_WORDS: dict[RelationKind, str] = {
    RelationKind.GMD_HOLDER: N_("Your family doctor who keeps your global medical file"),
    RelationKind.THERAPEUTIC: N_("A care provider who treats you"),
    RelationKind.CONTACT_PERSON: N_("A person to contact"),
    RelationKind.CARE_TEAM: N_("A member of your care team"),
}


class SharingPage(Page):
    key = "sharing"
    icon = "who-can-see"

    def title(self) -> str:
        return _("Who can see my record")

    def build(self) -> Iterator[None]:
        consent = self.record.consent
        self.add_subheading(_("Do I share my health data?"), "consent")
        status = consent_text(consent)
        since = consent.since if consent is not None else None
        lines = [_("Since {date}").format(date=format_date(since))] if since else []
        card = ItemCard("consent", status, lines, self.body)
        card.add_explain(self.nav, _("Consent"), (), "consent")
        self.add_card(card)

        self.add_subheading(_("What sharing brings"), "check")
        for text in (
            _("Your doctors, your pharmacist and the hospital see the same information."),
            _("They can care for you better and faster, also in an emergency."),
            _("You do not have to repeat your story or do the same tests again."),
        ):
            self.add_text(text)
        self.add_subheading(_("What sharing risks"), "warning")
        for text in (
            _("More people who care for you can read your data."),
            _("Only a care provider who treats you may look. Each access is written down."),
            _("You can stop sharing, or keep one person out. Then they know less about you."),
        ):
            self.add_text(text)

        self.add_subheading(_("Care providers who treat you"), "doctor")
        if not self.record.relations:
            self.add_text(_("Your record lists no care providers."))
        for rel in self.record.relations:
            lines = [_(RELATION_WORDS[rel.kind]), rel.role, rel.organisation]
            if rel.begin:
                lines.append(_("Since {date}").format(date=format_date(rel.begin)))
            if rel.end:
                lines.append(_("Until {date}").format(date=format_date(rel.end)))
            lines += [breakable(t) for t in rel.telecom]
            rcard = ItemCard("doctor", rel.name, lines, self.body)
            term = "gmd" if rel.kind is RelationKind.GMD_HOLDER else "therapeutic-relation"
            rcard.add_explain(self.nav, rel.role or rel.name, rel.codings, term)
            self.add_card(rcard)
            yield

        self.add_subheading(_("People you keep out"), "exclusion")
        if not self.record.exclusions:
            self.add_text(_("You keep nobody out."))
        for ex in self.record.exclusions:
            lines = [ex.organisation]
            if ex.since:
                lines.append(_("Since {date}").format(date=format_date(ex.since)))
            xcard = ItemCard("exclusion", ex.who, lines, self.body)
            xcard.add_explain(self.nav, _("Exclusion"), (), "exclusion")
            self.add_card(xcard)
            yield

        self.add_subheading(_("Who looked at my record"), "access-log")
        self.add(explain_button(self.nav, _("Who looked at my record"), (), "access-log"))
        entries = sorted(
            self.record.access_log,
            key=lambda e: e.when.replace(tzinfo=None) if e.when else datetime.min,
            reverse=True,
        )
        if not entries:
            self.add_text(_("Nobody looked at your record, or we could not get the list."))
        for e in entries[:MAX_LOG_LINES]:
            lines = [
                format_datetime(e.when) if e.when else _("Date not known"),
                e.organisation,
                _("What: {what}").format(what=e.what) if e.what else "",
            ]
            lcard = ItemCard("access-log", e.who, lines, self.body)
            self.add_card(lcard)
            yield
        if len(entries) > MAX_LOG_LINES:
            rest = len(entries) - MAX_LOG_LINES
            self.add_text(
                ngettext(
                    "And {n} older access. See it on the official website.",
                    "And {n} older accesses. See them on the official website.",
                    rest,
                ).format(n=rest)
            )

        self.add_subheading(_("Where can I change this?"), "settings")
        self.add_text(_("On the official website for patients: {url}").format(url=portal_url()))
        self.add_text(_("Or ask your family doctor or your pharmacist to help you."))
        self.add(
            small_button(_("Continue on my phone"), "phone", lambda: self.nav.open_page("phone"))
        )
