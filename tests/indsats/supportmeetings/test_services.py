"""The visitation meetings' services: planning, the agenda, deciding, re-visitation."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from indsats.models import (
    AgendaItem,
    AgendaItemStatus,
    AgendaPurpose,
    SupportDecision,
    SupportEvent,
    SupportEventKind,
    SupportStatus,
    VisitationMeeting,
    VisitationMeetingStatus,
)
from indsats.supportmeetings import services
from institutioner.errors import StateError
from institutioner.models import Notification, NotificationKind, StoredFile
from tests.indsats.supportmeetings.helpers import begin, grant, make_application, plan


def _item(app) -> AgendaItem:
    return AgendaItem.objects.get(application=app, status=AgendaItemStatus.WAITING)


def test_planning_puts_submitted_applications_in_time_on_the_agenda(world, consultant):
    in_time = make_application(world, days_ago=3)
    late = make_application(world, child="Sen Sofie", days_ago=-20)  # submitted after deadline
    draft = make_application(world, child="Kladde Karl", status=SupportStatus.DRAFT)
    meeting = plan(world, members=[consultant, world.administrator])
    on_agenda = set(meeting.items.values_list("application_id", flat=True))
    assert on_agenda == {in_time.pk}
    assert late.pk not in on_agenda and draft.pk not in on_agenda
    assert SupportEvent.objects.filter(
        application=in_time, kind=SupportEventKind.ON_AGENDA
    ).exists()
    # The committee is invited with a calendar invitation; the subject names no child.
    invitations = Notification.objects.filter(template="visitation_planned")
    assert {n.recipient for n in invitations} == {consultant, world.administrator}
    assert all(n.kind == NotificationKind.VISITATION_MEETINGS for n in invitations)
    invitation = invitations.first()
    assert "METHOD:REQUEST" in invitation.attachment_content
    assert f"UID:{meeting.uid}@visitation" in invitation.attachment_content
    # A second meeting does not take what already waits on the first.
    second = plan(world, days=40, deadline_days=10)
    assert not second.items.exists()


def test_moving_a_meeting_raises_the_sequence_and_cancels_for_members_taken_off(world, consultant):
    meeting = plan(world, members=[consultant, world.administrator])
    new_start = meeting.starts_at + timedelta(days=1)
    moved = services.meeting_move(
        actor=world.administrator,
        meeting_id=meeting.pk,
        starts_at=new_start,
        ends_at=new_start + timedelta(hours=1),
        place="Rådhuset, lokale 3",
        application_deadline=meeting.application_deadline,
        members=[world.administrator],
    )
    assert moved.sequence == 1
    update = Notification.objects.get(template="visitation_moved")
    assert update.recipient == world.administrator
    assert "SEQUENCE:1" in update.attachment_content
    assert f"UID:{meeting.uid}@visitation" in update.attachment_content
    removed = Notification.objects.get(template="visitation_removed")
    assert removed.recipient == consultant and "METHOD:CANCEL" in removed.attachment_content
    services.meeting_cancel(actor=world.administrator, meeting_id=meeting.pk)
    with pytest.raises(StateError, match="aflyst"):
        services.meeting_move(
            actor=world.administrator,
            meeting_id=meeting.pk,
            starts_at=new_start,
            ends_at=new_start + timedelta(hours=1),
            place="X",
            application_deadline=meeting.application_deadline,
            members=[world.administrator],
        )


def test_planning_refuses_a_deadline_after_the_meeting_and_a_time_in_the_past(world):
    start = timezone.now() + timedelta(days=3)
    with pytest.raises(ValidationError) as error:
        services.meeting_plan(
            actor=world.administrator,
            starts_at=start,
            ends_at=start + timedelta(hours=1),
            place="Rådhuset",
            application_deadline=timezone.localdate() + timedelta(days=10),
            members=[world.administrator],
        )
    assert "application_deadline" in error.value.message_dict
    # A deadline on the meeting's own day is not before the meeting either.
    with pytest.raises(ValidationError) as error:
        services.meeting_plan(
            actor=world.administrator,
            starts_at=start,
            ends_at=start + timedelta(hours=1),
            place="Rådhuset",
            application_deadline=timezone.localdate(start),
            members=[world.administrator],
        )
    assert "før mødet" in error.value.message_dict["application_deadline"][0]
    with pytest.raises(ValidationError):
        services.meeting_plan(
            actor=world.administrator,
            starts_at=timezone.now() - timedelta(days=1),
            ends_at=timezone.now(),
            place="Rådhuset",
            application_deadline=timezone.localdate() - timedelta(days=3),
            members=[world.administrator],
        )


def test_cancelling_moves_the_waiting_items_to_the_next_meeting_or_lets_them_wait(world):
    app = make_application(world)
    first = plan(world)
    second = plan(world, days=30, deadline_days=20)
    services.meeting_cancel(actor=world.administrator, meeting_id=first.pk, reason="Sygdom")
    first.refresh_from_db()
    assert first.status == VisitationMeetingStatus.CANCELLED and first.sequence == 1
    assert first.items.get().status == AgendaItemStatus.MOVED
    assert _item(app).meeting == second
    assert SupportEvent.objects.filter(application=app, kind=SupportEventKind.MOVED).exists()
    cancellation = Notification.objects.filter(template="visitation_cancelled").first()
    assert "METHOD:CANCEL" in cancellation.attachment_content
    with pytest.raises(StateError, match="aflyst"):
        services.meeting_cancel(actor=world.administrator, meeting_id=first.pk)
    # No meeting left: the application waits, and the next planned meeting takes it.
    services.meeting_cancel(actor=world.administrator, meeting_id=second.pk)
    assert not AgendaItem.objects.filter(application=app, status=AgendaItemStatus.WAITING).exists()
    third = plan(world, days=20, deadline_days=10)
    assert _item(app).meeting == third


def test_a_meeting_is_marked_held_only_once_it_has_started(world):
    meeting = plan(world)
    with pytest.raises(StateError, match="ikke begyndt"):
        services.meeting_mark_held(actor=world.administrator, meeting_id=meeting.pk)
    VisitationMeeting.objects.filter(pk=meeting.pk).update(
        starts_at=timezone.now() - timedelta(hours=2), ends_at=timezone.now() - timedelta(hours=1)
    )
    services.meeting_mark_held(actor=world.administrator, meeting_id=meeting.pk)
    with pytest.raises(StateError, match="afholdt"):
        services.meeting_mark_held(actor=world.administrator, meeting_id=meeting.pk)


def test_an_item_moves_to_another_planned_meeting(world):
    app = make_application(world)
    first = plan(world)
    second = plan(world, days=30, deadline_days=20)
    item = _item(app)
    new = services.agenda_move(actor=world.administrator, item_id=item.pk, meeting_id=second.pk)
    assert new.meeting == second and new.status == AgendaItemStatus.WAITING
    item.refresh_from_db()
    assert item.status == AgendaItemStatus.MOVED
    with pytest.raises(StateError, match="venter ikke længere"):
        services.agenda_move(actor=world.administrator, item_id=item.pk, meeting_id=first.pk)
    services.meeting_cancel(actor=world.administrator, meeting_id=first.pk)
    with pytest.raises(StateError, match="planlagt møde"):
        services.agenda_move(actor=world.administrator, item_id=new.pk, meeting_id=first.pk)


def test_a_grant_sets_the_application_tells_the_leader_and_keeps_a_letter(world):
    app = make_application(world, child="Emil Eksempel")
    plan(world)
    decision = grant(world, _item(app))
    app.refresh_from_db()
    assert app.status == SupportStatus.GRANTED
    assert app.decided_at is not None and app.revisit_on == decision.revisit_on
    assert _decided_item(app).status == AgendaItemStatus.DECIDED
    event = SupportEvent.objects.get(application=app, kind=SupportEventKind.DECIDED)
    assert decision.reasons in event.message and event.to_status == SupportStatus.GRANTED
    (told,) = Notification.objects.filter(template="support_decided")
    assert told.recipient == world.leader and told.kind == NotificationKind.SUPPORT
    assert f"Ansøgning nr. {app.pk} (Børnehuset Mariehønen, Frøen)" in told.subject
    assert "Emil" not in told.subject and "Emil" not in told.body_text
    assert StoredFile.objects.filter(producer="support_decision_letter", object_id=decision.pk)


def _decided_item(app):
    return AgendaItem.objects.get(application=app, status=AgendaItemStatus.DECIDED)


@pytest.mark.parametrize(
    ("outcome", "status"),
    [
        ("partly_granted", SupportStatus.PARTLY_GRANTED),
        ("rejected", SupportStatus.REJECTED),
        ("more_info", SupportStatus.NEEDS_INFO),
    ],
)
def test_the_other_outcomes_set_the_status(world, outcome, status):
    app = make_application(world)
    plan(world)
    grant(world, _item(app), outcome=outcome, reasons="Begrundelsen.")
    app.refresh_from_db()
    assert app.status == status
    letters = StoredFile.objects.filter(producer="support_decision_letter")
    # A decision is a letter (a grant or a rejection); a question is not.
    assert letters.exists() == (outcome in ("partly_granted", "rejected"))
    if outcome == "more_info":
        question = SupportEvent.objects.get(application=app, kind=SupportEventKind.QUESTION)
        assert question.message == "Begrundelsen."
        assert app.revisit_on is None


def test_every_refused_decision_is_a_danish_message(world):
    app = make_application(world)
    other = make_application(world, child="Anna")
    meeting = plan(world)
    second = plan(world, days=30, deadline_days=20)
    item = _item(app)
    # Not on this meeting's agenda.
    with pytest.raises(StateError, match="ikke på dette mødes dagsorden"):
        grant(world, item, meeting_id=second.pk)
    # Grants need hours, a period and a re-visitation date; reasons always; no CPR numbers.
    with pytest.raises(ValidationError) as error:
        grant(world, item, hours_per_week=None, revisit_on=None)
    assert {"hours_per_week", "revisit_on"} <= set(error.value.message_dict)
    with pytest.raises(ValidationError) as error:
        grant(world, item, outcome="rejected", reasons="  ")
    assert "reasons" in error.value.message_dict
    with pytest.raises(ValidationError):
        grant(world, item, reasons="Barnet 070589-1234")
    with pytest.raises(ValidationError) as error:
        grant(world, item, outcome="extended")
    assert "outcome" in error.value.message_dict
    # Decided twice.
    grant(world, item, meeting_id=meeting.pk)
    with pytest.raises(StateError, match="allerede afgjort"):
        grant(world, item)
    # Moved away.
    moved_from = _item(other)
    services.agenda_move(actor=world.administrator, item_id=moved_from.pk, meeting_id=second.pk)
    with pytest.raises(StateError, match="flyttet"):
        grant(world, moved_from)
    # On a cancelled meeting.
    services.meeting_cancel(actor=world.administrator, meeting_id=second.pk)
    later = plan(world, days=40, deadline_days=20)
    AgendaItem.objects.filter(application=other, status=AgendaItemStatus.WAITING).update(
        meeting=second
    )
    with pytest.raises(StateError, match="aflyst"):
        grant(world, _item(other))
    assert later.pk
    assert SupportDecision.objects.count() == 1


def test_a_grant_is_re_visited_within_its_period_and_not_before_the_meeting(world):
    app = make_application(world)
    meeting = begin(plan(world, days=14))
    item = _item(app)
    day = timezone.localdate(meeting.starts_at)
    refused = [
        # The re-visitation before the period starts.
        (
            {"period_start": day + timedelta(days=30), "revisit_on": day + timedelta(days=10)},
            "revisit_on",
            "inden for perioden",
        ),
        # ... before the meeting (and the period already running).
        (
            {"period_start": day - timedelta(days=30), "revisit_on": day - timedelta(days=1)},
            "revisit_on",
            "før mødet",
        ),
        # A period wholly in the past at the meeting.
        (
            {
                "period_start": day - timedelta(days=60),
                "period_end": day - timedelta(days=1),
                "revisit_on": day - timedelta(days=10),
            },
            "period_end",
            "ovre før mødet",
        ),
    ]
    for values, field, message in refused:
        with pytest.raises(ValidationError) as error:
            grant(world, item, **values)
        assert message in " ".join(error.value.message_dict.get(field, [])), error.value
    assert not SupportDecision.objects.exists()
    grant(world, item, period_start=day, revisit_on=day)
    assert SupportDecision.objects.count() == 1


def test_a_decision_waits_until_the_meeting_has_begun(world):
    app = make_application(world)
    meeting = plan(world, days=14)
    item = _item(app)
    start = timezone.localtime(meeting.starts_at)
    with pytest.raises(StateError) as error:
        services.support_decide(
            actor=world.administrator,
            item_id=item.pk,
            outcome="rejected",
            reasons="Behovet kan afhjælpes af egne tiltag.",
        )
    assert error.value.message == (
        "Mødet er ikke begyndt endnu; dets afgørelser kan gemmes fra "
        f"{start:%d.%m.%Y} kl. {start:%H:%M}."
    )
    item.refresh_from_db()
    app.refresh_from_db()
    assert item.status == AgendaItemStatus.WAITING and app.status == SupportStatus.SUBMITTED
    assert not SupportDecision.objects.exists()
    assert not Notification.objects.filter(template="support_decided").exists()
    # Once it has begun, the committee decides.
    begin(meeting)
    services.support_decide(
        actor=world.administrator,
        item_id=item.pk,
        outcome="rejected",
        reasons="Behovet kan afhjælpes af egne tiltag.",
    )
    assert SupportDecision.objects.get().agenda_item == item


def test_a_withdrawn_item_cannot_be_decided(world):
    app = make_application(world)
    plan(world)
    item = _item(app)
    services.agenda_take_off(application=app)
    with pytest.raises(StateError, match="taget af dagsordenen"):
        grant(world, item)


def test_a_granted_case_is_revisited_then_extended_and_ended(world):
    app = make_application(world)
    plan(world)
    grant(
        world,
        _item(app),
        period_start=timezone.localdate() + timedelta(days=14),
        revisit_on=timezone.localdate() + timedelta(days=20),
    )
    app.refresh_from_db()
    assert list(services.revisits_due()) == [app]
    second = plan(world, days=30, deadline_days=20)
    item = services.revisit_place(actor=world.administrator, application_id=app.pk)
    assert item.purpose == AgendaPurpose.REVISIT and item.meeting.pk in (second.pk, item.meeting.pk)
    assert list(services.revisits_due()) == []
    with pytest.raises(StateError, match="allerede på en dagsorden"):
        services.revisit_place(actor=world.administrator, application_id=app.pk)
    with pytest.raises(ValidationError):
        grant(world, item, outcome="granted")
    new_revisit = timezone.localdate() + timedelta(days=380)
    grant(
        world,
        item,
        outcome="extended",
        hours_per_week=Decimal("6"),
        period_start=timezone.localdate() + timedelta(days=301),
        period_end=timezone.localdate() + timedelta(days=500),
        revisit_on=new_revisit,
    )
    app.refresh_from_db()
    assert app.status == SupportStatus.GRANTED and app.revisit_on == new_revisit
    again = services.revisit_place(
        actor=world.administrator, application_id=app.pk, meeting_id=second.pk
    )
    grant(
        world,
        again,
        outcome="ended",
        reasons="Barnet trives uden støtte.",
        stops_on=timezone.localdate() + timedelta(days=10),
    )
    app.refresh_from_db()
    assert app.status == SupportStatus.ENDED and app.revisit_on is None
    with pytest.raises(StateError, match="kun bevilget støtte"):
        services.revisit_place(actor=world.administrator, application_id=app.pk)


def test_an_extension_follows_on_from_the_grant_in_force(world):
    from indsats.supportmeetings.forms import DecisionForm

    app = make_application(world)
    plan(world)
    today = timezone.localdate()
    grant(
        world,
        _item(app),
        hours_per_week=Decimal("6"),
        period_start=today + timedelta(days=14),
        period_end=today + timedelta(days=60),
        revisit_on=today + timedelta(days=40),
    )
    second = plan(world, days=30, deadline_days=20)
    item = services.revisit_place(
        actor=world.administrator, application_id=app.pk, meeting_id=second.pk
    )
    # Prefilled from the grant in force (not the application's 10 hours and its period).
    form = DecisionForm(item=item)
    assert form.initial["hours_per_week"] == Decimal("6")
    assert form.initial["period_start"] == today + timedelta(days=61)
    assert form.initial["period_end"] == today + timedelta(days=61 + 46)
    # The grant in force's own period again: it starts with it and ends with it.
    with pytest.raises(ValidationError) as error:
        grant(
            world,
            item,
            outcome="extended",
            period_start=today + timedelta(days=14),
            period_end=today + timedelta(days=60),
            revisit_on=today + timedelta(days=50),
        )
    errors = error.value.message_dict
    assert "tidligst starte" in errors["period_start"][0]
    assert "ud over den nuværende støtte" in errors["period_end"][0]
    decision = grant(
        world,
        item,
        outcome="extended",
        hours_per_week=form.initial["hours_per_week"],
        period_start=form.initial["period_start"],
        period_end=form.initial["period_end"],
        revisit_on=form.initial["period_end"] - timedelta(days=10),
    )
    assert services.grant_in_force(app) == decision


def test_a_partial_grant_gives_fewer_hours_than_applied_for(world):
    app = make_application(world)  # 10 hours a week applied for
    plan(world)
    item = _item(app)
    for hours in ("10", "12.5"):
        with pytest.raises(ValidationError) as error:
            grant(world, item, outcome="partly_granted", hours_per_week=Decimal(hours))
        assert "færre timer end de 10,0" in error.value.message_dict["hours_per_week"][0]
    grant(world, item, outcome="partly_granted", hours_per_week=Decimal("9.5"))
    app.refresh_from_db()
    assert app.status == SupportStatus.PARTLY_GRANTED


def test_a_grants_period_keeps_the_applications_bounds_and_starts_at_the_meeting(world):
    """QA: a special place granted for three years, as no application may ask for, and a grant
    starting before the meeting's day."""
    app = make_application(world, kind="stendalen", hours_per_week=None)
    meeting = begin(plan(world, days=14))
    item = _item(app)
    day = timezone.localdate(meeting.starts_at)
    refused = [
        # Three years: an application refuses a period over two.
        (
            {
                "hours_per_week": None,
                "period_start": day + timedelta(days=30),
                "period_end": day + timedelta(days=30 + 3 * 365),
            },
            "period_end",
            "Perioden kan højst være to år.",
        ),
        # Before the meeting's day (no rule grants support back in time).
        (
            {"hours_per_week": None, "period_start": day - timedelta(days=1)},
            "period_start",
            f"En bevilling kan ikke starte før mødets dag ({day:%d.%m.%Y}).",
        ),
        # More than a year after the meeting, as an application may not start either.
        (
            {
                "hours_per_week": None,
                "period_start": day + timedelta(days=400),
                "period_end": day + timedelta(days=500),
                "revisit_on": day + timedelta(days=450),
            },
            "period_start",
            "højst starte et år efter mødet",
        ),
    ]
    for values, field, message in refused:
        with pytest.raises(ValidationError) as error:
            grant(world, item, **values)
        assert message in " ".join(error.value.message_dict.get(field, [])), error.value
    assert not SupportDecision.objects.exists()
    # Two years to the day, from the meeting's day: granted.
    grant(
        world,
        item,
        hours_per_week=None,
        period_start=day,
        period_end=day + timedelta(days=2 * 366),
        revisit_on=day + timedelta(days=300),
    )
    assert SupportDecision.objects.count() == 1


