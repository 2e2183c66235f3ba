"""How long the calendar subscriptions take on the large synthetic municipality: the busiest
pedagogist's own feed, the feed of the institution with the most courses, and the area's
shared feed, each a year ahead and four weeks back (numbers, not limits)."""

import random
import time
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from demo import synthetic
from forloeb.models import FeedScope
from forloeb.plan import services
from indsats.models import Allocation, InterventionRequest
from institutioner.models import Membership, Pedagogist, Role, User
from institutioner.workdays import monday_of


@pytest.fixture(scope="module")
def large(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        if connection.vendor != "postgresql":
            pytest.fail("The feed benchmark runs on PostgreSQL: set DATABASE_URL.")
        today = timezone.localdate()
        rng = random.Random(1)
        scale = synthetic.SCALES["large"]
        org = synthetic.organisation_create(scale=scale, rng=rng, today=today)
        synthetic.history_create(
            org=org,
            rng=rng,
            first_monday=monday_of(today - timedelta(days=365 * scale.years)),
            last_monday=monday_of(today) - timedelta(weeks=1),
            today=today,
            agreements=scale.agreements,
        )
        with connection.cursor() as cursor:
            # As a database in use is kept by autovacuum: the visibility map and hint bits set
            # and the statistics fresh, and no autovacuum of the freshly loaded tables running
            # beside the timings on the same two cores.
            cursor.execute("VACUUM ANALYZE")
        yield
        call_command("flush", interactive=False, verbosity=0)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


@pytest.mark.django_db  # also tells pytest-django to set up the test database
def test_bench_calendar_feeds(client, large, bench):
    today = timezone.localdate()
    busiest = (
        Pedagogist.objects.filter(allocations__request__agreement__versions__ends_on__gte=today)
        .annotate(n=Count("allocations", distinct=True))
        .order_by("-n")
        .select_related("user")
        .first()
    )
    largest = (
        InterventionRequest.objects.filter(agreement__course__isnull=False)
        .values("institution")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    assert busiest is not None and largest is not None
    leader = User.objects.filter(
        role=Role.LEADER,
        pk__in=Membership.objects.filter(institution=largest["institution"]).values("user"),
    ).first()
    administrator = User.objects.filter(role=Role.ADMINISTRATION).first()
    assert leader is not None and administrator is not None
    feeds = {
        "personal": services.calendar_feed_make(
            actor=busiest.user, scope=FeedScope.PERSONAL, institution_id=None
        ),
        "institution": services.calendar_feed_make(
            actor=leader, scope=FeedScope.INSTITUTION, institution_id=largest["institution"]
        ),
        "area": services.calendar_feed_make(
            actor=administrator, scope=FeedScope.AREA, institution_id=None
        ),
    }
    for name, feed in feeds.items():
        url = reverse("calendar_feed", args=[feed.pk, feed.secret])
        started = time.perf_counter()
        response = client.get(url)
        assert response.status_code == 200
        events = len(Calendar.from_ical(response.content).walk("VEVENT"))
        print(f"\n{name}: first read {round((time.perf_counter() - started) * 1000)} ms")
        bench(
            f"calendar_feed_{name}",
            lambda url=url: client.get(url),
            rounds=5 if name == "area" else 10,
            warmup=1,
            events=events,
            courses=Allocation.objects.filter(pedagogist=busiest).count()
            if name == "personal"
            else None,
        )
