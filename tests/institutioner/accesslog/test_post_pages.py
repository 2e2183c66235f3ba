"""A POST refused with a page (the request, triage, agreement or course page shown again with
the form's errors) shows the same personal data as the page: it writes the same kind of row,
naming whom it concerns. A saved POST (a redirect) writes none."""

import pytest
from django.urls import reverse

from institutioner.models import AccessLogEntry
from tests import factories
from tests.indsats.helpers import make_request


def _rows(name):
    return list(AccessLogEntry.objects.filter(url_name=name))


@pytest.mark.parametrize("name", ["triage_reject", "triage_ask_info"])
def test_a_refused_triage_action_is_logged(client, world, name):
    req = make_request(world, submit=True)
    client.force_login(world.administrator)
    response = client.post(reverse(name, args=[req.pk]), {})
    assert response.status_code == 200
    (row,) = _rows(name)
    assert (row.user, row.object_id, row.concerns) == (
        world.administrator,
        req.pk,
        [req.created_by_id],
    )


def test_a_refused_signature_is_logged(client, world):
    agreement, version = factories.agreement_in(world, "sent")
    client.force_login(world.leader)
    response = client.post(reverse("agreement_sign", args=[version.pk]), {"password": "forkert"})
    assert response.status_code == 200
    (row,) = _rows("agreement_sign")
    assert row.object_id == version.pk
    pedagogists = list(agreement.request.allocations.values_list("pedagogist__user_id", flat=True))
    assert pedagogists and row.concerns == [agreement.request.created_by_id, *pedagogists]


def test_a_refused_logbook_note_is_logged_and_a_saved_one_is_not(client, world):
    course = factories.course(world)
    client.force_login(world.pedagogist.user)
    url = reverse("course_note_add", args=[course.pk])
    assert client.post(url, {"text": ""}).status_code == 200
    (row,) = _rows("course_note_add")
    assert row.object_id == course.pk
    assert row.concerns == [course.agreement.request.created_by_id]
