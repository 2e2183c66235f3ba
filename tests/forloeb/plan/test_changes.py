"""One-off changes to a course's plan: cancel, move (across a week boundary), extra days, a
leader's proposals; the signed agreement never changes."""

from datetime import date, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from forloeb.access import week_plan_scope_for
from forloeb.models import AbsenceKind, Phase, PlanChange, PlanChangeKind, PlanChangeStatus
from forloeb.plan import selectors, services
from forloeb.plan.services import AbsenceInput, ChangeInput
from forloeb.plan.weekplan import week_plan
from institutioner.errors import StateError
from institutioner.models import Notification, NotificationKind
from institutioner.workdays import is_working_day
from tests.forloeb.plan.helpers import agreement, christmas_year


def _notes(template):
    return list(
        Notification.objects.filter(kind=NotificationKind.PLAN_CHANGE, template=template)
        .order_by("pk")
        .values_list("recipient__email", flat=True)
    )


def _weekday_on_or_after(day, weekday):
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def _change(world, course, actor=None, proposal=False, **fields):
    fields.setdefault("reason", "Personalemøde i huset")
    return services.plan_change_make(
        actor=actor or world.pedagogist.user,
        course_id=course.pk,
        data=ChangeInput(**fields),
        proposal=proposal,
    )


def test_a_moved_day_across_a_week_boundary_leaves_the_agreement_alone(world):
    ag, version = agreement(world, weekdays=(4,), time_from=time(9), time_to=time(12))  # Fridays
    course = ag.course
    # A Friday ahead (from 4 to 10 December the 3rd has passed) and the Monday after it.
    first = max(date(christmas_year(), 12, 3), timezone.localdate() + timedelta(days=1))
    friday = _weekday_on_or_after(first, 4)
    monday = friday + timedelta(days=3)
    assert is_working_day(friday) and is_working_day(monday)
    content_hash = version.content_hash

    change = _change(
        world,
        course,
        kind=PlanChangeKind.MOVE,
        day=friday,
        new_day=monday,
        new_time_from=time(13),
        new_time_to=time(15),
    )
    assert change.status == PlanChangeStatus.ACCEPTED
    assert _notes("plan_change_made") == ["lene@example.dk"]
    version.refresh_from_db()
    assert version.content_hash == content_hash and version.parsed.plan.weekdays == (4,)

    scope = week_plan_scope_for(world.pedagogist.user)
    (first_week,) = week_plan(scope, friday - timedelta(days=4))
    assert [e.kind for e in first_week.days[4].entries] == ["changed"]
    assert "Flyttet til" in first_week.days[4].entries[0].title
    (second_week,) = week_plan(scope, monday)
    (moved,) = second_week.days[0].entries
    assert (moved.kind, moved.time_from, moved.time_to, moved.hours) == (
        "practice",
        time(13),
        time(15),
        2,
    )
    # The leader's plan says the same.
    (hers,) = week_plan(week_plan_scope_for(world.leader), monday)
    assert [e.time_from for e in hers.days[0].entries] == [time(13)]
    days = selectors.planned_days(pedagogist_ids=[world.pedagogist.pk], first=friday, last=monday)
    assert [(p.day, p.time_from) for p in days] == [(monday, time(13))]


def test_cancel_and_extra_day(world):
    ag, _version = agreement(world, weekdays=(1,))
    tuesday = _weekday_on_or_after(date(christmas_year(), 12, 3), 1)
    wednesday = tuesday + timedelta(days=1)
    _change(world, ag.course, kind=PlanChangeKind.CANCEL, day=tuesday)
    _change(
        world, ag.course, actor=world.administrator, kind=PlanChangeKind.EXTRA, new_day=wednesday
    )
    days = selectors.planned_days(
        pedagogist_ids=[world.pedagogist.pk], first=tuesday, last=wednesday
    )
    assert [(p.day, p.time_from) for p in days] == [(wednesday, time(9))]
    assert _notes("plan_change_made") == ["lene@example.dk", "lene@example.dk"]


