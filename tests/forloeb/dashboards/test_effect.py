"""The effect figures against a hand-computed data set, their scope, exports and query count."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from forloeb.hours import weeks as hours
from forloeb.models import (
    EvaluationKind,
    FollowUp,
    HourCategory,
    HourEntry,
    SheetStatus,
    WeekSheet,
)
from forloeb.voice import services as voice
from indsats.models import LearningTheme
from tests.forloeb.courses.conftest import _complete
from tests.indsats.helpers import accept, agreement_in_force, make_request

pytestmark = pytest.mark.django_db

LEADER = {"collaboration": 4, "effect": 3, "flexibility": 2, "development": 5, "culture": 4}
STAFF = dict.fromkeys(LEADER, 5)


def _course(world, *, group="Sommerfuglen", theme=LearningTheme.SOCIAL):
    req = make_request(
        world, submit=True, group=world.institution.groups.get(name=group), themes=[theme]
    )
    accept(world, req)
    agreement, _version = agreement_in_force(world, req)
    course = agreement.course
    final = course.evaluations.get(kind=EvaluationKind.FINAL)
    course.evaluations.filter(pk=final.pk).update(due_on=timezone.localdate())
    final.refresh_from_db()
    return course, final


def hand_computed_world(world):
    """Course A (social): goals 4 and 2; the leader (meeting hours 6.5) and invited staff
    answered; 13 practice hours; a follow-up with one of two goals still in use.
    Course B (language, another group): one goal reached; nothing else."""
    a, final_a = _course(world)
    voice.rating_submit(
        actor=world.leader,
        evaluation_id=final_a.pk,
        scores=LEADER,
        comments={},
        meeting_hours=Decimal("6.5"),
        comment="",
    )
    voice.rating_invite(actor=world.leader, evaluation_id=final_a.pk, person_ids=[world.staff.pk])
    voice.rating_submit(
        actor=world.staff,
        evaluation_id=final_a.pk,
        scores=STAFF,
        comments={},
        meeting_hours=None,
        comment="",
    )
    _complete(world, final_a, assessments=[("Mål et", 4, ""), ("Mål to", 2, "")])
    sheet = WeekSheet.objects.create(
        pedagogist=world.pedagogist,
        week_start=hours.this_monday(),
        status=SheetStatus.SUBMITTED,
        submitted_at=timezone.now(),
    )
    HourEntry.objects.create(
        sheet=sheet, course=a, category=HourCategory.PRACTICE, hours=Decimal("13")
    )
    follow_up = FollowUp.objects.create(
        course=a, months=3, closed_on=timezone.localdate(), due_on=timezone.localdate()
    )
    # Answered as the service stores it (the course is not closed in this data set).
    FollowUp.objects.filter(pk=follow_up.pk).update(
        answered_at=timezone.now(), answered_by=world.leader, would_ask_again="yes"
    )
    follow_up.goals.create(goal="Mål et", in_use="yes")
    follow_up.goals.create(goal="Mål to", in_use="no")
    b, final_b = _course(world, group="Frøen", theme=LearningTheme.LANGUAGE)
    _complete(world, final_b, assessments=[("Mål tre", 4, "")])
    return a, b


def test_the_figures_match_the_hand_computed_numbers(world):
    from forloeb.dashboards import effect
    from forloeb.models import Course

    hand_computed_world(world)
    facts = effect.course_facts(Course.objects.all())
    rows, total = effect.by_dimension(facts, "theme")
    assert (total.courses, total.goals, total.attainment, total.reached_percent) == (
        2,
        3,
        Decimal("3.33"),
        67,
    )
    assert total.ratings == 2
    assert total.area_means == [
        Decimal("4.50"),
        Decimal("4.00"),
        Decimal("3.50"),
        Decimal("5.00"),
        Decimal("4.50"),
    ]
    assert total.rating_mean == Decimal("4.30")
    assert (total.meeting_hours, total.practice_hours) == (Decimal("6.5"), Decimal("13"))
    assert total.meeting_per_10_practice == Decimal("5.0")
    assert (total.follow_ups, total.follow_ups_answered, total.in_use_percent) == (1, 1, 50)
    by_label = {row.label: row for row in rows}
    assert by_label["Social udvikling"].attainment == Decimal("3.00")
    assert by_label["Social udvikling"].reached_percent == 50
    assert by_label["Kommunikation og sprog"].attainment == Decimal("4.00")
    assert by_label["Kommunikation og sprog"].ratings == 0
    years = effect.by_year(facts)
    assert [(row.label, row.courses) for row in years] == [(str(timezone.now().year), 2)]
    pedagogists, _total = effect.by_dimension(facts, "pedagogist")
    assert [(row.label, row.courses) for row in pedagogists] == [("Paula Pædagog", 2)]


def test_the_page_and_its_exports_show_them_in_scope(client, world):
    hand_computed_world(world)
    client.force_login(world.leader)
    page = client.get(reverse("dashboard_effect"), {"efter": "theme"}).content.decode()
    assert "Social udvikling" in page and "3,33" in page and "4,30" in page and "5,0" in page
    csv = client.get(reverse("dashboard_effect_export", args=["csv"]), {"efter": "method"})
    text = csv.content.decode("utf-8-sig")
    assert "Metode" in text and "3,33" in text
    assert client.get(reverse("dashboard_effect_export", args=["xlsx"])).status_code == 200
    # The file is named after the grouping, æ/ø/å spelt out, and the district chosen.
    by_theme = client.get(
        reverse("dashboard_effect_export", args=["csv"]),
        {"efter": "theme", "distrikt": world.institution.district_id},
    )
    district = world.institution.district.name.lower().replace("æ", "ae").replace(" ", "-")
    assert by_theme["Content-Disposition"] == (
        f'attachment; filename="effekt-laereplanstema-{district}.csv"'
    )
    client.force_login(world.outsider)
    page = client.get(reverse("dashboard_effect")).content.decode()
    assert "Ingen forløb at vise." in page and "3,33" not in page
    client.force_login(world.pedagogist.user)
    assert client.get(reverse("dashboard_effect")).status_code == 404


def test_a_bad_grouping_is_said_in_danish(client, world):
    client.force_login(world.administrator)
    page = client.get(reverse("dashboard_effect"), {"efter": "hest"}).content.decode()
    assert "Vælg en opdeling fra listen." in page
    response = client.get(reverse("dashboard_effect_export", args=["csv"]), {"efter": "hest"})
    assert response.status_code == 302


@pytest.mark.parametrize("extra", [0, 3])
def test_the_page_runs_a_fixed_number_of_queries(client, world, django_assert_num_queries, extra):
    hand_computed_world(world)
    for _ in range(extra):
        _new, final = _course(world, group="Frøen")
        _complete(world, final)
    client.force_login(world.administrator)
    # session, user; the districts; courses, themes, focus levels, pedagogists, versions,
    # assessments, ratings, practice hours, follow-ups, their goals (everyone's, then kept in
    # the cache); the courses in scope; the unread count; the access-log row; session save (3)
    with django_assert_num_queries(19):
        response = client.get(reverse("dashboard_effect"), {"efter": "method"})
    assert response.status_code == 200
    assert f">{2 + extra}<" in response.content.decode()
    # Within the cache period: the facts come from the cache, only the scope is asked.
    with django_assert_num_queries(9):
        again = client.get(reverse("dashboard_effect"), {"efter": "theme"})
    assert f">{2 + extra}<" in again.content.decode()


def _rows(facts, dimension):
    from forloeb.dashboards import effect

    rows, total = effect.by_dimension(facts, dimension)
    return [*rows, total, *effect.by_year(facts)]


def test_the_cached_facts_give_the_same_rows_as_a_fresh_computation(
    world, django_assert_num_queries
):
    from forloeb.dashboards import effect
    from forloeb.models import Course

    hand_computed_world(world)
    _facts, computed_at = effect.all_course_facts()  # computed and kept
    effect._read.clear()  # as another process: read from the cache
    with django_assert_num_queries(0):
        cached, again = effect.all_course_facts()
    assert again == computed_at
    with django_assert_num_queries(0):
        assert effect.all_course_facts()[0] is cached  # kept by the process
    courses = Course.objects.filter(agreement__request__institution=world.institution)
    mine = effect.in_scope(cached, courses)
    fresh = effect.course_facts(courses)
    assert mine == fresh and len(mine) == 2
    for dimension in effect.DIMENSIONS:
        assert _rows(mine, dimension) == _rows(fresh, dimension)
    assert effect.in_scope(cached, Course.objects.none()) == {}


def test_changed_data_shows_after_the_cache_period(client, world, settings):
    from django.core.cache import cache

    from forloeb.dashboards import effect

    hand_computed_world(world)
    client.force_login(world.administrator)
    page = client.get(reverse("dashboard_effect")).content.decode()
    assert "Tallene er beregnet kl. " in page and "opdateres hvert 10. minut." in page
    assert ">2<" in page
    _new, final = _course(world, group="Frøen")
    _complete(world, final)
    # Within the period the page shows the figures it computed (and says when).
    assert ">2<" in client.get(reverse("dashboard_effect")).content.decode()
    csv = client.get(reverse("dashboard_effect_export", args=["csv"])).content.decode("utf-8-sig")
    assert "\nAlle;2;" in csv.replace("\r\n", "\n")
    cache.delete(effect.STAMP_KEY)  # as when the period has passed
    page = client.get(reverse("dashboard_effect")).content.decode()
    assert ">3<" in page
    # Without a period, every request computes.
    settings.EFFECT_CACHE_SECONDS = 0
    _new, final = _course(world, group="Frøen")
    _complete(world, final)
    page = client.get(reverse("dashboard_effect")).content.decode()
    assert ">4<" in page and "Tallene er beregnet" not in page


def test_a_leader_sees_only_their_institutions_in_the_shared_figures(client, world):
    hand_computed_world(world)
    client.force_login(world.administrator)
    page = client.get(reverse("dashboard_effect"), {"efter": "institution"}).content.decode()
    assert "Børnehuset Mariehønen" in page
    # Everyone's facts are in the cache now; the outsider's page keeps none of them.
    client.force_login(world.outsider)
    for grouping in ("institution", "district", "pedagogist"):
        page = client.get(reverse("dashboard_effect"), {"efter": grouping}).content.decode()
        assert "Ingen forløb at vise." in page and "Mariehønen" not in page
        assert "Paula Pædagog" not in page
    csv = client.get(reverse("dashboard_effect_export", args=["csv"]), {"efter": "institution"})
    assert "Mariehønen" not in csv.content.decode("utf-8-sig")


def test_only_the_last_completed_final_evaluation_counts(world):
    from datetime import timedelta

    from forloeb.dashboards import effect
    from forloeb.models import Course, EvaluationStatus, GoalAssessment

    a, _b = hand_computed_world(world)
    first = a.evaluations.get(kind=EvaluationKind.FINAL)
    later = a.evaluations.create(
        kind=EvaluationKind.FINAL,
        due_on=timezone.localdate(),
        status=EvaluationStatus.COMPLETED,
        completed_at=first.completed_at + timedelta(hours=1),
        held_on=timezone.localdate(),
        participants="Lene Leder",
    )
    GoalAssessment.objects.create(evaluation=later, goal="Mål et", scale=1)
    _rows, total = effect.by_dimension(effect.course_facts(Course.objects.all()), "theme")
    # A's later evaluation (one goal, 1) and B's goal (4).
    assert (total.goals, total.attainment, total.reached_percent) == (2, Decimal("2.50"), 50)
    # Completed at the same time: the one holding the newest assessment.
    a.evaluations.filter(pk=later.pk).update(completed_at=first.completed_at)
    GoalAssessment.objects.create(evaluation=first, goal="Mål tre", scale=4)
    _rows, total = effect.by_dimension(effect.course_facts(Course.objects.all()), "theme")
    assert (total.goals, total.scale_sum) == (4, 4 + 2 + 4 + 4)


def test_the_page_computes_its_figures_itself_while_redis_is_away(client, world, settings):
    """QA: the cache's Redis away gave the Danish 503, though the page can do without it."""
    import socket
    import time

    from forloeb.dashboards import effect

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    hand_computed_world(world)
    client.force_login(world.administrator)
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed}/0",
            "OPTIONS": settings.REDIS_CACHE_OPTIONS,
        }
    }
    effect._read.clear()
    started = time.monotonic()
    response = client.get(reverse("dashboard_effect"), {"efter": "theme"})
    assert time.monotonic() - started < 3
    assert response.status_code == 200
    page = response.content.decode()
    assert "Social udvikling" in page and "3,33" in page
