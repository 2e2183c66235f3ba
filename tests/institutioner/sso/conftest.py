import pytest

from institutioner.models import IdentityGroup, Role


@pytest.fixture
def groups(world):
    leaders = IdentityGroup.objects.create(name="indsats-ledere-mariehoenen", role=Role.LEADER)
    leaders.institutions.add(world.institution)
    IdentityGroup.objects.create(name="indsats-forvaltning", role=Role.ADMINISTRATION)
    return leaders
