"""Logging in through a real SAML identity provider (tests/saml_idp.py: pysaml2's server on a
free port), as the municipal access control does, and every way it can go wrong: each gives a
Danish message on the login page and no session."""

import base64
import re
import time
from html import unescape
from urllib.parse import urlencode

import pytest
import requests
from django.contrib.auth import SESSION_KEY

from institutioner.models import ExternalIdentity, IdentityGroup, Role, User
from institutioner.sso.saml import privileges
from tests.saml_idp import Account

ROLE = "http://kombit.dk/roles/jobrole/paedagogisk-indsats-leder/1"


def privilege_list(*groups: tuple[str, list[str]]) -> str:
    """KOMBIT's Privileges_intermediate attribute: a base64 OIOSAML basic privilege list."""
    body = "".join(
        '<PrivilegeGroup Scope="urn:dk:gov:saml:cvrNumberIdentifier:29189633">'
        f"<Privilege>{role}</Privilege>"
        + "".join(
            f'<Constraint Name="http://sts.kombit.dk/constraints/orgenhed/1">{s}</Constraint>'
            for s in scopes
        )
        + "</PrivilegeGroup>"
        for role, scopes in groups
    )
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?><bpp:PrivilegeList '
        f'xmlns:bpp="http://itst.dk/oiosaml/basic_privilege_profile">{body}</bpp:PrivilegeList>'
    )
    return base64.b64encode(xml.encode()).decode()


def lene(*, privileges_value: str | None = None, **attributes) -> Account:
    values = {
        "email": ["lene.saml@kommune.dk"],
        "name": ["Lene Lund"],
        "dk:gov:saml:attribute:Privileges_intermediate": [
            privileges_value or privilege_list((ROLE, ["mariehoenen"]))
        ],
    }
    values.update(attributes)
    return Account(subject="CVR:29189633-RID:1234", attributes=values)


@pytest.fixture
def kombit_groups(world):
    group = IdentityGroup.objects.create(name=f"{ROLE}|mariehoenen", role=Role.LEADER)
    group.institutions.add(world.institution)
    IdentityGroup.objects.create(name="indsats-forvaltning", role=Role.ADMINISTRATION)
    return group


def start(client, **params) -> str:
    response = client.get("/saml2/log-ind/?" + urlencode(params))
    assert response.status_code == 302, response
    return response["Location"]


def answer(location: str) -> dict:
    """What the browser posts back: the identity provider's auto-posting form."""
    page = requests.get(location, timeout=5).text
    fields = dict(re.findall(r'name="(SAMLResponse|RelayState)" value="([^"]*)"', page))
    return {k: unescape(v) for k, v in fields.items()}


def log_in(client, **params):
    form = answer(start(client, **params))
    return client.post("/saml2/acs/", form), form


def refused_with(client, response, text: str) -> None:
    assert response.status_code == 302 and response["Location"] == "/konto/log-ind/", response
    page = client.get(response["Location"]).content.decode()
    assert text in page, page
    assert SESSION_KEY not in client.session


def test_privilege_lists_give_roles_and_data_scopes():
    value = privilege_list((ROLE, ["a", "b"]), ("http://x/role2", []))
    assert privileges(value) == [ROLE, f"{ROLE}|a", f"{ROLE}|b", "http://x/role2"]
    assert privileges("indsats-forvaltning") == ["indsats-forvaltning"]
    entity = base64.b64encode(
        b'<!DOCTYPE x [<!ENTITY e "boom">]><PrivilegeList>&e;</PrivilegeList>'
    ).decode()
    assert privileges(entity) == []


def test_the_login_page_offers_the_municipal_access_control(client, saml_idp):
    page = client.get("/konto/log-ind/?next=/anmodninger/").content.decode()
    assert "Log ind med Fælleskommunal Adgangsstyring" in page
    assert "/saml2/log-ind/?next=%2Fanmodninger%2F" in page