def test_bad_changes_get_a_message(world):
    year = christmas_year()
    ag, _version = agreement(world, weekdays=(0, 1, 2, 3, 4))
    course = ag.course
    christmas_eve_practice = date(year, 12, 23)
    while not is_working_day(christmas_eve_practice):
        christmas_eve_practice -= timedelta(days=1)
    saturday = _weekday_on_or_after(date(year, 12, 3), 5)
    cases = [
        (
            {
                "kind": PlanChangeKind.MOVE,
                "day": christmas_eve_practice,
                "new_day": date(year, 12, 25),
            },
            "new_day",
        ),
        (
            {"kind": PlanChangeKind.MOVE, "day": christmas_eve_practice, "new_day": saturday},
            "new_day",
        ),
        ({"kind": PlanChangeKind.CANCEL, "day": saturday}, "day"),
        ({"kind": PlanChangeKind.CANCEL, "day": date(year - 1, 12, 1)}, "day"),
        ({"kind": PlanChangeKind.EXTRA, "new_day": christmas_eve_practice}, "new_day"),
        ({"kind": PlanChangeKind.EXTRA, "new_day": date(year + 2, 1, 4)}, "new_day"),
        ({"kind": PlanChangeKind.CANCEL, "day": christmas_eve_practice, "reason": ""}, "reason"),
        (
            {
                "kind": PlanChangeKind.CANCEL,
                "day": christmas_eve_practice,
                "reason": "Se 010203-1234",
            },
            "reason",
        ),
        (
            {"kind": PlanChangeKind.CANCEL, "day": christmas_eve_practice, "reason": "x" * 201},
            "reason",
        ),
        ({"kind": PlanChangeKind.MOVE, "day": christmas_eve_practice}, "new_day"),
    ]
    for fields, field in cases:
        fields.setdefault("reason", "Kursus")
        with pytest.raises(ValidationError) as caught:
            _change(world, course, **fields)
        assert field in caught.value.message_dict, fields
    assert not PlanChange.objects.exists()


def test_the_same_day_changed_twice_gives_one_change(world):
    ag, _version = agreement(world, weekdays=(1,))
    tuesday = _weekday_on_or_after(date(christmas_year(), 12, 3), 1)
    _change(world, ag.course, kind=PlanChangeKind.CANCEL, day=tuesday)
    with pytest.raises(ValidationError) as caught:
        _change(
            world,
            ag.course,
            actor=world.administrator,
            kind=PlanChangeKind.MOVE,
            day=tuesday,
            new_day=tuesday + timedelta(days=1),
        )
    assert "allerede" in " ".join(caught.value.messages)
    assert PlanChange.objects.count() == 1


def test_a_closed_course_is_not_changed(world):
    from forloeb.courses import services as courses_services

    ag, _version = agreement(world, weekdays=(1,))
    courses_services.course_set_phase(
        actor=world.administrator, course_id=ag.course.pk, phase=Phase.CLOSED, reason="Stoppet."
    )
    tuesday = _weekday_on_or_after(date(christmas_year(), 12, 3), 1)
    with pytest.raises(StateError):
        _change(world, ag.course, kind=PlanChangeKind.CANCEL, day=tuesday)


def test_a_leaders_proposal_is_accepted_or_declined_by_the_pedagogist(world):
    ag, _version = agreement(world, weekdays=(1, 3))
    tuesday = _weekday_on_or_after(date(christmas_year(), 12, 3), 1)
    proposal = _change(
        world,
        ag.course,
        actor=world.leader,
        proposal=True,
        kind=PlanChangeKind.MOVE,
        day=tuesday,
        new_day=tuesday + timedelta(days=1),
        reason="Vi har udflugt tirsdag",
    )
    assert proposal.status == PlanChangeStatus.PROPOSED
    assert _notes("plan_change_proposed") == ["paula@example.dk"]
    # Not in the plan until accepted.
    days = selectors.planned_days(pedagogist_ids=[world.pedagogist.pk], first=tuesday, last=tuesday)
    assert [p.day for p in days] == [tuesday]
    services.plan_change_accept(actor=world.pedagogist.user, change_id=proposal.pk)
    assert _notes("plan_change_made") == ["lene@example.dk"]
    with pytest.raises(StateError):
        services.plan_change_decline(actor=world.pedagogist.user, change_id=proposal.pk)

    thursday = tuesday + timedelta(days=2)
    declined = _change(
        world,
        ag.course,
        actor=world.leader,
        proposal=True,
        kind=PlanChangeKind.CANCEL,
        day=thursday,
    )
    services.plan_change_decline(actor=world.pedagogist.user, change_id=declined.pk)
    assert _notes("plan_change_declined") == ["lene@example.dk"]
    # A declined proposal frees the day for another change.
    _change(world, ag.course, kind=PlanChangeKind.CANCEL, day=thursday)


def test_absence_on_a_moved_to_day_tells_the_leader(world):
    ag, _version = agreement(world, weekdays=(1,))
    tuesday = _weekday_on_or_after(date(christmas_year(), 12, 3), 1)
    thursday = tuesday + timedelta(days=2)
    _change(world, ag.course, kind=PlanChangeKind.MOVE, day=tuesday, new_day=thursday)
    services.absence_record(
        actor=world.pedagogist.user,
        pedagogist_id=world.pedagogist.pk,
        data=AbsenceInput(kind=AbsenceKind.ILLNESS, starts_on=tuesday, ends_on=tuesday),
    )
    assert not Notification.objects.filter(kind=NotificationKind.ABSENCE).exists()
    services.absence_record(
        actor=world.pedagogist.user,
        pedagogist_id=world.pedagogist.pk,
        data=AbsenceInput(kind=AbsenceKind.COURSE, starts_on=thursday, ends_on=thursday),
    )
    assert Notification.objects.filter(kind=NotificationKind.ABSENCE).count() == 1


