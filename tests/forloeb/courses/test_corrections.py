"""A course never gets stuck (#15): evaluations are corrected until the course closes, a later
evaluation with the leadership counts, the checklist asks why before moving on, the
administration has a way out of any state, and the stored history is shown to them."""

import io
import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from forloeb.courses import services
from forloeb.models import (
    ChecklistItem,
    Course,
    CourseEvent,
    Evaluation,
    EvaluationKind,
    EvaluationStatus,
    Phase,
    WeekSheet,
)
from indsats.agreements import services as agreements_services
from indsats.models import Allocation
from institutioner.errors import StateError
from tests.forloeb.courses.conftest import first_evaluation_day, held
from tests.indsats.helpers import agreement_in_force

REASON = "Punkterne blev klaret på indsatsmødet."
ROLES = ["anonymous", "leader", "staff", "pedagogist", "administration", "outsider"]


def _record(world, evaluation, *, actor=None, **overrides):
    data = {
        "participants": "Paula Pædagog og to fra stuen",
        "leadership_took_part": False,
        "decision": "close",
        "summary": "Grupperne fungerer.",
        "assessments": [("Børnene leger i små grupper om formiddagen.", 3, "Færre konflikter.")],
    }
    data.update(overrides)
    held(evaluation)
    return services.evaluation_complete(
        actor=actor or world.pedagogist.user, evaluation_id=evaluation.pk, **data
    )


def _correct(world, evaluation, *, actor=None, **overrides):
    data = {
        "participants": "Lene Leder, Paula Pædagog og to fra stuen",
        "leadership_took_part": True,
        "decision": "close",
        "summary": "Grupperne fungerer.",
        "assessments": [("Børnene leger i små grupper om formiddagen.", 3, "Færre konflikter.")],
    }
    data.update(overrides)
    return services.evaluation_correct(
        actor=actor or world.pedagogist.user, evaluation_id=evaluation.pk, **data
    )


def _to_follow_up(world, course):
    for phase in (Phase.STARTUP, Phase.PRACTICE):
        services.course_advance(
            actor=world.pedagogist.user, course_id=course.pk, expected_phase=phase, reason=REASON
        )


def _close(world, course):
    return services.course_advance(
        actor=world.pedagogist.user,
        course_id=course.pk,
        expected_phase=Phase.FOLLOW_UP,
        reason=REASON,
    )


@pytest.fixture
def stuck(world):
    """A course in follow-up whose final evaluation was recorded without the leadership."""
    agreement, _version = agreement_in_force(world)
    course = agreement.course
    _to_follow_up(world, course)
    final = course.evaluations.get(kind=EvaluationKind.FINAL)
    _record(world, final)
    with pytest.raises(StateError, match="ledelsens deltagelse"):
        _close(world, course)
    return course, final


# --- Correcting an evaluation --------------------------------------------------------------------


def test_correcting_the_final_evaluation_lets_the_course_close(world, stuck):
    course, final = stuck
    _correct(world, final)
    final.refresh_from_db()
    assert final.leadership_took_part and final.participants.startswith("Lene Leder")
    # The row's history keeps what it said before, and who changed it.
    newest, before = final.history.order_by("-history_id")[:2]
    assert newest.history_user == world.pedagogist.user
    assert before.leadership_took_part is False
    event = course.events.last()
    assert "rettet" in event.message and "ledelsen deltog" in event.message
    assert event.actor == world.pedagogist.user
    _close(world, course)
    course.refresh_from_db()
    assert course.phase == Phase.CLOSED
    with pytest.raises(StateError, match="afsluttet"):
        _correct(world, final, summary="For sent.")


def test_only_completed_evaluations_are_corrected_and_the_rules_hold(world):
    agreement, _version = agreement_in_force(world)
    final = agreement.course.evaluations.get(kind=EvaluationKind.FINAL)
    with pytest.raises(StateError, match="gennemført"):
        _correct(world, final)
    _record(world, final)
    with pytest.raises(ValidationError):
        _correct(world, final, participants=" ")
    with pytest.raises(ValidationError):
        _correct(world, final, summary="070589-1234")
    final.refresh_from_db()
    assert final.leadership_took_part is False
    # Nothing changed: no history row, no event.
    rows = final.history.count()
    events = CourseEvent.objects.count()
    _correct(world, final, participants=final.participants, leadership_took_part=False)
    assert final.history.count() == rows and CourseEvent.objects.count() == events


