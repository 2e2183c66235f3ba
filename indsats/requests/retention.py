"""Retention of requests that ended without an intervention: rejected or withdrawn requests are
anonymised `RETENTION_ENDED_REQUEST_YEARS` after they ended. Registered from
IndsatsConfig.ready(); accepted requests go with their course (the app above registers that)."""

from datetime import datetime

from django.db.models import Max, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from indsats.models import EventKind, InterventionRequest
from indsats.requests import services
from institutioner.retention.registry import ANONYMISE, RetentionStep, register


def ended_requests(*, before: datetime) -> QuerySet:
    """Rejected or withdrawn before `before` (the time of the rejection or withdrawal), not yet
    anonymised."""
    return (
        InterventionRequest.objects.filter(
            status__in=services.ENDED_STATUSES, anonymised_at__isnull=True
        )
        .annotate(
            ended_at=Coalesce(
                Max(
                    "events__created_at",
                    filter=Q(events__kind__in=[EventKind.REJECTED, EventKind.WITHDRAWN]),
                ),
                "updated_at",
            )
        )
        .filter(ended_at__lt=before)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _anonymise(ids, *, before: datetime) -> int:
    done = 0
    for request_id in ids:
        if not ended_requests(before=before).filter(pk=request_id).exists():
            continue  # reopened, or anonymised meanwhile by another run
        done += services.request_anonymise(request_id=request_id)
    return done


register(
    RetentionStep(
        name="ended-requests",
        label=_("Rejected and withdrawn requests"),
        action=ANONYMISE,
        period_setting="RETENTION_ENDED_REQUEST_YEARS",
        find=ended_requests,
        apply=_anonymise,
        order=20,
    ),
)
