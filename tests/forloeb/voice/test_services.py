"""Answering an evaluation's form and inviting staff (forloeb/voice/services.py)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from forloeb.models import Evaluation, InstitutionRating, Phase
from forloeb.voice import services
from institutioner.errors import StateError
from institutioner.models import Notification, NotificationKind
from tests.forloeb.courses.conftest import _complete
from tests.forloeb.voice.conftest import SCORES, answer, course_due_today

pytestmark = pytest.mark.django_db


def test_a_leader_answers_once_with_scores_comments_and_meeting_time(world):
    _course, final = course_due_today(world)
    rating = answer(world.leader, final)
    assert [score for _label, score, _comment in rating.answers()] == [4, 3, 2, 5, 4]
    assert rating.meeting_hours == Decimal("6.5")
    assert rating.collaboration_comment == "Hun lyttede til personalet."
    with pytest.raises(StateError, match="allerede svaret"):
        answer(world.leader, final)
    assert InstitutionRating.objects.count() == 1


def test_the_database_keeps_one_answer_per_person_and_scores_from_1_to_5(world, postgres):
    _course, final = course_due_today(world)
    rating = answer(world.leader, final)
    with pytest.raises(IntegrityError), transaction.atomic():
        InstitutionRating.objects.create(evaluation=final, respondent=world.leader, **SCORES)
    with pytest.raises(IntegrityError), transaction.atomic():
        InstitutionRating.objects.filter(pk=rating.pk).update(effect=6)


@pytest.mark.parametrize("bad", [0, 6, None, "4"])
def test_a_score_outside_1_to_5_is_refused_in_danish(world, bad):
    _course, final = course_due_today(world)
    with pytest.raises(ValidationError) as error:
        answer(world.leader, final, scores={**SCORES, "effect": bad})
    assert error.value.message_dict["effect"] == ["Vælg en score fra 1 til 5."]
    assert not InstitutionRating.objects.exists()


def test_the_leader_gives_the_meeting_time_within_0_to_500(world):
    _course, final = course_due_today(world)
    with pytest.raises(ValidationError, match="møder"):
        answer(world.leader, final, meeting_hours=None)
    with pytest.raises(ValidationError, match="fra 0 til 500"):
        answer(world.leader, final, meeting_hours=Decimal("501"))


def test_comments_carry_the_cpr_guard_and_a_maximum(world):
    _course, final = course_due_today(world)
    with pytest.raises(ValidationError, match="CPR"):
        answer(world.leader, final, comments={"effect": "Barnet 010203-1234 trives"})
    with pytest.raises(ValidationError):
        answer(world.leader, final, comments={"culture": "x" * 501})
    with pytest.raises(ValidationError, match="CPR"):
        answer(world.leader, final, comment="0102031234")
    assert not InstitutionRating.objects.exists()


def test_the_form_closes_30_days_after_the_evaluation_was_recorded(world):
    _course, final = course_due_today(world)
    _complete(world, final)
    Evaluation.objects.filter(pk=final.pk).update(completed_at=timezone.now() - timedelta(days=31))
    with pytest.raises(StateError, match="lukkede"):
        answer(world.leader, final)
    Evaluation.objects.filter(pk=final.pk).update(completed_at=timezone.now() - timedelta(days=29))
    assert answer(world.leader, final).pk


def test_the_form_opens_two_weeks_before_the_evaluation(world):
    _course, final = course_due_today(world)
    Evaluation.objects.filter(pk=final.pk).update(due_on=timezone.localdate() + timedelta(days=15))
    with pytest.raises(StateError, match="åbner"):
        answer(world.leader, final)


def test_a_planned_evaluation_of_a_closed_course_cannot_be_answered(world):
    from forloeb.courses import services as courses

    course, final = course_due_today(world)
    courses.course_set_phase(
        actor=world.administrator, course_id=course.pk, phase=Phase.CLOSED, reason="Stoppet."
    )
    with pytest.raises(StateError, match="lukket uden"):
        answer(world.leader, final)


def test_only_the_leaders_and_invited_staff_answer(world):
    _course, final = course_due_today(world)
    for person in (world.staff, world.pedagogist.user, world.administrator, world.outsider):
        with pytest.raises(StateError):
            answer(person, final, meeting_hours=None)
    invited = services.rating_invite(
        actor=world.leader, evaluation_id=final.pk, person_ids=[world.staff.pk]
    )
    assert invited == 1
    message = Notification.objects.get(recipient=world.staff)
    assert message.kind == NotificationKind.RATING_INVITATION
    assert "Lene Leder" in message.body_text
    # Staff do not report the institution's meeting time: the leader does.
    rating = answer(world.staff, final, meeting_hours=Decimal("3"))
    assert rating.meeting_hours is None


def test_only_the_institutions_own_staff_can_be_invited(world):
    _course, final = course_due_today(world)
    with pytest.raises(ValidationError):
        services.rating_invite(
            actor=world.leader, evaluation_id=final.pk, person_ids=[world.outsider.pk]
        )
    with pytest.raises(StateError):
        services.rating_invite(
            actor=world.pedagogist.user, evaluation_id=final.pk, person_ids=[world.staff.pk]
        )


def test_an_adjusted_agreement_keeps_an_answered_evaluation(world):
    from indsats.agreements import services as agreements
    from tests.factories import PASSWORD

    course, final = course_due_today(world)
    answer(world.leader, final)
    draft = agreements.agreement_adjust(
        actor=world.pedagogist.user, agreement_id=course.agreement_id
    )
    agreements.agreement_send_for_signature(actor=world.pedagogist.user, version_id=draft.pk)
    for user in (world.leader, world.pedagogist.user):
        agreements.agreement_sign(actor=user, version_id=draft.pk, password=PASSWORD)
    final.refresh_from_db()
    assert final.ratings.count() == 1
    assert course.evaluations.filter(kind="final").count() == 1