def test_administration_corrects_too(world, stuck):
    _course, final = stuck
    _correct(world, final, actor=world.administrator)
    assert final.history.order_by("-history_id").first().history_user == world.administrator


def test_a_later_evaluation_with_the_leadership_counts(world, stuck):
    course, _final = stuck
    ongoing = services.evaluation_add(
        actor=world.pedagogist.user, course_id=course.pk, due_on=first_evaluation_day(course)
    )
    _record(world, ongoing, leadership_took_part=True, participants="Lene Leder og Paula")
    _close(world, course)
    course.refresh_from_db()
    assert course.phase == Phase.CLOSED


def test_an_earlier_evaluation_with_the_leadership_does_not_count(world):
    agreement, _version = agreement_in_force(world)
    course = agreement.course
    _to_follow_up(world, course)
    ongoing = services.evaluation_add(
        actor=world.pedagogist.user, course_id=course.pk, due_on=first_evaluation_day(course)
    )
    _record(world, ongoing, leadership_took_part=True, decision="continue")
    _record(world, course.evaluations.get(kind=EvaluationKind.FINAL))
    with pytest.raises(StateError, match="ledelsens deltagelse"):
        _close(world, course)


@pytest.mark.parametrize(
    "role,status",
    [
        ("anonymous", 302),
        ("leader", 404),
        ("staff", 404),
        ("pedagogist", 200),
        ("administration", 200),
        ("outsider", 404),
    ],
)
def test_correction_page_per_role(client, world, stuck, role, status):
    course, final = stuck
    user = world.user_for(role)
    if user is not None:
        client.force_login(user)
    url = reverse("evaluation_correct", args=[course.pk, final.pk])
    response = client.get(url)
    assert response.status_code == status
    if status == 200:
        body = response.content.decode()
        assert "Paula Pædagog og to fra stuen" in body  # prefilled
        assert "Gem rettelsen" in body
        detail = client.get(reverse("course_detail", args=[course.pk])).content.decode()
        assert url in detail
    posted = client.post(
        url,
        {
            "held_on": Evaluation.objects.get(pk=final.pk).held_on.isoformat(),
            "participants": "Lene Leder og Paula",
            "leadership_took_part": "on",
            "decision": "close",
            "summary": "",
            "scale_0": "4",
            "observation_0": "",
        },
    )
    final.refresh_from_db()
    if status == 200:
        assert posted.status_code == 302
        assert final.leadership_took_part and final.assessments.get().scale == 4
    else:
        assert posted.status_code == status
        assert not final.leadership_took_part


def test_a_correction_from_a_second_tab_does_not_undo_the_first(client, world, stuck):
    course, final = stuck
    client.force_login(world.pedagogist.user)
    url = reverse("evaluation_correct", args=[course.pk, final.pk])
    # Both tabs open the page as it is saved now.
    opened = client.get(url).content.decode()
    final.refresh_from_db()
    stamp = final.updated_at.isoformat()
    assert f'name="stamp" value="{stamp}"' in opened
    data = {
        "held_on": final.held_on.isoformat(),
        "participants": final.participants,
        "decision": "close",
        "summary": final.summary,
        "scale_0": "3",
        "observation_0": "Færre konflikter.",
        "stamp": stamp,
    }
    first = client.post(url, {**data, "summary": "Rettet i fane 1."})
    assert first.status_code == 302
    second = client.post(url, {**data, "participants": "Lene Leder og Paula"})
    assert second.status_code == 200
    body = second.content.decode()
    assert (
        "Evalueringen blev gemt af en anden, eller i en anden fane, efter du åbnede den, så "
        "dine ændringer er ikke gemt. De står stadig i formularen nedenfor."
    ) in body
    assert f'href="{url}"' in body
    assert "Åbn evalueringen, som den er gemt nu" in body
    assert "Lene Leder og Paula" in body  # what was typed is kept
    final.refresh_from_db()
    assert final.summary == "Rettet i fane 1."
    assert final.participants == "Paula Pædagog og to fra stuen"
    # Opened again, the page shows what is saved and saves the second change on top.
    reopened = client.get(url).content.decode()
    assert "Rettet i fane 1." in reopened
    final.refresh_from_db()
    data["stamp"] = final.updated_at.isoformat()
    again = client.post(url, {**data, "summary": "Rettet i fane 1.", "participants": "Lene"})
    assert again.status_code == 302
    final.refresh_from_db()
    assert (final.summary, final.participants) == ("Rettet i fane 1.", "Lene")


