from datetime import timedelta

from forloeb import access
from forloeb.hours import weeks as hours
from forloeb.models import SheetStatus
from institutioner.startpage import StartSection, register


@register
def my_weeks(request):
    """The pedagogist's week sheets: this week, and last week if it is not submitted yet."""
    if not access.keeps_week_sheets(request.user):
        return None
    this_monday = hours.this_monday()
    last_monday = this_monday - timedelta(weeks=1)
    statuses = dict(
        access.week_sheets_for(request.user)
        .filter(week_start__in=[last_monday, this_monday])
        .values_list("week_start", "status")
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
    return StartSection("forloeb/hours/start_weeks.html", {"weeks": weeks}, order=6)


@register
def weeks_to_approve(request):
    if not access.can_approve_hours(request.user):
        return None
    waiting = access.week_sheets_for(request.user).filter(status=SheetStatus.SUBMITTED).count()
    if not waiting:
        return None
    return StartSection("forloeb/hours/start_approval.html", {"waiting": waiting}, order=7)
