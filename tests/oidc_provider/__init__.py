"""A real OpenID Connect provider for the tests: panva's oidc-provider (npm, pinned in
package.json beside this file) run by Node.js on a free port, with its own sign-in pages.

`.ci/run` installs it (`npm ci`); without Node.js or the package the tests that need it are
skipped on a laptop and fail in CI (REQUIRE_SERVICES=1), like every outside service.
"""

import json
import re
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlsplit

import requests

HERE = Path(__file__).resolve().parent
CLIENT_ID = "indsats"
CLIENT_SECRET = "test-only-client-secret"


def available() -> bool:
    return bool(shutil.which("node")) and (HERE / "node_modules" / "oidc-provider").is_dir()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Provider:
    """One running provider. `accounts` is rewritten by the tests (the provider reads it at
    every lookup): {login: {"sub": ..., "email": ..., "name": ..., "groups": [...]}}."""

    def __init__(self, redirect_uris: list[str]) -> None:
        self.port = free_port()
        self.issuer = f"http://127.0.0.1:{self.port}"
        self.dir = Path(tempfile.mkdtemp(prefix="oidc-provider-"))
        self.state_file = self.dir / "state.json"
        self.clients = [
            {
                "client_id": CLIENT_ID,
                "client_secret": CLIENT_SECRET,
                "redirect_uris": redirect_uris,
                # Where the provider may send a person after logging out (the login page).
                "post_logout_redirect_uris": [
                    uri.replace("/oidc/callback/", "/konto/log-ind/") for uri in redirect_uris
                ],
                "token_endpoint_auth_method": "client_secret_post",
            },
            {
                # Another application of the municipality: its tokens are not for us.
                "client_id": "other-app",
                "client_secret": "other-secret",
                "redirect_uris": ["http://other.example/callback"],
                "token_endpoint_auth_method": "client_secret_post",
            },
        ]
        self.state: dict = {"clients": self.clients, "accounts": {}}
        self._write()
        self.process = subprocess.Popen(
            ["node", str(HERE / "provider.mjs"), str(self.port), str(self.state_file)],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                requests.get(f"{self.issuer}/.well-known/openid-configuration", timeout=1)
                return
            except requests.ConnectionError:
                if self.process.poll() is not None:
                    raise RuntimeError(self.process.stdout.read() if self.process.stdout else "")
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("the OpenID Connect provider did not start")

    def _write(self) -> None:
        self.state_file.write_text(json.dumps(self.state))

    def set_accounts(self, accounts: dict, **extra) -> None:
        self.state = {"clients": self.clients, "accounts": accounts, **extra}
        self._write()

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
        shutil.rmtree(self.dir, ignore_errors=True)

    def settings(self) -> dict:
        """The Django settings that point the app at this provider."""
        return {
            "OIDC_RP_CLIENT_ID": CLIENT_ID,
            "OIDC_RP_CLIENT_SECRET": CLIENT_SECRET,
            "OIDC_DISCOVERY_URL": f"{self.issuer}/.well-known/openid-configuration",
            "OIDC_OP_ISSUER": "",
            # The provider releases the groups claim for its "groups" scope (as Keycloak does).
            "OIDC_RP_SCOPES": "openid email profile groups",
        }


class Browser:
    """The person's side of the provider's sign-in pages, without a browser: follows the
    provider's redirects and fills its login form, and stops at the first address outside it."""

    def __init__(self, provider: Provider) -> None:
        self.provider = provider
        self.session = requests.Session()

    def sign_in(self, authorize_url: str, login: str | None) -> str:
        """Open the authorization URL, sign in as `login` when asked, and return the address
        the provider sends the person back to (the application's callback)."""
        url = authorize_url
        for _ in range(10):
            response = self.session.get(url, allow_redirects=False, timeout=5)
            if response.is_redirect:
                url = urljoin(url, response.headers["Location"])
                if not url.startswith(self.provider.issuer):
                    return url
                continue
            form = re.search(r'<form[^>]*action="([^"]+)"', response.text)
            if form is None:
                raise AssertionError(f"no form at {url}: {response.text[:500]}")
            if login is None:
                raise AssertionError("the provider asked for a login")
            action = urljoin(url, form.group(1))
            hidden = dict(
                re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', response.text)
            )
            response = self.session.post(
                action,
                data={"prompt": "login", **hidden, "login": login, "password": "any"},
                allow_redirects=False,
                timeout=5,
            )
            assert response.is_redirect, response.text[:500]
            url = urljoin(action, response.headers["Location"])
            if not url.startswith(self.provider.issuer):
                return url
        raise AssertionError("too many redirects at the provider")

    def sign_out(self, logout_url: str) -> str:
        """Open the provider's logout address, confirm ("Yes, sign me out") and return the
        address the provider sends the person back to."""
        response = self.session.get(logout_url, allow_redirects=False, timeout=5)
        form = re.search(r'<form[^>]*action="([^"]+)"', response.text)
        assert form is not None, response.text[:500]
        action = urljoin(logout_url, form.group(1))
        hidden = dict(
            re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', response.text)
        )
        response = self.session.post(
            action, data={**hidden, "logout": "yes"}, allow_redirects=False, timeout=5
        )
        assert response.is_redirect, response.text[:500]
        return urljoin(action, response.headers["Location"])


def code_of(url: str) -> str:
    return parse_qs(urlsplit(url).query)["code"][0]
