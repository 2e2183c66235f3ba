"""Retention of rejected and withdrawn requests: a year after they ended their free text and
contact details go, the request flow's figures stay."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone, translation

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


def _flow_now():
    today = timezone.localdate()
    return figures.flow(
        institutions=Institution.objects.all(), first=today - timedelta(days=800), last=today
    )


def _flow():
    """The figures: the months by status, the waits and the rejections (the waiting counts now
    are work counts, which leave out what retention emptied while it waited)."""
    flow = _flow_now()
    return flow.months, flow.waits, [e.pk for e in flow.rejections]


def _waiting_now() -> tuple[int, int]:
    flow = _flow_now()
    return flow.waiting_for_triage, flow.waiting_for_leader


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
    and so do the flow's figures by month; the waiting counts (work counts) leave it out."""
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
    assert _waiting_now() == (3, 1)

    reports = {r.step.name: r for r in retention.retention_run(now=timezone.now())}

    assert reports["stalled-requests"].done == 2
    assert _flow() == before
    assert _waiting_now() == (2, 0)  # the two emptied ones are no work
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


def test_a_draft_nobody_touched_for_a_year_is_deleted(world):
    """A draft the leader never sent is deleted, with its events and history, the ended
    requests' period after it was last changed (as her own "Slet kladden"); a draft touched
    lately, and a request that was sent once, stay."""
    old = make_request(world, need="Mads bider de andre børn.")
    request_back(old.pk, YEAR)
    touched_lately = make_request(world, need="Mads bider de andre børn.")
    request_back(touched_lately.pk, YEAR)
    RequestEvent.objects.filter(request=touched_lately).update(
        created_at=timezone.now() - timedelta(days=300)
    )
    young = make_request(world, need="Mads bider de andre børn.")
    request_back(young.pk, timedelta(days=300))
    sent = make_request(world, submit=True, need="Mads bider de andre børn.")
    request_back(sent.pk, timedelta(days=300))
    preview = {r.step.name: r for r in retention.retention_report(now=timezone.now())}
    assert preview["request-drafts"].count == 1
    assert preview["request-drafts"].ids == [old.pk]
    assert not preview["request-drafts"].anonymises

    reports = {r.step.name: r for r in retention.retention_run(now=timezone.now())}

    assert reports["request-drafts"].done == 1
    assert not InterventionRequest.objects.filter(pk=old.pk).exists()
    assert not InterventionRequest.history.filter(id=old.pk).exists()
    assert not RequestEvent.objects.filter(request_id=old.pk).exists()
    for req in (touched_lately, young, sent):
        assert InterventionRequest.objects.filter(pk=req.pk, anonymised_at=None).exists()
    again = {r.step.name: r for r in retention.retention_run(now=timezone.now())}
    assert again["request-drafts"].count == 0


def test_the_operations_page_lists_the_request_drafts(client, world):
    old = make_request(world)
    request_back(old.pk, YEAR)
    client.force_login(world.administrator)
    response = client.get("/drift/sletning/")
    assert response.status_code == 200
    with translation.override("da"):
        label = translation.gettext("Drafts of requests nobody has touched")
    assert label in response.content.decode()


def test_a_waiting_request_retention_emptied_leaves_the_triage_work_lists(client, world):
    """A request anonymised while it still waited has nothing left to triage or answer: the
    triage queue and its counts, the start page's and Fordeling's waiting counts leave it out
    (the months by status still count it); its own page still opens, and a rejected one
    anonymised stays under its filter."""
    from django.urls import reverse

    emptied = _waiting(world)
    request_back(emptied.pk, YEAR)
    asked = _waiting(world)
    services.request_ask_info(
        actor=world.administrator, request_id=asked.pk, question="Hvor gammel er Mads?"
    )
    request_back(asked.pk, YEAR)
    kept = _waiting(world)
    rejected = _ended(world, reject=True, back=YEAR)
    before = _flow()
    assert _waiting_now() == (2, 1)
    retention.retention_run(now=timezone.now())
    assert InterventionRequest.objects.filter(anonymised_at__isnull=False).count() == 3
    assert _flow() == before
    assert _waiting_now() == (1, 0)  # as the queue's and the start page's counts below

    client.force_login(world.administrator)
    queue = client.get(reverse("triage_queue")).content.decode()
    assert reverse("triage_detail", args=[kept.pk]) in queue
    for req in (emptied, asked):
        assert reverse("triage_detail", args=[req.pk]) not in queue
    assert 'data-shown="1"' in queue
    assert 'data-waiting-for-triage="1"' in queue
    assert 'data-waiting-for-leader="0"' in queue
    waiting = client.get(reverse("triage_queue"), {"status": "needs_info"}).content.decode()
    assert reverse("triage_detail", args=[asked.pk]) not in waiting
    ended = client.get(reverse("triage_queue"), {"status": "rejected"}).content.decode()
    assert reverse("triage_detail", args=[rejected.pk]) in ended
    assert client.get(reverse("triage_detail", args=[emptied.pk])).status_code == 200

    start = client.get(reverse("start"))
    [section] = [
        s
        for s in start.context["start_sections"]
        if s.template == "indsats/requests/start_triage.html"
    ]
    assert (section.context["submitted"], section.context["needs_info"]) == (1, 0)


def test_the_leaders_lists_do_not_ask_her_about_a_request_retention_emptied(client, world):
    """A request anonymised while it waited for her answer is nothing she can answer: her start
    section leaves it out (it came first there, as waiting for her); her list of all the
    requests keeps it, shown as anonymised rather than as waiting."""
    from django.urls import reverse

    submitted = _waiting(world)
    emptied = _waiting(world)
    services.request_ask_info(actor=world.administrator, request_id=emptied.pk, question="Hvem?")
    services.request_anonymise(request_id=emptied.pk)

    client.force_login(world.leader)
    start = client.get(reverse("start"))
    [section] = [
        s
        for s in start.context["start_sections"]
        if s.template == "indsats/requests/start_requests.html"
    ]
    assert [r.pk for r in section.context["requests"]] == [submitted.pk]
    assert reverse("request_detail", args=[emptied.pk]) not in start.content.decode()

    listed = client.get(reverse("request_list")).content.decode()
    for req in (submitted, emptied):
        assert reverse("request_detail", args=[req.pk]) in listed
    assert listed.count('class="badge status-anonymised"') == 1
    assert 'class="badge status-needs_info"' not in listed
    assert listed.count('class="badge status-submitted"') == 1
