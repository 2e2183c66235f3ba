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


def _clear():
    return Notification.objects.filter(template="meeting_move_not_needed").order_by("pk")


def test_a_cancelled_absence_tells_the_administration_the_meeting_can_be_held(client, world):
    monday = _monday()
    second = factories.UserFactory(
        email="anne@example.dk", name="Anne Administration", role=Role.ADMINISTRATION
    )
    meeting = _meeting(world, monday)
    # Another of hers that the absence does not fall on: nothing to take back.
    _meeting(world, monday + timedelta(days=1))
    Notification.objects.all().delete()
    absence = _record(world, monday)
    assert _told().count() == 2 and not _told().filter(read_at__isnull=False).exists()

    client.force_login(world.pedagogist.user)
    response = client.post(reverse("absence_cancel", args=[absence.pk]), follow=True)

    told = list(_clear())
    assert sorted((n.recipient.email, n.object_id) for n in told) == [
        ("anne@example.dk", meeting.pk),
        ("frida@example.dk", meeting.pk),
    ]
    note = told[0]
    assert note.kind == NotificationKind.MEETINGS
    assert note.url == reverse("triage_detail", args=[meeting.request_id])
    assert note.subject == f"Kan holdes som planlagt: indsatsmøde i {meeting.request.place}"
    body = note.body_text
    assert (
        f"(anmodning nr. {meeting.request_id}) behøver ikke længere at blive flyttet; det kan "
        "holdes som planlagt:"
    ) in body
    assert "- Paula Pædagog er ikke længere registreret fraværende på mødets tidspunkt." in body
    assert "Personalerummet" in body and "09:00–10:30" in body
    assert f"/visitation/{meeting.request_id}/" in body
    assert "Sygdom" not in body and "sygdom" not in body and "Influenza" not in body
    # What the earlier messages asked for no longer holds: they are read.
    assert not _told().filter(read_at__isnull=True).exists()
    # The pedagogist reads that the administration knows.
    assert "kan holdes som planlagt; forvaltningen har fået besked." in response.content.decode()

    # Once: told again, the same absence and meeting give no second message.
    from forloeb.plan.meetings import tell_administration_clear

    assert tell_administration_clear(absence, [meeting], actor=world.pedagogist.user) == []
    assert _clear().count() == 2
    assert second.notifications.filter(template="meeting_move_not_needed").count() == 1


def test_no_all_clear_while_another_participant_is_still_absent(world):
    monday = _monday()
    other = factories.PedagogistFactory(user__email="pia@example.dk", user__name="Pia Pædagog")
    factories.UserFactory(email="anne@example.dk", role=Role.ADMINISTRATION)
    meeting = _meeting(
        world, monday, participants=[world.leader, world.pedagogist.user, other.user]
    )
    Notification.objects.all().delete()
    hers = _record(world, monday)
    theirs = services.absence_record(
        actor=other.user,
        pedagogist_id=other.pk,
        data=AbsenceInput(
            kind=AbsenceKind.COURSE,
            starts_on=monday,
            ends_on=monday,
            time_from=time(10),
            time_to=time(12),
        ),
    )
    assert _told().count() == 4

    # Pia is still away at its time: the meeting should still be moved, and nobody hears
    # otherwise; the messages that say so stay unread.
    services.absence_cancel(actor=world.pedagogist.user, absence_id=hers.pk)
    assert not _clear().exists()
    assert not _told().filter(read_at__isnull=False).exists()

    # Now nobody is: one message each to the administration, but not to the one of it who
    # cancelled it (she saw it on the page); her own message to move it is read too.
    services.absence_cancel(actor=world.administrator, absence_id=theirs.pk)
    (note,) = _clear()
    assert note.recipient.email == "anne@example.dk" and note.object_id == meeting.pk
    assert "Pia Pædagog er ikke længere registreret fraværende" in note.body_text
    assert "Paula" not in note.body_text
    assert not _told().filter(read_at__isnull=True).exists()


def test_a_meeting_moved_away_from_the_absence_gets_no_all_clear(world):
    monday = _monday()
    factories.UserFactory(email="anne@example.dk", role=Role.ADMINISTRATION)
    meeting = _meeting(world, monday)
    absence = _record(world, monday)
    assert _told().count() == 2
    # The administration moved it, as asked: the cancelled absence changes nothing for it.
    requests_services.meeting_move(
        actor=world.administrator,
        meeting_id=meeting.pk,
        starts_at=at_local(monday + timedelta(days=1), time(9)),
        ends_at=at_local(monday + timedelta(days=1), time(10)),
        place="Personalerummet",
        participants=[world.leader, world.pedagogist.user],
    )
    services.absence_cancel(actor=world.pedagogist.user, absence_id=absence.pk)
    assert not _clear().exists()


def _meeting_form(day, start="09:00", end="10:00", participants=()):
    return {
        "date": day.isoformat(),
        "start": start,
        "end": end,
        "place": "Personalerummet",
        "participants": [p.pk for p in participants],
    }


def _said(client, url, form) -> list[tuple[str, str]]:
    """The messages shown on the page the form leads to."""
    response = client.post(url, form, follow=True)
    assert response.redirect_chain, response.content.decode()
    return [(m.level_tag, str(m)) for m in response.context["messages"]]


def test_planning_or_moving_a_meeting_onto_an_absence_tells_the_one_who_does_it(client, world):
    monday = _monday()
    tuesday = monday + timedelta(days=1)
    _record(world, monday)
    req = make_request(world, submit=True)
    accept(world, req)
    client.force_login(world.administrator)
    people = (world.leader, world.pedagogist.user)
    warning = ("warning", "Paula Pædagog er fraværende den dag – mødet bør flyttes.")

    said = _said(
        client, reverse("meeting_create", args=[req.pk]), _meeting_form(monday, participants=people)
    )
    assert said == [("success", "Indsatsmødet er planlagt, og invitationerne er sendt."), warning]
    # Never why she is away.
    assert not any("Sygdom" in text or "Influenza" in text for _level, text in said)

    # Moved to a day she is there: nothing more to say; moved into her absence again: told.
    meeting = req.meetings.get()
    moved = ("success", "Mødet er flyttet, og deltagerne har fået besked.")
    url = reverse("meeting_edit", args=[meeting.pk])
    assert _said(client, url, _meeting_form(tuesday, participants=people)) == [moved]
    assert _said(client, url, _meeting_form(monday, "13:00", "14:00", participants=people)) == [
        moved,
        warning,
    ]
