"""On a phone (390 px) the course page puts the phases, evaluations, hours and history above the
logbook: the pedagogist reaches the form for a new note from the top of the page in one tap,
while a laptop keeps the logbook beside the rest and needs no such link."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import log_in
from tests.factories import PASSWORD, course

WIDTH, HEIGHT = 390, 844


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": WIDTH, "height": HEIGHT}}


def test_the_logbooks_form_is_one_tap_from_the_top_on_a_phone(page, live_server, world):
    started = course(world)
    log_in(page, live_server.url, world.pedagogist.user.email, PASSWORD)
    page.goto(f"{live_server.url}/forloeb/{started.pk}/")
    form = page.locator("form[action$='/logbog/']")
    text = form.locator("textarea[name=text]")
    # Without the link the form is screens away.
    assert text.bounding_box()["y"] > 2 * HEIGHT
    form_id = form.get_attribute("id")
    assert form_id, "the form is a place a link can jump to"
    link = page.locator(f"a[href='#{form_id}']")
    expect(link).to_be_visible(timeout=2000)
    box = link.bounding_box()
    assert box["y"] + box["height"] <= HEIGHT, "the link is on the first screen"
    link.click()
    expect(text).to_be_in_viewport()
    text.fill("Vi byggede en hule med de mindste.")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    expect(page.get_by_text("Vi byggede en hule med de mindste.")).to_be_visible()

    # A laptop shows the logbook beside the phases, without the link.
    page.set_viewport_size({"width": 1280, "height": 800})
    expect(link).to_be_hidden()
    assert text.bounding_box()["x"] > 1280 / 3, "the logbook is the right-hand column"
