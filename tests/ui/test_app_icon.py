"""The application's icon and desktop name: drawn at every size, set on the windows once the
first screen is painted, and the same id as the installed .desktop file and AppStream data."""

from __future__ import annotations

import re
from pathlib import Path

from defusedxml import ElementTree
from PySide6.QtGui import QGuiApplication, QIcon, QImage
from pytestqt.qtbot import QtBot

from assistant.assets import asset_path
from ui import app_icon
from ui.app import build_app

ROOT = Path(__file__).resolve().parents[2]
LINUX = ROOT / "packaging" / "linux"


def test_every_size_is_drawn_at_its_size() -> None:
    for size in app_icon.ICON_SIZES:
        image = QImage(str(asset_path(f"app-icon/png/{size}.png")))
        assert (image.width(), image.height()) == (size, size)
        assert image.hasAlphaChannel()
    assert asset_path("app-icon/dossier-assistant.ico").read_bytes()[:4] == b"\x00\x00\x01\x00"


def test_the_desktop_file_and_metainfo_carry_the_application_id() -> None:
    desktop = LINUX / f"{app_icon.APP_ID}.desktop"
    metainfo_path = LINUX / f"{app_icon.APP_ID}.metainfo.xml"
    ElementTree.parse(metainfo_path)  # well-formed XML (no "--" in a comment, ...)
    metainfo = metainfo_path.read_text(encoding="utf-8")
    assert f"Icon={app_icon.APP_ID}\n" in desktop.read_text(encoding="utf-8")
    assert f"<id>{app_icon.APP_ID}</id>" in metainfo
    assert f'<launchable type="desktop-id">{app_icon.APP_ID}.desktop</launchable>' in metainfo
    for lang in ("fr", "nl", "de"):
        assert f'<summary xml:lang="{lang}">' in metainfo
        assert f"Comment[{lang}]=" in desktop.read_text(encoding="utf-8")
    for shot in re.findall(r"/screenshots/([\w.-]+\.png)</image>", metainfo):
        assert (ROOT / "docs" / "screenshots" / shot).is_file(), shot


def test_the_window_gets_the_icon_after_the_first_screen(qtbot: QtBot, tmp_path: Path) -> None:
    QGuiApplication.setWindowIcon(QIcon())  # whatever an earlier test left
    run = build_app(
        ["--demo", "--no-pcscd", "--language", "en", "--data-dir", str(tmp_path)],
        services_now=False,
    )
    try:
        qtbot.addWidget(run.shell)
        assert QGuiApplication.desktopFileName() == app_icon.APP_ID
        assert QGuiApplication.windowIcon().isNull()  # not before the first screen
        run.run_later()
        sizes = {size.width() for size in QGuiApplication.windowIcon().availableSizes()}
        assert set(app_icon.ICON_SIZES) <= sizes
    finally:
        run.close()
