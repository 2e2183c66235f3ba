"""An absence on an intake meeting: the administration, which moves meetings, is told of each
meeting (the QA's administration only saw a warning when it happened to open triage)."""

from datetime import date, time, timedelta

from django.urls import reverse

from forloeb.models import AbsenceKind
from forloeb.plan import services
from forloeb.plan.services import AbsenceInput
from indsats.models import IntakeMeeting
from indsats.requests import services as requests_services
from institutioner.models import (
    Notification,
    NotificationKind,
    NotificationOptOut,
    NotificationStatus,
    Role,
)
from institutioner.workdays import at_local
from tests import factories
from tests.forloeb.plan.helpers import christmas_year
from tests.indsats.helpers import accept, make_request


def _monday() -> date:
    """A Monday before Christmas (14.12 in 2026), a working day ahead."""
    day = date(christmas_year(), 12, 8)
    return day + timedelta(days=(0 - day.weekday()) % 7)


def _meeting(world, day, start=time(9), end=time(10, 30), participants=None) -> IntakeMeeting:
    req = make_request(world, submit=True)
    accept(world, req)
    return requests_services.meeting_plan(
        actor=world.administrator,
        request_id=req.pk,
        starts_at=at_local(day, start),
        ends_at=at_local(day, end),
        place="Personalerummet",
        participants=participants or [world.leader, world.pedagogist.user],
    )


def _record(world, first, last=None, actor=None, **times):
    return services.absence_record(
        actor=actor or world.pedagogist.user,
        pedagogist_id=world.pedagogist.pk,
        data=AbsenceInput(
            kind=AbsenceKind.ILLNESS,
            starts_on=first,
            ends_on=last or first,
            note="Influenza",
            **times,
        ),
    )


def _told():
    return Notification.objects.filter(template="meeting_move_needed").order_by("pk")


def test_the_administration_is_told_once_per_meeting_an_absence_falls_on(client, world):
    monday = _monday()
    wednesday = monday + timedelta(days=2)
    second = factories.UserFactory(
        email="anne@example.dk", name="Anne Administration", role=Role.ADMINISTRATION
    )
    factories.UserFactory(
        email="gone@example.dk", name="Gitte Gået", role=Role.ADMINISTRATION, is_active=False
    )
    # Anne has switched e-mails about intake meetings off: she reads it in the app only.
    NotificationOptOut.objects.create(user=second, kind=NotificationKind.MEETINGS)
    first_meeting = _meeting(world, monday)
    second_meeting = _meeting(world, wednesday, time(13), time(14))
    # Not hers (she is not at it), and one that is cancelled: neither is told of.
    _meeting(world, wednesday - timedelta(days=1), participants=[world.leader])
    cancelled = _meeting(world, wednesday)
    requests_services.meeting_cancel(actor=world.administrator, meeting_id=cancelled.pk)
    Notification.objects.all().delete()

    absence = _record(world, monday, wednesday)

    told = list(_told())
    meetings = {m.pk: m for m in (first_meeting, second_meeting)}
    assert sorted((n.recipient.email, n.object_id) for n in told) == sorted(
        (email, meeting.pk)
        for email in ("frida@example.dk", "anne@example.dk")
        for meeting in (first_meeting, second_meeting)
    )
    for note in told:
        assert note.kind == NotificationKind.MEETINGS
        assert note.url == reverse("triage_detail", args=[meetings[note.object_id].request_id])
        assert note.status == (
            NotificationStatus.IN_APP if note.recipient == second else NotificationStatus.PENDING
        )
    note = told[0]
    meeting = meetings[note.object_id]
    assert note.subject == f"Bør flyttes: indsatsmøde i {meeting.request.place}"
    body = note.body_text
    assert f"(anmodning nr. {meeting.request_id}) bør flyttes:" in body
    assert "- Paula Pædagog er fraværende den dag – mødet bør flyttes." in body
    assert "Personalerummet" in body and "09:00–10:30" in body
    assert f"/visitation/{meeting.request_id}/" in body
    # Never why she is away: illness is health data.
    assert "Sygdom" not in body and "sygdom" not in body and "Influenza" not in body
    # In the administration's inbox, opening on the request's triage page.
    client.force_login(second)
    assert note.subject in client.get(reverse("notifications")).content.decode()

    # Once: the same absence and meeting never give a second message.
    from forloeb.plan.meetings import tell_administration

    assert tell_administration(absence, [first_meeting], actor=world.pedagogist.user) == 0
    assert _told().count() == 4


def test_only_an_absence_at_the_meetings_time_tells_and_not_whoever_recorded_it(world):
    monday = _monday()
    meeting = _meeting(world, monday)
    Notification.objects.all().delete()
    # An afternoon away beside a morning meeting takes nothing from it.
    _record(world, monday, time_from=time(12), time_to=time(15))
    assert not _told().exists()
    # A part of the day across the meeting does; recorded by the administration, the one who
    # recorded it (and saw the warning on the page) is not told, the rest of it is.
    other = factories.UserFactory(email="anne@example.dk", role=Role.ADMINISTRATION)
    _record(world, monday, actor=world.administrator, time_from=time(8), time_to=time(10))
    (note,) = _told()
    assert (note.recipient, note.object_id) == (other, meeting.pk)
    assert "Paula Pædagog er fraværende kl. 08:00–10:00 den dag – mødet bør flyttes." in (
        note.body_text
    )


def test_the_pedagogist_who_records_it_reads_that_the_administration_is_told(client, world):
    monday = _monday()
    _meeting(world, monday)
    client.force_login(world.pedagogist.user)
    response = client.post(
        reverse("absence_create"),
        {
            "pedagogist": world.pedagogist.pk,
            "kind": AbsenceKind.TRAINING_DAY,
            "starts_on": monday.isoformat(),
            "ends_on": monday.isoformat(),
            "repeat": "none",
        },
        follow=True,
    )
    page = response.content.decode()
    assert "mødet bør flyttes, og forvaltningen har fået besked." in page
    assert "sig det til forvaltningen" not in page
    assert _told().count() == 1