def test_a_change_of_the_assessments_alone_moves_the_stamp_on(world, stuck):
    _course, final = stuck
    final.refresh_from_db()
    stamp = final.updated_at.isoformat()
    _correct(
        world,
        final,
        participants=final.participants,
        leadership_took_part=False,
        assessments=[("Børnene leger i små grupper om formiddagen.", 4, "")],
        expected_stamp=stamp,
    )
    with pytest.raises(services.EvaluationChangedMeanwhile):
        _correct(world, final, expected_stamp=stamp)


def test_correction_link_and_page_end_when_the_course_closes(client, world, stuck):
    course, final = stuck
    _correct(world, final)
    _close(world, course)
    client.force_login(world.pedagogist.user)
    url = reverse("evaluation_correct", args=[course.pk, final.pk])
    assert url not in client.get(reverse("course_detail", args=[course.pk])).content.decode()
    response = client.get(url, follow=True)
    assert "Forløbet er afsluttet; dets evalueringer kan ikke ændres." in response.content.decode()


# --- The checklist asks why ----------------------------------------------------------------------


def test_moving_on_with_unticked_items_needs_a_reason(world):
    agreement, _version = agreement_in_force(world)
    course = agreement.course
    ticked = course.checklist.get(key="coordination")
    services.course_tick(
        actor=world.pedagogist.user, course_id=course.pk, item_id=ticked.pk, done=True
    )
    with pytest.raises(services.ChecklistOpen) as refused:
        services.course_advance(
            actor=world.pedagogist.user, course_id=course.pk, expected_phase=Phase.STARTUP
        )
    assert {item.key for item in refused.value.items} == {"contracting", "leadership_startup"}
    course.refresh_from_db()
    assert course.phase == Phase.STARTUP
    services.course_advance(
        actor=world.pedagogist.user,
        course_id=course.pk,
        expected_phase=Phase.STARTUP,
        reason="Lederen var syg; det tages op i næste fase.",
    )
    waived = course.checklist.get(key="leadership_startup")
    assert waived.waived_by == world.pedagogist.user and waived.waived_at
    assert waived.waived_reason == "Lederen var syg; det tages op i næste fase."
    assert course.checklist.get(key="coordination").waived_at is None
    assert "Lederen var syg" in course.events.last().message


def test_all_ticked_moves_on_without_a_reason(world):
    agreement, _version = agreement_in_force(world)
    course = agreement.course
    for item in course.checklist.filter(phase=Phase.STARTUP):
        services.course_tick(
            actor=world.pedagogist.user, course_id=course.pk, item_id=item.pk, done=True
        )
    services.course_advance(
        actor=world.pedagogist.user, course_id=course.pk, expected_phase=Phase.STARTUP
    )
    course.refresh_from_db()
    assert course.phase == Phase.PRACTICE


