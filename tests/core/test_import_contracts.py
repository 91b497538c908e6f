"""The architecture's arrows, checked on the source: the core never imports Qt or ``ui``, and
nothing in the core but the demo package itself imports the demo package.

The check reads every ``import`` statement (also those inside functions and under
``TYPE_CHECKING``), so a late import cannot hide an arrow.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CORE = ROOT / "assistant"
DEMO = CORE / "demo"


def imported_modules(path: Path) -> Iterator[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module
            for alias in node.names:
                yield f"{node.module}.{alias.name}"


def _sources(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.py"))


def _offenders(files: list[Path], forbidden: tuple[str, ...]) -> list[str]:
    found = []
    for path in files:
        for name in imported_modules(path):
            if any(name == f or name.startswith(f + ".") for f in forbidden):
                found.append(f"{path.relative_to(ROOT)} imports {name}")
    return found


def test_the_check_sees_imports_inside_functions(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import typing\nif typing.TYPE_CHECKING:\n    import ui.shell\n"
        "def f():\n    from assistant.demo.card import demo\n",
        encoding="utf-8",
    )
    names = set(imported_modules(sample))
    assert {"ui.shell", "assistant.demo.card", "assistant.demo.card.demo"} <= names


@pytest.mark.parametrize("forbidden", [("PySide6", "shiboken6"), ("ui",)])
def test_core_never_imports_qt_or_ui(forbidden: tuple[str, ...]) -> None:
    assert _offenders(_sources(CORE), forbidden) == []


def test_core_outside_demo_never_imports_demo() -> None:
    core = [p for p in _sources(CORE) if not p.is_relative_to(DEMO)]
    assert core, "no core sources found"
    assert _offenders(core, ("assistant.demo",)) == []


def test_only_the_composition_root_imports_demo_in_ui() -> None:
    """In ``ui/``, only the modules that start the program (``app``, ``launcher``) choose the
    demo card and hub; screens and modes never see them."""
    roots = {ROOT / "ui" / "app.py", ROOT / "ui" / "launcher.py"}
    others = [p for p in _sources(ROOT / "ui") if p not in roots]
    assert others
    assert _offenders(others, ("assistant.demo",)) == []
