"""``python -m dossier_assistant``: runs the ``dossier-assistant`` command."""

import sys

from ui.launcher import main

sys.exit(main())
