"""Every write of a course: one function per action, with state checks, row locks and history."""

import contextlib
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from forloeb.models import (
    CHECKLIST,
    PHASE_ORDER,
    ChecklistItem,
    Course,
    CourseEvent,
    CourseNote,
    Decision,
    Evaluation,
    EvaluationKind,
    EvaluationStatus,
    GoalAssessment,
    Phase,
)
from indsats.agreements.services import agreement_adjust, agreement_end
from institutioner.errors import StateError
from institutioner.models import User
from institutioner.validators import validate_no_cpr


def _event(course, *, actor, message, from_phase="", to_phase="") -> CourseEvent:
    return CourseEvent.objects.create(
        course=course, actor=actor, message=message, from_phase=from_phase, to_phase=to_phase
    )


@transaction.atomic
def course_open(*, version, actor: User) -> Course:
    """Open the course when its agreement comes into force. Idempotent: an adjustment of the
    agreement (a new version in force) keeps the same course."""
    course = Course.objects.filter(agreement_id=version.agreement_id).first()
    if course is not None:
        _schedule_evaluations(course, version)
        _event(
            course,
            actor=actor,
            message=_("Agreement version %(n)s is in force; the plan follows it.")
            % {"n": version.number},
        )
        return course
    course = Course.objects.create(agreement_id=version.agreement_id)
    ChecklistItem.objects.bulk_create(
        ChecklistItem(course=course, phase=phase, key=key)
        for phase, items in CHECKLIST.items()
        for key, _label in items
    )
    _schedule_evaluations(course, version)
    _event(
        course,
        actor=actor,
        to_phase=Phase.STARTUP,
        message=_("The course started when agreement version %(n)s came into force.")
        % {"n": version.number},
    )
    return course


def _schedule_evaluations(course: Course, version) -> None:
    """Planned midway and final evaluations follow the agreement in force; completed ones stay."""
    content = version.parsed
    planned = {
        EvaluationKind.MIDWAY: content.midway_evaluation_on,
        EvaluationKind.FINAL: content.final_evaluation_on,
    }
    for kind, day in planned.items():
        if course.evaluations.filter(kind=kind, status=EvaluationStatus.COMPLETED).exists():
            continue
        course.evaluations.filter(kind=kind, status=EvaluationStatus.PLANNED).delete()
        if day:
            Evaluation.objects.create(course=course, kind=kind, due_on=day)


def _lock(course_id: int) -> Course:
    return (
        Course.objects.select_for_update(of=("self",)).select_related("agreement").get(pk=course_id)
    )


@transaction.atomic
def course_tick(*, actor: User, course_id: int, item_id: int, done: bool) -> ChecklistItem:
    course = _lock(course_id)
    if course.phase == Phase.CLOSED:
        raise StateError(_("The course is closed and cannot be changed."))
    item = ChecklistItem.objects.select_for_update().get(pk=item_id, course=course)
    item.done_at = timezone.now() if done else None
    item.done_by = actor if done else None
    item.save(update_fields=["done_at", "done_by"])
    message = _("Ticked: %(item)s") if done else _("Unticked: %(item)s")
    _event(course, actor=actor, message=message % {"item": item.label})
    return item


@transaction.atomic
def course_advance(*, actor: User, course_id: int, expected_phase: str) -> Course:
    """Move to the next phase. `expected_phase` is the phase the person saw: if someone else
    moved the course meanwhile, nothing happens twice."""
    course = _lock(course_id)
    if course.phase != expected_phase:
        raise StateError(
            _("The course is already in the phase %(phase)s.")
            % {"phase": course.get_phase_display().lower()}
        )
    if course.phase == Phase.CLOSED:
        raise StateError(_("The course is closed."))
    target = PHASE_ORDER[PHASE_ORDER.index(Phase(course.phase)) + 1]
    if target == Phase.PRACTICE and not course.agreement.versions.in_force().exists():
        raise StateError(_("The practice phase needs an agreement in force."))
    if (
        target == Phase.CLOSED
        and not course.evaluations.filter(
            kind=EvaluationKind.FINAL,
            status=EvaluationStatus.COMPLETED,
            leadership_took_part=True,
        ).exists()
    ):
        raise StateError(
            _(
                "The course can be closed when its final evaluation is completed with the "
                "leadership taking part."
            )
        )
    before = course.phase
    course.phase = target
    fields = ["phase"]
    if target == Phase.CLOSED:
        course.closed_at = timezone.now()
        fields.append("closed_at")
    course.save(update_fields=fields)
    _event(
        course,
        actor=actor,
        from_phase=before,
        to_phase=target,
        message=_("Phase changed to %(phase)s.") % {"phase": course.get_phase_display().lower()},
    )
    if target == Phase.CLOSED:
        # Capacity: the agreed hours stop from the Monday after closing (triage, dashboards).
        agreement_end(
            actor=actor,
            agreement_id=course.agreement_id,
            on=timezone.localdate(course.closed_at),
        )
    return course