def test_advance_page_asks_why_and_the_phase_is_not_done(client, world):
    agreement, _version = agreement_in_force(world)
    course = agreement.course
    client.force_login(world.pedagogist.user)
    url = reverse("course_advance", args=[course.pk])
    body = client.post(url, {"phase": "startup"}).content.decode()
    assert "Disse punkter på tjeklisten er ikke afkrydset:" in body
    assert "Koordinering" in body
    body = client.post(url, {"phase": "startup", "reason": " "}).content.decode()
    assert "Skriv, hvorfor I går videre uden de punkter, der ikke er afkrydset." in body
    course.refresh_from_db()
    assert course.phase == Phase.STARTUP
    response = client.post(url, {"phase": "startup", "reason": "Klaret på mødet."})
    assert response.status_code == 302
    body = client.get(reverse("course_detail", args=[course.pk])).content.decode()
    assert "ikke alt gennemført" in body and "Klaret på mødet." in body
    # "Done" stands only beside ticked boxes.
    assert ">gennemført<" not in body


CPR_PLAIN = "Teksten indeholder noget, der ligner et CPR-nummer. Skriv ikke CPR-numre her."


def test_a_cpr_number_in_why_items_were_not_done_gets_the_plain_message(client, world):
    """Why the course moves on without ticked items is not about a children's group: the message
    says only not to write CPR numbers, on the page (keeping what was typed), from the service and
    on the checklist item and the course's history."""
    agreement, _version = agreement_in_force(world)
    course = agreement.course
    client.force_login(world.pedagogist.user)
    url = reverse("course_advance", args=[course.pk])
    body = client.post(
        url, {"phase": "startup", "reason": "Lederen var syg 070589-1234"}
    ).content.decode()
    assert CPR_PLAIN in body and "børnegruppen" not in body
    assert "Lederen var syg 070589-1234" in body
    with pytest.raises(ValidationError) as caught:
        services.course_advance(
            actor=world.pedagogist.user,
            course_id=course.pk,
            expected_phase=Phase.STARTUP,
            reason="Lederen var syg 070589-1234",
        )
    assert caught.value.messages == [CPR_PLAIN]
    course.refresh_from_db()
    assert course.phase == Phase.STARTUP
    assert not course.checklist.filter(waived_at__isnull=False).exists()
    for model, name in ((ChecklistItem, "waived_reason"), (CourseEvent, "message")):
        with pytest.raises(ValidationError) as caught:
            model._meta.get_field(name).run_validators("Lederen var syg 070589-1234")
        assert caught.value.messages == [CPR_PLAIN], name


# --- The administration's way out ----------------------------------------------------------------


def test_administration_moves_any_phase_with_a_reason(world, stuck):
    course, _final = stuck
    with pytest.raises(StateError, match="Kun forvaltningen"):
        services.course_set_phase(
            actor=world.pedagogist.user, course_id=course.pk, phase="closed", reason="x"
        )
    with pytest.raises(ValidationError):
        services.course_set_phase(
            actor=world.administrator, course_id=course.pk, phase="closed", reason=" "
        )
    services.course_set_phase(
        actor=world.administrator,
        course_id=course.pk,
        phase="closed",
        reason="Slutevalueringen blev holdt med lederen; registreret forkert.",
    )
    course.refresh_from_db()
    assert course.phase == Phase.CLOSED and course.closed_at
    event = course.events.last()
    assert event.actor == world.administrator and "registreret forkert" in event.message
    services.course_set_phase(
        actor=world.administrator,
        course_id=course.pk,
        phase="practice",
        reason="Lukket ved en fejl.",
    )
    course.refresh_from_db()
    assert course.phase == Phase.PRACTICE and course.closed_at is None
    assert "genåbnede" in course.events.last().message
    assert course.history.first().history_user == world.administrator
    with pytest.raises(StateError, match="allerede"):
        services.course_set_phase(
            actor=world.administrator, course_id=course.pk, phase="practice", reason="x"
        )


