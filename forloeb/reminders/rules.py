"""The reminder rules. Each finds what is due now in the database and queues a message once.

A rule is safe to run any number of times, by one beat or two at once: every message carries a
dedupe key (`<rule>:<object>:<date>:<person>`) and the outbox keeps one row per key. A rule never
compares dates for equality, so a day the beat or the worker was away is caught up on the next
run, and it never schedules a countdown: it looks at the database each time it runs.

Working days follow Danish public holidays and the wall clock of Europe/Copenhagen
(institutioner.workdays).
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from forloeb.followup import selectors as follow_up_selectors
from forloeb.followup import services as follow_up_services
from forloeb.hours import weeks as hours
from forloeb.models import (
    Course,
    Evaluation,
    EvaluationKind,
    EvaluationStatus,
    Phase,
    SheetStatus,
    WeekSheet,
)
from indsats.agreements.selectors import missing_signers
from indsats.models import AgreementVersion, InterventionRequest, RequestStatus, VersionStatus
from indsats.supportmeetings.services import revisits_due
from institutioner import workdays
from institutioner.models import NotificationKind, Pedagogist, Role, User
from institutioner.notifications.services import notification_queue_many

logger = logging.getLogger(__name__)

# Granted support is reminded this many weeks before its re-visitation date.
SUPPORT_REVISIT_REMINDER_WEEKS = 4


def _local_today(now: datetime):
    return timezone.localtime(now, workdays.local_zone()).date()


def _leaders(institution_id: int) -> list[User]:
    return list(User.objects.leaders_of(institution_id))


def _pedagogists(request_id: int) -> list[User]:
    return list(
        User.objects.filter(
            is_active=True, pedagogist__allocations__request_id=request_id
        ).distinct()
    )


def _administration() -> list[User]:
    return list(User.objects.administration())


def _open_courses():
    return Course.objects.open().select_related(
        "agreement__request__institution", "agreement__request__group"
    )


def evaluations_due(*, now: datetime) -> int:
    """A planned evaluation due within EVALUATION_REMINDER_DAYS days, or overdue, of a course
    that is not closed → its pedagogists and the institution's leaders, once per due date."""
    today = _local_today(now)
    soon = today + timedelta(days=settings.EVALUATION_REMINDER_DAYS)
    evaluations = (
        Evaluation.objects.filter(
            status=EvaluationStatus.PLANNED,
            due_on__lte=soon,
            course__in=_open_courses(),
        )
        .select_related(
            "course__agreement__request__institution", "course__agreement__request__group"
        )
        .order_by("due_on", "pk")
    )
    queued = 0
    for evaluation in evaluations:
        overdue = evaluation.due_on < today
        req = evaluation.course.agreement.request
        rule = "evaluation-overdue" if overdue else "evaluation-due"
        with transaction.atomic():
            queued += len(
                notification_queue_many(
                    recipients=_pedagogists(req.pk) + _leaders(req.institution_id),
                    template=f"reminder_{rule.replace('-', '_')}",
                    kind=NotificationKind.EVALUATION_REMINDER,
                    context={"evaluation": evaluation, "course": evaluation.course, "req": req},
                    concerns=evaluation.course,
                    dedupe_key=f"{rule}:{evaluation.pk}:{evaluation.due_on.isoformat()}",
                )
            )
    return queued


def signatures_waiting(*, now: datetime) -> int:
    """An agreement version sent for signature more than SIGNATURE_REMINDER_WORKING_DAYS
    working days ago → the people who still have to sign, once per version. Not when its
    course is closed: it can no longer be signed."""
    days = settings.SIGNATURE_REMINDER_WORKING_DAYS
    # Working days are at least calendar days, so this bound only narrows the candidates.
    versions = (
        AgreementVersion.objects.filter(
            status=VersionStatus.SENT, sent_at__lte=now - timedelta(days=days)
        )
        .exclude(agreement__course__phase=Phase.CLOSED)
        .select_related("agreement__request__institution", "agreement__request__group")
        .order_by("sent_at", "pk")
    )
    queued = 0
    for version in versions:
        assert version.sent_at is not None
        if workdays.working_days_after(version.sent_at, days) > now:
            continue
        with transaction.atomic():
            queued += len(
                notification_queue_many(
                    recipients=missing_signers(version),
                    template="reminder_signature",
                    kind=NotificationKind.SIGNATURE_REMINDER,
                    context={"version": version, "req": version.agreement.request},
                    concerns=version,
                    dedupe_key=f"signature-waiting:{version.pk}",
                )
            )
    return queued


