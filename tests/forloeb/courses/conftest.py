"""Helpers of the courses room's tests."""

from forloeb.courses import services

# Moving on with unticked checklist items needs a reason.
REASON = "Punkterne blev klaret på indsatsmødet."


def held(evaluation):
    """The evaluation held today if it was planned later: it is recorded on or after its day."""
    from django.utils import timezone

    today = timezone.localdate()
    if evaluation.due_on > today:
        type(evaluation).objects.filter(pk=evaluation.pk).update(due_on=today)
        evaluation.due_on = today
    return evaluation


def _complete(world, evaluation, **overrides):
    data = {
        "participants": "Lene Leder, Paula Pædagog, to fra stuen",
        "leadership_took_part": True,
        "decision": "continue",
        "summary": "Grupperne fungerer.",
        "assessments": [("Børnene leger i små grupper om formiddagen.", 3, "Færre konflikter.")],
    }
    data.update(overrides)
    held(evaluation)
    return services.evaluation_complete(
        actor=world.pedagogist.user, evaluation_id=evaluation.pk, **data
    )


def working_day(day=None, *, step: int = -1):
    """`day` (default today) or the working day before it (`step=1`: after it): an evaluation
    is planned on a working day, and recorded on or after it."""
    from datetime import timedelta

    from django.utils import timezone

    from institutioner.workdays import is_working_day

    day = day or timezone.localdate()
    while not is_working_day(day):
        day += timedelta(days=step)
    return day


def first_evaluation_day(course):
    """The first working day an ongoing evaluation may lie on: from the course's start, within
    the agreement in force (`held` moves it to today when the test records it)."""
    version = course.agreement.versions.in_force().first()
    start = max(services.course_start(course), version.starts_on)
    return working_day(start, step=1)
