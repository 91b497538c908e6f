"""Write a PNG of every screen: 4 languages × (normal, high contrast, 200 % text).

Run through ``packaging/screenshots.sh`` (starts Xvfb when there is no display)::

    python -m tests.screenshots.take --out screenshots-out [--languages fr,en] \
        [--looks normal,high-contrast-200] [--only 07-pin,k2] [--docs docs/screenshots]

PNGs go to ``--out`` only; the README's main shots are copied to ``--docs`` only when it is
given (``packaging/screenshots.sh`` gives it by default, not when ``--out`` is given).

Scenes come from ``tests.support.journey_scenes.SCENE_PROVIDERS``, to which
:func:`load_providers` adds the record viewer's (``tests/support/record_scenes.py``) and the
mediator and kiosk modes' (``tests/support/mode_scenes.py``).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QDeadlineTimer, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

ROOT = Path(__file__).resolve().parents[2]

#: (folder name, high contrast, text scale)
LOOKS = (("normal", False, 1.0), ("high-contrast", True, 1.0), ("text-200", False, 2.0))
#: Looks made only when asked for (``--looks``): high contrast and 200 % text together.
EXTRA_LOOKS = (("high-contrast-200", True, 2.0),)
SIZES = {"1024x768": (1024, 768), "1920x1080": (1920, 1080)}
#: Scenes copied to docs/screenshots for the README (language, look, scene).
DOC_SHOTS = (
    ("fr", "normal", "01-welcome"),
    ("nl", "normal", "04-card"),
    ("en", "normal", "05-is-this-you"),
    ("de", "normal", "07-pin"),
    ("en", "normal", "07-pin-last-try"),
    ("fr", "high-contrast", "07-pin-wrong"),
    ("nl", "normal", "08-service-down"),
    ("en", "normal", "09-record"),
    ("fr", "text-200", "06-about-pin"),
    ("en", "high-contrast", "09-record"),
    ("en", "normal", "m2-mediator-pin"),
    ("fr", "normal", "m3-mediator-blocked"),
    ("en", "normal", "k2-kiosk-prescriptions"),
    ("nl", "normal", "k3-kiosk-idle-warning"),
    ("en", "normal", "k4-kiosk-staff"),
    # 200 % text on 1024×768: the PIN keypad and the kiosk codes fit without clipping
    ("de", "text-200", "07-pin-wrong"),
    ("fr", "text-200", "k2-kiosk-prescriptions"),
    # the record viewer (tests/support/record_scenes.py)
    ("en", "normal", "r01-record-home"),
    ("fr", "normal", "r02-medicines"),
    ("nl", "normal", "r03-vaccines"),
    ("de", "normal", "r04-results"),
    ("nl", "normal", "r05-result-trend"),
    ("en", "normal", "r06-allergies-problems"),
    ("fr", "normal", "r07-documents"),
    ("de", "high-contrast", "r09-who-can-see"),
    ("nl", "normal", "r10-what-is-this"),
    ("fr", "text-200", "r02-medicines"),
    ("en", "normal", "r15-phone"),
)


class MiniBot:
    """The few pytest-qt ``qtbot`` methods the harness needs, outside pytest."""

    def __init__(self) -> None:
        self.widgets: list[QWidget] = []

    def addWidget(self, w: QWidget) -> None:
        self.widgets.append(w)

    def waitExposed(self, w: QWidget, timeout: int = 5000) -> None:
        QTest.qWaitForWindowExposed(w, timeout)

    def waitUntil(self, check: Callable[[], Any], timeout: int = 5000) -> None:
        deadline = QDeadlineTimer(timeout)
        while True:
            try:
                result = check()
                if result is None or result:
                    return
            except AssertionError:
                if deadline.hasExpired():
                    raise
            if deadline.hasExpired():
                raise TimeoutError("waitUntil timed out")
            QCoreApplication.processEvents()
            QTest.qWait(10)

    def keyClick(self, w: QWidget, key: Qt.Key, modifier: Any = None) -> None:
        if modifier is None:
            QTest.keyClick(w, key)
        else:
            QTest.keyClick(w, key, modifier)

    def keyClicks(self, w: QWidget, text: str) -> None:
        QTest.keyClicks(w, text)


def load_providers() -> None:
    """The scenes of the record viewer and of the modes join the journey's."""
    from tests.support import journey_scenes as scenes
    from tests.support.mode_scenes import mode_scenes
    from tests.support.record_scenes import record_scenes

    for provider in (record_scenes, mode_scenes):
        if provider not in scenes.SCENE_PROVIDERS:
            scenes.SCENE_PROVIDERS.append(provider)


