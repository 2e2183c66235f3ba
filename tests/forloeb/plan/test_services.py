"""Absence and the plan's arithmetic against hand-made calendars (Christmas, summer time)."""

from datetime import date, time, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from forloeb.models import Absence, AbsenceKind, AbsenceRepeat
from forloeb.plan import selectors, services
from forloeb.plan.services import AbsenceInput
from institutioner.errors import StateError
from institutioner.models import Notification, NotificationKind, Role
from institutioner.workdays import is_working_day, working_day_on_or_after
from tests import factories
from tests.forloeb.plan.helpers import agreement, christmas_year


def _record(world, actor=None, **fields):
    data = {"kind": AbsenceKind.COURSE, "starts_on": fields.get("starts_on"), **fields}
    data.setdefault("ends_on", data["starts_on"])
    return services.absence_record(
        actor=actor or world.pedagogist.user,
        pedagogist_id=world.pedagogist.pk,
        data=AbsenceInput(**data),
    )


def _absence_notes():
    return list(
        Notification.objects.filter(kind=NotificationKind.ABSENCE).order_by("recipient__email")
    )


def test_practice_days_skip_weekends_and_danish_holidays(world):
    year = christmas_year()
    agreement(world, weekdays=(3, 4))  # Thursday and Friday
    days = selectors.practice_days(
        pedagogist_ids=[world.pedagogist.pk], first=date(year, 12, 20), last=date(year + 1, 1, 10)
    )
    found = [p.day for p in days]
    expected = [
        day
        for day in selectors.days_between(date(year, 12, 20), date(year + 1, 1, 10))
        if day.weekday() in (3, 4) and is_working_day(day)
    ]
    assert found == expected
    # Christmas Eve, Christmas Day, New Year's Eve and New Year's Day never hold practice.
    for holiday in (
        date(year, 12, 24),
        date(year, 12, 25),
        date(year, 12, 31),
        date(year + 1, 1, 1),
    ):
        assert holiday not in found
    assert all(p.time_from == time(9) and p.hours == Decimal(3) for p in days)
    assert {p.institution for p in days} == {world.institution}


def test_absence_tells_each_leader_once_with_the_affected_days(world):
    year = christmas_year()
    # Lene leads both institutions; Lise only the other one; Otto none of them.
    factories.MembershipFactory(user=world.leader, institution=world.other_institution)
    lise = factories.UserFactory(email="lise@example.dk", name="Lise Leder", role=Role.LEADER)
    factories.MembershipFactory(user=lise, institution=world.other_institution)
    factories.GroupFactory(institution=world.other_institution, name="Myren")
    agreement(world, weekdays=(0,), time_from=time(9), time_to=time(12))  # Mondays
    agreement(
        world,
        institution=world.other_institution,
        weekdays=(0, 2),
        time_from=time(13),
        time_to=time(15),
    )
    monday = date(year, 12, 10)
    monday -= timedelta(days=monday.weekday())
    absence = _record(world, starts_on=monday, ends_on=monday + timedelta(days=4))

    notes = _absence_notes()
    assert [n.recipient for n in notes] == [world.leader, lise]
    lene, lise_note = notes
    assert "Børnehuset Mariehønen" in lene.body_text and "Vuggestuen Spiren" in lene.body_text
    assert lene.body_text.count("\n- ") == 3  # Monday at both, Wednesday at Spiren
    assert "Børnehuset Mariehønen" not in lise_note.body_text
    assert lise_note.body_text.count("\n- ") == 2
    # The kind of absence is not the leaders' business.
    assert "kursus" not in lene.body_text.lower()
    assert f"/plan/uge/{monday.isocalendar()[0]}/{monday.isocalendar()[1]}/" in lene.url
    assert absence.history.count() == 1


def test_a_part_day_absence_outside_practice_tells_nobody(world):
    year = christmas_year()
    agreement(world, weekdays=(0, 1, 2, 3, 4), time_from=time(9), time_to=time(12))
    day = date(year, 12, 8)
    _record(world, starts_on=day, time_from=time(12), time_to=time(15))
    assert _absence_notes() == []
    _record(world, starts_on=day + timedelta(days=1), time_from=time(11), time_to=time(13))
    assert len(_absence_notes()) == 1


