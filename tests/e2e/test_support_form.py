"""In Chromium: the application form hides (and disables) the support hours while a special
place is chosen, shows them again, with what was typed, for support hours; an application for a
place saves without hours though hours were typed before the kind changed (static/js/
shown-by-choice.js). Without the script the server refuses hours with a place
(tests/indsats/support/test_views.py)."""

import re
from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from indsats.models import SupportApplication, SupportKind
from tests.e2e.conftest import log_in
from tests.factories import PASSWORD


def test_a_special_place_hides_the_hours_and_saves_without_them(
    page, live_server, world, console_errors
):
    base = live_server.url
    start = timezone.localdate() + timedelta(days=30)
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, base, "lene@example.dk", PASSWORD)
    page.goto(f"{base}/stoette/ny/")
    hours = page.locator("#id_hours_per_week")
    expect(hours).to_be_visible()
    hours.fill("10")

    page.locator("#id_kind").select_option(SupportKind.STENDALEN.value)
    expect(hours).to_be_hidden()
    expect(hours).to_be_disabled()
    # The period's fields stay.
    expect(page.locator("#id_period_start")).to_be_visible()

    # Back to support hours: the field and what was typed are there again.
    page.locator("#id_kind").select_option(SupportKind.SUPPORT_HOURS.value)
    expect(hours).to_be_visible()
    expect(hours).to_be_enabled()
    expect(hours).to_have_value("10")

    page.locator("#id_kind").select_option(SupportKind.I_PLACE.value)
    expect(hours).to_be_hidden()
    page.locator("#id_group").select_option(label="Sommerfuglen (Børnehuset Mariehønen)")
    page.locator("#id_child_name").fill("Ida Pladsbarn")
    page.locator("#id_child_birth_date").fill("2022-03-14")
    page.locator("#id_everyday_needs").fill("Ida har brug for en særlig tilrettelagt hverdag.")
    page.locator("#id_period_start").fill(start.isoformat())
    page.locator("#id_period_end").fill((start + timedelta(days=180)).isoformat())
    page.get_by_label("Begge forældremyndighedsindehavere har givet samtykke").check()
    page.get_by_role("button", name="Gem", exact=True).click()
    expect(page.get_by_role("heading", name=re.compile(r"Ansøgning nr\. \d+"))).to_be_visible()
    application = SupportApplication.objects.get(child_name="Ida Pladsbarn")
    assert application.kind == SupportKind.I_PLACE
    assert application.hours_per_week is None

    # Changing it later: the saved place opens with the hours hidden.
    page.goto(f"{base}/stoette/{application.pk}/ret/")
    expect(page.locator("#id_hours_per_week")).to_be_hidden()
    assert console_errors == []
