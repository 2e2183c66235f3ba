"""The pedagogist's "My interventions" on the start page: the running ones, not every one she
ever had (after five years the busiest had 95 there, 86 of them over)."""

import pytest
from django.urls import reverse

from forloeb.courses import services
from forloeb.models import Phase
from tests.indsats.helpers import accept, agreement_in_force, make_request


def _section(html: str) -> str:
    start = html.index('id="start-interventions"')
    return html[start : html.index("</section>", start)]


def _shown(client, world, *requests) -> set[int]:
    html = client.get(reverse("start")).content.decode()
    if 'id="start-interventions"' not in html:
        return set()
    section = _section(html)
    return {
        req.pk
        for req in requests
        if f'href="{reverse("request_detail", args=[req.pk])}"' in section
    }


def _set_phase(world, course, phase):
    services.course_set_phase(
        actor=world.administrator, course_id=course.pk, phase=phase, reason="Aftalt med lederen."
    )


@pytest.mark.django_db
def test_only_running_interventions_and_a_way_to_the_ended(client, world):
    waiting = make_request(world, submit=True)
    accept(world, waiting)  # accepted, no agreement written yet
    running, _version = agreement_in_force(world)
    ended, _version = agreement_in_force(world)
    _set_phase(world, ended.course, Phase.CLOSED)
    client.force_login(world.pedagogist.user)
    assert _shown(client, world, waiting, running.request, ended.request) == {
        waiting.pk,
        running.request.pk,
    }
    section = _section(client.get(reverse("start")).content.decode())
    assert "Aftalen er ikke skrevet endnu" in section  # the waiting one
    # Named as the other lists name a request: "Nr. 12 · Institution, Group".
    assert f">Nr. {waiting.pk} · {waiting.institution.name}" in section
    assert f"#{waiting.pk}" not in section
    assert f'href="{reverse("agreement_detail", args=[running.pk])}"' in section
    assert f'href="{reverse("course_list")}?phase=closed"' in section


@pytest.mark.django_db
def test_a_reopened_course_is_back_and_none_left_means_no_section(client, world):
    agreement, _version = agreement_in_force(world)
    client.force_login(world.pedagogist.user)
    _set_phase(world, agreement.course, Phase.CLOSED)
    assert _shown(client, world, agreement.request) == set()
    assert 'id="start-interventions"' not in client.get(reverse("start")).content.decode()
    _set_phase(world, agreement.course, Phase.PRACTICE)
    assert _shown(client, world, agreement.request) == {agreement.request.pk}
