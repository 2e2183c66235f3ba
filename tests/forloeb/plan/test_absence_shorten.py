"""Shortening a recorded absence (she came back early): a later first day, an earlier last day
or an earlier last repetition, within the period recorded. The days given back are practice
days again in the week plan and the calendars, and whoever cancelling would tell of them is told
(the leaders, of the practice days from today). Refusals are said in Danish under the field;
another pedagogist's absence answers 404, and a cancelled one says so."""

from datetime import date, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from forloeb.models import Absence, AbsenceKind, AbsenceRepeat, FeedScope
from forloeb.plan import services
from forloeb.plan.services import AbsenceInput, ShortenInput
from institutioner.errors import StateError
from institutioner.models import Notification
from tests.forloeb.plan.helpers import agreement, christmas_year


def _monday() -> date:
    day = date(christmas_year(), 12, 8)
    return day - timedelta(days=day.weekday())


def _week(world, **fields) -> Absence:
    """Her absence Monday to Friday of a December week, in the middle of her course."""
    monday = _monday()
    data = {"kind": AbsenceKind.COURSE, "starts_on": monday, "ends_on": monday + timedelta(days=4)}
    data.update(fields)
    return services.absence_record(
        actor=world.pedagogist.user, pedagogist_id=world.pedagogist.pk, data=AbsenceInput(**data)
    )


def _practice_days(client, feed) -> set[date]:
    body = client.get(reverse("calendar_feed", args=[feed.pk, feed.secret])).content
    days = set()
    for event in Calendar.from_ical(body).walk("VEVENT"):
        if str(event["uid"]).startswith("absence-"):
            continue
        start = event.decoded("dtstart")
        days.add(timezone.localtime(start).date() if hasattr(start, "hour") else start)
    return days


def test_coming_back_early_frees_the_days_and_tells_the_leader(client, world):
    agreement(world, weekdays=(0, 1, 2, 3, 4), time_from=time(9), time_to=time(12))
    absence = _week(world)
    monday = _monday()
    feed = services.calendar_feed_make(
        actor=world.pedagogist.user, scope=FeedScope.PERSONAL, institution_id=None
    )
    week = {monday + timedelta(days=n) for n in range(5)}
    assert not _practice_days(client, feed) & week
    Notification.objects.all().delete()

    client.force_login(world.pedagogist.user)
    url = reverse("absence_shorten", args=[absence.pk])
    form = client.get(url).content.decode()
    # The date pickers offer the recorded period only.
    friday = monday + timedelta(days=4)
    assert form.count(f'min="{monday.isoformat()}"') == 2
    assert form.count(f'max="{friday.isoformat()}"') == 2
    response = client.post(
        url, {"starts_on": monday.isoformat(), "ends_on": (monday + timedelta(days=1)).isoformat()}
    )

    assert response.status_code == 302 and response["Location"] == reverse("absence_list")
    absence.refresh_from_db()
    assert (absence.starts_on, absence.ends_on) == (monday, monday + timedelta(days=1))
    assert absence.cancelled_at is None
    assert absence.history.first().history_change_reason == "shortened"
    # Wednesday to Friday are hers again, in her calendar too.
    assert _practice_days(client, feed) & week == week - {monday, monday + timedelta(days=1)}
    (note,) = Notification.objects.filter(template="absence_cancelled")
    assert note.recipient == world.leader
    wednesday = monday + timedelta(days=2)
    assert f"{wednesday.day}. december {wednesday.year}" in note.body_text
    assert f"tirsdag {monday.day + 1}. december" not in note.body_text

    # Shortened once more, then cancelled: each tells of its own days.
    services.absence_shorten(
        actor=world.pedagogist.user,
        absence_id=absence.pk,
        data=ShortenInput(starts_on=monday, ends_on=monday),
    )
    services.absence_cancel(actor=world.pedagogist.user, absence_id=absence.pk)
    assert Notification.objects.filter(template="absence_cancelled").count() == 3


def test_a_later_first_day_gives_back_the_first_days(world):
    agreement(world, weekdays=(0, 1, 2, 3, 4))
    absence = _week(world)
    monday = _monday()
    Notification.objects.all().delete()
    services.absence_shorten(
        actor=world.pedagogist.user,
        absence_id=absence.pk,
        data=ShortenInput(starts_on=monday + timedelta(days=3), ends_on=monday + timedelta(days=4)),
    )
    absence.refresh_from_db()
    assert absence.starts_on == monday + timedelta(days=3)
    body = Notification.objects.get(template="absence_cancelled").body_text
    assert f"mandag {monday.day}. december" in body
    assert f"torsdag {monday.day + 3}. december" not in body


def test_a_repeating_absence_ends_its_repetitions_earlier(world):
    agreement(world, weekdays=(0, 1, 2, 3, 4))
    monday = _monday()
    absence = _week(
        world,
        ends_on=monday,
        repeat=AbsenceRepeat.WEEKLY,
        repeat_until=monday + timedelta(weeks=3),
    )
    Notification.objects.all().delete()
    services.absence_shorten(
        actor=world.pedagogist.user,
        absence_id=absence.pk,
        data=ShortenInput(
            starts_on=monday, ends_on=monday, repeat_until=monday + timedelta(weeks=1)
        ),
    )
    absence.refresh_from_db()
    assert absence.repeat_until == monday + timedelta(weeks=1)
    assert (absence.starts_on, absence.ends_on) == (monday, monday)
    body = Notification.objects.get(template="absence_cancelled").body_text
    for weeks, told in ((0, False), (1, False), (2, True), (3, True)):
        day = monday + timedelta(weeks=weeks)
        assert (f"mandag {day.day}. " in body) is told, weeks