def test_a_repeating_absence_covers_each_repetition(world):
    year = christmas_year()
    agreement(world, weekdays=(1,))  # Tuesdays
    tuesday = date(year, 12, 3)
    tuesday += timedelta(days=(1 - tuesday.weekday()) % 7)
    absence = _record(
        world,
        kind=AbsenceKind.TRAINING_DAY,
        starts_on=tuesday,
        repeat=AbsenceRepeat.FORTNIGHTLY,
        repeat_until=tuesday + timedelta(weeks=6),
    )
    assert selectors.absence_days(absence) == [tuesday + timedelta(weeks=w) for w in (0, 2, 4, 6)]
    affected = [p.day for p in selectors.affected_practice_days(absence)]
    assert affected == [d for d in selectors.absence_days(absence) if is_working_day(d)]
    (note,) = _absence_notes()
    assert note.body_text.count("\n- ") == len(affected)


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"starts_on": date(2030, 1, 10), "ends_on": date(2030, 1, 9)}, "ends_on"),
        ({"starts_on": date(2030, 1, 10), "time_from": time(10)}, "time_to"),
        ({"starts_on": date(2030, 1, 10), "time_from": time(10), "time_to": time(9)}, "time_to"),
        ({"starts_on": date(2030, 1, 10), "repeat": AbsenceRepeat.WEEKLY}, "repeat_until"),
        (
            {
                "starts_on": date(2030, 1, 7),
                "ends_on": date(2030, 1, 15),
                "repeat": AbsenceRepeat.WEEKLY,
                "repeat_until": date(2030, 3, 1),
            },
            "ends_on",
        ),
        ({"starts_on": date(2030, 1, 10), "ends_on": date(2031, 3, 1)}, "ends_on"),
        ({"starts_on": date(2030, 1, 10), "note": "Barnet 010203-1234 er sygt"}, "note"),
        ({"starts_on": date(2030, 1, 10), "note": "x" * 201}, "note"),
    ],
)
def test_bad_absence_is_refused_with_a_message(world, fields, field):
    with pytest.raises(ValidationError) as caught:
        _record(world, **fields)
    assert field in caught.value.message_dict
    assert not Absence.objects.exists()


def test_overlapping_absences_are_refused(world):
    start = date(2030, 1, 7)
    _record(world, starts_on=start, ends_on=start + timedelta(days=2))
    with pytest.raises(ValidationError) as caught:
        _record(world, kind=AbsenceKind.ILLNESS, starts_on=start + timedelta(days=2))
    assert "starts_on" in caught.value.message_dict
    # A repeating one that lands on it is refused too; one the day after is fine.
    with pytest.raises(ValidationError):
        _record(
            world,
            starts_on=start - timedelta(weeks=2),
            repeat=AbsenceRepeat.WEEKLY,
            repeat_until=start + timedelta(weeks=1),
        )
    _record(world, starts_on=start + timedelta(days=3))
    # Two parts of one day that do not overlap are two absences.
    day = start + timedelta(days=7)
    _record(world, starts_on=day, time_from=time(8), time_to=time(10))
    _record(world, starts_on=day, time_from=time(10), time_to=time(12))
    assert Absence.objects.count() == 4


def test_cancelling_tells_the_leaders_and_happens_once(world):
    year = christmas_year()
    agreement(world, weekdays=(0, 1, 2, 3, 4))
    # A working day (an absence on a weekend day alone is refused; 8.12 is one in some years).
    day = working_day_on_or_after(date(year, 12, 8))
    absence = _record(world, starts_on=day)
    services.absence_cancel(actor=world.administrator, absence_id=absence.pk)
    assert [n.template for n in _absence_notes()] == ["absence_recorded", "absence_cancelled"]
    with pytest.raises(StateError):
        services.absence_cancel(actor=world.administrator, absence_id=absence.pk)
    # Cancelled, the days are free for a new absence.
    _record(world, starts_on=day)


