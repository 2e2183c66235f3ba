"""Every write of the plan: recording and cancelling a pedagogist's absence; cancelling, moving
and adding a course's practice days, and a leader's proposals of such changes.

The leaders of each institution whose practice days an absence touches are told at once, in the
same transaction: one message per leader, listing every affected day at her institutions (a
leader of two institutions gets one message). The kind of absence and its note are not in the
message: illness is health data, and a leader needs the days, not the reason.
"""

import secrets
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, time, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from forloeb.models import (
    HOLDING,
    Absence,
    AbsenceKind,
    AbsenceRepeat,
    CalendarFeed,
    Course,
    Phase,
    PlanChange,
    PlanChangeKind,
    PlanChangeStatus,
    WeekSheet,
)
from forloeb.plan import allclear as plan_allclear
from forloeb.plan import meetings as plan_meetings
from forloeb.plan import selectors, triage
from indsats.agreements.content import practice_day_bounds
from institutioner.errors import StateError
from institutioner.models import NotificationKind, Pedagogist, Role, User
from institutioner.notifications import services as notifications
from institutioner.notifications.services import notification_queue, notification_queue_many
from institutioner.retention.services import text_anonymise
from institutioner.textlimits import SHORT, check_lengths
from institutioner.validators import validate_no_cpr_plain
from institutioner.workdays import holiday_name, is_working_day, monday_of, not_a_working_day

# Longest stretch one absence may cover (a repeating one until its last repetition).
MAX_DAYS = 366


@dataclass(frozen=True)
class AbsenceInput:
    kind: str
    starts_on: date
    ends_on: date
    time_from: time | None = None
    time_to: time | None = None
    repeat: str = AbsenceRepeat.NONE
    repeat_until: date | None = None
    note: str = ""


def _validate(data: AbsenceInput) -> None:
    errors: dict[str, list[str]] = defaultdict(list)
    if data.kind not in AbsenceKind.values:
        errors["kind"].append(_("Choose a kind of absence."))
    if data.ends_on < data.starts_on:
        errors["ends_on"].append(_("The absence cannot end before it starts."))
    if (data.time_from is None) != (data.time_to is None):
        errors["time_to"].append(_("A part of a day needs both a start and an end."))
    elif data.time_from and data.time_to and data.time_to <= data.time_from:
        errors["time_to"].append(_("The end must be after the start."))
    if data.repeat not in AbsenceRepeat.values:
        errors["repeat"].append(_("Choose how the absence repeats."))
    elif data.repeat == AbsenceRepeat.NONE:
        if data.repeat_until is not None:
            errors["repeat_until"].append(_("Only a repeating absence has a last repetition."))
    else:
        step = 7 if data.repeat == AbsenceRepeat.WEEKLY else 14
        if data.repeat_until is None or data.repeat_until < data.ends_on:
            errors["repeat_until"].append(
                _("Say until when it repeats: a day on or after the last day.")
            )
        if (data.ends_on - data.starts_on).days >= step:
            errors["ends_on"].append(
                _("A repeating absence must be shorter than the time between its repetitions.")
            )
    last = data.repeat_until if data.repeat != AbsenceRepeat.NONE else data.ends_on
    if last and (last - data.starts_on).days > MAX_DAYS:
        errors["ends_on"].append(_("One absence can cover at most a year; record another."))
    dates = ("starts_on", "ends_on", "repeat", "repeat_until")
    if not any(field in errors for field in dates):
        _validate_working_day(data, errors)
    if len(data.note) > SHORT:
        errors["note"].append(
            _("At most %(limit)d characters (you wrote %(count)d).")
            % {"limit": SHORT, "count": len(data.note)}
        )
    try:
        validate_no_cpr_plain(data.note)
    except ValidationError as error:
        errors["note"].extend(error.messages)
    if errors:
        raise ValidationError(dict(errors))


def _validate_working_day(data: AbsenceInput, errors: dict[str, list[str]]) -> None:
    """An absence must take at least one working day: on weekends and Danish holidays it counts
    no hours (`selectors.counted_days`, the rule the week sheet and the dashboards count by), so
    one that falls on nothing else was recorded by mistake (a wrong date, most likely)."""
    absence = Absence(
        starts_on=data.starts_on,
        ends_on=data.ends_on,
        repeat=data.repeat,
        repeat_until=data.repeat_until if data.repeat != AbsenceRepeat.NONE else None,
    )
    if selectors.counted_days(absence):
        return
    if data.repeat == AbsenceRepeat.NONE and data.starts_on == data.ends_on:
        # One day: say which day it is (the holiday by name).
        errors["starts_on"].append(not_a_working_day(data.starts_on))
    else:
        errors["starts_on"].append(
            _(
                "The absence falls only on weekend days or public holidays and counts no hours. "
                "Choose a working day."
            )
        )


