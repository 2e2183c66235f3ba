"""Every write of a course: one function per action, with state checks, row locks and history."""

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
    Phase,
)
from indsats.models import VersionStatus
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
    _event(
        course,
        actor=actor,
        to_phase=Phase.STARTUP,
        message=_("The course started when agreement version %(n)s came into force.")
        % {"n": version.number},
    )
    return course


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
    if (
        target == Phase.PRACTICE
        and not course.agreement.versions.filter(status=VersionStatus.IN_FORCE).exists()
    ):
        raise StateError(_("The practice phase needs an agreement in force."))
    if target == Phase.CLOSED:
        # The final evaluation (with the leadership taking part) comes with the evaluations.
        raise StateError(
            _(
                "The course can be closed when its final evaluation is completed with the "
                "leadership taking part."
            )
        )
    before = course.phase
    course.phase = target
    course.save(update_fields=["phase"])
    _event(
        course,
        actor=actor,
        from_phase=before,
        to_phase=target,
        message=_("Phase changed to %(phase)s.") % {"phase": course.get_phase_display().lower()},
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