def courses_ending(*, now: datetime) -> int:
    """A course whose agreement in force ends within COURSE_ENDING_REMINDER_DAYS days and has
    no evaluation planned from today on (nor a completed final one) → its pedagogists and the
    administration, once per end date."""
    today = _local_today(now)
    horizon = today + timedelta(days=settings.COURSE_ENDING_REMINDER_DAYS)
    follow_up = Evaluation.objects.filter(course=OuterRef("agreement__course")).filter(
        Q(status=EvaluationStatus.PLANNED, due_on__gte=today)
        | Q(status=EvaluationStatus.COMPLETED, kind=EvaluationKind.FINAL)
    )
    versions = (
        AgreementVersion.objects.in_force()
        .filter(
            ends_on__gte=today,
            ends_on__lte=horizon,
            agreement__course__in=_open_courses(),
        )
        .exclude(Exists(follow_up))
        .select_related(
            "agreement__course",
            "agreement__request__institution",
            "agreement__request__group",
        )
        .order_by("ends_on", "pk")
    )
    queued = 0
    for version in versions:
        course = version.agreement.course
        req = version.agreement.request
        assert version.ends_on is not None
        with transaction.atomic():
            queued += len(
                notification_queue_many(
                    recipients=_pedagogists(req.pk) + _administration(),
                    template="reminder_course_ending",
                    kind=NotificationKind.COURSE_ENDING,
                    context={"course": course, "req": req, "ends_on": version.ends_on},
                    concerns=course,
                    dedupe_key=f"course-ending:{course.pk}:{version.ends_on.isoformat()}",
                )
            )
    return queued


def requests_waiting(*, now: datetime) -> int:
    """A request submitted more than REQUEST_TRIAGE_WORKING_DAYS working days ago and still not
    triaged → the administration, once per submission. Not one that retention anonymised while
    it waited (`in_work`): nothing is left in it to triage, and the triage queue leaves it out."""
    days = settings.REQUEST_TRIAGE_WORKING_DAYS
    requests = (
        InterventionRequest.objects.in_work()
        .filter(status=RequestStatus.SUBMITTED, submitted_at__lte=now - timedelta(days=days))
        .select_related("institution", "group")
        .order_by("submitted_at", "pk")
    )
    queued = 0
    for req in requests:
        assert req.submitted_at is not None
        if workdays.working_days_after(req.submitted_at, days) > now:
            continue
        with transaction.atomic():
            queued += len(
                notification_queue_many(
                    recipients=_administration(),
                    template="reminder_request_waiting",
                    kind=NotificationKind.REQUEST_WAITING,
                    context={"req": req, "working_days": days},
                    concerns=req,
                    url=reverse("triage_detail", args=[req.pk]),
                    dedupe_key=f"request-waiting:{req.pk}:{req.submitted_at.isoformat()}",
                )
            )
    return queued


def _unsubmitted(monday) -> list[Pedagogist]:
    """Active pedagogists whose sheet for the week is missing or still open."""
    done = WeekSheet.objects.filter(
        pedagogist=OuterRef("pk"),
        week_start=monday,
        status__in=[SheetStatus.SUBMITTED, SheetStatus.APPROVED],
    )
    return list(
        Pedagogist.objects.filter(user__is_active=True, user__role=Role.PEDAGOGIST)
        .exclude(Exists(done))
        .select_related("user")
        .order_by("pk")
    )


def _remind_week(monday, *, again: bool) -> int:
    year, week, _day = monday.isocalendar()
    url = reverse("week_sheet", args=[year, week])
    suffix = "again" if again else "deadline"
    queued = 0
    for pedagogist in _unsubmitted(monday):
        with transaction.atomic():
            queued += len(
                notification_queue_many(
                    recipients=[pedagogist.user],
                    template="reminder_week_sheet",
                    kind=NotificationKind.WEEK_SHEET_REMINDER,
                    context={
                        "week_label": hours.week_label(monday).lower(),
                        "url": url,
                        "again": again,
                    },
                    url=url,
                    dedupe_key=f"week-sheet:{pedagogist.pk}:{monday.isoformat()}:{suffix}",
                )
            )
    return queued