@transaction.atomic
def absence_record(*, actor: User, pedagogist_id: int, data: AbsenceInput) -> Absence:
    """Record a pedagogist's planned absence and tell the leaders whose practice days it takes.

    The caller has decided that `actor` may record for this pedagogist (forloeb/access.py).
    An absence that overlaps one already recorded is refused; the pedagogist's row is locked
    so that two recordings at once cannot both slip past that check.
    """
    _validate(data)
    pedagogist = Pedagogist.objects.select_for_update().select_related("user").get(pk=pedagogist_id)
    absence = Absence(
        pedagogist=pedagogist,
        kind=data.kind,
        starts_on=data.starts_on,
        ends_on=data.ends_on,
        time_from=data.time_from,
        time_to=data.time_to,
        repeat=data.repeat,
        repeat_until=data.repeat_until if data.repeat != AbsenceRepeat.NONE else None,
        note=data.note.strip(),
        created_by=actor,
    )
    last = selectors.last_day_of(absence)
    for other in (
        Absence.objects.active().touching(absence.starts_on, last).filter(pedagogist=pedagogist)
    ):
        if selectors.absences_overlap(absence, other):
            raise ValidationError(
                {
                    "starts_on": _(
                        "%(name)s already has an absence recorded from %(day)s that overlaps "
                        "this one."
                    )
                    % {"name": pedagogist.user.name, "day": other.starts_on.strftime("%d.%m.%Y")}
                }
            )
    absence._change_reason = "recorded"  # type: ignore[attr-defined]
    absence.save()
    # How many leaders were told, for the confirmation (none when no practice day is touched).
    absence.leaders_told = _tell_leaders(absence, template="absence_recorded")  # type: ignore[attr-defined]
    # Her intake meetings in it stay planned: whoever records it is told they should be moved,
    # and the administration, which moves them, gets a message for each.
    absence.meetings = plan_meetings.meetings_in_absence(absence, first=timezone.localdate())  # type: ignore[attr-defined]
    plan_meetings.tell_administration(absence, absence.meetings, actor=actor)  # type: ignore[attr-defined]
    return absence


@transaction.atomic
def _absence_to_change(absence_id: int) -> Absence:
    """The absence, locked for the change, unless it was cancelled already."""
    absence = (
        Absence.objects.select_for_update(of=("self",))
        .select_related("pedagogist__user")
        .get(pk=absence_id)
    )
    if absence.cancelled_at is not None:
        raise StateError(_("This absence has already been cancelled."))
    return absence


def absence_cancel(*, actor: User, absence_id: int) -> Absence:
    """Take back a recorded absence (she comes after all, or it was recorded by mistake); the
    same leaders hear of it, and the administration of the intake meetings it no longer keeps
    from being held.

    One that is over, or partly over, is cancelled too, days past and all: sick days recorded
    for the wrong week must be correctable, and a day can be recorded in the past as well. The
    week plan, the prefill of a week sheet not yet saved and the dashboards read the absences
    not cancelled, so they stop counting it at once; a week sheet already saved keeps the hours
    on it (`saved_weeks`, for the confirmation). Only the days from today are told of: nobody
    hears of a day that has passed. The caller has decided that `actor` may (the pedagogist
    herself or the administration, forloeb/access.py)."""
    absence = _absence_to_change(absence_id)
    today = timezone.localdate()
    absence.cancelled_at = timezone.now()
    absence.cancelled_by = actor
    absence.save(update_fields=["cancelled_at", "cancelled_by"])
    # How many leaders were told, for the confirmation (none when no practice day is touched).
    absence.leaders_told = _tell_leaders(absence, template="absence_cancelled")  # type: ignore[attr-defined]
    # The intake meetings it fell on need no moving any more, unless another absence is there
    # too: the administration, told they should be moved, is told so (the meetings told of, for
    # the confirmation).
    absence.meetings_cleared = plan_meetings.tell_administration_clear(  # type: ignore[attr-defined]
        absence,
        plan_meetings.meetings_in_absence(absence, first=timezone.localdate()),
        actor=actor,
    )
    # Whoever was warned on the page when a meeting or a moved or extra day was planned onto
    # it (and the pedagogist, whose plan was flagged) hears that it can go ahead, once.
    plan_allclear.absence_all_clear(absence, actor=actor)
    # For the confirmation: whether it was over, and the weeks with days past whose week sheet
    # is saved (it keeps its hours; no longer prefilled, it may need correcting by hand).
    absence.was_over = selectors.last_day_of(absence) < today  # type: ignore[attr-defined]
    past = {
        monday_of(day) for day in selectors.counted_days(absence, last=today - timedelta(days=1))
    }
    absence.saved_weeks = sorted(  # type: ignore[attr-defined]
        WeekSheet.objects.filter(
            pedagogist_id=absence.pedagogist_id, week_start__in=past
        ).values_list("week_start", flat=True)
    )
    return absence


@dataclass(frozen=True)
class ShortenInput:
    """The absence's new period: the first and last day (one that does not repeat) or the last
    repetition (one that repeats: each repetition's days stay as they are)."""

    starts_on: date
    ends_on: date
    repeat_until: date | None = None


