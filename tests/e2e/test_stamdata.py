"""Stamdata (the Danish admin) in Chromium: the pages the administration keeps master data on,
lists and forms with their inline rows, have no serious accessibility violations."""

import pytest
from playwright.sync_api import expect

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


def test_a_deleted_records_history_and_versions_are_read_only_and_accessible(
    page, live_server, world, console_errors
):
    """From "Slettede" to a deleted record's history and one of its versions: readable, with a
    note that it cannot be restored, nothing to type in or press, and no serious violations."""
    from django.urls import reverse

    from institutioner.models import District

    district = District.objects.create(name="Sydkysten")
    district.name = "Sydkysten og Strandby"
    district.save()
    gone_id = district.pk
    district.delete()
    log_in(page, live_server.url, "frida@example.dk", PASSWORD)
    page.goto(live_server.url + reverse("admin:institutioner_district_deleted"))
    page.get_by_role("link", name="Vis historik").click()
    expect(page.locator("#change-history")).to_contain_text("Slettet")
    assert serious_accessibility_violations(page) == []
    assert "None" not in page.locator("#change-history").inner_text()
    first = District.history.filter(id=gone_id).earliest("history_date")
    page.locator("#change-history tbody a").last.click()
    page.wait_for_url(f"**/district/{gone_id}/history/{first.pk}/")
    expect(page.get_by_text("Posten er slettet")).to_be_visible()
    expect(page.get_by_text("Sydkysten", exact=True)).to_be_visible()
    editable = page.locator(
        "#content-main input:not([type=hidden]), #content-main select, "
        "#content-main textarea, #content-main button"
    )
    assert editable.count() == 0
    assert serious_accessibility_violations(page) == []
    assert console_errors == []
