"""Logging in through a real OpenID Connect provider (tests/oidc_provider), and every way it
can go wrong: each gives a Danish message on the login page and no session."""

import time

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.core.cache import cache

from institutioner.models import ExternalIdentity, Role, User
from tests import factories
from tests.oidc_provider import Browser

LENE = {"email": "lene.sso@kommune.dk", "name": "Lene Lund", "groups": []}


def start(client, next_url: str | None = None):
    response = client.get("/oidc/log-ind/", {"next": next_url} if next_url else {})
    assert response.status_code == 302, response
    return response["Location"]


def log_in(client, oidc_idp, login: str, next_url: str | None = None):
    callback = Browser(oidc_idp).sign_in(start(client, next_url), login)
    assert callback.startswith("http://testserver/oidc/callback/?")
    return client.get(callback, follow=False), callback


def refused_with(client, response, text: str) -> None:
    assert response.status_code == 302 and response["Location"] == "/konto/log-ind/"
    page = client.get(response["Location"])
    assert text in page.content.decode()
    assert SESSION_KEY not in client.session


def test_the_login_page_offers_the_municipality_login(client, oidc_idp):
    page = client.get("/konto/log-ind/?next=/anmodninger/").content.decode()
    assert "Log ind med kommunens login" in page
    assert "/oidc/log-ind/?next=%2Fanmodninger%2F" in page
    assert "Adgangskode" in page  # passwords stay unless switched off


def test_no_button_without_a_provider(client, settings):
    settings.OIDC_RP_CLIENT_ID = ""
    assert "kommunens login" not in client.get("/konto/log-ind/").content.decode()


def test_first_login_creates_the_leader_with_her_institutions(client, oidc_idp, world, groups):
    oidc_idp.set_accounts(
        {"a1b2-lene": {**LENE, "groups": ["indsats-ledere-mariehoenen", "andet"]}}
    )
    response, _callback = log_in(client, oidc_idp, "a1b2-lene", next_url="/anmodninger/")
    assert response.status_code == 302 and response["Location"] == "/anmodninger/"
    user = User.objects.get(email="lene.sso@kommune.dk")
    assert (user.name, user.role, user.has_usable_password()) == ("Lene Lund", Role.LEADER, False)
    assert list(user.institutions.all()) == [world.institution]
    assert ExternalIdentity.objects.get(user=user).subject == "a1b2-lene"
    assert client.session[SESSION_KEY] == str(user.pk)
    # Her scope is the mapped institution and nothing else.
    assert client.get(f"/institutioner/{world.institution.pk}/").status_code == 200
    assert client.get(f"/institutioner/{world.other_institution.pk}/").status_code == 404
    assert client.get(f"/institutioner/{world.outsider_institution.pk}/").status_code == 404
    assert world.other_institution.name not in client.get("/").content.decode()


def test_the_subject_matches_even_when_the_email_changes(client, oidc_idp, world, groups):
    oidc_idp.set_accounts({"a1b2-lene": {**LENE, "groups": ["indsats-ledere-mariehoenen"]}})
    log_in(client, oidc_idp, "a1b2-lene")
    client.logout()
    oidc_idp.set_accounts(
        {"a1b2-lene": {**LENE, "email": "lene.ny@kommune.dk", "groups": ["indsats-forvaltning"]}}
    )
    log_in(client, oidc_idp, "a1b2-lene")
    user = User.objects.get(identities__subject="a1b2-lene")
    assert user.role == Role.ADMINISTRATION and not user.institutions.exists()
    assert User.objects.filter(name="Lene Lund").count() == 1


def test_an_existing_account_is_linked_by_email_once(client, oidc_idp, world, groups):
    oidc_idp.set_accounts(
        {
            "a1b2-lene": {
                **LENE,
                "email": "LENE@example.dk",
                "groups": ["indsats-ledere-mariehoenen"],
            }
        }
    )
    log_in(client, oidc_idp, "a1b2-lene")
    assert client.session[SESSION_KEY] == str(world.leader.pk)
    assert world.leader.identities.get().subject == "a1b2-lene"
    # Another subject with the same address does not take the account over.
    client.logout()
    oidc_idp.set_accounts(
        {"eve": {**LENE, "email": "lene@example.dk", "groups": ["indsats-ledere-mariehoenen"]}}
    )
    response, _ = log_in(client, oidc_idp, "eve")
    refused_with(client, response, "tilhører et andet log-ind")


