"""Where the program's data files (assets/, locales/) live, in a checkout or an installation.

An installed wheel carries them in the package ``assistant._data`` (copied there by the build
hook in ``setup.py``), so they are found however the program was installed."""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

_APP_DIR_NAME = "dossier-assistant"


def _has_data(folder: Path) -> bool:
    return (folder / "assets").is_dir() and (folder / "locales").is_dir()


def _resources_data() -> Path | None:
    """``importlib.resources.files("assistant._data")`` when it is a folder with the data: for a
    loader that keeps the package's files somewhere other than beside this module."""
    from importlib.resources import files

    try:
        found = files("assistant._data")
    except (ImportError, TypeError):
        return None
    return found if isinstance(found, Path) and _has_data(found) else None


@cache
def data_root() -> Path:
    """The folder that holds ``assets/`` and ``locales/``: ``DOSSIER_DATA_DIR`` if set, else the
    installed copy (the package ``assistant._data``), else a checkout's top folder."""
    env = os.environ.get("DOSSIER_DATA_DIR")
    if env:
        return Path(env)
    here = Path(__file__).resolve().parent
    # The folder importlib.resources gives for the package in every install that keeps it in
    # files (venv, pip --user, system, PyInstaller bundle), made without importing anything.
    installed = here / "_data"
    if _has_data(installed):
        return installed
    # A checkout or an editable install: the package is empty, the folders sit beside it.
    if _has_data(here.parent):
        return here.parent
    found = _resources_data()
    if found is not None:
        return found
    raise FileNotFoundError(
        "assets/ and locales/ not found: the program is not installed completely "
        "(reinstall it) or set DOSSIER_DATA_DIR"
    )


def asset_path(relative: str) -> Path:
    """Absolute path of a file under ``assets/``, e.g. ``asset_path("icons/card.svg")``.

    Raises FileNotFoundError when the file does not exist, so a typo fails loudly.
    """
    rel = Path(relative)
    if rel.is_absolute() or ".." in rel.parts:
        raise ValueError(f"asset path must be relative and inside assets/: {relative!r}")
    path = data_root() / "assets" / rel
    if not path.exists():
        raise FileNotFoundError(f"missing asset: {relative}")
    return path


def icon_path(name: str) -> Path:
    """Path of the pictogram ``assets/icons/<name>.svg``."""
    return asset_path(f"icons/{name}.svg")


def picture_path(name: str) -> Path:
    """Path of the explanatory drawing ``assets/pictures/<name>.svg``."""
    return asset_path(f"pictures/{name}.svg")


def font_paths() -> list[Path]:
    """All TrueType fonts shipped in ``assets/fonts/`` (for QFontDatabase.addApplicationFont)."""
    return sorted((data_root() / "assets" / "fonts").glob("*.ttf"))


def locales_dir() -> Path:
    """The ``locales/`` directory (catalogs, glossary, style guide)."""
    return data_root() / "locales"
