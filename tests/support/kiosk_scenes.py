"""Show a kiosk mode scene at every screen size and in every language, for layout checks.

    with kiosk_scenes(h, "k4-kiosk-staff", StaffPanel, Theme(text_scale=2.0)) as scenes:
        for where, panel in scenes:
            ...  # check the panel; ``where`` names the size, language and look

Each scene is taken away after its check; on leaving the block (even on a failed check) the
scene goes, and the language and the theme are back to English and the default.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TypeVar

from PySide6.QtWidgets import QWidget

from assistant.i18n import set_language
from tests.support.journey_harness import JourneyHarness
from tests.support.mode_scenes import ModeScene, mode_scenes
from ui import theme as theme_mod

SIZES: tuple[tuple[int, int], ...] = ((1024, 768), (1920, 1080))
LANGUAGES: tuple[str, ...] = ("fr", "nl", "de", "en")

PanelT = TypeVar("PanelT", bound=QWidget)


def mode_scene(name: str) -> ModeScene:
    (scene,) = [s for s in mode_scenes() if s.name == name]
    assert isinstance(scene, ModeScene)
    return scene


@contextmanager
def kiosk_scenes(
    h: JourneyHarness,
    scene_name: str,
    panel_type: type[PanelT],
    look: theme_mod.Theme,
    *,
    sizes: Sequence[tuple[int, int]] = SIZES,
    languages: Sequence[str] = LANGUAGES,
) -> Iterator[Iterator[tuple[str, PanelT]]]:
    """Yield the scenes: (where, the shown panel of ``panel_type``) for sizes × languages."""
    scene = mode_scene(scene_name)
    looks = f"{look.text_scale:.0%}{' high-contrast' if look.high_contrast else ''}"

    def scenes() -> Iterator[tuple[str, PanelT]]:
        for size in sizes:
            h.shell.resize(*size)
            for lang in languages:
                where = f"{size} {looks} {lang}"
                set_language(lang)
                theme_mod.set_theme(look)
                scene.show(h)
                panel = h.shell.findChild(panel_type)
                assert panel is not None, where
                yield where, panel
                scene.cleanup(h)

    try:
        yield scenes()
    finally:
        scene.cleanup(h)
        set_language("en")
        theme_mod.set_theme(theme_mod.Theme())
