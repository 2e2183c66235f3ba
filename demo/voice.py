"""The institution's voice in the demo: answers given, answers waiting, and staff invited."""

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from demo import courses
from forloeb.models import Evaluation, EvaluationStatus, Phase
from forloeb.voice import services as voice_services
from institutioner import workdays
from institutioner.models import User

CLOSED_COURSE_ANSWER: dict[str, Any] = {
    "scores": {"collaboration": 5, "effect": 4, "flexibility": 3, "development": 4, "culture": 4},
    "comments": {
        "collaboration": "Hun var nysgerrig på vores måde at gøre tingene på.",
        "flexibility": "Tirsdagene passede dårligt med vores personalemøder.",
        "effect": "Legegrupperne kører nu uden hende.",
    },
    "meeting_hours": Decimal("7.5"),
    "comment": "Indsatsmødet og evalueringerne tog mange timer for en lille institution.",
}

WAITING_ANSWER: dict[str, Any] = {
    "scores": {"collaboration": 4, "effect": 3, "flexibility": 4, "development": 3, "culture": 3},
    "comments": {"effect": "Overgangene er roligere, men frokosten er stadig svær."},
    "meeting_hours": Decimal("4"),
    "comment": "",
}


def demo_voice() -> None:
    """- The closed course's leader answered its final evaluation: the pedagogist, the
      administration and the leader read the answer on the course page.
    - The overdue evaluation's leader has answered; the pedagogist has not recorded it yet, so
      she sees only that an answer came (the blind reveal).
    - The demo leader's course has its evaluation in four days: her own answer waits on her
      start page, and she has asked the demo staff member to answer too."""
    closed = (
        Evaluation.objects.filter(
            course__phase=Phase.CLOSED,
            status=EvaluationStatus.COMPLETED,
            completed_at__gte=timezone.now() - timedelta(days=7),
            ratings__isnull=True,
        )
        .select_related("course__agreement__request")
        .order_by("pk")
        .first()
    )
    if closed is not None:
        leader = User.objects.leaders_of(closed.course.agreement.request.institution_id).first()
        if leader is not None:
            voice_services.rating_submit(
                actor=leader, evaluation_id=closed.pk, **CLOSED_COURSE_ANSWER
            )
    today = timezone.localdate()
    planned = Evaluation.objects.filter(
        status=EvaluationStatus.PLANNED, course__closed_at__isnull=True, ratings__isnull=True
    ).select_related("course__agreement__request")
    overdue = planned.filter(due_on__lt=today, due_on__gte=today - timedelta(days=14)).first()
    if overdue is not None:
        leader = User.objects.leaders_of(overdue.course.agreement.request.institution_id).first()
        if leader is not None:
            voice_services.rating_submit(actor=leader, evaluation_id=overdue.pk, **WAITING_ANSWER)
    demo_leader = User.objects.get(email="leder@demo.dk")
    staff = User.objects.filter(email="personale@demo.dk").first()
    if staff is None:
        return
    soon = (
        planned.filter(
            course__agreement__request__institution__memberships__user=staff,
        )
        .filter(course__agreement__request__institution__memberships__user=demo_leader)
        .exclude(pk__in=[overdue.pk] if overdue is not None else [])
        .order_by("due_on")
        .first()
    )
    if soon is None:
        return
    if not today <= soon.due_on <= today + timedelta(days=14):
        # Within the form's two weeks, on a working day: an ongoing one the pedagogist plans
        # (the agreed ones keep the days their agreement says).
        soon = courses.plan_ongoing(
            [soon.course], workdays.working_day_on_or_after(today + timedelta(days=6))
        )
        if soon is None:
            return
    voice_services.rating_invite(actor=demo_leader, evaluation_id=soon.pk, person_ids=[staff.pk])


IN_USE = ["yes", "partly", "yes", "no"]
NEEDS = [
    "",
    "En opfølgende snak med personalet om overgangene.",
    "",
    "Nyt personale på stuen kender ikke legegrupperne; vi overvejer en ny anmodning.",
]


def demo_follow_ups() -> None:
    """Follow-ups after closing, made by the rule from the generated past (courses that closed
    3 or 6 months ago): about two in three answered by their leader, the rest waiting; the demo
    leader has one waiting on her start page."""
    from forloeb.followup import selectors as follow_up_selectors
    from forloeb.followup import services as follow_up_services
    from forloeb.models import Course, FollowUp
    from forloeb.reminders import rules

    now = timezone.now()
    demo_leader = User.objects.get(email="leder@demo.dk")
    mine = FollowUp.objects.filter(
        course__agreement__request__institution__memberships__user=demo_leader,
        answered_at__isnull=True,
    )
    if not mine.exists():
        # One of her closed courses closed about 100 days ago, so the rule asks her.
        course = (
            Course.objects.filter(
                phase=Phase.CLOSED,
                agreement__request__institution__memberships__user=demo_leader,
            )
            .order_by("-closed_at")
            .first()
        )
        if course is not None:
            Course.objects.filter(pk=course.pk).update(closed_at=now - timedelta(days=100))
            rules.follow_ups_due(now=now)
    follow_ups = (
        FollowUp.objects.filter(answered_at__isnull=True)
        .select_related("course__agreement__request")
        .order_by("pk")
    )
    for index, follow_up in enumerate(follow_ups):
        if index % 3 == 2 or follow_up.void or mine.filter(pk=follow_up.pk).exists():
            continue  # waiting for the leader
        leader = User.objects.leaders_of(follow_up.course.agreement.request.institution_id).first()
        if leader is None:
            continue
        goals = follow_up_selectors.goal_texts(follow_up.course)
        follow_up_services.follow_up_answer(
            actor=leader,
            follow_up_id=follow_up.pk,
            goals=[(goal, IN_USE[(index + i) % len(IN_USE)]) for i, goal in enumerate(goals)],
            would_ask_again=["yes", "yes", "maybe", "no"][index % 4],
            needs=NEEDS[index % len(NEEDS)],
        )


def demo_year_report() -> None:
    """Last year's report for Børne- og Undervisningsudvalget, made by the administration and
    built as the worker builds it (Fordeling → Årsrapport)."""
    from forloeb.yearreport import services as year_report_services

    administrator = User.objects.filter(email="forvaltning@demo.dk").first()
    if administrator is None:
        return
    made = year_report_services.year_report_start(
        actor=administrator, year=timezone.localdate().year - 1
    )
    year_report_services.year_report_build(report_id=made.pk)
