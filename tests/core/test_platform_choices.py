"""Each platform's choices, run on any machine with sys.platform patched: the smart card
service words (no pcscd or systemctl on Windows), the speech engines and the
printers that write a file."""

from __future__ import annotations

import sys

import pytest

from assistant import platform_choices
from assistant.i18n import set_language

PLATFORMS = {"linux": "linux", "win32": "windows", "darwin": "macos"}
LINUX_WORDS = ("pcscd", "systemctl", "Debian", "sudo")


@pytest.fixture(params=sorted(PLATFORMS))
def platform(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setattr(sys, "platform", request.param)
    return str(request.param)


def test_the_platform_is_read_when_asked(platform: str) -> None:
    assert platform_choices.current().value == PLATFORMS[platform]


@pytest.mark.parametrize("lang", ["en", "fr", "nl", "de"])
def test_windows_is_told_about_its_own_smart_card_service(
    monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    monkeypatch.setattr(sys, "platform", "win32")
    set_language(lang)
    try:
        words = platform_choices.card_service_help()
    finally:
        set_language("en")
    assert not any(word in words for word in LINUX_WORDS)
    # The service's name as a Windows in that language shows it.
    assert {"en": "(Smart Card)", "fr": "(Carte à puce)", "nl": "(Smartcard)", "de": "(Smartcard)"}[
        lang
    ] in words


def test_each_platform_has_its_own_words(monkeypatch: pytest.MonkeyPatch) -> None:
    said = {}
    for name in PLATFORMS:
        monkeypatch.setattr(sys, "platform", name)
        said[name] = platform_choices.card_service_help()
    assert "systemctl start pcscd" in said["linux"]
    assert len(set(said.values())) == 3
    assert not any(word in said["darwin"] for word in LINUX_WORDS)


@pytest.mark.parametrize(
    ("name", "windows", "elsewhere"),
    [
        ("Microsoft Print to PDF", True, True),
        ("Microsoft XPS Document Writer", True, False),
        ("OneNote (Desktop)", True, False),
        ("CUPS-PDF", True, True),
        ("Print to File", True, True),
        ("HP LaserJet 400", False, False),
    ],
)
def test_printers_that_write_a_file(
    monkeypatch: pytest.MonkeyPatch, name: str, windows: bool, elsewhere: bool
) -> None:
    for platform, expected in (("win32", windows), ("linux", elsewhere), ("darwin", elsewhere)):
        monkeypatch.setattr(sys, "platform", platform)
        words = platform_choices.file_printer_words()
        assert any(word in name.lower() for word in words) is expected, (platform, name)
