"""The lock files pin every dependency of pyproject.toml, with hashes, within its bounds.

setup-debian.sh and the bundle builds install from these files with ``--require-hashes``; a
dependency added to pyproject.toml without refreshing the lock (packaging/lock/refresh.sh)
fails here before it fails on a fresh machine.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
LOCKS = ROOT / "packaging" / "lock"


def locked(path: Path) -> dict[str, tuple[str, list[str]]]:
    """name -> (version, hashes) of one lock file (pip's requirements format)."""
    text = path.read_text(encoding="utf-8").replace("\\\n", " ")
    pins: dict[str, tuple[str, list[str]]] = {}
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        match = re.match(r"([A-Za-z0-9._-]+)==([^\s;]+)", line)
        assert match, f"{path.name}: not an exact pin: {line}"
        hashes = re.findall(r"--hash=sha256:([0-9a-f]{64})", line)
        pins[canonicalize_name(match.group(1))] = (match.group(2), hashes)
    return pins


def project() -> dict[str, object]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


@pytest.mark.parametrize("lock", ["runtime.txt", "test.txt", "bundle.txt", "build.txt"])
def test_every_pin_carries_hashes(lock: str) -> None:
    pins = locked(LOCKS / lock)
    assert pins
    assert {name for name, (_, hashes) in pins.items() if not hashes} == set()


@pytest.mark.parametrize(
    ("lock", "extras"),
    [("runtime.txt", ()), ("test.txt", ("test",)), ("bundle.txt", ("packaging",))],
)
def test_every_dependency_is_pinned_within_its_bounds(lock: str, extras: tuple[str, ...]) -> None:
    meta = project()
    wanted = list(meta["dependencies"])  # type: ignore[call-overload]
    for extra in extras:
        wanted += meta["optional-dependencies"][extra]  # type: ignore[index]
    pins = locked(LOCKS / lock)
    for spec in wanted:
        req = Requirement(spec)
        name = canonicalize_name(req.name)
        assert name in pins, f"{req.name} is not in packaging/lock/{lock}: run refresh.sh"
        assert req.specifier.contains(pins[name][0], prereleases=True), (
            f"{req.name}=={pins[name][0]} in {lock} is outside {req.specifier}"
        )


def test_the_build_lock_satisfies_the_build_system() -> None:
    build = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["build-system"]
    pins = locked(LOCKS / "build.txt")
    for spec in build["requires"]:
        req = Requirement(spec)
        assert req.specifier.contains(pins[canonicalize_name(req.name)][0])


def test_pyside_stays_below_the_version_that_aborts() -> None:
    """PySide6 6.12 miscounts references (see pyproject.toml): the lock must not reach it."""
    for lock in ("runtime.txt", "test.txt", "bundle.txt"):
        pins = locked(LOCKS / lock)
        for name in ("pyside6-essentials", "pyside6-addons", "shiboken6"):
            major, minor = (int(x) for x in pins[name][0].split(".")[:2])
            assert (major, minor) < (6, 12), f"{name} {pins[name][0]} in {lock}"
