"""Forløb: opened by the agreement, phases with guards and history, a logbook in scope."""

import re
import threading
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from forloeb.courses import services
from forloeb.models import Course, CourseEvent, Phase
from indsats.agreements import services as indsats_services
from institutioner.errors import StateError
from tests.factories import PASSWORD
from tests.indsats.helpers import agreement_in_force

# Moving on with unticked checklist items needs a reason.
REASON = "Punkterne blev klaret på indsatsmødet."


def test_course_opens_when_the_agreement_comes_into_force_and_stays_one(world):
    agreement, _version = agreement_in_force(world)
    course = Course.objects.get(agreement=agreement)
    assert course.phase == Phase.STARTUP
    assert course.checklist.count() == 10
    draft = indsats_services.agreement_adjust(
        actor=world.pedagogist.user, agreement_id=agreement.pk
    )
    indsats_services.agreement_send_for_signature(actor=world.pedagogist.user, version_id=draft.pk)
    for user in (world.leader, world.pedagogist.user):
        indsats_services.agreement_sign(actor=user, version_id=draft.pk, password=PASSWORD)
    assert Course.objects.filter(agreement=agreement).count() == 1
    assert "version 2" in course.events.last().message


def test_phases_move_forward_with_history_and_guards(world):
    agreement, _version = agreement_in_force(world)
    course = agreement.course
    pedagogist = world.pedagogist.user
    for phase in (Phase.STARTUP, Phase.PRACTICE):
        services.course_advance(
            actor=pedagogist, course_id=course.pk, expected_phase=phase, reason=REASON
        )
    course.refresh_from_db()
    assert course.phase == Phase.FOLLOW_UP
    with pytest.raises(StateError, match="slutevaluering"):
        services.course_advance(
            actor=pedagogist, course_id=course.pk, expected_phase=Phase.FOLLOW_UP, reason=REASON
        )
    with pytest.raises(StateError, match="allerede"):
        services.course_advance(actor=pedagogist, course_id=course.pk, expected_phase=Phase.STARTUP)
    moves = list(
        CourseEvent.objects.filter(course=course)
        .exclude(to_phase="")
        .values_list("to_phase", flat=True)
    )
    assert moves == [Phase.STARTUP, Phase.PRACTICE, Phase.FOLLOW_UP]


def test_checklist_tick_records_who_and_when(world):
    agreement, _version = agreement_in_force(world)
    item = agreement.course.checklist.get(key="coordination")
    services.course_tick(
        actor=world.pedagogist.user, course_id=agreement.course.pk, item_id=item.pk, done=True
    )
    item.refresh_from_db()
    assert item.done_by == world.pedagogist.user and item.done_at is not None


def test_logbook_refuses_future_dates_and_cpr_numbers(world):
    agreement, _version = agreement_in_force(world)
    course = agreement.course
    with pytest.raises(ValidationError):
        services.course_note_add(
            actor=world.pedagogist.user,
            course_id=course.pk,
            day=timezone.localdate() + timedelta(days=1),
            text="I morgen",
        )
    with pytest.raises(ValidationError):
        services.course_note_add(
            actor=world.pedagogist.user,
            course_id=course.pk,
            day=timezone.localdate(),
            text="070589-1234",
        )
    note = services.course_note_add(
        actor=world.pedagogist.user,
        course_id=course.pk,
        day=timezone.localdate(),
        text="Vi delte børnene i tre legegrupper.",
        practice_role="beside",
        themes=["social"],
    )
    assert note.theme_labels == ["Social udvikling"]


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


def test_two_advancing_at_once_give_one_transition(postgres, transactional_db, world):
    agreement, _version = agreement_in_force(world)
    course = agreement.course
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def advance():
        try:
            barrier.wait()
            services.course_advance(
                actor=world.pedagogist.user,
                course_id=course.pk,
                expected_phase=Phase.STARTUP,
                reason=REASON,
            )
            outcomes.append("moved")
        except StateError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=advance) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    course.refresh_from_db()
    assert course.phase == Phase.PRACTICE
    assert sorted(outcomes) == ["moved", "refused"]


def _complete(world, evaluation, **overrides):
    data = {
        "participants": "Lene Leder, Paula Pædagog, to fra stuen",
        "leadership_took_part": True,
        "decision": "continue",
        "summary": "Grupperne fungerer.",
        "assessments": [("Børnene leger i små grupper om formiddagen.", 3, "Færre konflikter.")],
    }
    data.update(overrides)
    return services.evaluation_complete(
        actor=world.pedagogist.user, evaluation_id=evaluation.pk, **data
    )


