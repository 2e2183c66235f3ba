"""A leader's proposals to change the plan (QA as a daycare leader): worded as proposals until
they are accepted; warned like the pedagogist's own changes (her absence already takes a day
that is proposed cancelled, she is elsewhere at the time a day is proposed moved to), and the
pedagogist sees the same warnings beside the proposal she answers; a new time lies within the
institution's opening hours; a proposal (or change) for today can still be taken back."""

from datetime import date, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from forloeb.models import AbsenceKind, PlanChange, PlanChangeKind, PlanChangeStatus
from forloeb.plan import selectors, services
from forloeb.plan.services import AbsenceInput, ChangeInput
from institutioner.errors import StateError
from institutioner.models import Notification
from tests.forloeb.plan.helpers import agreement, christmas_year
from tests.forloeb.plan.test_clashes import _elsewhere_on_thursdays, _thursday


def _weekday_on_or_after(day, weekday):
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def _propose(world, course, **fields):
    fields.setdefault("reason", "Vi har udflugt")
    return services.plan_change_make(
        actor=world.leader, course_id=course.pk, data=ChangeInput(**fields), proposal=True
    )


def test_a_proposal_reads_as_a_proposal_until_it_is_accepted(client, world):
    ag, _version = agreement(world, weekdays=(2,))  # Wednesdays
    wednesday = _weekday_on_or_after(date(christmas_year(), 12, 14), 2)
    proposal = _propose(world, ag.course, kind=PlanChangeKind.CANCEL, day=wednesday)
    course_url = reverse("course_detail", args=[ag.course.pk])
    day = f"onsdag {wednesday.day}. december {wednesday.year}"

    client.force_login(world.leader)
    page = client.get(course_url).content.decode()
    assert f"Forslag: Praksisdagen {day} aflyses." in page
    assert f"Praksisdagen {day} er aflyst." not in page
    # The pedagogist's message asks her about a proposal, too.
    note = Notification.objects.get(template="plan_change_proposed")
    assert f"Forslag: Praksisdagen {day} aflyses." in note.body_text

    services.plan_change_accept(actor=world.pedagogist.user, change_id=proposal.pk)
    page = client.get(course_url).content.decode()
    assert f"Praksisdagen {day} er aflyst." in page and "Forslag:" not in page

    # A declined proposal never was the plan.
    later = _propose(
        world,
        ag.course,
        kind=PlanChangeKind.MOVE,
        day=wednesday + timedelta(weeks=1),
        new_day=wednesday + timedelta(days=6),
    )
    services.plan_change_decline(actor=world.pedagogist.user, change_id=later.pk)
    declined = Notification.objects.get(template="plan_change_declined")
    assert "Forslag: Praksisdagen" in declined.body_text and "flyttes til" in declined.body_text


def test_proposing_to_cancel_a_day_her_absence_already_takes_warns_both(client, world):
    ag, _version = agreement(world, weekdays=(1,))  # Tuesdays
    tuesday = _weekday_on_or_after(date(christmas_year(), 12, 14), 1)
    services.absence_record(
        actor=world.pedagogist.user,
        pedagogist_id=world.pedagogist.pk,
        data=AbsenceInput(kind=AbsenceKind.ILLNESS, starts_on=tuesday, ends_on=tuesday),
    )
    warning = (
        f"Bemærk: Paula Pædagog er registreret fraværende tirsdag {tuesday.day}. december; "
        "praksisdagen falder allerede bort uden denne aflysning."
    )
    client.force_login(world.leader)
    response = client.post(
        reverse("plan_change_create", args=[ag.course.pk]),
        {"plan-kind": "cancel", "plan-day": tuesday.isoformat(), "plan-reason": "Udflugt"},
        follow=True,
    )
    page = response.content.decode()
    assert "Dit forslag er sendt til pædagogen." in page and warning in page
    # The kind of absence is not the leader's to know.
    assert "sygdom" not in page.lower()

    client.force_login(world.pedagogist.user)
    page = client.get(reverse("course_detail", args=[ag.course.pk])).content.decode()
    assert warning in page

    # A day she comes on gives no such warning.
    assert (
        _propose(world, ag.course, kind=PlanChangeKind.CANCEL, day=tuesday + timedelta(7)).clashes
        == []
    )