def test_a_course_never_gets_two_practice_days_on_one_day(world):
    """A day moved onto a day that another change already gives the course (moved there, or an
    extra day), or an extra day there, is refused with a Danish message under the new day; the
    plan keeps one practice day on it. A proposal that would clash is refused when it is made,
    and one whose day has been taken since is refused when it is accepted."""
    ag, _version = agreement(world, weekdays=(1, 3))  # Tuesdays and Thursdays
    tuesday = _weekday_on_or_after(date(christmas_year(), 12, 3), 1)
    wednesday, thursday = tuesday + timedelta(days=1), tuesday + timedelta(days=2)
    _change(world, ag.course, kind=PlanChangeKind.MOVE, day=tuesday, new_day=wednesday)
    refused = [
        {"kind": PlanChangeKind.MOVE, "day": thursday, "new_day": wednesday},
        {"kind": PlanChangeKind.EXTRA, "new_day": wednesday},
    ]
    for fields in refused:
        with pytest.raises(ValidationError) as caught:
            _change(world, ag.course, actor=world.administrator, **fields)
        assert list(caught.value.message_dict) == ["new_day"], fields
        assert "allerede en praksisdag den " + wednesday.strftime("%d.%m.%Y") in " ".join(
            caught.value.messages
        )
    days = selectors.planned_days(
        pedagogist_ids=[world.pedagogist.pk], first=tuesday, last=thursday
    )
    assert [p.day for p in days] == [wednesday, thursday]

    # An extra day taken twice: the second is refused under the new day, not the practice day.
    friday = tuesday + timedelta(days=3)
    _change(world, ag.course, kind=PlanChangeKind.EXTRA, new_day=friday)
    with pytest.raises(ValidationError) as caught:
        _change(world, ag.course, kind=PlanChangeKind.EXTRA, new_day=friday)
    assert list(caught.value.message_dict) == ["new_day"]

    # A leader's proposal onto a taken day is refused; one whose day is taken after it was
    # proposed cannot be accepted.
    next_tuesday = tuesday + timedelta(weeks=1)
    with pytest.raises(ValidationError):
        _change(
            world,
            ag.course,
            actor=world.leader,
            proposal=True,
            kind=PlanChangeKind.MOVE,
            day=next_tuesday,
            new_day=friday,
        )
    next_monday = next_tuesday - timedelta(days=1)
    proposal = _change(
        world,
        ag.course,
        actor=world.leader,
        proposal=True,
        kind=PlanChangeKind.MOVE,
        day=next_tuesday,
        new_day=next_monday,
    )
    # The proposal holds its own day: accepting it is not refused by itself.
    services.plan_change_accept(actor=world.pedagogist.user, change_id=proposal.pk)
    assert PlanChange.objects.get(pk=proposal.pk).status == PlanChangeStatus.ACCEPTED
    assert PlanChange.objects.count() == 3


