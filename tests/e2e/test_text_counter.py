"""The counter under a text box with a maximum: Danish, live, announced politely, no inline
script (the CSP would refuse one), and the browser stops at the maximum."""

import re

from playwright.sync_api import expect

from tests.e2e.conftest import log_in, serious_accessibility_violations
from tests.factories import PASSWORD


def test_a_long_text_box_counts_its_characters(page, live_server, world, console_errors):
    log_in(page, live_server.url, "lene@example.dk", PASSWORD)
    page.get_by_role("link", name="Anmod om en indsats").click()
    need = page.get_by_label("Behovet med jeres egne ord")
    counter_id = need.get_attribute("aria-describedby").split()[-1]
    counter = page.locator(f"#{counter_id}")
    expect(counter).to_have_text("0 af 4000 tegn")
    need.fill("Uro ved frokost.")
    expect(counter).to_have_text("16 af 4000 tegn")
    expect(page.locator("[aria-live=polite]").filter(has_text="16 af 4000 tegn")).to_have_count(1)
    need.fill("x" * 4100)
    expect(counter).to_have_text(re.compile(r"^4000 af 4000 tegn$"))
    assert serious_accessibility_violations(page) == []
    assert console_errors == []