def week_sheets(*, now: datetime) -> int:
    """The week sheet not submitted by the last working day of the week (Friday; Thursday
    before Good Friday) → the pedagogist; and again from the first working day of the next
    week (Monday; Tuesday after Easter Monday), for the week before.

    The time of day is the schedule's (14:00 and 08:00 by default, editable on the health
    page): the rule only decides which week is due, from the date of `now`.
    """
    today = _local_today(now)
    monday = hours.monday_of(today)
    queued = 0
    this_week = workdays.week_working_days(monday)
    if this_week and today >= this_week[-1]:
        queued += _remind_week(monday, again=False)
    return queued


def week_sheets_again(*, now: datetime) -> int:
    """See `week_sheets`: the second reminder, for last week, on this week's first working day
    or later in the week."""
    today = _local_today(now)
    monday = hours.monday_of(today)
    this_week = workdays.week_working_days(monday)
    if this_week and today >= this_week[0]:
        return _remind_week(monday - timedelta(weeks=1), again=True)
    return 0


# A follow-up whose date passed more than this many days ago is not started: the rule catches up
# a beat or worker that was away, without asking about courses that closed years before it
# existed.
FOLLOW_UP_CATCH_UP_DAYS = 60
FOLLOW_UP_MONTHS = (3, 6)


def follow_ups_due(*, now: datetime) -> int:
    """3 and 6 months after a course closed → a follow-up for the institution's leaders to
    answer (is the practice still in use, goal by goal; would they ask again; anything they
    need), made once per closing and announced once (the database keeps one follow-up per
    course, months and closing; the outbox one message per key). A course reopened before the
    date gets none; closed again, it gets new ones from its new closing."""
    today = _local_today(now)
    longest = max(FOLLOW_UP_MONTHS) * 31 + FOLLOW_UP_CATCH_UP_DAYS + 2
    courses = (
        Course.objects.filter(
            phase=Phase.CLOSED,
            closed_at__lte=now - timedelta(days=min(FOLLOW_UP_MONTHS) * 28),
            closed_at__gte=now - timedelta(days=longest),
        )
        .select_related("agreement__request__institution", "agreement__request__group")
        .order_by("closed_at", "pk")
    )
    queued = 0
    for course in courses:
        assert course.closed_at is not None
        closed_on = timezone.localtime(course.closed_at, workdays.local_zone()).date()
        req = course.agreement.request
        for months in FOLLOW_UP_MONTHS:
            due_on = follow_up_selectors.add_months(closed_on, months)
            if due_on > today or due_on < today - timedelta(days=FOLLOW_UP_CATCH_UP_DAYS):
                continue
            with transaction.atomic():
                follow_up = follow_up_services.follow_up_open(
                    course=course, months=months, closed_on=closed_on, due_on=due_on
                )
                queued += len(
                    notification_queue_many(
                        recipients=_leaders(req.institution_id),
                        template="reminder_follow_up",
                        kind=NotificationKind.FOLLOW_UP_REMINDER,
                        context={"follow_up": follow_up, "course": course, "req": req},
                        concerns=course,
                        url=reverse("follow_up_answer", args=[follow_up.pk]),
                        dedupe_key=f"follow-up:{course.pk}:{months}:{closed_on.isoformat()}",
                    )
                )
    return queued


def support_revisits_due(*, now: datetime) -> int:
    """Support in force whose re-visitation date is within SUPPORT_REVISIT_REMINDER_WEEKS weeks
    (or passed) and that waits on no meeting's agenda → the administration, once per case and
    re-visitation date."""
    today = _local_today(now)
    cases = revisits_due(weeks=SUPPORT_REVISIT_REMINDER_WEEKS, on=today)
    queued = 0
    for app in cases:
        assert app.revisit_on is not None
        with transaction.atomic():
            queued += len(
                notification_queue_many(
                    recipients=_administration(),
                    template="reminder_support_revisit",
                    kind=NotificationKind.SUPPORT_REVISIT,
                    context={"app": app},
                    url=reverse("visitation_meeting_list"),
                    dedupe_key=f"support-revisit:{app.pk}:{app.revisit_on.isoformat()}",
                )
            )
    return queued
