"""What the interventions give (the effect figures): goal attainment on the evaluations' 1-4
scale and the leaders' ratings on seed 004's five areas, by district, institution, theme,
method, focus level or pedagogist, and over time; the institution's meeting time against the
practice hours it received; follow-ups answered and practice still in use.

Computed from the domain in a fixed number of queries (one per kind of fact), summed in Python
per course and then per group: a course counts in each theme, method, focus level and pedagogist
it had."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from forloeb.models import (
    Course,
    EvaluationKind,
    EvaluationStatus,
    FollowUp,
    FollowUpGoal,
    GoalAssessment,
    HourCategory,
    HourEntry,
    InstitutionRating,
    PracticeInUse,
    RatingArea,
    Scale,
)
from indsats.models import (
    AgreementVersion,
    Allocation,
    FocusLevel,
    LearningTheme,
    Method,
    RequestFocusLevel,
    RequestTheme,
)

DIMENSIONS = {
    "district": _("District"),
    "institution": _("Institution"),
    "theme": _("Learning-plan theme"),
    "method": _("Method"),
    "focus": _("Focus level"),
    "pedagogist": _("Pedagogist"),
}


@dataclass
class CourseFacts:
    year: int
    keys: dict[str, list[str]] = field(default_factory=dict)
    scales: list[int] = field(default_factory=list)
    ratings: list[list[int]] = field(default_factory=list)
    meeting_hours: Decimal = Decimal(0)
    practice_hours: Decimal = Decimal(0)
    follow_ups: int = 0
    follow_ups_answered: int = 0
    goals_followed: int = 0
    goals_in_use: int = 0


@dataclass
class EffectRow:
    label: str
    courses: int = 0
    goals: int = 0
    scale_sum: int = 0
    reached: int = 0
    ratings: int = 0
    area_sums: list[int] = field(default_factory=lambda: [0] * len(RatingArea))
    meeting_hours: Decimal = Decimal(0)
    practice_hours: Decimal = Decimal(0)
    follow_ups: int = 0
    follow_ups_answered: int = 0
    goals_followed: int = 0
    goals_in_use: int = 0

    def add(self, facts: CourseFacts) -> None:
        self.courses += 1
        self.goals += len(facts.scales)
        self.scale_sum += sum(facts.scales)
        self.reached += sum(1 for s in facts.scales if s == Scale.REACHED)
        self.ratings += len(facts.ratings)
        for answer in facts.ratings:
            for index, score in enumerate(answer):
                self.area_sums[index] += score
        self.meeting_hours += facts.meeting_hours
        self.practice_hours += facts.practice_hours
        self.follow_ups += facts.follow_ups
        self.follow_ups_answered += facts.follow_ups_answered
        self.goals_followed += facts.goals_followed
        self.goals_in_use += facts.goals_in_use

    @property
    def attainment(self) -> Decimal | None:
        """Mean of the goals' last final evaluation, 1-4."""
        return _ratio(self.scale_sum, self.goals)

    @property
    def reached_percent(self) -> int | None:
        return None if not self.goals else round(100 * self.reached / self.goals)

    @property
    def area_means(self) -> list[Decimal | None]:
        return [_ratio(total, self.ratings) for total in self.area_sums]

    @property
    def rating_mean(self) -> Decimal | None:
        return _ratio(sum(self.area_sums), self.ratings * len(RatingArea))

    @property
    def meeting_per_10_practice(self) -> Decimal | None:
        """The institution's meeting hours for each 10 practice hours it received."""
        if not self.practice_hours:
            return None
        return (10 * self.meeting_hours / self.practice_hours).quantize(Decimal("0.1"))

    @property
    def in_use_percent(self) -> int | None:
        return (
            None
            if not self.goals_followed
            else round(100 * self.goals_in_use / self.goals_followed)
        )


def _ratio(total, count) -> Decimal | None:
    if not count:
        return None
    return (Decimal(total) / Decimal(count)).quantize(Decimal("0.01"))


