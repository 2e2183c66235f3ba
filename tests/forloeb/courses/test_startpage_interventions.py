"""The pedagogist's "My interventions" on the start page: the running ones, not every one she
ever had (after five years the busiest had 95 there, 86 of them over)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from indsats.agreements import services as agreements_services
from tests.indsats.helpers import accept, agreement_in_force, make_request


def _section(html: str) -> str:
    start = html.index('id="start-interventions"')
    return html[start : html.index("</section>", start)]


@pytest.mark.django_db
def test_only_running_interventions_and_a_way_to_the_ended(client, world):
    waiting = make_request(world, submit=True)
    accept(world, waiting)  # accepted, no agreement written yet
    running = agreement_in_force(world)[0].request
    ended = agreement_in_force(world)[0].request
    agreements_services.agreement_end(
        actor=world.administrator, agreement_id=ended.agreement.pk, on=timezone.localdate()
    )
    client.force_login(world.pedagogist.user)
    section = _section(client.get(reverse("start")).content.decode())
    shown = {
        req.pk
        for req in (waiting, running, ended)
        if f'href="{reverse("request_detail", args=[req.pk])}"' in section
    }
    assert shown == {waiting.pk, running.pk}
    assert "Aftalen er ikke skrevet endnu" in section  # the waiting one
    assert f'href="{reverse("agreement_detail", args=[running.agreement.pk])}"' in section
    assert f'href="{reverse("course_list")}?phase=closed"' in section


@pytest.mark.django_db
def test_no_section_when_every_intervention_has_ended(client, world):
    ended = agreement_in_force(world)[0].request
    agreements_services.agreement_end(
        actor=world.administrator, agreement_id=ended.agreement.pk, on=timezone.localdate()
    )
    client.force_login(world.pedagogist.user)
    assert 'id="start-interventions"' not in client.get(reverse("start")).content.decode()
