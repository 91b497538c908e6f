"""Vendored assets: every SVG parses, every listed icon exists, licences and fonts present."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from defusedxml import ElementTree

from assistant import assets

ROOT = Path(__file__).resolve().parents[2]
ASSETS = ROOT / "assets"
SVG_NS = "{http://www.w3.org/2000/svg}"
SHAPES = {"path", "rect", "circle", "ellipse", "line", "polyline", "polygon", "text"}
ROW = re.compile(r"^\| `(?P<name>[a-z0-9-]+)` \| (?P<purpose>[^|]+) \| (?P<set>\w+) \| `[^`]+` \|$")
REQUIRED_ICONS = {
    "card", "reader", "keypad", "medicines", "vaccine", "lab-results", "allergy", "documents",
    "privacy", "help", "listen", "back", "next", "home", "language", "print", "phone", "qr-code",
    "notes", "warning", "check", "text-size", "contrast", "morning", "noon", "evening", "night",
    "higher", "lower", "normal", "pin-letter", "explain", "who-can-see", "finish", "retry",
}  # fmt: skip


def listed_icons() -> dict[str, str]:
    rows = {}
    for line in (ASSETS / "icons" / "README.md").read_text(encoding="utf-8").splitlines():
        match = ROW.match(line)
        if match:
            assert match["name"] not in rows, f"icon listed twice: {match['name']}"
            assert match["set"] in {"tabler", "healthicons"}
            rows[match["name"]] = match["purpose"].strip()
    return rows


def all_svgs() -> list[Path]:
    return sorted(ASSETS.rglob("*.svg"))


def test_readme_lists_at_least_40_icons_with_purposes() -> None:
    icons = listed_icons()
    assert len(icons) >= 40
    assert all(purpose for purpose in icons.values())
    assert REQUIRED_ICONS <= icons.keys()


def test_every_listed_icon_exists_and_every_file_is_listed() -> None:
    icons = listed_icons()
    on_disk = {path.stem for path in (ASSETS / "icons").glob("*.svg")}
    assert icons.keys() - on_disk == set(), "listed but missing"
    assert on_disk - icons.keys() == set(), "vendored but not listed in icons/README.md"
    for name in icons:
        assert assets.icon_path(name).is_file()


@pytest.mark.parametrize("path", all_svgs(), ids=lambda p: p.relative_to(ASSETS).as_posix())
def test_svg_parses_and_has_geometry(path: Path) -> None:
    root = ElementTree.parse(path).getroot()
    assert root.tag == f"{SVG_NS}svg"
    view_box = [float(part) for part in root.attrib["viewBox"].split()]
    assert len(view_box) == 4 and view_box[2] > 0 and view_box[3] > 0
    shapes = [el for el in root.iter() if el.tag.removeprefix(SVG_NS) in SHAPES]
    assert shapes, "an SVG without any shape"
    assert "<script" not in path.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", ["plug-reader", "insert-card", "pin-letter", "remove-card"])
def test_pictures_exist_with_title(name: str) -> None:
    path = assets.picture_path(name)
    root = ElementTree.parse(path).getroot()
    title = root.find(f"{SVG_NS}title")
    assert title is not None and title.text and len(title.text) > 10
    # Large drawings: at least 400 units wide so they stay sharp when scaled.
    assert float(root.attrib["viewBox"].split()[2]) >= 400


def test_pin_letter_never_shows_digits() -> None:
    text = assets.picture_path("pin-letter").read_text(encoding="utf-8")
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", text)
    assert texts and not any(ch.isdigit() for t in texts for ch in t)


def test_licences_present() -> None:
    tabler = (ASSETS / "LICENSE-tabler-icons.txt").read_text(encoding="utf-8")
    health = (ASSETS / "LICENSE-healthicons.txt").read_text(encoding="utf-8")
    ofl = (ASSETS / "fonts" / "OFL.txt").read_text(encoding="utf-8")
    assert "MIT License" in tabler and "Paweł Kuna" in tabler
    assert "MIT License" in health and "Resolve to Save Lives" in health
    assert "SIL OPEN FONT LICENSE Version 1.1" in ofl and "Braille Institute" in ofl


def test_fonts_are_truetype_atkinson() -> None:
    fonts = assets.font_paths()
    names = {font.name for font in fonts}
    assert {"AtkinsonHyperlegible-Regular.ttf", "AtkinsonHyperlegible-Bold.ttf"} <= names
    for font in fonts:
        head = font.read_bytes()[:4]
        assert head in {b"\x00\x01\x00\x00", b"true"}, f"{font.name} is not TrueType"


def test_asset_path_refuses_escapes_and_missing() -> None:
    with pytest.raises(ValueError):
        assets.asset_path("../pyproject.toml")
    with pytest.raises(ValueError):
        assets.asset_path("/etc/passwd")
    with pytest.raises(FileNotFoundError):
        assets.asset_path("icons/does-not-exist.svg")


def test_data_root_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "assets" / "icons").mkdir(parents=True)
    (tmp_path / "locales").mkdir()
    (tmp_path / "assets" / "icons" / "x.svg").write_text("<svg/>")
    monkeypatch.setenv("DOSSIER_DATA_DIR", str(tmp_path))
    assets.data_root.cache_clear()
    try:
        assert assets.icon_path("x") == tmp_path / "assets" / "icons" / "x.svg"
        assert assets.locales_dir() == tmp_path / "locales"
    finally:
        monkeypatch.delenv("DOSSIER_DATA_DIR")
        assets.data_root.cache_clear()
    assert assets.data_root() == ROOT


def _data_folder(root: Path) -> Path:
    (root / "assets" / "icons").mkdir(parents=True)
    (root / "locales").mkdir()
    return root


def test_an_installed_copy_reads_its_package_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Wherever the package was installed (venv, --user, system, bundle), the data is the
    package assistant/_data beside it; site-packages' other folders are never looked at."""
    site = tmp_path / "site-packages"
    _data_folder(site / "assistant" / "_data")
    _data_folder(site)  # a stray assets/ + locales/ in site-packages must not win
    monkeypatch.delenv("DOSSIER_DATA_DIR", raising=False)
    monkeypatch.setattr(assets, "__file__", str(site / "assistant" / "assets.py"))
    assets.data_root.cache_clear()
    try:
        assert assets.data_root() == site / "assistant" / "_data"
    finally:
        assets.data_root.cache_clear()


