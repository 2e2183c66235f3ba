"""The demo's requests: one in every state, and a queue with realistic waiting times."""

import uuid
from dataclasses import replace
from datetime import time, timedelta
from decimal import Decimal

from django.utils import timezone

from demo.organisation import DEMO_PASSWORD
from indsats.agreements import services as agreements_services
from indsats.agreements.content import Goal, written_on
from indsats.models import EventKind, FocusLevel, InterventionRequest, LearningTheme
from indsats.requests import services as requests_services
from institutioner import workdays
from institutioner.models import Institution, Pedagogist, Role, User

NEEDS = [
    (
        "Mange konflikter i garderoben og ved overgangene. Børnene venter længe, og de voksne "
        "bruger tiden på at skille konflikter ad i stedet for at være i legen.",
        [FocusLevel.CHILDREN_GROUP, FocusLevel.LEARNING_ENVIRONMENT],
        [LearningTheme.SOCIAL],
    ),
    (
        "Vi vil gerne styrke sprogmiljøet på stuen: mange børn har dansk som andetsprog, og "
        "samlingen fungerer ikke for de yngste.",
        [FocusLevel.LEARNING_ENVIRONMENT, FocusLevel.STAFF],
        [LearningTheme.LANGUAGE, LearningTheme.CULTURE],
    ),
    (
        "Nyt personale på stuen og usikkerhed om, hvordan vi organiserer legen i mindre "
        "grupper om formiddagen.",
        [FocusLevel.STAFF, FocusLevel.LEADERSHIP],
        [LearningTheme.PERSONAL, LearningTheme.BODY],
    ),
    (
        "Udelivet fylder meget, men de voksne er mest opsyn. Vi vil gerne blive bedre til at "
        "bruge naturen pædagogisk.",
        [FocusLevel.LEARNING_ENVIRONMENT],
        [LearningTheme.NATURE],
    ),
]


def _data(institution: Institution, leader: User, n: int, *, start_in_days: int) -> dict:
    need, focus, themes = NEEDS[n % len(NEEDS)]
    group = institution.groups.order_by("name")[n % institution.groups.count()]
    return {
        "institution": institution,
        "group": group,
        "need": need,
        "focus_levels": focus,
        "themes": themes,
        "age_group": group.age_group,
        "group_size": 14 + (n * 5) % 12,
        "tried_already": "Vi har drøftet det på personalemødet og prøvet faste pladser.",
        # A wished start on a working day, as the request form asks (never Christmas Day).
        "wished_start": workdays.working_day_on_or_after(
            timezone.localdate() + timedelta(days=start_in_days)
        ),
        "wished_weeks": 8 + (n % 3) * 2,
        "wished_weekdays": [n % 5, (n + 2) % 5],
        "wished_time_from": time(8, 30),
        "wished_time_to": time(12, 0),
        "contact_name": leader.name,
        "contact_phone": "",
        "contact_email": leader.email,
    }


def _create(leader, institution, n, *, start_in_days=21, submit=True, waited_days=0):
    req, _ = requests_services.request_create(
        actor=leader,
        data=_data(institution, leader, n, start_in_days=start_in_days),
        client_token=uuid.uuid4(),
    )
    if submit:
        requests_services.request_submit(actor=leader, request_id=req.pk)
        if waited_days:
            # The demo shows a queue that has been waiting; the app itself never backdates.
            # The request, its history and the queue's "waited" all tell the same time: written
            # an hour before it was submitted, `waited_days` ago.
            submitted = timezone.now() - timedelta(days=waited_days)
            written = submitted - timedelta(hours=1)
            InterventionRequest.objects.filter(pk=req.pk).update(
                submitted_at=submitted, created_at=written, updated_at=submitted
            )
            req.events.filter(kind=EventKind.CREATED).update(created_at=written)
            req.events.filter(kind=EventKind.SUBMITTED).update(created_at=submitted)
            req.refresh_from_db()
    return req


