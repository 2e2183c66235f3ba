"""Every write of a course: one function per action, with state checks, row locks and history."""

import contextlib
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from forloeb import access
from forloeb.courses import hooks
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
from indsats.agreements.services import agreement_adjust, agreement_anonymise, agreement_end
from institutioner.errors import StateError
from institutioner.models import User
from institutioner.notifications.services import notifications_done
from institutioner.retention.services import text_anonymise
from institutioner.textlimits import GOAL, LINE, LONG, MEDIUM, check_lengths
from institutioner.validators import validate_no_cpr, validate_no_cpr_plain
from institutioner.workdays import not_a_working_day


def _event(
    course,
    *,
    actor,
    message,
    from_phase="",
    to_phase="",
    reason="",
    unticked_items: list[str] | None = None,
) -> CourseEvent:
    """One row of the course's history. A phase move keeps its reason and the keys of the
    items it left unticked in their own fields (the history page shows them from there)."""
    return CourseEvent.objects.create(
        course=course,
        actor=actor,
        message=message,
        from_phase=from_phase,
        to_phase=to_phase,
        reason=reason,
        unticked_items=unticked_items or [],
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
        waiting = course.evaluations.filter(kind=kind, status=EvaluationStatus.PLANNED)
        answered = waiting.filter(ratings__isnull=False).first()
        if answered is not None:
            # The institution has answered its form: the evaluation stays (with the answers),
            # moved to the new date.
            waiting.exclude(pk=answered.pk).delete()
            if day and answered.due_on != day:
                answered.due_on = day
                answered.save(update_fields=["due_on"])
            continue
        waiting.delete()
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


class ChecklistOpen(StateError):
    """Moving on with unticked items of the phase needs a reason; the items are the open ones."""

    def __init__(self, items: list[ChecklistItem]):
        super().__init__(
            _("Some items of the checklist are not ticked. Tick them, or write why you move on.")
        )
        self.items = items


def _may_close(course: Course) -> bool:
    """A completed final evaluation, and the leadership took part in it or in an ongoing or final
    evaluation recorded after it (a final evaluation recorded without them is followed up, not a
    dead end)."""
    completed = course.evaluations.filter(status=EvaluationStatus.COMPLETED)
    first_final = completed.filter(kind=EvaluationKind.FINAL).order_by("completed_at").first()
    if first_final is None:
        return False
    return completed.filter(
        leadership_took_part=True,
        kind__in=[EvaluationKind.FINAL, EvaluationKind.ONGOING],
        completed_at__gte=first_final.completed_at,
    ).exists()


def _move(course: Course, target: str, actor: User) -> None:
    """The one place a course changes phase: closing stamps the time, reopening clears it.
    Closing also ends the agreement's hours from the Monday after (triage's free capacity and
    the dashboards); reopening takes that end back."""
    was_closed = course.phase == Phase.CLOSED
    course.phase = target
    course.closed_at = timezone.now() if target == Phase.CLOSED else None
    course.save(update_fields=["phase", "closed_at"])
    if target == Phase.CLOSED:
        agreement_end(
            actor=actor,
            agreement_id=course.agreement_id,
            on=timezone.localdate(course.closed_at),
        )
    elif was_closed:
        agreement_end(actor=actor, agreement_id=course.agreement_id, on=None)


@transaction.atomic
def course_advance(*, actor: User, course_id: int, expected_phase: str, reason: str = "") -> Course:
    """Move to the next phase. `expected_phase` is the phase the person saw: if someone else
    moved the course meanwhile, nothing happens twice. Unticked items of the phase need a
    `reason`, kept on each item (ChecklistOpen says which items are open)."""
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
    if target == Phase.CLOSED and not _may_close(course):
        raise StateError(
            _(
                "The course can be closed when its final evaluation is completed with the "
                "leadership taking part."
            )
        )
    open_items = list(
        course.checklist.select_for_update().filter(
            phase=course.phase, done_at__isnull=True, waived_at__isnull=True
        )
    )
    reason = reason.strip()
    if open_items and not reason:
        raise ChecklistOpen(open_items)
    if open_items:
        validate_no_cpr_plain(reason)
        if len(reason) > 500:
            raise ValidationError({"reason": _("Write at most 500 characters.")})
        now = timezone.now()
        for item in open_items:
            item.waived_reason, item.waived_by, item.waived_at = reason, actor, now
            item.save(update_fields=["waived_reason", "waived_by", "waived_at"])
    before = course.phase
    course._history_user = actor  # type: ignore[attr-defined]
    _move(course, target, actor)
    message = _("Phase changed to %(phase)s.") % {"phase": course.get_phase_display().lower()}
    if open_items:
        message += " " + _("Not ticked: %(items)s. Why: %(reason)s") % {
            "items": ", ".join(item.label for item in open_items),
            "reason": reason,
        }
    _event(
        course,
        actor=actor,
        from_phase=before,
        to_phase=target,
        message=message,
        reason=reason if open_items else "",
        unticked_items=[item.key for item in open_items],
    )
    return course


class CourseMovedMeanwhile(StateError):
    """The course changed phase (another tab or person) after the phase page was opened."""


def course_phase_stamp(course: Course) -> str:
    """What the phase page keeps of the course as it was opened: its phase and its last phase
    change (every change of phase leaves an event with the phase it moved to)."""
    last = (
        course.events.exclude(to_phase="")
        .order_by("-created_at", "-pk")
        .values_list("pk", flat=True)
        .first()
    )
    return f"{course.phase}:{last or 0}"


@transaction.atomic
def course_set_phase(
    *, actor: User, course_id: int, phase: str, reason: str, expected_stamp: str = ""
) -> Course:
    """The administration's way out of any state: put the course in any phase, reopen a closed
    course or close it without the usual guards (checklist, final evaluation). The reason is
    required and kept in the course's history. `expected_stamp` is `course_phase_stamp()` when
    the page was opened: if the course changed phase since (another tab, another person), it is
    not moved."""
    if not access.can_set_course_phase(actor):
        raise StateError(_("Only the administration can move a course to any phase."))
    course = _lock(course_id)
    if phase not in Phase.values:
        raise ValidationError({"phase": _("Choose a phase.")})
    if phase == course.phase:
        raise StateError(
            _("The course is already in the phase %(phase)s.")
            % {"phase": course.get_phase_display().lower()}
        )
    if expected_stamp and expected_stamp != course_phase_stamp(course):
        raise CourseMovedMeanwhile(
            _(
                "The course was moved to the phase %(phase)s after you opened this page, so it "
                "is not moved again. Look at the phase now and send the form again if the course "
                "should still be moved; your reason is kept."
            )
            % {"phase": course.get_phase_display().lower()}
        )
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Write why the course is moved.")})
    validate_no_cpr_plain(reason)
    if len(reason) > 500:
        raise ValidationError({"reason": _("Write at most 500 characters.")})
    before = course.phase
    reopened = before == Phase.CLOSED
    course._history_user = actor  # type: ignore[attr-defined]
    _move(course, phase, actor)
    text = (
        _("The administration reopened the course in the phase %(phase)s. Why: %(reason)s")
        if reopened
        else _("The administration moved the course to the phase %(phase)s. Why: %(reason)s")
    )
    _event(
        course,
        actor=actor,
        from_phase=before,
        to_phase=phase,
        message=text % {"phase": course.get_phase_display().lower(), "reason": reason},
        reason=reason,
    )
    return course


def course_start(course: Course) -> date:
    """The day the course began: when it opened, or its agreement's start if that was earlier
    (an agreement signed after its period began)."""
    start = timezone.localdate(course.started_at)
    first = course.agreement.versions.filter(number=1).values_list("starts_on", flat=True).first()
    return min(start, first) if first else start


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
    start = course_start(course)
    if day < start:
        raise ValidationError(
            {
                "day": _("A note cannot be dated before the course started (%(day)s).")
                % {"day": f"{start:%d.%m.%Y}"}
            }
        )
    validate_no_cpr(text)
    check_lengths(text=(text, LONG))
    # The same note posted twice (a double click, the back button and "send again") is kept
    # once: the course is locked, so two posts at once find each other.
    same = CourseNote.objects.filter(course=course, author=actor, day=day, text=text).first()
    if same is not None:
        return same
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


def _check_evaluation_day(course: Course, day: date) -> None:
    """An evaluation is held on a working day within the agreement in force, from the course's
    start. A day already past is allowed (an evaluation held last week, planned and recorded
    now), but not one before the course began."""
    problem = not_a_working_day(day)
    if problem:
        raise ValidationError({"due_on": problem})
    version = course.agreement.versions.in_force().first()
    start = course_start(course)
    if version is not None and version.starts_on is not None:
        start = max(start, version.starts_on)
    if day < start:
        raise ValidationError(
            {
                "due_on": _(
                    "The course starts on %(start)s; the evaluation cannot lie before that day."
                )
                % {"start": f"{start:%d.%m.%Y}"}
            }
        )
    if version is not None and version.ends_on is not None and day > version.ends_on:
        raise ValidationError(
            {
                "due_on": _(
                    "The agreement ends on %(end)s; the evaluation must lie on that day at the "
                    "latest."
                )
                % {"end": f"{version.ends_on:%d.%m.%Y}"}
            }
        )


@transaction.atomic
def evaluation_add(*, actor: User, course_id: int, due_on: date) -> Evaluation:
    """An ongoing (løbende) evaluation beside the agreed ones. Asking for one on a day that has
    a planned one (a double click, the form sent again) answers with that one, marked
    `created = False`; a day that has any other evaluation of the course (the midway or final
    one, one recorded) is refused under the field. The course is locked, so two posts at once
    find each other."""
    course = _lock(course_id)
    if course.phase == Phase.CLOSED:
        raise StateError(_("The course is closed; no more evaluations can be added."))
    same_day = Evaluation.objects.filter(
        course=course,
        kind=EvaluationKind.ONGOING,
        due_on=due_on,
        status=EvaluationStatus.PLANNED,
    ).first()
    if same_day is not None:
        same_day.created = False  # type: ignore[attr-defined]
        return same_day
    other = Evaluation.objects.filter(course=course, due_on=due_on).first()
    if other is not None:
        # One evaluation a day: the midway or final one, or one recorded, holds the day.
        raise ValidationError(
            {
                "due_on": _("The course already has an evaluation on %(day)s (%(kind)s).")
                % {"day": f"{due_on:%d.%m.%Y}", "kind": other.get_kind_display().lower()}
            }
        )
    _check_evaluation_day(course, due_on)
    evaluation = Evaluation.objects.create(
        course=course, kind=EvaluationKind.ONGOING, due_on=due_on
    )
    _event(
        course,
        actor=actor,
        message=_("Ongoing evaluation planned for %(day)s.") % {"day": f"{due_on:%d.%m.%Y}"},
    )
    evaluation.created = True  # type: ignore[attr-defined]
    return evaluation


@transaction.atomic
def evaluation_remove(*, actor: User, course_id: int, evaluation_id: int) -> Evaluation:
    """Remove an ongoing evaluation planned by mistake, before it is recorded. The agreed ones
    (midway, final) follow the agreement and are changed by adjusting it; one the institution
    has answered keeps its answers. The course's history says who removed which."""
    course = _lock(course_id)
    evaluation = (
        Evaluation.objects.select_for_update().filter(pk=evaluation_id, course=course).first()
    )
    if evaluation is None:
        raise StateError(_("The evaluation is already removed."))
    if course.phase == Phase.CLOSED:
        raise StateError(_("The course is closed; its evaluations cannot be changed."))
    if evaluation.kind != EvaluationKind.ONGOING:
        raise StateError(
            _(
                "Only an ongoing evaluation can be removed; the midway and final evaluations "
                "follow the agreement and are changed by adjusting it."
            )
        )
    if evaluation.status != EvaluationStatus.PLANNED:
        raise StateError(_("The evaluation is recorded and cannot be removed."))
    if evaluation.ratings.exists():
        raise StateError(
            _("The institution has answered for this evaluation; it cannot be removed.")
        )
    evaluation._history_user = actor  # type: ignore[attr-defined]
    evaluation.delete()
    _event(
        course,
        actor=actor,
        message=_("Ongoing evaluation of %(day)s removed.")
        % {"day": f"{evaluation.due_on:%d.%m.%Y}"},
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
    held_on: date | None = None,
) -> Evaluation:
    """Record an evaluation: the day it was held (today when not given), who took part, each
    goal's progress, and what happens next."""
    evaluation = (
        Evaluation.objects.select_for_update().select_related("course").get(pk=evaluation_id)
    )
    course = _lock(evaluation.course_id)
    if course.phase == Phase.CLOSED:
        raise StateError(_("The course is closed; its evaluations cannot be changed."))
    if evaluation.status == EvaluationStatus.COMPLETED:
        raise StateError(_("This evaluation is already completed."))
    if evaluation.due_on > timezone.localdate():
        # Recording it would also reveal the institution's blind answers before it was held.
        raise StateError(
            _(
                "The evaluation is planned for %(day)s and cannot be recorded before the "
                "evaluation's day."
            )
            % {"day": f"{evaluation.due_on:%d.%m.%Y}"}
        )
    if not participants.strip():
        raise ValidationError({"participants": _("Write who took part in the evaluation.")})
    held_on = held_on or timezone.localdate()
    _check_held_on(course, held_on)
    for text in (participants, summary, *(a[2] for a in assessments)):
        validate_no_cpr(text)
    check_lengths(participants=(participants, LINE), summary=(summary, LONG))
    for index, (goal, _scale, observation) in enumerate(assessments):
        check_lengths(
            **{f"goal_{index}": (goal, GOAL), f"observation_{index}": (observation, MEDIUM)}
        )
    evaluation.participants = participants
    evaluation.leadership_took_part = leadership_took_part
    evaluation.decision = decision
    evaluation.summary = summary
    evaluation.status = EvaluationStatus.COMPLETED
    evaluation.held_on = held_on
    evaluation.completed_at = timezone.now()
    evaluation.completed_by = actor
    evaluation._history_user = actor  # type: ignore[attr-defined]
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
    # Its reminders are done, unless another evaluation of the course is reminded of too.
    soon = timezone.localdate() + timedelta(days=settings.EVALUATION_REMINDER_DAYS)
    if not course.evaluations.filter(status=EvaluationStatus.PLANNED, due_on__lte=soon).exists():
        notifications_done(
            concerns=course, templates=["reminder_evaluation_due", "reminder_evaluation_overdue"]
        )
    return evaluation


def _check_held_on(course: Course, held_on: date) -> None:
    """An evaluation was held between the course's start and today."""
    today, started = timezone.localdate(), course_start(course)
    if held_on > today:
        raise ValidationError(
            {
                "held_on": _(
                    "The evaluation cannot have been held after today. Write the day it was held."
                )
            }
        )
    if held_on < started:
        raise ValidationError(
            {
                "held_on": _(
                    "The course started on %(day)s; the evaluation cannot have been held before."
                )
                % {"day": f"{started:%d.%m.%Y}"}
            }
        )


class EvaluationChangedMeanwhile(StateError):
    """The evaluation was saved elsewhere (another tab or person) after the form opened."""


def evaluation_stamp(evaluation: Evaluation) -> str:
    """What a correction form keeps of the evaluation as it was opened."""
    return evaluation.updated_at.isoformat()


# What a correction may change, in the order the history names them.
_CORRECTABLE = ("held_on", "participants", "leadership_took_part", "decision", "summary")


@transaction.atomic
def evaluation_correct(
    *,
    actor: User,
    evaluation_id: int,
    participants: str,
    leadership_took_part: bool,
    decision: str,
    summary: str,
    assessments: list[tuple[str, int, str]],
    expected_stamp: str = "",
    held_on: date | None = None,
) -> Evaluation:
    """Correct a completed evaluation until the course closes (e.g. tick that the leadership took
    part). The row's history keeps what it said before; the course's history says who corrected
    what. `expected_stamp` is `evaluation_stamp()` when the form was opened: if it was saved since
    (another tab, another person), nothing is overwritten."""
    course_id = Evaluation.objects.values_list("course_id", flat=True).get(pk=evaluation_id)
    course = _lock(course_id)  # the course first, as closing does: no deadlock between them
    evaluation = Evaluation.objects.select_for_update().get(pk=evaluation_id)
    if course.phase == Phase.CLOSED:
        raise StateError(_("The course is closed; its evaluations cannot be changed."))
    if evaluation.status != EvaluationStatus.COMPLETED:
        raise StateError(_("Only a completed evaluation can be corrected."))
    if expected_stamp and expected_stamp != evaluation_stamp(evaluation):
        raise EvaluationChangedMeanwhile(
            _(
                "The evaluation was saved by someone else, or in another tab, after you opened "
                "it, so your changes are not saved. They are still in the form below."
            )
        )
    if not participants.strip():
        raise ValidationError({"participants": _("Write who took part in the evaluation.")})
    if held_on is None:
        held_on = evaluation.held_on
    elif held_on != evaluation.held_on:
        _check_held_on(course, held_on)
    for text in (participants, summary, *(a[2] for a in assessments)):
        validate_no_cpr(text)
    new = {
        "held_on": held_on,
        "participants": participants,
        "leadership_took_part": leadership_took_part,
        "decision": decision,
        "summary": summary,
    }
    changed = [name for name in _CORRECTABLE if getattr(evaluation, name) != new[name]]
    old_assessments = list(
        evaluation.assessments.order_by("pk").values_list("goal", "scale", "observation")
    )
    assessments_changed = old_assessments != [tuple(a) for a in assessments]
    if not changed and not assessments_changed:
        return evaluation
    was_adjust = evaluation.decision == Decision.ADJUST
    for name in changed:
        setattr(evaluation, name, new[name])
    # Saved even when only the goals' assessments changed: its stamp moves on.
    evaluation._history_user = actor  # type: ignore[attr-defined]
    evaluation.save(update_fields=[*changed, "updated_at"])
    if assessments_changed:
        evaluation.assessments.all().delete()
        GoalAssessment.objects.bulk_create(
            GoalAssessment(evaluation=evaluation, goal=goal, scale=scale, observation=observation)
            for goal, scale, observation in assessments
        )
    labels = [
        str(getattr(Evaluation._meta.get_field(name), "verbose_name", name)) for name in changed
    ]
    if assessments_changed:
        labels.append(str(_("the goals' assessments")))
    _event(
        course,
        actor=actor,
        message=_("%(evaluation)s of %(day)s corrected: %(fields)s.")
        % {
            "evaluation": evaluation.get_kind_display(),
            "day": f"{evaluation.due_on:%d.%m.%Y}",
            "fields": ", ".join(labels),
        },
    )
    if decision == Decision.ADJUST and not was_adjust:
        with contextlib.suppress(StateError):
            agreement_adjust(actor=actor, agreement_id=course.agreement_id)
    return evaluation


# --- Retention ----------------------------------------------------------------------------------


def course_anonymise(*, course_id: int, before: datetime) -> bool:
    """Retention, for a course closed before `before`: the logbook's notes, the evaluations'
    participants and summaries, the assessed goals and what was seen, the reasons for unticked
    checklist items and the course's events lose their text, in the rows and in their history;
    so do the texts other rooms keep about the course (registered in forloeb/courses/hooks.py:
    the institution's ratings, the follow-ups, the plan's changes); then its agreement and
    request (`agreement_anonymise`). Phases, dates, decisions, scales, hours and the checklist's
    ticks stay. Runs inside the caller's transaction (one per case);
    returns False if there was nothing to do (anonymised already, or reopened)."""
    course = Course.objects.select_for_update().get(pk=course_id)
    if course.anonymised_at is not None or course.phase != Phase.CLOSED:
        return False
    if course.closed_at is None or course.closed_at >= before:
        return False
    text_anonymise(CourseNote, where={"course_id": course.pk}, replace=("text",))
    text_anonymise(
        GoalAssessment,
        where={"evaluation__course_id": course.pk},
        replace=("goal", "observation"),
    )
    text_anonymise(Evaluation, where={"course_id": course.pk}, replace=("participants", "summary"))
    text_anonymise(ChecklistItem, where={"course_id": course.pk}, replace=("waived_reason",))
    text_anonymise(CourseEvent, where={"course_id": course.pk}, replace=("message", "reason"))
    hooks.course_anonymised(course_id=course.pk)
    agreement_anonymise(agreement_id=course.agreement_id, before=before)
    Course.objects.filter(pk=course.pk).update(anonymised_at=timezone.now())
    return True