def test_an_extension_starts_after_the_grant_in_force_ends(world):
    """QA: an extension saved from before the meeting's day, overlapping the grant in force."""
    app = make_application(world)
    plan(world)
    today = timezone.localdate()
    grant(
        world,
        _item(app),
        period_start=today,
        period_end=today + timedelta(days=40),
        revisit_on=today + timedelta(days=20),
    )
    second = begin(plan(world, days=30, deadline_days=20))
    item = services.revisit_place(
        actor=world.administrator, application_id=app.pk, meeting_id=second.pk
    )
    day_after = today + timedelta(days=41)
    for start in (
        today - timedelta(days=5),
        today + timedelta(days=10),
        today + timedelta(days=40),
    ):
        with pytest.raises(ValidationError) as error:
            grant(
                world,
                item,
                outcome="extended",
                period_start=start,
                period_end=today + timedelta(days=200),
                revisit_on=today + timedelta(days=150),
            )
        assert error.value.message_dict["period_start"] == [
            f"En forlængelse kan tidligst starte {day_after:%d.%m.%Y}: dagen efter, at den "
            "nuværende støtte slutter."
        ]
    # Longer than two years: refused as a new grant would be.
    with pytest.raises(ValidationError) as error:
        grant(
            world,
            item,
            outcome="extended",
            period_start=day_after,
            period_end=day_after + timedelta(days=3 * 365),
            revisit_on=today + timedelta(days=150),
        )
    assert error.value.message_dict["period_end"] == ["Perioden kan højst være to år."]
    assert SupportDecision.objects.count() == 1
    # The day after it ends, or later (a pause the committee decides on): extended.
    decision = grant(
        world,
        item,
        outcome="extended",
        period_start=day_after,
        period_end=today + timedelta(days=200),
        revisit_on=today + timedelta(days=150),
    )
    assert services.grant_in_force(app) == decision


