"""Retention of closed courses on PostgreSQL: past its period a course, its agreement with every
signed version, its evaluations, logbook, week sheets' notes, request and their history lose
their free text and names, the kept PDFs go, and every dashboard shows the same figures."""

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone, translation

from forloeb.courses import services
from forloeb.dashboards import figures
from forloeb.hours import services as hours_services
from forloeb.hours import weeks as hours
from forloeb.models import (
    Course,
    CourseNote,
    Evaluation,
    EvaluationKind,
    GoalAssessment,
    HourCategory,
    Phase,
    WeekSheet,
)
from indsats.agreements import documents
from indsats.models import (
    Agreement,
    AgreementVersion,
    Allocation,
    IntakeMeeting,
    InterventionRequest,
    RequestEvent,
)
from institutioner.models import Institution, Notification, Pedagogist, StoredFile
from institutioner.retention import services as retention
from tests.forloeb.courses.conftest import held
from tests.indsats.helpers import accept, agreement_in_force, make_request, plan_meeting
from tests.retention_helpers import request_back

pytestmark = pytest.mark.usefixtures("postgres")

FIVE_YEARS = timedelta(weeks=262)  # a little more than five years, Mondays stay Mondays
FOUR_YEARS = timedelta(weeks=209)
# What people wrote: none of it may be left anywhere once the course is anonymised.
SECRETS = (
    "Uro i garderoben hos Sommerfuglen",
    "Lene Leder",
    "12 34 56 78",
    "kontakt@mariehoenen.dk",
    "Paula kender stuen",
    "Personalestuen",
    "Børnene leger i små grupper",
    "Færre konflikter i garderoben",
    "Lederen deltager i opstart",
    "Paula Pædagog",
    "Noah græd hele formiddagen",
    "Målene er nået",
    "Sås tydeligt ved frokost",
    "Ikke relevant her",
    "Paula var syg onsdag",
)


def _close(world, course):
    for phase in (Phase.STARTUP, Phase.PRACTICE):
        services.course_advance(
            actor=world.pedagogist.user,
            course_id=course.pk,
            expected_phase=phase,
            reason="Ikke relevant her.",
        )
    services.evaluation_complete(
        actor=world.pedagogist.user,
        evaluation_id=held(course.evaluations.get(kind=EvaluationKind.FINAL)).pk,
        participants="Lene Leder, Paula Pædagog",
        leadership_took_part=True,
        decision="close",
        summary="Målene er nået.",
        assessments=[
            ("Børnene leger i små grupper om formiddagen.", 4, "Sås tydeligt ved frokost.")
        ],
    )
    services.course_advance(
        actor=world.pedagogist.user,
        course_id=course.pk,
        expected_phase=Phase.FOLLOW_UP,
        reason="Ikke relevant her.",
    )


def closed_course(world, *, week: int, back: timedelta) -> Course:
    """A course at Mariehønen with everything people write, closed, and moved `back` in time.
    Its hours are in the week `week` weeks before this one (one week per course, so two
    courses never share a week sheet)."""
    monday = hours.this_monday() - timedelta(weeks=week)
    req = make_request(
        world,
        submit=True,
        need="Uro i garderoben hos Sommerfuglen.",
        contact_name="Lene Leder",
        contact_phone="12 34 56 78",
        contact_email="kontakt@mariehoenen.dk",
    )
    accept(world, req, reason="Paula kender stuen.")
    plan_meeting(world, req)
    agreement, version = agreement_in_force(
        world,
        req,
        starts_on=monday - timedelta(weeks=2),
        ends_on=monday + timedelta(weeks=4),
        final_evaluation_on=monday + timedelta(weeks=4),
        midway_evaluation_on=None,
    )
    course = agreement.course
    services.course_note_add(
        actor=world.pedagogist.user,
        course_id=course.pk,
        day=monday,
        text="Noah græd hele formiddagen; vi talte med personalet.",
    )
    hours_services.week_save(
        actor=world.pedagogist.user,
        pedagogist=world.pedagogist,
        monday=monday,
        values={
            (course.pk, HourCategory.PRACTICE): Decimal("5"),
            (course.pk, HourCategory.PREPARATION): Decimal("1"),
        },
        note="Paula var syg onsdag.",
        submit=True,
    )
    documents.signed_pdf(version)  # the kept PDF (its row; the bytes are made when asked)
    _close(world, course)
    request_back(req.pk, back)
    course.refresh_from_db()
    assert course.phase == Phase.CLOSED
    return course


