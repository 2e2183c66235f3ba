"""Reads of the visitation meetings: the board's items, the list, links to the application."""

from django.conf import settings
from django.db.models import Count, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from indsats.models import (
    GRANTING_OUTCOMES,
    AgendaItem,
    AgendaItemStatus,
    AgendaPurpose,
    SupportApplication,
    SupportDecision,
    SupportDocument,
    SupportStatus,
    VisitationMeeting,
    VisitationMeetingStatus,
    ending_day_of,
)


def support_url(application: SupportApplication) -> str:
    return reverse("support_detail", args=[application.pk])


def complaint_guide() -> str:
    """The klagevejledning every decision letter carries (forvaltningsloven § 25: an
    administrative decision tells how to complain): the municipality's own text
    (SUPPORT_COMPLAINT_GUIDE), or a generic one that names the municipality."""
    if settings.SUPPORT_COMPLAINT_GUIDE:
        return settings.SUPPORT_COMPLAINT_GUIDE
    return _(
        "If you disagree with the decision, you can complain. Send the complaint to "
        "%(municipality)s within four weeks after you received the decision. The "
        "administration reassesses the case, and if it upholds the decision, the complaint is "
        "passed on to the complaints body."
    ) % {"municipality": settings.MUNICIPALITY_NAME}


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
    items: list[AgendaItem] = list(
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
        # An ended case's last day with support, in the same query: its status and its last
        # grant say until when the support runs.
        .annotate(ending_day=ending_day_of("application_id"))
        .order_by("added_at", "pk")
    )
    for item in items:
        item.meeting = meeting  # the decision form's earliest start reads its day
        application = item.application
        application.__dict__["ending_day"] = item.ending_day  # type: ignore[attr-defined]
        made = decision_of(item)
        # What the board and the files show beside the item (set here, read by templates).
        setattr(item, "support_url", support_url(application))  # noqa: B010
        setattr(item, "made_decision", made)  # noqa: B010
        setattr(item, "grant_before", grant_before(item))  # noqa: B010
        # An ended case: the grant in force it re-visited, or the grant made on this item, runs
        # until the ending's last day, without a re-visitation.
        mark_ended_grant(application, application.granting_decisions)  # type: ignore[attr-defined]
        if made is not None:
            mark_ended_grant(application, [made])
        for document in item.application.shown_documents:  # type: ignore[attr-defined]
            setattr(document, "download_url", document_url(document))  # noqa: B010
    return items


def mark_ended_grant(
    application: SupportApplication, grants_newest_first
) -> SupportDecision | None:
    """On an ended case, marks its last grant, the one the ending stopped, for the pages: it
    runs until the ending's last day (`last_day`, None for an ending that named no day and
    stopped it at once), and no re-visitation is shown for it. `support_over` says whether
    that day has passed. Returns the grant, or None (the case is not ended, or the grant
    given is not its last).

    The last grant is the newest: an ended case is decided no more."""
    if application.status != SupportStatus.ENDED:
        return None
    grants = [g for g in grants_newest_first if g.outcome in GRANTING_OUTCOMES]
    if not grants:
        return None
    grant = grants[0]
    newest = getattr(application, "granting_decisions", None)
    if newest and newest[0].pk != grant.pk:
        return None
    last_day = application.support_stops_on
    setattr(grant, "ended_by_ending", True)  # noqa: B010
    setattr(grant, "last_day", last_day)  # noqa: B010
    setattr(  # noqa: B010
        grant, "support_over", last_day is None or last_day < timezone.localdate()
    )
    return grant


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
