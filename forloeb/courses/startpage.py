"""The course's part of the start page: the pedagogist's running interventions, and evaluations
due within two weeks or overdue."""

from datetime import timedelta

from django.utils import timezone

from forloeb import access
from forloeb.models import Evaluation, EvaluationStatus, Phase
from indsats import access as indsats_access
from indsats.models import RequestStatus
from institutioner.startpage import StartSection, register


@register
def due_evaluations(request):
    if not request.user.is_authenticated:
        return None
    soon = timezone.localdate() + timedelta(days=14)
    evaluations = list(
        Evaluation.objects.filter(
            course__in=access.courses_for(request.user),
            status=EvaluationStatus.PLANNED,
            due_on__lte=soon,
        )
        .exclude(course__phase=Phase.CLOSED)
        .select_related(
            "course__agreement__request__institution", "course__agreement__request__group"
        )
        .order_by("due_on")[:10]
    )
    if not evaluations:
        return None
    return StartSection(
        "forloeb/courses/start_evaluations.html",
        {"evaluations": evaluations, "today": timezone.localdate()},
        order=8,
    )


@register
def my_interventions(request):
    """The pedagogist's accepted interventions that are still running, and where their
    agreements stand. One whose course is closed is in the course list under "Afsluttet",
    which the section links to: after five years the busiest pedagogist had 95 interventions
    here, 86 of them long over."""
    user = request.user
    requests = list(
        indsats_access.assigned_requests_for(user)
        .filter(status=RequestStatus.ACCEPTED)
        .exclude(agreement__course__phase=Phase.CLOSED)
        .select_related("institution", "group", "agreement")
        .order_by("wished_start", "pk")
    )
    if not requests:
        return None
    return StartSection(
        "forloeb/courses/start_interventions.html", {"requests": requests}, order=15
    )
