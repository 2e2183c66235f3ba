"""The hours room's schedule, registered with the beat's from ForloebConfig.ready()."""

from django.utils.translation import gettext_lazy as _

from forloeb.hours import tasks
from institutioner.operations.schedules import Schedule, register

# Often enough that a person whose export was stopped hears of it within minutes of the task's
# time limit (their page says it at once when it is read).
EVERY_SECONDS = 300

register(
    Schedule(
        name=tasks.BUILDS_INTERRUPTED,
        task=tasks.builds_interrupted.name,
        label=_("Mark stopped exports and reports as failed"),
        help=_(
            "An Excel export of hours or a yearly report still being built after the time a "
            "background job may run was stopped: it is marked as failed, so it can be built "
            "again, and the person who asked for an export is told."
        ),
        every_seconds=EVERY_SECONDS,
        expire_seconds=EVERY_SECONDS - 10,
        order=90,
    ),
)
