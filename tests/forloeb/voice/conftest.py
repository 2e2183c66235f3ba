"""Helpers of the voice room's tests: a course whose final evaluation is due today."""

from django.utils import timezone

from forloeb.models import EvaluationKind

SCORES = {"collaboration": 4, "effect": 3, "flexibility": 2, "development": 5, "culture": 4}


def course_due_today(world):
    from tests.indsats.helpers import agreement_in_force

    agreement, _version = agreement_in_force(world)
    course = agreement.course
    final = course.evaluations.get(kind=EvaluationKind.FINAL)
    course.evaluations.filter(pk=final.pk).update(due_on=timezone.localdate())
    final.refresh_from_db()
    return course, final


def answer(user, evaluation, **overrides):
    from decimal import Decimal

    from forloeb.voice import services

    data = {
        "scores": dict(SCORES),
        "comments": {"collaboration": "Hun lyttede til personalet."},
        "meeting_hours": Decimal("6.5"),
        "comment": "Møderne tog meget tid for en lille institution.",
    }
    data.update(overrides)
    return services.rating_submit(actor=user, evaluation_id=evaluation.pk, **data)


def form_data(**overrides):
    data = {
        **{area: str(score) for area, score in SCORES.items()},
        "collaboration_comment": "Hun lyttede til personalet.",
        "meeting_hours": "6,5",
        "comment": "Møderne tog meget tid.",
    }
    data.update(overrides)
    return data
