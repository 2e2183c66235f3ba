"""The demo's requests: one in every state, and a queue with realistic waiting times."""

import uuid
from datetime import time, timedelta
from decimal import Decimal

from django.utils import timezone

from indsats import services
from indsats.models import FocusLevel, InterventionRequest, LearningTheme
from institutioner.demo import register
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
        "wished_start": timezone.localdate() + timedelta(days=start_in_days),
        "wished_weeks": 8 + (n % 3) * 2,
        "wished_weekdays": [n % 5, (n + 2) % 5],
        "wished_time_from": time(8, 30),
        "wished_time_to": time(12, 0),
        "contact_name": leader.name,
        "contact_phone": "",
        "contact_email": leader.email,
    }


def _create(leader, institution, n, *, start_in_days=21, submit=True, waited_days=0):
    req, _ = services.request_create(
        actor=leader,
        data=_data(institution, leader, n, start_in_days=start_in_days),
        client_token=uuid.uuid4(),
    )
    if submit:
        services.request_submit(actor=leader, request_id=req.pk)
        if waited_days:
            # The demo shows a queue that has been waiting; the app itself never backdates.
            InterventionRequest.objects.filter(pk=req.pk).update(
                submitted_at=timezone.now() - timedelta(days=waited_days)
            )
    return req


def _accept(admin, req, pedagogist, hours, reason=""):
    return services.request_accept(
        actor=admin,
        request_id=req.pk,
        choices=[services.AllocationChoice(pedagogist=pedagogist, weekly_hours=Decimal(hours))],
        reason=reason or "Fast tilknyttet og har tid i perioden.",
    )


@register
def demo_requests() -> None:
    admin = User.objects.get(email="forvaltning@demo.dk")
    leader = User.objects.get(email="leder@demo.dk")
    sofie = Pedagogist.objects.get(user__email="paedagog@demo.dk")
    first, second = leader.institutions.order_by("pk")[:2]

    # The demo leader's own requests, one in every state.
    _create(leader, first, 0, submit=False)
    _create(leader, second, 1, waited_days=12)
    asked = _create(leader, first, 2, waited_days=5)
    services.request_ask_info(
        actor=admin,
        request_id=asked.pk,
        question="Hvor mange voksne er der på stuen om formiddagen, og hvilke dage passer bedst?",
    )
    accepted = _create(leader, first, 3, start_in_days=14, waited_days=20)
    _accept(admin, accepted, sofie, "8")
    start = timezone.localtime().replace(hour=9, minute=0, second=0, microsecond=0)
    start += timedelta(days=3)
    services.meeting_plan(
        actor=admin,
        request_id=accepted.pk,
        starts_at=start,
        ends_at=start + timedelta(hours=1, minutes=30),
        place=f"{first.name}, personalerummet",
        participants=[leader, sofie.user],
        other_participants="To pædagoger fra stuen",
    )
    rejected = _create(leader, second, 4, waited_days=40)
    services.request_reject(
        actor=admin,
        request_id=rejected.pk,
        reason="Behovet dækkes af det igangværende sprogforløb i distriktet.",
    )
    withdrawn = _create(leader, second, 5, waited_days=2)
    services.request_withdraw(actor=leader, request_id=withdrawn.pk, reason="Løst internt.")

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
    attached = Pedagogist.objects.filter(assignments__institution=institution).first()
    if attached is not None:
        _accept(admin, earlier, attached, "4")
