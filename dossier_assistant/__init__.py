"""``python -m dossier_assistant``: the same as the ``dossier-assistant`` command."""