@transaction.atomic
def course_note_add(
    *,
    actor: User,
    course_id: int,
    day: date,
    text: str,
    practice_role: str = "",
    themes: list[str] | None = None,
) -> CourseNote:
    course = _lock(course_id)
    if course.phase == Phase.CLOSED:
        raise StateError(_("The course is closed; the logbook is read-only."))
    if day > timezone.localdate():
        raise ValidationError({"day": _("A note cannot be dated in the future.")})
    validate_no_cpr(text)
    note = CourseNote(
        course=course,
        author=actor,
        day=day,
        text=text,
        practice_role=practice_role,
        themes=list(themes or []),
    )
    note.full_clean(exclude=["course", "author"])
    note.save()
    return note


@transaction.atomic
def evaluation_add(*, actor: User, course_id: int, due_on: date) -> Evaluation:
    """An ongoing (løbende) evaluation beside the agreed ones."""
    course = _lock(course_id)
    if course.phase == Phase.CLOSED:
        raise StateError(_("The course is closed; no more evaluations can be added."))
    evaluation = Evaluation.objects.create(
        course=course, kind=EvaluationKind.ONGOING, due_on=due_on
    )
    _event(
        course,
        actor=actor,
        message=_("Ongoing evaluation planned for %(day)s.") % {"day": f"{due_on:%d.%m.%Y}"},
    )
    return evaluation


@transaction.atomic
def evaluation_complete(
    *,
    actor: User,
    evaluation_id: int,
    participants: str,
    leadership_took_part: bool,
    decision: str,
    summary: str,
    assessments: list[tuple[str, int, str]],
) -> Evaluation:
    """Record an evaluation: who took part, each goal's progress, and what happens next."""
    evaluation = (
        Evaluation.objects.select_for_update().select_related("course").get(pk=evaluation_id)
    )
    course = _lock(evaluation.course_id)
    if course.phase == Phase.CLOSED:
        raise StateError(_("The course is closed; its evaluations cannot be changed."))
    if evaluation.status == EvaluationStatus.COMPLETED:
        raise StateError(_("This evaluation is already completed."))
    if not participants.strip():
        raise ValidationError({"participants": _("Write who took part in the evaluation.")})
    for text in (participants, summary, *(a[2] for a in assessments)):
        validate_no_cpr(text)
    evaluation.participants = participants
    evaluation.leadership_took_part = leadership_took_part
    evaluation.decision = decision
    evaluation.summary = summary
    evaluation.status = EvaluationStatus.COMPLETED
    evaluation.completed_at = timezone.now()
    evaluation.completed_by = actor
    evaluation.save()
    GoalAssessment.objects.bulk_create(
        GoalAssessment(evaluation=evaluation, goal=goal, scale=scale, observation=observation)
        for goal, scale, observation in assessments
    )
    _event(
        course,
        actor=actor,
        message=_("%(evaluation)s completed: %(decision)s.")
        % {
            "evaluation": evaluation.get_kind_display(),
            "decision": evaluation.get_decision_display().lower(),
        },
    )
    if decision == Decision.ADJUST:
        # Opens an adjustment of the agreement, unless one is already being worked on.
        with contextlib.suppress(StateError):
            agreement_adjust(actor=actor, agreement_id=course.agreement_id)
    return evaluation
