"""The week plan: for each pedagogist, day by day, where she is: the practice days of the
agreements in force with the one-off changes (cancelled, moved, extra), minus her absence, with
intake meetings and evaluations. What it holds
follows `forloeb.access.week_plan_scope_for`; clashes and over-booked days are flagged for
the administration and the pedagogist herself."""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from forloeb.access import WeekPlanScope
from forloeb.models import Evaluation, EvaluationStatus
from forloeb.plan import selectors
from forloeb.plan.meetings import absence_at_meeting
from indsats.models import IntakeMeeting, MeetingStatus
from institutioner.models import Pedagogist
from institutioner.workdays import holiday_name

ZERO = Decimal("0")


@dataclass
class Entry:
    kind: str  # practice, cancelled, changed, absence, meeting, evaluation
    title: str
    uid: str = ""
    place: str = ""
    time_from: time | None = None
    time_to: time | None = None
    hours: Decimal = ZERO
    url: str = ""
    clash: bool = False
    # An absence's kind (AbsenceKind); its note is in `place`, for the week plan only.
    absence_kind: str = ""
    # A cancelled practice day's place without its reason (the reason is in `place`, for the
    # week plan only): the LOCATION the calendars of the others show it at.
    site: str = ""


@dataclass
class DayRow:
    day: date
    holiday: str
    entries: list[Entry] = field(default_factory=list)
    clash: bool = False
    overbooked: bool = False
    hours: Decimal = ZERO


@dataclass
class PersonWeek:
    pedagogist: Pedagogist
    days: list[DayRow]

    @property
    def flagged(self) -> bool:
        return any(d.clash or d.overbooked for d in self.days)


def _local(moment: datetime) -> tuple[date, time]:
    local = timezone.localtime(moment)
    return local.date(), local.time().replace(second=0, microsecond=0)


def _overlaps(a: Entry, b: Entry) -> bool:
    if None in (a.time_from, a.time_to, b.time_from, b.time_to):
        return True
    return a.time_from < b.time_to and b.time_from < a.time_to  # type: ignore[operator]


def week_plan(scope: WeekPlanScope, monday: date) -> list[PersonWeek]:
    """The week of `monday` (Monday to Friday) for each pedagogist in scope. A fixed number of
    queries, whatever the number of pedagogists."""
    people, rows = plan_between(scope, monday, monday + timedelta(days=4))
    return [
        PersonWeek(pedagogist=p, days=[rows[(p.pk, monday + timedelta(days=i))] for i in range(5)])
        for p in people
    ]


