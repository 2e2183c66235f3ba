"""In Chromium, on the synthetic municipality (--scale demo): the administration goes from the
districts to one district's institutions, searches, pages, exports with the filters, reads the
heat map and the requests chart; a leader sees only their own institution. Every page is checked
with axe, and on a phone none of them scrolls sideways."""

import pathlib
from io import StringIO

from django.core.management import call_command
from playwright.sync_api import expect

from demo.synthetic import SYNTHETIC_PASSWORD
from institutioner.models import District, User
from tests.e2e.conftest import log_in, serious_accessibility_violations

PAGES = (
    "/fordeling/",
    "/fordeling/institutioner/",
    "/fordeling/paedagoger/",
    "/fordeling/anmodninger/",
)


def _municipality():
    call_command("generate_municipality", scale="demo", seed=1, stdout=StringIO())


def test_the_administration_follows_a_district_down_to_its_institutions(
    page, live_server, console_errors, transactional_db
):
    _municipality()
    log_in(page, live_server.url, "forvaltning@syntetisk.dk", SYNTHETIC_PASSWORD)
    page.get_by_role("link", name="Fordeling").first.click()
    expect(page.get_by_role("heading", name="Fordeling på distrikter")).to_be_visible()
    assert serious_accessibility_violations(page) == []
    table = page.get_by_role(
        "table", name="Kapacitet, aftalte og registrerede timer om ugen pr. distrikt"
    )
    expect(table.get_by_role("row")).to_have_count(1 + 5 + 1)  # header, districts, total

    page.get_by_role("link", name="Kirstinebjerg").click()
    expect(page.get_by_role("heading", name="Fordeling på institutioner")).to_be_visible()
    kirstinebjerg = District.objects.get(name="Kirstinebjerg")
    expect(page.get_by_label("Distrikt")).to_have_value(str(kirstinebjerg.pk))
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(9)
    assert serious_accessibility_violations(page) == []

    page.get_by_label("Institution").fill("børne")
    page.get_by_role("button", name="Vis", exact=True).click()
    names = [n.strip() for n in page.locator("tbody th").all_inner_texts()]
    assert names and all("børne" in n.casefold() for n in names)
    # Choose another district and clear the search, without "Vis": the export follows the form.
    page.get_by_label("Distrikt").select_option(label="Erritsø")
    page.get_by_label("Institution").fill("")
    with page.expect_download() as download:
        page.get_by_role("button", name="Eksportér CSV").click()
    assert download.value.suggested_filename.startswith("fordeling-institutioner-erritsoe-")
    text = pathlib.Path(download.value.path()).read_text(encoding="utf-8-sig")
    exported = [row.split(";")[0] for row in text.strip().splitlines()[1:]]
    assert exported == ["Erritsø"] * 6

    page.get_by_role("link", name="Pr. pædagog").click()
    expect(page.get_by_role("heading", name="Fordeling på pædagoger")).to_be_visible()
    page.get_by_label("Distrikt").select_option(label="Kirstinebjerg")
    page.get_by_role("button", name="Vis", exact=True).click()
    expect(page.locator("tbody tr")).to_have_count(3)
    assert serious_accessibility_violations(page) == []

    page.get_by_role("link", name="Anmodninger og ventetider").click()
    expect(page.locator("svg.month-chart rect").first).to_be_visible()
    expect(
        page.get_by_role("table", name="Anmodninger pr. måned efter deres status nu")
    ).to_be_visible()
    assert serious_accessibility_violations(page) == []

    # A bad district in the address: a Danish message, and the rest of the page works.
    page.goto(live_server.url + "/fordeling/institutioner/?distrikt=abc&soeg=Spiren")
    expect(page.get_by_text("Vælg et distrikt fra listen.")).to_be_visible()
    expect(page.get_by_label("Institution")).to_have_value("Spiren")

    page.set_viewport_size({"width": 390, "height": 844})
    for path in PAGES:
        page.goto(live_server.url + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
    assert console_errors == []


def test_a_leader_sees_only_their_institution(page, live_server, console_errors, transactional_db):
    _municipality()
    leader = User.objects.get(email="leder.1@syntetisk.dk")
    mine = leader.institutions.get()
    log_in(page, live_server.url, leader.email, SYNTHETIC_PASSWORD)
    page.goto(live_server.url + "/fordeling/institutioner/")
    expect(page.get_by_text("Kun dine institutioner.")).to_be_visible()
    expect(page.locator("tbody tr")).to_have_count(1)
    expect(page.locator("tbody th")).to_have_text(mine.name)
    expect(page.get_by_role("link", name="Pr. pædagog")).to_have_count(0)
    options = page.get_by_label("Distrikt").locator("option").all_inner_texts()
    assert options == ["Alle distrikter", mine.district.name]
    assert serious_accessibility_violations(page) == []
    assert console_errors == []


def test_the_heat_map_opens_on_this_week_at_1280_px(
    page, live_server, console_errors, transactional_db
):
    _municipality()
    page.set_viewport_size({"width": 1280, "height": 800})
    log_in(page, live_server.url, "forvaltning@syntetisk.dk", SYNTHETIC_PASSWORD)
    page.goto(live_server.url + "/fordeling/paedagoger/")
    region = page.get_by_role(
        "region", name="Aftalte, normerede og registrerede timer pr. pædagog og uge"
    )
    headers = page.locator(".heatmap thead th")
    current = page.locator(".heatmap thead th[aria-current]")
    expect(current).to_have_count(1)
    # The deferred script has run once the page has loaded.
    assert page.evaluate("document.querySelector('[data-scroll-to-current]').scrollLeft") > 0
    box = region.bounding_box()
    name = headers.first.bounding_box()
    # This week and the four weeks after it are in view, right of the names.
    for index in range(5):
        week = (
            page.locator(".heatmap thead th[aria-current] ~ th").nth(index - 1)
            if index
            else current
        )
        cell = week.bounding_box()
        assert name["x"] + name["width"] <= cell["x"] + 1
        assert cell["x"] + cell["width"] <= box["x"] + box["width"] + 1
    assert serious_accessibility_violations(page) == []
    assert console_errors == []
