"""The request flow's rules, through its services."""

import re
import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from indsats.models import EventKind, InterventionRequest, MeetingStatus, RequestStatus
from indsats.requests import services
from institutioner.errors import StateError
from institutioner.models import Notification
from tests import factories
from tests.indsats.helpers import accept, make_request, plan_meeting, request_data


def test_create_is_a_draft_with_history(world):
    req = make_request(world)
    assert req.status == RequestStatus.DRAFT
    assert [e.kind for e in req.events.all()] == [EventKind.CREATED]
    assert sorted(f.level for f in req.focus_levels.all()) == ["boernegruppe", "laeringsmiljoe"]


def test_the_same_form_twice_makes_one_request(world):
    token = uuid.uuid4()
    first, created = services.request_create(
        actor=world.leader, data=request_data(world), client_token=token
    )
    second, created_again = services.request_create(
        actor=world.leader, data=request_data(world), client_token=token
    )
    assert created and not created_again
    assert first.pk == second.pk
    assert InterventionRequest.objects.count() == 1


def test_leader_cannot_request_for_another_institution(world):
    with pytest.raises(StateError):
        make_request(world, institution=world.outsider_institution, group=None)


def test_group_must_belong_to_the_institution(world):
    other_group = world.outsider_institution.groups.first()
    with pytest.raises(ValidationError):
        make_request(world, group=other_group)


def test_cpr_number_in_the_need_is_refused(world):
    with pytest.raises(ValidationError) as caught:
        make_request(world, need="Drengen 070589-1234 slår")
    assert "cpr" in str(caught.value).lower()