def plan_between(
    scope: WeekPlanScope, monday: date, friday: date
) -> tuple[list[Pedagogist], dict[tuple[int, date], DayRow]]:
    """Each pedagogist's day rows from `monday` to `friday` (any two days: the calendar feeds
    ask for a year). A fixed number of queries."""
    span = (friday - monday).days + 1
    ordinary = selectors.practice_days(
        pedagogist_ids=scope.pedagogist_ids,
        institution_ids=scope.institution_ids,
        first=monday,
        last=friday,
    )
    changes = selectors.plan_changes_between(
        selectors.agreements_of(scope.pedagogist_ids, scope.institution_ids), monday, friday
    )
    practice, taken = selectors.apply_changes(ordinary, changes, monday, friday)
    pedagogists = (
        Pedagogist.objects.select_related("user")
        .filter(user__is_active=True)
        .order_by("user__name", "pk")  # as the administration's pages cut them
    )
    if scope.pedagogist_ids is not None:
        pedagogists = pedagogists.filter(pk__in=scope.pedagogist_ids)
    elif scope.institution_ids is not None:
        pedagogists = pedagogists.filter(pk__in={p.pedagogist_id for p in ordinary + practice})
    people = list(pedagogists)
    ids = [p.pk for p in people]
    absences = selectors.absences_between(ids, monday, friday)
    start = timezone.make_aware(datetime.combine(monday, time.min))
    meetings = (
        IntakeMeeting.objects.filter(
            status=MeetingStatus.PLANNED,
            starts_at__gte=start,
            starts_at__lt=start + timedelta(days=span),
            participants__pedagogist__in=ids,
        )
        .select_related("request__institution")
        .values_list(
            "uid",
            "starts_at",
            "ends_at",
            "request_id",
            "request__institution__name",
            "request__institution_id",
            "participants__pedagogist",
        )
    )
    evaluations = Evaluation.objects.filter(
        status=EvaluationStatus.PLANNED,
        due_on__range=(monday, friday),
        course__agreement__request__allocations__pedagogist__in=ids,
    ).values_list(
        "pk",
        "course_id",
        "kind",
        "due_on",
        "course__agreement__request__institution__name",
        "course__agreement__request__institution_id",
        "course__agreement__request__allocations__pedagogist",
    )
    rows = {
        (pid, monday + timedelta(days=i)): DayRow(
            day=monday + timedelta(days=i), holiday=holiday_name(monday + timedelta(days=i))
        )
        for pid in ids
        for i in range(span)
    }
    allowed = set(scope.institution_ids) if scope.institution_ids is not None else None
    for p in practice:
        row = rows.get((p.pedagogist_id, p.day))
        if row is None:
            continue
        absent = any(selectors.absence_covers(a, p) for a in absences)
        # A day moved or added onto her absence (the change made, or accepted, in spite of the
        # warning, or the absence recorded after it): flagged like a meeting in her absence.
        changed_onto_absence = absent and p.change_id is not None
        if changed_onto_absence and scope.flags_clashes:
            row.clash = True
        title = _("Practice")
        if changed_onto_absence:
            title = (
                _("Extra practice day – absent that day, check the change")
                if p.moved_from is None
                else _("Practice (changed) – absent that day, check the change")
            )
        elif absent:
            title = _("Absent: no practice")
        elif p.change_id is not None and p.moved_from is None:
            title = _("Extra practice day")
        elif p.change_id is not None:
            title = _("Practice (changed)")
        row.entries.append(
            Entry(
                kind="cancelled" if absent else "practice",
                title=title,
                uid=p.uid,
                place=p.place,
                time_from=p.time_from,
                time_to=p.time_to,
                hours=ZERO if absent else p.hours,
                url=reverse("course_detail", args=[p.course_id]) if p.course_id else "",
                clash=changed_onto_absence and scope.flags_clashes,
            )
        )
    for p in ordinary:
        change = taken.get((p.agreement_id, p.day))
        row = rows.get((p.pedagogist_id, p.day))
        if change is None or row is None:
            continue
        if change.new_day is not None:
            title = _("Moved to %(day)s") % {"day": date_format(change.new_day, "l j/n")}
        else:
            title = _("Cancelled")
        row.entries.append(
            Entry(
                kind="changed",
                # A cancelled day keeps its practice day's UID (the calendars of the others
                # show it as cancelled); a moved one's goes with the day it moved to.
                uid=p.uid if change.new_day is None else "",
                title=title,
                place=f"{p.place}: {change.reason}",
                site=p.place,
                time_from=p.time_from,
                time_to=p.time_to,
                url=reverse("course_detail", args=[p.course_id]) if p.course_id else "",
            )
        )
    if scope.sees_absence_kind:
        for a in absences:
            for day in selectors.absence_days(a, monday, friday):
                row = rows.get((a.pedagogist_id, day))
                if row is not None:
                    row.entries.append(
                        Entry(
                            kind="absence",
                            uid=f"absence-{a.pk}-{day:%Y%m%d}@indsatsteam",
                            title=_("Absence: %(kind)s") % {"kind": a.get_kind_display().lower()},
                            place=a.note,
                            time_from=a.time_from,
                            time_to=a.time_to,
                            absence_kind=a.kind,
                        )
                    )
    for meeting_uid, starts, ends, request_id, inst_name, inst_id, pid in meetings:
        if allowed is not None and inst_id not in allowed:
            continue
        day, clock = _local(starts)
        row = rows.get((pid, day))
        if row is not None:
            _end_day, end_clock = _local(ends)
            hours = Decimal((ends - starts).total_seconds() / 3600).quantize(Decimal("0.01"))
            # A meeting in her absence stays planned (it is not the plan's to cancel), marked
            # as absence and, for whoever sees clashes, flagged to be looked at.
            absent = any(
                a.pedagogist_id == pid and absence_at_meeting(a, starts, ends) for a in absences
            )
            if absent and scope.flags_clashes:
                row.clash = True
            row.entries.append(
                Entry(
                    kind="meeting",
                    uid=f"meeting-{meeting_uid}-{pid}@indsatsteam",
                    title=_("Intake meeting – absent that day, should be moved")
                    if absent
                    else _("Intake meeting"),
                    place=inst_name,
                    time_from=clock,
                    time_to=end_clock,
                    hours=hours,
                    url=reverse("request_detail", args=[request_id]),
                    clash=absent and scope.flags_clashes,
                )
            )
    labels = dict(Evaluation._meta.get_field("kind").choices or [])
    for evaluation_id, course_id, kind, due_on, inst_name, inst_id, pid in evaluations:
        if allowed is not None and inst_id not in allowed:
            continue
        row = rows.get((pid, due_on))
        if row is not None:
            row.entries.append(
                Entry(
                    kind="evaluation",
                    uid=f"evaluation-{evaluation_id}-{pid}@indsatsteam",
                    title=_("Evaluation (%(kind)s)")
                    % {"kind": str(labels.get(kind, kind)).lower()},
                    place=inst_name,
                    url=reverse("course_detail", args=[course_id]),
                )
            )
    weekly = {p.pk: p.weekly_hours for p in people}
    for (pid, _day), row in rows.items():
        row.entries.sort(key=lambda e: (e.time_from or time.min, e.kind))
        row.hours = sum((e.hours for e in row.entries), ZERO)
        if not scope.flags_clashes:
            continue
        busy = [e for e in row.entries if e.kind in ("practice", "meeting")]
        for i, one in enumerate(busy):
            for other in busy[i + 1 :]:
                if _overlaps(one, other):
                    one.clash = other.clash = True
                    row.clash = True
        row.overbooked = row.hours > (weekly[pid] or ZERO) / 5
    return people, rows
