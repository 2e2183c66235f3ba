"""The notification outbox: a row per e-mail, written with the change, sent after commit, once."""

import smtplib
import threading
import time
from datetime import timedelta

import pytest
from celery import Celery
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django_celery_beat.models import PeriodicTask

from config.celery import app
from institutioner.models import Notification, NotificationStatus
from institutioner.notifications.sending import (
    NOTIFICATION_MAX_ATTEMPTS,
    notification_backoff,
    notification_send,
    notifications_send_pending,
)
from institutioner.notifications.services import (
    EmailAttachment,
    notification_queue,
    notification_queue_many,
    notifications_retry_failed,
)
from institutioner.notifications.tasks import notifications_send_pending as sweep_task
from tests.conftest import require_service

TEMPLATE = "notification_test"
DEAD_BROKER = "redis://127.0.0.1:1/0"  # nothing listens on port 1

ICS = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\n"
    "UID:1@indsatsteam\r\nSUMMARY:Indsatsmøde\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)


class RefusingSMTPBackend(BaseEmailBackend):
    """Our stand-in for a mail server that hangs up."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


@pytest.fixture(autouse=True)
def eager_celery():
    # Tasks queued after commit run in the test's own thread. Without this they would pile up in
    # the broker of the developer's `make run` (the file-system queue under var/). The tests of
    # a dead broker and of the real worker turn it off again.
    before = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = before


@pytest.fixture
def dead_broker(settings):
    """The Celery app of a web process whose broker is down: our settings, a closed port."""
    settings.CELERY_BROKER_URL = DEAD_BROKER
    dead = Celery("indsatsteam")  # becomes this thread's current app: shared tasks use it
    dead.config_from_object("django.conf:settings", namespace="CELERY")
    assert dead.conf.broker_url == DEAD_BROKER
    assert not dead.conf.task_always_eager
    yield dead
    app.set_current()
    dead.close()


@pytest.fixture
def redis_worker(transactional_db):
    require_service(settings.CELERY_BROKER_URL.startswith("redis://"), "Redis (REDIS_URL)")
    app.conf.task_always_eager = False
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10) as worker:
        yield worker


def _queue(recipient, **kwargs):
    kwargs.setdefault("context", {"note": "Ærø & Co <b>"})
    return notification_queue(recipient=recipient, template=TEMPLATE, **kwargs)


def test_queued_in_the_transaction_and_sent_after_commit(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        notification = _queue(world.leader)
        assert Notification.objects.filter(pk=notification.pk).exists()
        assert mailoutbox == []
    assert len(callbacks) == 1

    notification.refresh_from_db()
    assert notification.status == NotificationStatus.SENT
    assert notification.sent_at is not None
    assert notification.email == "lene@example.dk"
    assert notification.recipient == world.leader
    [message] = mailoutbox
    assert message.to == ["lene@example.dk"]
    assert message.subject == notification.subject
    assert "\n" not in message.subject
    assert message.extra_headers["Auto-Submitted"] == "auto-generated"


def test_rolled_back_with_the_change(world, mailoutbox, django_capture_on_commit_callbacks):
    class Rollback(Exception):
        pass

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(Rollback),
        transaction.atomic(),
    ):
        _queue(world.leader)
        raise Rollback
    assert callbacks == []
    assert not Notification.objects.exists()
    assert mailoutbox == []


def test_rendered_in_danish_with_text_and_html(world):
    with translation.override("en"):
        notification = _queue(world.leader)
    # "Dear %(name)s," has its Danish translation: the message does not follow the caller.
    assert "Kære Lene Leder" in notification.body_text
    assert "Kære Lene Leder" in notification.body_html
    # Text is not escaped; HTML is.
    assert notification.subject.endswith(": Ærø & Co <b>")
    assert "Ærø & Co <b>" in notification.body_text
    assert "Ærø &amp; Co &lt;b&gt;" in notification.body_html


def test_sending_twice_sends_once(world, mailoutbox):
    notification = _queue(world.leader)
    assert notification_send(notification_id=notification.pk) is True
    assert notification_send(notification_id=notification.pk) is False
    assert len(mailoutbox) == 1
    [message] = mailoutbox
    assert message.alternatives[0].mimetype == "text/html"


def _time_passes(notification) -> None:
    """The backoff has run out: the next attempt is due now (and the minute that a mail server
    which failed is remembered has passed)."""
    from django.core.cache import cache

    from institutioner.notifications.sending import UNREACHABLE_KEY

    Notification.objects.filter(pk=notification.pk).update(
        next_attempt_at=timezone.now() - timedelta(seconds=1)
    )
    cache.delete(UNREACHABLE_KEY)


def test_a_refusing_mail_server_is_retried_with_backoff_then_given_up(
    world, settings, mailoutbox, django_capture_on_commit_callbacks
):
    notification = _queue(world.leader)
    settings.EMAIL_BACKEND = f"{__name__}.RefusingSMTPBackend"

    waits = []
    for attempt in range(1, NOTIFICATION_MAX_ATTEMPTS):
        before = timezone.now()
        assert notification_send(notification_id=notification.pk) is False
        notification.refresh_from_db()
        assert notification.attempts == attempt
        assert notification.status == NotificationStatus.PENDING
        waits.append(round((notification.next_attempt_at - before).total_seconds() / 60))
        # Before the backoff has run out, neither the task nor the sweep tries again.
        assert notification_send(notification_id=notification.pk) is False
        assert notifications_send_pending() == 0
        notification.refresh_from_db()
        assert notification.attempts == attempt
        _time_passes(notification)
    # The wait doubles from a minute and is capped at two hours.
    assert waits == [1, 2, 4, 8, 16, 32, 64][: NOTIFICATION_MAX_ATTEMPTS - 1]
    assert notification_backoff(20) == timedelta(hours=2)
    assert "SMTPServerDisconnected: Connection unexpectedly closed" in notification.last_error

    assert notification_send(notification_id=notification.pk) is False
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.FAILED
    assert notification.attempts == NOTIFICATION_MAX_ATTEMPTS
    assert notification.sent_at is None
    assert notification.next_attempt_at is None

    # Given up means given up: the mail server is back, but the sweep leaves the row alone...
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert notifications_send_pending() == 0
    assert mailoutbox == []

    # ...until the administration sends it again.
    with django_capture_on_commit_callbacks(execute=True):
        assert notifications_retry_failed(actor=world.administrator) == 1
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.SENT
    assert notification.attempts == 0
    assert [m.to for m in mailoutbox] == [["lene@example.dk"]]
    assert notifications_retry_failed(actor=world.administrator) == 0


def test_a_dedupe_key_queues_once(world):
    first = _queue(world.leader, dedupe_key="evaluation-reminder:7:2026-03-02")
    second = _queue(world.leader, dedupe_key="evaluation-reminder:7:2026-03-02")
    assert first is not None
    assert second is None
    assert Notification.objects.count() == 1
    # Without a key, the same message may go twice.
    assert _queue(world.leader) is not None
    assert _queue(world.leader) is not None


def test_two_transactions_racing_for_one_key_make_one_row(postgres, world, transactional_db):
    key = "evaluation-reminder:8:2026-03-02"
    first_inserted = threading.Event()
    outcome = {}

    def first():
        try:
            with transaction.atomic():
                outcome["first"] = _queue(world.leader, dedupe_key=key)
                first_inserted.set()
                # Commit only once the second transaction waits on the unique index.
                _wait_for_a_lock_wait()
        finally:
            connection.close()

    def second():
        first_inserted.wait(10)
        try:
            with transaction.atomic():
                outcome["second"] = _queue(world.leader, dedupe_key=key)
                # The savepoint kept this transaction usable.
                outcome["other"] = _queue(world.staff, dedupe_key="another-key")
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert outcome["first"] is not None
    assert outcome["second"] is None
    assert outcome["other"] is not None
    assert Notification.objects.filter(dedupe_key=key).count() == 1
    assert Notification.objects.filter(dedupe_key="another-key").exists()


def _wait_for_a_lock_wait():
    with connection.cursor() as cursor:
        for _ in range(200):
            # Statistics are read once per transaction unless the snapshot is dropped.
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE wait_event_type = 'Lock' AND datname = current_database()"
            )
            if cursor.fetchone()[0]:
                return
            time.sleep(0.05)
    raise AssertionError("The second transaction never waited for the first.")


def test_an_inactive_person_gets_nothing(world):
    world.staff.is_active = False
    world.staff.save(update_fields=["is_active"])
    assert _queue(world.staff) is None
    assert not Notification.objects.exists()


def test_queue_many_queues_once_per_active_person(world):
    world.staff.is_active = False
    world.staff.save(update_fields=["is_active"])
    recipients = [world.leader, world.staff, world.administrator, world.leader]

    queued = notification_queue_many(
        recipients=recipients, template=TEMPLATE, context={}, dedupe_key="meeting:3"
    )
    assert [n.email for n in queued] == ["lene@example.dk", "frida@example.dk"]
    assert {n.dedupe_key for n in queued} == {
        f"meeting:3:{world.leader.pk}",
        f"meeting:3:{world.administrator.pk}",
    }
    again = notification_queue_many(
        recipients=recipients, template=TEMPLATE, context={}, dedupe_key="meeting:3"
    )
    assert again == []
    assert Notification.objects.count() == 2


def test_the_sweep_sends_every_pending_notification_oldest_first(world, mailoutbox):
    people = [world.leader, world.administrator, world.pedagogist.user]
    for person in people:
        _queue(person)

    assert notifications_send_pending() == 3
    assert [m.to[0] for m in mailoutbox] == [p.email for p in people]
    assert not Notification.objects.filter(status=NotificationStatus.PENDING).exists()
    assert notifications_send_pending() == 0
    assert len(mailoutbox) == 3


def test_a_calendar_attachment_keeps_its_type(world, mailoutbox):
    attachment = EmailAttachment(
        name="indsatsmoede.ics",
        mimetype="text/calendar; method=REQUEST; charset=UTF-8",
        content=ICS,
    )
    notification = _queue(world.leader, attachment=attachment)
    assert notification_send(notification_id=notification.pk)

    [message] = mailoutbox
    [part] = [p for p in message.message().walk() if p.get_filename() == "indsatsmoede.ics"]
    assert part.get_content_type() == "text/calendar"
    assert part.get_param("method") == "REQUEST"
    assert part.get_content_charset() == "utf-8"
    assert part["Content-Type"].lower().count("charset") == 1
    assert part.get_payload(decode=True).decode() == ICS


def test_a_dead_broker_neither_raises_nor_loses_the_notification(
    world, dead_broker, mailoutbox, django_capture_on_commit_callbacks, caplog
):
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        notification = _queue(world.leader)
    elapsed = time.monotonic() - started

    assert len(callbacks) == 1
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.PENDING
    assert mailoutbox == []
    assert "the periodic sweep will send it" in caplog.text
    # A web request waits for the publishing; it gives up quickly.
    assert elapsed < 3, f"queueing against a dead broker took {elapsed:.1f} s"

    # The sweep (run by beat once the broker is back) sends it.
    assert notifications_send_pending() == 1
    assert [m.to for m in mailoutbox] == [["lene@example.dk"]]


def test_the_worker_sends_after_commit_through_redis(redis_worker, world):
    with transaction.atomic():
        notification = _queue(world.leader)
        assert mail.outbox == []

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        notification.refresh_from_db()
        if notification.status != NotificationStatus.PENDING:
            break
        time.sleep(0.1)
    assert notification.status == NotificationStatus.SENT
    # The worker ran in a thread of this process and used the same in-memory outbox.
    assert [m.to for m in mail.outbox] == [["lene@example.dk"]]


def test_beat_sweeps_the_outbox_every_minute(db):
    task = PeriodicTask.objects.get(name="send-pending-notifications")
    assert task.task == sweep_task.name
    assert task.task in app.tasks
    assert task.interval.schedule.run_every.total_seconds() == 60
    # A sweep still queued when the next is due is dropped, not run twice in a row.
    assert task.expire_seconds == 55


def test_the_administration_reads_the_outbox_but_cannot_write_it(client, world):
    notification = _queue(world.leader)
    client.force_login(world.administrator)

    changelist = client.get(reverse("admin:institutioner_notification_changelist"))
    assert changelist.status_code == 200
    assert "lene@example.dk" in changelist.content.decode()
    searched = client.get(
        reverse("admin:institutioner_notification_changelist"), {"q": "nobody@example.dk"}
    )
    assert "lene@example.dk" not in searched.content.decode()

    change_url = reverse("admin:institutioner_notification_change", args=[notification.pk])
    detail = client.get(change_url)
    assert detail.status_code == 200
    assert 'name="_save"' not in detail.content.decode()
    assert client.post(change_url, {"subject": "Ændret"}).status_code == 403
    assert client.get(reverse("admin:institutioner_notification_add")).status_code == 403

    delete_url = reverse("admin:institutioner_notification_delete", args=[notification.pk])
    assert client.post(delete_url, {"post": "yes"}).status_code == 302
    assert not Notification.objects.exists()


@pytest.mark.parametrize("role", ["leader", "pedagogist", "outsider"])
def test_only_the_administration_sees_the_outbox(client, world, role):
    client.force_login(world.user_for(role))
    # Signed in but outside the admin's scope: 404, as everywhere.
    response = client.get(reverse("admin:institutioner_notification_changelist"))
    assert response.status_code == 404