def test_the_way_out_refuses_a_move_from_a_page_opened_before_the_last_phase_change(
    client, world, stuck
):
    """Two tabs: the first moves the course to practice; the second, opened before, then asks
    for startup. It is refused with the reason kept, and sent again it moves the course."""
    course, _final = stuck
    client.force_login(world.administrator)
    url = reverse("course_set_phase", args=[course.pk])

    def stamp_of(body):
        return re.search(r'name="stamp" value="([^"]*)"', body).group(1)

    first = stamp_of(client.get(url).content.decode())
    second = stamp_of(client.get(url).content.decode())
    data = {"reason": "Registreret forkert.", "confirm": "on"}
    assert client.post(url, {**data, "phase": "practice", "stamp": first}).status_code == 302
    reason = "Forløbet skal starte forfra med ny aftale."
    response = client.post(url, {**data, "phase": "startup", "reason": reason, "stamp": second})
    assert response.status_code == 200
    body = response.content.decode()
    assert reason in body
    assert "after you opened this page" in body or "efter du åbnede siden" in body
    course.refresh_from_db()
    assert course.phase == Phase.PRACTICE
    with pytest.raises(services.CourseMovedMeanwhile):
        services.course_set_phase(
            actor=world.administrator,
            course_id=course.pk,
            phase="startup",
            reason=reason,
            expected_stamp=second,
        )
    # The page now shows the phase as it is: sent again, the course is moved.
    again = {**data, "phase": "startup", "reason": reason, "stamp": stamp_of(body)}
    assert client.post(url, again).status_code == 302
    course.refresh_from_db()
    assert course.phase == Phase.STARTUP


@pytest.mark.parametrize("role", ROLES)
def test_way_out_page_per_role(client, world, stuck, role):
    course, _final = stuck
    user = world.user_for(role)
    if user is not None:
        client.force_login(user)
    url = reverse("course_set_phase", args=[course.pk])
    expected = {"anonymous": 302, "administration": 200}.get(role, 404)
    assert client.get(url).status_code == expected
    data = {"phase": "closed", "reason": "Registreret forkert.", "confirm": "on"}
    if role == "administration":
        body = client.post(url, {**data, "confirm": ""}).content.decode()
        assert "Bekræft, at du vil flytte forløbet." in body
        assert client.post(url, data).status_code == 302
        course.refresh_from_db()
        assert course.phase == Phase.CLOSED
        detail = client.get(reverse("course_detail", args=[course.pk])).content.decode()
        assert "Genåbn forløbet" in detail
    else:
        assert client.post(url, data).status_code == expected
        course.refresh_from_db()
        assert course.phase == Phase.FOLLOW_UP
        if user is not None and role != "outsider":
            detail = client.get(reverse("course_detail", args=[course.pk])).content.decode()
            assert url not in detail


def test_a_cpr_number_in_why_the_administration_moves_a_course_gets_the_plain_message(
    client, world, stuck
):
    course, _final = stuck
    client.force_login(world.administrator)
    url = reverse("course_set_phase", args=[course.pk])
    data = {"phase": "closed", "reason": "Registreret forkert 070589-1234", "confirm": "on"}
    response = client.post(url, data)
    assert response.status_code == 200
    body = response.content.decode()
    assert CPR_PLAIN in body and "børnegruppen" not in body
    assert "Registreret forkert 070589-1234" in body
    with pytest.raises(ValidationError) as caught:
        services.course_set_phase(
            actor=world.administrator,
            course_id=course.pk,
            phase="closed",
            reason="Registreret forkert 070589-1234",
        )
    assert caught.value.messages == [CPR_PLAIN]
    course.refresh_from_db()
    assert course.phase == Phase.FOLLOW_UP
    assert "070589" not in " ".join(course.events.values_list("message", flat=True))


# --- History -------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_course_history_page_per_role(client, world, stuck, role):
    course, final = stuck
    _correct(world, final)
    user = world.user_for(role)
    if user is not None:
        client.force_login(user)
    response = client.get(reverse("course_history", args=[course.pk]))
    expected = {"anonymous": 302, "administration": 200}.get(role, 404)
    assert response.status_code == expected
    if expected == 200:
        body = response.content.decode()
        assert "Historik" in body and "Paula Pædagog" in body
        assert "Ledelsen deltog" in body and "nej" in body and "ja" in body
        assert "Slutevaluering" in body