def test_submit_notifies_the_administration(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        req = make_request(world, submit=True)
    assert req.status == RequestStatus.SUBMITTED
    assert req.submitted_at is not None
    notes = Notification.objects.filter(template="request_submitted")
    assert [n.email for n in notes] == [world.administrator.email]
    assert "Lene Leder" in notes[0].body_text
    assert f"http://127.0.0.1:8000/visitation/{req.pk}/" in notes[0].body_text


def test_ask_info_then_resubmit_keeps_the_first_submission_time(world):
    req = make_request(world, submit=True)
    first = req.submitted_at
    services.request_ask_info(
        actor=world.administrator, request_id=req.pk, question="Hvor mange voksne?"
    )
    req.refresh_from_db()
    assert req.status == RequestStatus.NEEDS_INFO
    assert Notification.objects.get(template="request_info_requested").email == world.leader.email
    services.request_update(
        actor=world.leader,
        request_id=req.pk,
        data=request_data(world, tried_already="To voksne."),
        answer="To voksne om formiddagen.",
    )
    req = services.request_submit(actor=world.leader, request_id=req.pk)
    assert req.status == RequestStatus.SUBMITTED
    assert req.submitted_at == first
    assert [e.kind for e in req.events.all()][-4:] == [
        EventKind.INFO_REQUESTED,
        EventKind.UPDATED,
        EventKind.INFO_GIVEN,
        EventKind.RESUBMITTED,
    ]


def test_a_request_sent_back_is_not_submitted_again_before_the_question_is_answered(world):
    """Submitted again with the question open, the history would say "submitted again with more
    information" while triage says "not answered yet"."""
    req = make_request(world, submit=True)
    services.request_ask_info(actor=world.administrator, request_id=req.pk, question="Hvornår?")
    Notification.objects.all().delete()
    unanswered = re.escape("Forvaltningens spørgsmål (se historikken nedenfor) er ikke besvaret")
    with pytest.raises(StateError, match=unanswered):
        services.request_submit(actor=world.leader, request_id=req.pk)
    # Changing other fields is no answer either.
    services.request_update(
        actor=world.leader, request_id=req.pk, data=request_data(world, group_size=18)
    )
    with pytest.raises(StateError, match=unanswered):
        services.request_submit(actor=world.leader, request_id=req.pk)
    req.refresh_from_db()
    assert req.status == RequestStatus.NEEDS_INFO
    assert not req.events.filter(kind=EventKind.RESUBMITTED).exists()
    assert not Notification.objects.filter(template="request_submitted").exists()
    services.request_update(
        actor=world.leader, request_id=req.pk, data=request_data(world), answer="Til marts."
    )
    assert services.request_submit(actor=world.leader, request_id=req.pk).status == "submitted"
    # A new question needs a new answer: the one to the first question does not count.
    services.request_ask_info(actor=world.administrator, request_id=req.pk, question="Hvem?")
    with pytest.raises(StateError, match=unanswered):
        services.request_submit(actor=world.leader, request_id=req.pk)


def test_saving_a_request_with_nothing_changed_writes_no_change_in_its_history(world):
    """The leader opens "Ret" on a request sent back for information and presses "Gem" without
    changing anything: the administration's history shows no "Ændret" that never happened, and
    nothing is written. A real change is still recorded, an answer alone as the answer."""
    req = make_request(world, submit=True)
    services.request_ask_info(actor=world.administrator, request_id=req.pk, question="Hvornår?")
    rows = req.history.count()
    services.request_update(actor=world.leader, request_id=req.pk, data=request_data(world))
    assert not req.events.filter(kind=EventKind.UPDATED).exists()
    assert req.history.count() == rows
    services.request_update(
        actor=world.leader, request_id=req.pk, data=request_data(world), answer="Til marts."
    )
    assert not req.events.filter(kind=EventKind.UPDATED).exists()
    assert req.events.filter(kind=EventKind.INFO_GIVEN).count() == 1
    services.request_update(
        actor=world.leader, request_id=req.pk, data=request_data(world, group_size=18)
    )
    assert req.events.filter(kind=EventKind.UPDATED).count() == 1
    req.refresh_from_db()
    assert req.group_size == 18


def test_a_draft_whose_wished_start_has_passed_is_not_submitted(world):
    """A draft saved weeks ago: its wished start has passed since. The leader is asked for a new
    day; the administration hears nothing until then."""
    req = make_request(world)
    yesterday = timezone.localdate() - timedelta(days=1)
    InterventionRequest.objects.filter(pk=req.pk).update(wished_start=yesterday)
    with pytest.raises(StateError, match=r"har passeret\. Ret anmodningen og vælg en ny dag"):
        services.request_submit(actor=world.leader, request_id=req.pk)
    req.refresh_from_db()
    assert req.status == RequestStatus.DRAFT and req.submitted_at is None
    assert not Notification.objects.filter(template="request_submitted").exists()
    # The same day is fine: it has not passed.
    InterventionRequest.objects.filter(pk=req.pk).update(wished_start=timezone.localdate())
    assert services.request_submit(actor=world.leader, request_id=req.pk).status == "submitted"


def test_a_request_sent_back_for_information_keeps_its_passed_wished_start(world):
    req = make_request(world, submit=True)
    services.request_ask_info(actor=world.administrator, request_id=req.pk, question="Hvornår?")
    services.request_update(
        actor=world.leader, request_id=req.pk, data=request_data(world), answer="Snarest."
    )
    past = timezone.localdate() - timedelta(days=3)
    InterventionRequest.objects.filter(pk=req.pk).update(wished_start=past)
    req = services.request_submit(actor=world.leader, request_id=req.pk)
    assert req.status == RequestStatus.SUBMITTED and req.wished_start == past


def test_state_errors_are_messages(world):
    req = make_request(world, submit=True)
    services.request_withdraw(actor=world.leader, request_id=req.pk)
    with pytest.raises(StateError, match="trukket tilbage"):
        accept(world, req)
    with pytest.raises(StateError):
        services.request_submit(actor=world.leader, request_id=req.pk)
    accepted = make_request(world, submit=True)
    accept(world, accepted)
    with pytest.raises(StateError, match="Kontakt forvaltningen"):
        services.request_withdraw(actor=world.leader, request_id=accepted.pk)
    with pytest.raises(StateError):
        services.request_update(
            actor=world.leader, request_id=accepted.pk, data=request_data(world)
        )


def test_accept_the_attached_pedagogist_within_capacity_needs_no_reason(world):
    req = make_request(world, submit=True)
    accept(world, req, hours="6")
    req.refresh_from_db()
    assert req.status == RequestStatus.ACCEPTED
    assert req.allocations.get().weekly_hours == Decimal("6")
    templates = sorted(Notification.objects.values_list("template", "email"))
    assert ("request_accepted", world.leader.email) in templates
    assert ("request_assigned", world.pedagogist.user.email) in templates


def test_accepting_someone_else_needs_a_reason(world):
    req = make_request(world, submit=True)
    choice = services.AllocationChoice(
        pedagogist=world.outsider_pedagogist, weekly_hours=Decimal("5")
    )
    with pytest.raises(services.AllocationNeedsReason) as caught:
        services.request_accept(actor=world.administrator, request_id=req.pk, choices=[choice])
    assert "fast tilknyttede" in caught.value.warnings[0]
    assert InterventionRequest.objects.get(pk=req.pk).status == RequestStatus.SUBMITTED
    services.request_accept(
        actor=world.administrator, request_id=req.pk, choices=[choice], reason="Kender stuen."
    )
    assert req.allocations.get().reason == "Kender stuen."


def test_over_allocation_is_warned(world):
    first = make_request(world, submit=True)
    accept(world, first, hours="30")
    second = make_request(world, submit=True)
    with pytest.raises(services.AllocationNeedsReason) as caught:
        accept(world, second, hours="10")
    # 37 - 0.75 sparring - (30 + 1 prep) = 5.25 free; 10 + 1 prep asks 5.75 too many.
    assert any("5,75" in warning for warning in caught.value.warnings)


def test_later_period_is_not_counted(world):
    first = make_request(world, submit=True)
    accept(world, first, hours="30")
    later = make_request(
        world, submit=True, wished_start=first.wished_start + timedelta(weeks=first.wished_weeks)
    )
    accept(world, later, hours="30")
    assert later.allocations.count() == 1


def test_reject_needs_a_reason_and_tells_the_leader(world):
    req = make_request(world, submit=True)
    with pytest.raises(ValidationError):
        services.request_reject(actor=world.administrator, request_id=req.pk, reason="  ")
    services.request_reject(actor=world.administrator, request_id=req.pk, reason="Ikke nu.")
    note = Notification.objects.get(template="request_rejected")
    assert "Ikke nu." in note.body_text


def test_meeting_plan_move_cancel_keep_one_uid(world):
    req = make_request(world, submit=True)
    accept(world, req)
    meeting = plan_meeting(world, req)
    planned = Notification.objects.filter(template="meeting_planned")
    assert sorted(n.email for n in planned) == sorted(
        [world.leader.email, world.pedagogist.user.email]
    )
    assert "METHOD:REQUEST" in planned[0].attachment_content
    assert f"UID:{meeting.uid}@indsatsteam" in planned[0].attachment_content

    new_start = meeting.starts_at + timedelta(days=1)
    services.meeting_move(
        actor=world.administrator,
        meeting_id=meeting.pk,
        starts_at=new_start,
        ends_at=new_start + timedelta(hours=2),
        place="Stuen",
        participants=[world.leader],
    )
    moved = Notification.objects.get(template="meeting_moved")
    assert "SEQUENCE:1" in moved.attachment_content
    assert f"UID:{meeting.uid}@indsatsteam" in moved.attachment_content
    removed = Notification.objects.get(template="meeting_removed")
    assert removed.email == world.pedagogist.user.email
    assert "METHOD:CANCEL" in removed.attachment_content
    old_day = timezone.localtime(meeting.starts_at).strftime("%-d.")
    assert old_day in removed.body_text

    services.meeting_cancel(actor=world.administrator, meeting_id=meeting.pk, reason="Sygdom")
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CANCELLED and meeting.sequence == 2
    cancelled = Notification.objects.filter(template="meeting_cancelled").latest("pk")
    assert "SEQUENCE:2" in cancelled.attachment_content
    with pytest.raises(StateError):
        services.meeting_cancel(actor=world.administrator, meeting_id=meeting.pk)


def test_meeting_in_the_past_or_backwards_is_refused(world):
    req = make_request(world, submit=True)
    accept(world, req)
    now = timezone.now()
    for start, end in [
        (now - timedelta(hours=2), now - timedelta(hours=1)),
        (now + timedelta(days=1), now + timedelta(days=1)),
    ]:
        with pytest.raises(ValidationError):
            services.meeting_plan(
                actor=world.administrator,
                request_id=req.pk,
                starts_at=start,
                ends_at=end,
                place="Stuen",
                participants=[world.leader],
            )


def test_meeting_needs_an_accepted_request_and_only_one_at_a_time(world):
    req = make_request(world, submit=True)
    with pytest.raises(StateError):
        plan_meeting(world, req)
    accept(world, req)
    plan_meeting(world, req)
    with pytest.raises(StateError, match="allerede planlagt"):
        plan_meeting(world, req, days=8)


def test_repeat_flag_and_fixed_pedagogist_capacity_in_the_queue(world):
    from indsats.requests.selectors import triage_rows

    earlier = make_request(world, submit=True)
    accept(world, earlier, hours="6")
    again = make_request(world, submit=True)
    elsewhere = make_request(world, submit=True, group=world.institution.groups.get(name="Frøen"))
    rows = {row.req.pk: row for row in triage_rows(InterventionRequest.objects.open_for_triage())}
    assert rows[again.pk].repeat is True
    assert rows[elsewhere.pk].repeat is False
    [fixed] = rows[again.pk].fixed
    assert fixed.pedagogist == world.pedagogist
    # 37 contracted - 0.75 sparring - (6 + 1 preparation) - 1 preparation for the new one
    assert fixed.free_hours == Decimal("28.25")


def test_history_keeps_who_changed_what(world):
    req = make_request(world)
    assert req.history.count() >= 1
    factories.GroupFactory(institution=world.institution, name="Bien")


def test_a_question_with_a_cpr_number_is_refused_by_the_service_too(world):
    req = make_request(world, submit=True)
    with pytest.raises(ValidationError):
        services.request_ask_info(
            actor=world.administrator, request_id=req.pk, question="Gælder det 070589-1234?"
        )
    req.refresh_from_db()
    assert req.status == RequestStatus.SUBMITTED


def test_accepting_refuses_a_pedagogist_who_left(world):
    from institutioner import services as institutioner_services

    req = make_request(world, submit=True)
    institutioner_services.user_deactivate(
        actor=world.administrator, user_id=world.pedagogist.user.pk, reason="Fratrådt"
    )
    with pytest.raises(ValidationError, match="Paula Pædagog arbejder her ikke længere"):
        accept(world, req)
    req.refresh_from_db()
    assert req.status == RequestStatus.SUBMITTED


def test_a_cancel_reason_with_a_cpr_number_is_refused_by_the_service_too(world):
    req = make_request(world, submit=True)
    accept(world, req)
    meeting = plan_meeting(world, req)
    with pytest.raises(ValidationError) as error:
        services.meeting_cancel(
            actor=world.administrator, meeting_id=meeting.pk, reason="Syg 070589-1234"
        )
    # The plain message: a cancel reason is about neither a child nor a learning environment.
    assert error.value.messages == [
        "Teksten indeholder noget, der ligner et CPR-nummer. Skriv ikke CPR-numre her."
    ]
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.PLANNED
    assert not Notification.objects.filter(template="meeting_cancelled").exists()
