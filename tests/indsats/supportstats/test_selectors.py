"""The statistics against numbers computed by hand from the data set in data.py."""

from datetime import date
from decimal import Decimal

import pytest

from indsats.models import AgendaPurpose, SupportOutcome
from indsats.supportstats.selectors import granted_hours_on, support_statistics
from tests.indsats.supportstats import data

pytestmark = pytest.mark.django_db

TODAY = date(2026, 12, 2)
D = Decimal


def test_applications_per_month(world):
    data.build(world)
    stats = support_statistics(year=2025, today=TODAY)
    # A1, A2, A3 in March; A4, A5 in April; the draft A7 was never submitted.
    assert stats.current.applications_by_month == [0, 0, 3, 2, 0, 0, 0, 0, 0, 0, 0, 0]
    assert stats.current.applications == 5
    # A6 in November 2024.
    assert stats.previous.applications_by_month == [0] * 10 + [1, 0]
    assert stats.previous.applications == 1


def test_decisions_per_month_by_outcome(world):
    data.build(world)
    stats = support_statistics(year=2025, today=TODAY)
    months = stats.current.decisions_by_month
    # April: D2 granted, D3 partly granted, D4 rejected; May: D5 more info, D6 extended.
    assert months["granted"] == [0, 0, 0, 1] + [0] * 8
    assert months["partly_granted"] == [0, 0, 0, 1] + [0] * 8
    assert months["rejected"] == [0, 0, 0, 1] + [0] * 8
    assert months["more_info"] == [0, 0, 0, 0, 1] + [0] * 7
    assert months["extended"] == [0, 0, 0, 0, 1] + [0] * 7
    assert months["ended"] == [0] * 12
    assert stats.current.decisions_by_month_total == [0, 0, 0, 3, 2] + [0] * 7
    assert stats.current.decisions_by_outcome == {
        "granted": 1,
        "partly_granted": 1,
        "rejected": 1,
        "more_info": 1,
        "extended": 1,
        "ended": 0,
    }
    # D1 in December 2024.
    assert stats.previous.decisions_by_month["granted"] == [0] * 11 + [1]
    assert stats.previous.decisions == 1


def test_by_district_and_kind(world):
    data.build(world)
    stats = support_statistics(year=2025, today=TODAY)
    assert [d.name for d in stats.districts] == ["Søvang", "Ullerup Bæk"]
    north = stats.current.by_district[world.institution.district_id]
    south = stats.current.by_district[world.outsider_institution.district_id]
    # North: A1, A2, A5 submitted; D2 granted, D3 partly, D6 extended.
    assert north["applications"] == 3 and north["decisions"] == 3
    assert (north["granted"], north["partly_granted"], north["extended"]) == (1, 1, 1)
    # South: A3, A4; D4 rejected, D5 more info.
    assert south["applications"] == 2 and south["decisions"] == 2
    assert (south["rejected"], south["more_info"], south["granted"]) == (1, 1, 0)
    assert stats.previous.by_district[world.institution.district_id]["applications"] == 1
    assert world.outsider_institution.district_id not in stats.previous.by_district

    kinds = stats.current.applications_by_kind
    assert kinds == {"support_hours": 3, "stendalen": 1, "i_place": 1, "double_place": 0}
    assert stats.previous.applications_by_kind["support_hours"] == 1
    decided = stats.current.decisions_by_kind
    assert sum(decided["support_hours"].values()) == 4  # D2, D3, D5, D6
    assert decided["stendalen"] == {**dict.fromkeys(decided["stendalen"], 0), "rejected": 1}


def test_waiting_time_to_the_first_decision(world):
    data.build(world)
    stats = support_statistics(year=2025, today=TODAY)
    waiting = stats.current.waiting
    # First decisions in 2025: A1 5.3→8.4 = 34 days, A2 20.3→8.4 = 19, A3 25.3→8.4 = 14,
    # A4 2.4→6.5 = 34 (A6's first decision was in 2024). Median of 14, 19, 34, 34 = 26.5;
    # average 101 / 4 = 25.25 → 25.3. Still waiting at the end of 2025: A5.
    assert waiting.decided == 4
    assert waiting.median_days == D("26.5")
    assert waiting.average_days == D("25.3")
    assert waiting.still_waiting == 1
    # 2024: A6 15.11→10.12 = 25 days; nobody waiting at the end of 2024.
    before = stats.previous.waiting
    assert (before.decided, before.median_days, before.average_days) == (1, D("25.0"), D("25.0"))
    assert before.still_waiting == 0


