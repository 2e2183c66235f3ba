"""Sending the outbox against small real SMTP servers that misbehave (tests/smtpservers.py):
a refusal for good fails at once, a temporary one keeps the backoff, a silent server costs one
EMAIL_TIMEOUT."""

import time

import pytest
from django.core.cache import cache
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse

from institutioner.models import Notification, NotificationStatus
from institutioner.notifications.sending import (
    SWEEP_LOCK_KEY,
    notification_send,
    notifications_send_pending,
)
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


def _several_pending(world, count: int) -> list[Notification]:
    return [_pending(world) for _ in range(count)]


def test_a_hanging_server_costs_one_sweep_one_email_timeout(world, smtp, caplog):
    """Five e-mails due and a mail server that never greets: the sweep gives up at the first
    timeout instead of waiting five times; the rest are left for the next sweep, uncounted."""
    notes = _several_pending(world, 5)
    with smtp(SMTPServer("silent")) as server:
        started = time.monotonic()
        assert notifications_send_pending() == 0
        elapsed = time.monotonic() - started
    assert elapsed < 2.5, f"the sweep waited {elapsed:.1f} s"
    assert server.connections == 1
    first, *rest = [Notification.objects.get(pk=n.pk) for n in notes]
    assert first.attempts == 1 and first.next_attempt_at is not None
    assert "timed out" in first.last_error
    assert all(n.attempts == 0 and n.next_attempt_at is None for n in rest)
    assert all(n.status == NotificationStatus.PENDING for n in [first, *rest])
    # One line, no traceback, for what a mail server does.
    failures = [r for r in caplog.records if "failed (attempt 1)" in r.getMessage()]
    assert len(failures) == 1 and not failures[0].exc_info
    assert failures[0].getMessage().endswith("timed out")


def test_an_unexpected_error_keeps_its_traceback(world, smtp, caplog, monkeypatch):
    note = _pending(world)

    def broken(self, *args, **kwargs):
        raise RuntimeError("a fault here")

    monkeypatch.setattr(EmailMultiAlternatives, "send", broken)
    with smtp(SMTPServer("ok")):
        assert notification_send(notification_id=note.pk) is False
    (failure,) = [r for r in caplog.records if "failed (attempt 1)" in r.getMessage()]
    assert failure.exc_info is not None and failure.exc_info[0] is RuntimeError


def test_a_sweep_sends_over_one_connection(world, smtp):
    notes = _several_pending(world, 3)
    with smtp(SMTPServer("ok")) as server:
        assert notifications_send_pending() == 3
    assert server.connections == 1
    assert server.accepted == [f"<notification-{n.pk}@localhost>" for n in notes]


def test_a_refused_message_does_not_stop_the_sweep(world, smtp):
    notes = _several_pending(world, 2)
    with smtp(SMTPServer("busy")) as server:
        assert notifications_send_pending() == 0
    assert server.connections == 1
    assert [Notification.objects.get(pk=n.pk).attempts for n in notes] == [1, 1]


def test_sweeps_never_overlap(world, smtp):
    """While one sweep runs (holding the lock) the next sends nothing and returns at once."""
    note = _pending(world)
    cache.add(SWEEP_LOCK_KEY, "another sweep", 60)
    with smtp(SMTPServer("ok")) as server:
        assert notifications_send_pending() == 0
        assert server.connections == 0
        cache.delete(SWEEP_LOCK_KEY)
        assert notifications_send_pending() == 1
    note.refresh_from_db()
    assert note.status == NotificationStatus.SENT
    assert cache.get(SWEEP_LOCK_KEY) is None  # released after the sweep


def test_after_the_mail_server_failed_the_tasks_leave_their_messages_to_the_sweep(world, smtp):
    """QA: with the server hanging, each new message's own task still waited EMAIL_TIMEOUT.
    For a minute after a failure they leave their messages, attempts untouched, to the sweep,
    which tries the server once; once it sends again, the tasks send themselves."""
    from institutioner.notifications.sending import UNREACHABLE_KEY

    first, second = _pending(world), _pending(world)
    with smtp(SMTPServer("silent")) as server:
        assert notification_send(notification_id=first.pk) is False
        assert cache.get(UNREACHABLE_KEY)
        started = time.monotonic()
        assert notification_send(notification_id=second.pk) is False
        assert time.monotonic() - started < 0.5
    assert server.connections == 1  # the second task did not wait for the server
    second.refresh_from_db()
    assert (second.attempts, second.status) == (0, NotificationStatus.PENDING)
    # The server answers again: the sweep sends what waits and forgets the failure.
    Notification.objects.filter(pk=first.pk).update(next_attempt_at=None)
    with smtp(SMTPServer("ok")) as server:
        assert notifications_send_pending() == 2
    assert cache.get(UNREACHABLE_KEY) is None
    third = _pending(world)
    with smtp(SMTPServer("ok")) as server:
        assert notification_send(notification_id=third.pk) is True
    assert server.connections == 1