def _freed_parts(absence: Absence, data: ShortenInput) -> list[Absence]:
    """The days the shortening gives back, as absences (never saved) of the same pedagogist,
    kind and times: what is told of, exactly as a cancelled absence of those days would be."""

    def part(**dates) -> Absence:
        return Absence(
            pk=absence.pk,
            pedagogist=absence.pedagogist,
            kind=absence.kind,
            time_from=absence.time_from,
            time_to=absence.time_to,
            created_by_id=absence.created_by_id,
            created_at=absence.created_at,
            cancelled_at=timezone.now(),
            **dates,
        )

    if absence.repeat == AbsenceRepeat.NONE:
        parts = []
        if data.starts_on > absence.starts_on:
            parts.append(
                part(starts_on=absence.starts_on, ends_on=data.starts_on - timedelta(days=1))
            )
        if data.ends_on < absence.ends_on:
            parts.append(part(starts_on=data.ends_on + timedelta(days=1), ends_on=absence.ends_on))
        return parts
    assert absence.repeat_until is not None and data.repeat_until is not None
    step = timedelta(days=7 if absence.repeat == AbsenceRepeat.WEEKLY else 14)
    span = absence.ends_on - absence.starts_on
    start = absence.starts_on
    while start <= data.repeat_until:
        start += step
    if start > absence.repeat_until:
        return []
    return [
        part(
            starts_on=start,
            ends_on=start + span,
            repeat=absence.repeat,
            repeat_until=absence.repeat_until,
        )
    ]


def _validate_shorten(absence: Absence, data: ShortenInput) -> None:
    errors: dict[str, list[str]] = defaultdict(list)
    day = "%d.%m.%Y"
    if absence.repeat == AbsenceRepeat.NONE:
        if data.ends_on < data.starts_on:
            errors["ends_on"].append(_("The absence cannot end before it starts."))
        elif data.starts_on < absence.starts_on or data.ends_on > absence.ends_on:
            errors["ends_on"].append(
                _(
                    "An absence can only be shortened here: choose days from %(first)s to "
                    "%(last)s. For more days, record another absence."
                )
                % {"first": absence.starts_on.strftime(day), "last": absence.ends_on.strftime(day)}
            )
        elif (data.starts_on, data.ends_on) == (absence.starts_on, absence.ends_on):
            errors["ends_on"].append(
                _("The period is as before: choose a later first day or an earlier last day.")
            )
    else:
        assert absence.repeat_until is not None
        if data.repeat_until is None:
            errors["repeat_until"].append(_("Fill in the day of the last repetition."))
        elif data.repeat_until < absence.ends_on:
            errors["repeat_until"].append(
                _(
                    "The last repetition cannot be before the first one ends (%(day)s); to take "
                    "away every repetition, cancel the absence."
                )
                % {"day": absence.ends_on.strftime(day)}
            )
        elif data.repeat_until > absence.repeat_until:
            errors["repeat_until"].append(
                _(
                    "An absence can only be shortened here: choose a day up to %(last)s. For "
                    "more repetitions, record another absence."
                )
                % {"last": absence.repeat_until.strftime(day)}
            )
        elif not _freed_parts(absence, data):
            errors["repeat_until"].append(
                _("No repetition falls away: choose a day before the start of the last repetition.")
            )
    if not errors:
        shortened = Absence(
            starts_on=data.starts_on if absence.repeat == AbsenceRepeat.NONE else absence.starts_on,
            ends_on=data.ends_on if absence.repeat == AbsenceRepeat.NONE else absence.ends_on,
            repeat=absence.repeat,
            repeat_until=data.repeat_until if absence.repeat != AbsenceRepeat.NONE else None,
        )
        if not selectors.counted_days(shortened):
            errors["ends_on"].append(
                _(
                    "The shortened absence falls only on weekend days or public holidays and "
                    "counts no hours; cancel the absence instead."
                )
            )
    if errors:
        raise ValidationError(dict(errors))


@transaction.atomic
def absence_shorten(*, actor: User, absence_id: int, data: ShortenInput) -> Absence:
    """Shorten a recorded absence (she came back early, or it was recorded too long): a later
    first day, an earlier last day or, for one that repeats, an earlier last repetition. The
    days it gives back are free again in the week plan, the calendars and the dashboards, and
    whoever cancelling would tell is told of those days exactly so: the leaders of the practice
    days from today, the administration of the intake meetings it no longer keeps from being
    held, whoever was warned of something planned onto them. Longer is never allowed here: new
    days are a new absence, which tells the leaders of them.

    The caller has decided that `actor` may (the pedagogist herself or the administration,
    forloeb/access.py)."""
    absence = _absence_to_change(absence_id)
    _validate_shorten(absence, data)
    freed = _freed_parts(absence, data)
    before = (absence.starts_on, absence.ends_on, absence.repeat_until)
    if absence.repeat == AbsenceRepeat.NONE:
        absence.starts_on, absence.ends_on = data.starts_on, data.ends_on
    else:
        absence.repeat_until = data.repeat_until
    absence._change_reason = "shortened"  # type: ignore[attr-defined]
    absence.save(update_fields=["starts_on", "ends_on", "repeat_until"])
    today = timezone.localdate()
    told = 0
    cleared: list = []
    past: set[date] = set()
    for part in freed:
        # One message per leader and shortening (a later cancel, or a second shortening, tells
        # of its own days).
        key = f"{part.starts_on:%Y%m%d}-{before[1]:%Y%m%d}"
        told += _tell_leaders(part, template="absence_cancelled", shortened=key)
        cleared += plan_meetings.tell_administration_clear(
            part, plan_meetings.meetings_in_absence(part, first=today), actor=actor
        )
        plan_allclear.absence_all_clear(part, actor=actor, key=key)
        past |= {
            monday_of(day) for day in selectors.counted_days(part, last=today - timedelta(days=1))
        }
    absence.leaders_told = told  # type: ignore[attr-defined]
    absence.meetings_cleared = cleared  # type: ignore[attr-defined]
    absence.saved_weeks = sorted(  # type: ignore[attr-defined]
        WeekSheet.objects.filter(
            pedagogist_id=absence.pedagogist_id, week_start__in=past
        ).values_list("week_start", flat=True)
    )
    return absence