def test_evaluations_are_scheduled_from_the_agreement_and_close_the_course(world):
    from forloeb.models import EvaluationKind

    agreement, version = agreement_in_force(world)
    course = agreement.course
    kinds = {e.kind: e for e in course.evaluations.all()}
    assert set(kinds) == {EvaluationKind.FINAL}  # 10 weeks: no midway evaluation
    assert kinds[EvaluationKind.FINAL].due_on == version.parsed.final_evaluation_on
    for phase in (Phase.STARTUP, Phase.PRACTICE):
        services.course_advance(
            actor=world.pedagogist.user, course_id=course.pk, expected_phase=phase, reason=REASON
        )
    with pytest.raises(ValidationError):
        _complete(world, kinds[EvaluationKind.FINAL], participants=" ")
    _complete(world, kinds[EvaluationKind.FINAL], leadership_took_part=False)
    with pytest.raises(StateError, match="ledelsens deltagelse"):
        services.course_advance(
            actor=world.pedagogist.user,
            course_id=course.pk,
            expected_phase=Phase.FOLLOW_UP,
            reason=REASON,
        )
    with pytest.raises(StateError, match="allerede"):
        _complete(world, kinds[EvaluationKind.FINAL])
    ongoing = services.evaluation_add(
        actor=world.pedagogist.user, course_id=course.pk, due_on=timezone.localdate()
    )
    ongoing.kind = EvaluationKind.FINAL
    ongoing.save(update_fields=["kind"])
    _complete(world, ongoing, decision="close")
    services.course_advance(
        actor=world.pedagogist.user,
        course_id=course.pk,
        expected_phase=Phase.FOLLOW_UP,
        reason=REASON,
    )
    course.refresh_from_db()
    assert course.phase == Phase.CLOSED and course.closed_at
    with pytest.raises(StateError):
        services.course_note_add(
            actor=world.pedagogist.user, course_id=course.pk, day=timezone.localdate(), text="x"
        )


def test_adjust_decision_opens_an_agreement_adjustment(world):
    agreement, _version = agreement_in_force(world)
    evaluation = services.evaluation_add(
        actor=world.pedagogist.user, course_id=agreement.course.pk, due_on=timezone.localdate()
    )
    _complete(world, evaluation, decision="adjust")
    assert agreement.versions.filter(status="draft").exists()


def test_due_evaluations_on_the_start_page_and_the_form(client, world):
    agreement, _version = agreement_in_force(world)
    evaluation = services.evaluation_add(
        actor=world.pedagogist.user,
        course_id=agreement.course.pk,
        due_on=timezone.localdate() - timedelta(days=1),
    )
    client.force_login(world.leader)
    body = client.get(reverse("start")).content.decode()
    assert "Evalueringer, der skal holdes" in body and "overskredet" in body
    client.force_login(world.pedagogist.user)
    url = reverse("evaluation_complete", args=[agreement.course.pk, evaluation.pk])
    response = client.post(url, {"participants": "", "decision": "continue", "scale_0": "2"})
    assert "Skriv, hvem der deltog i evalueringen." in response.content.decode()
    response = client.post(
        url, {"participants": "Lene og Paula", "decision": "continue", "scale_0": "2"}
    )
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
    client.force_login(world.leader)
    response = client.get(reverse("course_report", args=[course.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Afslutningsrapport" in text
    assert "Børnehuset Mariehønen" in text and "Sommerfuglen" in text
    assert "Delvist nået" in text and "Færre konflikter." in text
    assert "Legen i små grupper er blevet en fast del af stuens dag." in text
    assert "Paula Pædagog" in text
    client.force_login(world.outsider)
    assert client.get(reverse("course_report", args=[course.pk])).status_code == 404


@pytest.mark.parametrize("extra", [0, 3])
def test_course_list_filters_and_query_count(client, world, django_assert_num_queries, extra):
    agreement, _version = agreement_in_force(world)
    for _ in range(extra):
        from tests.indsats.helpers import accept, make_request

        req = make_request(world, submit=True, group=world.institution.groups.get(name="Frøen"))
        accept(world, req)
        agreement_in_force(world, req)
    client.force_login(world.administrator)
    # session, user; courses; evaluations; the filter form's districts; unread notifications;
    # the access-log row (a search); session save (3)
    with django_assert_num_queries(10):
        response = client.get(reverse("course_list"))
    shown = {int(pk) for pk in re.findall(r'href="/forloeb/(\d+)/"', response.content.decode())}
    assert shown == set(Course.objects.values_list("pk", flat=True))
    assert len(shown) == 1 + extra
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
