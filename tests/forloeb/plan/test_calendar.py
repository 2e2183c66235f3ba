"""The calendar subscriptions, read back with `icalendar`: stable UIDs across a move, cancelled
days gone, nothing outside the subscriber's scope, addresses that end."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from icalendar import Calendar

from forloeb.models import AbsenceKind, CalendarFeed, FeedScope, PlanChangeKind
from forloeb.plan import services
from forloeb.plan.services import AbsenceInput, ChangeInput
from institutioner.models import AccessLogEntry, Membership, PedagogistTitle
from tests import factories
from tests.forloeb.plan.helpers import agreement, christmas_year, last_sunday_of_march

CPH = ZoneInfo("Europe/Copenhagen")


def _events(client, feed):
    response = client.get(reverse("calendar_feed", args=[feed.pk, feed.secret]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    return {str(e["uid"]): e for e in calendar.walk("VEVENT")}


def _start(event):
    return event.decoded("dtstart")


def _day(event):
    start = _start(event)
    return start.date() if isinstance(start, datetime) else start


def _tuesday():
    day = date(christmas_year(), 12, 3)
    return day + timedelta(days=(1 - day.weekday()) % 7)


def test_a_moved_day_keeps_its_uid_and_a_cancelled_day_disappears(client, world):
    ag, _version = agreement(world, weekdays=(1,), time_from=time(9), time_to=time(12))
    feed = services.calendar_feed_make(
        actor=world.pedagogist.user, scope=FeedScope.PERSONAL, institution_id=None
    )
    tuesday = _tuesday()
    next_tuesday = tuesday + timedelta(weeks=1)
    today = datetime.now(CPH).date()
    before = _events(client, feed)
    practice = {uid: e for uid, e in before.items() if uid.startswith("practice-")}
    # Every Tuesday of the window that is a working day, at 09:00 Copenhagen time.
    assert all(_start(e).time() == time(9) for e in practice.values())
    assert all(
        _start(e).utcoffset() in (timedelta(hours=1), timedelta(hours=2)) for e in practice.values()
    )
    moved_uid = next(u for u, e in practice.items() if _start(e).date() == tuesday)
    cancelled_uid = next(u for u, e in practice.items() if _start(e).date() == next_tuesday)
    assert str(practice[moved_uid]["summary"]).startswith("Praksis: Børnehuset Mariehønen")
    assert "Paula" not in str(practice[moved_uid]["summary"])  # her own calendar
    assert str(practice[moved_uid]["location"]) == "Børnehuset Mariehønen (Frøen)"
    assert today <= tuesday

    services.plan_change_make(
        actor=world.pedagogist.user,
        course_id=ag.course.pk,
        data=ChangeInput(
            kind=PlanChangeKind.MOVE,
            day=tuesday,
            new_day=tuesday + timedelta(days=3),
            new_time_from=time(13),
            new_time_to=time(14, 30),
            reason="Forældremøde",
        ),
    )
    services.plan_change_make(
        actor=world.pedagogist.user,
        course_id=ag.course.pk,
        data=ChangeInput(kind=PlanChangeKind.CANCEL, day=next_tuesday, reason="Kursus"),
    )
    after = _events(client, feed)
    assert cancelled_uid not in after
    assert _start(after[moved_uid]) == datetime.combine(
        tuesday + timedelta(days=3), time(13), tzinfo=CPH
    )
    assert len(after) == len(before) - 1


def test_summer_time_and_absence(client, world):
    agreement(world, weekdays=(0, 1, 2, 3, 4))
    year = christmas_year() + 1
    feed = services.calendar_feed_make(
        actor=world.pedagogist.user, scope=FeedScope.PERSONAL, institution_id=None
    )
    events = _events(client, feed)
    switch = last_sunday_of_march(year)
    after_switch = [
        e
        for e in events.values()
        if switch < _day(e) < switch + timedelta(days=7) and isinstance(_start(e), datetime)
    ]
    # The window is a year ahead and holds the switch: 09:00 stays 09:00, now UTC+2.
    assert after_switch
    for event in after_switch:
        assert _start(event).time() == time(9)
        assert _start(event).utcoffset() == timedelta(hours=2)
    day = _tuesday()
    services.absence_record(
        actor=world.pedagogist.user,
        pedagogist_id=world.pedagogist.pk,
        data=AbsenceInput(kind=AbsenceKind.TRAINING_DAY, starts_on=day, ends_on=day),
    )
    events = _events(client, feed)
    on_day = [e for e in events.values() if _day(e) == day]
    assert [str(e["summary"]) for e in on_day] == ["Fravær: uddannelsesdag"]


def test_feeds_carry_nothing_outside_their_scope(client, world):
    # Starting tomorrow: the area's shared calendar holds the next 13 weeks only.
    start = timezone.localdate() + timedelta(days=1)
    period = {"start": start, "end": start + timedelta(days=60)}
    _ag, _version = agreement(world, weekdays=(0, 1, 2, 3, 4), **period)
    # Another institution's course of the same pedagogist, which Lene does not lead.
    factories.GroupFactory(institution=world.other_institution, name="Myren")
    other_leader = factories.UserFactory(email="lis@example.dk", name="Lis", role="leader")
    factories.MembershipFactory(user=other_leader, institution=world.other_institution)
    factories.MembershipFactory(user=world.leader, institution=world.other_institution)
    agreement(world, institution=world.other_institution, weekdays=(0, 1, 2, 3, 4), **period)
    Membership.objects.filter(user=world.leader, institution=world.other_institution).delete()
    services.absence_record(
        actor=world.pedagogist.user,
        pedagogist_id=world.pedagogist.pk,
        data=AbsenceInput(kind=AbsenceKind.ILLNESS, starts_on=_tuesday(), ends_on=_tuesday()),
    )

    institution_feed = services.calendar_feed_make(
        actor=world.leader, scope=FeedScope.INSTITUTION, institution_id=world.institution.pk
    )
    text = " ".join(str(e["summary"]) for e in _events(client, institution_feed).values())
    assert "Mariehønen" in text and "Spiren" not in text
    assert "sygdom" not in text.lower() and "Paula Pædagog" in text

    area = services.calendar_feed_make(
        actor=world.administrator, scope=FeedScope.AREA, institution_id=None
    )
    text = " ".join(str(e["summary"]) for e in _events(client, area).values())
    assert "Mariehønen" in text and "Spiren" in text and "sygdom" not in text.lower()

    # A leader may not subscribe to an institution she does not lead.
    client.force_login(world.leader)
    response = client.post(
        reverse("calendar_feed_make"),
        {"scope": FeedScope.INSTITUTION, "institution": world.outsider_institution.pk},
    )
    assert response.status_code == 404
    # Once she no longer leads it, her institution's feed answers 404.
    Membership.objects.filter(user=world.leader, institution=world.institution).delete()
    url = reverse("calendar_feed", args=[institution_feed.pk, institution_feed.secret])
    assert client.get(url).status_code == 404


def test_a_new_address_is_confirmed_first_and_the_messages_say_what_happened(client, world):
    """QA: the first address was announced with "En adresse, du har lavet før, virker ikke
    længere."; "Lav en ny adresse" ended the working one at a click; the heading read "En
    institutions plan: Børnehuset Mariehønen"."""
    make = reverse("calendar_feed_make")
    client.force_login(world.leader)
    institution = {"scope": FeedScope.INSTITUTION, "institution": world.institution.pk}
    response = client.post(make, institution, follow=True)
    page = response.content.decode()
    assert gettext("The address is ready.") in page
    assert "virker ikke længere" not in page
    first = CalendarFeed.objects.get()
    [row] = [row for row in response.context["rows"] if row["feed"] == first]
    assert row["label"] == gettext("The institution's plan")
    assert "En institutions plan" not in page
    # A new address is asked about first, on a page of its own: nothing has changed yet.
    response = client.post(make, institution)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'name="confirmed" value="yes"' in body and world.institution.name in body
    assert CalendarFeed.objects.get(revoked_at__isnull=True) == first
    # Confirmed, the old one ends and the message says so.
    page = client.post(make, {**institution, "confirmed": "yes"}, follow=True).content.decode()
    assert "virker ikke længere" in page
    first.refresh_from_db()
    assert first.revoked_at is not None
    assert CalendarFeed.objects.filter(revoked_at__isnull=True).count() == 1