def _accept(admin, req, pedagogist, hours, reason=""):
    return requests_services.request_accept(
        actor=admin,
        request_id=req.pk,
        choices=[
            requests_services.AllocationChoice(pedagogist=pedagogist, weekly_hours=Decimal(hours))
        ],
        reason=reason or "Fast tilknyttet og har tid i perioden.",
    )


def demo_requests() -> None:
    admin = User.objects.get(email="forvaltning@demo.dk")
    leader = User.objects.get(email="leder@demo.dk")
    sofie = Pedagogist.objects.get(user__email="paedagog@demo.dk")
    first, second = leader.institutions.order_by("pk")[:2]

    # The demo leader's own requests, one in every state.
    _create(leader, first, 0, submit=False)
    _create(leader, second, 1, waited_days=12)
    asked = _create(leader, first, 2, waited_days=5)
    requests_services.request_ask_info(
        actor=admin,
        request_id=asked.pk,
        question="Hvor mange voksne er der på stuen om formiddagen, og hvilke dage passer bedst?",
    )
    accepted = _create(leader, first, 3, start_in_days=14, waited_days=20)
    _accept(admin, accepted, sofie, "7")
    # Meetings are held on working days.
    start = workdays.at_local(
        workdays.working_day_on_or_after(timezone.localdate() + timedelta(days=3)), time(9, 0)
    )
    requests_services.meeting_plan(
        actor=admin,
        request_id=accepted.pk,
        starts_at=start,
        ends_at=start + timedelta(hours=1, minutes=30),
        place=f"{first.name}, personalerummet",
        participants=[leader, sofie.user],
        other_participants="To pædagoger fra stuen",
    )
    rejected = _create(leader, second, 4, waited_days=40)
    requests_services.request_reject(
        actor=admin,
        request_id=rejected.pk,
        reason="Behovet dækkes af det igangværende sprogforløb i distriktet.",
    )
    withdrawn = _create(leader, second, 5, waited_days=2)
    requests_services.request_withdraw(
        actor=leader, request_id=withdrawn.pk, reason="Løst internt."
    )

    # A queue across the municipality: other leaders' requests waiting for triage.
    others = (
        User.objects.filter(role=Role.LEADER, email__startswith="leder.")
        .exclude(email="leder.nord@demo.dk")
        .order_by("email")
    )
    for n, other in enumerate(others[:8]):
        institution = other.institutions.first()
        _create(other, institution, n, start_in_days=14 + n * 7, waited_days=1 + n * 4)
    # A repeat: the same group had an intervention this year and asks again.
    repeat_leader = others[0]
    institution = repeat_leader.institutions.first()
    earlier = _create(repeat_leader, institution, 0, start_in_days=1, waited_days=60)
    # Its course started before today; the app itself never plans in the past.
    InterventionRequest.objects.filter(pk=earlier.pk).update(
        wished_start=workdays.working_day_on_or_before(timezone.localdate() - timedelta(weeks=4))
    )
    earlier.refresh_from_db()
    attached = Pedagogist.objects.filter(assignments__institution=institution).first()
    if attached is not None:
        _accept(admin, earlier, attached, "4")


def _send(actor, version) -> None:
    """Send for signature as on the day it starts (a course of the past was sent back then)."""
    with written_on(version.parsed.starts_on):
        agreements_services.agreement_send_for_signature(actor=actor, version_id=version.pk)


def _agreement(admin_or_pedagogist, req, *, goals):
    # Written as on the wished start when that has passed: the app itself never plans in the
    # past, the demo shows courses that started weeks ago.
    with written_on(req.wished_start):
        return _write_agreement(admin_or_pedagogist, req, goals=goals)


