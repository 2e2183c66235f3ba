"""The course pages: scope, logbook form, evaluations, the list and its filters (views.py)."""

import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from forloeb.courses import services
from forloeb.models import Course, Phase
from institutioner.errors import StateError
from institutioner.workdays import working_day_on_or_before
from tests.forloeb.courses.conftest import REASON, _complete, working_day
from tests.indsats.helpers import agreement_in_force


def test_pages_scope_and_readers(client, world):
    agreement, _version = agreement_in_force(world)
    course = agreement.course
    services.course_note_add(
        actor=world.pedagogist.user,
        course_id=course.pk,
        day=timezone.localdate(),
        text="Legegrupper i gang.",
    )
    for user in (world.leader, world.staff, world.pedagogist.user, world.administrator):
        client.force_login(user)
        body = client.get(reverse("course_detail", args=[course.pk])).content.decode()
        assert "Legegrupper i gang." in body
        assert "Børnehuset Mariehønen" in client.get(reverse("course_list")).content.decode()
    client.force_login(world.staff)
    assert (
        client.post(reverse("course_advance", args=[course.pk]), {"phase": "startup"}).status_code
        == 404
    )
    client.force_login(world.outsider)
    assert client.get(reverse("course_detail", args=[course.pk])).status_code == 404
    assert "Børnehuset Mariehønen" not in client.get(reverse("course_list")).content.decode()
    assert client.post(reverse("course_note_add", args=[course.pk]), {}).status_code == 404


def test_note_form_keeps_the_text_on_error(client, world):
    agreement, _version = agreement_in_force(world)
    client.force_login(world.pedagogist.user)
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = client.post(
        reverse("course_note_add", args=[agreement.course.pk]),
        {"day": tomorrow, "text": "Observation i garderoben"},
    )
    body = response.content.decode()
    assert "En note kan ikke dateres i fremtiden." in body
    assert "Observation i garderoben" in body


def test_due_evaluations_on_the_start_page_and_the_form(client, world):
    # The agreement's period began two weeks ago: an evaluation yesterday lies in the course.
    agreement, _version = agreement_in_force(
        world, starts_on=timezone.localdate() - timedelta(days=14)
    )
    evaluation = services.evaluation_add(
        actor=world.pedagogist.user,
        course_id=agreement.course.pk,
        due_on=working_day(timezone.localdate() - timedelta(days=1)),
    )
    client.force_login(world.leader)
    body = client.get(reverse("start")).content.decode()
    assert "Kommende evalueringer" in body and "overskredet" in body
    client.force_login(world.pedagogist.user)
    url = reverse("evaluation_complete", args=[agreement.course.pk, evaluation.pk])
    held = evaluation.due_on.isoformat()
    data = {"held_on": held, "participants": "", "decision": "continue", "scale_0": "2"}
    response = client.post(url, data)
    assert "Skriv, hvem der deltog i evalueringen." in response.content.decode()
    response = client.post(url, {**data, "participants": "Lene og Paula"})
    assert response.status_code == 302
    client.force_login(world.outsider)
    assert client.get(url).status_code == 404