def test_every_field_the_course_history_shows_has_a_translated_name(client, world, stuck):
    """Not "Completed by: Hanne Kjær" or "Course: Forløb i …": a field without a verbose
    name of its own is named in English from its attribute."""
    from django.utils.functional import Promise

    from forloeb.models import CourseNote
    from institutioner.history import _SKIPPED

    untranslated = [
        f"{model.__name__}.{field.name}"
        for model in (Course, Evaluation, CourseNote)
        for field in model._meta.concrete_fields
        if field.name not in _SKIPPED and not isinstance(field.verbose_name, Promise)
    ]
    assert untranslated == []
    course, _final = stuck
    client.force_login(world.administrator)
    body = client.get(reverse("course_history", args=[course.pk])).content.decode()
    assert "<strong>Course</strong>" not in body and "<strong>Forløb</strong>" in body


def test_course_history_shows_why_the_course_was_moved(client, world, stuck):
    """The reasons the course's own history shows ("Begrundelse: …"), beside the phase change
    they were given with: the administration's, and why unticked items were left."""
    course, _final = stuck
    services.course_set_phase(
        actor=world.administrator,
        course_id=course.pk,
        phase="practice",
        reason="Praksisforløbet blev forlænget på mødet.",
    )
    client.force_login(world.administrator)
    body = client.get(reverse("course_history", args=[course.pk])).content.decode()
    assert "<strong>Begrundelse</strong>" in body
    assert "Praksisforløbet blev forlænget på mødet." in body
    assert REASON in body  # moving on from startup and practice with unticked items
    at = body.index("Praksisforløbet blev")
    row = body[body.rindex("<tr>", 0, at) : body.index("</tr>", at)]
    assert "Opfølgning</del>" in row and "Frida Forvaltning" in row


def test_a_phase_move_keeps_its_reason_and_unticked_items_in_fields(world, stuck):
    """Not only inside the sentence: the reason and the keys of the items left unticked are
    the event's own fields (retention clears the reason with the sentence: test_retention)."""
    course, _final = stuck
    moves = list(course.events.exclude(from_phase="").order_by("pk"))
    assert [(e.from_phase, e.reason, e.unticked_items) for e in moves] == [
        ("startup", REASON, ["coordination", "contracting", "leadership_startup"]),
        ("practice", REASON, ["practice_roles", "reflections", "practice_team"]),
    ]
    assert moves[1].unticked_labels[0] == "Praksis foran, ved siden af og bagved personalet"
    services.course_set_phase(
        actor=world.administrator, course_id=course.pk, phase="closed", reason="Flyttet."
    )
    services.course_set_phase(
        actor=world.administrator, course_id=course.pk, phase="practice", reason="Genåbnet."
    )
    *_moves, closing, reopening = course.events.exclude(from_phase="").order_by("pk")
    assert (closing.reason, closing.unticked_items) == ("Flyttet.", [])
    assert (reopening.from_phase, reopening.reason) == ("closed", "Genåbnet.")


def test_course_history_shows_the_reason_whatever_language_the_move_was_made_in(
    client, world, stuck
):
    """The reason comes from the event's fields, not from reading the sentence back: a move
    made while the app spoke English (a task, a session in English) shows it too."""
    from django.utils import translation

    course, _final = stuck
    with translation.override("en"):
        services.course_set_phase(
            actor=world.administrator,
            course_id=course.pk,
            phase="practice",
            reason="Moved back: the practice continues.",
        )
    client.force_login(world.administrator)
    body = client.get(reverse("course_history", args=[course.pk])).content.decode()
    at = body.index("Moved back: the practice continues.")
    row = body[body.rindex("<tr>", 0, at) : body.index("</tr>", at)]
    assert "<strong>Begrundelse</strong>" in row and "Opfølgning</del>" in row


