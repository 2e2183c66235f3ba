"""Triage's free capacity week by week: from the agreements in force, and from the accepted
requests only until their agreement is signed (issue 15, "Capacity is never released").

Paula has 37 contracted hours: 37 - 0,75 sparring - 1 preparation for the new intervention =
35,25 free hours a week with nothing booked. Every booked intervention takes its hours a week
and 1 hour's preparation in each week it counts."""

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

import pytest

from indsats.agreements import services as agreements_services
from indsats.models import EventKind
from indsats.requests import selectors, services
from institutioner.errors import StateError
from institutioner.workdays import monday_of, working_day_on_or_before
from tests.factories import PASSWORD
from tests.indsats.helpers import accept, agreement_in_force, make_request

D = Decimal
NOTHING_BOOKED = D("35.25")


@pytest.fixture
def monday():
    """Next week's Monday: the first week of the booked intervention."""
    from django.utils import timezone

    return monday_of(timezone.localdate()) + timedelta(weeks=1)


@pytest.fixture(autouse=True)
def sql_and_python_agree(db):
    """After every hand-made case: on PostgreSQL the database's sum (`booked_hours`) gives the
    same hours, week by week, as the rules in Python (`booked_in_python`)."""
    yield
    from django.db import connection
    from django.utils import timezone

    from institutioner.models import Pedagogist

    if connection.vendor != "postgresql":
        return
    ids = list(Pedagogist.objects.values_list("pk", flat=True))
    today = timezone.localdate()
    window = {"start": today - timedelta(weeks=60), "end": today + timedelta(weeks=110)}
    in_sql = selectors.booked_hours(ids, **window)
    in_python = selectors.booked_in_python(ids, **window)
    assert in_sql.mondays == in_python.mondays

    def rounded(hours):
        return {key: value.quantize(D("0.0001")) for key, value in hours.items() if value}

    assert rounded(in_sql.hours) == rounded(in_python.hours)
    assert in_python.hours or not ids  # the cases book something


def _free(world, req) -> Decimal:
    [row] = [r for r in selectors.capacity_by_pedagogist(req) if r.pedagogist == world.pedagogist]
    return row.free_hours


def _booked(world, monday, *, weeks=20, hours="30"):
    """An accepted request for Paula from `monday`, `weeks` long, `hours` a week."""
    req = make_request(world, submit=True, wished_start=monday, wished_weeks=weeks)
    accept(world, req, hours=hours)
    return req


def test_an_accepted_request_without_a_signed_agreement_counts_its_triage_hours(world, monday):
    booked = _booked(world, monday)
    later = make_request(world, submit=True, wished_start=monday + timedelta(weeks=8))
    assert _free(world, later) == NOTHING_BOOKED - D("31")
    # A draft agreement is not signed yet: the triage hours still count.
    agreements_services.agreement_create(actor=world.pedagogist.user, request_id=booked.pk)
    assert _free(world, later) == NOTHING_BOOKED - D("31")
    with pytest.raises(services.AllocationNeedsReason):
        accept(world, later, hours="10")


def test_the_signed_agreement_counts_instead_of_the_triage_hours(world, monday):
    booked = _booked(world, monday)
    agreement_in_force(world, booked, hours_per_week=D("20"))
    overlapping = make_request(world, submit=True, wished_start=monday + timedelta(weeks=2))
    assert _free(world, overlapping) == NOTHING_BOOKED - D("21")


def test_an_agreement_that_ends_before_the_wished_period_does_not_block_later_weeks(world, monday):
    """Wished for 20 weeks, agreed for 4: from week 5 on the hours are free again."""
    booked = _booked(world, monday)
    later = make_request(world, submit=True, wished_start=monday + timedelta(weeks=8))
    assert _free(world, later) == NOTHING_BOOKED - D("31")
    end = monday + timedelta(weeks=4, days=-1)
    agreement_in_force(
        world,
        booked,
        ends_on=end,
        final_evaluation_on=working_day_on_or_before(end),
        midway_evaluation_on=None,
    )
    assert _free(world, later) == NOTHING_BOOKED
    # Accepting it now needs no reason: Paula is attached and has the hours.
    accept(world, later, hours="10")
    # The weeks the agreement runs in are still booked.
    during = make_request(world, submit=True, wished_start=monday + timedelta(weeks=3))
    assert _free(world, during) == NOTHING_BOOKED - D("31")


def test_an_adjustment_that_shortens_the_agreement_frees_the_weeks_after(world, monday):
    booked = _booked(world, monday)
    agreement, _version = agreement_in_force(world, booked)
    later = make_request(world, submit=True, wished_start=monday + timedelta(weeks=8))
    assert _free(world, later) == NOTHING_BOOKED - D("31")
    draft = agreements_services.agreement_adjust(
        actor=world.pedagogist.user, agreement_id=agreement.pk
    )
    end = monday + timedelta(weeks=4, days=-1)
    agreements_services.agreement_draft_update(
        actor=world.pedagogist.user,
        version_id=draft.pk,
        content=replace(
            draft.parsed,
            ends_on=end,
            final_evaluation_on=working_day_on_or_before(end),
            midway_evaluation_on=None,
        ),
    )
    # Sent, not yet signed: version 1 still binds.
    agreements_services.agreement_send_for_signature(
        actor=world.pedagogist.user, version_id=draft.pk
    )
    assert _free(world, later) == NOTHING_BOOKED - D("31")
    for who in (world.leader, world.pedagogist.user):
        agreements_services.agreement_sign(actor=who, version_id=draft.pk, password=PASSWORD)
    assert _free(world, later) == NOTHING_BOOKED