def test_an_unknown_group_gives_no_session(client, oidc_idp, world, groups):
    oidc_idp.set_accounts({"a1b2-lene": {**LENE, "groups": ["ukendt-gruppe"]}})
    response, _ = log_in(client, oidc_idp, "a1b2-lene")
    refused_with(client, response, "giver ikke adgang til dette system")
    assert not User.objects.filter(email="lene.sso@kommune.dk").exists()


def test_a_missing_claim_gives_no_session(client, oidc_idp, world, groups, settings):
    oidc_idp.set_accounts({"a1b2-lene": {**LENE, "email": "", "groups": ["indsats-forvaltning"]}})
    response, _ = log_in(client, oidc_idp, "a1b2-lene")
    refused_with(client, response, "sendte ikke din e-mailadresse")
    settings.OIDC_SUBJECT_CLAIM = "employee_id"
    oidc_idp.set_accounts({"a1b2-lene": {**LENE, "groups": ["indsats-forvaltning"]}})
    response, _ = log_in(client, oidc_idp, "a1b2-lene")
    refused_with(client, response, "sendte ikke din brugeridentifikation")


def test_a_replayed_callback_gives_no_session(client, oidc_idp, world, groups):
    oidc_idp.set_accounts({"a1b2-lene": {**LENE, "groups": ["indsats-forvaltning"]}})
    _response, callback = log_in(client, oidc_idp, "a1b2-lene")
    client.logout()
    response = client.get(callback)
    refused_with(client, response, "Start forfra")


def test_the_provider_saying_no_gives_no_session(client, db, oidc_idp):
    location = start(client)
    state = location.split("state=")[1].split("&")[0]
    response = client.get(f"/oidc/callback/?error=access_denied&state={state}")
    refused_with(client, response, "loggede dig ikke ind (access_denied)")


def test_redirects_after_login_stay_on_this_site(client, oidc_idp, world, groups):
    oidc_idp.set_accounts({"a1b2-lene": {**LENE, "groups": ["indsats-forvaltning"]}})
    for evil in ("https://evil.example/", "//evil.example/x", "http:/\\evil.example"):
        client.logout()
        response, _ = log_in(client, oidc_idp, "a1b2-lene", next_url=evil)
        assert response["Location"] == "/", evil


def test_a_provider_that_does_not_answer_gives_a_message_within_seconds(
    client, oidc_idp, world, groups, settings, black_hole
):
    oidc_idp.set_accounts({"a1b2-lene": {**LENE, "groups": ["indsats-forvaltning"]}})
    location = start(client)
    callback = Browser(oidc_idp).sign_in(location, "a1b2-lene")
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{black_hole}/token"
    began = time.monotonic()
    response = client.get(callback)
    assert time.monotonic() - began < 3.5
    refused_with(client, response, "kunne ikke nås lige nu")


def test_discovery_that_does_not_answer_gives_a_message(client, db, settings, black_hole):
    settings.OIDC_RP_CLIENT_ID = "indsats"
    settings.OIDC_DISCOVERY_URL = f"{black_hole}/.well-known/openid-configuration"
    began = time.monotonic()
    response = client.get("/oidc/log-ind/")
    assert time.monotonic() - began < 3.5
    refused_with(client, response, "kunne ikke nås lige nu")


def _expire_refresh(client) -> None:
    session = SessionStore(session_key=client.cookies["sessionid"].value)
    session["oidc_id_token_expiration"] = 0
    session.save()


def test_a_leaver_is_logged_out_when_the_session_is_refreshed(client, oidc_idp, world, groups):
    oidc_idp.set_accounts({"a1b2-lene": {**LENE, "groups": ["indsats-ledere-mariehoenen"]}})
    browser = Browser(oidc_idp)
    callback = browser.sign_in(start(client), "a1b2-lene")
    client.get(callback)
    user = User.objects.get(email="lene.sso@kommune.dk")
    assert client.get("/").status_code == 200
    # Still in the group: the refresh asks the provider without a prompt and lets her stay.
    _expire_refresh(client)
    response = client.get("/anmodninger/")
    assert response.status_code == 302 and "prompt=none" in response["Location"]
    response = client.get(browser.sign_in(response["Location"], login=None))
    assert response["Location"] == "/anmodninger/"
    assert client.get("/anmodninger/").status_code == 200
    # She leaves: the next refresh logs her out and deactivates her (through user_deactivate).
    oidc_idp.set_accounts({"a1b2-lene": {**LENE, "groups": []}})
    _expire_refresh(client)
    response = client.get("/")
    response = client.get(browser.sign_in(response["Location"], login=None))
    refused_with(client, response, "giver ikke adgang til dette system")
    user.refresh_from_db()
    assert not user.is_active
    assert user.history.first().history_change_reason.startswith("Ikke længere i en gruppe")
    assert client.get("/").status_code == 302


