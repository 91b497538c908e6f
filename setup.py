"""Build hook: copies the repository's ``assets/`` and ``locales/`` into the package
``assistant._data`` of the wheel, so an installed program finds them with
``importlib.resources`` however it was installed (venv, ``pip install --user``, system,
PyInstaller bundle). Everything else is in pyproject.toml."""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent

#: What the installed program reads, relative to the repository's top folder.
DATA_PATTERNS = (
    "assets/*.md",
    "assets/*.txt",
    "assets/icons/*.svg",
    "assets/icons/*.md",
    "assets/fonts/*.ttf",
    "assets/fonts/*.txt",
    "assets/pictures/*.svg",
    "assets/app-icon/*.svg",
    "assets/app-icon/*.ico",
    "assets/app-icon/png/*.png",
    "locales/*.md",
    "locales/*.pot",
    "locales/glossary/*.json",
    "locales/*/LC_MESSAGES/*.po",
)


def data_files(top: Path) -> list[Path]:
    """The data files under ``top``, relative to it, sorted (the wheel is reproducible)."""
    found = {path.relative_to(top) for pattern in DATA_PATTERNS for path in top.glob(pattern)}
    return sorted(path for path in found if (top / path).is_file())


class BuildPyWithData(build_py):
    """``build_py`` that also copies the data into ``assistant/_data`` of the built package
    (not in an editable install: there the checkout's folders are read in place)."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        files = data_files(HERE)
        if not files:
            raise RuntimeError("assets/ and locales/ not found beside setup.py")
        target = Path(self.build_lib) / "assistant" / "_data"
        for relative in files:
            destination = target / relative
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(HERE / relative, destination)


if __name__ == "__main__":  # setuptools runs this file as __main__; tests import it
    setup(cmdclass={"build_py": BuildPyWithData})