@pytest.mark.parametrize(
    ("first", "last", "field"),
    [
        (2, 1, "ends_on"),  # ends before it starts
        (0, 6, "ends_on"),  # longer than recorded
        (-1, 4, "ends_on"),  # begins before
        (0, 4, "ends_on"),  # the same period
        (5, 6, "ends_on"),  # ends before it starts again (outside, and the weekend)
    ],
    ids=["end-before-start", "longer", "earlier-start", "unchanged", "after"],
)
def test_the_service_refuses_what_is_not_a_shortening(world, first, last, field):
    absence = _week(world)
    monday = _monday()
    with pytest.raises(ValidationError) as raised:
        services.absence_shorten(
            actor=world.pedagogist.user,
            absence_id=absence.pk,
            data=ShortenInput(
                starts_on=monday + timedelta(days=first), ends_on=monday + timedelta(days=last)
            ),
        )
    assert field in raised.value.message_dict
    absence.refresh_from_db()
    assert (absence.starts_on, absence.ends_on) == (monday, monday + timedelta(days=4))


def test_only_weekend_days_left_is_refused(world):
    monday = _monday()
    absence = _week(world, ends_on=monday + timedelta(days=6))  # Monday to Sunday
    with pytest.raises(ValidationError) as raised:
        services.absence_shorten(
            actor=world.pedagogist.user,
            absence_id=absence.pk,
            data=ShortenInput(
                starts_on=monday + timedelta(days=5), ends_on=monday + timedelta(days=6)
            ),
        )
    assert "ends_on" in raised.value.message_dict


def test_a_cancelled_absence_is_not_shortened(client, world):
    absence = _week(world)
    services.absence_cancel(actor=world.pedagogist.user, absence_id=absence.pk)
    with pytest.raises(StateError):
        services.absence_shorten(
            actor=world.pedagogist.user,
            absence_id=absence.pk,
            data=ShortenInput(starts_on=_monday(), ends_on=_monday()),
        )
    client.force_login(world.pedagogist.user)
    response = client.post(
        reverse("absence_shorten", args=[absence.pk]),
        {"starts_on": _monday().isoformat(), "ends_on": _monday().isoformat()},
        follow=True,
    )
    assert response.status_code == 200
    assert "allerede aflyst" in response.content.decode()


def test_the_form_says_what_is_wrong_and_keeps_the_absence(client, world):
    absence = _week(world)
    monday = _monday()
    client.force_login(world.pedagogist.user)
    response = client.post(
        reverse("absence_shorten", args=[absence.pk]),
        {"starts_on": (monday + timedelta(days=3)).isoformat(), "ends_on": monday.isoformat()},
    )
    assert response.status_code == 200
    assert "Fraværet kan ikke slutte, før det begynder." in response.content.decode()
    response = client.post(
        reverse("absence_shorten", args=[absence.pk]), {"starts_on": "", "ends_on": "3000-01-01"}
    )
    assert response.status_code == 200
    absence.refresh_from_db()
    assert (absence.starts_on, absence.ends_on) == (monday, monday + timedelta(days=4))


def test_only_she_and_the_administration_may_shorten_it(client, world):
    absence = _week(world)
    url = reverse("absence_shorten", args=[absence.pk])
    monday = _monday()
    data = {"starts_on": monday.isoformat(), "ends_on": monday.isoformat()}
    for person in (world.leader, world.outsider, world.outsider_pedagogist.user, world.staff):
        client.force_login(person)
        assert client.get(url).status_code == 404, person
        assert client.post(url, data).status_code == 404, person
    client.force_login(world.administrator)
    assert client.post(url, data).status_code == 302
    absence.refresh_from_db()
    assert absence.ends_on == monday


def test_the_list_offers_shortening_where_there_is_something_to_shorten(client, world):
    week = _week(world)
    one_day = _week(
        world, starts_on=_monday() + timedelta(weeks=2), ends_on=_monday() + timedelta(weeks=2)
    )
    monday = _monday() + timedelta(weeks=4)
    repeating = _week(
        world,
        starts_on=monday,
        ends_on=monday,
        repeat=AbsenceRepeat.WEEKLY,
        repeat_until=monday + timedelta(weeks=1),
    )
    once = _week(
        world,
        starts_on=monday + timedelta(days=1),
        ends_on=monday + timedelta(days=1),
        repeat=AbsenceRepeat.FORTNIGHTLY,
        repeat_until=monday + timedelta(days=8),
    )
    client.force_login(world.pedagogist.user)
    page = client.get(reverse("absence_list")).content.decode()
    assert reverse("absence_shorten", args=[week.pk]) in page
    assert reverse("absence_shorten", args=[repeating.pk]) in page
    # One day, or one repetition only: nothing to shorten (it is cancelled instead).
    assert reverse("absence_shorten", args=[one_day.pk]) not in page
    assert reverse("absence_shorten", args=[once.pk]) not in page
