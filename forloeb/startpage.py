"""The course's part of the start page: evaluations due within two weeks or overdue, the
pedagogist's week sheets and the weeks waiting for the administration's approval."""

from datetime import timedelta

from django.utils import timezone

from forloeb import access, hours
from forloeb.models import Evaluation, EvaluationStatus, Phase, SheetStatus, WeekSheet
from institutioner import access as org_access
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
        "forloeb/start_evaluations.html",
        {"evaluations": evaluations, "today": timezone.localdate()},
        order=8,
    )


@register
def my_weeks(request):
    """The pedagogist's week sheets: this week, and last week if it is not submitted yet."""
    if not org_access.is_pedagogist(request.user):
        return None
    this_monday = hours.this_monday()
    last_monday = this_monday - timedelta(weeks=1)
    statuses = dict(
        WeekSheet.objects.filter(
            pedagogist__user=request.user, week_start__in=[last_monday, this_monday]
        ).values_list("week_start", "status")
    )
    weeks = [
        {
            "monday": monday,
            "label": hours.week_label(monday),
            "status": statuses.get(monday, SheetStatus.OPEN),
            "status_label": SheetStatus(statuses.get(monday, SheetStatus.OPEN)).label,
            "year": monday.isocalendar()[0],
            "week": monday.isocalendar()[1],
        }
        for monday in (last_monday, this_monday)
    ]
    return StartSection("forloeb/start_weeks.html", {"weeks": weeks}, order=6)


@register
def weeks_to_approve(request):
    if not org_access.is_administration(request.user):
        return None
    waiting = WeekSheet.objects.filter(status=SheetStatus.SUBMITTED).count()
    if not waiting:
        return None
    return StartSection("forloeb/start_approval.html", {"waiting": waiting}, order=7)
