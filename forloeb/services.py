"""Every write of a course: one function per action, with state checks, row locks and history."""

import contextlib
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from forloeb import hours
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
    HourCategory,
    HourEntry,
    Phase,
    SheetStatus,
    WeekSheet,
)
from indsats.models import VersionStatus
from indsats.services import agreement_adjust
from institutioner import access
from institutioner.errors import StateError
from institutioner.models import Pedagogist, User
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
    planned = {
        EvaluationKind.MIDWAY: version.content.get("midway_evaluation_on"),
        EvaluationKind.FINAL: version.content.get("final_evaluation_on"),
    }
    for kind, day in planned.items():
        if course.evaluations.filter(kind=kind, status=EvaluationStatus.COMPLETED).exists():
            continue
        course.evaluations.filter(kind=kind, status=EvaluationStatus.PLANNED).delete()
        if day:
            Evaluation.objects.create(course=course, kind=kind, due_on=date.fromisoformat(day))


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


# --- Hours ---------------------------------------------------------------------------------------

HOURS_IN_A_WEEK = Decimal("168")


def _check_hours(values: dict[tuple[int | None, str], Decimal | None]) -> dict:
    """The same rules as the form, again here: a service is called from more than one place."""
    clean = {}
    for key, value in values.items():
        if value is None or value == 0:
            continue
        if key[1] not in HourCategory.values:
            raise ValidationError(_("Unknown category."))
        if not value.is_finite() or value < 0:
            raise ValidationError(_("Hours cannot be negative."))
        if value != value.quantize(Decimal("0.01")):
            raise ValidationError(_("Use at most two decimals."))
        clean[key] = value
    if sum(clean.values(), Decimal("0")) > HOURS_IN_A_WEEK:
        raise ValidationError(_("The week's hours add up to more than the 168 hours a week has."))
    return clean


def _check_week(monday: date) -> None:
    if monday.weekday() != 0:
        raise ValidationError(_("A week starts on a Monday."))
    if monday < hours.first_allowed_monday():
        raise ValidationError(
            _("%(week)s is too far back: hours can be filled in from %(first)s.")
            % {
                "week": hours.week_label(monday),
                "first": hours.week_label(hours.first_allowed_monday()),
            }
        )
    if monday > hours.last_allowed_monday():
        raise ValidationError(
            _("%(week)s is too far ahead: hours can be filled in up to %(last)s.")
            % {
                "week": hours.week_label(monday),
                "last": hours.week_label(hours.last_allowed_monday()),
            }
        )


def _sheet_for_update(pedagogist: Pedagogist, monday: date) -> WeekSheet:
    """The week's sheet, created if missing, locked. Two tabs creating it at once get one."""
    sheet = WeekSheet.objects.select_for_update().filter(pedagogist=pedagogist, week_start=monday)
    found = sheet.first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            WeekSheet.objects.create(pedagogist=pedagogist, week_start=monday)
    except IntegrityError:
        pass
    return sheet.get()


def _editable(sheet: WeekSheet) -> None:
    if sheet.status == SheetStatus.APPROVED:
        raise StateError(
            _("%(week)s is approved and can no longer be changed.")
            % {"week": hours.week_label(sheet.week_start)}
        )
    if sheet.status == SheetStatus.SUBMITTED:
        raise StateError(
            _("%(week)s is submitted. Reopen it to change it.")
            % {"week": hours.week_label(sheet.week_start)}
        )


@transaction.atomic
def week_save(
    *,
    actor: User,
    pedagogist: Pedagogist,
    monday: date,
    values: dict[tuple[int | None, str], Decimal | None],
    note: str = "",
    submit: bool = False,
) -> WeekSheet:
    """Save the whole grid of a week (a cell left empty removes its hours) and, if asked,
    submit it. Each cell is one row, so saving twice or from two tabs never counts double."""
    if actor.pk != pedagogist.user_id:
        raise StateError(_("Only the pedagogist fills in their own week."))
    _check_week(monday)
    clean = _check_hours(values)
    validate_no_cpr(note)
    if submit and monday > hours.this_monday():
        raise ValidationError(
            _("%(week)s can be submitted once it has begun. Save it for now.")
            % {"week": hours.week_label(monday)}
        )
    sheet = _sheet_for_update(pedagogist, monday)
    _editable(sheet)
    existing = {(e.course_id, e.category): e for e in sheet.entries.all()}
    allowed = {c.pk for c in hours.courses_in_week(pedagogist, monday)}
    allowed |= {course_id for course_id, _category in existing if course_id}
    for course_id, _category in clean:
        if course_id is not None and course_id not in allowed:
            course = Course.objects.filter(pk=course_id).select_related(
                "agreement__request__institution", "agreement__request__group"
            )
            raise ValidationError(
                _("The course at %(course)s does not run in %(week)s.")
                % {
                    "course": hours.course_label(course[0]) if course else "?",
                    "week": hours.week_label(monday),
                }
            )
    for key, entry in existing.items():
        if key not in clean:
            entry.delete()
        elif entry.hours != clean[key]:
            entry.hours = clean[key]
            entry.save(update_fields=["hours"])
    for (course_id, category), value in clean.items():
        if (course_id, category) not in existing:
            HourEntry.objects.create(
                sheet=sheet, course_id=course_id, category=category, hours=value
            )
    sheet.note = note
    if submit:
        sheet.status = SheetStatus.SUBMITTED
        sheet.submitted_at = timezone.now()
    sheet.save()
    return sheet


@transaction.atomic
def week_reopen(*, actor: User, pedagogist: Pedagogist, monday: date) -> WeekSheet:
    if actor.pk != pedagogist.user_id:
        raise StateError(_("Only the pedagogist reopens their own week."))
    sheet = (
        WeekSheet.objects.select_for_update()
        .filter(pedagogist=pedagogist, week_start=monday)
        .first()
    )
    if sheet is None or sheet.status == SheetStatus.OPEN:
        raise StateError(_("The week is already open."))
    if sheet.status == SheetStatus.APPROVED:
        _editable(sheet)
    sheet.status = SheetStatus.OPEN
    sheet.submitted_at = None
    sheet.save()
    return sheet


@transaction.atomic
def month_approve(*, actor: User, pedagogist: Pedagogist, year: int, month: int) -> list[WeekSheet]:
    """Approve a pedagogist's month: every week of it must be submitted (an empty week, such as a
    holiday, is submitted empty). Approved weeks are never changed again."""
    if not access.is_administration(actor):
        raise StateError(_("Only the administration approves hours."))
    mondays = hours.weeks_of_month(year, month)
    sheets = {
        s.week_start: s
        for s in WeekSheet.objects.select_for_update().filter(
            pedagogist=pedagogist, week_start__in=mondays
        )
    }
    if (
        sheets
        and all(s.status == SheetStatus.APPROVED for s in sheets.values())
        and len(sheets) == len(mondays)
    ):
        raise StateError(_("The month is already approved."))
    missing = [
        hours.week_label(m)
        for m in mondays
        if m not in sheets or sheets[m].status == SheetStatus.OPEN
    ]
    if missing:
        raise StateError(
            _(
                "%(name)s has not submitted: %(weeks)s. "
                "Every week of the month must be submitted first."
            )
            % {"name": pedagogist.user.name, "weeks": ", ".join(missing)}
        )
    now = timezone.now()
    approved = []
    for sheet in sheets.values():
        if sheet.status == SheetStatus.SUBMITTED:
            sheet.status = SheetStatus.APPROVED
            sheet.approved_at = now
            sheet.approved_by = actor
            sheet.save()
            approved.append(sheet)
    return approved
