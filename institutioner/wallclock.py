"""A meeting's day and clock times as the person typed them, made into moments on the
municipality's wall clock: the visitation meetings (kompenserende støtte) and the intake
meetings (indsatsmøder) are planned the same way."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def wall_clock_problem(day, time, tz) -> str | None:
    """Why `time` on `day` is no single moment on the wall clock of `tz`, or None: at the change
    to summer time an hour does not exist (02:00-03:00), at the change back it comes twice."""
    naive = datetime.combine(day, time)
    first, second = naive.replace(tzinfo=tz, fold=0), naive.replace(tzinfo=tz, fold=1)
    values = {
        "time": time.strftime("%H:%M"),
        "day": day.strftime("%d.%m.%Y"),
    }
    if first.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != naive:
        return str(
            _(
                "%(time)s does not exist on %(day)s: the clocks go forward an hour that night "
                "(summer time begins). Choose another time."
            )
            % values
        )
    if first.utcoffset() != second.utcoffset():
        return str(
            _(
                "%(time)s comes twice on %(day)s: the clocks go back an hour that night "
                "(summer time ends). Choose a time outside that hour."
            )
            % values
        )
    return None


def clean_meeting_times(form) -> None:
    """Set `starts_at` and `ends_at` in the form's cleaned data from its date, start and end,
    or add the errors that say why not: a time the clock change skips or repeats, an end
    before the start, a meeting in the past or more than a year ahead (the last two beside the
    first)."""
    data = form.cleaned_data
    day, start, end = data.get("date"), data.get("start"), data.get("end")
    if not (day and start and end):
        return
    tz = ZoneInfo(settings.TIME_ZONE)
    problems = {
        field: wall_clock_problem(day, value, tz)
        for field, value in (("start", start), ("end", end))
    }
    if any(problems.values()):
        for field, problem in problems.items():
            if problem:
                form.add_error(field, problem)
        return
    data["starts_at"] = datetime.combine(day, start, tzinfo=tz)
    data["ends_at"] = datetime.combine(day, end, tzinfo=tz)
    # The order of the times and the day are told together, each on its field: an end before
    # the start on a day that has passed is two things to fix in one go.
    if end <= start:
        form.add_error("end", _("The meeting must end after it starts."))
    if data["starts_at"] <= timezone.now():
        form.add_error("date", _("The meeting cannot be in the past."))
    elif day > timezone.localdate() + timedelta(days=365):
        form.add_error("date", _("The meeting can be at most a year ahead."))