def all_figures(world, course_ids: list[int]) -> dict:
    """Every dashboard's figures over the courses' periods, now and back then."""
    today = timezone.localdate()
    versions = AgreementVersion.objects.filter(agreement__course__in=course_ids)
    starts = [*sorted({v.starts_on for v in versions}), hours.this_monday()]
    result = {}
    institutions = Institution.objects.all()
    for start in starts:
        monday = start - timedelta(days=start.weekday())
        mondays = [monday + timedelta(weeks=n) for n in range(8)]
        result[("district", monday)] = figures.by_district(
            institutions=institutions, mondays=mondays
        )
        result[("institution", monday)] = figures.by_institution(
            institutions=list(institutions.order_by("pk")), mondays=mondays, today=today
        )
        result[("pedagogist", monday)] = figures.by_pedagogist(
            pedagogists=Pedagogist.objects.all(), mondays=mondays, today=today
        )
        flow = figures.flow(
            institutions=institutions,
            first=monday - timedelta(days=60),
            last=monday + timedelta(days=90),
        )
        result[("flow", monday)] = (
            flow.months,
            sorted(flow.waits),
            flow.waiting_for_triage,
            flow.accepted_without_agreement,
            [e.pk for e in flow.rejections],
        )
    return result


def personal_text(course: Course, *, weeks: bool = True) -> str:
    """Every row of the case and every copy of them in the history tables, as one text (with
    the notes of its week sheets, which are a case of their own)."""
    agreement = Agreement.objects.get(course=course)
    req_id = agreement.request_id
    parts = [
        InterventionRequest.objects.filter(pk=req_id),
        InterventionRequest.history.filter(id=req_id),
        RequestEvent.objects.filter(request_id=req_id),
        Allocation.objects.filter(request_id=req_id),
        Allocation.history.filter(request_id=req_id),
        IntakeMeeting.objects.filter(request_id=req_id),
        IntakeMeeting.history.filter(request_id=req_id),
        AgreementVersion.objects.filter(agreement=agreement),
        AgreementVersion.history.filter(agreement_id=agreement.pk),
        CourseNote.objects.filter(course=course),
        CourseNote.history.filter(course_id=course.pk),
        Evaluation.objects.filter(course=course),
        Evaluation.history.filter(course_id=course.pk),
        GoalAssessment.objects.filter(evaluation__course=course),
        course.checklist.all(),
        course.events.all(),
    ]
    if weeks:
        sheets = WeekSheet.objects.filter(entries__course=course)
        parts += [sheets, WeekSheet.history.filter(id__in=sheets.values("pk"))]
    return json.dumps([list(qs.values()) for qs in parts], default=str, ensure_ascii=False)