def _tell_leaders(absence: Absence, *, template: str, shortened: str = "") -> int:
    """One message per leader, listing the affected practice days and the intake meetings she
    takes part in at her institutions (a meeting in her absence should be moved); the number of
    leaders told. `shortened`: the days are those a shortening gave back (the message says it
    was shortened, and has a key of its own)."""
    today = timezone.localdate()
    affected = [p for p in selectors.affected_practice_days(absence) if p.day >= today]
    meetings = plan_meetings.meetings_in_absence(absence, first=today)
    if not affected and not meetings:
        return 0
    by_institution: dict[int, list[selectors.PracticeDay]] = defaultdict(list)
    for practice in affected:
        by_institution[practice.institution.pk].append(practice)
    meetings_by_institution: dict[int, list] = defaultdict(list)
    for meeting in meetings:
        meetings_by_institution[meeting.request.institution_id].append(meeting)
    institution_ids = set(by_institution) | set(meetings_by_institution)
    days_of: dict[int, list[selectors.PracticeDay]] = defaultdict(list)
    meetings_of: dict[int, list] = defaultdict(list)
    leaders: dict[int, User] = {}
    memberships = User.objects.filter(
        role=Role.LEADER, is_active=True, memberships__institution_id__in=list(institution_ids)
    ).values_list("pk", "memberships__institution_id")
    users = {u.pk: u for u in User.objects.filter(pk__in={pk for pk, _i in memberships})}
    for user_id, institution_id in memberships:
        leaders[user_id] = users[user_id]
        days_of[user_id].extend(by_institution.get(institution_id, []))
        meetings_of[user_id].extend(meetings_by_institution.get(institution_id, []))
    for user_id, leader in leaders.items():
        days = sorted(set(days_of[user_id]), key=lambda p: (p.day, p.time_from or time.min))
        hers = sorted({m.pk: m for m in meetings_of[user_id]}.values(), key=lambda m: m.starts_at)
        first = min([p.day for p in days[:1]] + [timezone.localdate(m.starts_at) for m in hers[:1]])
        notification_queue(
            recipient=leader,
            template=template,
            kind=NotificationKind.ABSENCE,
            context={
                "pedagogist": absence.pedagogist,
                "absence": absence,
                "days": days,
                "meetings": hers,
                "first_day": first,
                "shortened": bool(shortened),
            },
            concerns=absence,
            url=_week_plan_url(first),
            dedupe_key=f"{template}:{absence.pk}:{user_id}"
            + (f":shortened:{shortened}" if shortened else ""),
        )
    return len(leaders)


def _week_plan_url(day: date) -> str:
    year, week, _weekday = (day - timedelta(days=day.weekday())).isocalendar()
    return reverse("week_plan", args=[year, week])


# --- One-off changes to a course's plan ---------------------------------------------------------


@dataclass(frozen=True)
class ChangeInput:
    kind: str
    reason: str
    day: date | None = None
    new_day: date | None = None
    new_time_from: time | None = None
    new_time_to: time | None = None


