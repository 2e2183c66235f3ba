"""The requests waiting: the administration's start page and Fordeling's "Venter på visitation
nu" count the same requests, and say apart those waiting for the leader's answer."""

import re
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from indsats.requests import services
from tests.indsats.helpers import make_request


def _waiting_world(world):
    """Three submitted (one at the other district's institution), two sent back to their leader
    with a question, a draft, a withdrawn and a rejected request."""
    for _ in range(2):
        make_request(world, submit=True)
    for _ in range(2):
        asked = make_request(world, submit=True)
        services.request_ask_info(
            actor=world.administrator, request_id=asked.pk, question="Hvilken stue?"
        )
    make_request(world)
    withdrawn = make_request(world, submit=True)
    services.request_withdraw(actor=world.leader, request_id=withdrawn.pk, reason="Fejl.")
    rejected = make_request(world, submit=True)
    services.request_reject(actor=world.administrator, request_id=rejected.pk, reason="Nej.")
    world.leader, lene = world.outsider, world.leader
    make_request(
        world,
        submit=True,
        institution=world.outsider_institution,
        group=world.outsider_institution.groups.first(),
    )
    world.leader = lene


def _text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_the_start_page_and_the_flow_dashboard_count_the_same_requests(client, world):
    _waiting_world(world)
    client.force_login(world.administrator)
    start = client.get(reverse("start"))
    section = next(
        s for s in start.context["start_sections"] if s.template.endswith("start_triage.html")
    )
    assert (section.context["submitted"], section.context["needs_info"]) == (3, 2)
    assert "3 anmodninger venter på visitation" in _text(start)
    assert "2 venter på ledernes svar" in _text(start)

    dashboard = client.get(reverse("dashboard_flow"))
    flow = dashboard.context["flow"]
    assert flow.waiting_for_triage == section.context["submitted"] == 3  # was 5: both kinds
    assert flow.waiting_for_leader == section.context["needs_info"] == 2
    assert 'data-waiting-for-leader="2"' in dashboard.content.decode()


def test_the_triage_queue_says_how_many_of_its_list_wait_for_triage(client, world):
    """The queue's list holds both open kinds; its heading names the number it shows as such
    and, of those, the ones waiting for triage as the start page and Fordeling count them,
    the ones sent back to the leader apart."""
    _waiting_world(world)
    client.force_login(world.administrator)
    flow = client.get(reverse("dashboard_flow")).context["flow"]
    queue = _text(client.get(reverse("triage_queue")))
    assert (
        "Listen viser 5 anmodninger, ældste først. "
        f"Heraf venter {flow.waiting_for_triage} på visitation "
        f"og {flow.waiting_for_leader} på ledernes svar."
    ) in queue

    # Filtered: the number is still what the list shows, and so are the two counts.
    asked = _text(client.get(reverse("triage_queue"), {"status": "needs_info"}))
    assert (
        "Listen viser 2 anmodninger, ældste først. Heraf venter 0 på visitation og 2 på "
        "ledernes svar."
    ) in asked
    closed = _text(client.get(reverse("triage_queue"), {"status": ["rejected", "withdrawn"]}))
    assert "Listen viser 2 anmodninger, ældste først." in closed and "Heraf" not in closed


def test_a_waiting_request_retention_emptied_is_in_neither_waiting_count(client, world):
    """Anonymised while it waited, a submitted request and one sent back to its leader are no
    work: the start page, Fordeling's "Venter på visitation nu" (and the benchmark's
    hand-written SQL for it) leave them out alike; the months still count them by status."""
    from django.db import connection

    from tests.perf.baseline import FLOW_NOW

    _waiting_world(world)
    emptied = make_request(world, submit=True)
    asked = make_request(world, submit=True)
    services.request_ask_info(actor=world.administrator, request_id=asked.pk, question="Hvem?")
    # The emptied one waited longest: not "the oldest" any more either.
    type(emptied).objects.filter(pk=emptied.pk).update(
        submitted_at=timezone.now() - timedelta(days=40)
    )
    client.force_login(world.administrator)
    months_before = client.get(reverse("dashboard_flow")).context["flow"].months
    for req in (emptied, asked):
        services.request_anonymise(request_id=req.pk)

    start = client.get(reverse("start"))
    section = next(
        s for s in start.context["start_sections"] if s.template.endswith("start_triage.html")
    )
    flow = client.get(reverse("dashboard_flow")).context["flow"]
    assert (section.context["submitted"], section.context["needs_info"]) == (3, 2)
    assert (flow.waiting_for_triage, flow.waiting_for_leader) == (3, 2)
    assert flow.months == months_before
    with connection.cursor() as cursor:
        cursor.execute(FLOW_NOW)
        waiting, oldest, with_leader, _accepted = cursor.fetchone()
    assert flow.oldest_waiting > emptied.submitted_at - timedelta(days=39)
    assert (waiting, oldest, with_leader) == (3, flow.oldest_waiting, 2)