def test_an_extension_of_a_grant_run_out_before_the_meeting_starts_at_the_meeting(world):
    app = make_application(world)
    plan(world)
    today = timezone.localdate()
    first = grant(
        world,
        _item(app),
        period_start=today,
        period_end=today + timedelta(days=40),
        revisit_on=today + timedelta(days=20),
    )
    # The grant ran out ten days ago; the re-visitation meets today.
    SupportDecision.objects.filter(pk=first.pk).update(
        period_start=today - timedelta(days=100),
        period_end=today - timedelta(days=10),
        revisit_on=today - timedelta(days=20),
    )
    meeting = begin(plan(world, days=30, deadline_days=20))
    item = services.revisit_place(
        actor=world.administrator, application_id=app.pk, meeting_id=meeting.pk
    )
    from indsats.supportmeetings.forms import DecisionForm

    form = DecisionForm(item=item)
    assert form.initial["period_start"] == today
    with pytest.raises(ValidationError) as error:
        grant(
            world,
            item,
            outcome="extended",
            period_start=today - timedelta(days=9),
            period_end=today + timedelta(days=90),
            revisit_on=today + timedelta(days=60),
        )
    assert "før mødets dag" in error.value.message_dict["period_start"][0]
    grant(
        world,
        item,
        outcome="extended",
        period_start=form.initial["period_start"],
        period_end=form.initial["period_end"],
        revisit_on=today + timedelta(days=60),
    )
