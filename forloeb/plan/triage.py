"""What triage shows beside a request from the plan: where the wished weekdays and time window
clash with the fixed pedagogists' existing plan (issue 18 item 4), not only whether their hours
run out. Registered with indsats/hooks.py (`on_triage_notes`) from ForloebConfig.ready()."""

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from forloeb.plan.selectors import PracticeDay, _overlap, practice_days
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
    by_pedagogist: dict[int, list[PracticeDay]] = {}
    for p in practice_days(pedagogist_ids=pedagogist_ids, first=first, last=last):
        by_pedagogist.setdefault(p.pedagogist_id, []).append(p)
    notes: dict[int, list[TriageNote]] = {}
    for req in wishing:
        start, end = wished_weeks(req)
        wished_days = set(req.wished_weekdays)
        lines = []
        for a in assignments.get(req.institution_id, []):
            seen: set[tuple[int, int]] = set()
            for p in by_pedagogist.get(a.pedagogist_id, []):
                if not start <= p.day <= end or p.day.weekday() not in wished_days:
                    continue
                if not _overlap(req.wished_time_from, req.wished_time_to, p.time_from, p.time_to):
                    continue
                key = (p.agreement_id, p.day.weekday())
                if key in seen:
                    continue
                seen.add(key)
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
