"""Answering a follow-up, and who sees whether it is answered (forloeb/followup/views.py)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from forloeb.courses import services as courses
from forloeb.models import FollowUp, Phase
from forloeb.reminders import rules
from tests.forloeb.followup.conftest import closed_course

pytestmark = pytest.mark.django_db


@pytest.fixture
def follow_up(world):
    closed_course(world, days_ago=100)
    rules.follow_ups_due(now=timezone.now())
    return FollowUp.objects.get()


def _answer(**overrides):
    data = {
        "goal_0": "partly",
        "would_ask_again": "yes",
        "needs": "Et personalemøde om garderoben.",
    }
    data.update(overrides)
    return data


def test_the_leader_answers_goal_by_goal_once(client, world, follow_up):
    url = reverse("follow_up_answer", args=[follow_up.pk])
    client.force_login(world.leader)
    page = client.get(url).content.decode()
    assert "Bruges praksis stadig?" in page and "Mål 1:" in page
    start = client.get(reverse("start")).content.decode()
    assert url in start
    assert client.post(url, _answer()).status_code == 302
    follow_up.refresh_from_db()
    assert follow_up.answered_by == world.leader and follow_up.would_ask_again == "yes"
    assert list(follow_up.goals.values_list("in_use", flat=True)) == ["partly"]
    response = client.post(url, _answer(goal_0="no"), follow=True)
    assert "Der er allerede svaret på denne forankringsopfølgning." in response.content.decode()
    assert list(follow_up.goals.values_list("in_use", flat=True)) == ["partly"]
    assert url not in client.get(reverse("start")).content.decode()


def test_bad_answers_get_danish_messages_and_keep_the_rest(client, world, follow_up):
    url = reverse("follow_up_answer", args=[follow_up.pk])
    client.force_login(world.leader)
    page = client.post(url, _answer(goal_0="altid", would_ask_again="")).content.decode()
    assert "Svar på, om praksis stadig bruges." in page
    assert "Svar på, om du ville bede om et forløb igen." in page
    assert "Et personalemøde om garderoben." in page
    page = client.post(url, _answer(needs="Barnet 010203-1234")).content.decode()
    # What the institution needs is not about a children's group: the plain message.
    assert "Teksten indeholder noget, der ligner et CPR-nummer. Skriv ikke CPR-numre her." in page
    assert "børnegruppen" not in page
    follow_up.refresh_from_db()
    assert not follow_up.answered


def test_a_follow_up_of_a_reopened_course_says_so(client, world, follow_up):
    courses.course_set_phase(
        actor=world.administrator,
        course_id=follow_up.course_id,
        phase=Phase.PRACTICE,
        reason="Igen.",
    )
    url = reverse("follow_up_answer", args=[follow_up.pk])
    client.force_login(world.leader)
    page = client.get(url).content.decode()
    assert "Forløbet blev genåbnet" in page and "Send svaret" not in page
    response = client.post(url, _answer(), follow=True)
    assert "gælder ikke længere" in response.content.decode()
    follow_up.refresh_from_db()
    assert not follow_up.answered


def test_answered_or_not_is_visible_to_the_team_and_not_to_staff(client, world, follow_up):
    client.force_login(world.pedagogist.user)
    page = client.get(reverse("follow_up_list")).content.decode()
    assert "Ikke besvaret" in page
    url = reverse("follow_up_answer", args=[follow_up.pk])
    assert "Institutionens leder har ikke svaret endnu." in client.get(url).content.decode()
    assert client.post(url, _answer()).status_code == 404
    client.force_login(world.leader)
    client.post(url, _answer())
    for person in (world.pedagogist.user, world.administrator):
        client.force_login(person)
        page = client.get(reverse("follow_up_list")).content.decode()
        assert "Besvaret" in page and "Lene Leder" in page
        course_page = client.get(reverse("course_detail", args=[follow_up.course_id]))
        assert "Forankring efter afslutning" in course_page.content.decode()
        assert "Et personalemøde om garderoben." in client.get(url).content.decode()
    for person, status in ((world.staff, 404), (world.outsider, 404)):
        client.force_login(person)
        assert client.get(url).status_code == status
    client.force_login(world.outsider)
    assert "Mariehønen" not in client.get(reverse("follow_up_list")).content.decode()


def test_the_list_pages_with_the_unanswered_first(client, world, monkeypatch):
    """#21: 50 to a page (it read up to 500), and the unanswered first on PostgreSQL too (its
    ascending order put the empty answer dates last)."""
    import re

    from institutioner import paging

    closed_course(world, days_ago=200)
    closed_course(world, days_ago=120)
    answered_first = closed_course(world, days_ago=110)
    answered_last = closed_course(world, days_ago=100)
    rules.follow_ups_due(now=timezone.now())
    client.force_login(world.leader)
    answered = []
    for course, days_ago in ((answered_first, 2), (answered_last, 1)):
        follow_up = FollowUp.objects.get(course=course)
        client.post(reverse("follow_up_answer", args=[follow_up.pk]), _answer())
        FollowUp.objects.filter(pk=follow_up.pk).update(
            answered_at=timezone.now() - timedelta(days=days_ago)
        )
        answered.append(follow_up.pk)
    assert FollowUp.objects.filter(pk__in=answered, answered_at__isnull=False).count() == 2
    unanswered = list(FollowUp.objects.filter(answered_at__isnull=True).order_by("-due_on"))
    assert len(unanswered) == 2
    monkeypatch.setattr(paging, "PER_PAGE", 2)

    def shown(params):
        body = client.get(reverse("follow_up_list"), params).content.decode()
        return [int(pk) for pk in re.findall(r'href="/opfoelgning/(\d+)/"', body)], body

    first, body = shown({})
    assert first == [f.pk for f in unanswered]
    assert "Side 1 af 2" in body and "side=2" in body
    # Then the latest answered first.
    assert shown({"side": "2"})[0] == list(reversed(answered))


def test_the_list_runs_the_same_queries_for_one_follow_up_or_many(client, world):
    import re

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    closed_course(world, days_ago=100)
    rules.follow_ups_due(now=timezone.now())
    client.force_login(world.administrator)

    def shown():
        with CaptureQueriesContext(connection) as queries:
            body = client.get(reverse("follow_up_list")).content.decode()
        return {int(pk) for pk in re.findall(r'href="/opfoelgning/(\d+)/"', body)}, queries

    one, few = shown()
    assert one == set(FollowUp.objects.values_list("pk", flat=True)) and len(one) == 1
    for days_ago in (110, 120, 200):
        closed_course(world, days_ago=days_ago)
    rules.follow_ups_due(now=timezone.now())
    client.force_login(world.administrator)
    many, more = shown()
    assert many == set(FollowUp.objects.values_list("pk", flat=True)) and len(many) >= 4
    assert len(more.captured_queries) == len(few.captured_queries) <= 10


def test_the_list_writes_dates_with_the_months_name(client, world, follow_up):
    from django.utils import formats

    client.force_login(world.administrator)
    page = client.get(reverse("follow_up_list")).content.decode()
    assert formats.date_format(follow_up.due_on, "j. F Y") in page
    assert formats.date_format(follow_up.due_on, "j. M Y") not in page


def test_an_overdue_follow_up_is_marked_as_overdue_evaluations_are(client, world, follow_up):
    """A follow-up whose day has passed unanswered says "overskredet" (red, as an overdue
    evaluation does) in the list, on the course page, on the leader's start page and on its own
    page; one due today, an answered one and a void one do not."""
    overdue = 'text-bg-danger">overskredet</span>'
    assert follow_up.due_on < timezone.localdate()
    today = FollowUp.objects.create(
        course=follow_up.course,
        months=6,
        closed_on=follow_up.closed_on,
        due_on=timezone.localdate(),
    )
    pages = [
        reverse("follow_up_list"),
        reverse("course_detail", args=[follow_up.course_id]),
        reverse("follow_up_answer", args=[follow_up.pk]),
    ]
    client.force_login(world.leader)
    for url in [*pages, "/"]:
        assert client.get(url).content.decode().count(overdue) == 1, url
    assert overdue not in client.get(reverse("follow_up_answer", args=[today.pk])).content.decode()

    client.post(reverse("follow_up_answer", args=[follow_up.pk]), _answer())
    for url in [*pages, "/"]:
        assert overdue not in client.get(url).content.decode(), url

    # Reopened: the follow-ups of its closing are void, not waited for.
    FollowUp.objects.filter(pk=today.pk).update(due_on=timezone.localdate() - timedelta(days=1))
    assert FollowUp.objects.get(pk=today.pk).overdue
    courses.course_set_phase(
        actor=world.administrator,
        course_id=follow_up.course_id,
        phase=Phase.FOLLOW_UP,
        reason="Genåbnet.",
    )
    assert not FollowUp.objects.select_related("course").get(pk=today.pk).overdue
    client.force_login(world.administrator)
    assert overdue not in client.get(reverse("follow_up_list")).content.decode()


def test_the_follow_ups_after_closing_are_not_named_as_the_courses_phase():
    """ "Opfølgning" is the course's third phase (seed 001); the check 3 and 6 months after
    closing is forankring. The access request's table of the follow-ups' goals named its
    follow-up column with the phase's own text."""
    from django.utils import translation

    from forloeb.models import Phase
    from institutioner.accessrequests.sections import registered

    [goals] = [s for s in registered() if s.key == "follow_up_goals"]
    label = dict(goals.columns)["follow_up"]
    for language in ("da", "en"):
        with translation.override(language):
            assert str(label) != str(Phase.FOLLOW_UP.label), language


def test_the_consultant_has_no_follow_ups_page(client, world, consultant, follow_up):
    """Follow-ups are about courses, which the visitation role never sees: the page answers
    404 for her, as for staff, rather than "no follow-ups yet"."""
    client.force_login(consultant)
    assert client.get(reverse("follow_up_list")).status_code == 404
    assert client.get(reverse("follow_up_answer", args=[follow_up.pk])).status_code == 404
