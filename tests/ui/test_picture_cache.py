"""Pictograms drawn once are kept as BMP files in the user's cache folder (ui.widgets)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import QSize

from assistant import assets
from ui import widgets


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("DOSSIER_CACHE_DIR", str(folder))
    monkeypatch.setattr(widgets, "_cache_folder", [])
    monkeypatch.setattr(widgets, "_PIXMAPS", {})
    monkeypatch.setattr(widgets, "_to_save", {})
    return folder


def _pixels(pix) -> list[int]:
    image = pix.toImage()
    return [image.pixel(x, y) for y in range(image.height()) for x in range(image.width())]


def test_a_drawing_is_saved_then_read_back_the_same(qapp, cache: Path, monkeypatch) -> None:
    calls: list[str] = []
    real = widgets._render_svg

    def counting(*args):
        calls.append(args[0])
        return real(*args)

    monkeypatch.setattr(widgets, "_render_svg", counting)
    first = widgets.render_svg("icons/card.svg", QSize(40, 40), "#123456")
    assert calls == ["icons/card.svg"]
    assert widgets.save_drawings() == 1
    files = list(cache.rglob("*.bmp"))
    assert len(files) == 1 and files[0].name.startswith("card-40x40-")
    assert widgets.save_drawings() == 0  # nothing new
    widgets._PIXMAPS.clear()
    again = widgets.render_svg("icons/card.svg", QSize(40, 40), "#123456")
    assert calls == ["icons/card.svg"]  # read from the file, not drawn
    assert again.size() == first.size()
    assert _pixels(again) == _pixels(first)
    assert any(p >> 24 for p in _pixels(again))  # not an empty picture


def test_another_colour_size_or_source_is_another_file(
    qapp, cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    size = QSize(30, 30)
    a = widgets._drawing_path("icons/card.svg", size, "#000000", 1.0)
    assert a is not None and Path(a).parent.parent == cache
    assert widgets._drawing_path("icons/card.svg", size, "#ffffff", 1.0) != a
    assert widgets._drawing_path("icons/card.svg", QSize(31, 31), "#000000", 1.0) != a
    assert widgets._drawing_path("icons/card.svg", size, "#000000", 2.0) != a
    assert widgets._drawing_path("icons/reader.svg", size, "#000000", 1.0) != a
    # a changed asset (same name) gets a new file name, without the asset being read
    folder = tmp_path / "assets"
    (folder / "icons").mkdir(parents=True)
    copy = folder / "icons" / "card.svg"
    copy.write_bytes((Path(widgets._assets_folder()) / "icons" / "card.svg").read_bytes())
    monkeypatch.setattr(widgets, "_assets_folder", lambda: str(folder))
    before = widgets._drawing_path("icons/card.svg", size, "#000000", 1.0)
    assert before is not None
    copy.write_bytes(copy.read_bytes().replace(b"<svg", b"<svg data-x='1'", 1))
    assert widgets._drawing_path("icons/card.svg", size, "#000000", 1.0) != before
    stat = copy.stat()
    changed = widgets._drawing_path("icons/card.svg", size, "#000000", 1.0)
    os.utime(copy, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))  # same size
    assert widgets._drawing_path("icons/card.svg", size, "#000000", 1.0) != changed
    # a built-in drawing's name follows its content
    widgets._BUILTIN_SVG["icons/card.svg"] = b"<svg xmlns='http://www.w3.org/2000/svg'/>"
    try:
        built_in = widgets._drawing_path("icons/card.svg", size, "#000000", 1.0)
        widgets._BUILTIN_SVG["icons/card.svg"] = b"<svg xmlns='http://www.w3.org/2000/svg' />"
        assert widgets._drawing_path("icons/card.svg", size, "#000000", 1.0) != built_in
    finally:
        widgets._BUILTIN_SVG.pop("icons/card.svg", None)
    assert widgets._drawing_path("icons/none-such.svg", size, "#000000", 1.0) is None


def test_a_damaged_or_wrong_size_file_is_drawn_again(qapp, cache: Path) -> None:
    size = QSize(24, 24)
    widgets.render_svg("icons/help.svg", size, "#202020")
    widgets.save_drawings()
    name = widgets._drawing_path("icons/help.svg", size, "#202020", 1.0)
    assert name is not None
    path = Path(name)
    assert path.exists()
    path.write_bytes(b"not pixels")
    widgets._PIXMAPS.clear()
    assert widgets._drawn_before("icons/help.svg", size, "#202020", 1.0) is None
    pix = widgets.render_svg("icons/help.svg", size, "#202020")
    assert pix.width() == 24 and any(p >> 24 for p in _pixels(pix))
    # a file of another size under that name is not used either
    widgets.render_svg("icons/help.svg", QSize(12, 12), "#202020")
    widgets.save_drawings()
    small = widgets._drawing_path("icons/help.svg", QSize(12, 12), "#202020", 1.0)
    assert small is not None
    os.replace(small, path)
    assert widgets._drawn_before("icons/help.svg", size, "#202020", 1.0) is None


def test_no_cache_folder_or_an_unwritable_one(qapp, cache: Path, monkeypatch) -> None:
    cache.write_text("a file where the folder should be")
    widgets.render_svg("icons/back.svg", QSize(20, 20), "#101010")
    assert widgets.save_drawings() == 0  # logged, no exception
    monkeypatch.setenv("DOSSIER_CACHE_DIR", "")
    monkeypatch.setattr(widgets, "_cache_folder", [])
    assert assets.user_cache_dir() is None
    assert widgets._drawing_path("icons/back.svg", QSize(20, 20), None, 1.0) is None
    assert widgets.render_svg("icons/back.svg", QSize(22, 22), None).width() == 22
    assert widgets._to_save == {}


def test_a_picture_name_leaving_assets_is_refused(qapp) -> None:
    with pytest.raises(ValueError):
        widgets._svg_source("../pyproject.toml")


def test_user_cache_dir_follows_xdg(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.delenv("DOSSIER_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    if os.name == "posix" and not os.uname().sysname == "Darwin":
        assert assets.user_cache_dir() == tmp_path / "dossier-assistant"


def test_folders_of_other_formats_or_versions_are_removed(qapp, cache: Path, monkeypatch) -> None:
    monkeypatch.setattr(widgets, "_pruned", [])
    old_png = cache / "pictograms-qt6.0.0"
    old_png.mkdir(parents=True)
    (old_png / "card-36x36-1-abc.png").write_bytes(b"old")
    other = cache / "catalog-fr.marshal"  # the cache folder's other files stay
    other.write_bytes(b"kept")
    widgets.render_svg("icons/card.svg", QSize(20, 20), "#123456")
    assert widgets.save_drawings() == 1
    current = widgets.picture_cache_folder()
    assert current is not None and current.is_dir()
    assert not old_png.exists() and other.read_bytes() == b"kept"
    assert [p.name for p in cache.iterdir() if p.is_dir()] == [current.name]
