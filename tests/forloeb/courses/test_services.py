"""Opening a course, phases, checklist, evaluations and the logbook (services.py)."""

import threading
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from forloeb.courses import services
from forloeb.models import Course, CourseEvent, Phase
from indsats.agreements import services as indsats_services
from institutioner.errors import StateError
from tests.factories import PASSWORD
from tests.forloeb.courses.conftest import REASON, _complete, first_evaluation_day
from tests.indsats.helpers import agreement_in_force


def test_course_opens_when_the_agreement_comes_into_force_and_stays_one(world):
    agreement, _version = agreement_in_force(world)
    course = Course.objects.get(agreement=agreement)
    assert course.phase == Phase.STARTUP
    assert course.checklist.count() == 10
    draft = indsats_services.agreement_adjust(
        actor=world.pedagogist.user, agreement_id=agreement.pk
    )
    indsats_services.agreement_send_for_signature(actor=world.pedagogist.user, version_id=draft.pk)
    for user in (world.leader, world.pedagogist.user):
        indsats_services.agreement_sign(actor=user, version_id=draft.pk, password=PASSWORD)
    assert Course.objects.filter(agreement=agreement).count() == 1
    assert "version 2" in course.events.last().message


def test_phases_move_forward_with_history_and_guards(world):
    agreement, _version = agreement_in_force(world)
    course = agreement.course
    pedagogist = world.pedagogist.user
    for phase in (Phase.STARTUP, Phase.PRACTICE):
        services.course_advance(
            actor=pedagogist, course_id=course.pk, expected_phase=phase, reason=REASON
        )
    course.refresh_from_db()
    assert course.phase == Phase.FOLLOW_UP
    with pytest.raises(StateError, match="slutevaluering"):
        services.course_advance(
            actor=pedagogist, course_id=course.pk, expected_phase=Phase.FOLLOW_UP, reason=REASON
        )
    with pytest.raises(StateError, match="allerede"):
        services.course_advance(actor=pedagogist, course_id=course.pk, expected_phase=Phase.STARTUP)
    moves = list(
        CourseEvent.objects.filter(course=course)
        .exclude(to_phase="")
        .values_list("to_phase", flat=True)
    )
    assert moves == [Phase.STARTUP, Phase.PRACTICE, Phase.FOLLOW_UP]


def test_checklist_tick_records_who_and_when(world):
    agreement, _version = agreement_in_force(world)
    item = agreement.course.checklist.get(key="coordination")
    services.course_tick(
        actor=world.pedagogist.user, course_id=agreement.course.pk, item_id=item.pk, done=True
    )
    item.refresh_from_db()
    assert item.done_by == world.pedagogist.user and item.done_at is not None


def test_logbook_refuses_future_dates_and_cpr_numbers(world):
    agreement, _version = agreement_in_force(world)
    course = agreement.course
    with pytest.raises(ValidationError):
        services.course_note_add(
            actor=world.pedagogist.user,
            course_id=course.pk,
            day=timezone.localdate() + timedelta(days=1),
            text="I morgen",
        )
    with pytest.raises(ValidationError):
        services.course_note_add(
            actor=world.pedagogist.user,
            course_id=course.pk,
            day=timezone.localdate(),
            text="070589-1234",
        )
    note = services.course_note_add(
        actor=world.pedagogist.user,
        course_id=course.pk,
        day=timezone.localdate(),
        text="Vi delte børnene i tre legegrupper.",
        practice_role="beside",
        themes=["social"],
    )
    assert note.theme_labels == ["Social udvikling"]


def test_two_advancing_at_once_give_one_transition(postgres, transactional_db, world):
    agreement, _version = agreement_in_force(world)
    course = agreement.course
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def advance():
        try:
            barrier.wait()
            services.course_advance(
                actor=world.pedagogist.user,
                course_id=course.pk,
                expected_phase=Phase.STARTUP,
                reason=REASON,
            )
            outcomes.append("moved")
        except StateError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=advance) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    course.refresh_from_db()
    assert course.phase == Phase.PRACTICE
    assert sorted(outcomes) == ["moved", "refused"]


def test_evaluations_are_scheduled_from_the_agreement_and_close_the_course(world):
    from forloeb.models import EvaluationKind

    agreement, version = agreement_in_force(world)
    course = agreement.course
    kinds = {e.kind: e for e in course.evaluations.all()}
    assert set(kinds) == {EvaluationKind.FINAL}  # 10 weeks: no midway evaluation
    assert kinds[EvaluationKind.FINAL].due_on == version.parsed.final_evaluation_on
    for phase in (Phase.STARTUP, Phase.PRACTICE):
        services.course_advance(
            actor=world.pedagogist.user, course_id=course.pk, expected_phase=phase, reason=REASON
        )
    with pytest.raises(ValidationError):
        _complete(world, kinds[EvaluationKind.FINAL], participants=" ")
    _complete(world, kinds[EvaluationKind.FINAL], leadership_took_part=False)
    with pytest.raises(StateError, match="ledelsens deltagelse"):
        services.course_advance(
            actor=world.pedagogist.user,
            course_id=course.pk,
            expected_phase=Phase.FOLLOW_UP,
            reason=REASON,
        )
    with pytest.raises(StateError, match="allerede"):
        _complete(world, kinds[EvaluationKind.FINAL])
    ongoing = services.evaluation_add(
        actor=world.pedagogist.user, course_id=course.pk, due_on=first_evaluation_day(course)
    )
    ongoing.kind = EvaluationKind.FINAL
    ongoing.save(update_fields=["kind"])
    _complete(world, ongoing, decision="close")
    services.course_advance(
        actor=world.pedagogist.user,
        course_id=course.pk,
        expected_phase=Phase.FOLLOW_UP,
        reason=REASON,
    )
    course.refresh_from_db()
    assert course.phase == Phase.CLOSED and course.closed_at
    with pytest.raises(StateError):
        services.course_note_add(
            actor=world.pedagogist.user, course_id=course.pk, day=timezone.localdate(), text="x"
        )


def test_adjust_decision_opens_an_agreement_adjustment(world):
    agreement, _version = agreement_in_force(world)
    evaluation = services.evaluation_add(
        actor=world.pedagogist.user,
        course_id=agreement.course.pk,
        due_on=first_evaluation_day(agreement.course),
    )
    _complete(world, evaluation, decision="adjust")
    assert agreement.versions.filter(status="draft").exists()