@pytest.mark.parametrize("role", ROLES)
def test_agreement_history_page_per_role(client, world, role):
    agreement, _version = agreement_in_force(world)
    user = world.user_for(role)
    if user is not None:
        client.force_login(user)
    response = client.get(reverse("agreement_history", args=[agreement.pk]))
    expected = {"anonymous": 302, "administration": 200}.get(role, 404)
    assert response.status_code == expected
    detail = client.get(reverse("agreement_detail", args=[agreement.pk]))
    link = reverse("agreement_history", args=[agreement.pk])
    if expected == 200:
        body = response.content.decode()
        assert "version 1" in body and "Paula Pædagog" in body  # the version and the allocation
        assert link in detail.content.decode()
    elif detail.status_code == 200:
        assert link not in detail.content.decode()


def test_agreement_history_shows_days_moments_and_hours_as_the_app_does(client, world):
    """Not "2026-12-04", "6.00" or a moment in UTC: a day as "4. december 2026", the hours with
    a decimal comma and the moment a version came into force in Copenhagen's time."""
    from django.utils.formats import date_format

    agreement, version = agreement_in_force(world)
    version.refresh_from_db()
    client.force_login(world.administrator)
    body = client.get(reverse("agreement_history", args=[agreement.pk])).content.decode()
    assert date_format(version.starts_on) in body
    assert version.starts_on.isoformat() not in body
    in_force = timezone.localtime(version.in_force_at)
    assert date_format(in_force, "DATETIME_FORMAT") in body
    assert f"{in_force:%H:%M}" in body
    assert "6.00" not in body  # the weekly hours, as the app writes them: "6"


def test_allocations_keep_history(world):
    agreement, _version = agreement_in_force(world)
    allocation = Allocation.objects.get(request=agreement.request)
    record = allocation.history.get()
    assert record.history_type == "+" and record.history_user == world.administrator


def test_week_sheet_history_for_the_administration_only(client, world):
    from forloeb.hours import weeks as hours

    monday = hours.this_monday()
    sheet = WeekSheet.objects.create(pedagogist=world.pedagogist, week_start=monday)
    sheet.note = "Sygdom onsdag"
    sheet.save()
    year, week, _day = monday.isocalendar()
    url = reverse("week_sheet_of", args=[world.pedagogist.pk, year, week])
    client.force_login(world.administrator)
    body = client.get(url).content.decode()
    assert "Historik" in body and "Sygdom onsdag" in body
    client.force_login(world.pedagogist.user)
    body = client.get(reverse("week_sheet", args=[year, week])).content.decode()
    assert "Ingen historik registreret." not in body and "<del>" not in body


# --- No adjusting after the close ----------------------------------------------------------------


def test_no_adjusting_or_sending_once_the_course_is_closed(client, world, stuck):
    course, final = stuck
    agreement = course.agreement
    draft = agreements_services.agreement_adjust(
        actor=world.pedagogist.user, agreement_id=agreement.pk
    )
    _correct(world, final)
    _close(world, course)
    with pytest.raises(StateError, match="kan ikke længere justeres"):
        agreements_services.agreement_send_for_signature(
            actor=world.pedagogist.user, version_id=draft.pk
        )
    draft.delete()
    with pytest.raises(StateError, match="kan ikke længere justeres"):
        agreements_services.agreement_adjust(actor=world.pedagogist.user, agreement_id=agreement.pk)
    for user in (world.pedagogist.user, world.administrator):
        client.force_login(user)
        body = client.get(reverse("agreement_detail", args=[agreement.pk])).content.decode()
        assert "Justér aftalen" not in body
        assert "Arbejdet under denne aftale er afsluttet" in body
        response = client.post(reverse("agreement_adjust", args=[agreement.pk]), follow=True)
        assert "kan ikke længere justeres" in response.content.decode()
    assert not agreement.versions.filter(status="draft").exists()
    # Reopened by the administration, the agreement can be adjusted again.
    services.course_set_phase(
        actor=world.administrator, course_id=course.pk, phase="follow_up", reason="Genåbnet."
    )
    client.force_login(world.pedagogist.user)
    assert "Justér aftalen" in (
        client.get(reverse("agreement_detail", args=[agreement.pk])).content.decode()
    )


# --- The closing report --------------------------------------------------------------------------


