"""Retention of the visitation meetings' general minutes, registered from IndsatsConfig.ready():
they are free text that may name the children of the cases on the agenda, so they go with those
cases: once every application that was ever on the meeting's agenda has been anonymised (ended,
or left waiting, see indsats/support/retention.py) and the meeting lies `RETENTION_SUPPORT_YEARS`
back (a meeting with no cases at all goes then too). The step runs after the applications' steps,
so a meeting whose last case goes tonight goes tonight too."""

from datetime import datetime

from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext_lazy as _

from indsats.models import AgendaItem, VisitationMeeting
from indsats.supportmeetings import services
from institutioner.retention.registry import ANONYMISE, RetentionStep, register


def meetings_past(*, before: datetime) -> QuerySet:
    """Started before `before`, every case on its agenda anonymised, not yet anonymised."""
    case_kept = AgendaItem.objects.filter(
        meeting=OuterRef("pk"), application__anonymised_at__isnull=True
    )
    return (
        VisitationMeeting.objects.filter(anonymised_at__isnull=True, starts_at__lt=before)
        .exclude(Exists(case_kept))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _anonymise(ids, *, before: datetime) -> int:
    done = 0
    for meeting_id in ids:
        if not meetings_past(before=before).filter(pk=meeting_id).exists():
            continue  # anonymised meanwhile by another run
        done += services.visitation_meeting_anonymise(meeting_id=meeting_id)
    return done


register(
    RetentionStep(
        name="visitation-meeting-minutes",
        label=_("Visitation meetings' minutes, once all their cases are anonymised"),
        action=ANONYMISE,
        period_setting="RETENTION_SUPPORT_YEARS",
        find=meetings_past,
        apply=_anonymise,
        order=24,
    ),
)