def _write_agreement(admin_or_pedagogist, req, *, goals):
    agreement = agreements_services.agreement_create(actor=admin_or_pedagogist, request_id=req.pk)
    version = agreement.versions.get()
    midway = version.parsed.midway_evaluation_on
    final = version.parsed.final_evaluation_on
    content = replace(
        version.parsed,
        # Evaluations are held on working days, the final one within the period.
        midway_evaluation_on=midway and workdays.working_day_on_or_after(midway),
        final_evaluation_on=final and workdays.working_day_on_or_before(final),
        goals=tuple(Goal(**goal) for goal in goals),
        methods=("medpraktiserende", "observation"),
        practice_roles=("front", "beside"),
        leadership_commitment=(
            "Lederen deltager i opstart og slutevaluering og sikrer, at personalet har tid til "
            "refleksion hver anden uge."
        ),
    )
    agreements_services.agreement_draft_update(
        actor=admin_or_pedagogist, version_id=version.pk, content=content
    )
    version.refresh_from_db()
    return agreement, version


GOALS = [
    {
        "text": "Børnene oplever rolige overgange fra leg til frokost.",
        "focus_level": "boernegruppe",
        "indicator": "Færre konflikter i garderoben; børnene finder selv deres plads.",
    },
    {
        "text": "Personalet organiserer legen i mindre grupper om formiddagen.",
        "focus_level": "personale",
        "indicator": "Der er faste legegrupper tre dage om ugen.",
    },
]


def demo_agreements() -> None:
    """Agreements in every state: a draft, one awaiting the leader's signature, one in force
    after an adjustment (with a superseded version 1)."""
    admin = User.objects.get(email="forvaltning@demo.dk")
    leader = User.objects.get(email="leder@demo.dk")
    sofie = Pedagogist.objects.get(user__email="paedagog@demo.dk")
    second = leader.institutions.order_by("pk")[1]

    # Draft: the accepted request with the intake meeting in three days.
    with_meeting = InterventionRequest.objects.filter(
        created_by=leader, status="accepted", meetings__isnull=False
    ).first()
    if with_meeting is not None:
        _agreement(sofie.user, with_meeting, goals=GOALS[:1])

    # Sent: Sofie has signed, the leader has not yet.
    awaiting = _create(leader, second, 6, start_in_days=10, waited_days=25)
    _accept(admin, awaiting, sofie, "6")
    _agreement_obj, version = _agreement(sofie.user, awaiting, goals=GOALS)
    _send(sofie.user, version)
    agreements_services.agreement_sign(
        actor=sofie.user, version_id=version.pk, password=DEMO_PASSWORD
    )

    # In force after an adjustment: the repeat case's earlier intervention.
    earlier = (
        InterventionRequest.objects.filter(status="accepted")
        .exclude(created_by=leader)
        .order_by("pk")
        .first()
    )
    if earlier is None:
        return
    allocation = earlier.allocations.select_related("pedagogist__user").first()
    its_leader = User.objects.filter(
        role=Role.LEADER, memberships__institution=earlier.institution
    ).first()
    if allocation is None or its_leader is None:
        return
    pedagogist = allocation.pedagogist
    agreement, version = _agreement(pedagogist.user, earlier, goals=GOALS)
    _send(pedagogist.user, version)
    for signer in (pedagogist.user, its_leader):
        agreements_services.agreement_sign(
            actor=signer, version_id=version.pk, password=DEMO_PASSWORD
        )
    draft = agreements_services.agreement_adjust(actor=pedagogist.user, agreement_id=agreement.pk)
    adjusted = replace(
        draft.parsed,
        hours_per_week=Decimal("3.00"),
        leadership_commitment=draft.parsed.leadership_commitment
        + " Justeret efter midtvejssnak: færre timer, mere sparring med lederen.",
    )
    agreements_services.agreement_draft_update(
        actor=pedagogist.user, version_id=draft.pk, content=adjusted
    )
    _send(pedagogist.user, draft)
    for signer in (pedagogist.user, its_leader):
        agreements_services.agreement_sign(
            actor=signer, version_id=draft.pk, password=DEMO_PASSWORD
        )
