"""Logging in with e-mail, lockout, session lifetime, and the headers every response carries."""

import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.urls import reverse

from config.celery import app
from institutioner.middleware import SESSION_STARTED_KEY
from institutioner.models import Notification, NotificationStatus
from tests.factories import PASSWORD


@pytest.fixture(autouse=True)
def eager_celery():
    # The password-reset e-mail goes through the outbox: its task runs in the test's thread.
    before = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = before


def _login(client, email, password):
    return client.post(reverse("login"), {"username": email, "password": password})


def test_login_with_email_in_any_case_and_a_new_session(client, world):
    client.get(reverse("login"))
    client.session["before"] = True
    before = client.cookies.get(settings.SESSION_COOKIE_NAME)
    response = _login(client, "LENE@example.dk", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("start")
    after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert before is None or before.value != after
    assert client.get(reverse("start")).status_code == 200


def test_wrong_password_gets_a_danish_message_that_does_not_say_which_part(client, world):
    response = _login(client, "lene@example.dk", "forkert")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Vi kunne ikke logge dig ind med den e-mail og adgangskode" in body
    # The e-mail stays in the form; the password does not.
    assert 'value="lene@example.dk"' in body
    unknown = _login(client, "findes.ikke@example.dk", "forkert").content.decode()
    assert "Vi kunne ikke logge dig ind med den e-mail og adgangskode" in unknown


def test_lockout_after_the_configured_number_of_failures(client, world):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _login(client, "lene@example.dk", "forkert").status_code == 200
    locked = _login(client, "lene@example.dk", "forkert")
    assert locked.status_code == 429
    assert "For mange forsøg" in locked.content.decode()
    assert "spærret i 30 minutter" in locked.content.decode()
    # Even the right password is refused while locked out.
    again = _login(client, "lene@example.dk", PASSWORD)
    assert again.status_code == 429
    assert client.get(reverse("start")).status_code == 302


def test_other_accounts_are_not_locked_by_someone_elses_failures(client, world):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "lene@example.dk", "forkert")
    assert _login(client, "paula@example.dk", PASSWORD).status_code == 302


def test_inactive_user_cannot_log_in(client, world):
    world.leader.is_active = False
    world.leader.save(update_fields=["is_active"])
    assert _login(client, "lene@example.dk", PASSWORD).status_code == 200
    assert client.get(reverse("start")).status_code == 302


def test_session_cookie_is_an_idle_timeout(client, world):
    client.force_login(world.leader)
    response = client.get(reverse("start"))
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["max-age"] == settings.SESSION_IDLE_MINUTES * 60 == 30 * 60
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"


