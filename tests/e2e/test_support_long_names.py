"""On a phone (390 px): a child's name without spaces and a file name of 200 characters wrap
instead of widening the case page and the visitation board."""

import pytest

from tests.e2e.conftest import log_in
from tests.factories import PASSWORD
from tests.indsats.supportmeetings.helpers import make_application, plan

WIDTH = 390


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": WIDTH, "height": 800}}


def _page_width(page) -> int:
    return page.evaluate("() => document.documentElement.scrollWidth")


def test_long_names_wrap_on_a_phone(page, live_server, world, consultant):
    app = make_application(world, child="Emil" + "x" * 146)
    document = app.documents.get()
    document.name = "d" * 196 + ".pdf"
    document.save(update_fields=["name"])
    meeting = plan(world, members=[consultant])
    base = live_server.url
    log_in(page, base, world.leader.email, PASSWORD)
    page.goto(f"{base}/stoette/{app.pk}/")
    assert "Emil" in page.content()
    assert _page_width(page) <= WIDTH
    page.goto(f"{base}/stoette/")
    assert _page_width(page) <= WIDTH
    page.context.clear_cookies()
    log_in(page, base, consultant.email, PASSWORD)
    page.goto(f"{base}/stoette/moeder/{meeting.pk}/")
    assert "Emil" in page.content()
    assert _page_width(page) <= WIDTH


def test_a_long_meeting_place_wraps_on_a_phone(page, live_server, world, consultant):
    """A place of 200 characters without a space (a room's booking code, a pasted address)
    widened the visitation board's heading and the meetings' list past the screen."""
    place = "Mødelokale" * 20
    meeting = plan(world, members=[consultant], place=place)
    base = live_server.url
    log_in(page, base, consultant.email, PASSWORD)
    for address in ("/", "/stoette/moeder/", f"/stoette/moeder/{meeting.pk}/"):
        page.goto(base + address)
        assert "MødelokaleMødelokale" in page.content(), address
        assert _page_width(page) <= WIDTH, address


def test_an_item_waiting_for_more_information_fits_the_board_on_a_phone(
    page, live_server, world, consultant
):
    """The item's badge, "Ny ansøgning · Taget af (venter på flere oplysninger)", did not wrap
    (a badge keeps to one line) and widened the board to 406 px."""
    from indsats.support import services as support_services

    app = make_application(world, child="Emil Eksempel")
    meeting = plan(world, members=[consultant])
    support_services.support_ask(
        actor=world.administrator, application_id=app.pk, question="Hvor mange timer?"
    )
    base = live_server.url
    log_in(page, base, consultant.email, PASSWORD)
    page.goto(f"{base}/stoette/moeder/{meeting.pk}/")
    assert "venter på flere oplysninger" in page.content()
    assert _page_width(page) <= WIDTH


def test_a_long_meeting_place_keeps_the_meetings_list_in_view_on_a_computer(
    page, live_server, world, consultant
):
    """The list scrolls sideways in its own box: on a computer the long place pushed the
    deadline and the count out of view; on a phone the place keeps a readable column."""
    meeting = plan(world, members=[consultant], place="Mødelokale" * 20)
    base = live_server.url
    log_in(page, base, consultant.email, PASSWORD)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{base}/stoette/moeder/")
    table = page.locator("table").first
    assert table.evaluate("t => t.scrollWidth <= t.parentElement.clientWidth")
    page.set_viewport_size({"width": WIDTH, "height": 800})
    page.goto(f"{base}/stoette/moeder/")
    cell = page.get_by_role("cell", name=meeting.place)
    assert cell.evaluate("c => c.getBoundingClientRect().width") >= 150