def _validate_change(course: Course, data: ChangeInput, *, change_id: int | None = None) -> None:
    """`change_id`: the proposal being accepted, which holds its own days."""
    errors: dict[str, list[str]] = defaultdict(list)
    today = timezone.localdate()
    reason = data.reason.strip()
    if not reason:
        errors["reason"].append(_("Say briefly why."))
    elif len(reason) > SHORT:
        errors["reason"].append(
            _("At most %(limit)d characters (you wrote %(count)d).")
            % {"limit": SHORT, "count": len(reason)}
        )
    try:
        validate_no_cpr_plain(reason)
    except ValidationError as error:
        errors["reason"].extend(error.messages)
    if data.kind not in PlanChangeKind.values:
        errors["kind"].append(_("Choose what to change."))
        raise ValidationError(dict(errors))
    needs_day = data.kind in (PlanChangeKind.CANCEL, PlanChangeKind.MOVE)
    needs_new = data.kind in (PlanChangeKind.MOVE, PlanChangeKind.EXTRA)
    # Each message names the field to fill, under that field: without JavaScript the form shows
    # every field, whichever kind is chosen.
    fields = {"day": _("Practice day"), "new_day": _("New day"), "from": _("From"), "to": _("To")}
    if needs_day and data.day is None:
        if data.kind == PlanChangeKind.CANCEL:
            errors["day"].append(
                _('Fill in "%(field)s": the practice day that is cancelled.')
                % {"field": fields["day"]}
            )
        else:
            errors["day"].append(
                _('Fill in "%(field)s": the practice day that is moved.') % {"field": fields["day"]}
            )
    if needs_new and data.new_day is None:
        if data.kind == PlanChangeKind.MOVE:
            errors["new_day"].append(
                _('Fill in "%(field)s": the day the practice day moves to.')
                % {"field": fields["new_day"]}
            )
        elif data.day is not None:
            errors["new_day"].append(
                _(
                    'Fill in "%(field)s" with the extra day; "%(other)s" is only for a day '
                    "that is cancelled or moved."
                )
                % {"field": fields["new_day"], "other": fields["day"]}
            )
        else:
            errors["new_day"].append(
                _('Fill in "%(field)s": the extra day.') % {"field": fields["new_day"]}
            )
    if data.new_time_from is not None and data.new_time_to is None:
        errors["new_time_to"].append(
            _('Fill in "%(field)s" too, or leave "%(other)s" empty for the usual times.')
            % {"field": fields["to"], "other": fields["from"]}
        )
    elif data.new_time_from is None and data.new_time_to is not None:
        errors["new_time_from"].append(
            _('Fill in "%(field)s" too, or leave "%(other)s" empty for the usual times.')
            % {"field": fields["from"], "other": fields["to"]}
        )
    elif data.new_time_from and data.new_time_to and data.new_time_to <= data.new_time_from:
        errors["new_time_to"].append(_("The end must be after the start."))
    elif needs_new and data.new_time_from and data.new_time_to:
        # New times lie within the institution's opening hours (the children are there), the
        # rule the agreement's time window keeps; the general day only where none are recorded.
        opens, closes, rule = practice_day_bounds(course.agreement.request.institution)
        if data.new_time_from < opens or data.new_time_to > closes:
            errors["new_time_from" if data.new_time_from < opens else "new_time_to"].append(rule)
    if errors:
        raise ValidationError(dict(errors))
    agreement = course.agreement
    ordinary = {
        p.day: p
        for p in selectors.practice_days(
            agreement_ids=[agreement.pk],
            first=min(d for d in (data.day, data.new_day) if d) - timedelta(days=1),
            last=max(d for d in (data.day, data.new_day) if d) + timedelta(days=1),
        )
    }
    if needs_day and data.day is not None:
        if data.day < today:
            errors["day"].append(_("A practice day that has passed cannot be changed."))
        elif data.day not in ordinary:
            errors["day"].append(
                _("%(day)s is not a practice day of this course.")
                % {"day": data.day.strftime("%d.%m.%Y")}
            )
    if needs_new and data.new_day is not None:
        version = agreement.versions.in_force().first()
        if data.new_day < today:
            errors["new_day"].append(_("The new day cannot be in the past."))
        elif holiday_name(data.new_day):
            errors["new_day"].append(
                _("%(day)s is a holiday (%(name)s).")
                % {"day": data.new_day.strftime("%d.%m.%Y"), "name": holiday_name(data.new_day)}
            )
        elif not is_working_day(data.new_day):
            errors["new_day"].append(_("The institutions are closed at weekends."))
        elif (
            version is not None
            and version.starts_on is not None
            and version.ends_on is not None
            and not version.starts_on <= data.new_day <= version.ends_on
        ):
            errors["new_day"].append(_("The new day must lie within the agreement's period."))
        elif (
            data.kind == PlanChangeKind.MOVE
            and data.new_day == data.day
            and data.new_day in ordinary
            and (
                data.new_time_from is None
                or (data.new_time_from, data.new_time_to)
                == (ordinary[data.new_day].time_from, ordinary[data.new_day].time_to)
            )
        ):
            # The same day at other times is a change of time; at its own times, nothing.
            errors["new_day"].append(
                _(
                    "The new day is the practice day itself at its usual times: choose another "
                    "day, or other times."
                )
            )
        elif (
            data.new_day in ordinary
            and not (data.kind == PlanChangeKind.MOVE and data.new_day == data.day)
            and not _freed(course, data.new_day)
        ):
            errors["new_day"].append(_("That day is already a practice day of this course."))
        elif holder := (
            PlanChange.objects.filter(course=course, status__in=HOLDING, new_day=data.new_day)
            .exclude(pk=change_id or 0)
            .first()
        ):
            # A day moved there or an extra day, in the plan or proposed: one practice day a
            # day, or the plan and the calendars show the course twice. A proposal is not in
            # the plan yet, so the message says where to look for it.
            errors["new_day"].append(
                (
                    _(
                        "A proposal waiting for an answer already puts a practice day on "
                        "%(day)s (moved or extra); see the course's changes."
                    )
                    if holder.status == PlanChangeStatus.PROPOSED
                    else _("The course already has a practice day on %(day)s (moved or extra).")
                )
                % {"day": data.new_day.strftime("%d.%m.%Y")}
            )
    if errors:
        raise ValidationError(dict(errors))


def _freed(course: Course, day: date) -> bool:
    """Whether the course's ordinary practice day `day` is free: a change in the plan took it
    away (cancelled, or moved to another day; a new time on the same day keeps it), so another
    day may be moved there, or added, without two practice days on it."""
    return (
        PlanChange.objects.filter(
            course=course,
            status=PlanChangeStatus.ACCEPTED,
            kind__in=(PlanChangeKind.CANCEL, PlanChangeKind.MOVE),
            day=day,
        )
        # A cancellation has no new day and is kept (NULL is not the day).
        .exclude(new_day=day)
        .exists()
    )


