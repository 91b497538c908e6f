"""Choosing a SMART record service at start: home mode with a real card only; clear words
otherwise (the whole login: tests/integration/test_smart_e2e.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

SERVICES = """
[[service]]
id = "trial"
fhir_base_url = "http://127.0.0.1:9/fhir"
client_id = "app"
name = { fr = "Essai", nl = "Proef", en = "Trial", de = "Versuch" }
"""


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--mediator"], "only possible at home"),
        (["--demo"], "only possible at home"),
        (["--training"], "only possible at home"),
        (["--real-card", "--record-service", "other"], "no record service called other"),
        (["--real-card", "--record-services", "BROKEN"], "cannot be used"),
    ],
)
def test_a_record_service_that_cannot_be_used_stops_the_start_with_clear_words(
    qapp: QApplication, tmp_path: Path, args: list[str], words: str
) -> None:
    from ui.app import StartupProblem, build_app

    good = tmp_path / "services.toml"
    good.write_text(SERVICES, encoding="utf-8")
    broken = tmp_path / "broken.toml"
    broken.write_text('[[service]]\nid = "x"\n', encoding="utf-8")
    args = [str(broken) if a == "BROKEN" else a for a in args]
    if "--record-services" not in args:
        args += ["--record-services", str(good)]
    if "--record-service" not in args:
        args += ["--record-service", "trial"]
    with pytest.raises(StartupProblem) as info:
        build_app([*args, "--data-dir", str(tmp_path)], services_now=False)
    assert words in info.value.message
