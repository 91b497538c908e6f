"""Headless check of an installed Dossier Assistant: run it with the installed program's Python
from any folder but the checkout (``packaging/test-install.sh`` and the bundle and package
tests do). It fails unless the data comes from the installed copy and is complete: every
pictogram, the fonts, the four catalogs, the glossary, the virtual card's photos.

    python packaging/check_install.py [EXPECTED_DATA_FOLDER]
"""

from __future__ import annotations

import sys
from importlib.resources import files
from pathlib import Path


def main(argv: list[str]) -> int:
    import assistant
    from assistant import assets, glossary, i18n

    package = Path(assistant.__file__).resolve().parent
    if (package.parent / "pyproject.toml").exists():
        sys.stderr.write(f"check_install: assistant comes from a checkout: {package}\n")
        return 1
    root = assets.data_root().resolve()
    problems: list[str] = []
    if argv and root != Path(argv[0]).resolve():
        problems.append(f"data read from {root}, expected {argv[0]}")
    installed = files("assistant._data")
    if not isinstance(installed, Path) or root != installed.resolve():
        problems.append(f"data read from {root}, importlib.resources gives {installed}")
    listed = (root / "assets" / "icons" / "README.md").read_text(encoding="utf-8")
    names = [line.split("`")[1] for line in listed.splitlines() if line.startswith("| `")]
    if len(names) < 40:
        problems.append(f"only {len(names)} pictograms listed")
    for name in names:
        if not assets.icon_path(name).is_file():
            problems.append(f"pictogram {name} missing")
    if len(assets.font_paths()) < 3:
        problems.append("fonts missing")
    probe = "The smart card service is not running."
    for lang in ("fr", "nl", "de"):
        if i18n.translate_in(lang, probe) == probe:
            problems.append(f"no {lang} catalog")
    if not glossary.glossary_dir().is_dir() or not any(glossary.glossary_dir().glob("*.json")):
        problems.append("glossary missing")
    photos = files("assistant.demo.card") / "photos"
    if not (photos / "adult.jpg").read_bytes().startswith(b"\xff\xd8"):
        problems.append("virtual card photos missing")
    for problem in problems:
        sys.stderr.write(f"check_install: {problem}\n")
    if problems:
        return 1
    sys.stdout.write(f"check_install: complete, data in {root}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