def test_a_new_address_ends_the_old_at_once_and_wrong_ones_are_404(client, world):
    client.force_login(world.pedagogist.user)
    response = client.post(reverse("calendar_feed_make"), {"scope": FeedScope.PERSONAL})
    assert response.status_code == 302
    old = CalendarFeed.objects.get()
    assert len(old.secret) >= 43
    page = client.get(reverse("calendar_feeds")).content.decode()
    assert old.secret in page
    client.post(reverse("calendar_feed_make"), {"scope": FeedScope.PERSONAL, "confirmed": "yes"})
    new = CalendarFeed.objects.get(revoked_at__isnull=True)
    client.logout()
    assert client.get(reverse("calendar_feed", args=[old.pk, old.secret])).status_code == 404
    assert client.get(reverse("calendar_feed", args=[new.pk, new.secret])).status_code == 200
    assert (
        client.get(reverse("calendar_feed", args=[new.pk, new.secret[:-1] + "x"])).status_code
        == 404
    )
    assert client.get(reverse("calendar_feed", args=[new.pk + 1, new.secret])).status_code == 404
    # The read is logged as the owner's, without the secret.
    (row,) = AccessLogEntry.objects.filter(url_name="calendar_feed")
    assert row.user == world.pedagogist.user and new.secret not in row.query
    # Stopping it ends it; another person cannot stop it.
    client.force_login(world.administrator)
    assert client.post(reverse("calendar_feed_revoke", args=[new.pk])).status_code == 404
    client.force_login(world.pedagogist.user)
    client.post(reverse("calendar_feed_revoke", args=[new.pk]), {"confirmed": "yes"})
    assert client.get(reverse("calendar_feed", args=[new.pk, new.secret])).status_code == 404
    # A second click on "stop" is told it is stopped, not "the page does not exist".
    again = client.post(
        reverse("calendar_feed_revoke", args=[new.pk]), {"confirmed": "yes"}, follow=True
    )
    assert again.status_code == 200 and "allerede stoppet" in again.content.decode()
    client.force_login(world.administrator)
    assert client.post(reverse("calendar_feed_revoke", args=[new.pk])).status_code == 404
    client.force_login(world.pedagogist.user)
    # A person who leaves takes her feeds with her.
    feed = services.calendar_feed_make(
        actor=world.pedagogist.user, scope=FeedScope.PERSONAL, institution_id=None
    )
    world.pedagogist.user.is_active = False
    world.pedagogist.user.save()
    assert client.get(reverse("calendar_feed", args=[feed.pk, feed.secret])).status_code == 404


