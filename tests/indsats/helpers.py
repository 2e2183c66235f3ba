"""Requests in every state, made through the services, as the app makes them."""

from dataclasses import replace
from datetime import datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils import timezone

from indsats.agreements import services as agreements_services
from indsats.agreements.content import Goal, written_on
from indsats.models import FocusLevel, InterventionRequest, LearningTheme
from indsats.requests import services as requests_services
from institutioner.sso.services import FreshAuthentication
from institutioner.workdays import working_day_on_or_before


def request_data(world, **overrides):
    data = {
        "institution": world.institution,
        "group": world.institution.groups.get(name="Sommerfuglen"),
        "need": "Uro i overgangene og svært ved at finde ro til leg i små grupper.",
        "focus_levels": [FocusLevel.CHILDREN_GROUP, FocusLevel.LEARNING_ENVIRONMENT],
        "themes": [LearningTheme.SOCIAL],
        "age_group": "3-6",
        "group_size": 22,
        "tried_already": "Faste pladser ved frokost.",
        "wished_start": timezone.localdate() + timedelta(days=21),
        "wished_weeks": 10,
        "wished_weekdays": [1, 3],
        "wished_time_from": None,
        "wished_time_to": None,
        "contact_name": "Lene Leder",
        "contact_phone": "",
        "contact_email": "lene@example.dk",
    }
    data.update(overrides)
    return data


def make_request(world, *, submit=False, **overrides):
    import uuid

    data = request_data(world, **overrides)
    start = data["wished_start"]
    # A request that starts in the past was submitted back then, when its day was ahead: the
    # app refuses to submit a draft whose wished start has passed.
    back_then = submit and start < timezone.localdate()
    if back_then:
        data["wished_start"] = timezone.localdate()
    req, _ = requests_services.request_create(
        actor=world.leader, data=data, client_token=uuid.uuid4()
    )
    if submit:
        req = requests_services.request_submit(actor=world.leader, request_id=req.pk)
    if back_then:
        InterventionRequest.objects.filter(pk=req.pk).update(wished_start=start)
        req.history.update(wished_start=start)
        req.refresh_from_db()
    return req


def accept(world, req, hours="6", reason=""):
    return requests_services.request_accept(
        actor=world.administrator,
        request_id=req.pk,
        choices=[
            requests_services.AllocationChoice(
                pedagogist=world.pedagogist, weekly_hours=Decimal(hours)
            )
        ],
        reason=reason,
    )


def plan_meeting(world, req, days=7):
    start = timezone.now().replace(second=0, microsecond=0) + timedelta(days=days)
    return requests_services.meeting_plan(
        actor=world.administrator,
        request_id=req.pk,
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        place="Personalestuen",
        participants=[world.leader, world.pedagogist.user],
    )


def agreement_in_force(world, req=None, **changes):
    """An accepted request with a version 1 in force, signed by leader and pedagogist;
    `changes` replace fields of the content drafted from the request (e.g. `ends_on`)."""
    from tests.factories import PASSWORD

    if req is None:
        req = make_request(world, submit=True)
        accept(world, req)
    if "starts_on" in changes:
        # A start some days from today (as the tests ask) may be a weekend day or a holiday,
        # which an agreement refuses: the working day before, whatever day the tests run on.
        changes["starts_on"] = working_day_on_or_before(changes["starts_on"])
    # An agreement that started in the past is written as it was back then (the rules count
    # from that day; the app itself never plans in the past).
    with written_on(changes.get("starts_on") or req.wished_start):
        agreement = agreements_services.agreement_create(
            actor=world.pedagogist.user, request_id=req.pk
        )
        version = agreement.versions.get()
        content = replace(
            version.parsed,
            goals=(
                Goal(
                    text="Børnene leger i små grupper om formiddagen.",
                    focus_level="boernegruppe",
                    indicator="Færre konflikter i garderoben.",
                ),
            ),
            leadership_commitment="Lederen deltager i opstart og evaluering.",
            **changes,
        )
        agreements_services.agreement_draft_update(
            actor=world.pedagogist.user, version_id=version.pk, content=content
        )
        agreements_services.agreement_send_for_signature(
            actor=world.pedagogist.user, version_id=version.pk
        )
    for signer in (world.leader, world.pedagogist.user):
        if signer.has_usable_password():
            agreements_services.agreement_sign(
                actor=signer, version_id=version.pk, password=PASSWORD
            )
        else:  # made by the identity provider: signs after a fresh login there
            fresh = FreshAuthentication(method="oidc", at=timezone.now())
            agreements_services.agreement_sign(actor=signer, version_id=version.pk, fresh=fresh)
    version.refresh_from_db()
    return agreement, version


def next_clock_change(forward: bool):
    """The next day (within a year) the Danish clocks go forward (or back)."""
    tz = ZoneInfo("Europe/Copenhagen")
    day = timezone.localdate() + timedelta(days=1)
    for _ in range(366):
        before = datetime.combine(day, time(0), tzinfo=tz).utcoffset()
        after = datetime.combine(day, time(12), tzinfo=tz).utcoffset()
        if before != after and ((after > before) == forward):
            return day
        day += timedelta(days=1)
    raise AssertionError("no clock change within a year")
