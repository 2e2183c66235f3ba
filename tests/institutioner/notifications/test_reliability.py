"""The outbox under failure, with the real Redis and real Celery workers.

- A worker killed with SIGKILL while it sends: after a restart every message went exactly once.
- Redis stopped while a leader submits a request: the page answers at once, the request is
  saved, and the message goes out when Redis is back.
- A mail server that refuses: the web request never notices; the worker retries with a backoff
  and the administration sees the error on the health page.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
import redis
from celery import Celery
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.core import mail
from django.db import transaction
from django.urls import reverse

from config.celery import app
from indsats.models import InterventionRequest, RequestStatus
from institutioner.models import Heartbeat, Notification, NotificationStatus
from institutioner.notifications.services import notification_queue
from institutioner.notifications.tasks import notifications_send_pending
from institutioner.operations.health import health
from institutioner.operations.tasks import worker_heartbeat
from tests.conftest import require_service
from tests.indsats.helpers import make_request
from tests.smtpservers import SMTPServer

ROOT = Path(__file__).resolve().parents[3]
REDIS_SERVER = "redis-server"


def _wait_for(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def _database_url() -> str:
    db = settings.DATABASES["default"]
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{db['NAME']}"


@pytest.fixture
def broker(transactional_db, postgres):
    require_service(settings.CELERY_BROKER_URL.startswith("redis://"), "Redis (REDIS_URL)")
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    client.flushdb()  # nothing left over from another test's queue
    app.conf.task_always_eager = False
    yield client
    client.flushdb()


class WorkerProcess:
    """`celery worker` in its own process group, on the test database, as production runs it."""

    def __init__(
        self, tmp_path: Path, mail_log: Path, slow_seconds: float, env: dict | None = None
    ):
        self.log = tmp_path / "worker.log"
        self.env = {
            **os.environ,
            "DATABASE_URL": _database_url(),
            "REDIS_URL": settings.CELERY_BROKER_URL,
            "EMAIL_BACKEND": "tests.mailbackends.LoggingSlowBackend",
            "MAIL_LOG": str(mail_log),
            "MAIL_SLOW_SECONDS": str(slow_seconds),
            "PYTHONPATH": str(ROOT),
            **(env or {}),
        }
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        with open(self.log, "a") as out:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "--app",
                    "config",
                    "worker",
                    "--pool",
                    "solo",
                    "--loglevel",
                    "INFO",
                    "--without-gossip",
                    "--without-mingle",
                ],
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def kill(self) -> None:
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(10)


def _lines(path: Path) -> list[str]:
    return path.read_text().splitlines() if path.exists() else []


def test_a_worker_killed_while_sending_loses_nothing_and_doubles_nothing(broker, world, tmp_path):
    mail_log = tmp_path / "mail.log"
    # Three messages, committed: each is handed to the broker after its commit.
    notifications = []
    for person in (world.leader, world.pedagogist.user, world.administrator):
        with transaction.atomic():
            notifications.append(
                notification_queue(
                    recipient=person, template="notification_test", context={"note": "x"}
                )
            )
    ids = {f"<notification-{n.pk}@localhost>" for n in notifications}
    assert broker.llen("celery") == 3

    worker = WorkerProcess(tmp_path, mail_log, slow_seconds=3)
    worker.start()
    try:
        # The worker has handed the first message to the (slow) mail server: kill it there.
        first = _wait_for(
            lambda: [line for line in _lines(mail_log) if line.startswith("begin")],
            60,
            "the worker to start sending",
        )[0].split()[1]
        worker.kill()
        assert f"sent {first}" not in _lines(mail_log)
        killed = Notification.objects.get(pk=int(first.split("-")[1].split("@")[0]))
        # The database rolled back the dead worker's transaction: the row is pending again.
        _wait_for(
            lambda: Notification.objects.filter(
                pk=killed.pk, status=NotificationStatus.PENDING
            ).exists(),
            20,
            "the killed worker's claim to be released",
        )

        worker.start()
        # What the beat does every minute: the sweep, which finds the message whose task died
        # with the worker (Redis would only give that task back after its visibility timeout).
        notifications_send_pending.delay()
        _wait_for(
            lambda: (
                Notification.objects.filter(
                    pk__in=[n.pk for n in notifications], status=NotificationStatus.SENT
                ).count()
                == 3
            ),
            90,
            "every notification to be sent",
        )
        # The tasks still queued for messages already sent find nothing to do.
        notifications_send_pending.delay()
        time.sleep(2)
    finally:
        worker.stop()

    sent = Counter(line.split()[1] for line in _lines(mail_log) if line.startswith("sent"))
    assert set(sent) == ids
    assert set(sent.values()) == {1}, sent
    begun = Counter(line.split()[1] for line in _lines(mail_log) if line.startswith("begin"))
    assert begun[first] == 2  # the interrupted one was tried again, and went once


@pytest.fixture
def private_redis(tmp_path):
    """A Redis of our own that the test can stop and start again on the same port."""
    require_service(bool(_which(REDIS_SERVER)), "redis-server")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    class Server:
        url = f"redis://127.0.0.1:{port}/0"
        process: subprocess.Popen | None = None

        def start(self):
            self.process = subprocess.Popen(
                [
                    REDIS_SERVER,
                    *("--port", str(port), "--bind", "127.0.0.1"),
                    *("--save", "", "--appendonly", "no", "--dir", str(tmp_path)),
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            _wait_for(lambda: _answers(self.url), 10, "redis-server to start")

        def stop(self):
            if self.process is not None:
                self.process.terminate()
                self.process.wait(10)
                self.process = None

    server = Server()
    server.start()
    yield server
    server.stop()


def _which(name: str) -> str:
    return shutil.which(name) or ""


def _answers(url: str) -> bool:
    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=0.5).ping())
    except redis.exceptions.ConnectionError:
        return False


def test_redis_stopped_while_a_leader_submits_a_request(
    transactional_db, postgres, world, client, settings, private_redis
):
    settings.CELERY_BROKER_URL = private_redis.url
    web = Celery("indsatsteam")  # the web process's app, on our own Redis
    web.config_from_object("django.conf:settings", namespace="CELERY")
    assert not web.conf.task_always_eager
    try:
        req = make_request(world)
        private_redis.stop()
        client.force_login(world.leader)

        started = time.monotonic()
        response = client.post(reverse("request_submit", args=[req.pk]))
        elapsed = time.monotonic() - started

        assert response.status_code == 302
        assert elapsed < 2, f"the page took {elapsed:.2f} s with Redis down"
        assert InterventionRequest.objects.get(pk=req.pk).status == RequestStatus.SUBMITTED
        note = Notification.objects.get(template="request_submitted")
        assert note.status == NotificationStatus.PENDING
        page = client.get(response["Location"])
        assert "Anmodningen er indsendt" in page.content.decode()

        # Redis is back; the beat's sweep, on a worker, sends what the web could not queue.
        private_redis.start()
        with start_worker(web, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            notifications_send_pending.delay()
            _wait_for(
                lambda: Notification.objects.filter(
                    pk=note.pk, status=NotificationStatus.SENT
                ).exists(),
                30,
                "the notification to be sent after Redis came back",
            )
        assert [m.to for m in mail.outbox] == [["frida@example.dk"]]
    finally:
        app.set_current()
        web.close()


def test_redis_frozen_while_a_leader_submits_a_request(
    transactional_db, postgres, world, client, settings, private_redis
):
    """Redis accepts connections and never answers (SIGSTOP): the page still answers within
    2 s, and once Redis goes on the e-mail is sent exactly once (the half-sent task and the
    sweep both try; the row's claim lets one of them send)."""
    settings.CELERY_BROKER_URL = private_redis.url
    web = Celery("indsatsteam")
    web.config_from_object("django.conf:settings", namespace="CELERY")
    try:
        req = make_request(world)
        client.force_login(world.leader)
        assert private_redis.process is not None
        os.kill(private_redis.process.pid, signal.SIGSTOP)
        try:
            started = time.monotonic()
            response = client.post(reverse("request_submit", args=[req.pk]))
            elapsed = time.monotonic() - started
            assert response.status_code == 302
            assert elapsed < 2, f"the page took {elapsed:.2f} s with Redis frozen"
            assert InterventionRequest.objects.get(pk=req.pk).status == RequestStatus.SUBMITTED
        finally:
            os.kill(private_redis.process.pid, signal.SIGCONT)
        note = Notification.objects.get(template="request_submitted")
        assert note.status == NotificationStatus.PENDING

        with start_worker(web, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            notifications_send_pending.delay()
            _wait_for(
                lambda: Notification.objects.filter(
                    pk=note.pk, status=NotificationStatus.SENT
                ).exists(),
                30,
                "the notification to be sent after Redis went on",
            )
            time.sleep(1)  # a task published while frozen, if any, has run too
        assert [m.to for m in mail.outbox] == [["frida@example.dk"]]
    finally:
        app.set_current()
        web.close()


def test_a_refusing_mail_server_never_blocks_the_web_and_the_administration_sees_it(
    broker, world, client, settings
):
    settings.EMAIL_BACKEND = "tests.mailbackends.RefusingSMTPBackend"
    req = make_request(world)
    client.force_login(world.leader)
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        response = client.post(reverse("request_submit", args=[req.pk]))
        assert response.status_code == 302
        note = _wait_for(
            lambda: Notification.objects.filter(
                template="request_submitted", attempts__gte=1
            ).first(),
            30,
            "the worker's first attempt",
        )
    assert note.status == NotificationStatus.PENDING
    assert note.next_attempt_at is not None
    assert "SMTPServerDisconnected" in note.last_error

    client.force_login(world.administrator)
    page = client.get(reverse("operations")).content.decode()
    assert "SMTPServerDisconnected: Connection unexpectedly closed" in page
    assert "frida@example.dk" in page


def test_password_reset_with_a_refusing_mail_server_is_retried_and_shown(
    broker, world, client, settings
):
    """Django sent the reset e-mail inside the request and lost it on an error; now the page
    answers at once, the outbox retries, and the administration sees why it has not gone."""
    settings.EMAIL_BACKEND = "tests.mailbackends.RefusingSMTPBackend"
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        started = time.monotonic()
        response = client.post(reverse("password_reset"), {"email": "lene@example.dk"})
        assert response.status_code == 302
        assert time.monotonic() - started < 2
        note = _wait_for(
            lambda: Notification.objects.filter(template="password_reset", attempts__gte=1).first(),
            30,
            "the worker's first attempt",
        )
    assert note.recipient == world.leader
    assert note.status == NotificationStatus.PENDING and note.next_attempt_at is not None
    assert "SMTPServerDisconnected" in note.last_error

    client.force_login(world.administrator)
    page = client.get(reverse("operations")).content.decode()
    assert "SMTPServerDisconnected: Connection unexpectedly closed" in page
    assert "lene@example.dk" in page


def test_a_mail_server_that_never_greets_does_not_stop_the_worker(broker, world, tmp_path):
    """The mail server accepts and never says a word. The worker waits EMAIL_TIMEOUT, counts a
    failed attempt and goes on with the heartbeat; while it waits, the health page can name the
    task it is in, and would report it by name were the worker to stay stuck."""
    with SMTPServer("silent") as server:
        worker = WorkerProcess(
            tmp_path,
            tmp_path / "mail.log",
            0,
            env={
                "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "EMAIL_URL": f"smtp://127.0.0.1:{server.port}",
                "EMAIL_TIMEOUT": "4",
            },
        )
        with transaction.atomic():
            note = notification_queue(
                recipient=world.leader, template="notification_test", context={"note": "x"}
            )
        worker_heartbeat.delay()
        worker.start()
        try:
            in_task = _wait_for(
                lambda: Heartbeat.objects.filter(
                    name__startswith="task:", detail="institutioner.tasks.notifications_send"
                ).first(),
                60,
                "the worker to begin sending",
            )
            # Were it stuck there: three minutes on, the health page names the task.
            later = health(now=in_task.at + timedelta(minutes=3))
            assert later.worker_late
            assert any("institutioner.tasks.notifications_send" in p for p in later.problems)
            # It is not stuck: after EMAIL_TIMEOUT the attempt fails and the heartbeat runs.
            _wait_for(
                lambda: Notification.objects.filter(pk=note.pk, attempts=1).exists(),
                15,
                "the attempt to time out",
            )
            _wait_for(
                lambda: Heartbeat.objects.filter(name="worker").exists(),
                15,
                "the heartbeat after the hung mail server",
            )
        finally:
            worker.stop()
    note.refresh_from_db()
    assert note.status == NotificationStatus.PENDING and "timed out" in note.last_error
    assert not Heartbeat.objects.filter(name__startswith="task:").exclude(detail="").exists()
    assert server.connections == 1


def test_a_worker_killed_between_the_servers_acceptance_and_quit_sends_nothing_twice(
    broker, world, tmp_path
):
    """The mail server accepts the message ("250" after DATA) and then never answers QUIT; the
    worker is killed there. The row was marked sent before QUIT, so after a restart and a
    sweep the server has each Message-ID exactly once."""
    with SMTPServer("hang-on-quit") as server:
        env = {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_URL": f"smtp://127.0.0.1:{server.port}",
            "EMAIL_TIMEOUT": "30",
        }
        notes = []
        for person in (world.leader, world.administrator):
            with transaction.atomic():
                notes.append(
                    notification_queue(
                        recipient=person, template="notification_test", context={"note": "x"}
                    )
                )
        worker = WorkerProcess(tmp_path, tmp_path / "mail.log", 0, env=env)
        worker.start()
        try:
            assert server.quit_seen.wait(60), "the worker never reached QUIT"
            (first,) = server.accepted
            first_pk = int(first.split("-")[1].split("@")[0])
            # Marked and committed before QUIT: a kill now loses nothing and doubles nothing.
            assert Notification.objects.get(pk=first_pk).status == NotificationStatus.SENT
            worker.kill()

            server.behaviour = "ok"
            worker.start()
            notifications_send_pending.delay()
            _wait_for(
                lambda: (
                    Notification.objects.filter(
                        pk__in=[n.pk for n in notes], status=NotificationStatus.SENT
                    ).count()
                    == 2
                ),
                60,
                "both notifications to be sent",
            )
            notifications_send_pending.delay()
            time.sleep(1)
        finally:
            worker.stop()
    assert sorted(server.accepted) == sorted(f"<notification-{n.pk}@localhost>" for n in notes), (
        server.accepted
    )