def test_stopping_a_subscription_is_asked_first_as_a_new_address_is(client, world):
    """ "Stop abonnementet" ends the address every subscribed calendar uses: like "Lav en ny
    adresse" it asks first, on a page of its own, and nothing stops until it is confirmed."""
    feed = services.calendar_feed_make(
        actor=world.leader, scope=FeedScope.INSTITUTION, institution_id=world.institution.pk
    )
    client.force_login(world.leader)
    stop = reverse("calendar_feed_revoke", args=[feed.pk])
    response = client.post(stop)
    assert response.status_code == 200
    body = response.content.decode()
    assert gettext("Stop the subscription?") in body and world.institution.name in body
    assert f'action="{stop}"' in body and 'name="confirmed" value="yes"' in body
    feed.refresh_from_db()
    assert feed.revoked_at is None
    assert client.get(reverse("calendar_feed", args=[feed.pk, feed.secret])).status_code == 200
    page = client.post(stop, {"confirmed": "yes"}, follow=True).content.decode()
    assert "virker ikke længere" in page
    feed.refresh_from_db()
    assert feed.revoked_at is not None


def test_an_absence_in_a_calendar_carries_no_note_and_no_sickness(client, world):
    """A feed is read by whoever has its address: an absence's note is for the pedagogist and
    the administration only, and sickness is health data."""
    start = timezone.localdate() + timedelta(days=1)
    agreement(world, weekdays=(0, 1, 2, 3, 4), start=start, end=start + timedelta(days=60))
    sick = _tuesday()
    course = sick + timedelta(days=1)
    services.absence_record(
        actor=world.pedagogist.user,
        pedagogist_id=world.pedagogist.pk,
        data=AbsenceInput(
            kind=AbsenceKind.ILLNESS, starts_on=sick, ends_on=sick, note="Knæoperation på Gentofte"
        ),
    )
    services.absence_record(
        actor=world.pedagogist.user,
        pedagogist_id=world.pedagogist.pk,
        data=AbsenceInput(
            kind=AbsenceKind.COURSE,
            starts_on=course,
            ends_on=course,
            time_from=time(13),
            time_to=time(15),
            note="Hotel Nyborg Strand",
        ),
    )
    feeds = [
        services.calendar_feed_make(
            actor=world.pedagogist.user, scope=FeedScope.PERSONAL, institution_id=None
        ),
        services.calendar_feed_make(
            actor=world.leader, scope=FeedScope.INSTITUTION, institution_id=world.institution.pk
        ),
        services.calendar_feed_make(
            actor=world.administrator, scope=FeedScope.AREA, institution_id=None
        ),
    ]
    for feed in feeds:
        body = client.get(reverse("calendar_feed", args=[feed.pk, feed.secret])).content
        text = body.decode().replace("\r\n ", "")  # unfolded
        assert "Knæoperation" not in text and "Nyborg" not in text
        assert "sygdom" not in text.lower()
    personal, institution, area = (_events(client, feed) for feed in feeds)
    absences = {_day(e): e for uid, e in personal.items() if uid.startswith("absence-")}
    assert str(absences[sick]["summary"]) == "Fravær"
    assert str(absences[course]["summary"]) == "Fravær: kursus"
    assert "location" not in absences[sick] and "location" not in absences[course]
    # The leader's and the administration's calendars hold no absence of their own, only the
    # practice day it takes, saying who is away and not why.
    for events in (institution, area):
        assert not [uid for uid in events if uid.startswith("absence-")]
        assert [str(e["summary"]) for e in events.values() if "Fravær" in str(e["summary"])] == [
            "Fravær: Paula Pædagog (læringsmiljøpædagog)"
        ]