def test_closing_report_shows_the_agreed_period_and_recorded_dates(client, world):
    """The report says the day an evaluation was held, as the person recording it gave it, and
    the day it was planned for when that was another; not the day it was written down."""
    agreement, version = agreement_in_force(world)
    course = agreement.course
    final = course.evaluations.get(kind=EvaluationKind.FINAL)
    # Opened long ago (the report shows the agreed period, not this).
    Course.objects.filter(pk=course.pk).update(started_at=timezone.now() - timedelta(days=400))
    # Planned for two days ago, held the day before, recorded today (never before its day).
    Evaluation.objects.filter(pk=final.pk).update(due_on=timezone.localdate() - timedelta(days=2))
    final.refresh_from_db()
    held_on = timezone.localdate() - timedelta(days=3)
    _record(world, final, leadership_took_part=True, held_on=held_on)
    client.force_login(world.leader)
    response = client.get(reverse("course_report", args=[course.pk]))
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    text = " ".join(text.split())

    def day(value):
        months = [
            "januar", "februar", "marts", "april", "maj", "juni",
            "juli", "august", "september", "oktober", "november", "december",
        ]  # fmt: skip
        return f"{value.day}. {months[value.month - 1]} {value.year}"

    content = version.parsed
    assert f"{day(content.starts_on)} – {day(content.ends_on)}" in text
    assert day(timezone.localdate() - timedelta(days=400)) not in text
    assert f"Slutevaluering, afholdt {day(held_on)}" in text
    assert "registreret" not in text
    assert f"(planlagt til {day(final.due_on)})" in text
    assert Evaluation.objects.get(pk=final.pk).status == EvaluationStatus.COMPLETED


# --- An ended agreement is not "in force" --------------------------------------------------------


def test_a_closed_courses_agreement_is_not_said_to_be_in_force(client, world, stuck):
    """The course page and the agreement page: an agreement whose period is over says when it
    ended, one of a course closed before its end says it was in force; never "i kraft"."""
    course, final = stuck
    _correct(world, final)
    _close(world, course)
    client.force_login(world.pedagogist.user)
    detail = reverse("course_detail", args=[course.pk])
    agreement = reverse("agreement_detail", args=[course.agreement_id])
    body = client.get(detail).content.decode()
    assert "Version 1</a> (var i kraft)" in body and "(i kraft)" not in body
    assert ">Var i kraft</span>" in client.get(agreement).content.decode()


def test_an_ended_agreement_says_when_it_ended(client, world):
    from institutioner.workdays import working_day_on_or_before

    start = working_day_on_or_before(timezone.localdate() - timedelta(days=120))
    ended = start + timedelta(weeks=10)
    agreement, _version = agreement_in_force(
        world,
        starts_on=start,
        ends_on=ended,
        midway_evaluation_on=None,
        final_evaluation_on=working_day_on_or_before(ended),
    )
    client.force_login(world.pedagogist.user)
    body = client.get(reverse("course_detail", args=[agreement.course.pk])).content.decode()
    assert f"Version 1</a> (afsluttet {ended:%d.%m.%Y})" in body
    assert "i kraft)" not in body
    page = client.get(reverse("agreement_detail", args=[agreement.pk])).content.decode()
    assert f">Afsluttet {ended:%d.%m.%Y}</span>" in page and ">I kraft</span>" not in page


def test_an_agreement_in_force_says_so(client, world):
    agreement, version = agreement_in_force(world)
    client.force_login(world.pedagogist.user)
    body = client.get(reverse("course_detail", args=[agreement.course.pk])).content.decode()
    # Signed, and in force from its period's first day: until then it says when.
    if version.starts_on > timezone.localdate():
        assert f"Version 1</a> (underskrevet; i kraft fra {version.starts_on:%d.%m.%Y})" in body
    else:
        assert "Version 1</a> (i kraft)" in body
    page = client.get(reverse("agreement_detail", args=[agreement.pk])).content.decode()
    if version.starts_on > timezone.localdate():
        assert f"i kraft fra {version.starts_on:%d.%m.%Y}</span>" in page
    else:
        assert ">I kraft</span>" in page
