"""An ending decided at a re-visitation, as the pages show it: until its last day with support
the case is "Bevilget, ophører den …" (the support and its hours run until then), after that day
"Ophørt"; the grant it stops is shown running until that day, without its own end as if still in
force and without a re-visitation date; the list's status filter agrees with what it shows.

Today is fixed for the reads (`today_is`): the case is made with the real dates, then the pages
are read on the last day with support and on the day after it."""

import re
from datetime import date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import formats, timezone, translation

from indsats.models import (
    AgendaItem,
    AgendaItemStatus,
    SupportApplication,
    SupportDecision,
    SupportOutcome,
    SupportStatus,
    VisitationMeeting,
)
from indsats.support import retention
from indsats.supportmeetings import services
from tests.indsats.supportmeetings.helpers import grant, make_application, plan

ENDING = "ending"  # indsats.models.ENDING: the status the pages show while an ending's support runs


@pytest.fixture
def today_is(monkeypatch):
    """Fixes today (`timezone.localdate()` without a value) at the day given."""
    real = timezone.localdate

    def fix(day: date) -> None:
        def localdate(value=None, timezone=None):
            return day if value is None else real(value, timezone)

        monkeypatch.setattr("django.utils.timezone.localdate", localdate)

    return fix


def _long(day: date) -> str:
    with translation.override("da"):
        return formats.date_format(day, "j. F Y")


def _short(day: date) -> str:
    return f"{day:%d.%m.%Y}"


def _text(response) -> str:
    assert response.status_code == 200
    return " ".join(response.content.decode().split())


def _ended(world, *, stop_days=20, days=200):
    """A case granted 8,5 hours a week from today for `days` days (re-visitation 30 days before
    its end), ended at its re-visitation with its last day `stop_days` from today. Returns the
    application, the grant, the ending and the two meetings."""
    today = timezone.localdate()
    app = make_application(world, child="Emil Eksempel")
    first_meeting = plan(world)
    item = AgendaItem.objects.get(application=app, status=AgendaItemStatus.WAITING)
    first = grant(
        world,
        item,
        period_start=today,
        period_end=today + timedelta(days=days),
        revisit_on=today + timedelta(days=days - 30),
    )
    second_meeting = plan(world, days=30, deadline_days=20, members=[world.administrator])
    revisit = services.revisit_place(
        actor=world.administrator, application_id=app.pk, meeting_id=second_meeting.pk
    )
    ending = grant(
        world,
        revisit,
        outcome=SupportOutcome.ENDED,
        stops_on=today + timedelta(days=stop_days),
        reasons="Barnet trives nu uden støtte.",
    )
    app.refresh_from_db()
    return app, first, ending, first_meeting, second_meeting


def _grant_in_force(body: str) -> tuple[str, str]:
    match = re.search(
        r'<dt class="col-sm-3">([^<]*)</dt> <dd class="col-sm-9 grant-in-force">(.*?)</dd>', body
    )
    assert match, "the re-visitation item shows no grant"
    return match.group(1).strip(), match.group(2)


def _status_line(body: str) -> str:
    return re.search(r"Ansøgningens status</dt> <dd[^>]*>(.*?)</dd>", body).group(1)


def test_until_its_last_day_the_case_is_granted_and_ends_on_that_day(client, world, today_is):
    app, first, ending, _first_meeting, _second = _ended(world)
    stop = ending.stops_on
    assert app.status == SupportStatus.ENDED
    for today in (timezone.localdate(), stop):
        today_is(today)
        app = SupportApplication.objects.get(pk=app.pk)
        assert app.is_ending and app.status_key == ENDING
        assert app.status_label == f"Bevilget, ophører den {_short(stop)}"
        for user in (world.administrator, world.leader):
            client.force_login(user)
            page = _text(client.get(reverse("support_detail", args=[app.pk])))
            assert f'status-ending">Bevilget, ophører den {_short(stop)}</span>' in page
            # The grant's card: until the last day, no re-visitation, its own end named as the
            # original one only.
            assert f"{_long(first.period_start)}–{_long(stop)}" in page
            assert f"oprindeligt til {_long(first.period_end)}" in page
            assert "Genvisitation:" not in page and _long(first.revisit_on) not in page
            assert f"Støtten ophører den {_long(stop)}." in page
            listed = _text(client.get(reverse("support_list")))
            assert f"Bevilget, ophører den {_short(stop)}" in listed
            assert '"badge status-ended"' not in listed


