"""Passwords only where needed: switched off for everyone but the break-glass accounts, and
the administration's password logins need a TOTP code (django-otp), set up at the first."""

import time

import pytest
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import PASSWORD


def log_in(client, email, password=PASSWORD, next_url="/"):
    return client.post(
        f"/konto/log-ind/?next={next_url}",
        {"username": email, "password": password, "next": next_url},
    )


def test_passwords_off_refuses_all_but_break_glass(client, world, settings):
    settings.LOCAL_PASSWORDS = False
    settings.BREAK_GLASS_ACCOUNTS = ["frida@example.dk"]
    response = log_in(client, world.leader.email)
    assert "Adgangskoder er slået fra her" in response.content.decode()
    assert SESSION_KEY not in client.session
    response = log_in(client, "FRIDA@example.dk")
    assert response.status_code == 302 and client.session[SESSION_KEY] == str(
        world.administrator.pk
    )


@pytest.fixture
def eager_celery():
    """The reset e-mail goes through the outbox; its send task runs at once here."""
    from config.celery import app

    before = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = before


def test_passwords_off_sends_no_reset_link(
    client, world, settings, eager_celery, django_capture_on_commit_callbacks
):
    settings.LOCAL_PASSWORDS = False
    settings.BREAK_GLASS_ACCOUNTS = ["frida@example.dk"]
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/konto/adgangskode/nulstil/", {"email": world.leader.email})
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/konto/adgangskode/nulstil/", {"email": world.administrator.email})
    assert len(mail.outbox) == 1


def test_the_login_page_with_passwords_off(client, db, settings):
    settings.LOCAL_PASSWORDS = False
    settings.OIDC_RP_CLIENT_ID = "indsats"
    page = client.get("/konto/log-ind/").content.decode()
    assert "Log ind med kommunens login" in page
    assert "Nødadgang (administrator)" in page and "Glemt din adgangskode?" not in page
    settings.OIDC_RP_CLIENT_ID = ""
    page = client.get("/konto/log-ind/").content.decode()
    assert "Nødadgang" not in page and 'name="password"' in page


@pytest.fixture
def totp_on(settings):
    settings.ADMINISTRATION_TOTP = True