def test_still_waiting_this_year_counts_until_today(world):
    d = data.build(world)
    # Looked at on 1 April 2025: A1, A2, A3 submitted, none decided yet.
    stats = support_statistics(year=2025, today=date(2025, 4, 1))
    assert stats.current.waiting.still_waiting == 3
    assert d.a4.submitted_at.date() > date(2025, 4, 1)


def test_revisits(world):
    data.build(world)
    stats = support_statistics(year=2025, today=TODAY)
    assert stats.current.revisits["extended"] == 1
    assert stats.current.revisits["ended"] == 0
    assert sum(stats.current.revisits.values()) == 1
    assert sum(stats.previous.revisits.values()) == 0


def test_granted_hours_at_each_month_end(world):
    data.build(world)
    stats = support_statistics(year=2025, today=TODAY)
    north = world.institution.district_id
    # Jan-Mar: D1 10. April 30: D1 10 + D2 8 (from 15.4). May 31 and June 30: + D3 5 (from 1.5)
    # = 23 (D6, decided 6.5, starts only 1.7). July-October: D6 6 + D2 8 + D3 5 = 19.
    # November, December: D3 ended 31.10 → 14.
    expected = [10, 10, 10, 18, 23, 23, 19, 19, 19, 19, 14, 14]
    assert stats.current.granted_hours[north] == [D(n) for n in expected]
    assert stats.current.granted_hours_total == [D(n) for n in expected]
    # South has none; 2024's December grant starts in 2025.
    assert world.outsider_institution.district_id not in stats.current.granted_hours
    assert stats.previous.granted_hours_total == [D(0)] * 12


def test_months_not_reached_have_no_hours(world):
    data.build(world)
    stats = support_statistics(year=2025, today=date(2025, 5, 15))
    assert stats.current.granted_hours_total[:4] == [D(10), D(10), D(10), D(18)]
    assert stats.current.granted_hours_total[4:] == [None] * 8


def test_granted_hours_on_a_day_and_an_ending(world):
    d = data.build(world)
    day = date(2025, 9, 15)
    by_institution = granted_hours_on(day, by="institution")
    # Mariehønen: D2 8 + D6 6; Spiren: D3 5.
    assert by_institution == {world.institution.pk: D(14), world.other_institution.pk: D(5)}
    assert granted_hours_on(day) == {world.institution.district_id: D(19)}
    # A1 is ended at a re-visitation on 20 September: from that day A1's 8 hours are gone.
    m3 = data.meeting(world, date(2025, 9, 20))
    data.decide(world, d.a1, m3, SupportOutcome.ENDED, purpose=AgendaPurpose.REVISIT)
    assert granted_hours_on(date(2025, 9, 19), by="institution")[world.institution.pk] == D(14)
    assert granted_hours_on(date(2025, 9, 20), by="institution")[world.institution.pk] == D(6)
    assert granted_hours_on(day, institutions=[world.other_institution.pk]) == {
        world.institution.district_id: D(5)
    }
    stats = support_statistics(year=2025, today=TODAY)
    assert stats.current.revisits["ended"] == 1


def test_an_ending_with_a_last_day_keeps_the_hours_until_then(world):
    d = data.build(world)
    m3 = data.meeting(world, date(2025, 9, 20))
    data.decide(
        world, d.a1, m3, SupportOutcome.ENDED, end=date(2025, 9, 30), purpose=AgendaPurpose.REVISIT
    )
    assert granted_hours_on(date(2025, 9, 30), by="institution")[world.institution.pk] == D(14)
    assert granted_hours_on(date(2025, 10, 1), by="institution")[world.institution.pk] == D(6)


def test_a_fixed_number_of_queries(world, django_assert_num_queries):
    with django_assert_num_queries(8):
        support_statistics(year=2025, today=TODAY)
    data.build(world)
    with django_assert_num_queries(8):
        support_statistics(year=2025, today=TODAY)