def _lock_course_in_force(course_id: int) -> Course:
    course = (
        Course.objects.select_for_update(of=("self",))
        .select_related("agreement__request__institution", "agreement__request__group")
        .get(pk=course_id)
    )
    if course.phase == Phase.CLOSED or not course.agreement.versions.in_force().exists():
        raise StateError(_("The course is not in force; its plan cannot be changed."))
    if course.agreement.ended_on is not None:
        raise StateError(_("The course is not in force; its plan cannot be changed."))
    ended_on = selectors.period_ended_on(course)
    if ended_on is not None:
        raise StateError(period_ended_text(ended_on))
    return course


def period_ended_text(ended_on: date) -> str:
    return _("The agreement's period ended on %(day)s, so no practice day is left to change.") % {
        "day": ended_on.strftime("%d.%m.%Y")
    }


@transaction.atomic
def plan_change_make(
    *, actor: User, course_id: int, data: ChangeInput, proposal: bool = False
) -> PlanChange:
    """Cancel, move or add a practice day of a course, with a short reason. Made by the
    pedagogist or the administration, it is in the plan at once and the institution's leaders
    are told; proposed by a leader (`proposal`), it waits for the pedagogist, who is told.

    The caller has decided that `actor` may (forloeb/access.py). The course row is locked, and
    the database holds one change per course and day, so two people changing the same day at
    once give one change and a Danish message to the other."""
    course = _lock_course_in_force(course_id)
    _validate_change(course, data)
    change = PlanChange(
        course=course,
        kind=data.kind,
        day=data.day if data.kind != PlanChangeKind.EXTRA else None,
        new_day=data.new_day if data.kind != PlanChangeKind.CANCEL else None,
        new_time_from=data.new_time_from if data.kind != PlanChangeKind.CANCEL else None,
        new_time_to=data.new_time_to if data.kind != PlanChangeKind.CANCEL else None,
        reason=data.reason.strip(),
        status=PlanChangeStatus.PROPOSED if proposal else PlanChangeStatus.ACCEPTED,
        made_by=actor,
    )
    if not proposal:
        change.decided_by, change.decided_at = actor, timezone.now()
    try:
        with transaction.atomic():
            change.save()
    except IntegrityError:
        if data.kind == PlanChangeKind.EXTRA:
            raise ValidationError(
                {"new_day": _("An extra day is already planned on that day.")}
            ) from None
        raise ValidationError(
            {"day": _("This practice day has already been changed; see the course's changes.")}
        ) from None
    if proposal:
        pedagogists = User.objects.filter(
            is_active=True, pedagogist__allocations__request__agreement=course.agreement
        ).distinct()
        notification_queue_many(
            recipients=list(pedagogists),
            template="plan_change_proposed",
            kind=NotificationKind.PLAN_CHANGE,
            context={"change": change, "course": course},
            concerns=course,
            dedupe_key=f"plan-change-proposed:{change.pk}",
        )
    else:
        _tell_leaders_of_change(change)
    # A proposal too: the leader learns what the pedagogist will see on the course's page.
    change.clashes = triage.change_warnings(change)  # type: ignore[attr-defined]
    return change


def _lock_proposal(change_id: int) -> PlanChange:
    change = (
        PlanChange.objects.select_for_update(of=("self",))
        .select_related("course__agreement__request__institution", "made_by")
        .get(pk=change_id)
    )
    # An answer from a page or an e-mail opened before the leader took the proposal back, or
    # before an adjusted agreement ended it, says so: "already answered" sent the pedagogist
    # looking for a colleague who had answered it.
    if change.status == PlanChangeStatus.WITHDRAWN:
        raise StateError(_("The proposal is withdrawn; the plan is unchanged."))
    if change.status == PlanChangeStatus.LAPSED:
        raise StateError(_("The proposal no longer applies (the agreement was adjusted)."))
    if change.status != PlanChangeStatus.PROPOSED:
        raise StateError(_("This proposal has already been answered."))
    return change


@transaction.atomic
def plan_change_accept(*, actor: User, change_id: int) -> PlanChange:
    """The pedagogist (or the administration) takes the leader's proposal into the plan."""
    change = _lock_proposal(change_id)
    _lock_course_in_force(change.course_id)
    # The days may have been taken since it was proposed.
    _validate_change(
        change.course,
        change_id=change.pk,
        data=ChangeInput(
            kind=change.kind,
            reason=change.reason,
            day=change.day,
            new_day=change.new_day,
            new_time_from=change.new_time_from,
            new_time_to=change.new_time_to,
        ),
    )
    change.status = PlanChangeStatus.ACCEPTED
    change.decided_by, change.decided_at = actor, timezone.now()
    change.save(update_fields=["status", "decided_by", "decided_at"])
    _tell_leaders_of_change(change)
    change.clashes = triage.change_warnings(change)  # type: ignore[attr-defined]
    if not change.course.plan_changes.filter(status=PlanChangeStatus.PROPOSED).exists():
        notifications.notifications_done(concerns=change.course, templates=["plan_change_proposed"])
    return change