def _code(device) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_the_administration_sets_up_totp_at_the_first_login(client, world, totp_on):
    response = log_in(client, world.administrator.email, next_url="/visitation/")
    assert response["Location"] == "/visitation/"
    response = client.get("/visitation/")
    assert response.status_code == 302 and response["Location"].startswith("/konto/totp/")
    assert client.get("/admin/").status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Scan koden med appen" in page and "data:image/svg+xml" in page
    device = TOTPDevice.objects.get(user=world.administrator, confirmed=False)
    response = client.post(response["Location"], {"token": "000000"})
    assert "Koden er ikke korrekt" in response.content.decode()
    response = client.post(response.request["PATH_INFO"], {"token": _code(device)})
    assert "Vent et øjeblik" in response.content.decode()  # django-otp's growing wait
    time.sleep(1.1)
    response = client.post("/konto/totp/?next=/visitation/", {"token": _code(device)})
    assert response["Location"] == "/visitation/"
    assert client.get("/visitation/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed


def test_a_set_up_device_asks_only_for_the_code(client, world, totp_on):
    device = TOTPDevice.objects.create(user=world.administrator, name="app", confirmed=True)
    log_in(client, world.administrator.email)
    page = client.get("/konto/totp/").content.decode()
    assert "Scan koden" not in page and "Indtast koden" in page
    # Between the password and the code the page offers no menu, only the way out.
    assert 'id="hovedmenu"' not in page and "/visitation/" not in page
    assert 'action="/konto/log-ud/"' in page and "Log ud" in page
    assert client.post("/konto/totp/", {"token": _code(device)})["Location"] == "/"
    assert client.get("/").status_code == 200
    # A used code does not work twice (django-otp remembers the last time step).
    client.logout()
    log_in(client, world.administrator.email)
    assert (
        "Koden er ikke korrekt"
        in client.post("/konto/totp/", {"token": _code(device)}).content.decode()
    )


def test_others_and_identity_provider_sessions_need_no_totp(client, world, totp_on, settings):
    log_in(client, world.leader.email)
    assert client.get("/").status_code == 200
    settings.OIDC_RP_CLIENT_ID = "indsats"
    client.force_login(world.administrator, backend="institutioner.sso.oidc.Backend")
    session = client.session
    session["oidc_id_token_expiration"] = 2**40
    session.save()
    assert client.get("/").status_code == 200


def test_the_password_cannot_be_changed_before_the_code(client, world, totp_on):
    """QA (go-live): the password page was open between the password and the code, so a stolen
    password alone could change the administrator's password (and shut the owner out)."""
    TOTPDevice.objects.create(user=world.administrator, name="app", confirmed=True)
    log_in(client, world.administrator.email)
    response = client.get("/konto/adgangskode/skift/")
    assert response.status_code == 302 and response["Location"].startswith("/konto/totp/")
    response = client.post(
        "/konto/adgangskode/skift/",
        {
            "old_password": PASSWORD,
            "new_password1": "en-helt-ny-kode-2026",
            "new_password2": "en-helt-ny-kode-2026",
        },
    )
    assert response.status_code == 302 and response["Location"].startswith("/konto/totp/")
    world.administrator.refresh_from_db()
    assert world.administrator.check_password(PASSWORD)


def _reset_url():
    from django.urls import reverse

    return reverse("password_reset")


def test_the_lockout_page_offers_a_new_password_only_with_passwords_on(client, world, settings):
    """With LOCAL_PASSWORDS=false only the break-glass accounts get the reset e-mail: the
    lockout page sends everyone to the municipality's login (or the administration)."""
    from django.urls import reverse

    settings.OIDC_RP_CLIENT_ID = "indsats"
    for _ in range(settings.AXES_FAILURE_LIMIT):
        locked = log_in(client, world.leader.email, "forkert")
    assert locked.status_code == 429
    assert f'href="{_reset_url()}"' in locked.content.decode()

    settings.LOCAL_PASSWORDS = False
    page = log_in(client, world.leader.email, "forkert").content.decode()
    assert "For mange forsøg" in page
    assert f'href="{_reset_url()}"' not in page
    assert f'href="{reverse("oidc_authentication_init")}"' in page

    settings.OIDC_RP_CLIENT_ID = ""
    page = log_in(client, world.leader.email, "forkert").content.decode()
    assert f'href="{_reset_url()}"' not in page
    assert reverse("oidc_authentication_init") not in page


def test_the_reset_pages_with_passwords_off_point_to_the_municipalitys_login(
    client, world, settings, eager_celery, django_capture_on_commit_callbacks
):
    """The reset form stays for the break-glass accounts, but says who gets a link and where
    everyone else logs in; so does the page after it."""
    from django.urls import reverse

    settings.OIDC_RP_CLIENT_ID = "indsats"
    login = f'href="{reverse("oidc_authentication_init")}"'
    assert login not in client.get(_reset_url()).content.decode()
    settings.LOCAL_PASSWORDS = False
    page = client.get(_reset_url()).content.decode()
    assert login in page and 'name="email"' in page
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(_reset_url(), {"email": world.leader.email}, follow=True)
    assert login in done.content.decode()


def test_a_slowed_login_with_passwords_off_does_not_offer_forgot_password(client, db, settings):
    settings.LOCAL_PASSWORDS = False
    settings.LOGIN_FAILURES_PER_ADDRESS = 2
    for number in range(2):
        log_in(client, f"konto{number}@example.dk", "forkert")
    slowed = log_in(client, "konto9@example.dk", "forkert")
    assert slowed.status_code == 429
    page = slowed.content.decode()
    assert "Glemt din adgangskode" not in page and "“Forgot your password?”" not in page