def test_after_its_last_day_the_case_is_ended(client, world, today_is):
    app, first, ending, _first_meeting, second = _ended(world)
    stop = ending.stops_on
    today_is(stop + timedelta(days=1))
    app = SupportApplication.objects.get(pk=app.pk)
    assert not app.is_ending and app.status_key == SupportStatus.ENDED
    assert app.status_label == "Ophørt"
    client.force_login(world.leader)
    page = _text(client.get(reverse("support_detail", args=[app.pk])))
    assert 'status-ended">Ophørt</span>' in page and "ophører den" not in page.split("<h2")[0]
    assert f"{_long(first.period_start)}–{_long(stop)}" in page
    assert "Genvisitation:" not in page
    client.force_login(world.administrator)
    body = _text(client.get(reverse("visitation_meeting_detail", args=[second.pk])))
    label, shown = _grant_in_force(body)
    assert label == "Tidligere bevilling"
    assert _long(stop) in shown and "genvisitation" not in shown
    assert _status_line(body) == "Ophørt"


def test_the_re_visitation_item_shows_the_last_day_not_the_old_end(client, world, today_is):
    _app, first, ending, _first_meeting, second = _ended(world)
    stop = ending.stops_on
    today_is(stop)
    client.force_login(world.administrator)
    body = _text(client.get(reverse("visitation_meeting_detail", args=[second.pk])))
    label, shown = _grant_in_force(body)
    assert label == "Nuværende bevilling"
    assert "8,5 timer om ugen" in shown
    assert (
        f"{_long(first.period_start)}–{_long(stop)} "
        f"(afkortet ved ophør; oprindeligt til {_long(first.period_end)})"
    ) in shown
    assert "genvisitation" not in shown and _long(first.revisit_on) not in shown
    assert _status_line(body) == f"Bevilget, ophører den {_short(stop)}"
    assert f"Ophørt</strong> · Støtten ophører den {_long(stop)}." in body


def test_the_meeting_that_granted_shows_the_grant_cut_short(client, world, today_is):
    _app, first, ending, first_meeting, _second = _ended(world)
    stop = ending.stops_on
    today_is(stop)
    client.force_login(world.administrator)
    body = _text(client.get(reverse("visitation_meeting_detail", args=[first_meeting.pk])))
    decision = re.search(r'class="border-start border-3 ps-3 decision">(.*?)</p>', body).group(1)
    assert "Bevilget" in decision
    assert f"{_long(first.period_start)}–{_long(stop)}" in decision
    assert "genvisitation" not in decision and _long(first.revisit_on) not in decision
    assert _status_line(body) == f"Bevilget, ophører den {_short(stop)}"


def test_an_ending_on_the_grants_own_last_day_names_no_re_visitation(client, world, today_is):
    _app, first, ending, _first_meeting, second = _ended(world, stop_days=200)
    assert ending.stops_on == first.period_end
    today_is(first.period_end)
    client.force_login(world.administrator)
    body = _text(client.get(reverse("visitation_meeting_detail", args=[second.pk])))
    _label, shown = _grant_in_force(body)
    assert f"{_long(first.period_start)}–{_long(first.period_end)}" in shown
    assert "ophør ved periodens udløb; ingen genvisitation" in shown
    assert _long(first.revisit_on) not in shown