def test_a_five_year_old_closed_course_is_anonymised_and_the_figures_stay(world):
    old = closed_course(world, week=1, back=FIVE_YEARS)
    younger = closed_course(world, week=2, back=FOUR_YEARS)
    for course in (old, younger):
        text = personal_text(course)
        assert all(secret in text for secret in SECRETS), "the setup writes every secret"
    version_ids = list(
        AgreementVersion.objects.filter(agreement__course=old).values_list("pk", flat=True)
    )
    assert StoredFile.objects.filter(object_id__in=version_ids).exists()
    signed_before = list(
        AgreementVersion.objects.filter(agreement__course=old).values_list(
            "number", "status", "content_hash", "starts_on", "ends_on", "hours_per_week"
        )
    )
    before = all_figures(world, [old.pk, younger.pk])
    old_start = AgreementVersion.objects.get(agreement__course=old).starts_on
    old_rows = before[("district", old_start - timedelta(days=old_start.weekday()))]
    assert any(row.agreed > 0 and row.logged > 0 for row in old_rows), "figures to compare"

    reports = {r.step.name: r for r in retention.retention_run(now=timezone.now())}

    assert reports["closed-courses"].done == 1 and not reports["closed-courses"].failed
    assert reports["week-sheet-notes"].done == 1
    assert all_figures(world, [old.pk, younger.pk]) == before
    text = personal_text(old)
    assert [s for s in SECRETS if s in text] == []
    assert retention.ANONYMISED in text
    # The signed versions keep what they were signed by and what the figures count.
    assert (
        list(
            AgreementVersion.objects.filter(agreement__course=old).values_list(
                "number", "status", "content_hash", "starts_on", "ends_on", "hours_per_week"
            )
        )
        == signed_before
    )
    assert not StoredFile.objects.filter(
        object_id__in=version_ids, producer="agreement_pdf"
    ).exists()
    old.refresh_from_db()
    assert old.anonymised_at is not None
    assert InterventionRequest.objects.get(agreement__course=old).anonymised_at is not None
    # The course and its agreement still open, with the placeholder where the text was.
    version = AgreementVersion.objects.filter(agreement__course=old).first()
    assert version.parsed.goals[0].text == retention.ANONYMISED
    assert version.parsed.display().pedagogists == [retention.ANONYMISED]
    # Four years old: untouched.
    text = personal_text(younger)
    assert all(secret in text for secret in SECRETS)
    younger.refresh_from_db()
    assert younger.anonymised_at is None

    # A second run finds nothing more.
    again = {r.step.name: r for r in retention.retention_run(now=timezone.now())}
    assert again["closed-courses"].count == 0 and again["week-sheet-notes"].count == 0


def test_a_failure_half_way_leaves_the_case_untouched_and_the_next_run_completes_it(world):
    course = closed_course(world, week=1, back=FIVE_YEARS)
    old_notification = Notification.objects.create(
        email="x@example.dk", template="t", subject="Gammel", body_text="Gammel besked"
    )
    Notification.objects.filter(pk=old_notification.pk).update(
        created_at=timezone.now() - timedelta(days=400)
    )
    before = personal_text(course, weeks=False)
    # A real fault in the database in the middle of the case: the logbook is anonymised
    # first, the evaluations after it refuse to change.
    with connection.cursor() as cursor:
        cursor.execute(
            """
            CREATE FUNCTION test_refuse() RETURNS trigger AS $$
            BEGIN RAISE EXCEPTION 'test: the disk is full'; END; $$ LANGUAGE plpgsql;
            CREATE TRIGGER test_refuse BEFORE UPDATE ON forloeb_evaluation
            FOR EACH ROW EXECUTE FUNCTION test_refuse();
            """
        )
    reports = {r.step.name: r for r in retention.retention_run(now=timezone.now())}
    assert reports["closed-courses"].failed == [course.pk]
    with translation.override("da"):  # what the health page shows
        assert retention.summary(list(reports.values())).endswith(
            "; 1 fejlede (prøves igen ved næste kørsel)"
        )
    assert reports["closed-courses"].done == 0
    assert personal_text(course, weeks=False) == before  # nothing half anonymised
    course.refresh_from_db()
    assert course.anonymised_at is None
    # The rest of the run went on: the week's note (a case of its own), the outbox.
    assert reports["week-sheet-notes"].done == 1
    assert not Notification.objects.filter(pk=old_notification.pk).exists()

    with connection.cursor() as cursor:
        cursor.execute(
            "DROP TRIGGER test_refuse ON forloeb_evaluation; DROP FUNCTION test_refuse()"
        )
    reports = {r.step.name: r for r in retention.retention_run(now=timezone.now())}
    assert reports["closed-courses"].done == 1 and not reports["closed-courses"].failed
    assert [s for s in SECRETS if s in personal_text(course)] == []


