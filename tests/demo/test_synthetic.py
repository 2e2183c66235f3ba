"""The synthetic municipality: the seeds' numbers at --scale demo, the same data from the same
seed, every rule of the data kept, and the dashboards able to read it."""

from collections import Counter
from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count, F, Sum

from forloeb.dashboards import figures as dashboards
from forloeb.hours import weeks as hours
from forloeb.models import Course, HourEntry, SheetStatus, WeekSheet
from indsats.models import AgreementVersion, InterventionRequest, Signature
from institutioner.models import Assignment, District, Institution, Pedagogist


class _Rollback(Exception):
    pass


def _fingerprint():
    """What the generator made, without database ids."""
    return (
        sorted(Institution.objects.values_list("district__name", "name")),
        sorted(
            InterventionRequest.objects.values_list(
                "institution__name", "group__name", "wished_start", "wished_weeks", "status"
            ),
            key=str,
        ),
        sorted(
            Assignment.objects.values_list(
                "pedagogist__user__email", "institution__name", "valid_from", "share"
            )
        ),
        HourEntry.objects.aggregate(total=Sum("hours"))["total"],
        sorted(
            WeekSheet.objects.values("status").annotate(n=Count("pk")).values_list("status", "n")
        ),
    )


def _generate(seed: int):
    out = StringIO()
    try:
        with transaction.atomic():
            call_command("generate_municipality", scale="demo", seed=seed, stdout=out)
            fingerprint = _fingerprint()
            raise _Rollback
    except _Rollback:
        pass
    return fingerprint, out.getvalue()


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_municipality_and_another_seed_another():
    first, printed = _generate(1)
    again, _printed = _generate(1)
    other, _printed = _generate(2)
    assert first == again
    assert first[1] != other[1]
    assert "5 distrikter, 35 institutioner, 9 pædagoger" in printed


@pytest.mark.django_db
def test_the_demo_scale_has_the_seeds_numbers_and_keeps_the_rules():
    call_command("generate_municipality", scale="demo", seed=1, stdout=StringIO())
    districts = list(District.objects.order_by("pk"))
    assert [d.name for d in districts] == [
        "Ullerup Bæk",
        "Fjordbakke",
        "Kirstinebjerg",
        "Erritsø",
        "De Private",
    ]
    assert [d.institutions.count() for d in districts] == [9, 4, 9, 6, 7]
    today = hours.this_monday()
    now = Assignment.objects.filter(valid_to__isnull=True)
    assert [
        now.filter(institution__district=d).values("pedagogist").distinct().count()
        for d in districts
    ] == [3, 1, 3, 1, 1]
    # No pedagogist above 100 % on any day (SQLite has no trigger for it): the day that starts
    # an attachment is where a sum can rise, so check each of them.
    for pedagogist in Pedagogist.objects.all():
        periods = list(pedagogist.assignments.values_list("valid_from", "valid_to", "share"))
        for day, _to, _share in periods:
            total = sum(
                share
                for start, end, share in periods
                if start <= day and (end is None or end >= day)
            )
            assert total <= 100, (pedagogist, day)
    # Attachments change at a school year for some institutions: changes of pedagogist.
    assert (
        Assignment.objects.values("institution")
        .annotate(n=Count("pedagogist", distinct=True))
        .filter(n__gt=1)
        .exists()
    )

    assert Course.objects.count() == 180
    assert set(InterventionRequest.objects.values_list("status", flat=True)) == {
        "submitted",
        "needs_info",
        "accepted",
        "rejected",
        "withdrawn",
    }
    assert set(Course.objects.values_list("phase", flat=True)) >= {"closed", "practice"}
    assert AgreementVersion.objects.filter(status="superseded").exists()
    # Every signature signs its version's hash; every course has one version in force.
    assert not Signature.objects.exclude(content_hash=F("version__content_hash")).exists()
    assert AgreementVersion.objects.filter(status="in_force").count() == 180
    # Hours: approved before this month, submitted in it; only on the pedagogist's courses.
    month = hours.month_of_week(today)
    for sheet in WeekSheet.objects.filter(week_start__gte=today - timedelta(weeks=10)):
        expected = (
            SheetStatus.APPROVED
            if hours.month_of_week(sheet.week_start) < month
            else SheetStatus.SUBMITTED
        )
        assert sheet.status == expected
    assert (
        not HourEntry.objects.filter(course__isnull=False)
        .exclude(course__agreement__request__allocations__pedagogist=F("sheet__pedagogist"))
        .exists()
    )
    assert WeekSheet.objects.filter(note="Ferie", entries__isnull=True).exists()

    # The dashboards read it.
    mondays = hours.weeks_between(today - timedelta(weeks=7), today)
    rows = dashboards.by_district(institutions=Institution.objects.all(), mondays=mondays)
    assert len(rows) == 5
    assert all(r.capacity > 0 for r in rows)
    assert sum((r.agreed for r in rows), Decimal(0)) > 0
    institutions = dashboards.by_institution(
        institutions=list(Institution.objects.all()), mondays=mondays, today=today
    )
    assert sum(r.repeats_12_months for r in institutions) > 0
    assert Counter(r.pedagogists_24_months > 1 for r in institutions)[True] > 0