def test_a_session_in_use_is_written_at_most_once_a_minute(client, world, settings):
    """#21: the session was written (BEGIN, UPDATE, COMMIT) on every page view; now it is
    renewed, row and cookie, when it was last renewed a minute ago or more."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from institutioner.middleware import SESSION_RENEWED_KEY

    settings.SESSION_RENEW_SECONDS = 60
    client.force_login(world.leader)

    def visit():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("start"))
        assert response.status_code == 200
        writes = [q for q in queries.captured_queries if 'UPDATE "django_session"' in q["sql"]]
        return response, len(writes)

    # The first page after the login renews it: a fresh expiry and cookie.
    response, writes = visit()
    assert writes == 1
    assert response.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == 30 * 60
    key = client.session.session_key
    # Within the minute: nothing written, no new cookie.
    response, writes = visit()
    assert writes == 0 and settings.SESSION_COOKIE_NAME not in response.cookies
    # A minute later: renewed again, so the idle limit runs from this request.
    session = client.session
    session[SESSION_RENEWED_KEY] = int(time.time()) - 61
    session.save()
    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() + timedelta(minutes=5)
    )
    response, writes = visit()
    assert writes == 1
    assert response.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == 30 * 60
    expires = Session.objects.get(session_key=key).expire_date
    assert expires > timezone.now() + timedelta(minutes=29)


def test_session_ends_after_the_absolute_limit(client, world):
    client.force_login(world.leader)
    session = client.session
    session[SESSION_STARTED_KEY] = int(time.time()) - settings.SESSION_MAX_HOURS * 3600 - 1
    session.save()
    response = client.get(reverse("start"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert "_auth_user_id" not in client.session
    assert "logget ud af sikkerhedshensyn" in client.get(reverse("login")).content.decode()


def test_session_within_the_limit_continues(client, world):
    client.force_login(world.leader)
    session = client.session
    session[SESSION_STARTED_KEY] = int(time.time()) - settings.SESSION_MAX_HOURS * 3600 + 60
    session.save()
    assert client.get(reverse("start")).status_code == 200


def test_logout_is_a_post_and_ends_the_session(client, world):
    client.force_login(world.leader)
    key = client.session.session_key
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert not Session.objects.filter(session_key=key).exists()


def test_security_headers_on_every_response(client, world):
    for response in (client.get(reverse("login")), client.get(reverse("healthz"))):
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"
        assert "camera=()" in response["Permissions-Policy"]
        assert "geolocation=()" in response["Permissions-Policy"]
        csp = response["Content-Security-Policy"]
        assert "default-src 'self'" in csp
        assert "frame-ancestors 'none'" in csp
        assert "unsafe-inline" not in csp


def test_only_the_admin_allows_inline_styles_and_never_inline_scripts(client, world):
    client.force_login(world.administrator)
    admin_csp = client.get(reverse("admin:index"))["Content-Security-Policy"]
    assert "style-src 'self' 'unsafe-inline'" in admin_csp
    assert "script-src 'self';" in admin_csp + ";"
    assert "unsafe-inline" not in client.get(reverse("start"))["Content-Security-Policy"]


def test_pages_with_personal_data_are_not_stored(client, world):
    client.force_login(world.leader)
    for url in (reverse("start"), reverse("institution_detail", args=[world.institution.pk])):
        assert "no-store" in client.get(url)["Cache-Control"]


def test_password_reset_sends_a_danish_mail_with_a_working_link(
    client, world, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("password_reset"), {"email": "Lene@Example.dk"})
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["lene@example.dk"]
    assert "Vælg en ny adgangskode" in mail.subject
    assert "Kære Lene Leder" in mail.body
    link = next(line for line in mail.body.splitlines() if "/adgangskode/nulstil/" in line)
    path = link.split("testserver", 1)[1]
    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200
    new_password = "en-helt-ny-adgangskode-2026"
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": new_password, "new_password2": new_password},
    )
    assert done.status_code == 302
    world.leader.refresh_from_db()
    assert world.leader.check_password(new_password)
    # It went through the outbox, like every e-mail.
    row = Notification.objects.get(template="password_reset")
    assert (row.recipient, row.status) == (world.leader, NotificationStatus.SENT)
    assert row.subject == mail.subject


def test_password_reset_for_unknown_address_sends_nothing_and_says_the_same(client, db, mailoutbox):
    response = client.post(reverse("password_reset"), {"email": "ukendt@example.dk"}, follow=True)
    assert "Tjek din e-mail" in response.content.decode()
    assert mailoutbox == []


def test_password_change_refuses_a_weak_password_in_danish(client, world):
    client.force_login(world.leader)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "1234", "new_password2": "1234"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "for kort" in body  # Django's own Danish validator message


def test_password_reset_lifts_a_lockout(
    client, world, mailoutbox, django_capture_on_commit_callbacks
):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "lene@example.dk", "forkert")
    assert _login(client, "lene@example.dk", PASSWORD).status_code == 429
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("password_reset"), {"email": "lene@example.dk"})
    link = next(line for line in mailoutbox[0].body.splitlines() if "/adgangskode/nulstil/" in line)
    form_page = client.get(link.split("testserver", 1)[1], follow=True)
    new_password = "helt-ny-og-lang-kode-77"
    client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": new_password, "new_password2": new_password},
    )
    assert _login(client, "lene@example.dk", new_password).status_code == 302


def test_logout_address_opened_directly_asks_to_confirm(client, world):
    client.force_login(world.leader)
    response = client.get(reverse("logout"))
    assert response.status_code == 200
    assert "Vil du logge ud?" in response.content.decode()
    assert client.get(reverse("start")).status_code == 200  # still signed in


def test_login_does_not_add_an_empty_history_row(client, world):
    before = world.leader.history.count()
    assert _login(client, "lene@example.dk", PASSWORD).status_code == 302
    world.leader.refresh_from_db()
    assert world.leader.last_login is not None
    assert world.leader.history.count() == before


def test_password_may_not_resemble_the_name(client, world):
    client.force_login(world.leader)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "leneleder1", "new_password2": "leneleder1"},
    )
    assert response.status_code == 200
    assert "minder for meget om" in response.content.decode()


def test_lockout_counts_an_address_whatever_its_capitals(client, world):
    for variant in [
        "lene@example.dk",
        "LENE@example.dk",
        "Lene@Example.dk",
        "lEnE@example.dk",
        "LENE@EXAMPLE.DK",
    ]:
        _login(client, variant, "forkert")
    assert _login(client, "LENE@example.dk", PASSWORD).status_code == 429


def test_many_accounts_from_one_address_are_slowed(client, world, settings):
    """#15: one wrong password each for many accounts was never slowed (axes counts e-mail and
    address together)."""
    settings.LOGIN_FAILURES_PER_ADDRESS = 3
    for number in range(3):
        assert _login(client, f"konto{number}@example.dk", "forkert").status_code == 200
    slowed = _login(client, "lene@example.dk", PASSWORD)
    assert slowed.status_code == 429
    assert "For mange mislykkede login" in slowed.content.decode()
    # Another address is not slowed.
    other = client.post(
        reverse("login"),
        {"username": "lene@example.dk", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.9",
    )
    assert other.status_code == 302


def test_failed_logins_from_everywhere_are_slowed_too(client, world, settings):
    settings.LOGIN_FAILURES_EVERYWHERE = 4
    for number in range(4):
        client.post(
            reverse("login"),
            {"username": f"konto{number}@example.dk", "password": "forkert"},
            REMOTE_ADDR=f"10.0.1.{number}",
        )
    assert _login(client, "lene@example.dk", PASSWORD).status_code == 429


def test_password_reset_emails_are_limited(client, world, settings):
    settings.PASSWORD_RESETS_PER_EMAIL = 2
    settings.PASSWORD_RESETS_PER_ADDRESS = 3
    url = reverse("password_reset")
    for _ in range(2):
        assert client.post(url, {"email": "lene@example.dk"}).status_code == 302
    refused = client.post(url, {"email": "LENE@example.dk"})
    assert refused.status_code == 429
    assert "For mange anmodninger om ny adgangskode" in refused.content.decode()
    assert client.post(url, {"email": "paula@example.dk"}).status_code == 302
    # The address has now asked three times: a fourth e-mail, even to someone new, waits.
    assert client.post(url, {"email": "frida@example.dk"}).status_code == 429
    assert Notification.objects.filter(template="password_reset").count() == 3


def test_password_resets_from_everywhere_are_limited(client, world, settings):
    settings.PASSWORD_RESETS_EVERYWHERE = 2
    url = reverse("password_reset")
    for number, email in enumerate(["lene@example.dk", "paula@example.dk", "frida@example.dk"]):
        response = client.post(url, {"email": email}, REMOTE_ADDR=f"10.0.2.{number}")
    assert response.status_code == 429
    assert Notification.objects.filter(template="password_reset").count() == 2


def test_behind_the_proxy_each_client_is_counted_under_its_own_address(client, world, settings):
    """QA: behind the reverse proxy (AXES_PROXY_COUNT=1) every client came from the proxy's one
    address, so a few failed logins anywhere locked out everyone, and anyone could lock an
    account. The lockout and the limits read the address the proxy saw, as the log does."""
    settings.AXES_IPWARE_PROXY_COUNT = 1
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
    settings.LOGIN_FAILURES_PER_ADDRESS = 6
    proxy = {"REMOTE_ADDR": "10.0.0.2"}

    def login(email, password, address):
        return client.post(
            reverse("login"),
            {"username": email, "password": password},
            HTTP_X_FORWARDED_FOR=address,
            **proxy,
        )

    # Wrong passwords for lene from one client lock lene at that client only.
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert login("lene@example.dk", "forkert", "203.0.113.7").status_code == 200
    assert login("lene@example.dk", "forkert", "203.0.113.7").status_code == 429
    assert login("lene@example.dk", PASSWORD, "203.0.113.7").status_code == 429
    # Many clients, one failure each: none of them is slowed, and lene logs in from her own.
    for number in range(4):
        assert (
            login(f"konto{number}@example.dk", "forkert", f"198.51.100.{number}").status_code == 200
        )
    assert login("lene@example.dk", PASSWORD, "192.0.2.44").status_code == 302
    from axes.models import AccessAttempt

    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {
        "203.0.113.7",
        "198.51.100.0",
        "198.51.100.1",
        "198.51.100.2",
        "198.51.100.3",
    }


def test_a_form_sent_after_the_session_ended_returns_to_its_page_with_a_message(client, world):
    """The agreement's sign button pressed after the session ended: the login then returns to
    the agreement's page, not to the button's address (POST only), and says nothing was saved."""
    page = "/aftaler/7/?fane=1"
    response = client.post(
        "/aftaler/versioner/7/underskriv/",
        {"password": PASSWORD},
        HTTP_REFERER=f"http://testserver{page}",
    )
    assert response.status_code == 302
    assert response["Location"] == "/konto/log-ind/?next=%2Faftaler%2F7%2F%3Ffane%3D1"
    login = client.get(response["Location"]).content.decode()
    assert "du var logget ud, så det, du sendte, blev ikke gemt" in login.lower()
    # Logged in, the person lands on the page the form was on.
    response = client.post(
        response["Location"], {"username": world.leader.email, "password": PASSWORD}
    )
    assert response["Location"] == page
    # Another site's address is not followed; a form sent while signed in is not touched.
    client.logout()
    response = client.post(
        "/aftaler/versioner/7/underskriv/", HTTP_REFERER="https://ond.example/aftaler/7/"
    )
    assert response["Location"] == "/konto/log-ind/?next=/aftaler/versioner/7/underskriv/"
    assert "logget ud, så" in client.get(response["Location"]).content.decode()
    client.force_login(world.leader)
    assert client.post(reverse("logout"))["Location"] == "/konto/log-ind/"
    assert "logget ud, så" not in client.get("/konto/log-ind/").content.decode()
