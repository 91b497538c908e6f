"""``dossier-assistant card``: a support tool that lists the readers and reads the card.

It prints the name and card validity, the national number with all but its last 2 digits
hidden, the applet version, the key type, the root the card chains to, the PIN tries left (read
without spending one) and the certificates' validity dates. It never asks for the PIN.
Exit status: 0 card read, 2 smart card service not running, 3 no reader, 4 no card, 5 not a
Belgian identity card, 6 card problem, 1 other.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Collection
from typing import Protocol, TextIO

from assistant.card import eid
from assistant.card.connection import CardBackend
from assistant.card.monitor import CardSituation, ReaderState, look
from assistant.card.session import CardSession
from assistant.card.trust import CardRootExpiredError, CardRootUntrustedError, TrustStore
from assistant.errors import AssistantError, BadDataError, CardRemovedError, NotEidCardError
from assistant.i18n import LANGUAGES, N_, _, format_date, set_language, system_language
from assistant.platform_choices import card_service_help

log = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_OTHER = 1
EXIT_NO_SERVICE = 2
EXIT_NO_READER = 3
EXIT_NO_CARD = 4
EXIT_NOT_EID = 5
EXIT_CARD_PROBLEM = 6


class VirtualCard(Protocol):
    """A virtual card put in a reader for the diagnostic, removed by ``stop``."""

    @property
    def backend(self) -> CardBackend: ...

    @property
    def reader_name(self) -> str: ...

    def stop(self) -> None: ...


class VirtualCards(Protocol):
    """Where ``--virtual`` cards come from. The core never imports the demo package: the
    composition root (``ui.launcher``) passes the demo's cards in."""

    @property
    def names(self) -> Collection[str]: ...

    @property
    def roots(self) -> tuple[bytes, ...]:
        """The test roots the virtual cards chain to (trusted for them only)."""
        ...

    def insert(self, name: str, *, use_pcscd: bool, port: int | None) -> VirtualCard: ...


def mask_national_number(nn: str) -> str:
    """Hide all digits but the last 2: ``•••••••••12``."""
    digits = "".join(ch for ch in nn if ch.isdigit())
    if len(digits) <= 2:
        return "•" * len(digits)
    return "•" * (len(digits) - 2) + digits[-2:]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dossier-assistant card",
        description="List the card readers and read the identity card in the reader.",
    )
    parser.add_argument(
        "--virtual",
        metavar="CITIZEN",
        help="first put a virtual card in a reader (adult, kid, foreigner, noble, ...)",
    )
    parser.add_argument(
        "--in-process",
        action="store_true",
        help="with --virtual: use the built-in reader, not pcscd",
    )
    parser.add_argument(
        "--vpcd-port",
        type=int,
        default=None,
        help="with --virtual: the vpcd slot's TCP port (35963 first slot, 35964 second)",
    )
    parser.add_argument("--reader", help="read the card in this reader (default: the first)")
    parser.add_argument("--language", choices=sorted(LANGUAGES), help="language of the messages")
    return parser


def _situation_lines(situation: CardSituation, backend: CardBackend) -> list[str]:
    lines: list[str] = []
    if situation.state is ReaderState.SERVICE_UNAVAILABLE:
        return [
            _("The smart card service is not running."),
            card_service_help(),
        ]
    if situation.state is ReaderState.NO_READER:
        return [_("No card reader found. Plug in the card reader, then try again.")]
    lines.append(_("Card readers: {n}").format(n=len(situation.readers)))
    for reader in situation.readers:
        try:
            present = backend.card_present(reader)
        except AssistantError:
            present = False
        state = _("card inside") if present else _("no card")
        lines.append(f"  - {reader}: {state}")
    return lines


def run(argv: list[str] | None, out: TextIO, virtual_cards: VirtualCards | None = None) -> int:
    args = _parser().parse_args(argv)
    set_language(args.language or system_language())
    demo: VirtualCard | None = None
    backend: CardBackend | None = None
    trust = TrustStore.belgian()
    try:
        if args.virtual:
            if virtual_cards is None or args.virtual not in virtual_cards.names:
                names = sorted(virtual_cards.names) if virtual_cards is not None else []
                print(
                    _("Unknown virtual card. Choose one of: {names}").format(
                        names=", ".join(names)
                    ),
                    file=out,
                )
                return EXIT_OTHER
            demo = virtual_cards.insert(
                args.virtual, use_pcscd=not args.in_process, port=args.vpcd_port
            )
            backend = demo.backend
            trust = trust.with_roots(*virtual_cards.roots)
            print(_("Virtual card inserted in: {reader}").format(reader=demo.reader_name), file=out)
        else:
            from assistant.card.pcsc import PcscBackend

            backend = PcscBackend()
        return _diagnose(backend, args.reader, out, trust)
    finally:
        if demo is not None:
            demo.stop()
        elif backend is not None:
            close = getattr(backend, "close", None)
            if callable(close):
                close()


