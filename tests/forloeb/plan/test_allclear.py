"""The all-clear when an absence is cancelled (QA): whoever planned an intake meeting, or made,
proposed or accepted a moved or extra practice day, onto a pedagogist's recorded absence was
warned on the page, and her week plan flagged "Tjek planen"; when the absence is cancelled they
are told it can go ahead (in the app, as the warning was only on a page), once, and the flag
goes."""

from datetime import time, timedelta

from django.urls import reverse

from forloeb.access import week_plan_scope_for
from forloeb.models import AbsenceKind, PlanChangeKind
from forloeb.plan import services
from forloeb.plan.allclear import absence_all_clear
from forloeb.plan.services import AbsenceInput, ChangeInput
from forloeb.plan.weekplan import week_plan
from indsats.requests import services as requests_services
from institutioner.models import Notification, NotificationStatus
from institutioner.workdays import at_local
from tests import factories
from tests.forloeb.plan.helpers import agreement
from tests.forloeb.plan.test_clashes import _propose_extra, _thursday
from tests.indsats.helpers import accept, make_request

TEMPLATE = "absence_clash_cleared"


def _absent(world, day, **times):
    return services.absence_record(
        actor=world.pedagogist.user,
        pedagogist_id=world.pedagogist.pk,
        data=AbsenceInput(
            kind=AbsenceKind.ILLNESS, starts_on=day, ends_on=day, note="Influenza", **times
        ),
    )


def _cleared():
    return Notification.objects.filter(template=TEMPLATE).order_by("recipient__email", "pk")


def test_days_planned_onto_an_absence_get_an_all_clear_once_when_it_is_cancelled(world):
    here, _version = agreement(world, weekdays=(0,), time_from=time(9), time_to=time(12))
    thursday = _thursday()
    monday, tuesday = thursday - timedelta(days=3), thursday - timedelta(days=2)
    absence = _absent(world, tuesday)
    # Lene proposes an extra day on it, the administration takes it into the plan: both warned.
    proposal = _propose_extra(world, here.course, tuesday)
    assert (
        "fraværende"
        in services.plan_change_accept(actor=world.administrator, change_id=proposal.pk).clashes[0]
    )
    (mine,) = week_plan(week_plan_scope_for(world.pedagogist.user), monday)
    assert mine.days[1].clash and mine.flagged
    Notification.objects.all().delete()

    services.absence_cancel(actor=world.pedagogist.user, absence_id=absence.pk)

    told = list(_cleared())
    # The leader who proposed it and the administrator who accepted it; not the pedagogist,
    # who cancelled it herself.
    assert [n.recipient.email for n in told] == ["frida@example.dk", "lene@example.dk"]
    for note in told:
        # Said on a page, so told in the app only, whatever the person's e-mail choices.
        assert note.status == NotificationStatus.IN_APP
        assert "Paula Pædagog" in note.subject
        assert f"tirsdag {tuesday.day}. december" in note.body_text
        assert "Børnehuset Mariehønen" in note.body_text
        # Never why she was away.
        assert "Influenza" not in note.body_text and "ygdom" not in note.body_text
        year, week, _day = monday.isocalendar()
        assert note.url == reverse("week_plan", args=[year, week])
    # The flag goes with the absence.
    (mine,) = week_plan(week_plan_scope_for(world.pedagogist.user), monday)
    assert not mine.days[1].clash and not mine.flagged

    # Run again (a retried task): nobody is told twice.
    absence.refresh_from_db()
    assert absence_all_clear(absence, actor=world.pedagogist.user) == []
    assert _cleared().count() == 2


def test_a_meeting_planned_onto_an_absence_gets_an_all_clear(world):
    thursday = _thursday()
    absence = _absent(world, thursday)
    req = make_request(world, submit=True)
    accept(world, req)
    meeting = requests_services.meeting_plan(
        actor=world.administrator,
        request_id=req.pk,
        starts_at=at_local(thursday, time(9)),
        ends_at=at_local(thursday, time(10)),
        place="Personalerummet",
        participants=[world.leader, world.pedagogist.user],
    )
    Notification.objects.all().delete()
    # The administration cancels it for her: she, whose plan was flagged, hears it too; the
    # administrator who planned the meeting (and was warned then) cancelled it, so she is not.
    second = factories.UserFactory(email="anne@example.dk", role="administration")
    services.absence_cancel(actor=second, absence_id=absence.pk)
    told = list(_cleared())
    assert [n.recipient.email for n in told] == ["frida@example.dk", "paula@example.dk"]
    assert all(f"(anmodning nr. {req.pk})" in n.body_text for n in told)
    assert all("Personalerummet" in n.body_text for n in told)
    assert meeting.pk
    absence.refresh_from_db()
    assert absence_all_clear(absence, actor=second) == []


def test_no_all_clear_while_another_absence_still_covers_it_or_when_nobody_was_warned(world):
    here, _version = agreement(world, weekdays=(0,), time_from=time(9), time_to=time(12))
    thursday = _thursday()
    tuesday = thursday - timedelta(days=2)
    wednesday = thursday - timedelta(days=1)
    morning = _absent(world, tuesday, time_from=time(8), time_to=time(10))
    afternoon = _absent(world, tuesday, time_from=time(11), time_to=time(13))
    services.plan_change_make(
        actor=world.administrator,
        course_id=here.course.pk,
        data=ChangeInput(kind=PlanChangeKind.EXTRA, new_day=tuesday, reason="Ekstra"),
    )
    # A day added before the absence was recorded: nobody was warned when it was made.
    services.plan_change_make(
        actor=world.administrator,
        course_id=here.course.pk,
        data=ChangeInput(kind=PlanChangeKind.EXTRA, new_day=wednesday, reason="Ekstra"),
    )
    later = _absent(world, wednesday)
    services.absence_cancel(actor=world.pedagogist.user, absence_id=morning.pk)
    assert not _cleared().exists()  # the afternoon absence still takes 11-12
    services.absence_cancel(actor=world.pedagogist.user, absence_id=later.pk)
    assert not _cleared().exists()
    services.absence_cancel(actor=world.pedagogist.user, absence_id=afternoon.pk)
    (note,) = _cleared()
    assert note.recipient == world.administrator
