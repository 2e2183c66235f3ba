"""In Chromium, through a real OpenID Connect provider (tests/oidc_provider): the leader logs
in with the municipality's login, signs an agreement after logging in there again, and is
refused once the provider no longer has her in the group."""

import pytest
from django.contrib.sessions.backends.db import SessionStore
from playwright.sync_api import expect

from indsats.agreements import services as agreements_services
from institutioner.models import IdentityGroup, Role
from tests import oidc_provider
from tests.conftest import require_service
from tests.e2e.conftest import serious_accessibility_violations
from tests.indsats.agreements.conftest import _draft, _goal

LENE = {"email": "lene@example.dk", "name": "Lene Leder", "groups": ["ledere-mariehoenen"]}


@pytest.fixture
def provider(live_server, settings):
    require_service(oidc_provider.available(), "The test OpenID Connect provider (node, npm ci)")
    running = oidc_provider.Provider([f"{live_server.url}/oidc/callback/"])
    for name, value in running.settings().items():
        setattr(settings, name, value)
    yield running
    running.stop()


def _sign_in_at_provider(page, login: str) -> None:
    page.wait_for_selector("input[name=login]")
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", "adgangskode-hos-kommunen")
    page.click("button[type=submit]")


def test_log_in_sign_and_leave(page, live_server, world, provider, console_errors):
    group = IdentityGroup.objects.create(name="ledere-mariehoenen", role=Role.LEADER)
    group.institutions.add(world.institution)
    provider.set_accounts({"lene": LENE})
    _agreement, version = _draft(world)
    agreements_services.agreement_draft_update(
        actor=world.pedagogist.user, version_id=version.pk, content=_goal(version.parsed)
    )
    agreements_services.agreement_send_for_signature(
        actor=world.pedagogist.user, version_id=version.pk
    )

    # --- The login page offers the municipality's login first.
    page.goto(f"{live_server.url}/")
    assert serious_accessibility_violations(page) == []
    page.get_by_role("link", name="Log ind med kommunens login").click()
    _sign_in_at_provider(page, "lene")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert page.url.startswith(live_server.url)

    # --- Signing sends her to the provider again, then she confirms here.
    page.goto(f"{live_server.url}/aftaler/{version.agreement_id}/")
    page.get_by_role("button", name="Underskriv med kommunens login").click()
    _sign_in_at_provider(page, "lene")
    expect(page.get_by_text("Du har logget ind igen hos kommunen")).to_be_visible()
    page.get_by_role("button", name="Underskriv nu").click()
    expect(page.get_by_text("Du har underskrevet aftalen.")).to_be_visible()
    expect(page.get_by_text("identitet bekræftet med kommunens log-ind")).to_be_visible()
    assert version.signatures.get().authenticated_by == "oidc"

    # --- She leaves the group at the municipality: the next refresh with the provider
    # (here made due at once) logs her out with a Danish message.
    provider.set_accounts({"lene": {**LENE, "groups": []}})
    cookie = next(c for c in page.context.cookies() if c["name"] == "sessionid")
    session = SessionStore(session_key=cookie["value"])
    session["oidc_id_token_expiration"] = 0
    session.save()
    page.goto(f"{live_server.url}/")
    expect(page.get_by_text("giver ikke adgang til dette system")).to_be_visible()
    expect(page.get_by_role("link", name="Log ind med kommunens login")).to_be_visible()
    page.goto(f"{live_server.url}/institutioner/{world.institution.pk}/")
    assert "/konto/log-ind/" in page.url
    world.leader.refresh_from_db()
    assert not world.leader.is_active
    # The provider's own sign-in page asks for a web font this machine cannot reach.
    assert [e for e in console_errors if "ERR_NAME_NOT_RESOLVED" not in e] == []
