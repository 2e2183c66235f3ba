"""Real-browser tests: Debian's Chromium driven by Playwright against the live test server."""

import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import require_service

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
# around it are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    path = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or ""
    require_service(bool(path) and os.path.exists(path), "Chromium (/usr/bin/chromium)")
    return {**browser_type_launch_args, "executable_path": path, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "da-DK", "timezone_id": "Europe/Copenhagen"}


@pytest.fixture
def console_errors(page):
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return errors


AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
# axe-core is test-only, so it is not in the static files the product ships. The browser asks our
# own origin for it (which the CSP allows) and Playwright answers from the test folder.
AXE_URL = "/static/test-only/axe.min.js"


def serious_accessibility_violations(page) -> list[str]:
    """Run axe-core on the page."""
    page.route(
        f"**{AXE_URL}", lambda route: route.fulfill(path=AXE, content_type="text/javascript")
    )
    page.add_script_tag(url=AXE_URL)
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} – {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def log_in(page, base_url: str, email: str, password: str) -> None:
    page.goto(base_url + "/")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Adgangskode").fill(password)
    page.get_by_role("button", name="Log ind").click()
    page.wait_for_load_state("networkidle")
