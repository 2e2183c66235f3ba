"""Retention of a closed course takes the texts the other rooms keep about it: the institution's
ratings (forloeb/voice), the follow-ups with the goals copied from the agreement
(forloeb/followup) and the reasons of the plan's changes (forloeb/plan), registered with
forloeb/courses/hooks.py. Made through the services; the whole run on PostgreSQL (whose test
role may move a signed case back in time), the rooms' part on either database."""

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from forloeb.courses import hooks
from forloeb.courses import services as courses
from forloeb.followup import services as followup
from forloeb.hours import services as hours_services
from forloeb.hours import weeks as hours
from forloeb.models import (
    Course,
    FollowUp,
    FollowUpGoal,
    HourCategory,
    InstitutionRating,
    Phase,
    PlanChange,
)
from forloeb.plan import selectors as plan_selectors
from forloeb.plan import services as plan
from institutioner.retention import services as retention
from tests.forloeb.voice.conftest import answer, course_due_today
from tests.retention_helpers import request_back

pytestmark = pytest.mark.django_db

SIX_YEARS = timedelta(weeks=313)
SECRETS = (
    "Hun lyttede til personalet",
    "Møderne tog meget tid",
    "Maja fra Sommerfuglen var utryg",
    "Personalemøde om Noahs garderobe",
    "Børnene leger i små grupper om formiddagen",
    "Paula er på kursus",
)


def _texts(course: Course) -> str:
    parts = [
        InstitutionRating.objects.filter(evaluation__course=course),
        FollowUp.objects.filter(course=course),
        FollowUpGoal.objects.filter(follow_up__course=course),
        PlanChange.objects.filter(course=course),
        PlanChange.history.filter(course_id=course.pk),
    ]
    return json.dumps([list(qs.values()) for qs in parts], default=str, ensure_ascii=False)


def _course_with_every_room(world, *, declined_because: str = "") -> Course:
    course, final = course_due_today(world)
    answer(
        world.leader,
        final,
        comments={
            "collaboration": "Hun lyttede til personalet.",
            "effect": "Maja fra Sommerfuglen var utryg.",
        },
        comment="Møderne tog meget tid for en lille institution.",
    )
    today = timezone.localdate()
    day = plan_selectors.practice_days(
        agreement_ids=[course.agreement_id], first=today, last=today + timedelta(days=90)
    )[0].day
    plan.plan_change_make(
        actor=world.pedagogist.user,
        course_id=course.pk,
        data=plan.ChangeInput(kind="cancel", day=day, reason="Paula er på kursus."),
    )
    if declined_because:
        later = plan_selectors.practice_days(
            agreement_ids=[course.agreement_id],
            first=day + timedelta(days=1),
            last=day + timedelta(days=90),
        )[0].day
        proposal = plan.plan_change_make(
            actor=world.leader,
            course_id=course.pk,
            data=plan.ChangeInput(kind="cancel", day=later, reason="Udflugt."),
            proposal=True,
        )
        plan.plan_change_decline(
            actor=world.pedagogist.user, change_id=proposal.pk, reason=declined_because
        )
    courses.course_set_phase(
        actor=world.administrator, course_id=course.pk, phase=Phase.CLOSED, reason="Afsluttet."
    )
    course.refresh_from_db()
    closed_on = timezone.localtime(course.closed_at).date()
    follow_up = followup.follow_up_open(
        course=course, months=3, closed_on=closed_on, due_on=closed_on + timedelta(days=91)
    )
    followup.follow_up_answer(
        actor=world.leader,
        follow_up_id=follow_up.pk,
        goals=[("Børnene leger i små grupper om formiddagen.", "partly")],
        would_ask_again="yes",
        needs="Personalemøde om Noahs garderobe.",
    )
    return course


def test_retention_anonymises_the_ratings_follow_ups_and_plan_changes_of_a_course(
    client, world, postgres
):
    course = _course_with_every_room(world)
    text = _texts(course)
    assert all(secret in text for secret in SECRETS), "the setup writes every secret"
    # The database lets a signed version change only when its whole case is that old (its
    # hours included).
    hours_services.week_save(
        actor=world.pedagogist.user,
        pedagogist=world.pedagogist,
        monday=hours.this_monday(),
        values={(course.pk, HourCategory.PRACTICE): Decimal("3")},
        note="",
        submit=True,
    )
    request_back(course.agreement.request_id, SIX_YEARS)

    reports = {r.step.name: r for r in retention.retention_run(now=timezone.now())}

    assert reports["closed-courses"].done == 1 and not reports["closed-courses"].failed
    text = _texts(course)
    assert [secret for secret in SECRETS if secret in text] == []
    rating = InstitutionRating.objects.get(evaluation__course=course)
    assert rating.comment == rating.collaboration_comment == retention.ANONYMISED
    assert rating.flexibility_comment == ""  # nothing written stays empty
    assert rating.collaboration == 4  # the scores stay for the figures
    follow_up = FollowUp.objects.get(course=course)
    assert follow_up.needs == retention.ANONYMISED and follow_up.would_ask_again == "yes"
    assert list(follow_up.goals.values_list("goal", "in_use")) == [(retention.ANONYMISED, "partly")]
    # The pages that showed them show the placeholder.
    client.force_login(world.administrator)
    for url in (
        reverse("course_detail", args=[course.pk]),
        reverse("follow_up_answer", args=[follow_up.pk]),
    ):
        page = client.get(url).content.decode()
        assert [secret for secret in SECRETS if secret in page] == [], url


def test_anonymising_a_course_runs_every_rooms_anonymiser(world):
    course = _course_with_every_room(world)
    hooks.course_anonymised(course_id=course.pk)
    text = _texts(course)
    assert [secret for secret in SECRETS if secret in text] == []
    assert text.count(retention.ANONYMISED) >= len(SECRETS)


def test_a_course_within_its_period_keeps_the_rooms_texts(world):
    course = _course_with_every_room(world)
    retention.retention_run(now=timezone.now())
    text = _texts(course)
    assert all(secret in text for secret in SECRETS)


def test_the_migration_takes_the_rooms_texts_of_courses_anonymised_before(world):
    """forloeb/0022: a course anonymised before the rooms registered their anonymisers."""
    from importlib import import_module

    from django.apps import apps

    migration = import_module("forloeb.migrations.0023_anonymise_rooms_of_anonymised_courses")
    course = _course_with_every_room(world)
    migration.forward(apps, None)
    assert all(secret in _texts(course) for secret in SECRETS), "not anonymised: untouched"
    Course.objects.filter(pk=course.pk).update(anonymised_at=timezone.now())
    migration.forward(apps, None)
    text = _texts(course)
    assert [secret for secret in SECRETS if secret in text] == []
    assert text.count(retention.ANONYMISED) >= len(SECRETS)


def test_anonymising_a_course_takes_why_its_proposals_were_declined(world):
    """The pedagogist's reason for declining a leader's proposal is text about the course too."""
    why = "Noah har brug for den faste rytme"
    course = _course_with_every_room(world, declined_because=why)
    assert why in _texts(course), "the setup writes the reason"

    hooks.course_anonymised(course_id=course.pk)

    assert why not in _texts(course)
    declined = PlanChange.objects.get(course=course, status="declined")
    assert declined.decline_reason == retention.ANONYMISED