def test_proposing_a_move_onto_her_practice_elsewhere_warns_and_she_sees_it(client, world):
    here, _version = agreement(world, weekdays=(0,), time_from=time(9), time_to=time(12))
    _elsewhere_on_thursdays(world)  # Thursdays 08:30-12:00 at Vuggestuen Spiren (Myren)
    thursday = _thursday()
    monday = thursday - timedelta(days=3)
    clash = (
        f"Bemærk: Paula Pædagog er allerede i Vuggestuen Spiren (Myren) 08:30–12:00 torsdag "
        f"{thursday.day}. december; den nye dag overlapper (ugeplanen viser et overlap)."
    )
    client.force_login(world.leader)
    response = client.post(
        reverse("plan_change_create", args=[here.course.pk]),
        {
            "plan-kind": "move",
            "plan-day": monday.isoformat(),
            "plan-new_day": thursday.isoformat(),
            "plan-new_time_from": "10:00",
            "plan-new_time_to": "11:00",
            "plan-reason": "Forældremøde mandag",
        },
        follow=True,
    )
    assert clash in response.content.decode()
    proposal = PlanChange.objects.get(status=PlanChangeStatus.PROPOSED)

    client.force_login(world.pedagogist.user)
    page = client.get(reverse("course_detail", args=[here.course.pk])).content.decode()
    assert clash in page and "Godkend" in page
    # Once answered, the course's page no longer warns beside it.
    services.plan_change_decline(actor=world.pedagogist.user, change_id=proposal.pk)
    page = client.get(reverse("course_detail", args=[here.course.pk])).content.decode()
    assert clash not in page


