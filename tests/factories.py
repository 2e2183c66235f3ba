from datetime import date, time
from decimal import Decimal

import factory

from institutioner.models import (
    AgeGroup,
    Assignment,
    AssignmentFunction,
    District,
    Group,
    Institution,
    InstitutionKind,
    InstitutionOwner,
    Membership,
    Pedagogist,
    PedagogistTitle,
    Role,
    User,
)

PASSWORD = "korrekt-hest-batteri-42"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.dk")
    name = factory.Sequence(lambda n: f"Person {n}")
    role = Role.LEADER
    password = factory.django.Password(PASSWORD)


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = District

    name = factory.Sequence(lambda n: f"Distrikt {n}")


class InstitutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Institution

    name = factory.Sequence(lambda n: f"Børnehuset {n}")
    kind = InstitutionKind.INTEGRATED
    owner = InstitutionOwner.MUNICIPAL
    district = factory.SubFactory(DistrictFactory)
    street = "Skolevej 1"
    postal_code = "4600"
    city = "Ullerup"
    opens_at = time(6, 30)
    closes_at = time(17, 0)


class GroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Group

    institution = factory.SubFactory(InstitutionFactory)
    name = factory.Sequence(lambda n: f"Stue {n}")
    age_group = AgeGroup.KINDERGARTEN


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory, role=Role.LEADER)
    institution = factory.SubFactory(InstitutionFactory)


class PedagogistFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pedagogist

    user = factory.SubFactory(UserFactory, role=Role.PEDAGOGIST)
    title = PedagogistTitle.LEARNING_ENVIRONMENT
    weekly_hours = Decimal("37")


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment

    pedagogist = factory.SubFactory(PedagogistFactory)
    institution = factory.SubFactory(InstitutionFactory)
    function = AssignmentFunction.RESOURCE
    share = Decimal("30")
    valid_from = date(2026, 1, 1)
    valid_to = None


# --- The domain: built through the services, as the app builds it ----------------------------
# One line in a test: `factories.request_in(world, "accepted")`, `factories.course(world)`,
# `factories.week(world, monday, {(course.pk, HourCategory.PRACTICE): Decimal("6")})`.
# The organisation above is plain rows; requests, agreements, courses and weeks go through the
# services so that every state is one the product can reach (history, events, notifications).


def request_in(world, status: str = "submitted", **overrides):
    """A request of the world's leader in `status`: draft, submitted, needs_info, accepted,
    rejected or withdrawn."""
    from indsats.models import RequestStatus
    from indsats.requests import services
    from tests.indsats.helpers import accept, make_request

    req = make_request(world, submit=status != RequestStatus.DRAFT, **overrides)
    if status == RequestStatus.NEEDS_INFO:
        req = services.request_ask_info(
            actor=world.administrator, request_id=req.pk, question="Hvilke tider passer jer?"
        )
    elif status == RequestStatus.ACCEPTED:
        req = accept(world, req)
    elif status == RequestStatus.REJECTED:
        req = services.request_reject(
            actor=world.administrator, request_id=req.pk, reason="Ingen ledige timer."
        )
    elif status == RequestStatus.WITHDRAWN:
        req = services.request_withdraw(actor=world.leader, request_id=req.pk, reason="Løst.")
    req.refresh_from_db()
    assert req.status == status, f"cannot build a request in {status!r}"
    return req


def agreement_in(world, status: str = "in_force", req=None):
    """An agreement whose latest version is a draft, sent for signature, or in force; returns
    (agreement, version)."""
    from dataclasses import replace

    from indsats.agreements import services
    from indsats.agreements.content import Goal
    from indsats.models import VersionStatus
    from tests.indsats.helpers import agreement_in_force

    if status == VersionStatus.IN_FORCE:
        return agreement_in_force(world, req)
    req = req or request_in(world, "accepted")
    agreement = services.agreement_create(actor=world.pedagogist.user, request_id=req.pk)
    version = agreement.versions.get()
    if status == VersionStatus.SENT:
        content = replace(
            version.parsed,
            goals=(Goal(text="Ro i overgangene.", focus_level="boernegruppe", indicator=""),),
            leadership_commitment="Lederen deltager i opstart og evaluering.",
        )
        services.agreement_draft_update(
            actor=world.pedagogist.user, version_id=version.pk, content=content
        )
        services.agreement_send_for_signature(actor=world.pedagogist.user, version_id=version.pk)
    version.refresh_from_db()
    assert version.status == status, f"cannot build an agreement in {status!r}"
    return agreement, version


def course(world, req=None):
    """A course in its first phase (opstart): its agreement came into force."""
    agreement, _version = agreement_in(world, "in_force", req)
    return agreement.course


def week(world, monday, values=None, *, submit: bool = False, note: str = ""):
    """The world's pedagogist's week sheet for `monday`, saved (and submitted if asked)."""
    from forloeb.hours import services

    return services.week_save(
        actor=world.pedagogist.user,
        pedagogist=world.pedagogist,
        monday=monday,
        values=values or {},
        note=note,
        submit=submit,
    )
