"""On a phone (390 px) the triage queue is a card per request (no tall header row above it, no
sideways scrolling that cuts off the request and its pedagogist), and the heat map's names and
details wrap beside the weeks instead of running off the screen's edge."""

from datetime import timedelta

import pytest

from tests.e2e.conftest import log_in
from tests.factories import PASSWORD, course, request_in

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


def test_the_leaders_lists_are_cards_on_a_phone(page, live_server, world):
    """The request and support lists, the course list, the follow-ups and "who has looked at my
    data": on a phone every column is seen (a card per row with the column's name), none
    hidden beyond the edge."""
    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone

    from forloeb.models import Evaluation, EvaluationKind, FollowUp
    from institutioner.models import AccessLogEntry

    started = course(world)
    overdue = timezone.localdate() - timedelta(days=3)
    Evaluation.objects.create(course=started, kind=EvaluationKind.MIDWAY, due_on=overdue)
    FollowUp.objects.create(course=started, months=3, closed_on=overdue, due_on=overdue)
    # The administration opened the course, which concerns the leader.
    AccessLogEntry.objects.create(
        user=world.administrator,
        action="view",
        content_type=ContentType.objects.get_for_model(started),
        object_id=started.pk,
        concerns=[world.leader.pk],
        url_name="course_detail",
    )
    from tests.indsats.support.helpers import make_application

    make_application(world, submit=True, child_name="Ida-Marie Kristiansen-Østergaard")
    log_in(page, live_server.url, world.leader.email, PASSWORD)
    for path, seen in (
        ("/anmodninger/", ["Nr.", "Fokusniveau", "Ønsket start"]),
        ("/stoette/", ["Nr.", "Barn", "Indsendt"]),
        ("/forloeb/", ["Næste evaluering", "overskredet"]),
        ("/opfoelgning/", ["Status", "Dato"]),
        ("/hvem-har-set-mine-oplysninger/", ["Handling", "Side", "Objekt"]),
    ):
        page.goto(live_server.url + path)
        scroller = page.locator(".table-responsive").first
        assert scroller.evaluate("e => e.scrollWidth <= e.clientWidth"), path
        row = page.locator(".table-stack tbody tr").first
        for text in seen:
            shown = row.get_by_text(text, exact=True).first
            assert shown.is_visible(), (path, text)
            assert _right_edge(shown) <= WIDTH, (path, text)
        for badge in row.locator(".badge").all():
            assert badge.is_visible() and _right_edge(badge) <= WIDTH, path


def test_the_learning_environments_history_fits_a_phone(page, live_server, world):
    """The institution's view (five columns) scrolls in its own box, and the repeat badge
    wraps: the page itself never scrolls sideways (it was 501 px wide)."""
    from tests.forloeb.history.test_views import intervention

    intervention(world, years_ago=1)
    intervention(world, years_ago=0)
    group = world.institution.groups.get(name="Sommerfuglen")
    log_in(page, live_server.url, world.leader.email, PASSWORD)
    for path in (
        f"/laeringsmiljoe/stue/{group.pk}/",
        f"/laeringsmiljoe/institution/{world.institution.pk}/",
    ):
        page.goto(live_server.url + path)
        assert page.get_by_text("Institutionens vurdering").first.is_visible(), path
        assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH, path
        badge = page.locator(".badge", has_text="Gentagelse").first
        assert badge.is_visible() and _right_edge(badge) <= WIDTH, path


def test_the_effect_dashboard_is_cards_on_a_phone(page, live_server, world):
    """Fordeling's Effekt: each row (and the total) a card naming its figures, the caption
    whole above them; nothing beyond the screen's edge, no sideways scroll."""
    from tests.forloeb.dashboards.test_effect import hand_computed_world

    hand_computed_world(world)
    log_in(page, live_server.url, world.administrator.email, PASSWORD)
    page.goto(live_server.url + "/fordeling/effekt/")
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
    for scroller in page.locator(".table-responsive").all():
        assert scroller.evaluate("e => e.scrollWidth <= e.clientWidth")
    caption = page.locator(".effect-table caption").first
    assert caption.is_visible()
    assert caption.evaluate("e => e.scrollWidth <= e.clientWidth")
    assert _right_edge(caption) <= WIDTH
    assert not page.locator(".effect-table thead").first.is_visible()
    for row in (
        page.locator(".effect-table tbody tr").first,
        page.locator(".effect-table tfoot tr").first,
    ):
        assert _right_edge(row) <= WIDTH
        assert row.locator("th[scope=row]").is_visible()
        for text in (
            "Målopfyldelse (1-4)",
            "Mål der stadig bruges %",
            "Forankringsopfølgninger besvaret",
        ):
            shown = row.get_by_text(text, exact=True)
            assert shown.is_visible(), text
            assert _right_edge(shown) <= WIDTH, text
