"""Signing after logging in through the municipality's identity provider: a fresh login there
(prompt=login, max_age=0) instead of a password, recorded on the signature. Real provider."""

from datetime import timedelta

import pytest
from django.contrib.auth import SESSION_KEY
from django.urls import reverse
from django.utils import timezone

from indsats.agreements import services as agreements_services
from institutioner.models import IdentityGroup, Role
from institutioner.sso import services as sso_services
from tests.factories import PASSWORD
from tests.indsats.agreements.conftest import _draft, _goal
from tests.oidc_provider import Browser

LENE = {"email": "lene@example.dk", "name": "Lene Leder", "groups": ["ledere-mariehoenen"]}


@pytest.fixture
def sent(world):
    _agreement, version = _draft(world)
    agreements_services.agreement_draft_update(
        actor=world.pedagogist.user, version_id=version.pk, content=_goal(version.parsed)
    )
    agreements_services.agreement_send_for_signature(
        actor=world.pedagogist.user, version_id=version.pk
    )
    return version


@pytest.fixture
def lene_via_provider(client, oidc_idp, world):
    group = IdentityGroup.objects.create(name="ledere-mariehoenen", role=Role.LEADER)
    group.institutions.add(world.institution)
    oidc_idp.set_accounts({"lene": LENE, "eve": {**LENE, "email": "eve@example.dk"}})
    browser = Browser(oidc_idp)
    start = client.get(reverse("oidc_authentication_init"))
    client.get(browser.sign_in(start["Location"], "lene"))
    assert client.session[SESSION_KEY] == str(world.leader.pk)
    return browser


def test_signing_sends_the_signer_to_log_in_again(client, world, sent, lene_via_provider):
    page = client.get(reverse("agreement_detail", args=[sent.agreement_id])).content.decode()
    assert "Underskriv med kommunens login" in page and "Din adgangskode" not in page
    asked_at = timezone.now().replace(microsecond=0)
    response = client.post(reverse("agreement_sign", args=[sent.pk]))
    assert response["Location"].startswith(reverse("oidc_authentication_init") + "?reauth=")
    to_provider = client.get(response["Location"])["Location"]
    assert "prompt=login" in to_provider and "max_age=0" in to_provider
    assert not sent.signatures.exists()
    # The provider asks for the login again although its session is alive.
    back = client.get(lene_via_provider.sign_in(to_provider, "lene"))
    assert back["Location"] == reverse("agreement_detail", args=[sent.agreement_id])
    page = client.get(back["Location"]).content.decode()
    assert "Underskriv nu" in page
    response = client.post(reverse("agreement_sign", args=[sent.pk]), follow=True)
    assert "Du har underskrevet aftalen." in response.content.decode()
    signature = sent.signatures.get()
    assert signature.user == world.leader and signature.authenticated_by == "oidc"
    assert asked_at <= signature.authenticated_at <= timezone.now()
    assert "identitet bekræftet med kommunens log-ind (OpenID Connect)" in (
        response.content.decode()
    )


def test_someone_else_logging_in_does_not_sign(client, world, sent, lene_via_provider):
    response = client.post(reverse("agreement_sign", args=[sent.pk]))
    to_provider = client.get(response["Location"])["Location"]
    back = client.get(lene_via_provider.sign_in(to_provider, "eve"))
    assert back["Location"] == reverse("login")
    assert SESSION_KEY not in client.session
    assert not sent.signatures.exists()


def test_a_stale_fresh_login_signs_nothing(client, world, sent, lene_via_provider, settings):
    session = client.session
    sso_services.fresh_authentication_record(
        session_request(session),
        purpose=f"sign:{sent.pk}",
        method="oidc",
        at=timezone.now() - timedelta(minutes=settings.SSO_FRESH_LOGIN_MINUTES + 1),
    )
    session.save()
    response = client.post(reverse("agreement_sign", args=[sent.pk]))
    assert response["Location"].startswith(reverse("oidc_authentication_init"))
    assert not sent.signatures.exists()


def test_a_fresh_login_for_another_version_does_not_count(client, world, sent, lene_via_provider):
    session = client.session
    sso_services.fresh_authentication_record(
        session_request(session), purpose="sign:0", method="oidc", at=timezone.now()
    )
    session.save()
    client.post(reverse("agreement_sign", args=[sent.pk]))
    assert not sent.signatures.exists()


def test_a_password_signature_records_the_password(client, world, sent):
    client.force_login(world.leader)
    client.post(reverse("agreement_sign", args=[sent.pk]), {"password": PASSWORD})
    signature = sent.signatures.get()
    assert signature.authenticated_by == "password" and signature.authenticated_at


def test_the_service_refuses_an_old_fresh_login(world, sent, settings):
    from django.core.exceptions import ValidationError

    old = sso_services.FreshAuthentication(
        method="oidc", at=timezone.now() - timedelta(minutes=settings.SSO_FRESH_LOGIN_MINUTES + 1)
    )
    with pytest.raises(ValidationError):
        agreements_services.agreement_sign(actor=world.leader, version_id=sent.pk, fresh=old)
    assert not sent.signatures.exists()


class session_request:
    def __init__(self, session) -> None:
        self.session = session