def test_absence_hours_for_capacity(world):
    """A whole working day is a fifth of the contracted week, a part day its length (at most
    that fifth), holidays and weekends nothing."""
    year = christmas_year()
    world.pedagogist.weekly_hours = Decimal("37")
    world.pedagogist.save()
    monday = date(year, 12, 21)
    monday -= timedelta(days=monday.weekday())  # the week holding Christmas
    _record(world, kind=AbsenceKind.HOLIDAY, starts_on=monday, ends_on=monday + timedelta(days=6))
    next_monday = monday + timedelta(weeks=1)
    # A working day that week (Boxing Day is its Tuesday when Christmas Day is a Monday).
    tuesday = working_day_on_or_after(next_monday + timedelta(days=1))
    _record(world, starts_on=tuesday, time_from=time(8), time_to=time(11))
    weeks = selectors.absence_hours_by_week([world.pedagogist.pk], [monday, next_monday])
    working = [
        d for d in selectors.days_between(monday, monday + timedelta(days=4)) if is_working_day(d)
    ]
    assert weeks[(world.pedagogist.pk, monday)] == Decimal("7.4") * len(working)
    assert weeks[(world.pedagogist.pk, next_monday)] == Decimal("3")
    assert selectors.absence_hours(
        [world.pedagogist.pk], next_monday, next_monday + timedelta(days=6)
    ) == {world.pedagogist.pk: Decimal("3")}


def test_the_week_plan_across_summer_time(world):
    """A meeting at 10:00 on the first working day after the clocks go forward is at 10:00 in the
    plan, and clashes with the practice 9-12 that morning; absence takes the next day away. (In
    2027 the switch is on Easter Sunday: Easter Monday is a holiday without practice.)"""
    from forloeb.access import week_plan_scope_for
    from forloeb.plan.weekplan import week_plan
    from indsats.requests import services as requests_services
    from institutioner.workdays import at_local, working_day_on_or_after
    from tests.forloeb.plan.helpers import last_sunday_of_march
    from tests.indsats.helpers import accept, make_request

    year = christmas_year() + 1
    agreement(world)
    switch = last_sunday_of_march(year)
    day = working_day_on_or_after(switch)
    following = working_day_on_or_after(day + timedelta(days=1))
    monday = day - timedelta(days=day.weekday())
    assert following - timedelta(days=following.weekday()) == monday, "a hand-made week"
    req = make_request(world, submit=True)
    accept(world, req)
    requests_services.meeting_plan(
        actor=world.administrator,
        request_id=req.pk,
        starts_at=at_local(day, time(10)),
        ends_at=at_local(day, time(11)),
        place="Personalestuen",
        participants=[world.leader, world.pedagogist.user],
    )
    _record(world, kind=AbsenceKind.ILLNESS, starts_on=following)
    assert at_local(day, time(10)).utcoffset() == timedelta(hours=2)

    (mine,) = week_plan(week_plan_scope_for(world.pedagogist.user), monday)
    first, second = mine.days[day.weekday()], mine.days[following.weekday()]
    for row in mine.days[: day.weekday()]:
        assert row.holiday and row.entries == []
    assert [(e.kind, e.time_from) for e in first.entries] == [
        ("practice", time(9)),
        ("meeting", time(10)),
    ]
    assert first.clash and first.overbooked is False
    assert [e.kind for e in second.entries] == ["absence", "cancelled"]
    assert second.hours == 0

    # The leader sees the day fall away, not why, and no clash flags.
    (hers,) = week_plan(week_plan_scope_for(world.leader), monday)
    assert [e.kind for e in hers.days[following.weekday()].entries] == ["cancelled"]
    assert not hers.days[day.weekday()].clash
    # A leader elsewhere sees nobody.
    assert week_plan(week_plan_scope_for(world.outsider), monday) == []