def test_the_others_calendars_say_who_is_away_and_whose_day_is_cancelled(client, world):
    """A leader's calendars (her institution's, her own plan) and the area's show a practice
    day that an absence takes, or that is cancelled, as who and what: "Fravær: Paula Pædagog
    (indsatspædagog)", never the kind of absence, its note or the reason, keeping the practice
    day's UID so the entry changes in place; the pedagogist's own calendar drops the day (her
    absence is an entry of its own there)."""
    world.pedagogist.title = PedagogistTitle.INTERVENTION
    world.pedagogist.save(update_fields=["title"])
    start = timezone.localdate() + timedelta(days=1)
    ag, _version = agreement(
        world, weekdays=(1, 2), start=start, end=start + timedelta(days=60), time_from=time(9)
    )
    away = _tuesday()
    cancelled = away + timedelta(days=1)
    services.absence_record(
        actor=world.pedagogist.user,
        pedagogist_id=world.pedagogist.pk,
        data=AbsenceInput(
            kind=AbsenceKind.ILLNESS, starts_on=away, ends_on=away, note="Knæoperation"
        ),
    )
    services.plan_change_make(
        actor=world.pedagogist.user,
        course_id=ag.course.pk,
        data=ChangeInput(kind=PlanChangeKind.CANCEL, day=cancelled, reason="Forældresamtaler"),
    )
    feeds = {
        "institution": services.calendar_feed_make(
            actor=world.leader, scope=FeedScope.INSTITUTION, institution_id=world.institution.pk
        ),
        "leader": services.calendar_feed_make(
            actor=world.leader, scope=FeedScope.PERSONAL, institution_id=None
        ),
        "area": services.calendar_feed_make(
            actor=world.administrator, scope=FeedScope.AREA, institution_id=None
        ),
    }
    own = services.calendar_feed_make(
        actor=world.pedagogist.user, scope=FeedScope.PERSONAL, institution_id=None
    )
    mine = _events(client, own)
    for name, feed in feeds.items():
        events = _events(client, feed)
        on = {_day(e): (uid, e) for uid, e in events.items() if uid.startswith("practice-")}
        uid, event = on[away]
        assert str(event["summary"]) == "Fravær: Paula Pædagog (indsatspædagog)", name
        assert str(event["location"]) == "Børnehuset Mariehønen (Frøen)"
        assert _start(event) == datetime.combine(away, time(9), tzinfo=CPH)
        assert uid not in mine  # her own calendar drops it
        assert str(event["transp"]) == "TRANSPARENT", name
        uid, event = on[cancelled]
        assert str(event["summary"]) == "Aflyst praksisdag: Paula Pædagog (indsatspædagog)", name
        # Where the day would have been, and free time: nothing happens there any more.
        assert str(event["location"]) == "Børnehuset Mariehønen (Frøen)", name
        assert str(event["transp"]) == "TRANSPARENT", name
        assert uid not in mine
        text = client.get(reverse("calendar_feed", args=[feed.pk, feed.secret])).content.decode()
        text = text.replace("\r\n ", "")
        assert "Knæoperation" not in text and "Forældresamtaler" not in text
        assert "sygdom" not in text.lower()
