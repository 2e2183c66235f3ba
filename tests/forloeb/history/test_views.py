"""The learning environment's history: scope, content, a fixed number of queries, and triage."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from forloeb.courses import services as courses
from forloeb.models import Course, EvaluationKind, Phase
from forloeb.reminders import rules
from forloeb.voice import services as voice
from institutioner.workdays import working_day_on_or_before
from tests.forloeb.courses.conftest import _complete
from tests.indsats.helpers import accept, agreement_in_force, make_request

pytestmark = pytest.mark.django_db

SCORES = {"collaboration": 5, "effect": 4, "flexibility": 2, "development": 4, "culture": 3}


def intervention(world, *, years_ago: int, close=True, group_name="Sommerfuglen"):
    """A course in the group that started `years_ago` years ago; closed with its final
    evaluation, the leader's answer and (for the oldest) an answered follow-up."""
    today = timezone.localdate()
    start = working_day_on_or_before(today - timedelta(days=300 * years_ago + 60))
    group = world.institution.groups.get(name=group_name)
    req = make_request(world, submit=True, group=group)
    accept(world, req)
    agreement, _version = agreement_in_force(
        world,
        req,
        starts_on=start,
        ends_on=start + timedelta(weeks=10),
        midway_evaluation_on=None,
        final_evaluation_on=working_day_on_or_before(start + timedelta(weeks=10)),
    )
    course = agreement.course
    if close:
        final = course.evaluations.get(kind=EvaluationKind.FINAL)
        course.evaluations.filter(pk=final.pk).update(due_on=today)
        voice.rating_submit(
            actor=world.leader,
            evaluation_id=final.pk,
            scores=SCORES,
            comments={},
            meeting_hours=Decimal("5"),
            comment="",
        )
        _complete(world, final)
        courses.course_set_phase(
            actor=world.administrator, course_id=course.pk, phase=Phase.CLOSED, reason="Slut."
        )
        Course.objects.filter(pk=course.pk).update(
            started_at=timezone.now() - timedelta(days=300 * years_ago + 60),
            closed_at=timezone.now() - timedelta(days=300 * years_ago),
        )
    return course


def test_a_group_with_three_interventions_over_the_years(client, world):
    oldest = intervention(world, years_ago=2)
    intervention(world, years_ago=1)
    Course.objects.filter(pk=oldest.pk).update(closed_at=timezone.now() - timedelta(days=100))
    rules.follow_ups_due(now=timezone.now())
    newest = intervention(world, years_ago=0, close=False)
    client.force_login(world.administrator)
    group = world.institution.groups.get(name="Sommerfuglen")
    page = client.get(reverse("history_group", args=[group.pk])).content.decode()
    assert page.count('id="course-') == 3
    assert "Børnene leger i små grupper om formiddagen." in page
    assert "Paula Pædagog" in page and "Børnegruppe" in page
    assert "Delvist nået" in page  # the final evaluation's scale
    assert "Institutionens vurdering (gennemsnit af 1 svar, 1-5)" in page
    assert "Fleksibilitet" in page and ">2,0<" in page
    assert "Ikke besvaret" in page  # the oldest course's follow-up
    assert "Gentagelse" in page  # a year between the first two
    assert f'href="/forloeb/{newest.pk}/"' in page


def test_on_a_phone_the_tables_scroll_in_their_box_and_the_badges_wrap(client, world):
    """The institution's view has five columns: on a phone it scrolls in its own box, and the
    repeat badge wraps (a badge does not by itself), so the page is not wider than the screen
    (tests/e2e/test_phone_tables.py measures it)."""
    intervention(world, years_ago=1)
    intervention(world, years_ago=0)
    client.force_login(world.leader)
    group = world.institution.groups.get(name="Sommerfuglen")
    page = client.get(reverse("history_group", args=[group.pk])).content.decode()
    boxed = re.findall(r'<div class="table-responsive">\s*<table[^>]*>\s*<caption>([^<(]*)', page)
    assert boxed.count("Institutionens vurdering ") == 2
    assert boxed.count("Mål og hvor langt de nåede ") == 2
    assert page.count("<table") == len(boxed)
    assert re.search(r'<span class="badge [^"]*\btext-wrap\b[^"]*">Gentagelse', page)


def test_leaders_see_their_own_institutions_only(client, world):
    intervention(world, years_ago=1)
    group = world.institution.groups.get(name="Sommerfuglen")
    outsider_group = world.outsider_institution.groups.get()
    client.force_login(world.leader)
    assert (
        client.get(reverse("history_institution", args=[world.institution.pk])).status_code == 200
    )
    assert client.get(reverse("history_group", args=[group.pk])).status_code == 200
    assert (
        client.get(reverse("history_institution", args=[world.outsider_institution.pk])).status_code
        == 404
    )
    assert client.get(reverse("history_group", args=[outsider_group.pk])).status_code == 404
    for person in (world.outsider, world.staff, world.pedagogist.user):
        client.force_login(person)
        assert client.get(reverse("history_group", args=[group.pk])).status_code == 404
        assert (
            client.get(reverse("history_institution", args=[world.institution.pk])).status_code
            == 404
        )


@pytest.mark.parametrize("extra", [0, 3])
def test_the_page_runs_a_fixed_number_of_queries(client, world, django_assert_num_queries, extra):
    intervention(world, years_ago=1)
    for years_ago in range(extra):
        intervention(world, years_ago=years_ago, group_name="Frøen")
    client.force_login(world.administrator)
    url = reverse("history_institution", args=[world.institution.pk])
    # session, user; the institution; courses, signed versions, allocations, themes, completed
    # evaluations, their assessments, their ratings, follow-ups, their goals; the groups; the
    # unread count; the access-log row; session save (3)
    with django_assert_num_queries(19):
        response = client.get(url)
    assert response.content.decode().count('id="course-') == 1 + extra


def test_triage_shows_the_places_history_beside_the_repeat_flag(client, world):
    intervention(world, years_ago=1)
    req = make_request(world, submit=True)
    client.force_login(world.administrator)
    group = world.institution.groups.get(name="Sommerfuglen")
    for url in (reverse("triage_queue"), reverse("triage_detail", args=[req.pk])):
        page = client.get(url).content.decode()
        assert "Stuens historik: 1 forløb" in page
        assert reverse("history_group", args=[group.pk]) in page
        assert reverse("history_institution", args=[world.institution.pk]) in page
