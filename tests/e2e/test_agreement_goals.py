"""In Chromium: three goals are written on one page and saved with one click."""

from playwright.sync_api import expect

from indsats.agreements import services
from indsats.models import AgreementVersion
from tests.e2e.conftest import log_in, serious_accessibility_violations
from tests.factories import PASSWORD
from tests.indsats.helpers import accept, make_request

GOALS = [
    "Børnene finder ro i legen i små grupper.",
    "Overgangen til frokost foregår roligt.",
    "Personalet deler stuen i zoner om formiddagen.",
]


def test_three_goals_need_no_save_in_between(page, live_server, world, console_errors):
    req = make_request(world, submit=True)
    accept(world, req)
    agreement = services.agreement_create(actor=world.pedagogist.user, request_id=req.pk)
    version = agreement.versions.get()

    log_in(page, live_server.url, "paula@example.dk", PASSWORD)
    page.goto(f"{live_server.url}/aftaler/versioner/{version.pk}/ret/")
    expect(page.get_by_text("Gem for at få plads til ét mål mere")).to_be_hidden()
    page.locator("#id_goals-0-text").fill(GOALS[0])
    # The page starts with one blank goal; one more is added without saving.
    page.locator("#id_goals-1-text").fill(GOALS[1])
    page.locator("#id_goals-1-focus_level").select_option(index=1)
    page.get_by_role("button", name="Tilføj et mål").click()
    expect(page.locator("#id_goals-2-text")).to_be_focused()
    page.locator("#id_goals-2-text").fill(GOALS[2])
    page.locator("#id_goals-2-focus_level").select_option(index=2)
    page.get_by_role("button", name="Tilføj et mål").click()  # left blank: skipped
    page.get_by_label("Hvad ledelsen forpligter sig til").fill("Lederen deltager i opstart.")
    assert serious_accessibility_violations(page) == []
    page.get_by_role("button", name="Gem kladden").click()
    expect(page.get_by_text("Kladden er gemt.")).to_be_visible()
    saved = AgreementVersion.objects.get(pk=version.pk).parsed
    assert [goal.text for goal in saved.goals] == GOALS
    assert console_errors == []
