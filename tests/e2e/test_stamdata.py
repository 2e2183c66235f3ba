"""Stamdata (the Danish admin) in Chromium: the pages the administration keeps master data on,
lists and forms with their inline rows, have no serious accessibility violations."""

import pytest

from tests.e2e.conftest import log_in, serious_accessibility_violations
from tests.factories import PASSWORD


def _pages(world):
    return [
        "/admin/",
        "/admin/institutioner/institution/",
        f"/admin/institutioner/institution/{world.institution.pk}/change/",
        "/admin/institutioner/institution/add/",
        f"/admin/institutioner/pedagogist/{world.pedagogist.pk}/change/",
        f"/admin/institutioner/user/{world.leader.pk}/change/",
        "/admin/institutioner/user/",
        "/admin/institutioner/district/add/",
        "/admin/institutioner/assignment/",
    ]


@pytest.mark.parametrize("index", range(9))
def test_stamdata_pages_are_accessible(page, live_server, world, console_errors, index):
    log_in(page, live_server.url, "frida@example.dk", PASSWORD)
    path = _pages(world)[index]
    response = page.goto(live_server.url + path)
    assert response is not None and response.status == 200, path
    assert serious_accessibility_violations(page) == [], path
    assert console_errors == []
