"""The retention run's default time, registered with the beat's schedules."""

from django.utils.translation import gettext_lazy as _

from institutioner.operations.schedules import Schedule, register
from institutioner.retention import tasks

register(
    Schedule(
        name="retention",
        task=tasks.retention_run.name,
        label=_("Retention: anonymise and delete what is past its period"),
        help=_(
            "Free text and names in what is past its retention period are anonymised, the "
            "access log and old messages deleted. The page Sletning (here under Drift) and the "
            "command manage.py retention --dry-run show what a run would take now."
        ),
        hour="3",
        minute="30",
        expire_seconds=23 * 3600,
        order=80,
    ),
)