def test_an_ended_agreement_frees_its_hours_from_the_next_week(world, monday):
    """`agreement_end` (closing the course calls it) on a Wednesday: that week stays booked,
    the weeks after are free. The request's history says so, and an ended agreement is not
    adjusted any more."""
    booked = _booked(world, monday)
    agreement, _version = agreement_in_force(world, booked)
    same_week = make_request(world, submit=True, wished_start=monday + timedelta(weeks=2))
    next_week = make_request(world, submit=True, wished_start=monday + timedelta(weeks=3))
    wednesday = monday + timedelta(weeks=2, days=2)
    agreements_services.agreement_end(
        actor=world.administrator, agreement_id=agreement.pk, on=wednesday
    )
    agreements_services.agreement_end(
        actor=world.administrator, agreement_id=agreement.pk, on=wednesday
    )
    assert _free(world, same_week) == NOTHING_BOOKED - D("31")
    assert _free(world, next_week) == NOTHING_BOOKED
    agreement.refresh_from_db()
    assert agreement.ended_on == wednesday
    assert agreement.history.first().history_user == world.administrator
    assert booked.events.filter(kind=EventKind.AGREEMENT_ENDED).count() == 1
    with pytest.raises(StateError, match="ophørt"):
        agreements_services.agreement_adjust(actor=world.administrator, agreement_id=agreement.pk)
    # Taken back (the course opened again): booked again.
    agreements_services.agreement_end(actor=world.administrator, agreement_id=agreement.pk, on=None)
    assert _free(world, next_week) == NOTHING_BOOKED - D("31")


def test_the_busiest_week_decides(world, monday):
    """Two bookings that overlap in one week only: that week is the one that counts."""
    _booked(world, monday, weeks=4, hours="10")
    _booked(world, monday + timedelta(weeks=3), weeks=4, hours="12")
    req = make_request(world, submit=True, wished_start=monday, wished_weeks=8)
    [row] = [r for r in selectors.capacity_by_pedagogist(req) if r.pedagogist == world.pedagogist]
    assert row.free_hours == NOTHING_BOOKED - D("24")
    assert row.busiest_week == monday + timedelta(weeks=3)


def test_the_triage_page_says_how_free_hours_are_counted(client, world, monday):
    _booked(world, monday)
    req = make_request(world, submit=True, wished_start=monday + timedelta(weeks=2))
    client.force_login(world.administrator)
    html = client.get(f"/visitation/{req.pk}/").content.decode()
    week = (monday + timedelta(weeks=2)).isocalendar().week
    assert f"travleste uge {week}" in html
    assert "aftaler, der er i kraft" in html


def test_the_database_sums_the_capacity_in_two_queries(world, monday, postgres):
    """The sum of the agreements and requests, and the planned absence (indsats/hooks.py)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _booked(world, monday, hours="10")
    agreement_in_force(world, _booked(world, monday + timedelta(weeks=4), hours="5"))
    with CaptureQueriesContext(connection) as queries:
        selectors.booked_hours(
            [world.pedagogist.pk], start=monday, end=monday + timedelta(weeks=30)
        )
    assert len(queries.captured_queries) == 2
    assert "forloeb_absence" in queries.captured_queries[1]["sql"]


@pytest.mark.django_db
def test_sql_and_python_agree_on_a_municipality_with_two_years_behind_it(postgres):
    """The database's sum skips the versions and wished periods that end before the weeks
    asked (most of them, after some years). On the synthetic municipality of the demo (two
    years, 180 agreements, adjusted, ended and unsigned ones), past, present and coming
    windows give the same hours week by week as the rules in Python, which skip nothing."""
    from django.utils import timezone

    from demo import synthetic
    from institutioner.models import Pedagogist

    today = timezone.localdate()
    synthetic.municipality_create(scale=synthetic.SCALES["demo"], seed=1, today=today)
    ids = list(Pedagogist.objects.values_list("pk", flat=True))
    booked_weeks = 0
    for start, weeks in ((-80, 8), (-30, 12), (-4, 8), (0, 1), (1, 20), (30, 40)):
        first = today + timedelta(weeks=start)
        window = {"start": first, "end": first + timedelta(weeks=weeks)}
        in_sql = selectors.booked_hours(ids, **window)
        in_python = selectors.booked_in_python(ids, **window)
        assert in_sql.mondays == in_python.mondays
        rounded_sql = {k: v.quantize(D("0.0001")) for k, v in in_sql.hours.items() if v}
        rounded_python = {k: v.quantize(D("0.0001")) for k, v in in_python.hours.items() if v}
        assert rounded_sql == rounded_python, window
        booked_weeks += len(rounded_sql)
    assert booked_weeks > 100  # the windows book something
