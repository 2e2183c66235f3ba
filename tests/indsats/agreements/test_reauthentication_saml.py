"""Signing after logging in through the municipal access control (SAML): a fresh login there
(ForceAuthn) instead of a password, recorded on the signature. Real identity provider
(tests/saml_idp.py)."""

import time

import pytest
from django.contrib.auth import SESSION_KEY
from django.urls import reverse
from django.utils import timezone

from institutioner.models import IdentityGroup, Role
from tests.indsats.agreements.test_reauthentication import sent  # noqa: F401 (a fixture)
from tests.institutioner.sso.test_saml import answer
from tests.saml_idp import Account


def lene_account(email: str = "lene@example.dk") -> Account:
    return Account(
        subject=f"subject-{email}",
        attributes={"email": [email], "name": ["Lene Leder"], "groups": ["ledere-mariehoenen"]},
    )


@pytest.fixture
def lene_via_saml(client, saml_idp, world, settings):
    settings.SAML_GROUPS_ATTRIBUTE = "groups"
    group = IdentityGroup.objects.create(name="ledere-mariehoenen", role=Role.LEADER)
    group.institutions.add(world.institution)
    saml_idp.account = lene_account()
    client.post(reverse("saml2_acs"), answer(client.get(reverse("saml2_login"))["Location"]))
    assert client.session[SESSION_KEY] == str(world.leader.pk)
    return saml_idp


def test_signing_sends_the_signer_through_forceauthn(client, world, sent, lene_via_saml):  # noqa: F811
    page = client.get(reverse("agreement_detail", args=[sent.agreement_id])).content.decode()
    assert "Din adgangskode" not in page
    lene_via_saml.account.logged_in_at = time.time() - 3600  # her login there is an hour old
    asked_at = timezone.now().replace(microsecond=0)
    response = client.post(reverse("agreement_sign", args=[sent.pk]))
    assert response["Location"].startswith(reverse("saml2_login") + "?reauth=")
    form = answer(client.get(response["Location"])["Location"])
    assert lene_via_saml.requests[-1].force_authn == "true"
    assert not sent.signatures.exists()
    back = client.post(reverse("saml2_acs"), form)
    assert back["Location"] == reverse("agreement_detail", args=[sent.agreement_id])
    response = client.post(reverse("agreement_sign", args=[sent.pk]), follow=True)
    assert "Du har underskrevet aftalen." in response.content.decode()
    signature = sent.signatures.get()
    assert signature.user == world.leader and signature.authenticated_by == "saml"
    assert asked_at <= signature.authenticated_at <= timezone.now()
    assert "identitet bekræftet med kommunens log-ind (SAML)" in response.content.decode()


def test_someone_else_logging_in_does_not_sign(client, world, sent, lene_via_saml):  # noqa: F811
    response = client.post(reverse("agreement_sign", args=[sent.pk]))
    lene_via_saml.account = lene_account("eve@example.dk")
    form = answer(client.get(response["Location"])["Location"])
    back = client.post(reverse("saml2_acs"), form)
    assert back["Location"] == reverse("login")
    assert SESSION_KEY not in client.session
    assert not sent.signatures.exists()
