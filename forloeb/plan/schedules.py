"""The plan's schedule, registered with the beat's from ForloebConfig.ready()."""

from django.utils.translation import gettext_lazy as _

from forloeb.plan import tasks
from forloeb.plan.calendar import AREA_FEED_REFRESH_SECONDS
from institutioner.operations.schedules import Schedule, register

register(
    Schedule(
        name="plan-area-calendar",
        task=tasks.plan_area_calendar_refresh.name,
        label=_("Rebuild the shared calendar of the whole area"),
        help=_(
            "Keeps the calendar subscription of all activities ready, so calendar programs "
            "never wait for it; nothing is built while nobody subscribes."
        ),
        every_seconds=AREA_FEED_REFRESH_SECONDS,
        expire_seconds=AREA_FEED_REFRESH_SECONDS - 10,
        order=90,
    ),
)
