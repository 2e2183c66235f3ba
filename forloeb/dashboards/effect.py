"""What the interventions give (the effect figures): goal attainment on the evaluations' 1-4
scale and the leaders' ratings on seed 004's five areas, by district, institution, theme,
method, focus level or pedagogist, and over time; the institution's meeting time against the
practice hours it received; follow-ups answered and practice still in use.

Computed from the domain in a fixed number of queries (one per kind of fact, summed per course
by the database), then summed per group in Python: a course counts in each theme, method, focus
level and pedagogist it had. The page reads the facts of every course from the cache (computed
at most every EFFECT_CACHE_SECONDS) and keeps those of the person's scope."""

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import NamedTuple

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, F, Max, Q, QuerySet, Sum
from django.db.models.functions import ExtractYear
from django.utils import timezone
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
from indsats.agreements import selectors as agreements
from indsats.models import (
    Allocation,
    FocusLevel,
    LearningTheme,
    Method,
    RequestFocusLevel,
    RequestTheme,
)
from institutioner.unavailable import is_unavailable

DIMENSIONS = {
    "district": _("District"),
    "institution": _("Institution"),
    "theme": _("Learning-plan theme"),
    "method": _("Method"),
    "focus": _("Focus level"),
    "pedagogist": _("Pedagogist"),
}


# A course's numbers, in this order (one tuple per course: summed column by column per group).
NUMBERS = (
    "goals",  # assessed at its last final evaluation
    "scale_sum",
    "reached",
    "ratings",  # revealed answers
    *(f"area_{area}" for area in RatingArea.values),  # their sums
    "meeting_hours",
    "practice_hours",
    "follow_ups",
    "follow_ups_answered",
    "goals_followed",
    "goals_in_use",
)
_AREAS = slice(4, 4 + len(RatingArea))
_AFTER_AREAS = 4 + len(RatingArea)
ZERO = Decimal(0)
_NOTHING = (0, 0, 0, 0, *(0 for _area in RatingArea), ZERO, ZERO, 0, 0, 0, 0)


class CourseFacts(NamedTuple):
    """One course's share of the figures, already summed per course. `keys` has a tuple per
    dimension, in the order of DIMENSIONS: the stored values for theme, method and focus level
    (their labels are looked up when grouping, in the person's language), names for the
    others. Plain tuples: the facts of every course are kept in the cache."""

    year: int
    keys: tuple[tuple[str, ...], ...]
    numbers: tuple


