"""Retention of the kept yearly reports: `RETENTION_EXPORT_DAYS` after it was made ready, a report
and its PDF are deleted (it quotes the leaders' comments). Registered from
ForloebConfig.ready()."""

from datetime import datetime

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from forloeb.yearreport import services
from institutioner.retention.registry import DAYS, DELETE, RetentionStep, register


def old_reports(*, before: datetime) -> QuerySet:
    return services.year_reports_old(before=before)


def _delete(ids, *, before: datetime) -> int:
    return services.year_reports_purge(before=before)


register(
    RetentionStep(
        name="year-reports",
        label=_("Yearly reports"),
        action=DELETE,
        period_setting="RETENTION_EXPORT_DAYS",
        period_unit=DAYS,
        find=old_reports,
        apply=_delete,
        one_by_one=False,
        order=60,
    ),
)
