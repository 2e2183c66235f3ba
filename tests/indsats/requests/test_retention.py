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
    request_back(waiting.pk, YEAR)  # still waiting: not ended, kept
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
