"""The database itself refuses impossible organisation data, whoever writes it."""

from datetime import date, time
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from institutioner.models import Assignment, Role, User
from tests import factories


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("factory", "fields"),
    [
        (factories.AssignmentFactory, {"share": Decimal("0")}),
        (factories.AssignmentFactory, {"share": Decimal("100.01")}),
        (factories.AssignmentFactory, {"share": Decimal("-5")}),
        (
            factories.AssignmentFactory,
            {"valid_from": date(2026, 5, 1), "valid_to": date(2026, 4, 30)},
        ),
        (factories.InstitutionFactory, {"opens_at": time(17, 0), "closes_at": time(6, 30)}),
        (factories.InstitutionFactory, {"postal_code": "46A0"}),
        (factories.PedagogistFactory, {"weekly_hours": Decimal("-1")}),
    ],
)
def test_check_constraints_refuse_impossible_rows(factory, fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        factory(**fields)


@pytest.mark.django_db
def test_boundaries_are_allowed():
    assignment = factories.AssignmentFactory(
        share=Decimal("100"), valid_from=date(2026, 1, 1), valid_to=date(2026, 1, 1)
    )
    assert assignment.pk


@pytest.mark.django_db
def test_email_is_unique_whatever_the_case():
    factories.UserFactory(email="lene@example.dk")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(email="Lene@Example.dk", name="Lene igen", role="leader")


@pytest.mark.django_db
def test_create_user_stores_lowercase_email_and_a_hashed_password():
    user = User.objects.create_user(
        email="Mette.Lund@Example.DK", password="hemmelig-1234", name="M"
    )
    assert user.email == "mette.lund@example.dk"
    assert user.password != "hemmelig-1234"
    assert user.check_password("hemmelig-1234")


def _peak(pedagogist, start, end, share, exclude_pk=None):
    return Assignment.objects.peak_share(
        pedagogist_id=pedagogist.pk, start=start, end=end, share=share, exclude_pk=exclude_pk
    )


@pytest.mark.django_db
def test_peak_share_counts_only_overlapping_days():
    pedagogist = factories.PedagogistFactory()
    factories.AssignmentFactory(
        pedagogist=pedagogist,
        share=Decimal("60"),
        valid_from=date(2026, 1, 1),
        valid_to=date(2026, 3, 31),
    )
    factories.AssignmentFactory(
        pedagogist=pedagogist, share=Decimal("30"), valid_from=date(2026, 3, 1), valid_to=None
    )
    # Before March only the 60 % runs; from March both (90 %); after March only 30 %.
    assert _peak(pedagogist, date(2026, 1, 1), date(2026, 2, 28), Decimal("40")) == Decimal("100")
    assert _peak(pedagogist, date(2026, 1, 1), date(2026, 3, 1), Decimal("20")) == Decimal("110")
    assert _peak(pedagogist, date(2026, 4, 1), None, Decimal("70")) == Decimal("100")
    assert _peak(pedagogist, date(2026, 2, 1), None, Decimal("11")) == Decimal("101")


@pytest.mark.django_db
def test_clean_explains_an_overallocation_in_danish():
    pedagogist = factories.PedagogistFactory()
    factories.AssignmentFactory(pedagogist=pedagogist, share=Decimal("80"))
    extra = Assignment(
        pedagogist=pedagogist,
        institution=factories.InstitutionFactory(),
        function="ressource",
        share=Decimal("25"),
        valid_from=date(2026, 6, 1),
    )
    with pytest.raises(ValidationError) as caught:
        extra.full_clean()
    assert "105 %" in caught.value.message_dict["share"][0]
    assert "højst være 100 %" in caught.value.message_dict["share"][0]


@pytest.mark.django_db
def test_clean_allows_editing_an_assignment_without_counting_it_twice():
    assignment = factories.AssignmentFactory(share=Decimal("100"))
    assignment.share = Decimal("90")
    assignment.full_clean()


@pytest.mark.django_db
def test_membership_is_for_leaders_and_staff_only():
    pedagogist = factories.PedagogistFactory()
    membership = factories.MembershipFactory.build(
        user=pedagogist.user, institution=factories.InstitutionFactory()
    )
    with pytest.raises(ValidationError) as caught:
        membership.full_clean()
    assert "fast tilknytning" in caught.value.message_dict["user"][0]


def test_trigger_refuses_overallocation_written_past_the_form(postgres, db):
    pedagogist = factories.PedagogistFactory()
    factories.AssignmentFactory(
        pedagogist=pedagogist, share=Decimal("70"), valid_from=date(2026, 1, 1)
    )
    with pytest.raises(IntegrityError, match="assignment_share_limit"), transaction.atomic():
        factories.AssignmentFactory(
            pedagogist=pedagogist, share=Decimal("40"), valid_from=date(2026, 8, 1)
        )
    # Raising an existing row past the limit is refused too.
    second = factories.AssignmentFactory(
        pedagogist=pedagogist, share=Decimal("30"), valid_from=date(2026, 8, 1)
    )
    second.share = Decimal("31")
    with pytest.raises(IntegrityError, match="assignment_share_limit"), transaction.atomic():
        second.save(update_fields=["share"])
    # Periods that do not overlap do not add up.
    factories.AssignmentFactory(
        pedagogist=pedagogist,
        share=Decimal("100"),
        valid_from=date(2025, 1, 1),
        valid_to=date(2025, 12, 31),
    )


def test_the_administration_counts_superusers_and_not_the_inactive(world):
    boss = factories.UserFactory(name="Bo Superbruger", role=Role.LEADER, is_superuser=True)
    factories.UserFactory(name="Gone", role=Role.ADMINISTRATION, is_active=False)
    people = set(User.objects.administration())
    assert people == {world.administrator, boss}
    # The same answer as the admin's and the access rules' idea of the administration.
    assert all(person.is_staff for person in people)


def test_leaders_of_an_institution_are_its_active_leaders_once(world):
    second = factories.UserFactory(name="Lis Leder", role=Role.LEADER)
    factories.MembershipFactory(user=second, institution=world.institution)
    gone = factories.UserFactory(name="Gone Leder", role=Role.LEADER, is_active=False)
    factories.MembershipFactory(user=gone, institution=world.institution)
    assert list(User.objects.leaders_of(world.institution).order_by("name")) == [
        world.leader,
        second,
    ]
    assert list(User.objects.leaders_of(world.outsider_institution.pk)) == [world.outsider]