def test_a_day_is_moved_onto_a_practice_day_whose_own_practice_was_moved_away(world):
    """The QA moved a Tuesday to a Wednesday and then the Thursday onto the Tuesday, free now:
    it was refused as a clash. A day whose own practice is moved away (or cancelled) takes
    another; a day still holding its practice (a new time on the same day too), or one another
    change already gives a day, is refused; and the day is not given back under the new one."""
    ag, _version = agreement(world, weekdays=(1, 3))  # Tuesdays and Thursdays
    course = ag.course
    tuesday = _weekday_on_or_after(date(christmas_year(), 12, 3), 1)
    wednesday, thursday = tuesday + timedelta(days=1), tuesday + timedelta(days=2)
    away = _change(world, course, kind=PlanChangeKind.MOVE, day=tuesday, new_day=wednesday)
    onto = _change(world, course, kind=PlanChangeKind.MOVE, day=thursday, new_day=tuesday)
    assert onto.status == PlanChangeStatus.ACCEPTED
    days = selectors.planned_days(
        pedagogist_ids=[world.pedagogist.pk], first=tuesday, last=thursday
    )
    assert [(p.day, p.moved_from) for p in days] == [(tuesday, thursday), (wednesday, tuesday)]
    # The Tuesday is taken again: an extra day there is a real clash.
    with pytest.raises(ValidationError) as caught:
        _change(
            world, course, actor=world.administrator, kind=PlanChangeKind.EXTRA, new_day=tuesday
        )
    assert list(caught.value.message_dict) == ["new_day"]
    assert "allerede en praksisdag den " + tuesday.strftime("%d.%m.%Y") in caught.value.messages[0]
    # Undoing the move away would put two practice days on the Tuesday: refused, with the way.
    with pytest.raises(StateError) as refused:
        services.plan_change_withdraw(actor=world.pedagogist.user, change_id=away.pk)
    assert tuesday.strftime("%d.%m.%Y") in refused.value.message
    assert PlanChange.objects.get(pk=away.pk).status == PlanChangeStatus.ACCEPTED
    services.plan_change_withdraw(actor=world.pedagogist.user, change_id=onto.pk)
    services.plan_change_withdraw(actor=world.pedagogist.user, change_id=away.pk)

    # A practice day that still holds its practice is a clash: as agreed, or at a new time.
    week = timedelta(weeks=1)
    with pytest.raises(ValidationError) as caught:
        _change(
            world, course, kind=PlanChangeKind.MOVE, day=thursday + week, new_day=tuesday + week
        )
    assert list(caught.value.message_dict) == ["new_day"]
    assert "allerede en praksisdag i dette forløb" in caught.value.messages[0]
    _change(
        world,
        course,
        kind=PlanChangeKind.MOVE,
        day=tuesday + week,
        new_day=tuesday + week,
        new_time_from=time(13),
        new_time_to=time(15),
    )
    with pytest.raises(ValidationError):
        _change(
            world, course, kind=PlanChangeKind.MOVE, day=thursday + week, new_day=tuesday + week
        )

    # A cancelled day is free too (the first week is as agreed again): a leader's proposal onto
    # it is made and accepted.
    _change(world, course, kind=PlanChangeKind.CANCEL, day=tuesday)
    proposal = _change(
        world,
        course,
        actor=world.leader,
        proposal=True,
        kind=PlanChangeKind.MOVE,
        day=thursday,
        new_day=tuesday,
    )
    services.plan_change_accept(actor=world.pedagogist.user, change_id=proposal.pk)
    days = selectors.planned_days(
        pedagogist_ids=[world.pedagogist.pk], first=tuesday, last=thursday
    )
    assert [(p.day, p.moved_from) for p in days] == [(tuesday, thursday)]


def test_a_day_moved_onto_a_freed_day_lapses_only_with_the_change_that_freed_it(world):
    """An adjustment that keeps Tuesdays and Thursdays keeps a Thursday moved onto a Tuesday
    whose practice moved to a Wednesday; one that makes the Wednesday a practice day lapses the
    move away, and with it the move onto the Tuesday that is no longer free."""
    year = christmas_year()
    ag, _version = agreement(world, weekdays=(1, 3), time_from=time(9), time_to=time(12))
    tue = _weekday_on_or_after(date(year, 12, 10), 1)
    wed, thu = tue + timedelta(days=1), tue + timedelta(days=2)
    away = _change(world, ag.course, kind=PlanChangeKind.MOVE, day=tue, new_day=wed)
    onto = _change(world, ag.course, kind=PlanChangeKind.MOVE, day=thu, new_day=tue)
    _adjust(world, ag.pk, weekdays=(1, 3), time_from=time(8), time_to=time(11))
    for change in (away, onto):
        change.refresh_from_db()
        assert change.status == PlanChangeStatus.ACCEPTED, change
    _adjust(world, ag.pk, weekdays=(1, 2, 3), time_from=time(8), time_to=time(11))
    for change in (away, onto):
        change.refresh_from_db()
        assert change.status == PlanChangeStatus.LAPSED, change
    days = selectors.planned_days(pedagogist_ids=[world.pedagogist.pk], first=tue, last=thu)
    assert [(p.day, p.change_id) for p in days] == [(tue, None), (wed, None), (thu, None)]


def test_a_moved_day_of_a_course_with_two_pedagogists_is_listed_once(world):
    """The absence message lists the days the absent pedagogist loses: a day moved to a week
    with no ordinary day is hers once, not once for each pedagogist of the course."""
    from indsats.models import Allocation
    from tests import factories

    ag, _version = agreement(world, weekdays=(1,))  # Tuesdays
    colleague = factories.PedagogistFactory()
    Allocation.objects.create(request=ag.request, pedagogist=colleague, weekly_hours=3)
    tuesday = _weekday_on_or_after(date(christmas_year(), 12, 3), 1)
    friday = tuesday + timedelta(days=3)
    _change(world, ag.course, kind=PlanChangeKind.MOVE, day=tuesday, new_day=friday)
    days = selectors.planned_days(pedagogist_ids=[world.pedagogist.pk], first=friday, last=friday)
    assert [(p.day, p.pedagogist_id) for p in days] == [(friday, world.pedagogist.pk)]
    both = selectors.planned_days(
        pedagogist_ids=[world.pedagogist.pk, colleague.pk], first=friday, last=friday
    )
    assert sorted(p.pedagogist_id for p in both) == sorted([world.pedagogist.pk, colleague.pk])
    absence = services.absence_record(
        actor=world.pedagogist.user,
        pedagogist_id=world.pedagogist.pk,
        data=AbsenceInput(kind=AbsenceKind.OTHER, starts_on=friday, ends_on=friday),
    )
    assert [p.day for p in selectors.affected_practice_days(absence)] == [friday]
    note = Notification.objects.get(kind=NotificationKind.ABSENCE)
    assert note.body_text.count("\n- ") == 1