def test_closing_report_text(client, world):
    import io

    from pypdf import PdfReader

    from forloeb.models import EvaluationKind

    agreement, _version = agreement_in_force(world)
    course = agreement.course
    final = course.evaluations.get(kind=EvaluationKind.FINAL)
    _complete(world, final, summary="Legen i små grupper er blevet en fast del af stuens dag.")
    services.course_set_phase(
        actor=world.administrator, course_id=course.pk, phase=Phase.CLOSED, reason="Slut."
    )
    client.force_login(world.leader)
    response = client.get(reverse("course_report", args=[course.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert f'filename="afslutningsrapport-{course.pk}.pdf"' in response["Content-Disposition"]
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Afslutningsrapport" in text and "foreløbig" not in text
    assert "Børnehuset Mariehønen" in text and "Sommerfuglen" in text
    assert "Delvist nået" in text and "Færre konflikter." in text
    assert "Legen i små grupper er blevet en fast del af stuens dag." in text
    assert "Paula Pædagog" in text
    client.force_login(world.outsider)
    assert client.get(reverse("course_report", args=[course.pk])).status_code == 404


def test_the_report_of_a_running_course_is_a_report_so_far(client, world):
    """A course not closed yet ("Rapport indtil nu"): its report is not titled a closing
    report, and the evaluations heading says none is recorded yet instead of standing over
    nothing."""
    import io

    from pypdf import PdfReader

    agreement, _version = agreement_in_force(world)
    course = agreement.course
    client.force_login(world.leader)
    assert "Rapport indtil nu (PDF)" in (
        client.get(reverse("course_detail", args=[course.pk])).content.decode()
    )
    response = client.get(reverse("course_report", args=[course.pk]))
    disposition = response["Content-Disposition"]
    assert f'filename="forloebsrapport-foreloebig-{course.pk}.pdf"' in disposition
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Forløbsrapport (foreløbig)" in text and "Afslutningsrapport" not in text
    assert "ikke afsluttet endnu" in text
    assert "Evalueringer\nIngen evalueringer registreret endnu." in text


@pytest.mark.parametrize("extra", [0, 3])
def test_course_list_filters_and_query_count(client, world, django_assert_num_queries, extra):
    """Also with more courses than a page holds (here 2 to a page): the same queries. The column
    "Næste evaluering" shows the next planned evaluation only (the earliest not recorded),
    marked when its day has passed."""
    from django.utils.dateformat import format as date_format

    from forloeb.models import EvaluationKind

    # A course that began four weeks ago, with two ongoing evaluations beside its final one:
    # one whose day has passed (not recorded yet) and one later.
    agreement, version = agreement_in_force(
        world, starts_on=timezone.localdate() - timedelta(days=28)
    )
    past = working_day(timezone.localdate() - timedelta(days=7))
    later = working_day(version.ends_on - timedelta(days=7))
    for day in (later, past):
        services.evaluation_add(
            actor=world.pedagogist.user, course_id=agreement.course.pk, due_on=day
        )
    others = []
    for _ in range(extra):
        from tests.indsats.helpers import accept, make_request

        req = make_request(world, submit=True, group=world.institution.groups.get(name="Frøen"))
        accept(world, req)
        others.append(agreement_in_force(world, req)[0].course)
    client.force_login(world.administrator)
    # session, user; count, courses; evaluations; the filter form's districts; unread
    # notifications; the access-log row (a search); session save (3)
    with django_assert_num_queries(11):
        response = client.get(reverse("course_list"))
    body = response.content.decode()
    shown = {int(pk) for pk in re.findall(r'href="/forloeb/(\d+)/"', body)}
    assert shown == set(Course.objects.values_list("pk", flat=True))
    assert len(shown) == 1 + extra

    def next_evaluation(course):
        row = body.split(f'href="/forloeb/{course.pk}/"')[1].split("</tr>")[0]
        cell = re.findall(r"<td>(.*?)</td>", row, re.S)[-1]
        # Less the column's name, shown on a phone where the row is a card.
        cell = re.sub(r'<span class="stack-label">.*?</span>', "", cell)
        return " ".join(re.sub(r"<[^>]+>", " ", cell).split())

    assert next_evaluation(agreement.course) == (
        f"Løbende evaluering, {date_format(past, 'j. F Y')} overskredet"
    )
    for course in others:
        final = course.evaluations.get(kind=EvaluationKind.FINAL)
        assert next_evaluation(course) == f"Slutevaluering, {date_format(final.due_on, 'j. F Y')}"
    services.course_advance(
        actor=world.pedagogist.user,
        course_id=agreement.course.pk,
        expected_phase="startup",
        reason=REASON,
    )
    body = client.get(reverse("course_list"), {"phase": "practice"}).content.decode()
    assert f"/forloeb/{agreement.course.pk}/" in body
    body = client.get(reverse("course_list"), {"phase": "follow_up"}).content.decode()
    assert f"/forloeb/{agreement.course.pk}/" not in body
    body = client.get(reverse("course_list"), {"institution": "mariehøn"}).content.decode()
    assert f"/forloeb/{agreement.course.pk}/" in body


def test_the_course_list_offers_a_leader_only_their_districts(client, world):
    agreement_in_force(world)
    client.force_login(world.leader)
    body = client.get(reverse("course_list")).content.decode()
    assert "Ullerup Bæk" in body and "Søvang" not in body
    client.force_login(world.outsider)
    body = client.get(reverse("course_list")).content.decode()
    assert "Ullerup Bæk" not in body


def test_an_empty_filtered_course_list_says_nothing_matched(client, world):
    agreement_in_force(world)
    client.force_login(world.leader)
    body = client.get(reverse("course_list"), {"phase": "closed"}).content.decode()
    assert "Intet forløb passer til filteret" in body and "Ingen forløb endnu" not in body
    client.force_login(world.outsider)
    body = client.get(reverse("course_list")).content.decode()
    assert "Ingen forløb endnu" in body


@pytest.mark.parametrize("extra", [2, 4])
def test_the_course_list_pages_with_its_filters_kept(
    client, world, django_assert_num_queries, monkeypatch, extra
):
    """Two to a page here (50 in the app): each page shows its own courses, newest first, the
    page links keep the filters, and a page costs the same queries however many there are."""
    from institutioner import paging
    from tests.indsats.helpers import accept, make_request

    assert paging.PER_PAGE == 50
    monkeypatch.setattr(paging, "PER_PAGE", 2)
    agreement_in_force(world)
    for _ in range(extra):
        req = make_request(world, submit=True, group=world.institution.groups.get(name="Frøen"))
        accept(world, req)
        agreement_in_force(world, req)
    newest_first = list(Course.objects.order_by("-started_at", "-pk").values_list("pk", flat=True))
    client.force_login(world.administrator)
    query = {"institution": "mariehøn"}
    pages = []
    for number in (1, 2, 3):
        with django_assert_num_queries(11):
            body = client.get(reverse("course_list"), {**query, "side": number}).content.decode()
        pages.append([int(pk) for pk in re.findall(r'href="/forloeb/(\d+)/"', body)])
        if number == 1:
            assert "?institution=marieh%C3%B8n&amp;side=2" in body
    assert pages[0] == newest_first[:2] and pages[1] == newest_first[2:4]
    assert pages[2] == newest_first[4:6] if extra == 4 else pages[2] == newest_first[2:4]
    assert "Side 1 af" in client.get(reverse("course_list"), query).content.decode()
    # A page number that is no number shows the first page.
    body = client.get(reverse("course_list"), {"side": "x²"}).content.decode()
    assert [int(pk) for pk in re.findall(r'href="/forloeb/(\d+)/"', body)] == newest_first[:2]


def _next(day, *, working: bool):
    from institutioner.workdays import holiday_name, is_working_day

    while is_working_day(day) != working or (not working and holiday_name(day)):
        day += timedelta(days=1)
    return day


def test_an_ongoing_evaluation_on_a_closed_day_or_after_the_agreement_is_refused(client, world):
    from datetime import date

    from forloeb.models import EvaluationKind

    agreement, version = agreement_in_force(world)
    course = agreement.course
    client.force_login(world.pedagogist.user)
    url = reverse("evaluation_add", args=[course.pk])
    saturday = timezone.localdate() + timedelta(days=(5 - timezone.localdate().weekday()) % 7 + 7)
    christmas = date(version.starts_on.year, 12, 25)
    after = _next(version.ends_on + timedelta(days=1), working=True)
    for day, message in (
        (saturday, "er en weekenddag; vælg en arbejdsdag"),
        (christmas, "er en helligdag"),
        (after, "Aftalen slutter den"),
    ):
        response = client.post(url, {"due_on": day.isoformat()})
        assert response.status_code == 200
        body = response.content.decode()
        assert message in body
        assert f'value="{day.isoformat()}"' in body and "is-invalid" in body
    assert not course.evaluations.filter(kind=EvaluationKind.ONGOING).exists()
    good = _next(version.starts_on, working=True)
    assert client.post(url, {"due_on": good.isoformat()}).status_code == 302
    assert course.evaluations.get(kind=EvaluationKind.ONGOING).due_on == good


def test_an_evaluation_is_not_recorded_before_its_day(client, world):
    """Recording it early would also reveal the leader's blind rating before it was held."""
    from forloeb.models import EvaluationKind, EvaluationStatus

    agreement, _version = agreement_in_force(world)
    course = agreement.course
    final = course.evaluations.get(kind=EvaluationKind.FINAL)
    assert final.due_on > timezone.localdate()
    client.force_login(world.pedagogist.user)
    url = reverse("evaluation_complete", args=[course.pk, final.pk])
    response = client.get(url, follow=True)
    assert "kan ikke registreres før evalueringsdagen" in response.content.decode()
    response = client.post(
        url, {"participants": "Lene og Paula", "decision": "continue", "scale_0": "2"}, follow=True
    )
    assert "kan ikke registreres før evalueringsdagen" in response.content.decode()
    with pytest.raises(StateError, match="evalueringsdagen"):
        services.evaluation_complete(
            actor=world.pedagogist.user,
            evaluation_id=final.pk,
            participants="Lene og Paula",
            leadership_took_part=True,
            decision="continue",
            summary="",
            assessments=[],
        )
    final.refresh_from_db()
    assert final.status == EvaluationStatus.PLANNED


def test_days_a_week_are_counted_in_danish_and_a_note_before_the_start_is_refused(client, world):
    agreement, version = agreement_in_force(world)
    assert version.parsed.days_per_week == 2
    course = agreement.course
    client.force_login(world.pedagogist.user)
    for url in (
        reverse("course_detail", args=[course.pk]),
        reverse("agreement_detail", args=[agreement.pk]),
    ):
        body = client.get(url).content.decode()
        assert "2 dage og" in body and "dag(e)" not in body
    yesterday = timezone.localdate() - timedelta(days=1)
    response = client.post(
        reverse("course_note_add", args=[course.pk]),
        {"day": yesterday.isoformat(), "text": "Før forløbet begyndte"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "En note kan ikke dateres før forløbets start" in body
    assert "Før forløbet begyndte" in body
    assert not course.notes.exists()
    with pytest.raises(ValidationError):
        services.course_note_add(
            actor=world.pedagogist.user, course_id=course.pk, day=yesterday, text="x"
        )


def test_a_note_or_an_evaluation_sent_twice_is_kept_once(client, world):
    """A double click or the back button and "send again": one note, one evaluation."""
    from forloeb.models import CourseNote, EvaluationKind

    agreement, version = agreement_in_force(world)
    course = agreement.course
    client.force_login(world.pedagogist.user)
    note = {"day": timezone.localdate().isoformat(), "text": "Samling i to grupper."}
    for _ in range(3):
        response = client.post(reverse("course_note_add", args=[course.pk]), note, follow=True)
        assert "Noten er tilføjet logbogen." in response.content.decode()
    assert CourseNote.objects.filter(course=course).count() == 1
    # Another text the same day is another note.
    client.post(reverse("course_note_add", args=[course.pk]), note | {"text": "Frokosten."})
    assert CourseNote.objects.filter(course=course).count() == 2

    day = _next(version.starts_on + timedelta(days=7), working=True)
    while course.evaluations.filter(due_on=day).exists():
        day = _next(day + timedelta(days=1), working=True)
    url = reverse("evaluation_add", args=[course.pk])
    first = client.post(url, {"due_on": day.isoformat()}, follow=True).content.decode()
    assert "Evalueringen er planlagt." in first
    again = client.post(url, {"due_on": day.isoformat()}, follow=True).content.decode()
    assert f"Der er allerede planlagt en evaluering den {day:%d.%m.%Y}." in again
    assert course.evaluations.filter(kind=EvaluationKind.ONGOING, due_on=day).count() == 1


def test_an_ongoing_evaluation_before_the_course_started_is_refused(client, world):
    """The agreement's period begins in three weeks: a day before it (today, or one between
    now and the start) is refused, under the field and in the service, so no evaluation from
    before the course reaches the page or the closing report. A past day inside the course is
    still planned (an evaluation held last week, recorded now)."""
    from forloeb.models import EvaluationKind

    agreement, version = agreement_in_force(world)
    course = agreement.course
    assert version.starts_on > timezone.localdate()
    client.force_login(world.pedagogist.user)
    url = reverse("evaluation_add", args=[course.pk])
    before = _next(version.starts_on - timedelta(days=7), working=True)
    for day in (before, working_day()):
        response = client.post(url, {"due_on": day.isoformat()})
        assert response.status_code == 200
        body = response.content.decode()
        assert f"Forløbet starter den {version.starts_on:%d.%m.%Y}" in body
        assert f'value="{day.isoformat()}"' in body and "is-invalid" in body
        with pytest.raises(ValidationError, match="Forløbet starter den"):
            services.evaluation_add(actor=world.pedagogist.user, course_id=course.pk, due_on=day)
    assert not course.evaluations.filter(kind=EvaluationKind.ONGOING).exists()
    first = _next(version.starts_on, working=True)
    assert client.post(url, {"due_on": first.isoformat()}).status_code == 302
    assert course.evaluations.get(kind=EvaluationKind.ONGOING).due_on == first


def test_an_ongoing_evaluation_last_week_is_planned_but_not_one_before_the_start(world):
    from forloeb.models import EvaluationKind

    # A working day (agreement_in_force moves a start on a weekend or a holiday to the one before).
    start = working_day_on_or_before(timezone.localdate() - timedelta(days=21))
    agreement, _version = agreement_in_force(world, starts_on=start)
    course = agreement.course
    last_week = working_day(timezone.localdate() - timedelta(days=7))
    services.evaluation_add(actor=world.pedagogist.user, course_id=course.pk, due_on=last_week)
    with pytest.raises(ValidationError, match=f"Forløbet starter den {start:%d.%m.%Y}"):
        services.evaluation_add(
            actor=world.pedagogist.user,
            course_id=course.pk,
            due_on=working_day(start - timedelta(days=1)),
        )
    assert list(
        course.evaluations.filter(kind=EvaluationKind.ONGOING).values_list("due_on", flat=True)
    ) == [last_week]


def test_a_planned_ongoing_evaluation_is_deleted_after_a_confirmation(client, world):
    """Planned by mistake: "Slet" (asked first) removes it, the history says who removed which
    and a Danish message says so; a leader cannot, and the agreed evaluations, a recorded one or
    one the institution answered stay."""
    from forloeb.models import CourseEvent, Evaluation, EvaluationKind, EvaluationStatus

    agreement, version = agreement_in_force(world)
    course = agreement.course
    day = _next(version.starts_on + timedelta(days=7), working=True)
    ongoing = services.evaluation_add(actor=world.pedagogist.user, course_id=course.pk, due_on=day)
    remove = reverse("evaluation_remove", args=[course.pk, ongoing.pk])
    final = course.evaluations.get(kind=EvaluationKind.FINAL)

    client.force_login(world.leader)
    body = client.get(reverse("course_detail", args=[course.pk])).content.decode()
    assert remove not in body
    assert client.post(remove).status_code == 404
    client.force_login(world.pedagogist.user)
    body = client.get(reverse("course_detail", args=[course.pk])).content.decode()
    assert body.count("/slet/") == 1 and remove in body  # not offered for the final one
    assert f"Slet den løbende evaluering den {day.day}." in body
    assert "Ja, slet evalueringen" in body
    assert client.get(remove).status_code == 405  # a link is never enough: the form posts

    response = client.post(remove, follow=True)
    assert f"Den løbende evaluering den {day:%d.%m.%Y} er slettet." in response.content.decode()
    assert not Evaluation.objects.filter(pk=ongoing.pk).exists()
    event = CourseEvent.objects.filter(course=course).last()
    assert event.actor == world.pedagogist.user
    assert event.message == f"Løbende evaluering den {day:%d.%m.%Y} slettet."
    assert Evaluation.history.filter(id=ongoing.pk, history_type="-").get().history_user == (
        world.pedagogist.user
    )
    # Pressed again (another tab): told, nothing else happens.
    response = client.post(remove, follow=True)
    assert "Evalueringen er allerede slettet." in response.content.decode()

    # The agreed ones follow the agreement.
    response = client.post(reverse("evaluation_remove", args=[course.pk, final.pk]), follow=True)
    assert "Kun en løbende evaluering kan slettes" in response.content.decode()
    assert Evaluation.objects.filter(pk=final.pk).exists()
    # A recorded one stays.
    recorded = services.evaluation_add(actor=world.pedagogist.user, course_id=course.pk, due_on=day)
    _complete(world, recorded)
    with pytest.raises(StateError, match="registreret"):
        services.evaluation_remove(
            actor=world.administrator, course_id=course.pk, evaluation_id=recorded.pk
        )
    assert Evaluation.objects.get(pk=recorded.pk).status == EvaluationStatus.COMPLETED


def test_another_courses_evaluation_is_not_found_through_this_course(client, world):
    """Evaluation URLs are the course's: another course's evaluation (one this person may work
    on, too) answers 404 and is left alone, and only a removed evaluation of this course is
    "already removed"."""
    from forloeb.models import Evaluation, EvaluationKind

    here = agreement_in_force(world)[0].course
    there_agreement, version = agreement_in_force(world)
    there = there_agreement.course
    day = _next(version.starts_on + timedelta(days=7), working=True)
    ongoing = services.evaluation_add(actor=world.pedagogist.user, course_id=there.pk, due_on=day)
    final = there.evaluations.get(kind=EvaluationKind.FINAL)
    client.force_login(world.pedagogist.user)
    assert client.get(reverse("course_detail", args=[there.pk])).status_code == 200
    for name in ("evaluation_remove", "evaluation_complete", "evaluation_correct"):
        for evaluation in (ongoing, final):
            url = reverse(name, args=[here.pk, evaluation.pk])
            assert client.post(url).status_code == 404, url
    for name in ("rating_answer", "rating_invite"):
        assert client.get(reverse(name, args=[here.pk, ongoing.pk])).status_code == 404
    assert Evaluation.objects.filter(pk=ongoing.pk).exists()
    # One that never was: 404 too.
    missing = Evaluation.objects.order_by("-pk").first().pk + 1000
    assert client.post(reverse("evaluation_remove", args=[here.pk, missing])).status_code == 404
    # Removed through its own course, then asked again through either.
    client.post(reverse("evaluation_remove", args=[there.pk, ongoing.pk]))
    assert not Evaluation.objects.filter(pk=ongoing.pk).exists()
    again = client.post(reverse("evaluation_remove", args=[there.pk, ongoing.pk]), follow=True)
    assert "Evalueringen er allerede slettet." in again.content.decode()
    assert client.post(reverse("evaluation_remove", args=[here.pk, ongoing.pk])).status_code == 404


def test_an_ongoing_evaluation_on_the_day_of_another_evaluation_is_refused(client, world):
    """The day of the midway or final evaluation, or of a recorded ongoing one, is taken: refused
    under the field with the date kept, as the service refuses it."""
    from forloeb.models import Evaluation, EvaluationKind

    agreement, _version = agreement_in_force(world)
    course = agreement.course
    final = course.evaluations.get(kind=EvaluationKind.FINAL)
    client.force_login(world.pedagogist.user)
    url = reverse("evaluation_add", args=[course.pk])
    response = client.post(url, {"due_on": final.due_on.isoformat()})
    assert response.status_code == 200
    body = response.content.decode()
    assert (
        f"Forløbet har allerede en evaluering den {final.due_on:%d.%m.%Y} (slutevaluering)."
        in body.split('id="due_on_errors"')[1]
    )
    assert f'value="{final.due_on.isoformat()}"' in body
    assert course.evaluations.filter(due_on=final.due_on).count() == 1
    for kind in (EvaluationKind.MIDWAY, EvaluationKind.ONGOING):
        day = final.due_on - timedelta(days=7 if kind == EvaluationKind.MIDWAY else 14)
        day = working_day(day)
        Evaluation.objects.filter(course=course, due_on=day).delete()
        other = Evaluation.objects.create(course=course, kind=kind, due_on=day)
        if kind == EvaluationKind.ONGOING:
            _complete(world, other)
        with pytest.raises(ValidationError) as refused:
            services.evaluation_add(
                actor=world.pedagogist.user, course_id=course.pk, due_on=other.due_on
            )
        assert refused.value.message_dict["due_on"] == [
            f"Forløbet har allerede en evaluering den {other.due_on:%d.%m.%Y} "
            f"({other.get_kind_display().lower()})."
        ]
        assert course.evaluations.filter(due_on=other.due_on).count() == 1


def test_the_final_summary_of_the_report_is_the_final_evaluations(client, world):
    """An ongoing evaluation's summary is in its own row, never under "Afsluttende opsamling":
    that heading is the final evaluation's, also when an ongoing one is recorded after it."""
    import io

    from pypdf import PdfReader

    from forloeb.models import EvaluationKind

    agreement, version = agreement_in_force(
        world, starts_on=timezone.localdate() - timedelta(days=28)
    )
    course = agreement.course
    client.force_login(world.leader)

    def report():
        response = client.get(reverse("course_report", args=[course.pk]))
        pages = PdfReader(io.BytesIO(response.content)).pages
        return " ".join(" ".join(page.extract_text() for page in pages).split())

    ongoing = services.evaluation_add(
        actor=world.pedagogist.user,
        course_id=course.pk,
        due_on=_next(version.starts_on + timedelta(days=7), working=True),
    )
    _complete(world, ongoing, summary="Løbende: stuen prøver små grupper.")
    text = report()
    assert "Løbende: stuen prøver små grupper." in text
    assert "Afsluttende opsamling" not in text

    final = course.evaluations.get(kind=EvaluationKind.FINAL)
    _complete(world, final, summary="Slut: grupperne er en fast del af dagen.")
    later = services.evaluation_add(
        actor=world.pedagogist.user,
        course_id=course.pk,
        due_on=working_day(timezone.localdate() - timedelta(days=1)),
    )
    _complete(world, later, summary="Efter slutevalueringen: et opfølgende blik.")
    text = report()
    assert "Afsluttende opsamling Slut: grupperne er en fast del af dagen." in text
    assert text.count("Slut: grupperne er en fast del af dagen.") == 2  # its row and the heading
    assert text.count("Efter slutevalueringen: et opfølgende blik.") == 1


def test_the_course_list_says_when_the_agreed_period_starts_not_only_the_signing(client, world):
    agreement, version = agreement_in_force(world)
    version.refresh_from_db()
    assert version.starts_on > timezone.localdate()
    client.force_login(world.leader)
    body = client.get(reverse("course_list")).content.decode()
    assert "Aftalt periode starter" in body
    months = ["januar", "februar", "marts", "april", "maj", "juni", "juli", "august",
              "september", "oktober", "november", "december"]  # fmt: skip
    start = (
        f"{version.starts_on.day}. {months[version.starts_on.month - 1]} {version.starts_on.year}"
    )
    today = timezone.localdate()
    signed = f"underskrevet {today.day}. {months[today.month - 1]} {today.year}"
    assert start in body and signed in body
    # The course page names the version's status with the day its period starts.
    body = client.get(reverse("course_detail", args=[agreement.course.pk])).content.decode()
    assert f"underskrevet; i kraft fra {version.starts_on:%d.%m.%Y}" in body


def test_the_day_an_evaluation_was_held(client, world):
    """Recorded two days after the meeting: the form offers the planned day, refuses a day
    after today or before the course began (keeping what was typed), and the course page and
    the closing report say the day it was held beside the day it was written down."""
    from forloeb.models import Evaluation

    # A working day (agreement_in_force moves a start on a weekend or a holiday to the one before).
    start = working_day_on_or_before(timezone.localdate() - timedelta(days=21))
    agreement, _version = agreement_in_force(world, starts_on=start)
    course = agreement.course
    planned = working_day(timezone.localdate() - timedelta(days=7))
    evaluation = services.evaluation_add(
        actor=world.pedagogist.user, course_id=course.pk, due_on=planned
    )
    client.force_login(world.pedagogist.user)
    url = reverse("evaluation_complete", args=[course.pk, evaluation.pk])
    form = client.get(url).content.decode()
    assert f'name="held_on" value="{planned.isoformat()}"' in form
    data = {"participants": "Lene og Paula", "decision": "continue", "scale_0": "2"}
    tomorrow = timezone.localdate() + timedelta(days=1)
    for day, message in (
        (tomorrow, "Evalueringen kan ikke være holdt senere end i dag."),
        (start - timedelta(days=1), f"Forløbet startede den {start:%d.%m.%Y}, så evalueringen"),
        ("", "Skriv den dag, evalueringen blev holdt."),
    ):
        value = day.isoformat() if day else ""
        body = client.post(url, {**data, "held_on": value}).content.decode()
        assert message in body, day
        assert "Lene og Paula" in body
        assert Evaluation.objects.get(pk=evaluation.pk).held_on is None
    held = working_day(planned - timedelta(days=1))
    assert client.post(url, {**data, "held_on": held.isoformat()}).status_code == 302
    evaluation.refresh_from_db()
    assert (evaluation.held_on, timezone.localdate(evaluation.completed_at)) == (
        held,
        timezone.localdate(),
    )
    page = client.get(reverse("course_detail", args=[course.pk])).content.decode()
    day = formats_date(held)
    assert f"afholdt {day} · registreret {formats_date(timezone.localdate())}" in page
    # A correction moves the day; the course's history names the field.
    correct = reverse("evaluation_correct", args=[course.pk, evaluation.pk])
    opened = client.get(correct).content.decode()
    assert f'name="held_on" value="{held.isoformat()}"' in opened
    stamp = re.search(r'name="stamp" value="([^"]+)"', opened).group(1)
    posted = client.post(
        correct,
        {**data, "held_on": planned.isoformat(), "observation_0": "", "stamp": stamp},
    )
    assert posted.status_code == 302
    evaluation.refresh_from_db()
    assert evaluation.held_on == planned
    assert "afholdt den" in course.events.order_by("-pk").first().message


def formats_date(day) -> str:
    """As the pages write a day: 3. december 2026."""
    months = "januar februar marts april maj juni juli august september oktober november december"
    return f"{day.day}. {months.split()[day.month - 1]} {day.year}"


def test_ticking_a_checklist_item_returns_to_the_checklist(client, world):
    """Not to the top of the page: to the checklist, as plan changes return to theirs."""
    agreement, _version = agreement_in_force(world)
    course = agreement.course
    item = course.checklist.first()
    client.force_login(world.pedagogist.user)
    url = reverse("course_tick", args=[course.pk, item.pk])
    response = client.post(url, {"done": "1"})
    assert response.status_code == 302
    assert response["Location"] == reverse("course_detail", args=[course.pk]) + "#tjekliste"
    item.refresh_from_db()
    assert item.done_at is not None
    body = client.get(reverse("course_detail", args=[course.pk])).content.decode()
    assert 'id="tjekliste"' in body


def test_an_evaluation_on_a_later_day_has_no_record_link_but_says_from_when(client, world):
    """The link bounced with "kan ikke registreres før evalueringsdagen": before the day the
    page says from which day it can be recorded instead."""
    from django.utils.formats import date_format

    from forloeb.models import EvaluationKind

    agreement, _version = agreement_in_force(
        world, starts_on=timezone.localdate() - timedelta(days=14)
    )
    course = agreement.course
    final = course.evaluations.get(kind=EvaluationKind.FINAL)
    assert final.due_on > timezone.localdate()
    today = services.evaluation_add(
        actor=world.pedagogist.user, course_id=course.pk, due_on=working_day()
    )
    client.force_login(world.pedagogist.user)
    body = client.get(reverse("course_detail", args=[course.pk])).content.decode()
    assert reverse("evaluation_complete", args=[course.pk, final.pk]) not in body
    assert reverse("evaluation_complete", args=[course.pk, today.pk]) in body
    later = re.search(r"(Kan registreres fra|Can be recorded from) ([^<]*)<", body)
    assert later is not None and later.group(2).strip() == date_format(final.due_on, "j. F Y")


def test_an_overdue_evaluation_is_marked_on_the_course_page(client, world):
    """As on the start page and in the course list: planned, and its day has passed."""
    agreement, _version = agreement_in_force(
        world, starts_on=timezone.localdate() - timedelta(days=14)
    )
    course = agreement.course
    services.evaluation_add(
        actor=world.pedagogist.user,
        course_id=course.pk,
        due_on=working_day(timezone.localdate() - timedelta(days=1)),
    )
    client.force_login(world.leader)
    body = client.get(reverse("course_detail", args=[course.pk])).content.decode()
    assert body.count('<span class="badge text-bg-danger">overskredet</span>') == 1
    assert "Kommende evalueringer" in client.get(reverse("start")).content.decode()


def test_the_consultant_is_told_plainly_that_courses_are_not_hers(client, world, consultant):
    """She has no courses, ever: the list says so instead of "no courses yet", and shows no
    filter over courses she cannot see."""
    agreement_in_force(world)
    client.force_login(consultant)
    response = client.get(reverse("course_list"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Ingen forløb endnu" not in body
    assert "Børnehuset Mariehønen" not in body and 'name="phase"' not in body
    assert (
        "Forløb hører til institutionerne, deres pædagoger og forvaltningen, så du har ingen "
        "forløb at se her." in body
    )
