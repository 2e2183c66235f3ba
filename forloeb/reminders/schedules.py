"""The reminders' default times, registered with the beat's schedules from ForloebConfig.ready().

After `migrate` they are installed once; the administration may then change a time or switch a
reminder off on the health page.
"""

from django.utils.translation import gettext_lazy as _

from forloeb.reminders import tasks
from institutioner.operations.schedules import WEEKDAYS_WORK, Schedule, register

register(
    Schedule(
        name="reminders-evaluations",
        task=tasks.reminders_evaluations.name,
        label=_("Evaluations within 7 days, or overdue"),
        help=_("To the course's pedagogists and the institution's leaders."),
        hour="7",
        minute="0",
    ),
    Schedule(
        name="reminders-signatures",
        task=tasks.reminders_signatures.name,
        label=_("Agreements waiting for signatures for more than 3 working days"),
        help=_("To the people who have not signed yet."),
        hour="7",
        minute="0",
        day_of_week=WEEKDAYS_WORK,
    ),
    Schedule(
        name="reminders-courses-ending",
        task=tasks.reminders_courses_ending.name,
        label=_("Courses ending within 14 days without a planned follow-up"),
        help=_("To the course's pedagogists and the administration."),
        hour="7",
        minute="0",
        day_of_week=WEEKDAYS_WORK,
    ),
    Schedule(
        name="reminders-requests-waiting",
        task=tasks.reminders_requests_waiting.name,
        label=_("Requests not triaged within 5 working days"),
        help=_("To the administration."),
        hour="7",
        minute="0",
        day_of_week=WEEKDAYS_WORK,
    ),
    Schedule(
        name="reminders-week-sheets",
        task=tasks.reminders_week_sheets.name,
        label=_("Week sheet not submitted by the week's last working day"),
        help=_(
            "To the pedagogist, from the last working day of the week at this time (Friday; "
            "the day before a holiday Friday). Runs every day, so a missed day is caught up."
        ),
        hour="14",
        minute="0",
    ),
    Schedule(
        name="reminders-week-sheets-again",
        task=tasks.reminders_week_sheets_again.name,
        label=_("Last week's sheet still not submitted"),
        help=_("To the pedagogist, from the first working day of the next week at this time."),
        hour="8",
        minute="0",
    ),
    Schedule(
        name="reminders-follow-ups",
        task=tasks.reminders_follow_ups.name,
        label=_("Follow-up 3 and 6 months after a course closed"),
        help=_(
            "To the institution's leaders: is the practice still in use? Runs every day, so a "
            "missed day is caught up (up to 60 days late)."
        ),
        hour="7",
        minute="30",
    ),
    Schedule(
        name="reminders-support-revisits",
        task=tasks.reminders_support_revisits.name,
        label=_("Granted support due for re-visitation within 4 weeks, on no agenda"),
        help=_("To the administration, once per case and re-visitation date."),
        hour="7",
        minute="0",
        day_of_week=WEEKDAYS_WORK,
    ),
)
