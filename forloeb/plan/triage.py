"""The plan-clash check: where weekdays and a time window clash with a pedagogist's existing plan
(the agreements in force, on working days). Triage shows it beside a request (issue 18 item 4),
not only whether the hours run out (`on_triage_notes`); the one who sends an agreement for
signature is warned by it (`on_plan_clashes`), and so is the one who adds or moves a practice
day onto a day she is elsewhere or away, or proposes it, and the pedagogist who answers the
proposal (`change_warnings`). Registered with indsats/hooks.py from
ForloebConfig.ready()."""

from collections.abc import Iterable
from datetime import date, time

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from forloeb.models import PlanChangeKind
from forloeb.plan.selectors import (
    PlanPeriod,
    PracticeDay,
    _overlap,
    absence_covers,
    absence_days,
    absences_between,
    awaiting_signature_periods,
    first_working_weekday,
    plan_periods,
    planned_days,
    practice_days,
)
from indsats.hooks import TriageNote
from indsats.models import Weekday
from indsats.requests.selectors import wished_weeks
from institutioner.models import Assignment, Pedagogist


def _assignments_of(requests: list) -> dict[int, list[Assignment]]:
    """The fixed pedagogists of each request's institution: the queue has them prefetched
    (`current_assignments`); elsewhere one query."""
    if all(hasattr(req.institution, "current_assignments") for req in requests):
        return {req.institution_id: req.institution.current_assignments for req in requests}
    found: dict[int, list[Assignment]] = {}
    for a in (
        Assignment.objects.current()
        .filter(institution_id__in={req.institution_id for req in requests})
        .select_related("pedagogist__user")
    ):
        found.setdefault(a.institution_id, []).append(a)
    return found


def times_text(p: PracticeDay) -> str:
    if p.time_from is None or p.time_to is None:
        return ""
    return f" {p.time_from:%H:%M}–{p.time_to:%H:%M}"


def clashes_in(
    periods: Iterable[PlanPeriod],
    *,
    pedagogist_id: int,
    weekdays: set[int],
    time_from: time | None,
    time_to: time | None,
    start: date,
    end: date,
    exclude_agreement_id: int | None = None,
) -> list[PracticeDay]:
    """Where the pedagogist's plan (`periods`, from `plan_periods`) has her somewhere else on
    one of `weekdays` between `start` and `end` at a time overlapping `time_from`-`time_to` (no
    times: the whole day): the first such working day of each agreement and weekday, in order.
    No queries. It looks at each plan once per weekday, not at every practice day: a queue of a
    large municipality's requests meets thousands of them."""
    clashes: dict[tuple[int, int], PracticeDay] = {}
    for period in periods:
        if pedagogist_id not in period.pedagogist_ids:
            continue
        if period.version.agreement_id == exclude_agreement_id:
            continue
        begin, finish = max(period.begin, start), min(period.end, end)
        if begin > finish:
            continue
        plan = period.plan
        if not _overlap(time_from, time_to, plan.time_from, plan.time_to):
            continue
        for weekday in weekdays & set(plan.weekdays):
            day = first_working_weekday(begin, finish, weekday)
            if day is None:
                continue
            key = (period.version.agreement_id, weekday)
            if key in clashes and clashes[key].day <= day:
                continue
            other = period.request
            clashes[key] = PracticeDay(
                day=day,
                time_from=plan.time_from,
                time_to=plan.time_to,
                pedagogist_id=pedagogist_id,
                agreement_id=period.version.agreement_id,
                course_id=None,
                institution=other.institution,
                group_name=other.group.name if other.group is not None else "",
                hours=period.day_hours,
            )
    return sorted(clashes.values(), key=lambda p: (p.day, p.time_from or time.min, p.agreement_id))


def clash_line(name: str, p: PracticeDay) -> str:
    """One clash in Danish: whose plan, which weekday and times, where, from when."""
    return _("Clashes with %(name)s's plan: %(weekday)s%(times)s at %(place)s (from %(day)s)") % {
        "name": name,
        "weekday": str(Weekday(p.day.weekday()).label).lower(),
        "times": times_text(p),
        "place": p.place,
        "day": date_format(p.day, "j. F"),
    }


