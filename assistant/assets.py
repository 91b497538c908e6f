"""Where the program's data files (assets/, locales/) live, in a checkout or an installation."""

from __future__ import annotations

import os
import sys
from functools import cache
from pathlib import Path

_APP_DIR_NAME = "dossier-assistant"


def _candidates() -> list[Path]:
    here = Path(__file__).resolve().parent
    found: list[Path] = []
    env = os.environ.get("DOSSIER_DATA_DIR")
    if env:
        found.append(Path(env))
    frozen = getattr(sys, "_MEIPASS", None)
    if isinstance(frozen, str):
        found.append(Path(frozen))
    # Source checkout (or editable install): assets/ and locales/ sit beside assistant/.
    found.append(here.parent)
    # Installed wheel: packaged copy inside the package, or the shared data directory.
    found.append(here / "data")
    for prefix in (sys.prefix, sys.base_prefix, os.path.join(sys.prefix, "local")):
        found.append(Path(prefix) / "share" / _APP_DIR_NAME)
    return found


@cache
def data_root() -> Path:
    """The directory that holds ``assets/`` and ``locales/``."""
    for candidate in _candidates():
        if (candidate / "assets").is_dir() and (candidate / "locales").is_dir():
            return candidate
    for candidate in _candidates():
        if (candidate / "assets").is_dir() or (candidate / "locales").is_dir():
            return candidate
    raise FileNotFoundError("assets/ and locales/ not found; set DOSSIER_DATA_DIR")


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
