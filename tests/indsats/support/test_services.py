import uuid
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from indsats.models import (
    AgendaItemStatus,
    AgendaPurpose,
    AssessmentKind,
    CustodyConsent,
    SupportApplication,
    SupportEventKind,
    SupportKind,
    SupportStatus,
    VisitationMeeting,
)
from indsats.support import files, services
from institutioner.errors import StateError
from institutioner.models import Notification
from tests.indsats.helpers import accept, make_request
from tests.indsats.support.helpers import CHILD, ask, make_application, pdf_upload, support_data

pytestmark = pytest.mark.django_db

CPR = "010203-1234"


def meeting(world, days=20):
    start = timezone.now() + timedelta(days=days)
    return VisitationMeeting.objects.create(
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        place="Rådhuset",
        application_deadline=timezone.localdate() + timedelta(days=days - 7),
        created_by=world.administrator,
    )


def test_create_makes_one_draft_per_form(world):
    token = uuid.uuid4()
    first, created = services.support_create(
        actor=world.leader, data=support_data(world), client_token=token
    )
    again, created_again = services.support_create(
        actor=world.leader, data=support_data(world), client_token=token
    )
    assert created and not created_again and first.pk == again.pk
    assert first.status == SupportStatus.DRAFT
    assert list(first.events.values_list("kind", flat=True)) == [SupportEventKind.CREATED]
    assert SupportApplication.objects.count() == 1


def _days(n):
    return timezone.localdate() + timedelta(days=n)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"child_birth_date": _days(1)}, "child_birth_date", "Vælg en dato mellem"),
        ({"child_birth_date": date(1, 1, 1)}, "child_birth_date", "Vælg en dato mellem"),
        ({"child_birth_date": _days(-8 * 366)}, "child_birth_date", "Vælg en dato mellem"),
        (
            {"child_birth_date": _days(-100), "period_start": _days(-120)},
            "child_birth_date",
            "født før perioden",
        ),
        ({"period_start": date(9999, 1, 1), "period_end": date(9999, 6, 1)}, "period_start", ""),
        ({"period_start": _days(-200), "period_end": _days(100)}, "period_start", ""),
        ({"period_start": _days(-60), "period_end": _days(-1)}, "period_end", "allerede ovre"),
        ({"period_start": _days(10), "period_end": _days(30 * 365)}, "period_end", "to år"),
    ],
)
def test_implausible_dates_are_refused(world, overrides, field, message):
    with pytest.raises(ValidationError) as refused:
        make_application(world, attach=False, **overrides)
    errors = refused.value.message_dict
    assert field in errors and message in " ".join(errors[field]), errors
    assert not SupportApplication.objects.exists()


def test_plausible_dates_are_taken(world):
    application = make_application(
        world,
        attach=False,
        child_birth_date=_days(-6 * 365),
        period_start=_days(-30),
        period_end=_days(700),
    )
    assert application.pk


def test_create_only_for_own_institution(world):
    with pytest.raises(StateError, match="egne institutioner"):
        services.support_create(
            actor=world.leader,
            data=support_data(world, institution=world.outsider_institution, group=None),
            client_token=uuid.uuid4(),
        )
    with pytest.raises(StateError):
        services.support_create(
            actor=world.staff, data=support_data(world), client_token=uuid.uuid4()
        )


@pytest.mark.parametrize(
    "field", ["child_name", "everyday_needs", "tried_already", "single_consent_reason"]
)
def test_a_cpr_number_is_refused_everywhere(world, field):
    value = f"Barnet {CPR}"
    overrides = {field: value}
    if field == "single_consent_reason":
        overrides["custody_consent"] = CustodyConsent.ONE
    with pytest.raises(ValidationError) as error:
        services.support_create(
            actor=world.leader, data=support_data(world, **overrides), client_token=uuid.uuid4()
        )
    assert field in error.value.message_dict
    assert SupportApplication.objects.count() == 0


CHILD_CPR_MESSAGE = "Skriv ikke CPR-numre: barnets fødselsdato har sit eget felt."


