"""Retention of rejected and withdrawn requests: a year after they ended their free text and
contact details go, the request flow's figures stay."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from forloeb.dashboards import figures
from indsats.models import InterventionRequest, RequestEvent, RequestStatus
from indsats.requests import services
from institutioner.models import Institution
from institutioner.retention import services as retention
from tests.indsats.helpers import make_request
from tests.retention_helpers import request_back

pytestmark = pytest.mark.usefixtures("postgres")

YEAR = timedelta(days=380)


def _ended(world, *, reject: bool, back: timedelta | None) -> InterventionRequest:
    req = make_request(
        world,
        submit=True,
        need="Mads bider de andre børn.",
        contact_name="Lene Leder",
        contact_phone="12 34 56 78",
    )
    if reject:
        services.request_reject(
            actor=world.administrator, request_id=req.pk, reason="Mads har en støtteperson."
        )
    else:
        services.request_withdraw(actor=world.leader, request_id=req.pk, reason="Mads er flyttet.")
    if back:
        request_back(req.pk, back)
    return req


def _text(req: InterventionRequest) -> str:
    rows = [
        InterventionRequest.objects.filter(pk=req.pk),
        InterventionRequest.history.filter(id=req.pk),
        RequestEvent.objects.filter(request=req),
    ]
    return json.dumps([list(qs.values()) for qs in rows], default=str, ensure_ascii=False)


def _flow():
    today = timezone.localdate()
    flow = figures.flow(
        institutions=Institution.objects.all(), first=today - timedelta(days=800), last=today
    )
    return flow.months, flow.waits, flow.waiting_for_triage, [e.pk for e in flow.rejections]


def test_rejected_and_withdrawn_requests_are_anonymised_after_a_year(world):
    rejected = _ended(world, reject=True, back=YEAR)
    withdrawn = _ended(world, reject=False, back=YEAR)
    recent = _ended(world, reject=True, back=None)
    waiting = make_request(world, submit=True, need="Mads bider de andre børn.")
    # Still waiting, but something happened to it within the year: kept (a request left waiting
    # with nothing happening for a year goes, see below).
    request_back(waiting.pk, timedelta(days=300))
    before = _flow()
    assert sum(sum(m.values()) for _month, m in before[0]) == 4

    reports = {r.step.name: r for r in retention.retention_run(now=timezone.now())}

    assert reports["ended-requests"].done == 2
    assert _flow() == before
    for req in (rejected, withdrawn):
        text = _text(req)
        for secret in ("Mads", "Lene Leder", "12 34 56 78", "lene@example.dk"):
            assert secret not in text
        req.refresh_from_db()
        assert req.anonymised_at is not None
        assert req.status in (RequestStatus.REJECTED, RequestStatus.WITHDRAWN)
        assert req.need == retention.ANONYMISED
    for req in (recent, waiting):
        assert "Mads" in _text(req)
        req.refresh_from_db()
        assert req.anonymised_at is None
    again = {r.step.name: r for r in retention.retention_run(now=timezone.now())}
    assert again["ended-requests"].count == 0


def test_a_request_left_waiting_is_anonymised_a_year_after_anything_happened(world):
    """Submitted and never answered, or asked a question the leader never answered: nothing
    ends the request, so it is anonymised the ended requests' period after anything last
    happened to it (a change, an event, an allocation, an intake meeting). Its status stays,
    and so do the flow's figures."""
    submitted = _waiting(world)
    request_back(submitted.pk, YEAR)
    asked = _waiting(world)
    services.request_ask_info(
        actor=world.administrator, request_id=asked.pk, question="Hvor gammel er Mads?"
    )
    request_back(asked.pk, YEAR)
    touched_lately = _waiting(world)
    request_back(touched_lately.pk, YEAR)
    RequestEvent.objects.filter(pk=touched_lately.events.latest("pk").pk).update(
        created_at=timezone.now() - timedelta(days=300)
    )
    younger = _waiting(world)
    request_back(younger.pk, timedelta(days=300))
    asked.refresh_from_db()
    assert asked.status == RequestStatus.NEEDS_INFO
    before = _flow()

    reports = {r.step.name: r for r in retention.retention_run(now=timezone.now())}

    assert reports["stalled-requests"].done == 2
    assert _flow() == before
    for req, status in ((submitted, RequestStatus.SUBMITTED), (asked, RequestStatus.NEEDS_INFO)):
        text = _text(req)
        for secret in ("Mads", "Lene Leder", "12 34 56 78"):
            assert secret not in text
        req.refresh_from_db()
        assert req.anonymised_at is not None
        assert req.status == status
    for req in (touched_lately, younger):
        assert "Mads" in _text(req)
        req.refresh_from_db()
        assert req.anonymised_at is None
    again = {r.step.name: r for r in retention.retention_run(now=timezone.now())}
    assert again["stalled-requests"].count == 0


def _waiting(world) -> InterventionRequest:
    return make_request(
        world,
        submit=True,
        need="Mads bider de andre børn.",
        contact_name="Lene Leder",
        contact_phone="12 34 56 78",
    )
