"""Test support for the SMART end-to-end tests: the loopback SMART server (node's oidc-provider
+ Medplum's FHIR router, tests/e2e/smart/server.mjs) and a real headless chromium that logs in
and answers the consent page, driven through chromedriver (Selenium).

Everything here is started by the tests and listens on 127.0.0.1 only. ``packaging/setup-
debian.sh`` installs node, chromium, chromium-driver and the npm packages (``npm ci``).
"""

from __future__ import annotations

import dataclasses
import json
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from assistant.records.record_services import RecordService

SERVER_DIR = Path(__file__).resolve().parents[1] / "e2e" / "smart"
CLIENT_ID = "dossier-assistant-test"
LOGIN = "patient-adult"
PASSWORD = "correct horse battery staple"
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
#: The flags every headless chromium of the tests runs with (no network but loopback).
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
)
NAMES = {"fr": "Serveur de test", "nl": "Testserver", "en": "Test server", "de": "Testserver"}


def why_not_available() -> str | None:
    """Why the end-to-end SMART tests cannot run here, or None."""
    if shutil.which("node") is None:
        return "node is not installed (packaging/setup-debian.sh installs it)"
    if not (SERVER_DIR / "node_modules" / "oidc-provider").is_dir():
        return "the npm packages are missing: npm ci in tests/e2e/smart"
    for path in (CHROMIUM, CHROMEDRIVER):
        if not Path(path).exists():
            return f"{path} is missing (apt-get install chromium chromium-driver)"
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install -e '.[test]')"
    return None


def demo_patient_bundle(citizen_id: str = "adult") -> dict[str, Any]:
    """A demo patient of the demo hub as a FHIR collection Bundle (the synthetic data)."""
    from assistant.demo.hub.patients import synthetic_patients

    patient = next(p for p in synthetic_patients().values() if p.citizen_id == citizen_id)
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"resource": resource} for resource in patient.resources],
    }


@dataclass
class SmartServer:
    """One running test server; ``base`` is its origin, ``fhir_base`` the FHIR base URL."""

    base: str
    process: subprocess.Popen[bytes]
    folder: Path
    tls_ca: Path | None = None
    errors: list[str] = field(default_factory=list)

    @property
    def fhir_base(self) -> str:
        return f"{self.base}/fhir"

    def service(self, **changes: Any) -> RecordService:
        service = RecordService(
            id="test", names=NAMES, fhir_base_url=self.fhir_base, client_id=CLIENT_ID
        )
        return dataclasses.replace(service, **changes)

    def stats(self) -> dict[str, Any]:
        verify: Any = True if self.tls_ca is None else str(self.tls_ca)
        answer = httpx.get(f"{self.base}/test/stats", verify=verify, timeout=10)
        data: dict[str, Any] = answer.json()
        return data

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        shutil.rmtree(self.folder, ignore_errors=True)


def start_smart_server(
    *,
    bundle: dict[str, Any] | None = None,
    tls: tuple[Path, Path, Path] | None = None,
    **options: Any,
) -> SmartServer:
    """Start tests/e2e/smart/server.mjs; ``options`` go to its configuration (access_ttl,
    code_ttl, refresh_tokens, smart_configuration, delay_ms). ``tls``: (cert, key, CA) PEMs."""
    folder = Path(tempfile.mkdtemp(prefix="smart-e2e-"))
    bundle_path = folder / "bundle.json"
    bundle_path.write_text(json.dumps(bundle or demo_patient_bundle()), encoding="utf-8")
    config = {
        "port": 0,
        "tls": None if tls is None else {"cert": str(tls[0]), "key": str(tls[1])},
        "bundle": str(bundle_path),
        "client_id": CLIENT_ID,
        "login": LOGIN,
        "password": PASSWORD,
        "smart_configuration": True,
        "access_ttl": 3600,
        "code_ttl": 60,
        "refresh_tokens": False,
        "delay_ms": 0,
        **options,
    }
    config_path = folder / "config.json"
    config_path.write_text(json.dumps(config), encoding="utf-8")
    process = subprocess.Popen(
        ["node", "server.mjs", str(config_path)],
        cwd=SERVER_DIR,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    server = SmartServer("", process, folder, None if tls is None else tls[2])
    # Its warnings (oidc-provider's in-memory store) are read away so the pipe never fills.
    threading.Thread(
        target=lambda: server.errors.extend(
            line.decode(errors="replace") for line in iter(process.stderr.readline, b"")
        ),
        daemon=True,
    ).start()
    line = process.stdout.readline()  # blocks until it listens (or exits)
    if not line:
        process.wait(10)
        shutil.rmtree(folder, ignore_errors=True)
        raise RuntimeError(f"the SMART test server did not start: {''.join(server.errors)}")
    server.base = json.loads(line)["base"]
    return server


@pytest.fixture(scope="module")
def smart_e2e_available() -> None:
    why_not = why_not_available()
    if why_not is not None:
        pytest.skip(why_not)


@pytest.fixture(scope="module")
def smart_server(smart_e2e_available: None) -> Iterator[SmartServer]:
    """The default server: SMART configuration, PKCE, 1-hour tokens, no refresh tokens."""
    server = start_smart_server()
    try:
        yield server
    finally:
        server.stop()


class Browser:
    """A headless chromium with a fresh profile, driven through chromedriver.

    Used as the program's browser opener: ``browser(url)`` opens the login page, and then does
    what the person would (:attr:`answer`: "allow", "deny", or "none" to leave it open).
    """

    def __init__(self, answer: str = "allow", *, accept_insecure_certs: bool = False) -> None:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service

        self.answer = answer
        self.profile = Path(tempfile.mkdtemp(prefix="smart-chromium-"))
        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        for flag in CHROMIUM_FLAGS:
            options.add_argument(flag)
        options.add_argument(f"--user-data-dir={self.profile}")
        options.accept_insecure_certs = accept_insecure_certs
        self.driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
        self.driver.set_page_load_timeout(30)
        self.driver.implicitly_wait(10)
        self.opened: list[str] = []
        #: The title and text of the page the program showed after the redirect.
        self.final_title = ""
        self.final_text = ""

    def __call__(self, url: str) -> None:
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support.wait import WebDriverWait

        self.opened.append(url)
        driver = self.driver
        driver.get(url)
        if self.answer == "none":
            return
        driver.find_element(By.ID, "login").send_keys(LOGIN)
        driver.find_element(By.ID, "password").send_keys(PASSWORD)
        driver.find_element(By.ID, "sign-in").click()
        driver.find_element(By.ID, self.answer).click()  # the consent page: allow or deny
        # The answer goes back to the program's listener, which shows its page.
        WebDriverWait(driver, 30).until(
            lambda d: (
                urlsplit(d.current_url).path == "/callback"
                and d.execute_script("return document.readyState") == "complete"
            )
        )
        self.final_title = driver.title
        self.final_text = driver.find_element(By.TAG_NAME, "body").text

    def close(self) -> None:
        try:
            self.driver.quit()
        finally:
            shutil.rmtree(self.profile, ignore_errors=True)


@pytest.fixture
def browser(smart_e2e_available: None) -> Iterator[Browser]:
    b = Browser()
    try:
        yield b
    finally:
        b.close()