def _diagnose(backend: CardBackend, wanted: str | None, out: TextIO, trust: TrustStore) -> int:
    situation = look(backend)
    for line in _situation_lines(situation, backend):
        print(line, file=out)
    if situation.state is ReaderState.SERVICE_UNAVAILABLE:
        return EXIT_NO_SERVICE
    if situation.state is ReaderState.NO_READER:
        return EXIT_NO_READER
    reader = wanted or situation.card_reader
    if wanted is not None and wanted not in situation.readers:
        print(_("There is no reader with that name."), file=out)
        return EXIT_NO_READER
    if reader is None or not backend.card_present(reader):
        print(_("No card in the reader. Put your identity card in the reader."), file=out)
        return EXIT_NO_CARD
    session = CardSession(backend, reader, trust=trust)
    tries: int | None = None
    try:
        data = session.read_card()
        try:
            tries = session.pin_tries_left()
        except CardRemovedError:
            data.wipe()
            raise
        except AssistantError as exc:
            log.warning("tries left not read: %s", exc.detail)
    except NotEidCardError:
        print(_("This is not a Belgian identity card."), file=out)
        return EXIT_NOT_EID
    except CardRemovedError:
        print(_("The card was taken out while it was read. Put it back and try again."), file=out)
        return EXIT_CARD_PROBLEM
    except CardRootExpiredError:
        print(_("This card is too old: its certificates have expired."), file=out)
        return EXIT_CARD_PROBLEM
    except CardRootUntrustedError:
        print(_("This card is not signed by the Belgian State: it is not genuine."), file=out)
        return EXIT_CARD_PROBLEM
    except BadDataError as exc:
        log.warning("card data not understood: %s", exc.detail)
        print(_("The card was read, but its data is damaged."), file=out)
        return EXIT_CARD_PROBLEM
    except AssistantError as exc:
        log.warning("card read failed: %s", exc.detail)
        print(_("The card could not be read. Take it out and put it back."), file=out)
        return EXIT_CARD_PROBLEM
    finally:
        session.close()
    identity = data.identity
    try:
        print(_("Card read in: {reader}").format(reader=reader), file=out)
        print(_("Name: {name}").format(name=identity.given_and_surname), file=out)
        print(
            _("National number: {number}").format(
                number=mask_national_number(identity.national_number)
            ),
            file=out,
        )
        print(
            _("Card valid from {start} to {end}").format(
                start=format_date(identity.validity_start),
                end=format_date(identity.validity_end),
            ),
            file=out,
        )
        for line in _chip_lines(data, tries):
            print(line, file=out)
    finally:
        data.wipe()
    return EXIT_OK


_CERTIFICATE_LABELS = {
    "authentication": N_("Authentication certificate"),
    "citizen_ca": N_("Citizen CA certificate"),
    "root_ca": N_("Root certificate"),
    "rrn": N_("National register certificate"),
}


def _chip_lines(data: eid.CardData, tries: int | None) -> list[str]:
    info = data.card_info
    lines = [
        _("Card chip: applet {version}").format(version=info.applet_version_text),
        _("Key type: {kind}").format(kind=info.key_type),
        _("The card chains to: {root}").format(root=data.root),
        _("PIN tries left: {n}").format(n=tries)
        if tries is not None
        else _("PIN tries left: unknown"),
    ]
    for name, label in _CERTIFICATE_LABELS.items():
        der = data.certificates.get(name)
        if der is None:
            continue
        if not der:
            lines.append(_("{what}: none on this card").format(what=_(label)))
            continue
        start, end = eid.certificate_validity(der)
        lines.append(
            _("{what}: valid from {start} to {end}").format(
                what=_(label), start=format_date(start.date()), end=format_date(end.date())
            )
        )
    return lines


def main(argv: list[str] | None = None, virtual_cards: VirtualCards | None = None) -> int:
    """Entry point of ``dossier-assistant card``."""
    logging.basicConfig(level=logging.WARNING)
    try:
        return run(argv, sys.stdout, virtual_cards)
    except KeyboardInterrupt:
        return EXIT_OTHER
