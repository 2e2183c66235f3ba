"""The organisation's own retention steps: the access log and the outbox are deleted whole, and
the access requests (indsigt) with their ZIPs `RETENTION_EXPORT_DAYS` after they were made ready.

Registered from InstitutionerConfig.ready(); the other apps register theirs the same way.
"""

from datetime import datetime

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from institutioner.accesslog.services import access_log_purge
from institutioner.accessrequests.services import access_requests_old, access_requests_purge
from institutioner.models import AccessLogEntry, Notification
from institutioner.retention.registry import DAYS, DELETE, RetentionStep, register


def _access_log_old(*, before: datetime) -> QuerySet:
    return AccessLogEntry.objects.filter(at__lt=before).order_by("pk").values_list("pk", flat=True)


def _access_log_delete(ids, *, before: datetime) -> int:
    # The one deletion the database's trigger lets through (migration 0010).
    return access_log_purge(before=before)


def _notifications_old(*, before: datetime) -> QuerySet:
    return (
        Notification.objects.filter(created_at__lt=before)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _notifications_delete(ids, *, before: datetime) -> int:
    deleted, _by_model = Notification.objects.filter(created_at__lt=before).delete()
    return deleted


def _access_requests_old(*, before: datetime) -> QuerySet:
    return access_requests_old(before=before)


def _access_requests_delete(ids, *, before: datetime) -> int:
    return access_requests_purge(before=before)


register(
    RetentionStep(
        name="access-log",
        label=_("Access log rows"),
        action=DELETE,
        period_setting="RETENTION_ACCESS_LOG_YEARS",
        find=_access_log_old,
        apply=_access_log_delete,
        one_by_one=False,
        order=80,
    ),
    RetentionStep(
        name="notifications",
        label=_("Notifications and e-mails"),
        action=DELETE,
        period_setting="RETENTION_NOTIFICATION_YEARS",
        find=_notifications_old,
        apply=_notifications_delete,
        one_by_one=False,
        order=70,
    ),
    RetentionStep(
        name="access-requests",
        label=_("Access requests with their files"),
        action=DELETE,
        period_setting="RETENTION_EXPORT_DAYS",
        period_unit=DAYS,
        find=_access_requests_old,
        apply=_access_requests_delete,
        one_by_one=False,
        order=60,
    ),
)
