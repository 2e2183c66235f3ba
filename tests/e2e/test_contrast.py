"""Links inside coloured notices keep WCAG AA contrast (axe-core in Chromium): the yellow repeat
warning on the triage page and the blue notice of a week too far back."""

from datetime import timedelta

from django.conf import settings
from playwright.sync_api import expect

from forloeb.hours import weeks as hours
from tests.e2e.conftest import log_in, serious_accessibility_violations
from tests.factories import PASSWORD
from tests.indsats.helpers import accept, make_request


def test_links_in_the_repeat_warning_keep_contrast(page, live_server, world):
    first = make_request(world, submit=True)
    accept(world, first)
    second = make_request(world, submit=True)

    log_in(page, live_server.url, "frida@example.dk", PASSWORD)
    page.goto(f"{live_server.url}/visitation/{second.pk}/")
    expect(page.get_by_role("link", name=f"anmodning nr. {first.pk}")).to_be_visible()
    assert serious_accessibility_violations(page) == []


def test_link_on_the_notice_of_an_old_week_keeps_contrast(page, live_server, world):
    old = hours.this_monday() - timedelta(weeks=settings.HOURS_WEEKS_BACK + 1)
    year, week, _day = old.isocalendar()

    log_in(page, live_server.url, "paula@example.dk", PASSWORD)
    page.goto(f"{live_server.url}/timer/uge/{year}/{week}/")
    expect(page.get_by_role("link", name="Gå til denne uge")).to_be_visible()
    assert serious_accessibility_violations(page) == []
