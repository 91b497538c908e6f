"""Dossier Assistant headless core: card, records, demo hub, journey. Never imports ``ui``."""

__version__ = "0.1.0"

#: The application's id: the name of its .desktop file and AppStream metainfo (packaging/linux)
#: and of its windows on the desktop (Qt's desktop file name, Wayland's app id).
APP_ID = "be.dossierassistant.DossierAssistant"