@transaction.atomic
def plan_change_decline(*, actor: User, change_id: int, reason: str = "") -> PlanChange:
    """The pedagogist declines the leader's proposal; the leader who proposed it is told, with
    `reason` when she gave one (optional: a proposal declined without one reads as before)."""
    reason = reason.replace("\r\n", "\n").strip()
    check_lengths(reason=(reason, SHORT))
    try:
        validate_no_cpr_plain(reason)
    except ValidationError as error:
        raise ValidationError({"reason": error.messages}) from None
    change = _lock_proposal(change_id)
    change.status = PlanChangeStatus.DECLINED
    change.decided_by, change.decided_at = actor, timezone.now()
    change.decline_reason = reason
    change.save(update_fields=["status", "decided_by", "decided_at", "decline_reason"])
    notification_queue(
        recipient=change.made_by,
        template="plan_change_declined",
        kind=NotificationKind.PLAN_CHANGE,
        context={"change": change, "course": change.course, "actor": actor},
        concerns=change.course,
        dedupe_key=f"plan-change-declined:{change.pk}",
    )
    if not change.course.plan_changes.filter(status=PlanChangeStatus.PROPOSED).exists():
        notifications.notifications_done(concerns=change.course, templates=["plan_change_proposed"])
    return change


@transaction.atomic
def plan_change_withdraw(
    *, actor: User, change_id: int, seen_status: str | None = None
) -> PlanChange:
    """Take a change back until its day has passed (on the day too, as it can be made on the
    day): a change in the plan (by whoever may change the plan) or a leader's proposal not yet
    answered (by the leader who made it). Its days are as agreed again and free for another
    change; whoever was told of it is told it is withdrawn.

    The caller has decided that `actor` may (forloeb/access.py)."""
    change = (
        PlanChange.objects.select_for_update(of=("self",))
        .select_related("course__agreement__request__institution", "made_by")
        .get(pk=change_id)
    )
    # Each refusal says what happened to it: a leader's proposal is withdrawn (trukket
    # tilbage), a change in the plan is undone (fortrudt).
    proposal = change.decided_at is None
    if change.status == PlanChangeStatus.WITHDRAWN:
        # A second click, or one from a page that was out of date.
        if proposal:
            raise StateError(_("The proposal has already been withdrawn."))
        raise StateError(_("The change has already been undone."))
    if change.status == PlanChangeStatus.DECLINED:
        raise StateError(_("The proposal has been declined; there is nothing to withdraw."))
    if change.status == PlanChangeStatus.LAPSED:
        if proposal:
            raise StateError(
                _(
                    "The proposal no longer applies (the agreement was adjusted); there is "
                    "nothing to withdraw."
                )
            )
        raise StateError(
            _(
                "The change no longer applies (the agreement was adjusted); there is nothing "
                "to undo."
            )
        )
    if change.status not in HOLDING:
        raise StateError(_("This change is no longer in the plan or waiting for an answer."))
    if seen_status is not None and change.status != seen_status:
        # A proposal accepted while its leader took it back: who may withdraw it has changed.
        raise StateError(
            _(
                "The proposal was accepted in the meantime and is in the plan; see the "
                "course's page."
            )
        )
    was_proposal = change.status == PlanChangeStatus.PROPOSED
    today = timezone.localdate()
    if any(day is not None and day < today for day in (change.day, change.new_day)):
        if was_proposal:
            raise StateError(_("The day of the proposal has passed; it cannot be withdrawn."))
        raise StateError(_("A change whose day has passed cannot be withdrawn."))
    if (
        not was_proposal
        and change.day is not None
        and change.new_day != change.day
        and PlanChange.objects.filter(
            course_id=change.course_id, status__in=HOLDING, new_day=change.day
        )
        .exclude(pk=change.pk)
        .exists()
    ):
        # The day it freed has been given another practice day since (moved there, or an extra
        # day, in the plan or proposed): undoing it would put two practice days on that day.
        raise StateError(
            _(
                "%(day)s has since been given another practice day (moved there or an extra "
                "day); that change must be undone or withdrawn first."
            )
            % {"day": change.day.strftime("%d.%m.%Y")}
        )
    change.status = PlanChangeStatus.WITHDRAWN
    change.withdrawn_by, change.withdrawn_at = actor, timezone.now()
    change.save(update_fields=["status", "withdrawn_by", "withdrawn_at"])
    course = change.course
    if was_proposal:
        # The pedagogists were asked to answer it.
        recipients = list(
            User.objects.filter(
                is_active=True, pedagogist__allocations__request__agreement=course.agreement_id
            ).distinct()
        )
    else:
        # The leaders were told of it; the course's pedagogists get their day back.
        recipients = list(User.objects.leaders_of(course.agreement.request.institution_id))
        recipients += list(
            User.objects.filter(
                is_active=True, pedagogist__allocations__request__agreement=course.agreement_id
            ).distinct()
        )
    notification_queue_many(
        recipients=list({r.pk: r for r in recipients if r.pk != actor.pk}.values()),
        template="plan_change_withdrawn",
        kind=NotificationKind.PLAN_CHANGE,
        context={
            "change": change,
            "course": course,
            "actor": actor,
            "was_proposal": was_proposal,
        },
        concerns=course,
        dedupe_key=f"plan-change-withdrawn:{change.pk}",
    )
    # For the confirmation: a proposal is withdrawn, a change in the plan undone.
    change.was_proposal = was_proposal  # type: ignore[attr-defined]
    return change


