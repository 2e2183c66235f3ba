"""Every free-text field has a maximum (institutioner/textlimits.py): the form refuses longer text
with the Danish message and keeps everything else that was typed, the service refuses it whoever
calls, and the database refuses it too. A refused meeting cancellation keeps its text."""

import uuid
from dataclasses import replace
from datetime import timedelta

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from forloeb.courses import services as course_services
from forloeb.courses.forms import EvaluationForm, NoteForm
from forloeb.hours import services as hours_services
from forloeb.models import CourseNote
from forloeb.plan.forms import PlanChangeDeclineForm
from indsats.agreements import services as agreements_services
from indsats.agreements.content import AgreementContent, Goal
from indsats.agreements.forms import AgreementForm, DeclineForm, GoalForm
from indsats.models import IntakeMeeting, InterventionRequest, MeetingStatus, RequestEvent
from indsats.requests import services as requests_services
from indsats.requests.forms import (
    AcceptForm,
    AskInfoForm,
    MeetingCancelForm,
    MeetingForm,
    RejectForm,
    RequestForm,
    WithdrawForm,
)
from institutioner.textlimits import GOAL, LINE, LONG, MEDIUM, SHORT
from institutioner.workdays import working_day_on_or_after
from tests.forloeb.courses.conftest import held
from tests.indsats.helpers import accept, agreement_in_force, make_request, plan_meeting


def too_long(limit: int) -> str:
    return f"Højst {limit} tegn (du har skrevet {limit + 1})."


def _request_form(world):
    day = working_day_on_or_after(timezone.localdate() + timedelta(days=14))
    data = {
        "institution": world.institution.pk,
        "group": world.institution.groups.get(name="Sommerfuglen").pk,
        "need": "Uro i overgangene.",
        "focus_levels": ["boernegruppe"],
        "age_group": "3-6",
        "group_size": "22",
        "tried_already": "Faste pladser.",
        "wished_start": day.isoformat(),
        "wished_weeks": "10",
        "contact_name": "Lene Leder",
        "contact_email": "lene@example.dk",
        # The form's double-submit token, as the page puts it in the form.
        "client_token": str(uuid.uuid4()),
    }
    return RequestForm, {"user": world.leader}, data


def _meeting_form(world):
    req = make_request(world, submit=True)
    accept(world, req)
    day = working_day_on_or_after(timezone.localdate() + timedelta(days=7))
    data = {
        "date": day.isoformat(),
        "start": "09:00",
        "end": "10:00",
        "place": "Personalestuen",
        "participants": [world.leader.pk],
        "other_participants": "To fra stuen",
    }
    return MeetingForm, {"req": req}, data


def _agreement_form(world):
    start = timezone.localdate() + timedelta(days=14)
    data = {
        "background": "Uro i overgangene.",
        "methods": ["medpraktiserende"],
        "practice_roles": ["beside"],
        "participants": "Lene Leder",
        "days_per_week": "1",
        "hours_per_week": "6",
        "starts_on": start.isoformat(),
        "ends_on": (start + timedelta(weeks=10)).isoformat(),
        "final_evaluation_on": (start + timedelta(weeks=10)).isoformat(),
        "leadership_commitment": "Lederen deltager.",
    }
    return AgreementForm, {}, data


def _simple(form_class, **data):
    return lambda world: (form_class, {}, data)


def _accept_form(world):
    return (
        AcceptForm,
        {},
        {"pedagogists": [world.pedagogist.pk], "weekly_hours": "6", "reason": "x"},
    )


def _evaluation_form(world):
    data = {
        "held_on": timezone.localdate().isoformat(),
        "participants": "Lene Leder",
        "summary": "Det går godt.",
        "decision": "continue",
        "scale_0": "3",
        "observation_0": "Færre konflikter.",
    }
    return EvaluationForm, {"goals": ["Børnene leger i små grupper."]}, data