def test_password_sessions_are_not_refreshed(client, oidc_idp, world):
    client.force_login(world.leader, backend="django.contrib.auth.backends.ModelBackend")
    session = client.session
    session["oidc_id_token_expiration"] = 0
    session.save()
    assert client.get("/").status_code == 200


def test_a_superuser_is_never_deactivated_by_the_provider(client, oidc_idp, world, groups):
    admin = factories.UserFactory(email="it@kommune.dk", role=Role.ADMINISTRATION)
    admin.is_superuser = True
    admin.save()
    ExternalIdentity.objects.create(user=admin, provider="oidc", subject="it")
    oidc_idp.set_accounts({"it": {"sub": "it", "email": "it@kommune.dk", "groups": []}})
    response, _ = log_in(client, oidc_idp, "it")
    refused_with(client, response, "giver ikke adgang")
    admin.refresh_from_db()
    assert admin.is_active


def test_a_provider_that_stops_answering_costs_the_refresh_one_timeout_not_every_page(
    client, oidc_idp, world, groups, settings, black_hole
):
    """Logged in through the provider; then it hangs (its discovery document no longer cached)
    and her session is due a refresh. The first page waits OIDC_TIMEOUT for it and goes on; the
    failure is remembered, so the following pages, hers and anyone's, do not ask it again."""
    oidc_idp.set_accounts({"a1b2-lene": {**LENE, "groups": ["indsats-ledere-mariehoenen"]}})
    client.get(Browser(oidc_idp).sign_in(start(client), "a1b2-lene"))
    assert client.get("/").status_code == 200
    settings.OIDC_DISCOVERY_URL = f"{black_hole}/.well-known/openid-configuration"
    settings.OIDC_TIMEOUT = 1
    _expire_refresh(client)
    began = time.monotonic()
    assert client.get("/").status_code == 200  # the session goes on as it is
    assert 0.9 < time.monotonic() - began < 2.5
    for _ in range(3):
        began = time.monotonic()
        assert client.get("/anmodninger/").status_code == 200
        elapsed = time.monotonic() - began
        assert elapsed < 0.5, f"a page took {elapsed:.2f} s while the provider hangs"
    # A minute on, the provider is asked again (and, still hanging, remembered again).
    cache.delete(f"oidc-discovery-failed:{settings.OIDC_DISCOVERY_URL}")
    began = time.monotonic()
    assert client.get("/").status_code == 200
    assert time.monotonic() - began > 0.9


def test_a_session_not_due_a_refresh_never_waits_for_the_provider(
    client, oidc_idp, world, groups, settings, black_hole
):
    oidc_idp.set_accounts({"a1b2-lene": {**LENE, "groups": ["indsats-ledere-mariehoenen"]}})
    client.get(Browser(oidc_idp).sign_in(start(client), "a1b2-lene"))
    settings.OIDC_DISCOVERY_URL = f"{black_hole}/.well-known/openid-configuration"
    settings.OIDC_TIMEOUT = 1
    began = time.monotonic()
    assert client.get("/").status_code == 200
    assert time.monotonic() - began < 0.5


def test_logging_out_ends_the_session_at_the_provider_too(client, oidc_idp, world, groups):
    """QA (go-live): logging out ended only this site's session. On an institution's shared
    computer the next person who chose "Log ind med kommunens login" was let in at once as the
    one before, since the provider still knew them."""
    oidc_idp.set_accounts({"a1b2-lene": {**LENE, "groups": ["indsats-ledere-mariehoenen"]}})
    browser = Browser(oidc_idp)
    client.get(browser.sign_in(start(client), "a1b2-lene"))
    assert SESSION_KEY in client.session
    # Without logging out, the provider lets the same browser in again without asking.
    assert browser.sign_in(start(client), None).startswith("http://testserver/oidc/callback/")

    response = client.post("/konto/log-ud/")
    assert SESSION_KEY not in client.session
    assert response.status_code == 302
    assert response["Location"].startswith(f"{oidc_idp.issuer}/session/end?")
    assert "id_token_hint=" in response["Location"]
    back = browser.sign_out(response["Location"])
    assert back == "http://testserver/konto/log-ind/"
    # The next person at this computer is asked to log in.
    with pytest.raises(AssertionError, match="asked for a login"):
        browser.sign_in(start(client), None)


