"""On a phone (390 px) the triage queue is a card per request (no tall header row above it, no
sideways scrolling that cuts off the request and its pedagogist), and the heat map's names and
details wrap beside the weeks instead of running off the screen's edge."""

import pytest

from tests.e2e.conftest import log_in
from tests.factories import PASSWORD, request_in

WIDTH = 390


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": WIDTH, "height": 844}}


def _right_edge(locator) -> float:
    box = locator.bounding_box()
    assert box is not None
    return box["x"] + box["width"]


def test_the_triage_queue_and_the_heat_map_fit_a_phone(page, live_server, world):
    req = request_in(world)
    user = world.pedagogist.user
    user.name = "Birgitte Margrethe Falk-Rasmussen Østergaard"
    user.save(update_fields=["name"])
    log_in(page, live_server.url, world.administrator.email, PASSWORD)

    page.goto(live_server.url + "/visitation/")
    scroller = page.locator(".table-responsive")
    assert scroller.evaluate("e => e.scrollWidth <= e.clientWidth")
    link = page.get_by_role("link", name=f"Nr. {req.pk} · {world.institution.name}")
    assert _right_edge(link) <= WIDTH
    # The columns' headers are labels in each card; no header row above the cards.
    assert not page.locator(".table-stack thead").is_visible()
    card = page.locator(".table-stack tbody tr").first
    assert card.get_by_text("Fokusniveau").is_visible()
    assert _right_edge(card) <= WIDTH

    page.goto(live_server.url + "/fordeling/paedagoger/")
    for name in page.locator(".heatmap th[scope=row]").all():
        assert _right_edge(name) <= WIDTH
    assert page.locator(".heatmap thead th[aria-current]").is_visible()
