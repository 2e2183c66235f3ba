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
