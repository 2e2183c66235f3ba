"""Why a proposal was declined: the pedagogist may write a short reason when she declines a
leader's proposal; the leader reads it in the message about the decline and under the proposal on
the course's page. Without one, both read as before. A refused reason (too long, a CPR number)
comes back with what was typed and a Danish message, and nothing is declined."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, transaction
from django.urls import reverse

from forloeb.models import PlanChange, PlanChangeKind, PlanChangeStatus
from forloeb.plan import services
from forloeb.plan.services import ChangeInput
from institutioner.models import Notification
from institutioner.textlimits import SHORT
from tests.forloeb.plan.helpers import agreement, christmas_year
from tests.institutioner.test_admin import CPR_SPELLINGS

WHY = "Jeg er i et andet forløb den dag; lad os tage det på næste praksisdag."
SHOWN = f"Begrundelse for afvisningen: {WHY}"
PLAIN = "Teksten indeholder noget, der ligner et CPR-nummer. Skriv ikke CPR-numre her."


def _tuesday(weeks: int = 0) -> date:
    day = date(christmas_year(), 12, 3)
    return day + timedelta(days=(1 - day.weekday()) % 7, weeks=weeks)


def _proposal(world, *, weeks: int = 0):
    ag, _version = agreement(world, weekdays=(1,))
    change = services.plan_change_make(
        actor=world.leader,
        course_id=ag.course.pk,
        data=ChangeInput(kind=PlanChangeKind.CANCEL, day=_tuesday(weeks), reason="Udflugt"),
        proposal=True,
    )
    return ag.course, change


def test_the_reason_is_kept_and_the_leader_reads_it_in_the_message(world):
    _course, change = _proposal(world)

    services.plan_change_decline(
        actor=world.pedagogist.user, change_id=change.pk, reason=f"  {WHY}\r\n"
    )

    change.refresh_from_db()
    assert change.status == PlanChangeStatus.DECLINED
    assert change.decline_reason == WHY
    note = Notification.objects.get(template="plan_change_declined")
    assert note.recipient == world.leader
    assert SHOWN in note.body_text
    # The line under the proposal it answers, before the link to the course.
    assert f"aflyses.\n{SHOWN}\n\n\nForløbets side" in note.body_text


def test_a_decline_without_a_reason_reads_as_before(world):
    _course, change = _proposal(world)

    services.plan_change_decline(actor=world.pedagogist.user, change_id=change.pk)

    change.refresh_from_db()
    assert change.status == PlanChangeStatus.DECLINED and change.decline_reason == ""
    body = Notification.objects.get(template="plan_change_declined").body_text
    assert "Begrundelse" not in body
    # The proposal, then the link to the course, spaced as before.
    assert "aflyses.\n\n\nForløbets side" in body


@pytest.mark.parametrize(
    ("reason", "message"),
    [
        ("x" * (SHORT + 1), f"Højst {SHORT} tegn (du har skrevet {SHORT + 1})."),
        *[(f"Ring til mor {cpr}", PLAIN) for cpr in CPR_SPELLINGS],
    ],
    ids=["too-long", *CPR_SPELLINGS],
)
def test_the_service_refuses_a_bad_reason_and_declines_nothing(world, reason, message):
    _course, change = _proposal(world)
    with pytest.raises(ValidationError) as refused:
        services.plan_change_decline(
            actor=world.pedagogist.user, change_id=change.pk, reason=reason
        )
    assert refused.value.message_dict == {"reason": [message]}
    change.refresh_from_db()
    assert change.status == PlanChangeStatus.PROPOSED and change.decline_reason == ""
    assert not Notification.objects.filter(template="plan_change_declined").exists()


def test_the_database_keeps_a_reason_to_declined_proposals_and_to_its_length(world):
    _course, change = _proposal(world)
    with pytest.raises(IntegrityError), transaction.atomic():
        PlanChange.objects.filter(pk=change.pk).update(decline_reason="Nej")
    services.plan_change_decline(actor=world.pedagogist.user, change_id=change.pk, reason="Nej")
    with pytest.raises(DatabaseError), transaction.atomic():
        PlanChange.objects.filter(pk=change.pk).update(decline_reason="x" * (SHORT + 1))


def test_the_pedagogist_declines_on_the_course_page_and_the_leader_reads_why(client, world):
    course, change = _proposal(world)
    other = services.plan_change_make(
        actor=world.leader,
        course_id=course.pk,
        data=ChangeInput(kind=PlanChangeKind.CANCEL, day=_tuesday(1), reason="Personalemøde"),
        proposal=True,
    )
    course_url = reverse("course_detail", args=[course.pk])
    client.force_login(world.pedagogist.user)
    page = client.get(course_url).content.decode()
    # A form per waiting proposal, each with its own field, the browser's limit on it.
    for proposal in (change, other):
        assert f'action="{reverse("plan_change_decline", args=[proposal.pk])}"' in page
        assert f'id="id_decline_{proposal.pk}_reason"' in page
    assert f'maxlength="{SHORT}"' in page and "Hvorfor afviser du? (valgfrit)" in page

    response = client.post(reverse("plan_change_decline", args=[change.pk]), {"reason": WHY})
    assert response.status_code == 302
    assert response["Location"] == course_url + "#planens-aendringer"
    # Declined without a word, the other reads as before.
    response = client.post(reverse("plan_change_decline", args=[other.pk]), {"reason": ""})
    assert response.status_code == 302

    client.force_login(world.leader)
    page = client.get(course_url).content.decode()
    assert SHOWN in page
    assert page.count("Begrundelse for afvisningen") == 1
    # Another institution's leader neither sees the course nor can answer its proposals.
    client.force_login(world.outsider)
    assert client.get(course_url).status_code == 404
    assert (
        client.post(reverse("plan_change_decline", args=[change.pk]), {"reason": "x"}).status_code
        == 404
    )


@pytest.mark.parametrize(
    ("reason", "message"),
    [
        ("Vi har ikke tid." * 20, f"Højst {SHORT} tegn (du har skrevet {16 * 20})."),
        ("Barnet har cpr 070589-1234", PLAIN),
    ],
    ids=["too-long", "cpr"],
)
def test_a_refused_reason_comes_back_with_what_was_typed(client, world, reason, message):
    _course, change = _proposal(world)
    client.force_login(world.pedagogist.user)

    response = client.post(reverse("plan_change_decline", args=[change.pk]), {"reason": reason})

    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert reason.strip() in page  # what was typed, whole
    assert "Afvis forslaget" in page and "Forslag: Praksisdagen" in page
    change.refresh_from_db()
    assert change.status == PlanChangeStatus.PROPOSED
    assert not Notification.objects.filter(template="plan_change_declined").exists()
