"""The all-clear when an absence is cancelled, for what was planned onto it while it stood.

Whoever plans an intake meeting, or makes, proposes or accepts a moved or extra practice day, on
a time a pedagogist is recorded absent is warned on the page at once (`meeting_warnings`,
`triage.change_warnings`), and the absent pedagogist's week plan flags the day "Tjek planen".
When that absence is cancelled and nobody concerned is absent at that time any more, the
people who were warned (and the pedagogist, whose plan was flagged, unless she cancelled it
herself) are told that it can go ahead as planned: one message per person and absence, in the
app (those warnings were said on a page, never e-mailed, so this is not e-mailed either; the
administration told by e-mail of a meeting that the absence fell on later hears through
`meetings.tell_administration_clear`, by e-mail as it was told). The flag goes with the
absence: the week plan reads the active absences only.

Each message has a dedupe key per absence and person, so running it twice (a retried task, two
workers) tells nobody twice. The kind of absence is never named: leaders read these too."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, time, timedelta

from django.urls import reverse
from django.utils import timezone

from forloeb.models import HOLDING, Absence, PlanChange, PlanChangeStatus
from forloeb.plan.meetings import absent_participants, meetings_in_absence
from forloeb.plan.selectors import _overlap, absence_days, absences_between, last_day_of
from forloeb.plan.triage import _change_times
from indsats.models import EventKind, RequestEvent
from institutioner.models import Notification, NotificationKind, User
from institutioner.notifications.services import notification_queue

TEMPLATE = "absence_clash_cleared"


@dataclass(frozen=True)
class ClearedDay:
    """A moved or extra practice day (or a proposal of one) that lay in the absence."""

    change: PlanChange
    day: date
    time_from: time | None
    time_to: time | None


def _cleared_changes(absence: Absence, first: date, last: date) -> list[ClearedDay]:
    """The moved and extra days (in the plan or proposed) of the pedagogist's courses from
    `first` that the absence covered, at their times, where no other absence of hers does."""
    changes = (
        PlanChange.objects.filter(
            status__in=HOLDING,
            new_day__range=(first, last),
            course__agreement__request__allocations__pedagogist=absence.pedagogist_id,
        )
        .select_related("course__agreement__request__institution", "made_by", "decided_by")
        .order_by("new_day", "pk")
        .distinct()
    )
    others = absences_between([absence.pedagogist_id], first, last)
    cleared = []
    for change in changes:
        day = change.new_day
        assert day is not None  # the filter above
        time_from, time_to = _change_times(change)

        def covers(a: Absence, day: date = day, start=time_from, end=time_to) -> bool:
            return bool(absence_days(a, day, day)) and _overlap(a.time_from, a.time_to, start, end)

        if covers(absence) and not any(covers(a) for a in others if a.pk != absence.pk):
            cleared.append(ClearedDay(change, day, time_from, time_to))
    return cleared


def _meeting_savers(meetings: list, since) -> dict[int, int]:
    """For each meeting, who put it at its present time (the latest plan or move of its
    request), when that was after `since` (the absence stood then, so she was warned)."""
    savers: dict[int, int] = {}
    events = RequestEvent.objects.filter(
        request_id__in=[m.request_id for m in meetings],
        kind__in=[EventKind.MEETING_PLANNED, EventKind.MEETING_MOVED],
        actor__isnull=False,
    ).order_by("created_at", "pk")
    latest = {e.request_id: e for e in events}
    for meeting in meetings:
        event = latest.get(meeting.request_id)
        if event is not None and event.created_at >= max(since, meeting.created_at):
            savers[meeting.pk] = event.actor_id  # type: ignore[assignment]
    return savers


def absence_all_clear(absence: Absence, *, actor: User, key: str = "") -> list[Notification]:
    """Tell whoever was warned of something planned onto the (now cancelled) absence that it
    can go ahead (see the module's doc). Inside the cancelling transaction; returns the
    messages queued (none the second time). `key`: the days a shortening gave back (an absence
    shortened twice, then cancelled, tells of each part once)."""
    today = timezone.localdate()
    first, last = max(today, absence.starts_on), last_day_of(absence)
    if absence.cancelled_at is None or last < first:
        return []
    own = absence.pedagogist.user_id
    meetings = meetings_in_absence(absence, first=today)
    still_absent = absent_participants(meetings)
    meetings = [m for m in meetings if m.pk not in still_absent]
    savers = _meeting_savers(meetings, absence.created_at)
    days = _cleared_changes(absence, first, last)

    meetings_of: dict[int, list] = defaultdict(list)
    days_of: dict[int, list[ClearedDay]] = defaultdict(list)
    for meeting in meetings:
        if meeting.pk in savers:
            meetings_of[savers[meeting.pk]].append(meeting)
        # Her week plan flagged it (the meeting stayed planned in her absence).
        meetings_of[own].append(meeting)
    for cleared in days:
        change = cleared.change
        warned: set[int] = set()
        if change.made_at >= absence.created_at:
            warned.add(change.made_by_id)  # made or proposed it, and was warned then
        if (
            change.decided_by_id is not None
            and change.decided_at is not None
            and change.decided_at >= absence.created_at
        ):
            warned.add(change.decided_by_id)  # accepted it, and was warned then
        if change.status == PlanChangeStatus.ACCEPTED:
            warned.add(own)  # in the plan: her week plan flagged the day
        for user_id in warned:
            days_of[user_id].append(cleared)

    people = {
        u.pk: u for u in User.objects.filter(pk__in=(set(meetings_of) | set(days_of)) - {actor.pk})
    }
    queued = []
    for user_id, person in sorted(people.items()):
        hers = sorted({m.pk: m for m in meetings_of[user_id]}.values(), key=lambda m: m.starts_at)
        changed = sorted(
            {c.change.pk: c for c in days_of[user_id]}.values(), key=lambda c: (c.day, c.change.pk)
        )
        first_day = min(
            [timezone.localtime(m.starts_at).date() for m in hers[:1]]
            + [c.day for c in changed[:1]]
        )
        monday = first_day - timedelta(days=first_day.weekday())
        year, week, _weekday = monday.isocalendar()
        note = notification_queue(
            recipient=person,
            template=TEMPLATE,
            kind=NotificationKind.ABSENCE,
            context={
                "pedagogist": absence.pedagogist,
                "meetings": hers,
                "days": changed,
                "yourself": user_id == own,
                "first_day": first_day,
            },
            concerns=absence,
            url=reverse("week_plan", args=[year, week]),
            dedupe_key=f"{TEMPLATE}:{absence.pk}:{user_id}" + (f":{key}" if key else ""),
            app_only=True,
        )
        if note is not None:
            queued.append(note)
    return queued
