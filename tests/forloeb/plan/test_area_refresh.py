"""#21: the area's shared calendar is rebuilt into the shared cache (Redis) by a real worker,
so a calendar program never waits seconds for it at a large municipality's size."""

import time as clock
import uuid
from datetime import timedelta

from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import PeriodicTask
from icalendar import Calendar

from config.celery import app
from forloeb.models import FeedScope
from forloeb.plan import services
from forloeb.plan.calendar import (
    AREA_FEED_CACHE_KEY,
    AREA_FEED_REFRESH_SECONDS,
    area_feed_refresh,
)
from forloeb.plan.tasks import plan_area_calendar_refresh
from institutioner.models import Heartbeat
from tests import factories
from tests.forloeb.plan.helpers import agreement
from tests.institutioner.operations.test_tasks import redis_worker  # noqa: F401 - the fixture


def _refreshed(since) -> Heartbeat:
    """The task's heartbeat once the worker has written it after `since` (at most 30 s)."""
    plan_area_calendar_refresh.delay()
    deadline = clock.monotonic() + 30
    while clock.monotonic() < deadline:
        beat = Heartbeat.objects.filter(name="schedule:plan-area-calendar", at__gt=since).first()
        if beat is not None:
            return beat
        clock.sleep(0.1)
    raise AssertionError("the worker did not run the refresh within 30 seconds")


def _summaries(body: bytes) -> list[str]:
    return sorted(str(e["summary"]) for e in Calendar.from_ical(body).walk("VEVENT"))


def test_without_a_shared_cache_nothing_is_built(world):
    """`make run` without Redis: a cache in each process, so the worker's would never reach the
    web; the web builds the calendar when asked."""
    services.calendar_feed_make(
        actor=world.administrator, scope=FeedScope.AREA, institution_id=None
    )
    assert area_feed_refresh() == 0


def test_the_worker_keeps_the_area_calendar_ready(
    client,
    world,
    redis_worker,  # noqa: F811
    settings,
):
    # The shared cache of production: Redis, which the worker and the web reach on their own
    # connections (the tests' default is a cache in memory).
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": settings.REDIS_URL,
            "KEY_PREFIX": f"test-area-{uuid.uuid4().hex}",
        }
    }
    start = timezone.localdate() + timedelta(days=1)
    period = {"start": start, "end": start + timedelta(days=30)}
    agreement(world, weekdays=(0, 1, 2, 3, 4), **period)

    # Nobody subscribes: nothing is built.
    beat = _refreshed(timezone.now() - timedelta(seconds=1))
    assert beat.detail == "0"
    assert cache.get(AREA_FEED_CACHE_KEY) is None

    feed = services.calendar_feed_make(
        actor=world.administrator, scope=FeedScope.AREA, institution_id=None
    )
    beat = _refreshed(beat.at)
    body = cache.get(AREA_FEED_CACHE_KEY)
    assert body is not None and int(beat.detail) == len(body) > 0
    assert any("Mariehønen" in s for s in _summaries(body))
    # The address answers with what the worker built.
    url = reverse("calendar_feed", args=[feed.pk, feed.secret])
    assert client.get(url).content == body

    # A new course elsewhere shows after the next refresh, without anyone asking in between.
    factories.MembershipFactory(user=world.leader, institution=world.other_institution)
    agreement(world, institution=world.other_institution, weekdays=(0, 1, 2, 3, 4), **period)
    assert not any("Spiren" in s for s in _summaries(client.get(url).content))
    beat = _refreshed(beat.at)
    assert any("Spiren" in s for s in _summaries(client.get(url).content))

    # An ended address is not built for.
    services.calendar_feed_revoke(actor=world.administrator, feed_id=feed.pk)
    cache.delete(AREA_FEED_CACHE_KEY)
    assert _refreshed(beat.at).detail == "0"
    assert cache.get(AREA_FEED_CACHE_KEY) is None


def test_the_beat_runs_it_every_five_minutes(db):
    task = PeriodicTask.objects.get(name="plan-area-calendar")
    assert task.task == plan_area_calendar_refresh.name and task.task in app.tasks
    assert task.interval.schedule.run_every.total_seconds() == AREA_FEED_REFRESH_SECONDS == 300