def wanted(name: str, only: list[str]) -> bool:
    """A scene is taken when ``only`` is empty or one of its parts is in the scene's name."""
    return not only or any(part in name for part in only)


def take(
    out: Path,
    languages: list[str],
    sizes: list[str],
    only: list[str],
    looks: tuple[tuple[str, bool, float], ...] = LOOKS,
) -> int:
    from assistant.i18n import set_language
    from assistant.journey import Step
    from tests.support.journey_harness import JourneyHarness
    from tests.support.journey_scenes import all_scenes
    from ui import theme as theme_mod

    load_providers()
    count = 0
    bot = MiniBot()
    for look, high_contrast, scale in looks:
        h = JourneyHarness.start(bot, high_contrast=high_contrast, text_scale=scale)
        try:
            h.walk_to(Step.RECORD)
            for size_name in sizes:
                h.shell.resize(*SIZES[size_name])
                for lang in languages:
                    set_language(lang)
                    theme_mod.set_theme(
                        theme_mod.Theme(high_contrast=high_contrast, text_scale=scale)
                    )
                    folder = out / size_name / lang / look
                    folder.mkdir(parents=True, exist_ok=True)
                    for scene in all_scenes():
                        if not wanted(scene.name, only):
                            continue
                        scene.show(h)
                        QTest.qWait(5)
                        path = folder / f"{scene.name}.png"
                        if not h.shell.grab().save(str(path)):
                            raise OSError(f"could not write {path}")
                        count += 1
                        cleanup = getattr(scene, "cleanup", None)  # mode scenes undo themselves
                        if callable(cleanup):
                            cleanup(h)
        finally:
            set_language("en")
            h.close()
    return count


def copy_docs(out: Path, docs: Path) -> None:
    docs.mkdir(parents=True, exist_ok=True)
    for lang, look, scene in DOC_SHOTS:
        src = out / "1024x768" / lang / look / f"{scene}.png"
        if src.exists():
            (docs / f"{lang}-{look}-{scene}.png").write_bytes(src.read_bytes())


def parse_looks(text: str) -> tuple[tuple[str, bool, float], ...]:
    """``normal,text-200`` → the matching looks; unknown names are an error."""
    known = {look[0]: look for look in (*LOOKS, *EXTRA_LOOKS)}
    names = [n for n in text.split(",") if n]
    unknown = [n for n in names if n not in known]
    if unknown:
        raise argparse.ArgumentTypeError(
            f"unknown look {', '.join(unknown)}; known: {', '.join(known)}"
        )
    return tuple(known[n] for n in names)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The options. Nothing is written to ``--docs`` unless it is given."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=ROOT / "screenshots-out")
    parser.add_argument("--languages", default="fr,nl,en,de")
    parser.add_argument("--sizes", default="1024x768,1920x1080")
    parser.add_argument(
        "--looks",
        type=parse_looks,
        default=LOOKS,
        help="comma list of " + ", ".join(look[0] for look in (*LOOKS, *EXTRA_LOOKS)),
    )
    parser.add_argument(
        "--only", default="", help="only scenes whose name has this text (comma list)"
    )
    parser.add_argument("--docs", type=Path, default=None, help="copy the main shots here")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    ns = parse_args(argv)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert app is not None
    start = time.monotonic()
    only = [part for part in ns.only.split(",") if part]
    count = take(ns.out, ns.languages.split(","), ns.sizes.split(","), only, ns.looks)
    if ns.docs is not None:
        copy_docs(ns.out, ns.docs)
    sys.stdout.write(f"{count} screenshots in {ns.out} ({time.monotonic() - start:.0f} s)\n")
    return 0 if count else 1


if __name__ == "__main__":
    sys.exit(main())