def test_login_creates_the_user_with_role_and_institutions(client, saml_idp, world, kombit_groups):
    saml_idp.account = lene()
    response, _ = log_in(client, next="/anmodninger/")
    assert response.status_code == 302 and response["Location"] == "/anmodninger/"
    user = User.objects.get(email="lene.saml@kommune.dk")
    assert client.session[SESSION_KEY] == str(user.pk)
    assert user.role == Role.LEADER and user.name == "Lene Lund"
    assert list(user.institutions.all()) == [world.institution]
    identity = ExternalIdentity.objects.get(user=user)
    assert (identity.provider, identity.subject) == ("saml", "CVR:29189633-RID:1234")
    assert saml_idp.requests[-1].force_authn is None
    # The next login finds her by the subject, even with a new e-mail address.
    client.logout()
    saml_idp.account = lene(email=["lene.ny@kommune.dk"])
    log_in(client)
    assert client.session[SESSION_KEY] == str(user.pk)


def test_plain_group_names_map_too(client, saml_idp, world, kombit_groups):
    saml_idp.account = lene(privileges_value="indsats-forvaltning")
    log_in(client)
    assert User.objects.get(email="lene.saml@kommune.dk").role == Role.ADMINISTRATION


def test_a_leaver_is_refused_and_deactivated(client, saml_idp, world, kombit_groups):
    saml_idp.account = lene()
    log_in(client)
    client.logout()
    saml_idp.account = lene(privileges_value=privilege_list((ROLE, ["another-unit"])))
    response, _ = log_in(client)
    refused_with(client, response, "giver ikke adgang til dette system")
    assert not User.objects.get(email="lene.saml@kommune.dk").is_active


def test_an_unknown_group_gives_no_session(client, saml_idp, world, kombit_groups):
    saml_idp.account = lene(privileges_value="ukendt-gruppe")
    response, _ = log_in(client)
    refused_with(client, response, "giver ikke adgang til dette system")
    assert not User.objects.filter(email="lene.saml@kommune.dk").exists()


def test_a_missing_attribute_gives_no_session(client, saml_idp, world, kombit_groups):
    saml_idp.account = lene(email=[])
    response, _ = log_in(client)
    refused_with(client, response, "sendte ikke din e-mailadresse")


def test_an_expired_assertion_gives_no_session(client, saml_idp, world, kombit_groups):
    saml_idp.account = lene()
    saml_idp.lifetime = {"seconds": 1}
    form = answer(start(client))
    time.sleep(2.1)
    response = client.post("/saml2/acs/", form)
    refused_with(client, response, "er udløbet")


def test_a_replayed_assertion_gives_no_session(client, saml_idp, world, kombit_groups):
    saml_idp.account = lene()
    _, form = log_in(client)
    client.logout()
    response = client.post("/saml2/acs/", form)
    refused_with(client, response, "Start forfra")
    # Nor in a browser that has a login of its own under way.
    start(client)
    response = client.post("/saml2/acs/", form)
    refused_with(client, response, "Start forfra")


def test_an_assertion_signed_with_another_key_gives_no_session(
    client, saml_idp, world, kombit_groups
):
    saml_idp.account = lene()
    saml_idp.forge = True
    response, _ = log_in(client)
    refused_with(client, response, "kunne ikke bekræftes")
    assert not User.objects.filter(email="lene.saml@kommune.dk").exists()


def test_redirects_after_login_stay_on_this_site(client, saml_idp, world, kombit_groups):
    saml_idp.account = lene()
    for evil in ("https://evil.example/", "//evil.example/x", "http:/\\evil.example"):
        client.logout()
        response, form = log_in(client, next=evil)
        assert response["Location"] == "/", evil
    # A RelayState changed on the way is not followed either.
    client.logout()
    form = answer(start(client, next="/anmodninger/"))
    response = client.post("/saml2/acs/", {**form, "RelayState": "https://evil.example/"})
    assert response["Location"] == "/anmodninger/"


