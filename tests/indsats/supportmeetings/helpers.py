"""Applications, documents and meetings made directly (the application room is built apart)."""

from datetime import date, timedelta
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone

from indsats.models import (
    AssessmentKind,
    CustodyConsent,
    SupportApplication,
    SupportDocument,
    SupportStatus,
    VisitationMeeting,
)
from indsats.supportmeetings import services
from institutioner.workdays import working_day_on_or_after

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def make_application(
    world,
    *,
    child="Emil Eksempel",
    status=SupportStatus.SUBMITTED,
    days_ago=3,
    institution=None,
    documents=1,
    **extra,
):
    institution = institution or world.institution
    values = {
        "hours_per_week": Decimal("10.0"),
        "period_start": timezone.localdate() + timedelta(days=30),
        "period_end": timezone.localdate() + timedelta(days=300),
        **extra,
    }
    app = SupportApplication.objects.create(
        institution=institution,
        group=institution.groups.order_by("name").first(),
        child_name=child,
        child_birth_date=date(2022, 5, 17),
        everyday_needs="Hjælp til overgange og samling.",
        custody_consent=CustodyConsent.BOTH,
        status=status,
        created_by=world.leader if institution == world.institution else world.outsider,
        submitted_at=timezone.now() - timedelta(days=days_ago),
        **values,
    )
    for number in range(documents):
        SupportDocument.objects.create(
            application=app,
            kind=AssessmentKind.PPV,
            file=ContentFile(PDF, name="ppv.pdf"),
            name=f"ppv-{number}.pdf",
            mimetype="application/pdf",
            size=len(PDF),
            sha256="0" * 64,
            uploaded_by=app.created_by,
        )
    return app


def plan(world, *, days=14, deadline_days=7, members=(), place="Rådhuset, lokale 2"):
    start = timezone.localtime() + timedelta(days=days)
    if days >= 7:
        # Some weeks ahead: on a working day, as the meeting form asks, whatever day it is now.
        ahead = working_day_on_or_after(start.date())
        start += timedelta(days=(ahead - start.date()).days)
    start = start.replace(hour=9, minute=0, second=0, microsecond=0)
    return services.meeting_plan(
        actor=world.administrator,
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        place=place,
        application_deadline=timezone.localdate() + timedelta(days=min(deadline_days, days)),
        members=list(members) or [world.administrator],
    )


def begin(meeting):
    """Lets the meeting begin: it started a moment ago today (decisions are made at the meeting,
    not before it), its deadline before today."""
    now = timezone.localtime()
    start = max(now - timedelta(minutes=1), now.replace(hour=0, minute=0, second=0, microsecond=0))
    deadline = min(meeting.application_deadline, now.date() - timedelta(days=1))
    VisitationMeeting.objects.filter(pk=meeting.pk).update(
        starts_at=start, ends_at=start + timedelta(hours=2), application_deadline=deadline
    )
    meeting.refresh_from_db()
    return meeting


def grant(world, item, **extra):
    """Decides `item` at its meeting, which begins first if it has not."""
    meeting = VisitationMeeting.objects.get(pk=item.meeting_id)
    if meeting.starts_at > timezone.now():
        begin(meeting)
    values = {
        "outcome": "granted",
        "hours_per_week": Decimal("8.5"),
        "period_start": timezone.localdate() + timedelta(days=30),
        "period_end": timezone.localdate() + timedelta(days=300),
        "revisit_on": timezone.localdate() + timedelta(days=250),
        "reasons": "Barnet har behov for betydelig støtte i hverdagen.",
    }
    values.update(extra)
    return services.support_decide(actor=world.administrator, item_id=item.pk, **values)