def test_a_new_time_lies_within_the_institutions_opening_hours(client, world):
    """The QA's extra day 17:30-18:00 at an institution that closes at 17:00 (the factory's
    institution is open 06:30-17:00), proposed by the leader or made by the pedagogist."""
    ag, _version = agreement(world, weekdays=(1,))
    friday = _weekday_on_or_after(date(christmas_year(), 12, 14), 4)
    for actor, proposal in ((world.leader, True), (world.pedagogist.user, False)):
        for start, end, field in (
            (time(17, 30), time(18), "new_time_to"),
            (time(6), time(8), "new_time_from"),
        ):
            with pytest.raises(ValidationError) as refused:
                services.plan_change_make(
                    actor=actor,
                    course_id=ag.course.pk,
                    data=ChangeInput(
                        kind=PlanChangeKind.EXTRA,
                        new_day=friday,
                        new_time_from=start,
                        new_time_to=end,
                        reason="Efter lukketid",
                    ),
                    proposal=proposal,
                )
            assert refused.value.message_dict[field] == [
                f"{world.institution.name} har åbent 06:30-17:00; praksisdagen skal ligge "
                "inden for åbningstiden."
            ]
    assert not PlanChange.objects.exists()
    # The form keeps what the leader wrote.
    client.force_login(world.leader)
    response = client.post(
        reverse("plan_change_create", args=[ag.course.pk]),
        {
            "plan-kind": "extra",
            "plan-new_day": friday.isoformat(),
            "plan-new_time_from": "17:30",
            "plan-new_time_to": "18:00",
            "plan-reason": "Aftenmøde med forældre",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "har åbent 06:30-17:00" in page and "Aftenmøde med forældre" in page


def test_a_proposal_and_a_change_for_today_can_still_be_withdrawn(client, world):
    """A day that has not passed can be changed, and so it can be taken back: today's proposal
    has the leader's button (as later ones have), and today's change the pedagogist's."""
    ag, _version = agreement(world, weekdays=(1,))
    tuesday = _weekday_on_or_after(date(christmas_year(), 12, 14), 1)
    today = timezone.localdate()
    proposal = _propose(world, ag.course, kind=PlanChangeKind.CANCEL, day=tuesday)
    change = services.plan_change_make(
        actor=world.pedagogist.user,
        course_id=ag.course.pk,
        data=ChangeInput(kind=PlanChangeKind.CANCEL, day=tuesday + timedelta(7), reason="Kursus"),
    )
    PlanChange.objects.filter(pk=proposal.pk).update(day=today)

    mine = {
        c.pk: c.can_withdraw
        for c in selectors.plan_changes_of(ag.course, user_id=world.leader.pk, can_change=False)
    }
    assert mine[proposal.pk] is True
    client.force_login(world.leader)
    page = client.get(reverse("course_detail", args=[ag.course.pk])).content.decode()
    assert reverse("plan_change_withdraw", args=[proposal.pk]) in page
    response = client.post(reverse("plan_change_withdraw", args=[proposal.pk]), follow=True)
    assert "Forslaget er trukket tilbage; planen er uændret." in response.content.decode()
    assert PlanChange.objects.get(pk=proposal.pk).status == PlanChangeStatus.WITHDRAWN

    # One change a course and day: today is free again for the pedagogist's change.
    PlanChange.objects.filter(pk=change.pk).update(day=today)
    client.force_login(world.pedagogist.user)
    page = client.get(reverse("course_detail", args=[ag.course.pk])).content.decode()
    assert reverse("plan_change_withdraw", args=[change.pk]) in page
    services.plan_change_withdraw(actor=world.pedagogist.user, change_id=change.pk)
    assert PlanChange.objects.get(pk=change.pk).status == PlanChangeStatus.WITHDRAWN


def test_answering_a_proposal_its_leader_took_back_says_so(client, world):
    """QA (Monday round): the pedagogist answers from a page or an e-mail opened before the
    leader withdrew the proposal. She is told it was withdrawn, not that it was 'already
    answered' (which sent her looking for a colleague who had answered it); a proposal that
    lapsed with an adjusted agreement says that."""
    ag, _version = agreement(world, weekdays=(1,))  # Tuesdays
    tuesday = _weekday_on_or_after(date(christmas_year(), 12, 14), 1)
    proposal = _propose(world, ag.course, kind=PlanChangeKind.CANCEL, day=tuesday)
    services.plan_change_withdraw(actor=world.leader, change_id=proposal.pk)

    client.force_login(world.pedagogist.user)
    for name in ("plan_change_accept", "plan_change_decline"):
        page = client.post(reverse(name, args=[proposal.pk]), follow=True).content.decode()
        assert "Forslaget er trukket tilbage; planen er uændret." in page, name
        assert "allerede besvaret" not in page, name
    assert PlanChange.objects.get(pk=proposal.pk).status == PlanChangeStatus.WITHDRAWN

    PlanChange.objects.filter(pk=proposal.pk).update(status=PlanChangeStatus.LAPSED)
    for answer in (services.plan_change_accept, services.plan_change_decline):
        with pytest.raises(StateError) as refused:
            answer(actor=world.pedagogist.user, change_id=proposal.pk)
        assert refused.value.message == gettext(
            "The proposal no longer applies (the agreement was adjusted)."
        ), answer


def test_a_day_a_proposal_waits_to_take_is_named_as_a_proposal(world):
    """QA (Monday round): a leader proposes an extra day; the pedagogist, moving another day
    onto it, was told the course already had a practice day there, which her plan did not
    show (a proposal is not in the plan): the message says a proposal waits for it."""
    ag, _version = agreement(world, weekdays=(1,))  # Tuesdays
    tuesday = _weekday_on_or_after(date(christmas_year(), 12, 14), 1)
    thursday = tuesday + timedelta(days=2)
    _propose(world, ag.course, kind=PlanChangeKind.EXTRA, new_day=thursday)
    with pytest.raises(ValidationError) as refused:
        services.plan_change_make(
            actor=world.pedagogist.user,
            course_id=ag.course.pk,
            data=ChangeInput(
                kind=PlanChangeKind.MOVE, day=tuesday, new_day=thursday, reason="Kursus"
            ),
        )
    assert refused.value.message_dict["new_day"] == [
        gettext(
            "A proposal waiting for an answer already puts a practice day on %(day)s (moved or "
            "extra); see the course's changes."
        )
        % {"day": thursday.strftime("%d.%m.%Y")}
    ]


def test_the_pedagogists_start_page_lists_the_proposals_she_answers(client, world):
    """QA (Monday round): a leader's proposal for a day later in the week was only behind the
    bell and on the course's page; the pedagogist's start page now lists it, with a link to
    the course's changes, until it is answered. Nobody else's start page lists it."""
    ag, _version = agreement(world, weekdays=(1,))  # Tuesdays
    tuesday = _weekday_on_or_after(date(christmas_year(), 12, 14), 1)
    proposal = _propose(world, ag.course, kind=PlanChangeKind.CANCEL, day=tuesday)
    text = f"Forslag: Praksisdagen tirsdag {tuesday.day}. december {tuesday.year} aflyses."
    link = reverse("course_detail", args=[ag.course.pk]) + "#planens-aendringer"

    client.force_login(world.pedagogist.user)
    page = client.get(reverse("start")).content.decode()
    assert text in page and link in page
    for person in (world.leader, world.outsider_pedagogist.user):
        client.force_login(person)
        page = client.get(reverse("start")).content.decode()
        assert link not in page, person

    services.plan_change_accept(actor=world.pedagogist.user, change_id=proposal.pk)
    client.force_login(world.pedagogist.user)
    assert link not in client.get(reverse("start")).content.decode()
