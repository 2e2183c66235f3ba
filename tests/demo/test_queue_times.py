"""The demo's queue has waited: the request's history says when it was submitted, the same day
the visitation queue counts from (submitted_at)."""

from datetime import timedelta

from django.utils import timezone

from demo.interventions import _create
from indsats.models import EventKind


def test_a_demo_request_that_waited_was_submitted_then_in_its_history(world):
    req = _create(world.leader, world.institution, 0, waited_days=12)
    expected = timezone.now() - timedelta(days=12)
    assert abs(req.submitted_at - expected) < timedelta(minutes=1)
    events = {e.kind: e.created_at for e in req.events.all()}
    assert events[EventKind.SUBMITTED] == req.submitted_at
    assert events[EventKind.CREATED] <= req.submitted_at
    assert req.created_at <= req.submitted_at
    # The queue's "waited" and the history's day agree.
    assert (timezone.now() - events[EventKind.SUBMITTED]).days == 12