def test_an_absence_on_weekends_and_holidays_only_is_refused(world):
    """An absence whose every day (every repetition's too) is a weekend day or a Danish holiday
    was accepted, though it counts no hours (`selectors.counted_days`): a wrong date, most
    likely. Refused on the first day, with the day named when it is one day."""
    year = christmas_year()
    saturday = date(year + 1, 2, 7) + timedelta(days=(5 - date(year + 1, 2, 7).weekday()) % 7)

    def refused(**fields) -> list[str]:
        with pytest.raises(ValidationError) as caught:
            _record(world, **fields)
        return caught.value.message_dict["starts_on"]

    assert refused(starts_on=saturday) == [
        f"{saturday:%d.%m.%Y} er en weekenddag; vælg en arbejdsdag."
    ]
    # A part of a holiday, too.
    assert refused(starts_on=date(year + 1, 1, 1), time_from=time(8), time_to=time(10)) == [
        f"01.01.{year + 1} er en helligdag (Nytårsdag); vælg en arbejdsdag."
    ]
    whole = [
        "Fraværet falder kun på weekend- eller helligdage og tæller ingen timer. "
        "Vælg en arbejdsdag."
    ]
    assert refused(starts_on=date(year, 12, 25), ends_on=date(year, 12, 26)) == whole
    assert (
        refused(
            starts_on=saturday,
            ends_on=saturday + timedelta(days=1),
            repeat=AbsenceRepeat.WEEKLY,
            repeat_until=saturday + timedelta(weeks=4),
        )
        == whole
    )
    # Every repetition on a holiday: Christmas Day and New Year's Day, a week apart.
    assert (
        refused(
            starts_on=date(year, 12, 25),
            repeat=AbsenceRepeat.WEEKLY,
            repeat_until=date(year + 1, 1, 1),
        )
        == whole
    )
    assert not Absence.objects.exists()
    # One working day is enough, and it counts exactly that day.
    world.pedagogist.weekly_hours = Decimal("37")
    world.pedagogist.save()
    absence = _record(world, starts_on=saturday - timedelta(days=1), ends_on=saturday)
    assert selectors.counted_days(absence) == [saturday - timedelta(days=1)]
    assert selectors.absence_hours(
        [world.pedagogist.pk], saturday - timedelta(days=6), saturday + timedelta(days=1)
    ) == {world.pedagogist.pk: Decimal("7.4")}


def test_an_absence_that_is_over_is_cancelled_and_nobody_is_told(world):
    """Sick days recorded for the wrong week could not be taken back once the week had passed
    (StateError): the capacity and the week plan kept counting them. The pedagogist and the
    administration cancel it, and nobody hears of days that have passed."""
    from institutioner.workdays import monday_of

    today = timezone.localdate()
    this_monday = monday_of(today)
    agreement(world, start=this_monday - timedelta(weeks=3), end=today + timedelta(weeks=8))
    last_week = this_monday - timedelta(weeks=1)
    mistake = _record(
        world,
        kind=AbsenceKind.ILLNESS,
        starts_on=last_week,
        ends_on=last_week + timedelta(days=4),
    )
    ids = [world.pedagogist.pk]
    assert selectors.absence_hours_by_week(ids, [last_week])[(world.pedagogist.pk, last_week)]
    Notification.objects.all().delete()

    cancelled = services.absence_cancel(actor=world.pedagogist.user, absence_id=mistake.pk)
    assert cancelled.cancelled_by == world.pedagogist.user and cancelled.was_over
    assert cancelled.leaders_told == 0 and cancelled.meetings_cleared == []
    assert not Notification.objects.exists()
    # The capacity and the week plan read the absences not cancelled: it counts no more.
    assert selectors.absence_hours_by_week(ids, [last_week]) == {}
    assert selectors.absences_between(ids, last_week, last_week + timedelta(days=6)) == []
    # The administration corrects one too (two weeks back: no week sheet saved, none listed).
    older = _record(
        world, starts_on=last_week - timedelta(weeks=1), ends_on=last_week - timedelta(days=3)
    )
    done = services.absence_cancel(actor=world.administrator, absence_id=older.pk)
    assert done.cancelled_by == world.administrator and done.saved_weeks == []
    assert not Notification.objects.exists()
