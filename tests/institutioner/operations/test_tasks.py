"""Celery tasks run on a real worker that takes them from Redis."""

from datetime import timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from config.celery import app
from institutioner.operations.tasks import sessions_clear_expired
from tests.conftest import require_service


@pytest.fixture
def redis_worker(transactional_db):
    require_service(settings.CELERY_BROKER_URL.startswith("redis://"), "Redis (REDIS_URL)")
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10) as worker:
        yield worker


def _session(expires_in: timedelta) -> str:
    store = SessionStore()
    store["signed_in_at"] = 1
    store.create()
    Session.objects.filter(session_key=store.session_key).update(
        expire_date=timezone.now() + expires_in
    )
    return store.session_key


def test_clear_expired_sessions_runs_on_the_worker_through_redis(redis_worker):
    expired = _session(timedelta(minutes=-1))
    alive = _session(timedelta(minutes=30))

    result = sessions_clear_expired.delay()
    assert result.get(timeout=30) == 1
    # The result travelled back through Redis from the worker, which ran in its own thread.
    assert result.successful()
    assert not Session.objects.filter(session_key=expired).exists()
    assert Session.objects.filter(session_key=alive).exists()

    # Idempotent: a second run finds nothing more to do.
    assert sessions_clear_expired.delay().get(timeout=30) == 0


def test_beat_schedules_the_cleanup(db):
    task = PeriodicTask.objects.get(name="clear-expired-sessions")
    assert task.task == sessions_clear_expired.name
    assert task.task in app.tasks
    assert task.interval.schedule.run_every.total_seconds() == 3600
