"""A small support data set built by hand with the models, for checking the statistics against
numbers computed by hand (see test_selectors.py for the sums).

2025 (and 2024 before it), two districts: Ullerup Bæk (the world's institution and
other_institution) and Søvang (outsider_institution).

    app  kind           institution           submitted          status now
    A1   support hours  Mariehønen (N)        05.03.2025 10:00   granted
    A2   support hours  Spiren (N)            20.03.2025 09:00   partly granted
    A3   Stendalen      Kildevang (S)         25.03.2025 11:00   rejected
    A4   support hours  Kildevang (S)         02.04.2025 08:30   more information
    A5   I-place        Mariehønen (N)        10.04.2025 13:00   submitted, waiting
    A6   support hours  Mariehønen (N)        15.11.2024 10:00   granted, re-visited
    A7   support hours  Mariehønen (N)        (draft)

    meeting 10.12.2024: D1 A6 granted 10.0 h/wk 01.01.2025-30.06.2025
    meeting 08.04.2025: D2 A1 granted 8.0 15.04-31.12.2025; D3 A2 partly 5.0 01.05-31.10.2025;
                        D4 A3 rejected
    meeting 06.05.2025: D5 A4 more information; D6 A6 (re-visit) extended 6.0 01.07-31.12.2025
"""

from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

from indsats.models import (
    AgendaItem,
    AgendaItemStatus,
    AgendaPurpose,
    CustodyConsent,
    SupportApplication,
    SupportDecision,
    SupportKind,
    SupportOutcome,
    SupportStatus,
    VisitationMeeting,
    VisitationMeetingStatus,
)

CPH = ZoneInfo("Europe/Copenhagen")


def at(day: date, hour: int = 12, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=CPH)


def application(
    world,
    *,
    institution,
    kind=SupportKind.SUPPORT_HOURS,
    submitted=None,
    status=SupportStatus.SUBMITTED,
    name="Alma Jensen",
):
    return SupportApplication.objects.create(
        kind=kind,
        institution=institution,
        child_name=name,
        child_birth_date=date(2022, 5, 17),
        everyday_needs="Hjælp til overgange og til at være i fællesskabet.",
        hours_per_week=Decimal("8.0") if kind == SupportKind.SUPPORT_HOURS else None,
        period_start=date(2025, 1, 1),
        period_end=date(2025, 12, 31),
        custody_consent=CustodyConsent.BOTH,
        status=status,
        created_by=world.leader,
        submitted_at=submitted,
    )


def meeting(world, day: date, status=VisitationMeetingStatus.HELD):
    return VisitationMeeting.objects.create(
        starts_at=at(day, 9),
        ends_at=at(day, 11),
        place="Rådhuset, mødelokale 2",
        application_deadline=date.fromordinal(day.toordinal() - 14),
        created_by=world.administrator,
        status=status,
    )


def decide(
    world,
    app,
    held,
    outcome,
    *,
    hours=None,
    start=None,
    end=None,
    revisit=None,
    purpose=AgendaPurpose.NEW,
    when=None,
):
    item = AgendaItem.objects.create(
        meeting=held,
        application=app,
        purpose=purpose,
        status=AgendaItemStatus.DECIDED,
        added_at=held.starts_at,
    )
    granting = outcome in (
        SupportOutcome.GRANTED,
        SupportOutcome.PARTLY_GRANTED,
        SupportOutcome.EXTENDED,
    )
    return SupportDecision.objects.create(
        application=app,
        agenda_item=item,
        outcome=outcome,
        hours_per_week=None if hours is None else Decimal(hours),
        period_start=start,
        period_end=end,
        revisit_on=revisit or (date(end.year, end.month, 1) if granting and end else None),
        reasons="Begrundelse.",
        decided_by=world.administrator,
        decided_at=when or at(held.starts_at.astimezone(CPH).date(), 12),
    )


def build(world):
    """The data set above; returns a namespace of the objects."""
    N1, N2, S = world.institution, world.other_institution, world.outsider_institution

    class Data:
        pass

    d = Data()
    d.a1 = application(
        world,
        institution=N1,
        submitted=at(date(2025, 3, 5), 10),
        status=SupportStatus.GRANTED,
        name="Alma Jensen",
    )
    d.a2 = application(
        world,
        institution=N2,
        submitted=at(date(2025, 3, 20), 9),
        status=SupportStatus.PARTLY_GRANTED,
        name="Bertram Holm",
    )
    d.a3 = application(
        world,
        institution=S,
        kind=SupportKind.STENDALEN,
        submitted=at(date(2025, 3, 25), 11),
        status=SupportStatus.REJECTED,
        name="Clara Møller",
    )
    d.a4 = application(
        world,
        institution=S,
        submitted=at(date(2025, 4, 2), 8, 30),
        status=SupportStatus.NEEDS_INFO,
        name="Dagmar Lund",
    )
    d.a5 = application(
        world,
        institution=N1,
        kind=SupportKind.I_PLACE,
        submitted=at(date(2025, 4, 10), 13),
        name="Emil Kjær",
    )
    d.a6 = application(
        world,
        institution=N1,
        submitted=at(date(2024, 11, 15), 10),
        status=SupportStatus.GRANTED,
        name="Frida Dahl",
    )
    d.a7 = application(world, institution=N1, status=SupportStatus.DRAFT, name="Gustav Berg")
    d.m0 = meeting(world, date(2024, 12, 10))
    d.m1 = meeting(world, date(2025, 4, 8))
    d.m2 = meeting(world, date(2025, 5, 6))
    d.d1 = decide(
        world,
        d.a6,
        d.m0,
        SupportOutcome.GRANTED,
        hours="10.0",
        start=date(2025, 1, 1),
        end=date(2025, 6, 30),
        revisit=date(2025, 5, 1),
    )
    d.d2 = decide(
        world,
        d.a1,
        d.m1,
        SupportOutcome.GRANTED,
        hours="8.0",
        start=date(2025, 4, 15),
        end=date(2025, 12, 31),
    )
    d.d3 = decide(
        world,
        d.a2,
        d.m1,
        SupportOutcome.PARTLY_GRANTED,
        hours="5.0",
        start=date(2025, 5, 1),
        end=date(2025, 10, 31),
    )
    d.d4 = decide(world, d.a3, d.m1, SupportOutcome.REJECTED)
    d.d5 = decide(world, d.a4, d.m2, SupportOutcome.MORE_INFO)
    d.d6 = decide(
        world,
        d.a6,
        d.m2,
        SupportOutcome.EXTENDED,
        hours="6.0",
        start=date(2025, 7, 1),
        end=date(2025, 12, 31),
        purpose=AgendaPurpose.REVISIT,
    )
    return d


CHILD_NAMES = [
    "Alma Jensen",
    "Bertram Holm",
    "Clara Møller",
    "Dagmar Lund",
    "Emil Kjær",
    "Frida Dahl",
    "Gustav Berg",
]