FORMS = [
    ("request-need", _request_form, "need", LONG),
    ("request-tried", _request_form, "tried_already", MEDIUM),
    ("request-contact", _request_form, "contact_name", 150),
    ("accept-reason", _accept_form, "reason", MEDIUM),
    ("reject-reason", _simple(RejectForm, reason="x"), "reason", MEDIUM),
    ("ask-question", _simple(AskInfoForm, question="x"), "question", MEDIUM),
    ("withdraw-reason", _simple(WithdrawForm, reason="x"), "reason", MEDIUM),
    ("cancel-reason", _simple(MeetingCancelForm, reason="x"), "reason", LINE),
    ("meeting-place", _meeting_form, "place", SHORT),
    ("meeting-others", _meeting_form, "other_participants", 300),
    ("agreement-background", _agreement_form, "background", LONG),
    ("agreement-participants", _agreement_form, "participants", LINE),
    ("agreement-commitment", _agreement_form, "leadership_commitment", MEDIUM),
    ("goal-text", _simple(GoalForm, text="x", focus_level="boernegruppe"), "text", GOAL),
    ("goal-indicator", _simple(GoalForm, text="x", focus_level="boernegruppe"), "indicator", LINE),
    ("decline-reason", _simple(DeclineForm, reason="x"), "reason", MEDIUM),
    ("plan-decline-reason", _simple(PlanChangeDeclineForm, reason="x"), "reason", SHORT),
    ("note-text", _simple(NoteForm, day=timezone.localdate().isoformat(), text="x"), "text", LONG),
    ("evaluation-participants", _evaluation_form, "participants", LINE),
    ("evaluation-summary", _evaluation_form, "summary", LONG),
    ("evaluation-observation", _evaluation_form, "observation_0", MEDIUM),
]