def _set(name: str, value: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config(%s, %s, true)", [name, value])


def test_the_database_lets_through_only_the_anonymisation_past_retention(world):
    younger = closed_course(world, week=1, back=FOUR_YEARS)
    version = AgreementVersion.objects.filter(agreement__course=younger).first()
    sheet = WeekSheet.objects.get(entries__course=younger, entries__category=HourCategory.PRACTICE)
    five_years_back = (timezone.localdate() - timedelta(days=5 * 365)).isoformat()
    three_years_back = (timezone.localdate() - timedelta(days=3 * 365)).isoformat()
    last_month = (timezone.localdate() - timedelta(days=30)).isoformat()
    anonymised = {**version.content, "background": retention.ANONYMISED}

    def refused(update, setting=None, value=None):
        with pytest.raises(DatabaseError), transaction.atomic():
            if setting:
                _set(setting, value)
            update()

    change_version = lambda: AgreementVersion.objects.filter(pk=version.pk).update(  # noqa: E731
        content=anonymised
    )
    change_note = lambda: WeekSheet.objects.filter(pk=sheet.pk).update(  # noqa: E731
        note=retention.ANONYMISED
    )
    # Without the setting, with a cut-off before the agreement ended, or one less than a year
    # back: refused.
    refused(change_version)
    refused(change_version, "indsats.retention_before", five_years_back)
    refused(change_version, "indsats.retention_before", last_month)
    refused(change_note)
    refused(change_note, "forloeb.retention_before", five_years_back)
    refused(change_note, "forloeb.retention_before", last_month)
    # Past the cut-off the content may change, and nothing else.
    refused(
        lambda: AgreementVersion.objects.filter(pk=version.pk).update(
            content=anonymised, hours_per_week=Decimal("1")
        ),
        "indsats.retention_before",
        three_years_back,
    )
    refused(
        lambda: WeekSheet.objects.filter(pk=sheet.pk).update(note="Noget andet"),
        "forloeb.retention_before",
        three_years_back,
    )
    refused(
        lambda: AgreementVersion.objects.filter(pk=version.pk).delete(),
        "indsats.retention_before",
        three_years_back,
    )
    with transaction.atomic():
        _set("indsats.retention_before", three_years_back)
        change_version()
        _set("forloeb.retention_before", three_years_back)
        change_note()
    version.refresh_from_db()
    sheet.refresh_from_db()
    assert version.content["background"] == retention.ANONYMISED
    assert sheet.note == retention.ANONYMISED


def test_the_anonymised_pages_and_files_still_open(client, world):
    course = closed_course(world, week=1, back=FIVE_YEARS)
    retention.retention_run(now=timezone.now())
    agreement = Agreement.objects.get(course=course)
    version = agreement.versions.get()
    client.force_login(world.administrator)
    for name, pk in (
        ("course_detail", course.pk),
        ("course_history", course.pk),
        ("course_report", course.pk),
        ("agreement_detail", agreement.pk),
        ("agreement_history", agreement.pk),
        ("agreement_pdf", version.pk),
        ("request_detail", agreement.request_id),
        ("triage_detail", agreement.request_id),
    ):
        response = client.get(reverse(name, args=[pk]))
        assert response.status_code == 200, name
        if response["Content-Type"].startswith("text/html"):
            # What people wrote is gone; who signed is the account's name, kept with the
            # account (signatures keep their signer).
            html = response.content.decode()
            assert retention.ANONYMISED in html, name
            assert "Børnene leger" not in html and "Uro i garderoben" not in html, name
            if not name.endswith("history"):
                assert "da opbevaringsperioden var udløbet" in html, name
