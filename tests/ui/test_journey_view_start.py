"""The journey view shows the welcome screen once at start (not twice)."""

from __future__ import annotations

from pathlib import Path

from ui.shell import Shell


def test_welcome_screen_is_shown_once_at_start(qtbot, tmp_path: Path, monkeypatch) -> None:
    from assistant.journey import Step
    from ui.app import build_app

    shown: list[object] = []
    real = Shell.show_screen

    def counting(self, screen, step=None):
        shown.append(screen)
        return real(self, screen, step)

    monkeypatch.setattr(Shell, "show_screen", counting)
    run = build_app(
        ["--demo", "--no-pcscd", "--language", "en", "--data-dir", str(tmp_path)],
        services_now=False,
    )
    try:
        qtbot.addWidget(run.shell)
        assert run.controller.journey.step is Step.WELCOME
        assert shown == [run.controller.screens[Step.WELCOME]]
    finally:
        run.close()