@pytest.mark.parametrize(
    ("build", "field", "limit"), [case[1:] for case in FORMS], ids=[case[0] for case in FORMS]
)
def test_a_form_refuses_too_long_text_in_danish_and_keeps_the_rest(world, build, field, limit):
    form_class, kwargs, data = build(world)
    assert form_class(data=data, **kwargs).is_valid()

    # At the limit; in a text box with line breaks as browsers send them (CRLF, counted as the
    # one character the box showed).
    at_limit = "b" * limit
    if isinstance(form_class(**kwargs).fields[field].widget, forms.Textarea):
        at_limit = "a\r\n" * (limit // 4) + "b" * (limit - 2 * (limit // 4))
        assert len(at_limit.replace("\r\n", "\n")) == limit
    assert form_class(data={**data, field: at_limit}, **kwargs).is_valid()

    form = form_class(data={**data, field: "æ" * (limit + 1)}, **kwargs)
    assert not form.is_valid()
    assert form.errors[field] == [too_long(limit)]
    # The browser stops typing at the same length and shows the counter.
    assert f'maxlength="{limit}"' in str(form[field])
    for other, value in data.items():
        if other != field and not isinstance(value, list):
            assert str(form[other].value()) == str(value), other


# --- the services refuse too, whoever calls ------------------------------------------------------


def test_request_services_refuse_too_long_text(world):
    req = make_request(world, submit=True)
    with pytest.raises(ValidationError) as refused:
        requests_services.request_reject(
            actor=world.administrator, request_id=req.pk, reason="x" * (MEDIUM + 1)
        )
    assert refused.value.message_dict == {"reason": [too_long(MEDIUM)]}
    with pytest.raises(ValidationError):
        requests_services.request_ask_info(
            actor=world.administrator, request_id=req.pk, question="x" * (MEDIUM + 1)
        )
    with pytest.raises(ValidationError):
        accept(world, req, reason="x" * (MEDIUM + 1))
    with pytest.raises(ValidationError):
        requests_services.request_withdraw(
            actor=world.leader, request_id=req.pk, reason="x" * (MEDIUM + 1)
        )
    with pytest.raises(ValidationError) as refused:
        make_request(world, need="x" * (LONG + 1))
    assert refused.value.message_dict["need"] == [too_long(LONG)]
    req.refresh_from_db()
    assert req.status == "submitted" and req.events.count() == 2


def test_agreement_content_refuses_too_long_text_and_too_many_goals(world):
    agreement, _version = agreement_in_force(world)
    draft = agreements_services.agreement_adjust(
        actor=world.pedagogist.user, agreement_id=agreement.pk
    )
    goal = draft.parsed.goals[0]
    content = replace(
        draft.parsed,
        leadership_commitment="x" * (MEDIUM + 1),
        goals=(replace(goal, indicator="x" * (LINE + 1)),) + (goal,) * AgreementContent.MAX_GOALS,
    )
    with pytest.raises(ValidationError) as refused:
        agreements_services.agreement_draft_update(
            actor=world.pedagogist.user, version_id=draft.pk, content=content
        )
    errors = refused.value.message_dict
    assert errors["leadership_commitment"] == [too_long(MEDIUM)]
    assert errors["goals"] == [f"Mål 1: {too_long(LINE)}", "Højst 10 mål."]
    ok = replace(draft.parsed, goals=(Goal(text="y" * GOAL, focus_level="boernegruppe"),))
    agreements_services.agreement_draft_update(
        actor=world.pedagogist.user, version_id=draft.pk, content=ok
    )


def test_course_and_hours_services_refuse_too_long_text(world):
    agreement, _version = agreement_in_force(world)
    course = agreement.course
    today = timezone.localdate()
    with pytest.raises(ValidationError) as refused:
        course_services.course_note_add(
            actor=world.pedagogist.user, course_id=course.pk, day=today, text="x" * (LONG + 1)
        )
    assert refused.value.message_dict == {"text": [too_long(LONG)]}
    evaluation = held(course.evaluations.first())
    with pytest.raises(ValidationError) as refused:
        course_services.evaluation_complete(
            actor=world.pedagogist.user,
            evaluation_id=evaluation.pk,
            participants="Lene",
            leadership_took_part=True,
            decision="continue",
            summary="x" * (LONG + 1),
            assessments=[("Mål", 3, "y" * (MEDIUM + 1))],
        )
    assert refused.value.message_dict == {"summary": [too_long(LONG)]}
    with pytest.raises(ValidationError) as refused:
        hours_services.week_save(
            actor=world.pedagogist.user,
            pedagogist=world.pedagogist,
            monday=today - timedelta(days=today.weekday()),
            values={},
            note="x" * (LINE + 1),
        )
    assert refused.value.message_dict == {"note": [too_long(LINE)]}


def test_the_database_refuses_too_long_text(world):
    agreement, _version = agreement_in_force(world)
    with pytest.raises(IntegrityError), transaction.atomic():
        InterventionRequest.objects.filter(pk=agreement.request_id).update(need="x" * (LONG + 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        RequestEvent.objects.filter(request=agreement.request_id).update(message="x" * (LONG + 1))
    note = course_services.course_note_add(
        actor=world.pedagogist.user,
        course_id=agreement.course.pk,
        day=timezone.localdate(),
        text="x" * LONG,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        CourseNote.objects.filter(pk=note.pk).update(text="x" * (LONG + 1))


# --- the meeting cancellation ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reason", "message"),
    [
        ("Aflyst pga. sygdom. " * 500, too_long(LINE)),
        ("Barnet har cpr 010190-1234", "CPR"),
    ],
    ids=["too-long", "cpr"],
)
def test_a_refused_meeting_cancellation_keeps_its_text_and_cuts_nothing(
    client, world, reason, message
):
    req = make_request(world, submit=True)
    accept(world, req)
    meeting = plan_meeting(world, req)
    client.force_login(world.administrator)

    response = client.post(reverse("meeting_cancel", args=[meeting.pk]), {"reason": reason})

    assert response.status_code == 200
    page = response.content.decode()
    assert message.split(" (")[0] in page
    assert reason.strip() in page  # the text is shown again, whole
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.PLANNED

    fine = "Aflyst pga. sygdom.\r\nVi finder en ny dato."
    response = client.post(reverse("meeting_cancel", args=[meeting.pk]), {"reason": fine})
    assert response.status_code == 302
    assert IntakeMeeting.objects.get(pk=meeting.pk).status == MeetingStatus.CANCELLED
    assert req.events.last().message == "Aflyst pga. sygdom.\nVi finder en ny dato."


def test_the_meeting_cancel_service_refuses_rather_than_cuts(world):
    req = make_request(world, submit=True)
    accept(world, req)
    meeting = plan_meeting(world, req)
    with pytest.raises(ValidationError) as refused:
        requests_services.meeting_cancel(
            actor=world.administrator, meeting_id=meeting.pk, reason="x" * 10_000
        )
    assert refused.value.message_dict == {"reason": [f"Højst {LINE} tegn (du har skrevet 10000)."]}


@pytest.mark.parametrize(
    ("model", "field"),
    [("WeekSheet", "note"), ("ChecklistItem", "waived_reason"), ("Institution", "street")],
)
def test_a_model_fields_own_length_check_speaks_as_the_forms_do(model, field):
    """Where a model field's own check speaks (a service's full_clean, Stamdata), it says what
    the forms say, "Højst N tegn (du har skrevet M).", not Django's "Sørg for at denne værdi
    højst indeholder …"."""
    from django.apps import apps
    from django.utils import translation

    model_field = next(m for m in apps.get_models() if m.__name__ == model)._meta.get_field(field)
    limit = model_field.max_length
    with translation.override("da"), pytest.raises(ValidationError) as raised:
        model_field.run_validators("x" * (limit + 7))
    assert raised.value.messages == [f"Højst {limit} tegn (du har skrevet {limit + 7})."]
