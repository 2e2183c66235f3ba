"""Stamdata says what a change means for the agreements: a pedagogist's weekly hours cut below
what is agreed, or to 0, and opening hours narrowed past an agreement's time of day. The change
is saved all the same; the warning comes after it, and an unrelated change says nothing."""

import html
from datetime import time
from html.parser import HTMLParser

from django.urls import reverse

from institutioner.models import Institution
from tests.indsats.helpers import agreement_in_force


class _FormFields(HTMLParser):
    """The values a browser would send from the admin's change form, as the page holds them."""

    def __init__(self):
        super().__init__()
        self.data: dict[str, str] = {}
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "button", "file"):
            if a.get("type") in ("checkbox", "radio"):
                if "checked" in a:
                    self.data[name] = a.get("value", "on")
            else:
                self.data[name] = a.get("value") or ""
        elif tag == "select" and name:
            self._select = name
            self.data.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in a:
            self.data[self._select] = a.get("value") or ""
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea] += data


def _change(client, url, **changes):
    parser = _FormFields()
    parser.feed(client.get(url).content.decode())
    data = {k: v for k, v in parser.data.items() if not k.startswith("_") or k == "_stamp"}
    data.update(changes)
    response = client.post(url, data, follow=True)
    assert response.redirect_chain, response.content.decode()[:3000]
    return html.unescape(response.content.decode())


def test_weekly_hours_cut_below_what_is_agreed_are_saved_with_a_warning(client, world):
    agreement_in_force(world)  # 6 hours a week for the world's pedagogist, from in three weeks
    client.force_login(world.administrator)
    url = reverse("admin:institutioner_pedagogist_change", args=[world.pedagogist.pk])
    name = world.pedagogist.user.name

    body = _change(client, url, weekly_hours="4")
    world.pedagogist.refresh_from_db()
    assert world.pedagogist.weekly_hours == 4
    assert f"{name} har aftaler på 6 timer om ugen i ugen fra" in body
    assert "mere end de 4 timers normtid, der nu er gemt" in body

    # Back above what is agreed: saved, and nothing to warn about.
    body = _change(client, url, weekly_hours="37")
    assert "har aftaler på" not in body and "alert-warning" not in body


def test_weekly_hours_of_nought_say_what_they_mean(client, world):
    client.force_login(world.administrator)
    url = reverse("admin:institutioner_pedagogist_change", args=[world.pedagogist.pk])
    body = _change(client, url, weekly_hours="0")
    world.pedagogist.refresh_from_db()
    assert world.pedagogist.weekly_hours == 0
    assert f"{world.pedagogist.user.name} har nu 0 timers normtid" in body
    assert "registrér det som fravær i planen" in body
    # A change of something else says it no more.
    body = _change(client, url, title=world.pedagogist.title)
    assert "0 timers normtid" not in body


def test_opening_hours_narrowed_past_an_agreement_name_it(client, world):
    agreement, _version = agreement_in_force(world, time_from=time(8, 0), time_to=time(12, 0))
    client.force_login(world.administrator)
    url = reverse("admin:institutioner_institution_change", args=[world.institution.pk])

    # Later closing, and earlier: still around 08:00-12:00.
    body = _change(client, url, closes_at="15:00")
    assert Institution.objects.get(pk=world.institution.pk).closes_at == time(15, 0)
    assert "uden for de åbningstider" not in body

    body = _change(client, url, opens_at="09:00")
    assert Institution.objects.get(pk=world.institution.pk).opens_at == time(9, 0)
    assert (
        "1 samarbejdsaftale for Børnehuset Mariehønen har et tidsrum uden for de åbningstider, "
        "der nu er gemt (09:00–15:00):" in body
    )
    assert f"Sommerfuglen 08:00–12:00 (anmodning nr. {agreement.request_id}, i kraft)" in body
    assert "justér den" in body

    # Renaming the street says nothing about the hours.
    body = _change(client, url, street="Nyvej 3")
    assert "uden for de åbningstider" not in body
