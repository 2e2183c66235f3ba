"""How long the calendar subscriptions take on the large synthetic municipality: the busiest
pedagogist's own feed, the feed of the institution with the most courses, and the area's
shared feed, each a year ahead and four weeks back (numbers, not limits)."""

import time

import pytest
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from forloeb.models import FeedScope
from forloeb.plan import services
from indsats.models import Allocation, InterventionRequest
from institutioner.models import Membership, Pedagogist, Role, User
from tests.perf.test_bench_dashboards import large  # noqa: F401 - the module's data


@pytest.mark.django_db  # also tells pytest-django to set up the test database
def test_bench_calendar_feeds(client, large, bench):  # noqa: F811
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
