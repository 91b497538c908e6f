"""Dossier Assistant PySide6 user interface. Draws what ``assistant`` decides."""
