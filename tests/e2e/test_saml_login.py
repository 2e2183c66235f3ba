"""In Chromium, through a real SAML identity provider (tests/saml_idp.py, pysaml2's server): the
leader logs in with Fælleskommunal Adgangsstyring, and signs an agreement after a ForceAuthn
login there."""

from django.test import RequestFactory
from playwright.sync_api import expect
from saml2.metadata import entity_descriptor

from indsats.agreements import services as agreements_services
from institutioner.models import IdentityGroup, Role
from institutioner.sso.saml import config_loader
from tests.e2e.conftest import serious_accessibility_violations
from tests.indsats.agreements.conftest import _draft, _goal
from tests.saml_idp import Account


def test_log_in_and_sign_with_saml(page, live_server, world, saml_idp, settings, console_errors):
    settings.SAML_GROUPS_ATTRIBUTE = "groups"
    host, port = live_server.url.split("//")[1].split(":")
    request = RequestFactory().get("/", SERVER_NAME=host, SERVER_PORT=port)
    saml_idp.sp_metadata = str(entity_descriptor(config_loader(request)))
    group = IdentityGroup.objects.create(name="ledere-mariehoenen", role=Role.LEADER)
    group.institutions.add(world.institution)
    saml_idp.account = Account(
        subject="lene-at-kombit",
        attributes={
            "email": ["lene@example.dk"],
            "name": ["Lene Leder"],
            "groups": ["ledere-mariehoenen"],
        },
    )
    _agreement, version = _draft(world)
    agreements_services.agreement_draft_update(
        actor=world.pedagogist.user, version_id=version.pk, content=_goal(version.parsed)
    )
    agreements_services.agreement_send_for_signature(
        actor=world.pedagogist.user, version_id=version.pk
    )

    page.goto(f"{live_server.url}/")
    assert serious_accessibility_violations(page) == []
    page.get_by_role("link", name="Log ind med Fælleskommunal Adgangsstyring").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert page.url.startswith(live_server.url) and "/konto/log-ind/" not in page.url

    page.goto(f"{live_server.url}/aftaler/{version.agreement_id}/")
    page.get_by_role("button", name="Underskriv med kommunens login").click()
    expect(page.get_by_text("Du har logget ind igen hos kommunen")).to_be_visible()
    assert saml_idp.requests[-1].force_authn == "true"
    page.get_by_role("button", name="Underskriv nu").click()
    expect(page.get_by_text("Du har underskrevet aftalen.")).to_be_visible()
    expect(page.get_by_text("identitet bekræftet med kommunens log-ind (SAML)")).to_be_visible()
    assert version.signatures.get().authenticated_by == "saml"