def test_it_refuses_a_database_with_a_municipality(world):
    with pytest.raises(CommandError, match="Databasen har allerede distrikter"):
        call_command("generate_municipality", scale="demo", stdout=StringIO())


@pytest.mark.django_db
def test_the_synthetic_evaluations_fall_on_working_days():
    from forloeb.models import Evaluation
    from institutioner import workdays

    call_command("generate_municipality", scale="demo", seed=1, stdout=StringIO())
    due = set(Evaluation.objects.values_list("due_on", flat=True))
    assert due and [d for d in due if not workdays.is_working_day(d)] == []


@pytest.mark.django_db
def test_the_support_cases_follow_the_visitation():
    """Kompenserende støtte as the visitation leaves it: each decision made at a held meeting
    on its own agenda item, at most one item waiting per application (the database's rule), a
    grant with its period and re-visitation, the statuses the decisions give, and support in
    force today that the district figures and the statistics both count."""
    from indsats.models import (
        SUPPORT_IN_FORCE,
        AgendaItem,
        AgendaItemStatus,
        SupportApplication,
        SupportDecision,
        SupportStatus,
        VisitationMeetingStatus,
    )
    from indsats.supportstats.selectors import granted_hours_on, support_statistics

    call_command("generate_municipality", scale="demo", seed=1, stdout=StringIO())
    today = hours.this_monday() + timedelta(days=3)
    assert SupportApplication.objects.count() > 50
    assert set(SupportApplication.objects.values_list("status", flat=True)) >= {
        "submitted",
        "granted",
        "partly_granted",
        "rejected",
        "ended",
    }
    decisions = SupportDecision.objects.select_related("agenda_item__meeting")
    assert all(
        d.agenda_item.meeting.status == VisitationMeetingStatus.HELD
        and d.agenda_item.status == AgendaItemStatus.DECIDED
        and d.agenda_item.application_id == d.application_id
        and d.decided_at >= d.agenda_item.meeting.starts_at
        for d in decisions
    )
    waiting = AgendaItem.objects.filter(status=AgendaItemStatus.WAITING)
    assert waiting.exists()
    assert not waiting.exclude(meeting__status=VisitationMeetingStatus.PLANNED).exists()
    assert set(decisions.values_list("outcome", flat=True)) == {
        "granted",
        "partly_granted",
        "rejected",
        "more_info",
        "extended",
        "ended",
    }
    # The application's status is its last decision's (an extension keeps the grant's).
    for app in SupportApplication.objects.filter(decisions__isnull=False).distinct():
        last = app.decisions.order_by("decided_at", "pk").last()
        expected = {
            "granted": {SupportStatus.GRANTED},
            "partly_granted": {SupportStatus.PARTLY_GRANTED},
            "extended": {SupportStatus.GRANTED, SupportStatus.PARTLY_GRANTED},
            "rejected": {SupportStatus.REJECTED},
            "ended": {SupportStatus.ENDED},
            "more_info": {SupportStatus.SUBMITTED},  # answered, on the next agenda
        }[last.outcome]
        assert app.status in expected, (app.pk, last.outcome, app.status)
        if app.status in SUPPORT_IN_FORCE:
            assert app.revisit_on is not None
    in_force = granted_hours_on(today)
    assert len(in_force) >= 3 and all(hours > 0 for hours in in_force.values())
    stats = support_statistics(year=today.year, today=today)
    assert stats.current.decisions > 0 and stats.current.applications > 0


@pytest.mark.django_db
def test_a_week_with_planned_absence_logs_less():
    """The week sheets follow the plan: a week with two days or more of planned absence (sick,
    a course) logs on average at least a day less than the weeks with none."""
    from forloeb.models import Absence

    call_command("generate_municipality", scale="demo", seed=1, stdout=StringIO())
    away: set[tuple[int, object]] = set()
    for absence in Absence.objects.filter(
        kind__in=["illness", "course"], cancelled_at__isnull=True, repeat="none"
    ):
        days = [
            absence.starts_on + timedelta(days=n)
            for n in range((absence.ends_on - absence.starts_on).days + 1)
        ]
        if sum(1 for day in days if day.weekday() < 5) >= 2:
            away.add((absence.pedagogist_id, hours.monday_of(absence.starts_on)))
    logged = {
        (pid, monday): total
        for pid, monday, total in WeekSheet.objects.filter(entries__isnull=False)
        .values("pedagogist_id", "week_start")
        .annotate(total=Sum("entries__hours"))
        .values_list("pedagogist_id", "week_start", "total")
    }
    with_absence = [total for key, total in logged.items() if key in away]
    without = [total for key, total in logged.items() if key not in away]
    assert len(with_absence) >= 10
    average = sum(with_absence) / len(with_absence)
    assert average < sum(without) / len(without) - Decimal("7")
