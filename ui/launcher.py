"""The ``dossier-assistant`` command.

``dossier-assistant card`` runs the headless card diagnostic (no Qt is loaded, so it works on
a machine without a screen); ``dossier-assistant staff-code`` makes the hash of a kiosk's staff
code for its kiosk file; anything else starts the graphical assistant.
"""

from __future__ import annotations

import gc
import sys


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["card"]:
        from assistant.card.diagnostic import main as card_main

        if any(a == "--virtual" or a.startswith("--virtual=") for a in args[1:]):
            # Only here, the composition root, does the card command meet the demo package.
            from assistant.demo.card.demo import DemoCards

            return card_main(args[1:], DemoCards())
        return card_main(args[1:])
    if args[:1] == ["staff-code"]:
        from assistant.staff_code import make_hash_main

        return make_hash_main(args[1:])
    # Start-up makes many objects and no garbage worth a collection: the cyclic collector
    # stays off until the services are ready (ui.app.settle_startup_heap turns it back on).
    gc.disable()
    from ui.app import main as gui_main

    return gui_main(args)


if __name__ == "__main__":
    sys.exit(main())
