"""The main menu: the entries the apps register, shown per role, highlighted on their pages."""

import re

import pytest
from django.urls import reverse

ITEM = re.compile(r'<a class="nav-link( active)?"\s+href="([^"]+)"[^>]*>([^<]+)</a>')


def _menu(client, url: str) -> list[tuple[str, str, bool]]:
    """(label, link, highlighted) of each entry in the main menu, left to right."""
    html = client.get(url, follow=True).content.decode()
    start = html.index('<ul class="navbar-nav main-menu">')
    block = html[start : html.index("</ul>", start)]
    return [(label.strip(), href, bool(active)) for active, href, label in ITEM.findall(block)]


@pytest.mark.parametrize(
    ("person", "labels"),
    [
        (
            "administrator",
            [
                "Forside",
                "Visitation",
                "Anmodninger",
                "Kompenserende støtte",
                "Visitationsmøder",
                "Forløb",
                "Forankring",
                "Fordeling",
                "Støttestatistik",
                "Plan",
                "Timer",
                "Opslagslog",
                "Stamdata",
            ],
        ),
        (
            "leader",
            [
                "Forside",
                "Anmodninger",
                "Kompenserende støtte",
                "Forløb",
                "Forankring",
                "Fordeling",
                "Plan",
                "Timer",
            ],
        ),
        ("pedagogist", ["Forside", "Anmodninger", "Forløb", "Forankring", "Plan", "Timer"]),
        ("staff", ["Forside", "Anmodninger", "Forløb"]),
    ],
)
def test_each_role_sees_its_entries_in_order(client, world, person, labels):
    user = world.pedagogist.user if person == "pedagogist" else getattr(world, person)
    client.force_login(user)
    menu = _menu(client, reverse("start"))
    assert [label for label, _href, _active in menu] == labels
    links = {label: href for label, href, _active in menu}
    assert links["Anmodninger"] == reverse("request_list")
    assert links["Forløb"] == reverse("course_list")
    if "Fordeling" in links:
        assert links["Fordeling"] == reverse("dashboard_districts")
    if "Timer" in links:
        assert links["Timer"] == reverse("hours")
    if "Visitation" in links:
        assert links["Visitation"] == reverse("triage_queue")
    assert [label for label, _href, active in menu if active] == ["Forside"]


@pytest.mark.parametrize(
    ("url", "highlighted"),
    [
        (reverse("triage_queue"), "Visitation"),
        (reverse("request_list"), "Anmodninger"),
        (reverse("course_list"), "Forløb"),
        (reverse("dashboard_districts"), "Fordeling"),
        (reverse("dashboard_flow"), "Fordeling"),
        (reverse("hours"), "Timer"),
        (reverse("hours_approval"), "Timer"),
        (reverse("hours_delivered"), "Timer"),
    ],
)
def test_an_entry_is_highlighted_on_its_pages(client, world, url, highlighted):
    client.force_login(world.administrator)
    assert [label for label, _href, active in _menu(client, url) if active] == [highlighted]


def test_the_week_sheet_highlights_hours(client, world):
    client.force_login(world.pedagogist.user)
    url = reverse("week_sheet", args=[2026, 10])
    assert [label for label, _href, active in _menu(client, url) if active] == ["Timer"]


def test_the_consultant_is_offered_no_course_pages(client, world, consultant):
    """The visitation role sees support applications and never a course: the menu offers her
    neither Forløb nor Forankring (whose pages could only say that there is nothing)."""
    client.force_login(consultant)
    labels = [label for label, _href, _active in _menu(client, reverse("start"))]
    assert labels == ["Forside", "Kompenserende støtte", "Visitationsmøder", "Støttestatistik"]