def course_facts(courses: QuerySet[Course]) -> dict[int, CourseFacts]:
    """Everything the figures need about the courses, in ten queries."""
    facts: dict[int, CourseFacts] = {}
    for row in courses.values(
        "pk",
        "started_at",
        "agreement__request__institution__name",
        "agreement__request__institution__district__name",
    ):
        facts[row["pk"]] = CourseFacts(
            year=row["started_at"].year,
            keys={
                "district": [row["agreement__request__institution__district__name"]],
                "institution": [row["agreement__request__institution__name"]],
                "theme": [],
                "method": [],
                "focus": [],
                "pedagogist": [],
            },
        )
    ids = courses.values("pk")

    def keyed(name: str, pairs) -> None:
        for course_id, key in pairs:
            if course_id in facts and key not in facts[course_id].keys[name]:
                facts[course_id].keys[name].append(key)

    themes = dict(LearningTheme.choices)
    keyed(
        "theme",
        (
            (course_id, str(themes.get(theme, theme)))
            for course_id, theme in RequestTheme.objects.filter(
                request__agreement__course__in=ids
            ).values_list("request__agreement__course", "theme")
        ),
    )
    levels = dict(FocusLevel.choices)
    keyed(
        "focus",
        (
            (course_id, str(levels.get(level, level)))
            for course_id, level in RequestFocusLevel.objects.filter(
                request__agreement__course__in=ids
            ).values_list("request__agreement__course", "level")
        ),
    )
    keyed(
        "pedagogist",
        Allocation.objects.filter(request__agreement__course__in=ids).values_list(
            "request__agreement__course", "pedagogist__user__name"
        ),
    )
    # The methods of the newest signed version.
    methods = dict(Method.choices)
    newest: dict[int, tuple[int, tuple[str, ...]]] = {}
    for version in (
        AgreementVersion.objects.signed()
        .filter(agreement__course__in=ids)
        .only("pk", "number", "content", "agreement__course__id")
        .select_related("agreement__course")
    ):
        course_id = version.agreement.course.pk
        number = version.number or 0
        if course_id not in newest or newest[course_id][0] < number:
            newest[course_id] = (number, version.parsed.methods)
    keyed(
        "method",
        (
            (course_id, str(methods.get(method, method)))
            for course_id, (_number, values) in newest.items()
            for method in values
        ),
    )
    # Goal attainment: the goals of the last completed final evaluation.
    last_final: dict[int, int] = {}
    assessments = GoalAssessment.objects.filter(
        evaluation__course__in=ids,
        evaluation__kind=EvaluationKind.FINAL,
        evaluation__status=EvaluationStatus.COMPLETED,
    ).values_list("evaluation__course", "evaluation", "scale")
    for course_id, evaluation_id, scale in assessments.order_by("evaluation__completed_at", "pk"):
        if last_final.get(course_id) != evaluation_id:
            last_final[course_id] = evaluation_id
            facts[course_id].scales = []
        facts[course_id].scales.append(scale)
    # The leaders' (and invited staff's) revealed answers.
    for row in InstitutionRating.objects.filter(
        evaluation__course__in=ids, evaluation__status=EvaluationStatus.COMPLETED
    ).values_list("evaluation__course", *RatingArea.values, "meeting_hours"):
        course = facts[row[0]]
        course.ratings.append(list(row[1:-1]))
        course.meeting_hours += row[-1] or Decimal(0)
    for course_id, hours in (
        HourEntry.objects.reported()
        .filter(course__in=ids, category=HourCategory.PRACTICE)
        .values("course")
        .annotate(total=Sum("hours"))
        .values_list("course", "total")
        .order_by()
    ):
        facts[course_id].practice_hours = hours
    for course_id, answered in FollowUp.objects.filter(course__in=ids).values_list(
        "course", "answered_at"
    ):
        facts[course_id].follow_ups += 1
        facts[course_id].follow_ups_answered += answered is not None
    for course_id, in_use in FollowUpGoal.objects.filter(follow_up__course__in=ids).values_list(
        "follow_up__course", "in_use"
    ):
        facts[course_id].goals_followed += 1
        facts[course_id].goals_in_use += in_use != PracticeInUse.NO
    return facts


def by_dimension(
    facts: dict[int, CourseFacts], dimension: str
) -> tuple[list[EffectRow], EffectRow]:
    """One row per value of the dimension (a course in each of its values), and the total (each
    course once)."""
    rows: dict[str, EffectRow] = {}
    total = EffectRow(label=str(_("All")))
    for course in facts.values():
        total.add(course)
        for key in course.keys[dimension]:
            rows.setdefault(key, EffectRow(label=key)).add(course)
    return sorted(rows.values(), key=lambda row: row.label), total


def by_year(facts: dict[int, CourseFacts]) -> list[EffectRow]:
    """Over time: the courses by the year they started."""
    rows: dict[int, EffectRow] = defaultdict(lambda: EffectRow(label=""))
    for course in facts.values():
        rows[course.year].add(course)
    result = []
    for year in sorted(rows):
        rows[year].label = str(year)
        result.append(rows[year])
    return result


__all__ = ["DIMENSIONS", "EffectRow", "Q", "by_dimension", "by_year", "course_facts"]