@dataclass
class EffectRow:
    label: str
    courses: int = 0
    goals: int = 0
    scale_sum: int = 0
    reached: int = 0
    ratings: int = 0
    area_sums: list[int] = field(default_factory=lambda: [0] * len(RatingArea))
    meeting_hours: Decimal = ZERO
    practice_hours: Decimal = ZERO
    follow_ups: int = 0
    follow_ups_answered: int = 0
    goals_followed: int = 0
    goals_in_use: int = 0

    @classmethod
    def of(cls, label: str, courses: list[CourseFacts]) -> "EffectRow":
        """The row of these courses: their numbers summed column by column."""
        if not courses:
            return cls(label=label)
        sums = [sum(column) for column in zip(*(c.numbers for c in courses), strict=True)]
        goals, scale_sum, reached, ratings = sums[:4]
        meeting, practice, follow_ups, answered, followed, in_use = sums[_AFTER_AREAS:]
        return cls(
            label=label,
            courses=len(courses),
            goals=goals,
            scale_sum=scale_sum,
            reached=reached,
            ratings=ratings,
            area_sums=sums[_AREAS],
            meeting_hours=meeting,
            practice_hours=practice,
            follow_ups=follow_ups,
            follow_ups_answered=answered,
            goals_followed=followed,
            goals_in_use=in_use,
        )

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
    """Everything the figures need about the courses, in ten queries; what can be summed per
    course is summed by the database."""
    dimensions = list(DIMENSIONS)
    keys: dict[int, list[list[str]]] = {}
    numbers: dict[int, list] = {}
    years: dict[int, int] = {}
    # One string object per name: the cached facts stay small.
    names: dict[str, str] = {}
    # The year as the figures have always counted it: of the start's UTC time.
    for pk, year, district, institution in (
        courses.annotate(year=ExtractYear("started_at", tzinfo=UTC))
        .values_list(
            "pk",
            "year",
            "agreement__request__institution__district__name",
            "agreement__request__institution__name",
        )
        .order_by()
    ):
        years[pk] = year
        keys[pk] = [
            [names.setdefault(district, district)],
            [names.setdefault(institution, institution)],
            [],
            [],
            [],
            [],
        ]
        numbers[pk] = list(_NOTHING)
    # Every course (the cached facts): no list of them in each query.
    everything = not courses.query.where
    ids = courses.values("pk")

    def of(queryset: QuerySet, course: str) -> QuerySet:
        return queryset.order_by() if everything else queryset.filter(**{course: ids}).order_by()

    def keyed(name: str, pairs) -> None:
        index = dimensions.index(name)
        for course_id, key in pairs:
            if course_id in keys and key not in (values := keys[course_id][index]):
                values.append(names.setdefault(key, key))

    keyed(
        "theme",
        of(RequestTheme.objects.all(), "request__agreement__course__in").values_list(
            "request__agreement__course", "theme"
        ),
    )
    keyed(
        "focus",
        of(RequestFocusLevel.objects.all(), "request__agreement__course__in").values_list(
            "request__agreement__course", "level"
        ),
    )
    keyed(
        "pedagogist",
        of(Allocation.objects.all(), "request__agreement__course__in").values_list(
            "request__agreement__course", "pedagogist__user__name"
        ),
    )
    # The methods of the newest signed version.
    keyed(
        "method",
        (
            (course_id, method)
            for course_id, methods in agreements.newest_signed_methods(courses)
            for method in methods
        ),
    )
    # Goal attainment: the goals of the last completed final evaluation (a completion time not
    # written counts as the latest, as the database orders it; of evaluations completed at the
    # same time, the one holding the newest assessment).
    assessed: set[int] = set()
    for course_id, goals, scale_sum, reached in (
        of(GoalAssessment.objects.all(), "evaluation__course__in")
        .filter(
            evaluation__kind=EvaluationKind.FINAL,
            evaluation__status=EvaluationStatus.COMPLETED,
        )
        .values("evaluation", "evaluation__course", "evaluation__completed_at")
        .annotate(
            newest=Max("pk"),
            goals=Count("pk"),
            scale_sum=Sum("scale"),
            reached=Count("pk", filter=Q(scale=Scale.REACHED)),
        )
        .order_by(
            "evaluation__course",
            F("evaluation__completed_at").desc(nulls_first=True),
            F("newest").desc(),
        )
        .values_list("evaluation__course", "goals", "scale_sum", "reached")
    ):
        if course_id in numbers and course_id not in assessed:
            assessed.add(course_id)
            numbers[course_id][0:3] = [goals, scale_sum, reached]
    # The leaders' (and invited staff's) revealed answers.
    for course_id, answers, meeting_hours, *area_sums in (
        of(InstitutionRating.objects.all(), "evaluation__course__in")
        .filter(evaluation__status=EvaluationStatus.COMPLETED)
        .values("evaluation__course")
        .annotate(
            answers=Count("pk"),
            meeting=Sum("meeting_hours"),
            **{f"sum_{area}": Sum(area) for area in RatingArea.values},
        )
        .values_list(
            "evaluation__course",
            "answers",
            "meeting",
            *(f"sum_{area}" for area in RatingArea.values),
        )
    ):
        if course_id in numbers:
            row = numbers[course_id]
            row[3], row[_AREAS] = answers, area_sums
            row[_AFTER_AREAS] = meeting_hours or ZERO
    for course_id, hours in (
        of(HourEntry.objects.reported(), "course__in")
        .filter(category=HourCategory.PRACTICE)
        .values("course")
        .annotate(total=Sum("hours"))
        .values_list("course", "total")
    ):
        if course_id in numbers:
            numbers[course_id][_AFTER_AREAS + 1] = hours
    for course_id, follow_ups, answered in (
        of(FollowUp.objects.all(), "course__in")
        .values("course")
        .annotate(follow_ups=Count("pk"), answered=Count("answered_at"))
        .values_list("course", "follow_ups", "answered")
    ):
        if course_id in numbers:
            numbers[course_id][_AFTER_AREAS + 2 : _AFTER_AREAS + 4] = [follow_ups, answered]
    for course_id, followed, in_use in (
        of(FollowUpGoal.objects.all(), "follow_up__course__in")
        .values("follow_up__course")
        .annotate(
            followed=Count("pk"),
            in_use=Count("pk", filter=~Q(in_use=PracticeInUse.NO)),
        )
        .values_list("follow_up__course", "followed", "in_use")
    ):
        if course_id in numbers:
            numbers[course_id][_AFTER_AREAS + 4 :] = [followed, in_use]
    return {
        pk: CourseFacts(
            year=years[pk],
            keys=tuple(tuple(values) for values in keys[pk]),
            numbers=tuple(numbers[pk]),
        )
        for pk in years
    }