def test_a_checkout_reads_the_top_folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    checkout = _data_folder(tmp_path / "checkout")
    (checkout / "assistant" / "_data").mkdir(parents=True)  # empty, as in the repository
    monkeypatch.delenv("DOSSIER_DATA_DIR", raising=False)
    monkeypatch.setattr(assets, "__file__", str(checkout / "assistant" / "assets.py"))
    assets.data_root.cache_clear()
    try:
        assert assets.data_root() == checkout
    finally:
        assets.data_root.cache_clear()


def test_an_incomplete_install_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "site-packages" / "assistant" / "_data").mkdir(parents=True)
    monkeypatch.delenv("DOSSIER_DATA_DIR", raising=False)
    monkeypatch.setattr(assets, "__file__", str(tmp_path / "site-packages/assistant/assets.py"))
    assets.data_root.cache_clear()
    try:
        with pytest.raises(FileNotFoundError, match="reinstall"):
            assets.data_root()
    finally:
        assets.data_root.cache_clear()


def test_the_wheel_build_copies_every_data_file_the_program_reads() -> None:
    """setup.py's list of data files (what the wheel carries in assistant/_data) holds every
    file of assets/ and every catalog, glossary file and guide of locales/."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("setup_hook", ROOT / "setup.py")
    assert spec is not None and spec.loader is not None
    hook = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(hook)
    shipped = {path.as_posix() for path in hook.data_files(ROOT)}
    in_assets = {
        p.relative_to(ROOT).as_posix() for p in (ROOT / "assets").rglob("*") if p.is_file()
    }
    assert in_assets <= shipped
    for lang in ("fr", "nl", "en", "de"):
        assert f"locales/{lang}/LC_MESSAGES/dossier.po" in shipped
    glossary = {p.name for p in (ROOT / "locales" / "glossary").glob("*.json")}
    assert {f"locales/glossary/{name}" for name in glossary} <= shipped
    assert not any(name.endswith((".py", ".mo")) for name in shipped)
