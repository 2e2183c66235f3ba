"""Retention of requests that ended without an intervention: rejected or withdrawn requests are
anonymised `RETENTION_ENDED_REQUEST_YEARS` after they ended. Registered from
IndsatsConfig.ready(); accepted requests go with their course (the app above registers that).
A request left waiting (submitted and never answered, or waiting for information nobody gave)
is anonymised the same period after anything last happened to it. A draft the leader never
sent and nobody touched for that period is deleted, as her own "Slet kladden" would (nobody else
has seen it)."""

from datetime import datetime

from django.db.models import Max, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.utils.translation import gettext_lazy as _

from indsats.models import (
    Allocation,
    EventKind,
    IntakeMeeting,
    InterventionRequest,
    RequestEvent,
    RequestStatus,
)
from indsats.requests import services
from institutioner.retention.registry import ANONYMISE, DELETE, RetentionStep, register


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


# Neither a draft, nor ended, nor accepted (a course then keeps it): submitted and waiting for
# the triage, or waiting for the leader's answer. Nothing ends it if nobody acts.
STALLED_STATUSES = tuple(
    status
    for status in RequestStatus
    if status not in (RequestStatus.DRAFT, RequestStatus.ACCEPTED, *services.ENDED_STATUSES)
)


def _latest(queryset: QuerySet, field: str) -> Subquery:
    return Subquery(queryset.filter(request=OuterRef("pk")).order_by(f"-{field}").values(field)[:1])


def stalled_requests(*, before: datetime) -> QuerySet:
    """Submitted or waiting for information, and nothing happened since before `before`: no
    change, no event, no allocation, no intake meeting (one still ahead counts as activity), not
    yet anonymised."""
    changed = "updated_at"
    return (
        InterventionRequest.objects.filter(status__in=STALLED_STATUSES, anonymised_at__isnull=True)
        .annotate(
            last_active=Greatest(
                changed,
                Coalesce(_latest(RequestEvent.objects.all(), "created_at"), changed),
                Coalesce(_latest(Allocation.objects.all(), "created_at"), changed),
                Coalesce(_latest(IntakeMeeting.objects.all(), "ends_at"), changed),
            )
        )
        .filter(updated_at__lt=before, last_active__lt=before)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _anonymise_stalled(ids, *, before: datetime) -> int:
    done = 0
    for request_id in ids:
        if not stalled_requests(before=before).filter(pk=request_id).exists():
            continue  # acted on meanwhile, or anonymised by another run
        done += services.request_anonymise(request_id=request_id)
    return done


def _anonymise(ids, *, before: datetime) -> int:
    done = 0
    for request_id in ids:
        if not ended_requests(before=before).filter(pk=request_id).exists():
            continue  # reopened, or anonymised meanwhile by another run
        done += services.request_anonymise(request_id=request_id)
    return done


def old_drafts(*, before: datetime) -> QuerySet:
    """Drafts never submitted whose last change and last event are before `before`."""
    changed = "updated_at"
    return (
        InterventionRequest.objects.filter(
            status=RequestStatus.DRAFT, submitted_at__isnull=True, updated_at__lt=before
        )
        .annotate(
            last_active=Greatest(
                changed, Coalesce(_latest(RequestEvent.objects.all(), "created_at"), changed)
            )
        )
        .filter(last_active__lt=before)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _delete_drafts(ids, *, before: datetime) -> int:
    done = 0
    for request_id in ids:
        if not old_drafts(before=before).filter(pk=request_id).exists():
            continue  # changed, submitted or deleted meanwhile
        done += services.request_draft_expire(request_id=request_id)
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
    RetentionStep(
        name="stalled-requests",
        label=_("Requests left waiting with nothing happening"),
        action=ANONYMISE,
        period_setting="RETENTION_ENDED_REQUEST_YEARS",
        find=stalled_requests,
        apply=_anonymise_stalled,
        order=20,
    ),
    RetentionStep(
        name="request-drafts",
        label=_("Drafts of requests nobody has touched"),
        action=DELETE,
        period_setting="RETENTION_ENDED_REQUEST_YEARS",
        find=old_drafts,
        apply=_delete_drafts,
        order=21,
    ),
)
