"""How long the start pages take for a large municipality (numbers, not limits)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from institutioner.models import Assignment, District, Group, Institution, Membership, Pedagogist
from tests import factories

DISTRICTS = 20
INSTITUTIONS_PER_DISTRICT = 15
PEDAGOGISTS_PER_DISTRICT = 4


@pytest.fixture
def large_municipality(db):
    users = []
    for d in range(DISTRICTS):
        district = District.objects.create(name=f"Distrikt {d:02d}")
        institutions = Institution.objects.bulk_create(
            factories.InstitutionFactory.build(
                name=f"Institution {d:02d}-{i:02d}", district=district
            )
            for i in range(INSTITUTIONS_PER_DISTRICT)
        )
        Group.objects.bulk_create(
            factories.GroupFactory.build(institution=inst, name=f"Stue {g}")
            for inst in institutions
            for g in range(4)
        )
        leader = factories.UserFactory(role="leader")
        users.append(leader)
        Membership.objects.bulk_create(Membership(user=leader, institution=i) for i in institutions)
        for p in range(PEDAGOGISTS_PER_DISTRICT):
            pedagogist = factories.PedagogistFactory()
            Assignment.objects.bulk_create(
                factories.AssignmentFactory.build(
                    pedagogist=pedagogist, institution=inst, share=Decimal("20")
                )
                for inst in institutions[p::PEDAGOGISTS_PER_DISTRICT]
            )
    return {
        "administrator": factories.UserFactory(role="administration"),
        "leader": users[0],
        "pedagogist": Pedagogist.objects.select_related("user").first().user,
    }


@pytest.mark.parametrize("role", ["administrator", "leader", "pedagogist"])
def test_bench_start_page(client, large_municipality, bench, role):
    client.force_login(large_municipality[role])
    url = reverse("start")
    assert client.get(url).status_code == 200
    bench(
        f"start_page_{role}",
        lambda: client.get(url),
        districts=DISTRICTS,
        institutions=DISTRICTS * INSTITUTIONS_PER_DISTRICT,
        pedagogists=DISTRICTS * PEDAGOGISTS_PER_DISTRICT,
    )