def test_a_password_session_logs_out_here_only(client, oidc_idp, world):
    client.force_login(world.leader)
    response = client.post("/konto/log-ud/")
    assert response.status_code == 302 and response["Location"] == "/konto/log-ind/"
    assert SESSION_KEY not in client.session


def test_logout_at_the_provider_can_be_switched_off(client, oidc_idp, world, groups, settings):
    settings.OIDC_LOGOUT_AT_PROVIDER = False
    oidc_idp.set_accounts({"a1b2-lene": {**LENE, "groups": ["indsats-ledere-mariehoenen"]}})
    log_in(client, oidc_idp, "a1b2-lene")
    response = client.post("/konto/log-ud/")
    assert response["Location"] == "/konto/log-ind/"
    assert SESSION_KEY not in client.session


def test_after_a_refusal_the_provider_asks_for_a_login_again(client, oidc_idp, world, groups):
    """QA (go-live): a person the provider knows but this system refuses (no mapped group) kept
    their session at the provider, so the next person at a shared computer who chose "Log ind
    med kommunens login" was sent back as them and refused again, with no way to log in."""
    oidc_idp.set_accounts(
        {
            "eve": {**LENE, "email": "eve@kommune.dk", "groups": ["ukendt-gruppe"]},
            "a1b2-lene": {**LENE, "groups": ["indsats-ledere-mariehoenen"]},
        }
    )
    browser = Browser(oidc_idp)
    response = client.get(browser.sign_in(start(client), "eve"))
    refused_with(client, response, "giver ikke adgang til dette system")
    authorize = start(client)
    assert "prompt=login" in authorize
    with pytest.raises(AssertionError, match="asked for a login"):
        browser.sign_in(authorize, None)
    # Until someone logs in.
    client.get(browser.sign_in(start(client), "a1b2-lene"))
    assert client.session[SESSION_KEY] == str(User.objects.get(email=LENE["email"]).pk)
    assert "prompt=login" not in start(client)


def test_a_refusal_says_whom_the_provider_logged_in(client, oidc_idp, world, groups):
    """At a shared computer the provider may still know the previous person: the refusal names
    whom it sent (name and e-mail address, escaped), so she sees it was not her."""
    oidc_idp.set_accounts(
        {"eve": {"email": "eve@kommune.dk", "name": "Eve <b>Holm</b>", "groups": ["ukendt"]}}
    )
    response, _ = log_in(client, oidc_idp, "eve")
    refused_with(client, response, "giver ikke adgang til dette system")
    page = client.get("/konto/log-ind/").content.decode()
    # The message is shown once; the second page has it no more.
    assert "eve@kommune.dk" not in page
    response, _ = log_in(client, oidc_idp, "eve")
    page = client.get(response["Location"]).content.decode()
    assert "Eve &lt;b&gt;Holm&lt;/b&gt;, eve@kommune.dk" in page
    assert "<b>Holm</b>" not in page


def test_a_refusal_never_shows_a_national_identity_number(
    client, oidc_idp, world, groups, settings
):
    """A name claim mapped to the wrong attribute (a CPR number, an employee number that may be
    one) is left out; the e-mail address is still named."""
    settings.OIDC_NAME_CLAIM = "employee_id"
    oidc_idp.set_accounts(
        {"eve": {"email": "eve@kommune.dk", "employee_id": "010190-1234", "groups": ["ukendt"]}}
    )
    response, _ = log_in(client, oidc_idp, "eve")
    page = client.get(response["Location"]).content.decode()
    assert "eve@kommune.dk" in page and "010190" not in page
    settings.SSO_CREATE_USERS = False
    oidc_idp.set_accounts(
        {"eve": {"email": "", "employee_id": "1234567890", "groups": ["indsats-forvaltning"]}}
    )
    response, _ = log_in(client, oidc_idp, "eve")
    page = client.get(response["Location"]).content.decode()
    assert "1234567890" not in page and "123456" not in page
