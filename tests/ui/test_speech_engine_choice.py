"""The speech engine is this platform's first installed choice (assistant.platform_choices),
tried on every platform with sys.platform patched."""

from __future__ import annotations

import sys

import pytest

from ui.speech import preferred_engine


@pytest.mark.parametrize("platform", ["linux", "win32", "darwin"])
def test_the_speech_engine_is_the_platforms_first_installed(
    platform: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "platform", platform)
    everything = ["mock", "speechd", "flite", "sapi", "winrt", "darwin"]
    expected = {"linux": "speechd", "win32": "winrt", "darwin": "darwin"}
    assert preferred_engine(everything) == expected[platform]
    assert preferred_engine(["mock"]) is None  # then Qt's default
    if platform == "win32":
        assert preferred_engine(["sapi", "mock"]) == "sapi"
