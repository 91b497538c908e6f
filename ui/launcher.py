"""The ``dossier-assistant`` command (also ``python -m dossier_assistant``).

Without a command it starts the graphical assistant. The commands work without a screen and
never load Qt: ``card`` runs the card diagnostic, ``staff-code`` makes the hash of a kiosk's
staff code for its kiosk file. ``--version`` prints the version. ``--help`` lists the
assistant's options and the commands. The exit codes are listed in README.md.
"""

from __future__ import annotations

import gc
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import argparse

#: The commands: name -> what ``--help`` says about it.
COMMANDS = {
    "card": "list the card readers and read the identity card in the reader (no screen needed)",
    "staff-code": "make the exit_code_hash line of a kiosk file (asks for the code twice)",
}

_HELP_FLAGS = ("-h", "--help")


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    # The graphical start looks at nothing more than this: the commands, --version and --help
    # build their parser only when asked for.
    if args[:1] and args[0] in COMMANDS:
        return _run_command(args)
    if "--version" in args:
        return _print_version()
    if any(flag in _HELP_FLAGS for flag in args):
        return _print_help()
    # Start-up makes many objects and no garbage worth a collection: the cyclic collector
    # stays off until the services are ready (ui.app.settle_startup_heap turns it back on).
    gc.disable()
    from ui.app import main as gui_main

    return gui_main(args)


def _print_version() -> int:
    from assistant import __version__

    sys.stdout.write(f"dossier-assistant {__version__}\n")
    return 0


def add_commands(parser: argparse.ArgumentParser) -> None:
    """Add ``--version`` and the commands (as argparse sub-commands) to ``parser``."""
    from assistant import __version__

    parser.add_argument(
        "--version", action="version", version=f"%(prog)s {__version__}", help="print the version"
    )
    commands = parser.add_subparsers(
        dest="command",
        metavar="COMMAND",
        title="commands (without one, the assistant starts)",
        required=False,
    )
    for name, summary in COMMANDS.items():
        # Each command reads its own options (``dossier-assistant card --help``).
        commands.add_parser(name, help=summary, add_help=False)


def _print_help() -> int:
    from ui.app import build_parser

    parser = build_parser()
    parser.usage = "%(prog)s [options]\n       %(prog)s COMMAND [--help | command options]"
    parser.epilog = "Exit codes: see the README (0 done, 2 cannot start, 78 kiosk file unusable)."
    add_commands(parser)
    parser.print_help()
    return 0


def _run_command(args: list[str]) -> int:
    """Run the command ``args[0]`` with the rest of ``args`` (it parses them itself)."""
    command, rest = args[0], args[1:]
    if command == "card":
        from assistant.card.diagnostic import main as card_main

        if any(a == "--virtual" or a.startswith("--virtual=") for a in rest):
            # Only here, the composition root, does the card command meet the demo package.
            from assistant.demo.card.demo import DemoCards

            return card_main(rest, DemoCards())
        return card_main(rest)
    from assistant.staff_code import make_hash_main

    return make_hash_main(rest)


if __name__ == "__main__":
    sys.exit(main())
