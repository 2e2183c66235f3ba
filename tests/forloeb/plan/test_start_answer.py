"""Answering a leader's proposal from the start page: the pedagogist accepts or declines (with
why, optional) where the proposal is listed, and comes back to the start page. One answered or
withdrawn in the meantime says so, never an error page."""

from datetime import date, timedelta

from django.urls import reverse

from forloeb.models import PlanChangeKind, PlanChangeStatus
from forloeb.plan import services
from institutioner.models import Notification
from institutioner.textlimits import SHORT
from tests.forloeb.plan.helpers import agreement, christmas_year
from tests.forloeb.plan.test_proposals import _propose, _weekday_on_or_after


def _proposal(world):
    ag, _version = agreement(world, weekdays=(1,))  # Tuesdays
    tuesday = _weekday_on_or_after(date(christmas_year(), 12, 14), 1)
    return ag.course, _propose(world, ag.course, kind=PlanChangeKind.CANCEL, day=tuesday)


def _text(response) -> str:
    return " ".join(response.content.decode().split())


def test_the_start_page_offers_accept_and_decline_with_a_reason(client, world):
    _course, proposal = _proposal(world)
    client.force_login(world.pedagogist.user)
    page = _text(client.get(reverse("start")))
    decline = reverse("plan_change_decline", args=[proposal.pk])
    accept = reverse("plan_change_accept", args=[proposal.pk])
    assert f'action="{decline}"' in page and f'action="{accept}"' in page
    # Its own field ids, the optional reason, and the way back to the start page.
    assert f'id="id_start_decline_{proposal.pk}_reason"' in page
    assert page.count('name="back" value="start"') == 2
    assert "csrfmiddlewaretoken" in page


def test_declining_from_the_start_page_keeps_the_reason_and_comes_back(client, world):
    _course, proposal = _proposal(world)
    client.force_login(world.pedagogist.user)
    url = reverse("plan_change_decline", args=[proposal.pk])

    response = client.post(url, {"back": "start", "reason": "Jeg er på kursus den dag."})

    assert response.status_code == 302 and response["Location"] == reverse("start")
    proposal.refresh_from_db()
    assert proposal.status == PlanChangeStatus.DECLINED
    assert proposal.decline_reason == "Jeg er på kursus den dag."
    assert Notification.objects.get(template="plan_change_declined").recipient == world.leader
    page = _text(client.get(reverse("start")))
    assert "Forslaget er afvist; lederen har fået besked." in page
    assert f'action="{url}"' not in page

    # A second click (another tab, the back button): a message on the start page, not a 500.
    response = client.post(url, {"back": "start"}, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse("start")
    assert "Dette forslag er allerede besvaret." in _text(response)


def test_accepting_from_the_start_page_comes_back_to_it(client, world):
    _course, proposal = _proposal(world)
    client.force_login(world.pedagogist.user)
    response = client.post(
        reverse("plan_change_accept", args=[proposal.pk]), {"back": "start"}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("start")
    proposal.refresh_from_db()
    assert proposal.status == PlanChangeStatus.ACCEPTED


def test_a_proposal_withdrawn_meanwhile_says_so_on_the_start_page(client, world):
    _course, proposal = _proposal(world)
    services.plan_change_withdraw(actor=world.leader, change_id=proposal.pk)
    client.force_login(world.pedagogist.user)
    response = client.post(
        reverse("plan_change_decline", args=[proposal.pk]), {"back": "start"}, follow=True
    )
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse("start")
    assert "Forslaget er trukket tilbage; planen er uændret." in _text(response)
    proposal.refresh_from_db()
    assert proposal.status == PlanChangeStatus.WITHDRAWN


def test_a_refused_reason_comes_back_with_the_way_to_the_start_page(client, world):
    _course, proposal = _proposal(world)
    client.force_login(world.pedagogist.user)
    response = client.post(
        reverse("plan_change_decline", args=[proposal.pk]),
        {"back": "start", "reason": "x" * (SHORT + 1)},
    )
    assert response.status_code == 200
    page = _text(response)
    assert f"Højst {SHORT} tegn" in page
    assert 'name="back" value="start"' in page
    assert f'href="{reverse("start")}"' in page
    proposal.refresh_from_db()
    assert proposal.status == PlanChangeStatus.PROPOSED


def test_the_way_back_is_only_the_start_page_or_the_course(client, world):
    course, proposal = _proposal(world)
    later = _propose(
        world,
        course,
        kind=PlanChangeKind.CANCEL,
        day=_weekday_on_or_after(date(christmas_year(), 12, 14), 1) + timedelta(weeks=1),
    )
    client.force_login(world.pedagogist.user)
    response = client.post(
        reverse("plan_change_decline", args=[proposal.pk]), {"back": "https://evil.example/"}
    )
    assert response["Location"] == (
        reverse("course_detail", args=[course.pk]) + "#planens-aendringer"
    )
    response = client.post(reverse("plan_change_decline", args=[later.pk]), {"back": "start"})
    assert response["Location"] == reverse("start")


def test_more_than_ten_proposals_link_to_all_of_them(client, world):
    """The start page lists ten; "Se alle (12)" leads to the course list narrowed to the
    courses with a proposal waiting for her, which finds the two courses they are on."""
    first, _version = agreement(world, weekdays=(1,))  # Tuesdays
    second, _version = agreement(world, weekdays=(1,))
    other, _version = agreement(world, weekdays=(1,))  # nothing proposed
    tuesday = _weekday_on_or_after(date(christmas_year() + 1, 1, 12), 1)
    for week in range(12):
        course = first.course if week < 6 else second.course
        day = tuesday + timedelta(weeks=week)
        _propose(world, course, kind=PlanChangeKind.CANCEL, day=day)
    client.force_login(world.pedagogist.user)

    page = _text(client.get(reverse("start")))
    assert page.count('name="back" value="start"') == 20  # ten proposals, two forms each
    all_url = f"{reverse('course_list')}?proposals=waiting"
    # "Se alle (12)" once the translation lands; the count and the address either way.
    assert f'<a href="{all_url}">' in page and "(12)</a>" in page

    listed = client.get(all_url).context["courses"]
    assert {course.pk for course in listed} == {first.course.pk, second.course.pk}
    assert other.course.pk in {c.pk for c in client.get(reverse("course_list")).context["courses"]}


def test_ten_proposals_or_fewer_need_no_link(client, world):
    _course, _proposal_made = _proposal(world)
    client.force_login(world.pedagogist.user)
    page = _text(client.get(reverse("start")))
    assert "?proposals=waiting" not in page
