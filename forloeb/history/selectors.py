"""The learning environment's history: every intervention at a place across the years, in a fixed
number of queries. It describes the place and the work, never a single child."""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Prefetch, QuerySet

from forloeb.models import (
    Course,
    Evaluation,
    EvaluationKind,
    EvaluationStatus,
    FollowUp,
    RatingArea,
)
from indsats.agreements.content import GoalRow
from indsats.models import AgreementVersion

# Two interventions in the same group within this long of each other: a repeat (as at triage).
REPEAT_DAYS = 365


@dataclass
class CourseHistory:
    course: Course
    starts_on: date | None
    ends_on: date | None
    goals: list[GoalRow]
    methods: list[str]
    focus_levels: list[str]
    themes: list[str]
    pedagogists: list[str]
    # The last completed evaluation's goals: (goal, scale label), and the mean on the 1-4 scale.
    outcome: list[tuple[str, str]]
    outcome_mean: Decimal | None
    # The leaders' revealed ratings: (area label, mean) and how many answers.
    ratings: list[tuple[str, Decimal]]
    rating_count: int
    follow_ups: list[FollowUp]
    repeat: bool = False
    changed_pedagogist: bool = False
    notes: list[str] = field(default_factory=list)


def _mean(values) -> Decimal | None:
    values = list(values)
    if not values:
        return None
    return (Decimal(sum(values)) / len(values)).quantize(Decimal("0.1"))


def environment_courses(*, institution=None, group=None) -> QuerySet[Course]:
    qs = Course.objects.all()
    if group is not None:
        qs = qs.filter(agreement__request__group=group)
    if institution is not None:
        qs = qs.filter(agreement__request__institution=institution)
    return qs


def course_histories(courses: QuerySet[Course]) -> list[CourseHistory]:
    """Oldest first. Eight queries however many courses."""
    rows = list(
        courses.select_related("agreement__request__group", "agreement__request__institution")
        .prefetch_related(
            Prefetch(
                "agreement__versions",
                queryset=AgreementVersion.objects.signed().order_by("-number"),
                to_attr="signed_versions",
            ),
            "agreement__request__allocations__pedagogist__user",
            "agreement__request__themes",
            Prefetch(
                "evaluations",
                queryset=Evaluation.objects.filter(status=EvaluationStatus.COMPLETED)
                .order_by("completed_at", "pk")
                .prefetch_related("assessments", "ratings"),
                to_attr="completed_evaluations",
            ),
            Prefetch(
                "follow_ups",
                queryset=FollowUp.objects.order_by("closed_on", "months").prefetch_related("goals"),
                to_attr="all_follow_ups",
            ),
        )
        .order_by("started_at", "pk")
    )
    histories = []
    previous_start: dict[int | None, date] = {}
    previous_pedagogists: dict[int | None, set[str]] = {}
    for course in rows:
        req = course.agreement.request
        signed = getattr(course.agreement, "signed_versions", [])
        version = signed[0] if signed else None
        display = version.parsed.display() if version else None
        goals = display.goals if display else []
        evaluations = course.completed_evaluations
        last = evaluations[-1] if evaluations else None
        finals = [e for e in evaluations if e.kind == EvaluationKind.FINAL]
        if finals:
            last = finals[-1]
        outcome = (
            [(a.goal, str(a.get_scale_display())) for a in last.assessments.all()] if last else []
        )
        ratings = [r for e in evaluations for r in e.ratings.all()]
        pedagogists = sorted({a.pedagogist.user.name for a in req.allocations.all()})
        starts_on = display.starts_on if display else None
        key = req.group_id
        repeat = bool(
            starts_on
            and key in previous_start
            and starts_on - previous_start[key] <= timedelta(days=REPEAT_DAYS)
        )
        changed = bool(
            key in previous_pedagogists and previous_pedagogists[key] != set(pedagogists)
        )
        if starts_on:
            previous_start[key] = starts_on
        previous_pedagogists[key] = set(pedagogists)
        histories.append(
            CourseHistory(
                course=course,
                starts_on=starts_on,
                ends_on=display.ends_on if display else None,
                goals=goals,
                methods=display.methods if display else [],
                focus_levels=sorted({g.focus_level for g in goals if g.focus_level}),
                themes=[t.get_theme_display() for t in req.themes.all()],
                pedagogists=pedagogists,
                outcome=outcome,
                outcome_mean=_mean(a.scale for a in last.assessments.all()) if last else None,
                ratings=[
                    (str(area.label), m)
                    for area in RatingArea
                    if (m := _mean(getattr(r, area.value) for r in ratings)) is not None
                ],
                rating_count=len(ratings),
                follow_ups=course.all_follow_ups,
                repeat=repeat,
                changed_pedagogist=changed,
            )
        )
    return histories