# The facts of every course, shared by everyone through the cache (Redis in production), with
# a stamp of their computation: a process that has read those facts keeps them (`_read`) and
# asks the cache only for the stamp. The version is in the keys: a release that changes
# CourseFacts does not read the old ones.
CACHE_KEY = "dashboards:effect:facts:v1"
STAMP_KEY = f"{CACHE_KEY}:stamp"
_read: dict[str, tuple[dict[int, CourseFacts], datetime]] = {}


def all_course_facts() -> tuple[dict[int, CourseFacts], datetime]:
    """The facts of every course of the municipality and when they were computed: computed at
    most every `EFFECT_CACHE_SECONDS` (five years of courses change slowly; the page says when).
    They are everyone's courses: a page keeps those of the person's scope with `in_scope`. The
    caller must not change them (they are shared by the process's requests)."""
    seconds = settings.EFFECT_CACHE_SECONDS
    if seconds <= 0:
        return course_facts(Course.objects.all()), timezone.now()
    try:
        stamp = cache.get(STAMP_KEY)
    except Exception as error:
        if not is_unavailable(error):
            raise
        # The cache (Redis) is away: the page computes the facts itself, as without a cache.
        return course_facts(Course.objects.all()), timezone.now()
    if stamp is not None and stamp in _read:
        return _read[stamp]
    cached = None if stamp is None else cache.get(CACHE_KEY)
    if cached is None or cached[0] != stamp:
        stamp = uuid.uuid4().hex
        cached = (stamp, course_facts(Course.objects.all()), timezone.now())
        try:
            cache.set(CACHE_KEY, cached, seconds)
            cache.set(STAMP_KEY, stamp, seconds)
        except Exception as error:
            if not is_unavailable(error):
                raise
    _read.clear()
    _read[stamp] = cached[1], cached[2]
    return _read[stamp]


def in_scope(facts: dict[int, CourseFacts], courses: QuerySet[Course]) -> dict[int, CourseFacts]:
    """The facts of the courses in the queryset (the person's scope and filters), in one query.
    A course started after the facts were computed shows at the next computation."""
    return {pk: facts[pk] for pk in courses.values_list("pk", flat=True).order_by() if pk in facts}


def _labels(dimension: str) -> dict[str, str] | None:
    """The labels of the stored values, in the person's language (None: the key is a name)."""
    choices = {"theme": LearningTheme, "method": Method, "focus": FocusLevel}.get(dimension)
    return None if choices is None else {value: str(label) for value, label in choices.choices}


def by_dimension(
    facts: dict[int, CourseFacts], dimension: str
) -> tuple[list[EffectRow], EffectRow]:
    """One row per value of the dimension (a course in each of its values), and the total (each
    course once)."""
    index = list(DIMENSIONS).index(dimension)
    groups: dict[str, list[CourseFacts]] = defaultdict(list)
    for course in facts.values():
        for key in course.keys[index]:
            groups[key].append(course)
    labels = _labels(dimension) or {}
    rows = [EffectRow.of(labels.get(key, key), members) for key, members in groups.items()]
    total = EffectRow.of(str(_("All")), list(facts.values()))
    return sorted(rows, key=lambda row: row.label), total


def by_year(facts: dict[int, CourseFacts]) -> list[EffectRow]:
    """Over time: the courses by the year they started."""
    groups: dict[int, list[CourseFacts]] = defaultdict(list)
    for course in facts.values():
        groups[course.year].append(course)
    return [EffectRow.of(str(year), groups[year]) for year in sorted(groups)]


__all__ = [
    "DIMENSIONS",
    "EffectRow",
    "all_course_facts",
    "by_dimension",
    "by_year",
    "course_facts",
    "in_scope",
]
