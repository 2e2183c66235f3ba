"""What triage shows beside a request from the plan: where the wished weekdays and time window
clash with the fixed pedagogists' existing plan (issue 18 item 4), not only whether their hours
run out. Registered with indsats/hooks.py (`on_triage_notes`) from ForloebConfig.ready()."""

from datetime import time

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from forloeb.plan.selectors import (
    PlanPeriod,
    PracticeDay,
    _overlap,
    first_working_weekday,
    plan_periods,
)
from indsats.hooks import TriageNote
from indsats.models import Weekday
from indsats.requests.selectors import wished_weeks
from institutioner.models import Assignment


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


def _times(p: PracticeDay) -> str:
    if p.time_from is None or p.time_to is None:
        return ""
    return f" {p.time_from:%H.%M}-{p.time_to:%H.%M}"


def plan_clash_notes(*, requests: list) -> dict[int, list[TriageNote]]:
    """For each request with wished weekdays, each fixed pedagogist whose plan (the agreements
    in force, on working days) already has her somewhere else on a wished weekday within the
    wished period and time window: one line per pedagogist, place and weekday, linking to the
    week plan of the first such week. At most two queries for the whole page (the allocations
    and the signed versions of the fixed pedagogists; none when nobody is fixed).

    It looks at each plan once per wished weekday (the first working day of it in the
    overlapping weeks), not at every practice day: a queue of a large municipality's requests
    meets thousands of them."""
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
        wished_days = set(req.wished_weekdays)
        lines = []
        for a in assignments.get(req.institution_id, []):
            clashes: dict[tuple[int, int], PracticeDay] = {}
            for period in by_pedagogist.get(a.pedagogist_id, []):
                begin, finish = max(period.begin, start), min(period.end, end)
                if begin > finish:
                    continue
                plan = period.plan
                if not _overlap(
                    req.wished_time_from, req.wished_time_to, plan.time_from, plan.time_to
                ):
                    continue
                for weekday in wished_days & set(plan.weekdays):
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
                        pedagogist_id=a.pedagogist_id,
                        agreement_id=period.version.agreement_id,
                        course_id=None,
                        institution=other.institution,
                        group_name=other.group.name if other.group is not None else "",
                        hours=period.day_hours,
                    )
            ordered = sorted(
                clashes.values(), key=lambda p: (p.day, p.time_from or time.min, p.agreement_id)
            )
            for p in ordered:
                year, week, _day = p.day.isocalendar()
                lines.append(
                    TriageNote(
                        _(
                            "Clashes with %(name)s's plan: %(weekday)s%(times)s at %(place)s "
                            "(from %(day)s)"
                        )
                        % {
                            "name": a.pedagogist.user.name,
                            "weekday": str(Weekday(p.day.weekday()).label).lower(),
                            "times": _times(p),
                            "place": p.place,
                            "day": date_format(p.day, "j. F"),
                        },
                        reverse("week_plan", args=[year, week]),
                    )
                )
        if lines:
            notes[req.pk] = lines
    return notes
