"""The readiness check: what the portal's eID login needs on this computer, item by item.

Without Qt. :func:`check_readiness` decides from what was read (the reader, the card's
authentication certificate and its dates, the PIN tries left read without spending one, the
official eID software); :func:`item_words` gives each item's Easy Read words, pictogram and
what to do. itsme, the app on the phone, is always offered as the other way to log in.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import Enum
from typing import TYPE_CHECKING

from assistant.i18n import _, format_date, ngettext
from assistant.portal.eid_software import EidSoftware
from assistant.portal.urls import portal_name

if TYPE_CHECKING:
    from assistant.card.eid import CardData

log = logging.getLogger(__name__)

#: A certificate ending within this many days gets a warning (the login still works today).
EXPIRY_WARNING_DAYS = 30


class Item(Enum):
    """The things the eID login needs, in the order the patient reads them."""

    READER = "reader"
    CARD = "card"  # the card's login certificate: present and within its dates
    PIN = "pin"
    SOFTWARE = "software"
    ITSME = "itsme"  # not a need: the other way to log in


class Status(Enum):
    OK = "ok"
    WARNING = "warning"  # works, but the patient should know something
    PROBLEM = "problem"  # the eID login will not work until this is fixed
    UNKNOWN = "unknown"  # could not be checked here
    INFO = "info"  # an alternative, not a check


class CardIssue(Enum):
    NONE = "none"
    KIDS_CARD = "kids_card"  # cards of children under 12 have no login certificate
    NO_CERTIFICATE = "no_certificate"
    NOT_YET_VALID = "not_yet_valid"
    EXPIRED = "expired"
    EXPIRES_SOON = "expires_soon"
    UNREADABLE = "unreadable"


@dataclass(frozen=True, slots=True)
class ReadinessItem:
    item: Item
    status: Status
    card_issue: CardIssue = CardIssue.NONE
    tries_left: int | None = None
    #: The last day the login certificate is valid (shown when it ends soon or has ended).
    valid_until: date | None = None
    system: str = "other"


@dataclass(frozen=True, slots=True)
class ReadinessReport:
    items: tuple[ReadinessItem, ...]

    def get(self, item: Item) -> ReadinessItem:
        for entry in self.items:
            if entry.item is item:
                return entry
        raise KeyError(item)

    @property
    def eid_login_possible(self) -> bool:
        """Whether nothing stops the eID login on this computer (an unknown is not a stop)."""
        return not any(entry.status is Status.PROBLEM for entry in self.items)

    @property
    def problems(self) -> tuple[ReadinessItem, ...]:
        return tuple(e for e in self.items if e.status is Status.PROBLEM)


def _certificate_dates(der: bytes) -> tuple[datetime, datetime]:
    from cryptography import x509

    cert = x509.load_der_x509_certificate(der)
    return cert.not_valid_before_utc, cert.not_valid_after_utc


def _is_kids_card(card: CardData) -> bool:
    from assistant.card.identity import DocumentType

    return card.identity.document_type is DocumentType.KIDS


def check_card(card: CardData | None, now: datetime | None = None) -> ReadinessItem:
    """The card's login (authentication) certificate: present, and valid today."""
    if card is None:
        return ReadinessItem(Item.CARD, Status.UNKNOWN)
    if not card.can_log_in:
        issue = CardIssue.KIDS_CARD if _is_kids_card(card) else CardIssue.NO_CERTIFICATE
        return ReadinessItem(Item.CARD, Status.PROBLEM, issue)
    der = card.certificates.get("authentication")
    if der is None:  # the certificates were not read
        return ReadinessItem(Item.CARD, Status.UNKNOWN)
    try:
        start, end = _certificate_dates(der)
    except ValueError:
        log.warning("the login certificate could not be read")
        return ReadinessItem(Item.CARD, Status.PROBLEM, CardIssue.UNREADABLE)
    moment = now or datetime.now(UTC)
    last_day = end.date()
    if moment < start:
        return ReadinessItem(Item.CARD, Status.PROBLEM, CardIssue.NOT_YET_VALID)
    if moment > end:
        return ReadinessItem(Item.CARD, Status.PROBLEM, CardIssue.EXPIRED, valid_until=last_day)
    if (end - moment).days < EXPIRY_WARNING_DAYS:
        return ReadinessItem(
            Item.CARD, Status.WARNING, CardIssue.EXPIRES_SOON, valid_until=last_day
        )
    return ReadinessItem(Item.CARD, Status.OK, valid_until=last_day)


def check_pin(tries_left: int | None) -> ReadinessItem:
    """The PIN: blocked (0 tries), last try, or fine; unknown when the card cannot tell."""
    if tries_left is None:
        return ReadinessItem(Item.PIN, Status.UNKNOWN)
    if tries_left <= 0:
        return ReadinessItem(Item.PIN, Status.PROBLEM, tries_left=0)
    if tries_left == 1:
        return ReadinessItem(Item.PIN, Status.WARNING, tries_left=1)
    return ReadinessItem(Item.PIN, Status.OK, tries_left=tries_left)


def check_software(software: EidSoftware) -> ReadinessItem:
    status = {True: Status.OK, False: Status.PROBLEM, None: Status.UNKNOWN}[software.installed]
    return ReadinessItem(Item.SOFTWARE, status, system=software.system)


