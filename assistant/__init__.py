"""Dossier Assistant headless core: card, records, demo hub, journey. Never imports ``ui``."""

__version__ = "0.1.0"