def test_the_cpr_message_on_child_fields_fits_a_form_about_one_child(client, world):
    from tests.indsats.support.test_views import form_post

    client.force_login(world.leader)
    post = form_post(world, child_name="Emil 070589-1234", everyday_needs="Se 070589-1234")
    response = client.post(reverse("support_create"), post)
    body = response.content.decode()
    assert body.count(CHILD_CPR_MESSAGE) >= 2 and "læringsmiljøet" not in body
    application = make_application(world, submit=True)
    with pytest.raises(ValidationError) as error:
        ask(world, application, question="Er det 070589-1234?")
    assert CHILD_CPR_MESSAGE in " ".join(error.value.messages)
    # A file's name was not typed: its message says to rename the file (test_documents.py).
    with pytest.raises(ValidationError) as error:
        services.support_document_add(
            actor=world.leader,
            application_id=make_application(world, attach=False).pk,
            kind=AssessmentKind.PPV,
            upload=pdf_upload("070589-1234.pdf"),
        )
    assert error.value.messages == [files.cpr_in_name_message()]
    assert "læringsmiljø" not in files.cpr_in_name_message()


def test_cpr_in_questions_and_answers_is_refused(world):
    application = make_application(world, submit=True)
    with pytest.raises(ValidationError):
        ask(world, application, question=f"Er det {CPR}?")
    ask(world, application)
    with pytest.raises(ValidationError):
        services.support_answer(
            actor=world.leader, application_id=application.pk, answer=f"CPR {CPR}"
        )


def test_earlier_interventions_must_be_the_institutions_accepted_requests(world):
    accepted = make_request(world, submit=True)
    accept(world, accepted)
    draft = make_request(world)
    application, _ = services.support_create(
        actor=world.leader,
        data=support_data(world, earlier_interventions=[accepted]),
        client_token=uuid.uuid4(),
    )
    assert list(application.earlier_interventions.all()) == [accepted]
    with pytest.raises(ValidationError) as error:
        services.support_update(
            actor=world.leader,
            application_id=application.pk,
            data=support_data(world, earlier_interventions=[draft]),
        )
    assert "earlier_interventions" in error.value.message_dict
    assert services.linkable_requests([world.institution]).get() == accepted


def test_submit_names_the_missing_consent_and_assessments(world):
    application = make_application(
        world, attach=False, custody_consent=CustodyConsent.NONE, hours_per_week=None
    )
    with pytest.raises(StateError) as error:
        services.support_submit(actor=world.leader, application_id=application.pk)
    message = error.value.message
    assert "samtykke" in message
    assert "PPV" in message and "Tværfaglig" in message
    assert "Lægefaglig" not in message  # not required for support hours
    assert "timer" in message
    application.refresh_from_db()
    assert application.status == SupportStatus.DRAFT


def test_one_consent_needs_a_reason(world):
    application = make_application(world, custody_consent=CustodyConsent.ONE)
    with pytest.raises(StateError, match="kun én"):
        services.support_submit(actor=world.leader, application_id=application.pk)
    services.support_update(
        actor=world.leader,
        application_id=application.pk,
        data=support_data(
            world, custody_consent=CustodyConsent.ONE, single_consent_reason="Far er død."
        ),
    )
    assert services.support_submit(actor=world.leader, application_id=application.pk).status == (
        SupportStatus.SUBMITTED
    )


def test_a_special_place_needs_its_own_evidence(world):
    application = make_application(
        world, attach=False, kind=SupportKind.STENDALEN, hours_per_week=None
    )
    services.support_document_add(
        actor=world.leader,
        application_id=application.pk,
        kind=AssessmentKind.PPV,
        upload=pdf_upload(),
    )
    with pytest.raises(StateError) as error:
        services.support_submit(actor=world.leader, application_id=application.pk)
    assert "Lægefaglig" in error.value.message and "PPV" not in error.value.message


def test_submit_places_on_the_next_meeting_and_tells_the_committee(world, consultant):
    planned = meeting(world)
    application = make_application(world, submit=True)
    assert application.status == SupportStatus.SUBMITTED and application.submitted_at
    item = application.agenda_items.get()
    assert item.meeting == planned and item.status == AgendaItemStatus.WAITING
    kinds = list(application.events.values_list("kind", flat=True))
    assert kinds[-2:] == [SupportEventKind.SUBMITTED, SupportEventKind.ON_AGENDA]
    told = Notification.objects.filter(template="support_submitted")
    assert set(told.values_list("recipient", flat=True)) == {world.administrator.pk, consultant.pk}
    for notification in told:
        assert CHILD not in notification.subject and CHILD not in notification.body_text
        assert f"nr. {application.pk}" in notification.subject
        assert world.institution.name in notification.subject
    with pytest.raises(StateError, match="allerede"):
        services.support_submit(actor=world.leader, application_id=application.pk)