def check_readiness(
    *,
    reader_found: bool,
    card: CardData | None,
    tries_left: int | None,
    software: EidSoftware,
    now: datetime | None = None,
) -> ReadinessReport:
    """Every item, from what was read. Reads nothing itself (the card was read already)."""
    reader = ReadinessItem(Item.READER, Status.OK if reader_found else Status.PROBLEM)
    return ReadinessReport(
        (
            reader,
            check_card(card, now),
            check_pin(tries_left),
            check_software(software),
            ReadinessItem(Item.ITSME, Status.INFO),
        )
    )


@dataclass(frozen=True, slots=True)
class ItemWords:
    """What the screen shows for one item: a pictogram, a short title, what to do."""

    icon: str
    title: str
    todo: str


def item_words(entry: ReadinessItem) -> ItemWords:
    """The Easy Read words of one item, in the current language."""
    item, status = entry.item, entry.status
    if item is Item.READER:
        if status is Status.OK:
            return ItemWords("reader", _("The card reader works."), "")
        return ItemWords(
            "reader",
            _("The card reader is not found."),
            _("Plug the reader into the computer. Then press Check again."),
        )
    if item is Item.CARD:
        return _card_words(entry)
    if item is Item.PIN:
        return _pin_words(entry)
    if item is Item.SOFTWARE:
        return _software_words(entry)
    return ItemWords(
        "phone",
        _("Another way: the itsme app on your phone."),
        _(
            "If you use itsme, you do not need the card or the reader. "
            "On the website, choose itsme and follow the steps on your phone."
        ),
    )


def _card_words(entry: ReadinessItem) -> ItemWords:
    issue = entry.card_issue
    until = format_date(entry.valid_until) if entry.valid_until else ""
    if entry.status is Status.OK:
        return ItemWords("card", _("Your card can be used to log in."), "")
    if entry.status is Status.UNKNOWN:
        return ItemWords("card", _("The card was not checked."), "")
    if issue is CardIssue.KIDS_CARD:
        return ItemWords(
            "card",
            _("Cards of children under 12 cannot be used to log in."),
            _("A parent logs in with their own card to see the health data of their child."),
        )
    if issue is CardIssue.EXPIRES_SOON:
        return ItemWords(
            "card",
            _("Your card can log in until {date}.").format(date=until),
            _("Ask your commune for a new card soon."),
        )
    if issue is CardIssue.EXPIRED:
        return ItemWords(
            "card",
            _("Your card can no longer be used to log in since {date}.").format(date=until),
            _("Ask your commune for a new card. Or use itsme on your phone."),
        )
    if issue is CardIssue.NOT_YET_VALID:
        return ItemWords(
            "card",
            _("Your card cannot be used to log in yet."),
            _("Check the date and time of the computer. Or ask your commune."),
        )
    return ItemWords(
        "card",
        _("Your card cannot be used to log in."),
        _("Ask your commune to check your card. Or use itsme on your phone."),
    )


def _pin_words(entry: ReadinessItem) -> ItemWords:
    if entry.status is Status.UNKNOWN:
        return ItemWords(
            "keypad",
            _("The card does not say how many PIN tries are left."),
            _("Type your PIN code carefully on the website."),
        )
    if entry.status is Status.PROBLEM:
        return ItemWords(
            "keypad",
            _("Your PIN code is blocked."),
            _("Go to your commune with your PUK letter to unblock it. Or use itsme."),
        )
    tries = entry.tries_left or 0
    title = ngettext(
        "Your PIN code is not blocked: {n} try left.",
        "Your PIN code is not blocked: {n} tries left.",
        tries,
    ).format(n=tries)
    if entry.status is Status.WARNING:
        return ItemWords(
            "keypad",
            title,
            _("Only 1 try is left. Check your PIN letter before you type it on the website."),
        )
    return ItemWords("keypad", title, "")


def _software_words(entry: ReadinessItem) -> ItemWords:
    if entry.status is Status.OK:
        return ItemWords("settings", _("The eID software is on this computer."), "")
    where = "eid.belgium.be"
    if entry.status is Status.UNKNOWN:
        return ItemWords(
            "settings",
            _("The program cannot check the eID software on this computer."),
            _(
                "If the website does not ask for your PIN, install the eID software from {site}."
            ).format(site=where),
        )
    return ItemWords(
        "settings",
        _("The eID software is not on this computer."),
        _(
            "The website needs it to read your card. Install it from {site}, "
            "or ask someone to help you. Or use itsme."
        ).format(site=where),
    )


@dataclass(frozen=True, slots=True)
class PortalStep:
    icon: str
    text: str


def portal_steps() -> tuple[PortalStep, ...]:
    """What the patient will see on the portal's login, said plainly, in order."""
    name = portal_name()
    return (
        PortalStep(
            "next",
            _("The website {name} opens. Press the button to log in.").format(name=name),
        ),
        PortalStep("card", _("Choose: log in with your eID card. Leave the card in the reader.")),
        PortalStep(
            "keypad",
            _(
                "A window will ask for your PIN code: type the same 4 digits as always. "
                "This window belongs to the eID software."
            ),
        ),
        PortalStep(
            "documents",
            _(
                "You see your health data. To read a document here, download it. "
                "Then press Open a file I received in this program."
            ),
        ),
    )
