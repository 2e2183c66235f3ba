"""The demo's kompenserende støtte: applications in every state, visitation meetings and
decisions, granted hours on the dashboards, and a case due for re-visitation.

Built directly with the models (as a history would have left them): each application has the
documents its kind requires (small real PDF and PNG files saved through the support storage),
the custody holders' consent, and a SupportEvent for every step. The children are fictional.
"""

import hashlib
import struct
import zlib
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.translation import gettext as _

from indsats.models import (
    REQUIRED_ASSESSMENTS,
    AgendaItem,
    AgendaItemStatus,
    AgendaPurpose,
    AssessmentKind,
    CustodyConsent,
    SupportApplication,
    SupportDecision,
    SupportDocument,
    SupportEvent,
    SupportEventKind,
    SupportKind,
    SupportOutcome,
    SupportStatus,
    VisitationMeeting,
    VisitationMeetingStatus,
)
from institutioner import workdays
from institutioner.models import Institution, Role, User


def _pdf(title: str) -> bytes:
    """A one-page PDF with a line of text: small, but a real PDF any reader opens."""
    text = title.encode("latin-1", "replace").replace(b"(", b"[").replace(b")", b"]")
    stream = b"BT /F1 14 Tf 72 770 Td (" + text + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return out


def _png(width: int = 24, height: int = 16) -> bytes:
    """A small grey PNG (a scanned statement's stand-in)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body))
            + kind
            + body
            + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
        )

    rows = b"".join(b"\x00" + b"\xc8" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


DOCUMENT_NAMES: dict[str, str] = {
    AssessmentKind.PPV: "PPV-udtalelse.pdf",
    AssessmentKind.MEDICAL: "Lægeerklæring.png",
    AssessmentKind.INTERDISCIPLINARY: "Tværfaglig vurdering.pdf",
    AssessmentKind.OTHER: "Handleplan.pdf",
}


def _at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    return workdays.at_local(day, time(hour, minute))


def _event(app, kind, actor, when, *, from_status="", to_status="", message="") -> None:
    event = SupportEvent.objects.create(
        application=app,
        kind=kind,
        actor=actor,
        from_status=from_status,
        to_status=to_status,
        message=message,
    )
    # The history as it happened (created_at is set on insert).
    SupportEvent.objects.filter(pk=event.pk).update(created_at=when)


def _documents(app: SupportApplication, leader: User, when: datetime) -> None:
    for kind in REQUIRED_ASSESSMENTS[app.kind]:
        name = DOCUMENT_NAMES[kind]
        label = AssessmentKind(kind).label
        content = _png() if name.endswith(".png") else _pdf(f"{label}: demo")
        document = SupportDocument(
            application=app,
            kind=kind,
            name=name,
            mimetype="image/png" if name.endswith(".png") else "application/pdf",
            size=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
            uploaded_by=leader,
            uploaded_at=when,
        )
        document.file.save(name, ContentFile(content), save=False)
        document.save()
        _event(app, SupportEventKind.DOCUMENT_ADDED, leader, when, message=f"{label}: {name}")


@dataclass
class Child:
    name: str
    born: date
    needs: str


CHILDREN = [
    Child(
        "Ida Lauridsen",
        date(2022, 3, 14),
        "Ida har brug for en voksen tæt på i overgange og ved af- og påklædning.",
    ),
    Child(
        "Oscar Bech",
        date(2021, 9, 2),
        "Oscar har svært ved at regulere sig i større grupper og har brug for støtte til leg.",
    ),
    Child(
        "Alma Nørgaard",
        date(2023, 1, 27),
        "Alma har et stort behov for støtte til kommunikation og til at indgå i fællesskabet.",
    ),
    Child(
        "Viggo Thomsen",
        date(2022, 11, 8),
        "Viggo har brug for hjælp til at komme i gang med aktiviteter og til spisesituationer.",
    ),
    Child(
        "Ella Kristiansen",
        date(2021, 6, 19),
        "Ella har brug for støtte til motorik og til at færdes på legepladsen.",
    ),
    Child(
        "Noah Poulsen",
        date(2022, 7, 3),
        "Noah har brug for støtte i samspillet med de andre børn.",
    ),
    Child(
        "Freja Mikkelsen",
        date(2021, 12, 11),
        "Freja har brug for en fast voksen i hverdagens skift.",
    ),
    Child(
        "Karl Andreasen",
        date(2023, 5, 30),
        "Karl har brug for hjælp til sprog og til at forstå dagens rytme.",
    ),
    Child(
        "Clara Frederiksen",
        date(2021, 4, 22),
        "Clara har omfattende behov for støtte gennem hele dagen.",
    ),
    Child(
        "William Jakobsen",
        date(2024, 2, 15),
        "William har behov for skærmede rammer og en voksen tæt på.",
    ),
    Child(
        "Agnes Vinther",
        date(2022, 10, 4),
        "Agnes har brug for støtte til at være i gruppen og til søvn.",
    ),
    Child(
        "Malthe Dam",
        date(2021, 8, 28),
        "Malthe har brug for hjælp til overgange og til at sige fra i legen.",
    ),
    Child(
        "Sofus Lind",
        date(2023, 8, 9),
        "Sofus har brug for støtte til spisning og til at falde til ro.",
    ),
    # Last year's visitations (their support has ended since).
    Child("Lea Østergaard", date(2021, 2, 3), "Lea har brug for støtte til overgange."),
    Child("Elias Schmidt", date(2021, 10, 21), "Elias har brug for støtte i legen."),
    Child("Olivia Knudsen", date(2022, 1, 9), "Olivia har brug for støtte til sprog."),
    Child("Lucas Friis", date(2021, 5, 16), "Lucas har brug for en voksen ved måltiderne."),
    Child("Emma Krogh", date(2022, 4, 25), "Emma har brug for støtte til at falde til ro."),
]


def demo_support() -> None:
    """Four meetings (last year's, an older one and the past one held with decisions, the
    coming one with its agenda) and eighteen applications: a draft, submitted on the coming
    agenda (one of them a Stendalen place), more information, granted, partly granted,
    rejected, ended, withdrawn, an I-place and a double place granted, an extension at a
    re-visitation, a grant due for re-visitation within four weeks, and last year's five."""
    today = timezone.localdate()
    admin = User.objects.get(email="forvaltning@demo.dk")
    consultant = User.objects.get(email="konsulent@demo.dk")
    demo_leader = User.objects.get(email="leder@demo.dk")
    own = list(
        Institution.objects.filter(memberships__user=demo_leader).order_by("pk")
    )  # two in Ullerup Bæk
    by_district = {
        name: list(Institution.objects.filter(district__name=name).order_by("pk"))
        for name in ("Ullerup Bæk", "Nordstrand", "Skovhøj", "Engdalen", "Søvang")
    }

    def leader_of(institution: Institution) -> User:
        return (
            User.objects.filter(memberships__institution=institution, role=Role.LEADER)
            .order_by("pk")
            .first()
            or demo_leader
        )

    def meeting(day: date, status: str, deadline: date) -> VisitationMeeting:
        held = VisitationMeeting.objects.create(
            starts_at=_at(day, 9),
            ends_at=_at(day, 12),
            place="Rådhuset, mødelokale 3",
            application_deadline=deadline,
            status=status,
            created_by=admin,
        )
        held.members.set([admin, consultant])
        return held

    older_day = workdays.working_day_on_or_before(today - timedelta(days=150))
    past_day = workdays.working_day_on_or_before(today - timedelta(days=21))
    coming_day = workdays.working_day_on_or_after(today + timedelta(days=14))
    older = meeting(older_day, VisitationMeetingStatus.HELD, older_day - timedelta(days=14))
    past = meeting(past_day, VisitationMeetingStatus.HELD, past_day - timedelta(days=14))
    coming = meeting(coming_day, VisitationMeetingStatus.PLANNED, coming_day - timedelta(days=7))
    past.minutes = "Udvalget gennemgik ansøgningerne på dagsordenen. Afgørelserne er sendt."
    past.save(update_fields=["minutes"])
    children = iter(CHILDREN)

    def application(
        institution: Institution,
        *,
        kind=SupportKind.SUPPORT_HOURS,
        hours: str | None = "8.0",
        submitted: date | None,
        weeks: int = 26,
        one_consents: bool = False,
    ) -> SupportApplication:
        child = next(children)
        leader = leader_of(institution)
        created = _at((submitted or today) - timedelta(days=5), 13)
        start = (submitted or today) + timedelta(days=30)
        app = SupportApplication.objects.create(
            kind=kind,
            institution=institution,
            group=institution.groups.order_by("pk").first(),
            child_name=child.name,
            child_birth_date=child.born,
            everyday_needs=child.needs,
            tried_already=(
                "Faste voksne i overgangene, billedstøtte og små grupper i "
                "formiddagen; sparring med læringsmiljøpædagogen."
            ),
            hours_per_week=Decimal(hours) if hours else None,
            period_start=start,
            period_end=start + timedelta(weeks=weeks),
            custody_consent=CustodyConsent.ONE if one_consents else CustodyConsent.BOTH,
            single_consent_reason="Far har forældremyndigheden alene." if one_consents else "",
            status=SupportStatus.DRAFT,
            created_by=leader,
        )
        SupportApplication.objects.filter(pk=app.pk).update(created_at=created)
        _event(app, SupportEventKind.CREATED, leader, created, to_status=SupportStatus.DRAFT)
        if submitted is None:
            return app
        _documents(app, leader, created + timedelta(days=2))
        when = _at(submitted, 14)
        app.status = SupportStatus.SUBMITTED
        app.submitted_at = when
        app.save(update_fields=["status", "submitted_at"])
        _event(
            app,
            SupportEventKind.SUBMITTED,
            leader,
            when,
            from_status=SupportStatus.DRAFT,
            to_status=SupportStatus.SUBMITTED,
        )
        return app

    def on_agenda(app, held, purpose=AgendaPurpose.NEW, when=None) -> AgendaItem:
        added = when or (app.submitted_at + timedelta(minutes=1))
        item = AgendaItem.objects.create(
            meeting=held, application=app, purpose=purpose, added_at=added
        )
        # As the app logs it: a re-visitation is placed by the administration, the rest by
        # the rules (submitted or answered in time).
        if purpose == AgendaPurpose.REVISIT:
            _event(app, SupportEventKind.ON_AGENDA, admin, added, message=str(held))
        else:
            automatic = _("Put on the agenda of %(meeting)s automatically.") % {"meeting": held}
            _event(app, SupportEventKind.ON_AGENDA, None, added, message=automatic)
        return item

    def decide(
        app,
        held,
        outcome,
        *,
        status,
        hours: str | None = None,
        start: date | None = None,
        end: date | None = None,
        revisit: date | None = None,
        reasons: str,
        purpose=AgendaPurpose.NEW,
    ) -> SupportDecision:
        item = on_agenda(
            app,
            held,
            purpose,
            when=None if purpose == AgendaPurpose.NEW else held.starts_at - timedelta(days=20),
        )
        when = held.starts_at + timedelta(hours=2)
        item.status = AgendaItemStatus.DECIDED
        item.save(update_fields=["status"])
        decision = SupportDecision.objects.create(
            application=app,
            agenda_item=item,
            outcome=outcome,
            hours_per_week=Decimal(hours) if hours else None,
            period_start=start,
            period_end=end,
            revisit_on=revisit,
            reasons=reasons,
            decided_by=consultant,
            decided_at=when,
        )
        before = app.status
        app.status = status
        app.decided_at = when
        app.revisit_on = revisit
        app.save(update_fields=["status", "decided_at", "revisit_on"])
        _event(
            app,
            SupportEventKind.DECIDED,
            consultant,
            when,
            from_status=before,
            to_status=status,
            message=reasons,
        )
        return decision

    north, nord, skov, eng, soe = (
        by_district["Ullerup Bæk"],
        by_district["Nordstrand"],
        by_district["Skovhøj"],
        by_district["Engdalen"],
        by_district["Søvang"],
    )
    granted_from = past_day + timedelta(days=7)

    # A draft at the demo leader's first institution.
    application(own[0], submitted=None, hours="6.0")

    # Submitted, waiting on the coming meeting's agenda (the demo leader's second institution).
    waiting = application(own[1], submitted=today - timedelta(days=6), hours="10.0")
    on_agenda(waiting, coming)

    # More information needed (decided at the past meeting).
    app = application(skov[2], submitted=past_day - timedelta(days=20), hours="12.0")
    decide(
        app,
        past,
        SupportOutcome.MORE_INFO,
        status=SupportStatus.NEEDS_INFO,
        reasons="Udvalget beder om en beskrivelse af de pædagogiske tiltag i de seneste tre "
        "måneder og PPR's opdaterede vurdering.",
    )

    # Granted at the past meeting, at the demo leader's first institution.
    app = application(own[0], submitted=past_day - timedelta(days=18), hours="8.0")
    decide(
        app,
        past,
        SupportOutcome.GRANTED,
        status=SupportStatus.GRANTED,
        hours="8.0",
        start=granted_from,
        end=granted_from + timedelta(weeks=26),
        revisit=granted_from + timedelta(weeks=22),
        reasons="Behovet er dokumenteret i PPV og den tværfaglige vurdering; de pædagogiske "
        "tiltag er afprøvet.",
    )

    # Partly granted: 6 of the 12 hours asked for.
    app = application(nord[1], submitted=past_day - timedelta(days=16), hours="12.0")
    decide(
        app,
        past,
        SupportOutcome.PARTLY_GRANTED,
        status=SupportStatus.PARTLY_GRANTED,
        hours="6.0",
        start=granted_from,
        end=granted_from + timedelta(weeks=20),
        revisit=granted_from + timedelta(weeks=16),
        reasons="Støtten bevilges i formiddagstimerne, hvor behovet er størst.",
    )

    # Rejected.
    app = application(soe[2], submitted=past_day - timedelta(days=15), hours="5.0")
    decide(
        app,
        past,
        SupportOutcome.REJECTED,
        status=SupportStatus.REJECTED,
        reasons="Behovet kan afhjælpes af dagtilbuddets egne pædagogiske tiltag; "
        "læringsmiljøpædagogen tilbyder sparring.",
    )

    # Granted at the older meeting, ended at the past one (re-visitation).
    app = application(eng[1], submitted=older_day - timedelta(days=20), hours="7.0")
    decide(
        app,
        older,
        SupportOutcome.GRANTED,
        status=SupportStatus.GRANTED,
        hours="7.0",
        start=older_day + timedelta(days=7),
        end=older_day + timedelta(days=7, weeks=26),
        revisit=past_day,
        reasons="Behovet er dokumenteret.",
    )
    decide(
        app,
        past,
        SupportOutcome.ENDED,
        status=SupportStatus.ENDED,
        reasons="Barnet trives nu uden støtte; institutionen fortsætter de faste rutiner.",
        purpose=AgendaPurpose.REVISIT,
    )

    # Withdrawn: submitted, on the coming agenda, then taken back by the leader.
    app = application(nord[2], submitted=today - timedelta(days=10), hours="4.0")
    item = on_agenda(app, coming)
    item.status = AgendaItemStatus.REMOVED
    item.save(update_fields=["status"])
    leader = leader_of(nord[2])
    _event(
        app,
        SupportEventKind.WITHDRAWN,
        leader,
        _at(today - timedelta(days=3), 11),
        from_status=SupportStatus.SUBMITTED,
        to_status=SupportStatus.WITHDRAWN,
        message="Familien flytter til en anden kommune.",
    )
    app.status = SupportStatus.WITHDRAWN
    app.save(update_fields=["status"])

    # The special places: Stendalen waiting on the coming agenda, an I-place granted at the
    # past meeting, a double place granted at the older one.
    stendalen = application(
        north[3], kind=SupportKind.STENDALEN, hours=None, submitted=today - timedelta(days=8)
    )
    on_agenda(stendalen, coming)
    app = application(
        skov[4], kind=SupportKind.I_PLACE, hours=None, submitted=past_day - timedelta(days=17)
    )
    decide(
        app,
        past,
        SupportOutcome.GRANTED,
        status=SupportStatus.GRANTED,
        start=granted_from,
        end=granted_from + timedelta(weeks=48),
        revisit=granted_from + timedelta(weeks=40),
        reasons="En I-plads i Skovhøjs inkluderende gruppe fra næste måned.",
    )
    app = application(
        soe[4],
        kind=SupportKind.DOUBLE_PLACE,
        hours=None,
        submitted=older_day - timedelta(days=16),
        one_consents=True,
    )
    decide(
        app,
        older,
        SupportOutcome.GRANTED,
        status=SupportStatus.GRANTED,
        start=older_day + timedelta(days=7),
        end=older_day + timedelta(days=7, weeks=52),
        revisit=older_day + timedelta(weeks=44),
        reasons="Barnet fylder to pladser i vuggestuegruppen det første år.",
    )

    # Extended at a re-visitation: granted at the older meeting, extended at the past one.
    app = application(eng[3], submitted=older_day - timedelta(days=19), hours="9.0")
    first_end = past_day + timedelta(days=10)
    decide(
        app,
        older,
        SupportOutcome.GRANTED,
        status=SupportStatus.GRANTED,
        hours="9.0",
        start=older_day + timedelta(days=7),
        end=first_end,
        revisit=past_day,
        reasons="Behovet er dokumenteret.",
    )
    decide(
        app,
        past,
        SupportOutcome.EXTENDED,
        status=SupportStatus.GRANTED,
        hours="6.0",
        start=first_end + timedelta(days=1),
        end=first_end + timedelta(weeks=26),
        revisit=first_end + timedelta(weeks=22),
        reasons="Støtten forlænges med færre timer; barnet er kommet godt i gang.",
        purpose=AgendaPurpose.REVISIT,
    )

    # Last year: a meeting with five decisions (the year before in Støttestatistik and in last
    # year's report); the grants ran until the older meeting, which ended them.
    last_year_day = workdays.working_day_on_or_before(today - timedelta(days=420))
    last_year = meeting(
        last_year_day, VisitationMeetingStatus.HELD, last_year_day - timedelta(days=14)
    )
    for institution, hours, outcome, status in (
        (north[4], "6.0", SupportOutcome.GRANTED, SupportStatus.GRANTED),
        (skov[1], "8.0", SupportOutcome.GRANTED, SupportStatus.GRANTED),
        (nord[3], "10.0", SupportOutcome.PARTLY_GRANTED, SupportStatus.PARTLY_GRANTED),
        (eng[2], "5.0", SupportOutcome.REJECTED, SupportStatus.REJECTED),
        (soe[1], "7.0", SupportOutcome.GRANTED, SupportStatus.GRANTED),
    ):
        app = application(institution, submitted=last_year_day - timedelta(days=25), hours=hours)
        if outcome == SupportOutcome.REJECTED:
            decide(
                app,
                last_year,
                outcome,
                status=status,
                reasons="Behovet kan afhjælpes af dagtilbuddets egne pædagogiske tiltag.",
            )
            continue
        decide(
            app,
            last_year,
            outcome,
            status=status,
            hours=str(Decimal(hours) / 2) if outcome == SupportOutcome.PARTLY_GRANTED else hours,
            start=last_year_day + timedelta(days=7),
            end=older_day,
            revisit=older_day,
            reasons="Behovet er dokumenteret i PPV og den tværfaglige vurdering.",
        )
        decide(
            app,
            older,
            SupportOutcome.ENDED,
            status=SupportStatus.ENDED,
            reasons="Målene er nået; institutionen fortsætter med egne tiltag.",
            purpose=AgendaPurpose.REVISIT,
        )

    # Granted at the older meeting and due for re-visitation within four weeks (the demo
    # leader's second institution).
    app = application(own[1], submitted=older_day - timedelta(days=18), hours="10.0")
    decide(
        app,
        older,
        SupportOutcome.GRANTED,
        status=SupportStatus.GRANTED,
        hours="10.0",
        start=older_day + timedelta(days=7),
        end=today + timedelta(days=30),
        revisit=today + timedelta(days=18),
        reasons="Behovet er dokumenteret i PPV og den tværfaglige vurdering.",
    )

    # A past beyond the retention periods (README: Retention), so the dry run shows both steps:
    # a case withdrawn six years ago, and a draft nobody has touched for two years.
    long_ago = timezone.now() - timedelta(days=6 * 365)

    def case_long_ago(status: str, steps: list[tuple], **fields) -> None:
        """A case of the demo leader's first institution made, sent and left six years ago,
        with its documents and its steps ((kind, actor, from, to, message), the first the
        draft's creation)."""
        case = SupportApplication.objects.create(
            kind=SupportKind.SUPPORT_HOURS,
            institution=own[0],
            group=own[0].groups.order_by("pk").first(),
            custody_consent=CustodyConsent.BOTH,
            status=status,
            created_by=demo_leader,
            **fields,
        )
        SupportApplication.objects.filter(pk=case.pk).update(
            created_at=long_ago, updated_at=long_ago, submitted_at=long_ago
        )
        _documents(case, demo_leader, long_ago)
        _event(case, SupportEventKind.CREATED, demo_leader, long_ago, to_status=SupportStatus.DRAFT)
        for kind, actor, from_status, to_status, message in steps:
            _event(
                case,
                kind,
                actor,
                long_ago,
                from_status=from_status,
                to_status=to_status,
                message=message,
            )

    sent = (
        SupportEventKind.SUBMITTED,
        demo_leader,
        SupportStatus.DRAFT,
        SupportStatus.SUBMITTED,
        "",
    )
    case_long_ago(
        SupportStatus.WITHDRAWN,
        [
            sent,
            (
                SupportEventKind.WITHDRAWN,
                demo_leader,
                SupportStatus.SUBMITTED,
                SupportStatus.WITHDRAWN,
                "",
            ),
        ],
        child_name="Viggo Gammelsag",
        child_birth_date=date(2014, 5, 2),
        everyday_needs="Viggo havde brug for en fast voksen i overgangene.",
        hours_per_week=Decimal("6.0"),
        period_start=long_ago.date(),
        period_end=long_ago.date() + timedelta(weeks=26),
    )
    # A case the administration asked about six years ago and the leader never answered: left
    # waiting with nothing happening, anonymised like an ended case.
    case_long_ago(
        SupportStatus.NEEDS_INFO,
        [
            sent,
            (
                SupportEventKind.QUESTION,
                admin,
                SupportStatus.SUBMITTED,
                SupportStatus.NEEDS_INFO,
                "Hvor mange timer er Alma i institutionen om ugen?",
            ),
        ],
        child_name="Alma Ventesag",
        child_birth_date=date(2015, 2, 11),
        everyday_needs="Alma havde brug for støtte ved måltiderne.",
        hours_per_week=Decimal("5.0"),
        period_start=long_ago.date() + timedelta(days=30),
        period_end=long_ago.date() + timedelta(weeks=30),
    )
    # A meeting six years ago, cancelled with a word in its general minutes and no case on its
    # agenda: its minutes are past their period (indsats/supportmeetings/retention.py).
    cancelled = meeting(
        workdays.working_day_on_or_before(long_ago.date()),
        VisitationMeetingStatus.CANCELLED,
        workdays.working_day_on_or_before(long_ago.date() - timedelta(days=14)),
    )
    VisitationMeeting.objects.filter(pk=cancelled.pk).update(
        minutes="Aflyst: ingen ansøgninger nåede fristen."
    )
    stale = SupportApplication.objects.create(
        kind=SupportKind.SUPPORT_HOURS,
        institution=own[0],
        child_name="Ingrid Kladde",
        child_birth_date=date(2021, 9, 9),
        everyday_needs="Kladde, som aldrig blev færdig.",
        period_start=today - timedelta(days=700),
        period_end=today - timedelta(days=500),
        created_by=demo_leader,
    )
    two_years = timezone.now() - timedelta(days=2 * 365)
    SupportApplication.objects.filter(pk=stale.pk).update(
        created_at=two_years, updated_at=two_years
    )
    _event(stale, SupportEventKind.CREATED, demo_leader, two_years, to_status=SupportStatus.DRAFT)