def test_a_change_is_withdrawn_before_its_day_and_the_day_is_free_again(client, world):
    """The QA could neither undo a moved day nor cancel it again: the pedagogist takes the
    change back from the course's page, the leaders are told, the plan is as agreed on its
    days, and the day can be changed anew. A second click gets a message; a leader cannot take
    back a change in the plan (404); a change whose day has passed stays."""
    from django.urls import reverse

    ag, _version = agreement(world, weekdays=(1,))
    tuesday = _weekday_on_or_after(date(christmas_year(), 12, 3), 1)
    friday = tuesday + timedelta(days=3)
    change = _change(world, ag.course, kind=PlanChangeKind.MOVE, day=tuesday, new_day=friday)
    url = reverse("plan_change_withdraw", args=[change.pk])
    page = reverse("course_detail", args=[ag.course.pk])

    client.force_login(world.leader)
    assert "Fortryd ændringen" not in client.get(page).content.decode()
    assert client.post(url).status_code == 404
    client.force_login(world.outsider_pedagogist.user)
    assert client.post(url).status_code == 404

    client.force_login(world.pedagogist.user)
    assert "Fortryd ændringen" in client.get(page).content.decode()
    response = client.post(url, follow=True)
    assert "Ændringen er fortrudt" in response.content.decode()
    change.refresh_from_db()
    assert change.status == PlanChangeStatus.WITHDRAWN
    assert change.withdrawn_by == world.pedagogist.user
    assert _notes("plan_change_withdrawn") == ["lene@example.dk"]
    days = selectors.planned_days(pedagogist_ids=[world.pedagogist.pk], first=tuesday, last=friday)
    assert [p.day for p in days] == [tuesday]
    # A second click (from a tab that was out of date) is told it is already undone.
    body = client.post(url, follow=True).content.decode()
    assert "Ændringen er allerede fortrudt." in body
    assert "hverken i planen eller venter på svar" not in body
    # The day is free for another change.
    again = _change(world, ag.course, kind=PlanChangeKind.CANCEL, day=tuesday)
    assert again.status == PlanChangeStatus.ACCEPTED

    # A change whose day has passed is not withdrawn.
    PlanChange.objects.filter(pk=again.pk).update(day=tuesday - timedelta(weeks=52))
    with pytest.raises(StateError):
        services.plan_change_withdraw(actor=world.pedagogist.user, change_id=again.pk)


def test_a_leader_withdraws_her_own_proposal(client, world):
    from django.urls import reverse

    ag, _version = agreement(world, weekdays=(1,))
    tuesday = _weekday_on_or_after(date(christmas_year(), 12, 3), 1)
    proposal = _change(
        world,
        ag.course,
        actor=world.leader,
        proposal=True,
        kind=PlanChangeKind.CANCEL,
        day=tuesday,
        reason="Udflugt",
    )
    client.force_login(world.leader)
    html = client.get(reverse("course_detail", args=[ag.course.pk])).content.decode()
    assert "Træk forslaget tilbage" in html
    # The QA's leader read "Ændringen er fortrudt": it is her proposal, and it is withdrawn.
    body = client.post(reverse("plan_change_withdraw", args=[proposal.pk]), follow=True)
    body = body.content.decode()
    assert "Forslaget er trukket tilbage; planen er uændret." in body
    assert "fortrudt" not in body.lower()
    assert "Trukket tilbage" in body and "forslaget trukket tilbage af Lene Leder" in body
    proposal.refresh_from_db()
    assert proposal.status == PlanChangeStatus.WITHDRAWN
    # The pedagogist, who was asked to answer it, is told; it can no longer be accepted.
    assert _notes("plan_change_withdrawn") == ["paula@example.dk"]
    with pytest.raises(StateError):
        services.plan_change_accept(actor=world.pedagogist.user, change_id=proposal.pk)
    # A second click is told the proposal is already withdrawn.
    body = client.post(reverse("plan_change_withdraw", args=[proposal.pk]), follow=True)
    assert "Forslaget er allerede trukket tilbage." in body.content.decode()