def test_submit_without_a_meeting_waits(world):
    application = make_application(world, submit=True)
    assert application.status == SupportStatus.SUBMITTED
    assert not application.agenda_items.exists()


def test_withdraw_takes_it_off_the_agenda(world):
    meeting(world)
    application = make_application(world, submit=True)
    services.support_withdraw(actor=world.leader, application_id=application.pk, reason="Flyttet")
    application.refresh_from_db()
    assert application.status == SupportStatus.WITHDRAWN
    assert application.agenda_items.get().status == AgendaItemStatus.REMOVED
    with pytest.raises(StateError, match="allerede"):
        services.support_withdraw(actor=world.leader, application_id=application.pk)
    with pytest.raises(StateError, match="kan ikke længere ændres"):
        services.support_update(
            actor=world.leader, application_id=application.pk, data=support_data(world)
        )


def test_ask_and_answer_puts_it_back_on_the_agenda(world):
    meeting(world)
    application = make_application(world, submit=True)
    ask(world, application)
    application.refresh_from_db()
    assert application.status == SupportStatus.NEEDS_INFO
    assert not application.agenda_items.filter(status=AgendaItemStatus.WAITING).exists()
    assert Notification.objects.filter(template="support_question", recipient=world.leader).exists()
    # The leader may change it and attach more while it waits for the answer.
    services.support_update(
        actor=world.leader, application_id=application.pk, data=support_data(world)
    )
    services.support_answer(
        actor=world.leader, application_id=application.pk, answer="30 timer om ugen."
    )
    application.refresh_from_db()
    assert application.status == SupportStatus.SUBMITTED
    waiting = application.agenda_items.get(status=AgendaItemStatus.WAITING)
    assert waiting.purpose == AgendaPurpose.ANSWERED
    assert application.events.filter(
        kind=SupportEventKind.ANSWERED, message="30 timer om ugen."
    ).exists()


def test_state_errors(world):
    draft = make_application(world)
    with pytest.raises(StateError):
        ask(world, draft)
    with pytest.raises(StateError):
        services.support_answer(actor=world.leader, application_id=draft.pk, answer="Svar")
    submitted = make_application(world, submit=True)
    with pytest.raises(StateError):
        services.support_document_add(
            actor=world.leader,
            application_id=submitted.pk,
            kind=AssessmentKind.OTHER,
            upload=pdf_upload(),
        )
    with pytest.raises(StateError):
        services.support_document_remove(
            actor=world.leader, document_id=submitted.documents.first().pk
        )
    with pytest.raises(StateError):
        services.support_update(
            actor=world.leader, application_id=submitted.pk, data=support_data(world)
        )


def test_person_add(world):
    application = make_application(world, submit=True)
    person = world.pedagogist.user
    with pytest.raises(StateError):
        services.support_person_add(
            actor=world.leader, application_id=application.pk, person=person
        )
    with pytest.raises(ValidationError):
        services.support_person_add(
            actor=world.administrator, application_id=application.pk, person=world.staff
        )
    services.support_person_add(
        actor=world.administrator, application_id=application.pk, person=person
    )
    assert list(application.added_people.all()) == [person]
    assert Notification.objects.filter(template="support_person_added", recipient=person).exists()
    with pytest.raises(StateError, match="allerede"):
        services.support_person_add(
            actor=world.administrator, application_id=application.pk, person=person
        )


def test_document_remove_deletes_the_file_after_commit(world, django_capture_on_commit_callbacks):
    application = make_application(world)
    document = application.documents.first()
    storage, name = document.file.storage, document.file.name
    assert storage.exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        services.support_document_remove(actor=world.leader, document_id=document.pk)
    assert not storage.exists(name)
    assert application.events.filter(kind=SupportEventKind.DOCUMENT_REMOVED).exists()