def test_metadata_that_cannot_be_fetched_gives_a_message_within_seconds(
    client, saml_idp, settings, black_hole
):
    settings.SAML_IDP_METADATA_FILE = ""
    settings.SAML_IDP_METADATA_URL = f"{black_hole}/metadata"
    began = time.monotonic()
    response = client.get("/saml2/log-ind/")
    assert time.monotonic() - began < 3.5
    refused_with(client, response, "kunne ikke nås lige nu")
    # This site's own metadata says so too, in Danish letters (QA: it came without a charset).
    own = client.get("/saml2/metadata/")
    assert own.status_code == 503 and own["Content-Type"] == "text/plain; charset=utf-8"
    assert "Fælleskommunal" in own.content.decode("utf-8")


def test_metadata_from_the_providers_url(client, saml_idp, settings):
    settings.SAML_IDP_METADATA_FILE = ""
    settings.SAML_IDP_METADATA_URL = f"{saml_idp.base}/metadata"
    assert start(client).startswith(f"{saml_idp.base}/sso?SAMLRequest=")
    metadata = client.get("/saml2/metadata/")
    assert metadata.status_code == 200 and b"AssertionConsumerService" in metadata.content


def test_signing_sends_the_signer_through_forceauthn(client, saml_idp, world, kombit_groups):
    saml_idp.account = lene()
    log_in(client)
    saml_idp.account.logged_in_at = time.time() - 3600  # her login there is an hour old
    location = start(client, reauth="sign:1", next="/anmodninger/")
    form = answer(location)
    assert saml_idp.requests[-1].force_authn == "true"
    response = client.post("/saml2/acs/", form)
    assert response["Location"] == "/anmodninger/"
    fresh = client.session["sso_fresh_authentication"]
    assert fresh["purpose"] == "sign:1" and fresh["method"] == "saml"


def test_a_fresh_login_by_someone_else_does_not_count(client, saml_idp, world, kombit_groups):
    saml_idp.account = lene()
    log_in(client)
    saml_idp.account = Account(
        subject="CVR:29189633-RID:9999",
        attributes={**lene().attributes, "email": ["eve@kommune.dk"]},
    )
    response, _ = log_in(client, reauth="sign:1")
    refused_with(client, response, "ikke dit eller ikke nyt")
    assert "sso_fresh_authentication" not in client.session


def test_saml_is_off_unless_configured(client, db):
    response = client.get("/saml2/log-ind/")
    refused_with(client, response, "er slået fra")
    assert client.get("/saml2/metadata/").status_code == 404


def test_after_a_refusal_the_next_login_is_asked_for_again(client, saml_idp, world, kombit_groups):
    """QA (go-live): after a refused login the provider sent the same person straight back, so
    on a shared computer the next person was refused as them and could not log in at all."""
    saml_idp.account = lene(privileges_value="ukendt-gruppe")
    response, _ = log_in(client)
    refused_with(client, response, "giver ikke adgang til dette system")
    saml_idp.account = lene()
    response, _ = log_in(client)
    assert saml_idp.requests[-1].force_authn == "true"
    assert response.status_code == 302 and SESSION_KEY in client.session
    # Once in, the logins after it are ordinary again.
    client.logout()
    log_in(client)
    assert saml_idp.requests[-1].force_authn is None


def test_a_refusal_says_whom_the_access_control_logged_in(
    client, saml_idp, world, kombit_groups, settings
):
    """The refusal names whom the provider sent, never a CPR attribute, even one mapped as the
    name by mistake."""
    saml_idp.account = lene(privileges_value="ukendt-gruppe")
    response, _ = log_in(client)
    refused_with(client, response, "Lene Lund, lene.saml@kommune.dk")
    settings.SAML_NAME_ATTRIBUTE = "dk:gov:saml:attribute:CprNumberIdentifier"
    saml_idp.account = lene(
        privileges_value="ukendt-gruppe",
        **{"dk:gov:saml:attribute:CprNumberIdentifier": ["0101901234"]},
    )
    response, _ = log_in(client)
    page = client.get(response["Location"]).content.decode()
    assert "lene.saml@kommune.dk" in page and "0101901234" not in page
