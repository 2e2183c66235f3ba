"""The subscription calendars (ICS) of the plan, for Outlook, Google Calendar and phones.

A feed is the week plan over a window (four weeks back, a year ahead) as calendar events, each
with a stable UID: a practice day's UID is its agreement, its ordinary date and its pedagogist,
so a moved day keeps it and a calendar moves the entry; a cancelled day, or one taken by
absence, is simply not in the feed any more, and a calendar removes it.
"""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.locmem import LocMemCache
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from forloeb.access import WeekPlanScope
from forloeb.models import AbsenceKind, CalendarFeed, FeedScope
from forloeb.plan.weekplan import Entry, plan_between
from institutioner.icaltz import add_local_timezone

PRODID = "-//Indsatsteamet//Plan//DA"
WEEKS_BACK = 4
WEEKS_AHEAD = 52
# The area's shared calendar holds every pedagogist's days: the near term only, so it stays
# fast on a large municipality (`make bench`).
AREA_WEEKS_BACK = 1
AREA_WEEKS_AHEAD = 13
# Entries that are no longer in the plan: one's own calendar drops them; the calendars of the
# others (a leader's, an institution's, the area's) show who is away instead (`_away_summary`).
NOT_IN_CALENDAR = ("cancelled", "changed")
# The area's calendar is the same for every subscriber and takes seconds to build on a large
# municipality: kept in the shared cache (Redis), rebuilt by the worker every few minutes
# (AREA_FEED_REFRESH_SECONDS, forloeb/plan/schedules.py) while anyone subscribes, so no
# calendar program waits for it; a request builds it only when the cache is empty.
AREA_FEED_CACHE_KEY = "plan:calendar-feed:area"
AREA_FEED_CACHE_SECONDS = 600
AREA_FEED_REFRESH_SECONDS = 300


def _name(feed: CalendarFeed) -> str:
    if feed.scope == FeedScope.INSTITUTION and feed.institution is not None:
        return f"Indsatsteamet: {feed.institution.name}"
    if feed.scope == FeedScope.AREA:
        return "Indsatsteamet: alle aktiviteter"
    return f"Indsatsteamet: {feed.user.name}"


def _summary_and_place(entry: Entry) -> tuple[str, str]:
    """An entry's title and place as a calendar shows them. Whoever has a feed's address can
    read it, so an absence carries neither its note (seen only by the pedagogist and the
    administration) nor, for sickness (health data), its kind: just "Fravær"."""
    if entry.kind == "absence":
        if entry.absence_kind == AbsenceKind.ILLNESS:
            return _("Absence"), ""
        return str(entry.title), ""
    return str(entry.title), entry.place


def _away_summary(entry: Entry, name: str, title: str) -> str:
    """A practice day that falls away, as the calendars of the others show it: who and what,
    never why (no absence kind, note or reason: whoever has the address can read it). The
    calendar keeps the practice day's UID, so the entry changes in place, and goes back to
    practice if the absence or the cancellation is taken back."""
    if entry.kind == "changed":
        return _("Practice day cancelled: %(name)s (%(title)s)") % {"name": name, "title": title}
    return _("Absence: %(name)s (%(title)s)") % {"name": name, "title": title}


def feed_ics(feed: CalendarFeed, scope: WeekPlanScope, *, today: date | None = None) -> bytes:
    tz = ZoneInfo(settings.TIME_ZONE)
    today = today or timezone.localdate()
    area = feed.scope == FeedScope.AREA
    first = today - timedelta(weeks=AREA_WEEKS_BACK if area else WEEKS_BACK)
    last = today + timedelta(weeks=AREA_WEEKS_AHEAD if area else WEEKS_AHEAD)
    with translation.override("da"):
        people, rows = plan_between(scope, first, last)
        # One's own plan needs no name on each entry; every other calendar does.
        named = not (scope.pedagogist_ids is not None and len(people) == 1)
        names = {p.pk: p.user.name for p in people}
        titles = {p.pk: str(p.get_title_display()).lower() for p in people}
        calendar = Calendar()
        calendar.add("prodid", PRODID)
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        calendar.add("method", "PUBLISH")
        calendar.add("x-wr-calname", _name(feed))
        calendar.add("x-wr-timezone", settings.TIME_ZONE)
        # Ask calendars to look again every hour (Outlook and Apple honour these).
        calendar.add("refresh-interval;value=duration", "PT1H")
        calendar.add("x-published-ttl", "PT1H")
        stamp = datetime.now(UTC)
        for (pedagogist_id, day), row in sorted(rows.items(), key=lambda item: item[0][1]):
            for entry in row.entries:
                if not entry.uid or (entry.kind in NOT_IN_CALENDAR and not named):
                    continue
                event = Event()
                event.add("uid", entry.uid)
                event.add("dtstamp", stamp)
                if entry.time_from and entry.time_to:
                    event.add("dtstart", datetime.combine(day, entry.time_from, tzinfo=tz))
                    event.add("dtend", datetime.combine(day, entry.time_to, tzinfo=tz))
                else:
                    event.add("dtstart", day)
                    event.add("dtend", day + timedelta(days=1))
                if entry.kind in NOT_IN_CALENDAR:
                    summary = _away_summary(entry, names[pedagogist_id], titles[pedagogist_id])
                    # Where the day would have been (never the reason of a cancellation).
                    place = entry.place if entry.kind == "cancelled" else entry.site
                else:
                    summary, place = _summary_and_place(entry)
                    if place:
                        summary = f"{summary}: {place}"
                    if named:
                        summary = f"{summary} ({names[pedagogist_id]})"
                event.add("summary", summary)
                if place:
                    # Also as LOCATION: calendars show it as the place, and phones offer a map.
                    event.add("location", place)
                if entry.url:
                    event.add("url", settings.SITE_URL.rstrip("/") + entry.url)
                if entry.kind == "evaluation" or entry.kind in NOT_IN_CALENDAR:
                    # A due date, or a practice day that falls away: not a booked time.
                    event.add("transp", "TRANSPARENT")
                calendar.add_component(event)
        # Every time is Copenhagen's: its VTIMEZONE once, without walking the events for it.
        add_local_timezone(calendar)
    return calendar.to_ical()


def area_feed(feed: CalendarFeed, scope: WeekPlanScope) -> bytes:
    """The area's calendar from the cache, built and kept there when it is not."""
    body = cache.get(AREA_FEED_CACHE_KEY)
    if body is None:
        body = feed_ics(feed, scope)
        cache.set(AREA_FEED_CACHE_KEY, body, AREA_FEED_CACHE_SECONDS)
    return body


def area_feed_refresh() -> int:
    """Build the area's calendar into the cache when someone subscribes to it (a live address
    whose owner still may read it); its size in bytes, or 0 when nobody does, or when the cache
    is not shared with the web (no Redis: `make run`'s embedded default keeps a cache in each
    process, and the web builds the calendar when it is asked)."""
    from forloeb.access import feed_scope_for

    if isinstance(caches["default"], LocMemCache | DummyCache):
        return 0

    feeds = CalendarFeed.objects.filter(
        scope=FeedScope.AREA, revoked_at__isnull=True
    ).select_related("user", "institution")
    for feed in feeds.order_by("pk"):
        scope = feed_scope_for(feed)
        if scope is not None:
            body = feed_ics(feed, scope)
            cache.set(AREA_FEED_CACHE_KEY, body, AREA_FEED_CACHE_SECONDS)
            return len(body)
    return 0
