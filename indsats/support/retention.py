"""Retention of support applications (child data), registered from IndsatsConfig.ready():
a case that ended (rejected, ended, withdrawn, or granted with its last grant run out) is
anonymised and its documents deleted from the storage `RETENTION_SUPPORT_YEARS` after it ended
(its decision, an ending's last day with support, the last day of a grant that ran out without
a new decision, or its last change); a case that stalled (submitted and never decided, or
waiting for information nobody gave) is anonymised the same period after its last activity (its
last change, event, decision, or the meeting it was put on); a draft nobody touched for
`RETENTION_SUPPORT_DRAFT_YEARS` is deleted."""

from datetime import datetime

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from indsats.models import (
    GRANTING_OUTCOMES,
    SUPPORT_IN_FORCE,
    AgendaItem,
    SupportApplication,
    SupportDecision,
    SupportEvent,
    SupportStatus,
)
from indsats.support import services
from institutioner.retention.registry import ANONYMISE, DELETE, RetentionStep, register


def ended_applications(*, before: datetime) -> QuerySet:
    # An ending's support runs until its last day: the case ended then, not at the decision.
    still_running = SupportApplication.objects.ending(on=timezone.localdate(before))
    # A grant nobody re-visited or ended keeps its status after its period: its support ended
    # on the last day of the last grant.
    last_grant_end = Subquery(
        SupportDecision.objects.filter(application=OuterRef("pk"), outcome__in=GRANTING_OUTCOMES)
        .order_by("-decided_at", "-pk")
        .values("period_end")[:1]
    )
    return (
        SupportApplication.objects.filter(anonymised_at__isnull=True)
        .annotate(ended_at=Coalesce("decided_at", "updated_at"), grant_end=last_grant_end)
        .filter(
            Q(status__in=services.ENDED_STATUSES, ended_at__lt=before)
            | Q(status__in=SUPPORT_IN_FORCE, grant_end__lt=timezone.localdate(before))
        )
        .exclude(pk__in=still_running.values("pk"))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


# A case neither a draft, nor ended, nor with support in force: submitted and waiting for a
# meeting, or waiting for the leader's answer. Nothing ends it if nobody acts.
STALLED_STATUSES = tuple(
    status
    for status in SupportStatus
    if status != SupportStatus.DRAFT
    and status not in services.ENDED_STATUSES
    and status not in SUPPORT_IN_FORCE
)


def _latest(queryset: QuerySet, field: str) -> Subquery:
    return Subquery(
        queryset.filter(application=OuterRef("pk")).order_by(f"-{field}").values(field)[:1]
    )


def stalled_applications(*, before: datetime) -> QuerySet:
    """Submitted or waiting for information, and nothing happened since before `before`: no
    change, no event (a question, an answer, a document), no decision, and no meeting it was put
    on (a meeting still ahead counts as activity), not yet anonymised."""
    changed = "updated_at"
    return (
        SupportApplication.objects.filter(status__in=STALLED_STATUSES, anonymised_at__isnull=True)
        .annotate(
            last_active=Greatest(
                changed,
                Coalesce(_latest(SupportEvent.objects.all(), "created_at"), changed),
                Coalesce(_latest(SupportDecision.objects.all(), "decided_at"), changed),
                Coalesce(_latest(AgendaItem.objects.all(), "added_at"), changed),
                Coalesce(_latest(AgendaItem.objects.all(), "meeting__starts_at"), changed),
            )
        )
        .filter(updated_at__lt=before, last_active__lt=before)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def old_drafts(*, before: datetime) -> QuerySet:
    return (
        SupportApplication.objects.filter(status=SupportStatus.DRAFT, updated_at__lt=before)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _anonymise(ids, *, before: datetime) -> int:
    done = 0
    for application_id in ids:
        if not ended_applications(before=before).filter(pk=application_id).exists():
            continue  # reopened, or anonymised meanwhile by another run
        done += services.support_anonymise(application_id=application_id)
    return done


def _anonymise_stalled(ids, *, before: datetime) -> int:
    done = 0
    for application_id in ids:
        if not stalled_applications(before=before).filter(pk=application_id).exists():
            continue  # acted on meanwhile, or anonymised by another run
        done += services.support_anonymise(application_id=application_id)
    return done


def _delete_drafts(ids, *, before: datetime) -> int:
    done = 0
    for application_id in ids:
        if not old_drafts(before=before).filter(pk=application_id).exists():
            continue  # changed or submitted meanwhile
        done += services.support_draft_delete(application_id=application_id)
    return done


register(
    RetentionStep(
        name="ended-support-applications",
        label=_("Support applications that ended (child data and documents)"),
        action=ANONYMISE,
        period_setting="RETENTION_SUPPORT_YEARS",
        find=ended_applications,
        apply=_anonymise,
        order=22,
    ),
    RetentionStep(
        name="stalled-support-applications",
        label=_(
            "Support applications left waiting with nothing happening (child data and documents)"
        ),
        action=ANONYMISE,
        period_setting="RETENTION_SUPPORT_YEARS",
        find=stalled_applications,
        apply=_anonymise_stalled,
        order=22,
    ),
    RetentionStep(
        name="support-drafts",
        label=_("Drafts of support applications nobody has touched"),
        action=DELETE,
        period_setting="RETENTION_SUPPORT_DRAFT_YEARS",
        find=old_drafts,
        apply=_delete_drafts,
        order=23,
    ),
)
