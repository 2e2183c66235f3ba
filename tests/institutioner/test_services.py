"""A person leaving the municipality: deactivation ends their access at once, keeps their
history, and is the administration's to do (Stamdata); reactivation lets them back in."""

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from institutioner import services
from institutioner.models import Notification, NotificationStatus, User
from tests.factories import PASSWORD


def _signed_in(email: str) -> Client:
    """A client with a real session, made by the login form (not force_login)."""
    client = Client()
    response = client.post(reverse("login"), {"username": email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("start")).status_code == 200
    return client


def _is_login_page(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(reverse("login"))


def _sessions_of(user: User) -> list[Session]:
    return [
        s for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") == str(user.pk)
    ]


def test_deactivation_ends_open_sessions_at_once_and_no_one_elses(world):
    paula = _signed_in("paula@example.dk")
    also_paula = _signed_in("paula@example.dk")
    lene = _signed_in("lene@example.dk")
    assert len(_sessions_of(world.pedagogist.user)) == 2

    services.user_deactivate(
        actor=world.administrator, user_id=world.pedagogist.user.pk, reason="Fratrådt 31. marts"
    )

    assert _sessions_of(world.pedagogist.user) == []
    assert _is_login_page(paula.get(reverse("start")))
    assert _is_login_page(also_paula.get(reverse("start")))
    assert lene.get(reverse("start")).status_code == 200
    # And a new login is refused.
    response = Client().post(
        reverse("login"), {"username": "paula@example.dk", "password": PASSWORD}
    )
    assert response.status_code == 200


def test_a_session_that_survived_is_refused_at_the_next_request(world):
    # As if a session had been restored from a cache or a backup after the deactivation:
    # Django's auth middleware asks the backend, which refuses an inactive person.
    assert "axes.backends.AxesStandaloneBackend" in settings.AUTHENTICATION_BACKENDS
    lene = _signed_in("lene@example.dk")
    User.objects.filter(pk=world.leader.pk).update(is_active=False)
    assert len(_sessions_of(world.leader)) == 1
    assert _is_login_page(lene.get(reverse("start")))


def test_deactivation_is_in_the_history_with_who_and_why(world):
    services.user_deactivate(
        actor=world.administrator, user_id=world.leader.pk, reason="  Fratrådt   31. marts "
    )
    world.leader.refresh_from_db()
    assert not world.leader.is_active
    record = world.leader.history.latest()
    assert record.history_user == world.administrator
    assert record.history_change_reason == "Fratrådt 31. marts"
    assert record.is_active is False
    assert record.diff_against(record.prev_record).changed_fields == ["is_active"]


def test_pending_emails_to_the_person_who_left_are_kept_in_the_app_only(world):
    def mail(user, status):
        return Notification.objects.create(
            recipient=user,
            email=user.email,
            template="t",
            subject="s",
            body_text="b",
            status=status,
        )

    pending = mail(world.leader, NotificationStatus.PENDING)
    failed = mail(world.leader, NotificationStatus.FAILED)
    someone_else = mail(world.staff, NotificationStatus.PENDING)
    services.user_deactivate(actor=world.administrator, user_id=world.leader.pk, reason="Fratrådt")
    for row in (pending, failed, someone_else):
        row.refresh_from_db()
    assert pending.status == NotificationStatus.IN_APP
    assert failed.status == NotificationStatus.FAILED
    assert someone_else.status == NotificationStatus.PENDING


def test_reactivation_lets_the_person_in_again(world):
    services.user_deactivate(actor=world.administrator, user_id=world.leader.pk, reason="Orlov")
    services.user_reactivate(actor=world.administrator, user_id=world.leader.pk, reason="Tilbage")
    world.leader.refresh_from_db()
    assert world.leader.is_active
    record = world.leader.history.latest()
    assert (record.history_user, record.history_change_reason) == (world.administrator, "Tilbage")
    assert _signed_in("lene@example.dk")


@pytest.mark.parametrize("role", ["leader", "staff", "pedagogist", "outsider"])
def test_only_the_administration_may_deactivate(world, role):
    actor = world.user_for(role)
    with pytest.raises(PermissionDenied):
        services.user_deactivate(actor=actor, user_id=world.staff.pk, reason="Fratrådt")
    with pytest.raises(PermissionDenied):
        services.user_reactivate(actor=actor, user_id=world.staff.pk, reason="Tilbage")
    world.staff.refresh_from_db()
    assert world.staff.is_active


def test_deactivation_says_what_is_wrong(world):
    with pytest.raises(ValidationError, match="Skriv hvorfor"):
        services.user_deactivate(actor=world.administrator, user_id=world.leader.pk, reason=" ")
    with pytest.raises(ValidationError, match="Skriv højst 100 tegn"):
        services.user_deactivate(
            actor=world.administrator, user_id=world.leader.pk, reason="x" * 101
        )
    with pytest.raises(ValidationError, match="Du kan ikke deaktivere dig selv"):
        services.user_deactivate(
            actor=world.administrator, user_id=world.administrator.pk, reason="Fratrådt"
        )
    services.user_deactivate(actor=world.administrator, user_id=world.leader.pk, reason="Fratrådt")
    with pytest.raises(ValidationError, match="Lene Leder er allerede deaktiveret"):
        services.user_deactivate(
            actor=world.administrator, user_id=world.leader.pk, reason="Fratrådt"
        )
    with pytest.raises(ValidationError, match="Per Personale er allerede aktiv"):
        services.user_reactivate(actor=world.administrator, user_id=world.staff.pk, reason="x")


def test_the_administration_cannot_deactivate_it(world):
    it = User.objects.create_superuser(email="it@example.dk", password=PASSWORD, name="IT")
    with pytest.raises(PermissionDenied):
        services.user_deactivate(actor=world.administrator, user_id=it.pk, reason="Fratrådt")


def test_nothing_a_person_did_goes_with_their_user_row():
    # Deactivation is the way out, but should a user row ever be deleted, only their own
    # settings go with it: what they did is protected or keeps its row without them.
    from django.apps import apps

    cascading = {
        (model._meta.label, field.name)
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if field.is_relation
        and field.related_model is User
        and field.remote_field.on_delete.__name__ == "CASCADE"
    }
    assert cascading == {
        ("admin.LogEntry", "user"),
        ("institutioner.Membership", "user"),
        ("institutioner.NotificationOptOut", "user"),
        # Their login at the identity provider and their authenticator app.
        ("institutioner.ExternalIdentity", "user"),
        ("otp_totp.TOTPDevice", "user"),
        # Their calendar subscription addresses (a setting, not something they did).
        ("forloeb.CalendarFeed", "user"),
    }