def plan_clash_notes(*, requests: list) -> dict[int, list[TriageNote]]:
    """For each request with wished weekdays, each fixed pedagogist whose plan (the agreements
    in force, on working days) already has her somewhere else on a wished weekday within the
    wished period and time window: one line per pedagogist, place and weekday, linking to the
    week plan of the first such week. At most two queries for the whole page (the allocations
    and the signed versions of the fixed pedagogists; none when nobody is fixed)."""
    wishing = [req for req in requests if req.wished_weekdays]
    if not wishing:
        return {}
    assignments = _assignments_of(wishing)
    pedagogist_ids = {
        a.pedagogist_id for req in wishing for a in assignments.get(req.institution_id, [])
    }
    if not pedagogist_ids:
        return {}
    first = min(wished_weeks(req)[0] for req in wishing)
    last = max(wished_weeks(req)[1] for req in wishing)
    by_pedagogist: dict[int, list[PlanPeriod]] = {}
    for period in plan_periods(pedagogist_ids=pedagogist_ids, first=first, last=last):
        for pedagogist_id in period.pedagogist_ids:
            by_pedagogist.setdefault(pedagogist_id, []).append(period)
    notes: dict[int, list[TriageNote]] = {}
    for req in wishing:
        start, end = wished_weeks(req)
        lines = []
        for a in assignments.get(req.institution_id, []):
            for p in clashes_in(
                by_pedagogist.get(a.pedagogist_id, []),
                pedagogist_id=a.pedagogist_id,
                weekdays=set(req.wished_weekdays),
                time_from=req.wished_time_from,
                time_to=req.wished_time_to,
                start=start,
                end=end,
            ):
                year, week, _day = p.day.isocalendar()
                lines.append(
                    TriageNote(
                        clash_line(a.pedagogist.user.name, p),
                        reverse("week_plan", args=[year, week]),
                    )
                )
        if lines:
            notes[req.pk] = lines
    return notes


def agreement_clash_lines(*, version) -> list[str]:
    """Where a version's weekdays and times clash, from today (or its start) to its end, with
    what its pedagogists have under other agreements in force or sent for signature: one line
    per pedagogist, place and weekday (`on_plan_clashes`, for the one who sends it for
    signature). Five queries."""
    content = version.parsed
    plan = content.plan
    ids = content.pedagogist_ids()
    if not plan.weekdays or not ids:
        return []
    start, end = max(content.starts_on, timezone.localdate()), content.ends_on
    if start > end:
        return []
    # The agreements in force, and those sent for signature: both hold her to their days.
    periods = plan_periods(pedagogist_ids=ids, first=start, last=end)
    periods += awaiting_signature_periods(pedagogist_ids=ids, first=start, last=end)
    names = {
        p.pk: p.user.name for p in Pedagogist.objects.filter(pk__in=ids).select_related("user")
    }
    return [
        clash_line(names.get(pedagogist_id, ""), p)
        for pedagogist_id in sorted(ids, key=lambda pk: names.get(pk, ""))
        for p in clashes_in(
            periods,
            pedagogist_id=pedagogist_id,
            weekdays=set(plan.weekdays),
            time_from=plan.time_from,
            time_to=plan.time_to,
            start=start,
            end=end,
            exclude_agreement_id=version.agreement_id,
        )
    ]


def _change_times(change) -> tuple[time | None, time | None]:
    """The times of the day a change moves to or adds: its own, else the agreement's."""
    if change.new_time_from is not None and change.new_time_to is not None:
        return change.new_time_from, change.new_time_to
    version = change.course.agreement.versions.in_force().first()
    plan = version.parsed.plan if version is not None else None
    return (plan.time_from, plan.time_to) if plan else (None, None)