def test_the_status_filter_lists_what_the_list_shows(client, world, consultant, today_is):
    app, _first, ending, _first_meeting, _second = _ended(world)
    still_granted = make_application(world, child="Anna", status=SupportStatus.GRANTED)
    stop = ending.stops_on
    client.force_login(consultant)

    def listed(status: str) -> list[int]:
        response = client.get(reverse("support_list"), {"status": status})
        assert response.status_code == 200
        return [a.pk for a in response.context["applications"]]

    today_is(stop)
    options = _text(client.get(reverse("support_list")))
    assert '<option value="ending">Bevilget, ophører</option> <option value="ended">' in options
    assert listed(ENDING) == [app.pk]
    assert listed(SupportStatus.ENDED) == []
    assert listed(SupportStatus.GRANTED) == [still_granted.pk]
    today_is(stop + timedelta(days=1))
    assert listed(ENDING) == []
    assert listed(SupportStatus.ENDED) == [app.pk]
    # The selectors say the same for any day.
    ended = SupportApplication.objects.filter(pk=app.pk)
    assert list(ended.ending(on=stop)) == [app] and not ended.ended(on=stop)
    assert not ended.ending(on=stop + timedelta(days=1))
    assert list(ended.ended(on=stop + timedelta(days=1))) == [app]


def test_the_list_reads_the_last_days_in_its_one_query(client, world, consultant, today_is):
    """As test_list_query_count_is_constant (tests/indsats/support/test_views.py): 12 queries,
    whether the page shows endings or not."""
    for _n in range(2):
        _ended(world)
    today_is(timezone.localdate())
    client.force_login(consultant)
    with CaptureQueriesContext(connection) as queries:
        body = _text(client.get(reverse("support_list")))
    assert body.count("Bevilget, ophører den") == 2
    assert len(queries) == 12, "\n".join(q["sql"][:150] for q in queries)


def _long_ago_ending(world, *, decided: datetime, stops_on: date) -> SupportApplication:
    app = make_application(world, child="Emil Eksempel")
    meeting = VisitationMeeting.objects.create(
        starts_at=decided,
        ends_at=decided + timedelta(hours=2),
        place="Rådhuset",
        application_deadline=decided.date(),
        created_by=world.administrator,
    )
    item = AgendaItem.objects.create(
        meeting=meeting, application=app, status=AgendaItemStatus.DECIDED
    )
    SupportDecision.objects.create(
        application=app,
        agenda_item=item,
        outcome=SupportOutcome.ENDED,
        period_end=stops_on,
        reasons="Støtten ophører ved periodens udløb.",
        decided_by=world.administrator,
        decided_at=decided,
    )
    SupportApplication.objects.filter(pk=app.pk).update(
        status=SupportStatus.ENDED, decided_at=decided
    )
    return app


def test_retention_counts_an_ending_from_its_last_day(world):
    """A case ended with support for another year is not anonymised a year after the decision
    (RETENTION_SUPPORT_YEARS may be 1): its years count from the last day with support."""
    now = timezone.now()
    decided = now - timedelta(days=400)
    stop = timezone.localdate() + timedelta(days=300)
    app = _long_ago_ending(world, decided=decided, stops_on=stop)
    year_ago = now - timedelta(days=366)
    assert app.pk not in list(retention.ended_applications(before=year_ago))
    # Once the years have passed since its last day, it is.
    after = timezone.make_aware(datetime.combine(stop + timedelta(days=1), datetime.min.time()))
    assert app.pk in list(retention.ended_applications(before=after))


def test_the_access_requests_name_the_status_as_the_pages_do(world, today_is):
    from institutioner.accessrequests import sections

    app, _first, ending, _first_meeting, _second = _ended(world)
    by_key = {
        section.key: section
        for about in (sections.PERSON, sections.CHILD)
        for section in sections.registered(about)
    }
    child = sections.Child(name=app.child_name, birth_date=app.child_birth_date)
    today_is(ending.stops_on)
    shown = f"Bevilget, ophører den {_short(ending.stops_on)}"
    assert [r["status"] for r in by_key["support_applications"].rows(world.leader)] == [shown]
    assert [r["status"] for r in by_key["child_support_applications"].rows(child)] == [shown]
    today_is(ending.stops_on + timedelta(days=1))
    assert [r["status"] for r in by_key["child_support_applications"].rows(child)] == ["Ophørt"]