def test_undoing_a_change_in_the_plan_says_what_is_as_agreed_again(client, world):
    """A change in the plan is undone (fortrudt), and the message says what the plan holds
    again: the cancelled day, the moved day on its own day, its own times, no extra day."""
    ag, _version = agreement(world, weekdays=(1,))
    tuesday = _weekday_on_or_after(date(christmas_year(), 12, 3), 1)
    week = timedelta(weeks=1)
    friday = tuesday + timedelta(days=3)
    d = "%d.%m.%Y"
    cases = [
        (
            {"kind": PlanChangeKind.CANCEL, "day": tuesday},
            f"Ændringen er fortrudt: {tuesday:{d}} er igen en praksisdag, som aftalt.",
        ),
        (
            {"kind": PlanChangeKind.MOVE, "day": tuesday + week, "new_day": friday + week},
            f"Ændringen er fortrudt: praksisdagen ligger igen {tuesday + week:{d}}, som aftalt, "
            f"ikke {friday + week:{d}}.",
        ),
        (
            {
                "kind": PlanChangeKind.MOVE,
                "day": tuesday,
                "new_day": tuesday,
                "new_time_from": time(13),
                "new_time_to": time(15),
            },
            f"Ændringen er fortrudt: praksisdagen {tuesday:{d}} har igen de aftalte tider.",
        ),
        (
            {"kind": PlanChangeKind.EXTRA, "new_day": friday},
            f"Ændringen er fortrudt: den ekstra dag {friday:{d}} er taget ud af planen.",
        ),
    ]
    client.force_login(world.pedagogist.user)
    for fields, message in cases:
        change = _change(world, ag.course, **fields)
        body = client.post(reverse("plan_change_withdraw", args=[change.pk]), follow=True)
        body = body.content.decode()
        assert message in body, fields
        assert "trukket tilbage" not in body.lower()
    assert "fortrudt af Paula Pædagog" in body


def test_withdrawing_an_answered_or_lapsed_proposal_says_what_became_of_it(client, world):
    """Every refusal on the withdraw path names a proposal a proposal and a change a change."""
    ag, _version = agreement(world, weekdays=(1,))
    tuesday = _weekday_on_or_after(date(christmas_year(), 12, 3), 1)
    week = timedelta(weeks=1)

    def propose(day):
        return _change(
            world,
            ag.course,
            actor=world.leader,
            proposal=True,
            kind=PlanChangeKind.CANCEL,
            day=day,
            reason="Udflugt",
        )

    declined = propose(tuesday)
    services.plan_change_decline(actor=world.pedagogist.user, change_id=declined.pk)
    client.force_login(world.leader)
    body = client.post(reverse("plan_change_withdraw", args=[declined.pk]), follow=True)
    assert "Forslaget er afvist; der er intet at trække tilbage." in body.content.decode()

    accepted = propose(tuesday + week)
    services.plan_change_accept(actor=world.pedagogist.user, change_id=accepted.pk)
    with pytest.raises(StateError) as caught:
        services.plan_change_withdraw(
            actor=world.leader, change_id=accepted.pk, seen_status=PlanChangeStatus.PROPOSED
        )
    assert caught.value.message == (
        "Forslaget er blevet godkendt i mellemtiden og er nu i planen; se forløbets side."
    )

    passed = propose(tuesday + 2 * week)
    PlanChange.objects.filter(pk=passed.pk).update(day=tuesday - 2 * week)
    with pytest.raises(StateError) as caught:
        services.plan_change_withdraw(actor=world.leader, change_id=passed.pk)
    assert caught.value.message == "Forslagets dag er gået; det kan ikke trækkes tilbage."

    lapsed_proposal = propose(tuesday + 3 * week)
    lapsed_change = _change(world, ag.course, kind=PlanChangeKind.CANCEL, day=tuesday + 4 * week)
    PlanChange.objects.filter(pk__in=[lapsed_proposal.pk, lapsed_change.pk]).update(
        status=PlanChangeStatus.LAPSED
    )
    with pytest.raises(StateError) as caught:
        services.plan_change_withdraw(actor=world.leader, change_id=lapsed_proposal.pk)
    assert caught.value.message == (
        "Forslaget gælder ikke længere (aftalen blev justeret); der er intet at trække tilbage."
    )
    with pytest.raises(StateError) as caught:
        services.plan_change_withdraw(actor=world.pedagogist.user, change_id=lapsed_change.pk)
    assert caught.value.message == (
        "Ændringen gælder ikke længere (aftalen blev justeret); der er intet at fortryde."
    )


