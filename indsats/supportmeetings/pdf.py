"""The visitation meeting's agenda and minutes, and the decision letter, as PDF (WeasyPrint)."""

from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from weasyprint import HTML

from indsats.agreements.pdf import font_config
from indsats.models import (
    GRANTING_OUTCOMES,
    AgendaItem,
    AgendaItemStatus,
    SupportDecision,
    SupportKind,
    SupportOutcome,
    VisitationMeeting,
)
from indsats.supportmeetings import selectors


def _render(template: str, context: dict) -> bytes:
    logo = finders.find(settings.MUNICIPALITY_LOGO)
    context = {
        **context,
        "municipality": settings.MUNICIPALITY_NAME,
        "logo_url": Path(logo).as_uri() if logo else "",
    }
    with translation.override("da"):
        html = render_to_string(template, context)
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(font_config=font_config())


def agenda_items(meeting: VisitationMeeting) -> list[AgendaItem]:
    """The items the agenda shows: the board's, without those taken off it."""
    taken_off = (AgendaItemStatus.REMOVED, AgendaItemStatus.AWAITING_INFO)
    return [item for item in selectors.board_items(meeting) if item.status not in taken_off]


def minutes_items(meeting: VisitationMeeting) -> list[AgendaItem]:
    """The items the minutes show: those decided."""
    return [
        item for item in selectors.board_items(meeting) if selectors.decision_of(item) is not None
    ]


def agenda_pdf(meeting: VisitationMeeting, items: list[AgendaItem]) -> bytes:
    """For the committee: the items (`agenda_items`) with institution, kind, purpose, the
    child's name and birth date."""
    return _render(
        "pdf/visitation_agenda.html",
        {"meeting": meeting, "items": items, "members": list(meeting.members.all())},
    )


def minutes_pdf(meeting: VisitationMeeting, items: list[AgendaItem]) -> bytes:
    """The decisions (`minutes_items`) with their reasons."""
    return _render(
        "pdf/visitation_minutes.html",
        {"meeting": meeting, "items": items, "members": list(meeting.members.all())},
    )


# The letter speaks of what was applied for (seed 001): support hours given by the institution's
# own staff, or a place (Stendalen, an I-place, a double place), which has no hours.
LETTER_TITLES: dict[str, Promise] = {
    SupportKind.SUPPORT_HOURS: _("Decision on compensatory support"),
    SupportKind.STENDALEN: _("Decision on a place in Stendalen"),
    SupportKind.I_PLACE: _("Decision on an I-place"),
    SupportKind.DOUBLE_PLACE: _("Decision on a double place"),
}


def _ended_grant(decision: SupportDecision) -> SupportDecision | None:
    """The grant an ending stopped: the newest grant made before it."""
    return (
        SupportDecision.objects.filter(
            application_id=decision.application_id,
            outcome__in=GRANTING_OUTCOMES,
            decided_at__lte=decision.decided_at,
        )
        .exclude(pk=decision.pk)
        .order_by("-decided_at", "-pk")
        .first()
    )


def decision_letter_pdf(decision: SupportDecision) -> bytes:
    """The letter of a grant (hours, period, re-visitation), a rejection (what was applied for)
    or an ending (the grant that stops and its last day), each with the reasons and the
    complaint guide (klagevejledning)."""
    app = decision.application
    ending = decision.outcome == SupportOutcome.ENDED
    with translation.override("da"):
        guide = selectors.complaint_guide()
    return _render(
        "pdf/support_decision_letter.html",
        {
            "decision": decision,
            "app": app,
            "meeting": decision.agenda_item.meeting,
            "letter_title": LETTER_TITLES.get(app.kind, LETTER_TITLES[SupportKind.SUPPORT_HOURS]),
            "is_place": app.kind != SupportKind.SUPPORT_HOURS,
            "is_grant": decision.outcome in GRANTING_OUTCOMES,
            # A partial grant names what was applied for too, as a rejection does.
            "is_partial": decision.outcome == SupportOutcome.PARTLY_GRANTED,
            "is_ending": ending,
            "is_rejection": decision.outcome == SupportOutcome.REJECTED,
            "ended_grant": _ended_grant(decision) if ending else None,
            "complaint_guide": guide,
        },
    )