@transaction.atomic
def plan_changes_follow_agreement(*, version, actor: User) -> list[PlanChange]:
    """When an adjusted agreement comes into force (registered as an `agreement_in_force`
    handler, after the course follows it), the course's changes, in the plan or proposed, that
    no longer fit the plan in force lapse: a cancelled or moved practice day that is no longer a
    practice day, a day moved to or added on what is now an ordinary practice day or outside the
    agreement's period. Only the days from when the new version counts are looked at (earlier
    days keep the plan they had). The institution's leaders and the course's pedagogists are
    told which changes no longer apply."""
    if version.number == 1:
        return []
    course = (
        Course.objects.select_for_update(of=("self",))
        .select_related("agreement__request__institution", "agreement__request__group")
        .filter(agreement_id=version.agreement_id)
        .first()
    )
    if course is None:
        return []
    begin = version.starts_on
    if version.in_force_at is not None:
        in_force = timezone.localdate(version.in_force_at)
        begin = max(begin, in_force - timedelta(days=in_force.weekday()))
    holding = list(
        PlanChange.objects.select_for_update()
        .filter(course=course, status__in=HOLDING)
        .filter(Q(day__gte=begin) | Q(new_day__gte=begin))
        .order_by("day", "new_day", "pk")
    )
    if not holding:
        return []
    days = [d for c in holding for d in (c.day, c.new_day) if d is not None and d >= begin]
    ordinary = {
        p.day
        for p in selectors.practice_days(
            agreement_ids=[course.agreement_id], first=min(days), last=max(days)
        )
    }

    def lapses(change: PlanChange, freed: set[date]) -> bool:
        if change.day is not None and change.day >= begin and change.day not in ordinary:
            return True
        new_day = change.new_day
        if new_day is None or new_day < begin or new_day == change.day:
            return False
        if new_day in ordinary and new_day not in freed:
            return True
        return not version.starts_on <= new_day <= version.ends_on

    # A day moved to (or added on) an ordinary practice day stays while a change that stays in
    # the plan takes that day's own practice away; when that one lapses, so does it (until
    # nothing more lapses).
    lapsed_ids: set[int] = set()
    while True:
        freed = {
            c.day
            for c in holding
            if c.pk not in lapsed_ids
            and c.status == PlanChangeStatus.ACCEPTED
            and c.day is not None
            and c.new_day != c.day
        }
        now_lapsed = {c.pk for c in holding if lapses(c, freed)}
        if now_lapsed == lapsed_ids:
            break
        lapsed_ids = now_lapsed
    lapsed = [c for c in holding if c.pk in lapsed_ids]
    for change in lapsed:
        change.status = PlanChangeStatus.LAPSED
        change._change_reason = f"lapsed: agreement version {version.number}"  # type: ignore[attr-defined]
        change.save(update_fields=["status"])
    if lapsed:
        recipients = list(User.objects.leaders_of(course.agreement.request.institution_id))
        recipients += list(
            User.objects.filter(
                is_active=True, pedagogist__allocations__request__agreement=course.agreement_id
            ).distinct()
        )
        notification_queue_many(
            recipients=list({r.pk: r for r in recipients}.values()),
            template="plan_change_lapsed",
            kind=NotificationKind.PLAN_CHANGE,
            context={"changes": lapsed, "course": course, "version": version},
            concerns=course,
            dedupe_key=f"plan-change-lapsed:{version.pk}",
        )
    return lapsed


def _tell_leaders_of_change(change: PlanChange) -> None:
    course = change.course
    leaders = User.objects.leaders_of(course.agreement.request.institution_id)
    pedagogists = User.objects.filter(
        is_active=True, pedagogist__allocations__request__agreement=course.agreement_id
    ).distinct()
    notification_queue_many(
        recipients=list(leaders),
        template="plan_change_made",
        kind=NotificationKind.PLAN_CHANGE,
        context={"change": change, "course": course, "pedagogists": list(pedagogists)},
        concerns=course,
        dedupe_key=f"plan-change-made:{change.pk}",
    )


# --- Calendar subscriptions ---------------------------------------------------------------------


def live_feeds(*, actor: User, scope: str, institution_id: int | None) -> QuerySet[CalendarFeed]:
    """The person's address for that calendar that still works (none, or one)."""
    live = CalendarFeed.objects.filter(user=actor, scope=scope, revoked_at__isnull=True)
    if institution_id is None:
        return live.filter(institution__isnull=True)
    return live.filter(institution_id=institution_id)


@transaction.atomic
def calendar_feed_make(*, actor: User, scope: str, institution_id: int | None) -> CalendarFeed:
    """A new private address for one of the person's calendars; the old one (if any) ends at
    once. The caller has decided that `actor` may subscribe to it (forloeb/access.py)."""
    User.objects.select_for_update().filter(pk=actor.pk).first()
    live_feeds(actor=actor, scope=scope, institution_id=institution_id).update(
        revoked_at=timezone.now()
    )
    return CalendarFeed.objects.create(
        user=actor,
        scope=scope,
        institution_id=institution_id,
        secret=secrets.token_urlsafe(32),
    )


@transaction.atomic
def calendar_feed_revoke(*, actor: User, feed_id: int) -> None:
    """End a subscription address; calendars that use it get nothing more."""
    CalendarFeed.objects.filter(pk=feed_id, user=actor, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


def plan_changes_anonymise(*, course_id: int) -> None:
    """Retention, within `course_anonymise`: the reasons of the course's cancelled, moved and
    extra days, and why proposals were declined, lose their text, in the rows and their
    history; the days stay."""
    text_anonymise(PlanChange, where={"course_id": course_id}, replace=("reason", "decline_reason"))
