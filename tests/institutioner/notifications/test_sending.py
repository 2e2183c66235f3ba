"""Sending the outbox against small real SMTP servers that misbehave (tests/smtpservers.py):
a refusal for good fails at once, a temporary one keeps the backoff, a silent server costs one
EMAIL_TIMEOUT."""

import time

import pytest
from django.urls import reverse

from institutioner.models import Notification, NotificationStatus
from institutioner.notifications.sending import notification_send
from tests.smtpservers import SMTPServer


@pytest.fixture
def smtp(settings):
    """Point Django's SMTP backend at a server of the test's choosing, with a short timeout."""

    def use(server: SMTPServer) -> SMTPServer:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = server.port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        settings.EMAIL_TIMEOUT = 1
        return server

    return use


def _pending(world) -> Notification:
    return Notification.objects.create(
        recipient=world.leader,
        email=world.leader.email,
        template="notification_test",
        subject="Prøve",
        body_text="Hej",
    )


@pytest.mark.parametrize(
    ("behaviour", "reason"),
    [
        ("refuse-recipient", "550 5.1.1 No such mailbox here (lene@example.dk)"),
        ("reject-data", "554 5.7.1 Message rejected as spam"),
    ],
)
def test_a_refusal_for_good_fails_at_once_and_says_why(world, smtp, client, behaviour, reason):
    note = _pending(world)
    with smtp(SMTPServer(behaviour)):
        assert notification_send(notification_id=note.pk) is False
    note.refresh_from_db()
    assert note.status == NotificationStatus.FAILED
    assert note.attempts == 1 and note.next_attempt_at is None
    assert note.refused_for_good
    assert reason in note.last_error

    client.force_login(world.administrator)
    page = client.get(reverse("operations")).content.decode()
    assert reason in page
    assert "Afvist for altid af mailserveren" in page
    assert "E-mails der ikke kunne sendes: 1" in page


def test_a_temporary_refusal_keeps_the_backoff(world, smtp):
    note = _pending(world)
    with smtp(SMTPServer("busy")):
        assert notification_send(notification_id=note.pk) is False
    note.refresh_from_db()
    assert note.status == NotificationStatus.PENDING
    assert note.next_attempt_at is not None
    assert not note.refused_for_good
    assert "451" in note.last_error


def test_a_server_that_never_greets_costs_one_email_timeout(world, smtp):
    note = _pending(world)
    with smtp(SMTPServer("silent")):
        started = time.monotonic()
        assert notification_send(notification_id=note.pk) is False
        elapsed = time.monotonic() - started
    assert elapsed < 3, f"sending waited {elapsed:.1f} s"
    note.refresh_from_db()
    assert note.status == NotificationStatus.PENDING and note.next_attempt_at is not None
    assert "timed out" in note.last_error


def test_a_well_behaved_server_gets_the_stable_message_id(world, smtp):
    note = _pending(world)
    with smtp(SMTPServer("ok")) as server:
        assert notification_send(notification_id=note.pk) is True
    assert server.accepted == [f"<notification-{note.pk}@localhost>"]
    note.refresh_from_db()
    assert note.status == NotificationStatus.SENT