def test_withdrawing_is_refused_after_the_day_and_after_an_answer_in_between(world):
    """A change whose day has passed stays (the day happened as changed); a leader who takes
    back her proposal just as the pedagogist accepts it is told it was answered, and the change
    stays in the plan. The administration's withdrawal tells the pedagogist too; a withdrawn
    proposal tells her there is nothing to answer."""
    from django.utils import timezone

    ag, _version = agreement(world, weekdays=(1,))
    tuesday = _weekday_on_or_after(date(christmas_year(), 12, 3), 1)
    past_change = _change(world, ag.course, kind=PlanChangeKind.CANCEL, day=tuesday)
    PlanChange.objects.filter(pk=past_change.pk).update(
        day=timezone.localdate() - timedelta(days=1)
    )
    with pytest.raises(StateError) as caught:
        services.plan_change_withdraw(actor=world.pedagogist.user, change_id=past_change.pk)
    assert "dag er gået" in caught.value.message

    next_tuesday = tuesday + timedelta(weeks=1)
    proposal = _change(
        world,
        ag.course,
        actor=world.leader,
        proposal=True,
        kind=PlanChangeKind.CANCEL,
        day=next_tuesday,
        reason="Udflugt",
    )
    services.plan_change_accept(actor=world.pedagogist.user, change_id=proposal.pk)
    with pytest.raises(StateError):
        services.plan_change_withdraw(
            actor=world.leader, change_id=proposal.pk, seen_status=PlanChangeStatus.PROPOSED
        )
    assert PlanChange.objects.get(pk=proposal.pk).status == PlanChangeStatus.ACCEPTED

    services.plan_change_withdraw(actor=world.administrator, change_id=proposal.pk)
    assert sorted(_notes("plan_change_withdrawn")) == ["lene@example.dk", "paula@example.dk"]

    third = _change(
        world,
        ag.course,
        actor=world.leader,
        proposal=True,
        kind=PlanChangeKind.CANCEL,
        day=next_tuesday + timedelta(weeks=1),
        reason="Udflugt",
    )
    services.plan_change_withdraw(actor=world.leader, change_id=third.pk)
    note = (
        Notification.objects.filter(
            template="plan_change_withdrawn", recipient__email="paula@example.dk"
        )
        .order_by("-pk")
        .first()
    )
    assert "trukket forslaget" in note.body_text and "intet at svare på" in note.body_text


def _adjust(world, agreement_id, **changes):
    """Version 2 with other fields (weekdays, times), signed by both: in force now."""
    from dataclasses import replace

    from indsats.agreements import services as agreements_services
    from tests.factories import PASSWORD

    draft = agreements_services.agreement_adjust(
        actor=world.pedagogist.user, agreement_id=agreement_id
    )
    agreements_services.agreement_draft_update(
        actor=world.pedagogist.user, version_id=draft.pk, content=replace(draft.parsed, **changes)
    )
    agreements_services.agreement_send_for_signature(
        actor=world.pedagogist.user, version_id=draft.pk
    )
    for user in (world.leader, world.pedagogist.user):
        agreements_services.agreement_sign(actor=user, version_id=draft.pk, password=PASSWORD)
    draft.refresh_from_db()
    return draft


def test_changes_that_no_longer_fit_an_adjusted_agreement_lapse(client, world):
    """Tuesdays and Fridays become Mondays and Wednesdays: a move from a Tuesday to a
    Wednesday, a cancelled Friday and an extra Monday no longer apply (the plan has no
    Wednesday twice), a move from a Tuesday to a Thursday neither; the week plan, the planned
    days and the course page follow the agreement in force, and leader and pedagogist hear."""
    year = christmas_year()
    ag, _version = agreement(world, weekdays=(1, 4), time_from=time(9), time_to=time(12))
    course = ag.course
    tue, wed, fri = date(year, 12, 22), date(year, 12, 23), date(year, 12, 18)
    mon, tue_before, thu_before = date(year, 12, 14), date(year, 12, 15), date(year, 12, 17)
    moved = _change(
        world,
        course,
        kind=PlanChangeKind.MOVE,
        day=tue,
        new_day=wed,
        new_time_from=time(9),
        new_time_to=time(12, 30),
    )
    cancelled = _change(world, course, kind=PlanChangeKind.CANCEL, day=fri)
    extra = _change(world, course, kind=PlanChangeKind.EXTRA, new_day=mon)
    proposed = _change(
        world,
        course,
        actor=world.leader,
        proposal=True,
        kind=PlanChangeKind.MOVE,
        day=tue_before,
        new_day=thu_before,
    )
    Notification.objects.all().delete()

    version = _adjust(world, ag.pk, weekdays=(0, 2))
    assert version.status == "in_force"
    for change in (moved, cancelled, extra, proposed):
        change.refresh_from_db()
        assert change.status == PlanChangeStatus.LAPSED, change
    assert sorted(_notes("plan_change_lapsed")) == ["lene@example.dk", "paula@example.dk"]

    # One ordinary 09-12 block on the Wednesday, nothing on the Tuesday.
    days = selectors.planned_days(pedagogist_ids=[world.pedagogist.pk], first=tue, last=wed)
    assert [(p.day, p.time_from, p.time_to, p.change_id) for p in days] == [
        (wed, time(9), time(12), None)
    ]
    (week,) = week_plan(week_plan_scope_for(world.leader), date(year, 12, 21))
    assert [e.kind for e in week.days[1].entries] == []
    assert [(e.kind, e.time_from) for e in week.days[2].entries] == [("practice", time(9))]
    # The Monday of the extra day is an ordinary day, once.
    mondays = selectors.planned_days(pedagogist_ids=[world.pedagogist.pk], first=mon, last=mon)
    assert [(p.day, p.change_id) for p in mondays] == [(mon, None)]

    client.force_login(world.leader)
    page = client.get(f"/forloeb/{course.pk}/").content.decode()
    assert page.count("Gælder ikke længere") == 4
    assert "I planen" not in page
    # The days are free for new changes under the new plan.
    again = _change(world, course, kind=PlanChangeKind.CANCEL, day=wed)
    assert again.status == PlanChangeStatus.ACCEPTED


