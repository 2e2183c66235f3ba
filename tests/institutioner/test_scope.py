"""`access.within`: a figure's rows limited to the institutions a person may see. Only the
administration's scope (every institution) drops the subquery; every other scope keeps it."""

import pytest

from institutioner import access
from institutioner.models import Assignment, Institution
from tests import factories


def _institutions(rows) -> set[str]:
    return {a.institution.name for a in rows}


@pytest.mark.django_db
def test_only_the_whole_municipality_is_taken_for_every_institution(world):
    assert access.covers_every_institution(access.institutions_for(world.administrator))
    for user in (world.leader, world.staff, world.pedagogist.user, world.outsider):
        assert not access.covers_every_institution(access.institutions_for(user)), user
    assert not access.covers_every_institution(Institution.objects.none())
    assert not access.covers_every_institution(Institution.objects.all()[:2])
    assert not access.covers_every_institution([i.pk for i in Institution.objects.all()])
    assert not access.covers_every_institution(Institution.objects.values("district_id"))
    assert access.covers_every_institution(Institution.objects.values("id"))
    assert not access.covers_every_institution(
        Institution.objects.filter(name="x").union(Institution.objects.all())
    )


@pytest.mark.django_db
def test_within_gives_each_scope_its_own_rows(world):
    factories.AssignmentFactory(institution=world.other_institution)
    rows = Assignment.objects.select_related("institution")

    def seen(user):
        return _institutions(access.within(rows, "institution", access.institutions_for(user)))

    everything = {"Børnehuset Mariehønen", "Vuggestuen Spiren", "Børnegården Kildevang"}
    assert seen(world.administrator) == everything
    assert seen(world.leader) == {"Børnehuset Mariehønen"}
    assert seen(world.pedagogist.user) == {"Børnehuset Mariehønen"}
    assert seen(world.outsider) == {"Børnegården Kildevang"}
    ids = [world.other_institution.pk]
    assert _institutions(access.within(rows, "institution", ids)) == {"Vuggestuen Spiren"}
    assert not access.within(rows, "institution", Institution.objects.none()).exists()


@pytest.mark.django_db
def test_the_whole_municipality_needs_no_subquery(world):
    everyone = access.institutions_for(world.administrator)
    whole = str(access.within(Assignment.objects.all(), "institution", everyone).query)
    leader = access.institutions_for(world.leader)
    own = str(access.within(Assignment.objects.all(), "institution", leader).query)
    assert "institutioner_institution" not in whole
    assert "IN (SELECT" in own
