"""Suite-wide test configuration.

With DOSSIER_STRICT_TESTS=1 (set by packaging/run-tests.sh, so by CI) a skipped test is a
failure: every test must really run on the CI machine, card tests through real pcscd included.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.support.pcsc import VpcdSlot, ensure_pcscd, free_slot

STRICT = os.environ.get("DOSSIER_STRICT_TESTS") == "1"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    if STRICT and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.longrepr = f"skipped in strict mode (a dependency is missing?): {reason}"


@pytest.fixture(scope="session")
def pcscd() -> None:
    """A running pcscd with the vpcd driver; skips (fails in strict mode) when impossible."""
    why_not = ensure_pcscd()
    if why_not is not None:
        pytest.skip(why_not)


@pytest.fixture
def vpcd_slot(pcscd: None) -> Iterator[VpcdSlot]:
    """Exclusive use of one vpcd slot for one test: "Virtual PCD 00 00" unless another process
    (a demo app, another test run) holds it, then "Virtual PCD 00 01"."""
    with free_slot() as slot:
        yield slot


@pytest.fixture(autouse=True)
def _settings_of_the_run_restored() -> Iterator[None]:
    """A test that starts the program (``ui.app.main``) installs its settings for the run;
    the next test starts again from the home-mode defaults."""
    from assistant import settings as settings_mod

    before = settings_mod.current()
    yield
    settings_mod.install(before)
