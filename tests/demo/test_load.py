"""The demo municipality follows the seeds' numbers and breaks none of the rules."""

from collections import Counter
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Sum
from django.utils import timezone

from demo.organisation import DEMO_LOGINS, DEMO_PASSWORD
from institutioner.models import Assignment, District, Institution, Pedagogist, User


@pytest.mark.django_db
def test_demo_municipality_has_the_seeds_numbers_and_is_loaded_once():
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert "Demokommunen er indlæst" in out.getvalue()

    districts = list(District.objects.order_by("pk"))
    assert [d.name for d in districts][:1] == ["Ullerup Bæk"]
    assert [Institution.objects.filter(district=d).count() for d in districts] == [9, 4, 9, 6, 7]
    pedagogists_per_district = [
        Pedagogist.objects.filter(assignments__institution__district=d).distinct().count()
        for d in districts
    ]
    assert pedagogists_per_district == [3, 1, 3, 1, 1]

    for pedagogist in Pedagogist.objects.all():
        # This school year's attachments (last year's ended on 31 July).
        now = pedagogist.assignments.filter(valid_to__isnull=True)
        total = now.aggregate(total=Sum("share"))["total"]
        assert 0 < total <= 100
    for assignment in Assignment.objects.all():
        assignment.full_clean()
    assert all(i.groups.exists() for i in Institution.objects.all())
    # A year of hours built in the background for the administration (issue 21).
    from forloeb.models import HourExport, HourExportStatus

    # (and a failed one from two months ago, for retention)
    [export] = HourExport.objects.exclude(status=HourExportStatus.FAILED)
    assert export.status == HourExportStatus.DONE and export.rows_done > 0
    assert export.requested_by.email == "forvaltning@demo.dk"
    from indsats.models import AgreementVersion, InterventionRequest

    request_states = set(InterventionRequest.objects.values_list("status", flat=True))
    assert request_states == {
        "draft",
        "submitted",
        "needs_info",
        "accepted",
        "rejected",
        "withdrawn",
    }
    version_states = set(AgreementVersion.objects.values_list("status", flat=True))
    assert version_states == {"draft", "sent", "in_force", "superseded"}
    from forloeb.models import Course

    # Every phase, and a past for the dashboards: closed courses from the generated history,
    # some adjusted (a superseded version), some with another pedagogist than the attached one,
    # repeats in the same group, and the previous school year's attachments.
    phases = Counter(Course.objects.values_list("phase", flat=True))
    assert set(phases) == {"startup", "practice", "follow_up", "closed"}
    assert phases["closed"] >= 30
    from datetime import date

    from forloeb.dashboards import figures as dashboards
    from forloeb.hours import weeks as hours

    assert Assignment.objects.filter(valid_to__isnull=False).exists()
    rows = dashboards.by_institution(
        institutions=list(Institution.objects.all()),
        mondays=[hours.this_monday()],
        today=date.today(),
    )
    assert any(r.repeats_12_months for r in rows)
    assert any(r.pedagogists_24_months >= 2 for r in rows)
    assert InterventionRequest.objects.filter(status="rejected").count() >= 5
    assert Course.objects.order_by("pk").first().notes.count() == 4
    # Hours in every state: an approved month, a month waiting for approval, submitted weeks,
    # the demo pedagogist's last week still open, a holiday week, and a week over the norms.
    from datetime import timedelta

    from forloeb.hours import weeks as hours
    from forloeb.models import HourEntry, WeekSheet

    assert set(WeekSheet.objects.values_list("status", flat=True)) == {
        "open",
        "submitted",
        "approved",
    }
    last_week = hours.this_monday() - timedelta(weeks=1)
    assert (
        WeekSheet.objects.get(
            pedagogist__user__email="paedagog@demo.dk", week_start=last_week
        ).status
        == "open"
    )
    # Last month is the month before this week's (the month of its Thursday): approved for all
    # but one, and the demo pedagogist when her open week belongs to it.
    previous = (hours.this_monday() + timedelta(days=3)).replace(day=1) - timedelta(days=1)
    previous_weeks = hours.weeks_of_month(previous.year, previous.month)
    waiting = set(
        WeekSheet.objects.filter(week_start__in=previous_weeks, status="submitted").values_list(
            "pedagogist__user__email", flat=True
        )
    )
    demo_waits = last_week in previous_weeks
    assert len(waiting) == 1 + demo_waits
    assert ("paedagog@demo.dk" in waiting) == demo_waits
    assert WeekSheet.objects.filter(week_start__in=previous_weeks, status="approved").exists()
    assert WeekSheet.objects.filter(note="Ferie", entries__isnull=True).exists()
    # No week without hours between the past's first week and last week (the past and the
    # demo's own months meet, whichever month this week's Monday and Thursday fall in).
    # (The past covers about 16 months; older sheets are the retention demo's.)
    mondays = set(WeekSheet.objects.values_list("week_start", flat=True))
    first = last_week - timedelta(weeks=60)
    every = {first + timedelta(weeks=n) for n in range((last_week - first).days // 7 + 1)}
    assert sorted(every - mondays) == []
    assert HourEntry.objects.filter(category="meeting", hours=9).exists()
    assert all(i.memberships.exists() for i in Institution.objects.all())

    # Reminders made by the rules: an evaluation soon and one overdue, requests waiting,
    # a signature missing, week sheets; read and unread, one e-mail failed, and Sofie's
    # week-sheet reminders in the app only.
    from institutioner.models import Notification

    templates = set(Notification.objects.values_list("template", flat=True))
    assert {
        "reminder_evaluation_due",
        "reminder_evaluation_overdue",
        "reminder_request_waiting",
        "reminder_signature",
        "reminder_week_sheet",
    } <= templates
    statuses = set(Notification.objects.values_list("status", flat=True))
    # (and "sent": two messages from before the retention period, for the dry run)
    assert statuses == {"pending", "failed", "in_app", "sent"}
    assert set(
        Notification.objects.filter(
            recipient__email="paedagog@demo.dk", template="reminder_week_sheet"
        ).values_list("status", flat=True)
    ) == {"in_app"}
    for email in ("leder@demo.dk", "paedagog@demo.dk", "forvaltning@demo.dk"):
        mine = Notification.objects.filter(recipient__email=email)
        assert mine.filter(read_at__isnull=True).exists(), email
        assert mine.filter(read_at__isnull=False).exists(), email
    assert Notification.objects.filter(
        recipient__email="leder@demo.dk", template="reminder_signature", read_at__isnull=True
    ).exists()

    # A past beyond the retention periods: the dry run reports every kind, and the run itself
    # gets through all of it (the database's triggers let exactly that through).

    from institutioner.retention import services as retention

    found = {r.step.name: r.count for r in retention.retention_report(now=timezone.now())}
    assert all(count > 0 for count in found.values()), {k: v for k, v in found.items() if not v}
    report = StringIO()
    call_command("retention", "--dry-run", stdout=report)
    assert "Lukkede forløb" in report.getvalue()
    done = retention.retention_run(now=timezone.now())
    assert [r.step.name for r in done if r.failed] == []
    assert {r.step.name: r.done for r in done} == found
    # The institution's voice: an answer revealed on a closed course, an answer waiting for
    # the pedagogist's evaluation (blind), and the demo leader's own answer pending with the
    # demo staff member invited.
    from forloeb.models import EvaluationStatus, InstitutionRating, RatingInvitation

    ratings = InstitutionRating.objects.all()
    assert ratings.filter(evaluation__status=EvaluationStatus.COMPLETED).exists()
    assert ratings.filter(evaluation__status=EvaluationStatus.PLANNED).exists()
    invitation = RatingInvitation.objects.get(person__email="personale@demo.dk")
    assert not ratings.filter(
        evaluation=invitation.evaluation, respondent__email="leder@demo.dk"
    ).exists()

    # Follow-ups after closing, made by the rule: answered and waiting, one of them the demo
    # leader's.
    from forloeb.models import FollowUp

    assert FollowUp.objects.filter(answered_at__isnull=False).exists()
    assert FollowUp.objects.filter(
        answered_at__isnull=True,
        course__agreement__request__institution__memberships__user__email="leder@demo.dk",
    ).exists()

    # A group with three interventions over the years, for the learning environment's history.
    from django.db.models import Count

    most = (
        Course.objects.values("agreement__request__group")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    assert most is not None and most["n"] >= 3, most

    again = StringIO()
    call_command("load_demo", stdout=again)
    assert "findes allerede" in again.getvalue()
    assert District.objects.count() == 5


@pytest.mark.django_db
def test_printed_demo_logins_work_for_every_role(client):
    out = StringIO()
    call_command("load_demo", stdout=out)
    printed = out.getvalue()
    assert DEMO_PASSWORD in printed
    roles = Counter()
    for login in DEMO_LOGINS:
        assert login.email in printed
        response = client.post(
            "/konto/log-ind/", {"username": login.email, "password": DEMO_PASSWORD}
        )
        assert response.status_code == 302, login.email
        assert client.get("/").status_code == 200
        roles[User.objects.get(email=login.email).role] += 1
        client.post("/konto/log-ud/")
    assert set(roles) == {"administration", "consultant", "leader", "pedagogist", "staff"}


@pytest.mark.django_db
def test_the_demo_holds_meetings_and_evaluations_on_working_days():
    from django.utils import timezone

    from forloeb.models import Evaluation
    from indsats.models import IntakeMeeting
    from institutioner import workdays

    call_command("load_demo", stdout=StringIO())
    meetings = [timezone.localdate(m.starts_at) for m in IntakeMeeting.objects.all()]
    evaluations = list(Evaluation.objects.values_list("due_on", flat=True))
    assert meetings and evaluations
    assert [d for d in meetings + evaluations if not workdays.is_working_day(d)] == []
    # Every request's wished start too (the form refuses a weekend or a holiday): the demo's
    # own requests, its courses' and the generated past's.
    from indsats.models import InterventionRequest

    starts = InterventionRequest.objects.values_list("pk", "wished_start")
    assert [(pk, d) for pk, d in starts if not workdays.is_working_day(d)] == []


def test_the_demos_requests_wish_to_start_on_a_working_day_at_christmas(monkeypatch, world):
    """Loaded on 4 December 2026, the demo leader's third request wished to start three weeks
    later: on Christmas Day. It starts on the next working day instead."""
    from datetime import date

    from demo import interventions
    from institutioner import workdays

    leader, institution = world.leader, world.institution
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: date(2026, 12, 4))
    data = interventions._data(institution, leader, 2, start_in_days=21)
    assert data["wished_start"] == date(2026, 12, 28)
    for days in range(0, 60):
        start = interventions._data(institution, leader, 2, start_in_days=days)["wished_start"]
        assert workdays.is_working_day(start), start


@pytest.mark.django_db
def test_no_demo_agreement_gives_more_hours_than_its_days_and_times_hold():
    """An agreement of "2 dage og 8 timer om ugen: tirsdag, torsdag, 09:00-12:00" reads as a
    mistake, and the week sheet's 8 hours then disagree with the plan's 6: every agreement the
    demo makes (the generated past included) keeps its hours within its days and window, as the
    agreement form warns (`hours_beyond_plan`)."""
    from indsats.models import AgreementVersion

    call_command("load_demo", stdout=StringIO())
    versions = list(AgreementVersion.objects.all())
    assert len(versions) > 50  # the generated past is in it
    # The demo leader's draft too: the first agreement a newcomer opens.
    assert any(v.starts_on is None and v.parsed.weekdays for v in versions)
    beyond = [(v.pk, v.parsed.hours_beyond_plan()) for v in versions]
    assert [(pk, said) for pk, said in beyond if said] == []


@pytest.mark.django_db
def test_no_demo_pedagogist_is_at_two_places_at_once():
    """A newcomer reads two practice times of one pedagogist at the same hour as a broken plan:
    the demo's agreements, its generated past and the plan's one-off changes never put one
    pedagogist at two courses at once, on any day of the demo."""
    from collections import defaultdict
    from itertools import pairwise

    from forloeb.plan.selectors import planned_days
    from indsats.models import AgreementVersion

    call_command("load_demo", stdout=StringIO())
    signed = AgreementVersion.objects.exclude(starts_on=None)
    first = signed.order_by("starts_on").values_list("starts_on", flat=True).first()
    last = signed.order_by("-ends_on").values_list("ends_on", flat=True).first()
    days = planned_days(
        pedagogist_ids=list(Pedagogist.objects.values_list("pk", flat=True)),
        first=first,
        last=last,
    )
    assert len({d.course_id for d in days}) > 50  # the generated past is in it
    at = defaultdict(list)
    for practice in days:
        at[(practice.pedagogist_id, practice.day)].append(practice)
    clashes = []
    for (pedagogist_id, day), practices in sorted(at.items()):
        practices.sort(key=lambda p: p.time_from)
        for one, other in pairwise(practices):
            if other.time_from < one.time_to:
                clashes.append(
                    f"{Pedagogist.objects.get(pk=pedagogist_id).user.name} {day}: course "
                    f"{one.course_id} {one.time_from}-{one.time_to} and course "
                    f"{other.course_id} {other.time_from}-{other.time_to}"
                )
    assert clashes == [], "\n".join(clashes[:20])


@pytest.mark.django_db
def test_the_demo_has_absence_and_the_leaders_were_told(client):
    from forloeb.models import Absence
    from institutioner.models import Notification, NotificationKind

    call_command("load_demo", stdout=StringIO())
    kinds = set(Absence.objects.values_list("kind", flat=True))
    assert {"training_day", "illness", "holiday", "course"} <= kinds
    assert Absence.objects.filter(cancelled_at__isnull=False).exists()
    assert Absence.objects.filter(repeat="fortnightly", pedagogist__user__email="paedagog@demo.dk")
    told = Notification.objects.filter(
        kind=NotificationKind.ABSENCE, recipient__email="leder@demo.dk", read_at__isnull=True
    )
    assert told.exists()
    from forloeb.models import PlanChange

    assert set(PlanChange.objects.values_list("kind", "status")) == {
        ("cancel", "accepted"),
        ("move", "accepted"),
        ("extra", "proposed"),
    }
    client.force_login(User.objects.get(email="leder@demo.dk"))
    response = client.get("/plan/", follow=True)
    assert response.status_code == 200
    from forloeb.models import CalendarFeed

    assert set(CalendarFeed.objects.values_list("user__email", "scope")) == {
        ("paedagog@demo.dk", "personal"),
        ("leder@demo.dk", "personal"),
        ("leder@demo.dk", "institution"),
        ("forvaltning@demo.dk", "area"),
    }
    page = client.get("/kalender/").content.decode()
    feed = CalendarFeed.objects.get(user__email="leder@demo.dk", scope="institution")
    assert f"/kalender/{feed.pk}/{feed.secret}.ics" in page
    assert client.get(f"/kalender/{feed.pk}/{feed.secret}.ics").status_code == 200


@pytest.mark.django_db
def test_the_demo_has_a_filled_log_and_a_finished_access_request(client):
    from django.urls import reverse

    from institutioner.models import AccessLogEntry, AccessRequest, AccessRequestStatus

    call_command("load_demo", stdout=StringIO())
    leader = User.objects.get(email="leder@demo.dk")
    assert AccessLogEntry.objects.count() > 100
    assert AccessLogEntry.objects.concerning(leader.pk).count() > 50
    # (and one from two months ago, for retention to delete)
    [made] = AccessRequest.objects.filter(requested_at__gte=timezone.now() - timedelta(days=30))
    assert (made.subject, made.status) == (leader, AccessRequestStatus.DONE)
    client.force_login(leader)
    page = client.get(reverse("access_log_mine")).content.decode()
    assert "Hanne Kjær" in page and "Sofie Brandt" in page
    client.force_login(User.objects.get(email="forvaltning@demo.dk"))
    download = client.get(reverse("access_request_download", args=[made.pk]))
    assert download["Content-Type"] == "application/zip"
    # Last year's report for the committee, kept for download (Fordeling → Årsrapport).
    from forloeb.models import HourExportStatus, YearReport

    [report] = YearReport.objects.exclude(status=HourExportStatus.FAILED)
    assert (report.year, report.status) == (timezone.localdate().year - 1, HourExportStatus.DONE)
    assert f"{report.year}" in client.get(reverse("year_report_list")).content.decode()
    pdf = client.get(reverse("year_report_download", args=[report.pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    # The failed one from two months ago says why, as a failed build would have stored it.
    [failed] = YearReport.objects.filter(status=HourExportStatus.FAILED)
    assert failed.failure and failed.started_at and failed.finished_at
    page = client.get(reverse("year_report_status", args=[failed.pk])).content.decode()
    assert "Den færdige PDF kunne ikke gemmes." in page
    assert "fejler den igen, kontakt IT" in page
    # So does the failed hours export of the same day, and what to do.
    from forloeb.models import HourExport

    [export] = HourExport.objects.filter(status=HourExportStatus.FAILED)
    assert export.failure and export.started_at and export.finished_at
    page = client.get(reverse("hours_export_status", args=[export.pk])).content.decode()
    assert "Timerne kunne ikke hentes fra databasen." in page
    assert "vælg en kortere periode" in page


@pytest.mark.django_db
def test_the_demo_has_support_in_every_state(client):
    """Kompenserende støtte: applications in every state with their documents and consent, a
    past meeting with decisions and a coming one with its agenda, granted hours on the
    dashboards, and a grant due for re-visitation within four weeks."""
    from datetime import timedelta

    from forloeb.dashboards import figures as dashboards
    from forloeb.hours import weeks as hours
    from indsats.models import (
        REQUIRED_ASSESSMENTS,
        SupportApplication,
        SupportDecision,
        SupportEvent,
        VisitationMeeting,
    )
    from institutioner.models import Role

    call_command("load_demo", stdout=StringIO())
    today = timezone.localdate()
    consultant = User.objects.get(email="konsulent@demo.dk")
    assert consultant.role == Role.CONSULTANT
    apps = SupportApplication.objects.all()
    assert set(apps.values_list("status", flat=True)) == {
        "draft",
        "submitted",
        "needs_info",
        "granted",
        "partly_granted",
        "rejected",
        "ended",
        "withdrawn",
    }
    assert set(apps.values_list("kind", flat=True)) == {
        "support_hours",
        "stendalen",
        "i_place",
        "double_place",
    }
    for app in apps.exclude(status="draft"):
        kinds = set(app.documents.values_list("kind", flat=True))
        assert set(REQUIRED_ASSESSMENTS[app.kind]) <= kinds, app.pk
        assert app.custody_consent in ("both", "one") and app.submitted_at
        assert app.events.filter(kind="submitted").exists()
        for document in app.documents.all():
            with document.file.open("rb") as f:
                head = f.read(8)
            assert head.startswith((b"%PDF-", b"\x89PNG")), document.name
            assert document.size == document.file.size
    assert SupportEvent.objects.filter(kind="decided").count() == SupportDecision.objects.count()
    # Today's children are born 2021-2024; the cases withdrawn and left waiting six years ago
    # (for retention's dry run) are older children's.
    recent = apps.filter(created_at__gte=timezone.now() - timedelta(days=3 * 365))
    assert all(1 <= a.child_birth_date.year - 2020 <= 4 for a in recent)
    assert apps.exclude(pk__in=recent).count() == 2

    past = VisitationMeeting.objects.filter(status="held", starts_at__lt=timezone.now())
    coming = VisitationMeeting.objects.get(status="planned")
    assert past.count() == 3  # last year's, five months ago, three weeks ago
    assert coming.starts_at > timezone.now() and coming.application_deadline >= today
    assert set(
        coming.items.filter(status="waiting").values_list("application__status", flat=True)
    ) == {"submitted"}
    assert coming.items.filter(status="waiting").count() == 2
    assert SupportDecision.objects.filter(agenda_item__meeting__in=past).count() >= 8
    assert set(SupportDecision.objects.values_list("outcome", flat=True)) == {
        "granted",
        "partly_granted",
        "rejected",
        "more_info",
        "extended",
        "ended",
    }
    due = apps.filter(
        status="granted", revisit_on__gte=today, revisit_on__lte=today + timedelta(weeks=4)
    )
    assert due.exists()

    # Granted hours on the dashboards: Ullerup Bæk has the demo leader's 8 + 10 hours.
    from institutioner.models import Institution

    rows = dashboards.by_district(
        institutions=Institution.objects.all(), mondays=[hours.this_monday()], support_on=today
    )
    support = {r.district.name: r.granted_support for r in rows}
    assert support["Ullerup Bæk"] == 18
    assert support["Nordstrand"] == 6 and support["Engdalen"] == 6

    client.force_login(consultant)
    page = client.get("/stoette/statistik/")
    assert page.status_code == 200
    assert "Støttestatistik" in page.content.decode()
    # Last year's visitations are the year before in the statistics.
    from indsats.supportstats.selectors import support_statistics

    years = [
        support_statistics(year=y, today=today).current
        for y in range(today.year - 2, today.year + 1)
    ]
    assert sum(y.applications for y in years) == 17  # all but the draft
    assert sum(y.decisions for y in years) == SupportDecision.objects.count()
    assert sum(sum(y.revisits.values()) for y in years) == 6  # 4 ended last year's, 1 + 1


@pytest.mark.django_db
def test_the_demos_evaluations_keep_the_days_their_agreements_say():
    """The midway and final evaluations lie on the days the signed agreement says, and none
    after the agreement's end: the demo plans what it adds through the services."""
    from forloeb.models import Evaluation, EvaluationKind

    call_command("load_demo", stdout=StringIO())
    wrong = []
    for evaluation in Evaluation.objects.select_related("course__agreement"):
        versions = evaluation.course.agreement.versions
        version = (
            versions.in_force().first() or versions.exclude(number=None).order_by("-number").first()
        )
        content = version.parsed
        agreed = {
            EvaluationKind.MIDWAY: content.midway_evaluation_on,
            EvaluationKind.FINAL: content.final_evaluation_on,
        }
        if evaluation.kind in agreed and evaluation.due_on != agreed[evaluation.kind]:
            wrong.append((evaluation.course_id, evaluation.kind, evaluation.due_on, agreed))
        if evaluation.due_on > content.ends_on or evaluation.due_on < content.starts_on:
            wrong.append(
                (evaluation.course_id, evaluation.kind, evaluation.due_on, content.ends_on)
            )
    assert wrong == []


@pytest.mark.django_db
def test_every_demo_course_has_its_phase_changes_and_ticks_in_its_history():
    """Also the generated past's courses: each phase it moved through and each item ticked is in
    the course's history, as the services write them."""
    from itertools import pairwise

    from forloeb.models import PHASE_ORDER, ChecklistItem, Course, CourseEvent, Phase

    call_command("load_demo", stdout=StringIO())
    missing = []
    for course in Course.objects.exclude(phase=Phase.STARTUP):
        reached = PHASE_ORDER.index(Phase(course.phase))
        moved = set(CourseEvent.objects.filter(course=course).values_list("from_phase", "to_phase"))
        for before, after in pairwise(PHASE_ORDER[: reached + 1]):
            if (before, after) not in moved:
                missing.append((course.pk, before, after))
        messages = set(CourseEvent.objects.filter(course=course).values_list("message", flat=True))
        for item in ChecklistItem.objects.filter(course=course, done_at__isnull=False):
            if f"Afkrydset: {item.label}" not in messages:
                missing.append((course.pk, item.key))
    assert missing == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    "loaded_on",
    [
        date(2026, 12, 5),  # a Saturday: the illness "today" falls on the Friday before
        date(2030, 12, 20),  # the course afternoon "next Wednesday" would be Christmas Day
    ],
)
def test_the_demos_absence_is_recorded_on_working_days_whatever_the_day_it_is_loaded(
    monkeypatch, loaded_on
):
    """The plan refuses an absence that falls on no working day: the demo's plan records its
    absence on working days on any day of the year."""
    from demo.plan import demo_plan
    from forloeb.models import Absence, PlanChange
    from institutioner import workdays

    call_command("load_demo", stdout=StringIO())
    # The plan made again, on another day.
    PlanChange.objects.all().delete()
    Absence.objects.all().delete()
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: loaded_on)
    demo_plan()
    recorded = list(Absence.objects.values_list("kind", "starts_on"))
    assert {"illness", "holiday", "course"} <= {kind for kind, _day in recorded}
    assert [day for _kind, day in recorded if not workdays.is_working_day(day)] == []


@pytest.mark.django_db
def test_the_demos_course_histories_are_dated_in_their_own_past():
    """The demo's own courses are made through the services while it loads: their history said
    the loading's day and hour ("4. december 2026 20:35 · Forløbet startede" for a course that
    began weeks ago). Every course's first event is at its start, its phase moves follow in
    order up to now, and a closed course closed when its closing event says."""
    from forloeb.courses.services import course_start
    from forloeb.models import PHASE_ORDER, Course, Phase

    call_command("load_demo", stdout=StringIO())
    now = timezone.now()
    wrong = []
    for course in Course.objects.select_related("agreement"):
        events = list(course.events.order_by("created_at", "pk"))
        if events[0].created_at != course.started_at:
            wrong.append((course.pk, "started", events[0].created_at, course.started_at))
        if not course.started_at <= events[-1].created_at <= now:
            wrong.append((course.pk, "outside its past", events[-1].created_at))
        moves = [event for event in events if event.to_phase]
        order = [PHASE_ORDER.index(Phase(event.to_phase)) for event in moves]
        if order != sorted(order):
            wrong.append((course.pk, "moves", order))
        if course.closed_at is not None and course.closed_at != moves[-1].created_at:
            wrong.append((course.pk, "closed", course.closed_at, moves[-1].created_at))
    assert wrong == []
    # The demo's first course began four weeks ago: its history starts then, not today, and
    # its checklist was ticked and its phase moved on days between then and today.
    course = Course.objects.order_by("pk").first()
    first = course.events.order_by("created_at", "pk").first()
    today = timezone.localdate()
    assert timezone.localdate(first.created_at) == course_start(course) < today
    assert "Forløbet startede" in first.message
    moved = course.events.get(to_phase=Phase.PRACTICE)
    assert course_start(course) < timezone.localdate(moved.created_at) < today
    ticked = course.checklist.filter(done_at__isnull=False)
    assert ticked and all(timezone.localdate(item.done_at) < today for item in ticked)
