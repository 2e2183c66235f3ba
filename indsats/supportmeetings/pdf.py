"""The visitation meeting's agenda and minutes, and the decision letter, as PDF (WeasyPrint)."""

from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation
from weasyprint import HTML

from indsats.agreements.pdf import font_config
from indsats.models import AgendaItem, AgendaItemStatus, SupportDecision, VisitationMeeting
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


def decision_letter_pdf(decision: SupportDecision) -> bytes:
    return _render(
        "pdf/support_decision_letter.html",
        {
            "decision": decision,
            "app": decision.application,
            "meeting": decision.agenda_item.meeting,
        },
    )