def test_changes_that_still_fit_an_adjusted_agreement_stay(world):
    year = christmas_year()
    ag, _version = agreement(world, weekdays=(1, 4), time_from=time(9), time_to=time(12))
    fri = date(year, 12, 18)
    cancelled = _change(world, ag.course, kind=PlanChangeKind.CANCEL, day=fri)
    _adjust(world, ag.pk, weekdays=(0, 4), time_from=time(8), time_to=time(11))
    cancelled.refresh_from_db()
    assert cancelled.status == PlanChangeStatus.ACCEPTED
    assert selectors.planned_days(pedagogist_ids=[world.pedagogist.pk], first=fri, last=fri) == []


def test_a_day_is_moved_only_to_daytime(world):
    """The institution's opening hours (06:30-17:00) are the rule, also far outside them: the
    message never names a general 06:00-18:00 that would contradict them."""
    ag, _version = agreement(world, weekdays=(1,), time_from=time(9), time_to=time(12))
    tuesday = _weekday_on_or_after(date(christmas_year(), 12, 8), 1)
    for start, end, field in (
        (time(23), time(23, 59), "new_time_to"),
        (time(5), time(8), "new_time_from"),
        (time(6), time(8), "new_time_from"),
        (time(14), time(18, 30), "new_time_to"),
    ):
        with pytest.raises(ValidationError) as refused:
            _change(
                world,
                ag.course,
                kind=PlanChangeKind.MOVE,
                day=tuesday,
                new_day=tuesday + timedelta(days=1),
                new_time_from=start,
                new_time_to=end,
            )
        assert refused.value.message_dict[field] == [
            f"{world.institution.name} har åbent 06:30-17:00; praksisdagen skal ligge "
            "inden for åbningstiden."
        ]
    assert not PlanChange.objects.exists()
    # Inside the opening hours the day is made.
    change = _change(
        world,
        ag.course,
        kind=PlanChangeKind.EXTRA,
        new_day=tuesday + timedelta(days=2),
        new_time_from=time(6, 30),
        new_time_to=time(17),
    )
    assert change.status == PlanChangeStatus.ACCEPTED


def test_a_day_moved_to_itself_is_refused_unless_its_times_change(client, world):
    ag, _version = agreement(world, weekdays=(2,), time_from=time(9), time_to=time(12))
    wednesday = _weekday_on_or_after(date(christmas_year(), 12, 14), 2)
    refused = (
        "Den nye dag er selve praksisdagen med dens sædvanlige tider: vælg en anden dag eller "
        "andre tider."
    )
    for times in ({}, {"new_time_from": time(9), "new_time_to": time(12)}):
        with pytest.raises(ValidationError) as caught:
            _change(
                world,
                ag.course,
                kind=PlanChangeKind.MOVE,
                day=wednesday,
                new_day=wednesday,
                **times,
            )
        assert caught.value.message_dict == {"new_day": [refused]}
    # The form keeps what was typed and says it under the new day.
    client.force_login(world.pedagogist.user)
    response = client.post(
        reverse("plan_change_create", args=[ag.course.pk]),
        {
            "plan-kind": PlanChangeKind.MOVE,
            "plan-day": wednesday.isoformat(),
            "plan-new_day": wednesday.isoformat(),
            "plan-new_time_from": "09:00",
            "plan-new_time_to": "12:00",
            "plan-reason": "Forældremøde",
        },
    )
    assert response.status_code == 200
    assert refused in response.content.decode()
    assert not PlanChange.objects.exists() and not _notes("plan_change_made")
    # Other times the same day: a change of time, and the leaders are told so.
    _change(
        world,
        ag.course,
        kind=PlanChangeKind.MOVE,
        day=wednesday,
        new_day=wednesday,
        new_time_from=time(13),
        new_time_to=time(15),
    )
    note = Notification.objects.get(kind=NotificationKind.PLAN_CHANGE, template="plan_change_made")
    assert (
        f"Praksisdagen onsdag {wednesday.day}. december {wednesday.year} får nye tider: "
        "13:00–15:00."
    ) in note.body_text
    assert "flyttes til" not in note.body_text
