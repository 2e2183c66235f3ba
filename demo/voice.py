"""The institution's voice in the demo: answers given, answers waiting, and staff invited."""

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

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
        status=EvaluationStatus.PLANNED, course__closed_at__isnull=True
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
        # Within the form's two weeks, on a working day.
        Evaluation.objects.filter(pk=soon.pk).update(
            due_on=workdays.working_day_on_or_after(today + timedelta(days=6))
        )
    voice_services.rating_invite(actor=demo_leader, evaluation_id=soon.pk, person_ids=[staff.pk])