def change_warnings(change) -> list[str]:
    """What whoever makes, proposes or answers a change should know, one Danish line each:
    - the day it moves to or adds has a pedagogist of the course recorded absent (all day or at
      an overlapping time: the week plan shows the day as absence, no practice) or elsewhere at
      the same time (her practice days that day under her other agreements, with their one-off
      changes), naming the absence's time or the other place and time;
    - the day it cancels is already gone: a pedagogist of the course is recorded absent then.
    Shown when a change is made or proposed, when a proposal is answered, and beside a proposal
    on the course's page. The kind of absence is never named (leaders read these too)."""
    agreement = change.course.agreement
    pedagogists = list(
        Pedagogist.objects.filter(allocations__request__agreement=agreement)
        .select_related("user")
        .order_by("user__name", "pk")
        .distinct()
    )
    if not pedagogists:
        return []
    ids = [p.pk for p in pedagogists]
    if change.kind == PlanChangeKind.CANCEL:
        return _cancel_warnings(change, pedagogists)
    day = change.new_day
    if day is None:
        return []
    time_from, time_to = _change_times(change)
    # The day as it will be, with the other agreements' own one-off changes: a day of theirs
    # cancelled there frees it, one moved or added there is a clash.
    elsewhere = [
        other
        for other in planned_days(pedagogist_ids=ids, first=day, last=day)
        if other.agreement_id != agreement.pk
        and _overlap(time_from, time_to, other.time_from, other.time_to)
    ]
    elsewhere.sort(key=lambda p: (p.time_from or time.min, p.agreement_id))
    # Her recorded absence that day: the week plan shows the new day as absence, no practice.
    absent = [
        a
        for a in absences_between(ids, day, day)
        if absence_days(a, day, day) and _overlap(time_from, time_to, a.time_from, a.time_to)
    ]
    absent.sort(key=lambda a: (a.time_from or time.min, a.pk))
    lines = []
    for pedagogist in pedagogists:
        for absence in (a for a in absent if a.pedagogist_id == pedagogist.pk):
            if absence.time_from is None or absence.time_to is None:
                line = _(
                    "Note: %(name)s is recorded as absent all day on %(day)s; the week plan "
                    "shows the new day as absence, without practice."
                )
            else:
                line = _(
                    "Note: %(name)s is recorded as absent %(from)s–%(to)s on %(day)s; the week "
                    "plan shows the new day as absence, without practice."
                )
            lines.append(
                line
                % {
                    "name": pedagogist.user.name,
                    "day": date_format(day, "l j. F"),
                    "from": f"{absence.time_from:%H.%M}" if absence.time_from else "",
                    "to": f"{absence.time_to:%H.%M}" if absence.time_to else "",
                }
            )
        for other in (p for p in elsewhere if p.pedagogist_id == pedagogist.pk):
            lines.append(
                _(
                    "Note: %(name)s is already at %(place)s%(times)s on %(day)s; the new day "
                    "overlaps it (the week plan shows a clash)."
                )
                % {
                    "name": pedagogist.user.name,
                    "place": other.place,
                    "times": times_text(other),
                    "day": date_format(day, "l j. F"),
                }
            )
    return lines


def _cancel_warnings(change, pedagogists: list[Pedagogist]) -> list[str]:
    """A cancelled practice day that her recorded absence already takes away (at its times)."""
    day = change.day
    if day is None:
        return []
    ordinary = [
        p
        for p in practice_days(agreement_ids=[change.course.agreement_id], first=day, last=day)
        if p.day == day
    ]
    absences = absences_between([p.pk for p in pedagogists], day, day)
    lines = []
    for pedagogist in pedagogists:
        mine = [p for p in ordinary if p.pedagogist_id == pedagogist.pk]
        if mine and all(any(absence_covers(a, p) for a in absences) for p in mine):
            lines.append(
                _(
                    "Note: %(name)s is recorded as absent on %(day)s; the practice day already "
                    "falls away without this cancellation."
                )
                % {"name": pedagogist.user.name, "day": date_format(day, "l j. F")}
            )
    return lines
