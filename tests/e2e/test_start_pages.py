"""Each role logs in through the real login page in Chromium and sees its own start page."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import log_in, serious_accessibility_violations
from tests.factories import PASSWORD

START_PAGES = {
    "leader": ("lene@example.dk", "Mine institutioner", "Børnehuset Mariehønen"),
    "staff": ("per@example.dk", "Mine institutioner", "Sommerfuglen"),
    "pedagogist": (
        "paula@example.dk",
        "Mine institutioner og tilknytninger",
        "Børnehuset Mariehønen",
    ),
    "administration": ("frida@example.dk", "Distrikter", "2 institutioner, 1 læringsmiljøpædagog"),
}


@pytest.mark.parametrize("role", list(START_PAGES))
def test_role_logs_in_and_sees_an_accessible_start_page(
    page, live_server, world, console_errors, role
):
    email, heading, content = START_PAGES[role]
    log_in(page, live_server.url, email, PASSWORD)

    expect(page.get_by_role("heading", name=heading)).to_be_visible()
    # Every role's page opens with the same visible greeting, its only h1.
    first_name = world.user_for(role).name.split()[0]
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Velkommen, {first_name}")
    expect(page.get_by_text(content).first).to_be_visible()
    expect(page).to_have_title(re.compile("Forside – Indsatsteamet"))
    assert page.locator("html").get_attribute("lang") == "da"
    assert serious_accessibility_violations(page) == []

    # On a phone the menu folds into a button that opens it.
    page.set_viewport_size({"width": 390, "height": 844})
    menu = page.get_by_role("button", name="Vis menu")
    expect(menu).to_be_visible()
    menu.click()
    expect(page.get_by_role("button", name=re.compile(world.user_for(role).name))).to_be_visible()
    assert serious_accessibility_violations(page) == []
    assert console_errors == []  # a CSP violation would show up here


def test_login_page_is_accessible_and_wrong_password_is_explained(
    page, live_server, world, console_errors
):
    page.goto(live_server.url + "/")
    expect(page).to_have_url(re.compile("/konto/log-ind/"))
    assert serious_accessibility_violations(page) == []
    log_in(page, live_server.url, "lene@example.dk", "forkert-kode")
    expect(
        page.get_by_text("Vi kunne ikke logge dig ind med den e-mail og adgangskode")
    ).to_be_visible()
    expect(page.get_by_label("E-mail")).to_have_value("lene@example.dk")
    assert console_errors == []


def test_outsider_is_told_nothing_about_other_institutions(page, live_server, world):
    log_in(page, live_server.url, "otto@example.dk", PASSWORD)
    response = page.goto(f"{live_server.url}/institutioner/{world.institution.pk}/")
    assert response.status == 404
    expect(page.get_by_text("Børnehuset Mariehønen")).to_have_count(0)


def test_logout_from_the_menu(page, live_server, world):
    log_in(page, live_server.url, "frida@example.dk", PASSWORD)
    page.get_by_role("button", name=re.compile("Frida Forvaltning")).click()
    page.get_by_role("button", name="Log ud").click()
    expect(page).to_have_url(re.compile("/konto/log-ind/"))
    page.goto(live_server.url + "/")
    expect(page).to_have_url(re.compile("/konto/log-ind/"))


# The centre of each visible item of the main menu, to count the rows it takes.
MENU_ROWS = """() => [...document.querySelectorAll(
    'nav.navbar .navbar-brand, nav.navbar .notification-bell, nav.navbar .navbar-nav > .nav-item'
  )].filter(e => e.offsetParent !== null).map(e => {
    const r = e.getBoundingClientRect();
    return [e.innerText.trim().split('\\n')[0], Math.round(r.top + r.height / 2)];
  })"""


def test_the_administrations_menu_takes_two_rows_on_a_laptop(page, live_server, world):
    """At 1366 pixels the administration's twelve entries, the user menu and the bell fit two
    rows beside the name (they took five: the name, two rows of entries, the user menu, and
    the bell alone), none hidden, the bell beside the user menu."""
    page.set_viewport_size({"width": 1366, "height": 800})
    log_in(page, live_server.url, "frida@example.dk", PASSWORD)
    items = page.evaluate(MENU_ROWS)
    rows: dict[int, list[str]] = {}
    for label, middle in items:
        row = next((r for r in rows if abs(r - middle) <= 8), middle)
        rows.setdefault(row, []).append(label)
    assert len(rows) <= 2, rows
    labels = [label for label, _middle in items]
    for entry in ("Forside", "Visitation", "Forankring", "Timer", "Opslagslog", "Stamdata"):
        assert entry in labels
    assert len(labels) == 16  # the name, the bell, 13 entries and the user menu
    bell_row = next(r for r, row in rows.items() if "Notifikationer" in " ".join(row))
    assert any(label.startswith("Frida Forvaltning") for label in rows[bell_row]), rows
    assert page.locator("nav.navbar").bounding_box()["height"] < 110
