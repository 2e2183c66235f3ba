"""Reads of the visitation meetings: the board's items, the list, links to the application."""

from django.db.models import Count, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from indsats.models import (
    GRANTING_OUTCOMES,
    AgendaItem,
    AgendaItemStatus,
    AgendaPurpose,
    SupportApplication,
    SupportDecision,
    SupportDocument,
    VisitationMeeting,
    VisitationMeetingStatus,
)


def support_url(application: SupportApplication) -> str:
    return reverse("support_detail", args=[application.pk])


def document_url(document: SupportDocument) -> str:
    return reverse("support_document_download", args=[document.pk])


def meetings_listed(meetings: QuerySet[VisitationMeeting]) -> QuerySet[VisitationMeeting]:
    """Coming meetings first (soonest first), then past ones (newest first), with counts."""
    now = timezone.now()
    from django.db.models import Case, F, IntegerField, Value, When

    return meetings.annotate(
        is_past=Case(
            When(starts_at__gte=now, then=Value(0)), default=Value(1), output_field=IntegerField()
        ),
        item_count=Count("items", filter=~Q(items__status=AgendaItemStatus.MOVED)),
        waiting_count=Count("items", filter=Q(items__status=AgendaItemStatus.WAITING)),
    ).order_by(
        "is_past",
        Case(When(starts_at__gte=now, then=F("starts_at"))).asc(),
        F("starts_at").desc(),
        "pk",
    )


def board_items(meeting: VisitationMeeting) -> list[AgendaItem]:
    """The meeting's agenda (items moved away are not on it any more), with everything the board
    shows, in a constant number of queries."""
    items = list(
        AgendaItem.objects.filter(meeting=meeting)
        .exclude(status=AgendaItemStatus.MOVED)
        .select_related("application__institution", "application__group", "decision__decided_by")
        .prefetch_related(
            # A list on the application, not its manager: `.all()` on a prefetched manager
            # clones a queryset, a millisecond per ten items on a board of a hundred.
            Prefetch(
                "application__documents",
                queryset=SupportDocument.objects.order_by("pk"),
                to_attr="shown_documents",
            ),
            # The grants of each case, newest first: a re-visitation shows the one in force
            # (and the decision form starts from it) without a query per item.
            Prefetch(
                "application__decisions",
                queryset=SupportDecision.objects.filter(outcome__in=GRANTING_OUTCOMES).order_by(
                    "-decided_at", "-pk"
                ),
                to_attr="granting_decisions",
            ),
        )
        .order_by("added_at", "pk")
    )
    for item in items:
        item.meeting = meeting  # the decision form's earliest start reads its day
        # What the board and the files show beside the item (set here, read by templates).
        setattr(item, "support_url", support_url(item.application))  # noqa: B010
        setattr(item, "made_decision", decision_of(item))  # noqa: B010
        setattr(item, "grant_before", grant_before(item))  # noqa: B010
        for document in item.application.shown_documents:  # type: ignore[attr-defined]
            setattr(document, "download_url", document_url(document))  # noqa: B010
    return items


def grant_before(item: AgendaItem) -> SupportDecision | None:
    """For a re-visitation: the grant in force that it re-visits (the newest grant not made on
    this item). None for other items."""
    if item.purpose != AgendaPurpose.REVISIT:
        return None
    grants = getattr(item.application, "granting_decisions", None)
    if grants is None:
        grants = SupportDecision.objects.filter(
            application=item.application, outcome__in=GRANTING_OUTCOMES
        ).order_by("-decided_at", "-pk")
    return next((g for g in grants if g.agenda_item_id != item.pk), None)


def decision_of(item: AgendaItem):
    try:
        return item.decision
    except AgendaItem.decision.RelatedObjectDoesNotExist:  # type: ignore[attr-defined]
        return None


def other_planned_meetings(meeting: VisitationMeeting) -> list[VisitationMeeting]:
    return list(
        VisitationMeeting.objects.filter(
            status=VisitationMeetingStatus.PLANNED, starts_at__gt=timezone.now()
        )
        .exclude(pk=meeting.pk)
        .order_by("starts_at", "pk")
    )
