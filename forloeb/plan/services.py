"""Every write of the plan: recording and cancelling a pedagogist's absence.

The leaders of each institution whose practice days an absence touches are told at once, in the
same transaction: one message per leader, listing every affected day at her institutions (a
leader of two institutions gets one message). The kind of absence and its note are not in the
message: illness is health data, and a leader needs the days, not the reason.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, time, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from forloeb.models import Absence, AbsenceKind, AbsenceRepeat
from forloeb.plan import selectors
from institutioner.errors import StateError
from institutioner.models import NotificationKind, Pedagogist, Role, User
from institutioner.notifications.services import notification_queue
from institutioner.textlimits import SHORT
from institutioner.validators import validate_no_cpr

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
    if len(data.note) > SHORT:
        errors["note"].append(
            _("At most %(limit)d characters (you wrote %(count)d).")
            % {"limit": SHORT, "count": len(data.note)}
        )
    try:
        validate_no_cpr(data.note)
    except ValidationError as error:
        errors["note"].extend(error.messages)
    if errors:
        raise ValidationError(dict(errors))


@transaction.atomic
def absence_record(*, actor: User, pedagogist_id: int, data: AbsenceInput) -> Absence:
    """Record a pedagogist's planned absence and tell the leaders whose practice days it takes.

    The caller has decided that `actor` may record for this pedagogist (forloeb/access.py).
    An absence that overlaps one already recorded is refused; the pedagogist's row is locked
    so that two recordings at once cannot both slip past that check.
    """
    _validate(data)
    pedagogist = Pedagogist.objects.select_for_update().select_related("user").get(
        pk=pedagogist_id
    )
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
    for other in Absence.objects.active().touching(absence.starts_on, last).filter(
        pedagogist=pedagogist
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
    _tell_leaders(absence, template="absence_recorded")
    return absence


@transaction.atomic
def absence_cancel(*, actor: User, absence_id: int) -> Absence:
    """Take back a recorded absence (she comes after all); the same leaders hear of it."""
    absence = (
        Absence.objects.select_for_update(of=("self",))
        .select_related("pedagogist__user")
        .get(pk=absence_id)
    )
    if absence.cancelled_at is not None:
        raise StateError(_("This absence has already been cancelled."))
    absence.cancelled_at = timezone.now()
    absence.cancelled_by = actor
    absence.save(update_fields=["cancelled_at", "cancelled_by"])
    _tell_leaders(absence, template="absence_cancelled")
    return absence


def _tell_leaders(absence: Absence, *, template: str) -> None:
    """One message per leader, listing the affected practice days at her institutions."""
    today = timezone.localdate()
    affected = [p for p in selectors.affected_practice_days(absence) if p.day >= today]
    if not affected:
        return
    by_institution: dict[int, list[selectors.PracticeDay]] = defaultdict(list)
    for practice in affected:
        by_institution[practice.institution.pk].append(practice)
    days_of: dict[int, list[selectors.PracticeDay]] = defaultdict(list)
    leaders: dict[int, User] = {}
    memberships = User.objects.filter(
        role=Role.LEADER, is_active=True, memberships__institution_id__in=list(by_institution)
    ).values_list("pk", "memberships__institution_id")
    users = {u.pk: u for u in User.objects.filter(pk__in={pk for pk, _i in memberships})}
    for user_id, institution_id in memberships:
        leaders[user_id] = users[user_id]
        days_of[user_id].extend(by_institution[institution_id])
    for user_id, leader in leaders.items():
        days = sorted(set(days_of[user_id]), key=lambda p: (p.day, p.time_from or time.min))
        first = days[0].day
        notification_queue(
            recipient=leader,
            template=template,
            kind=NotificationKind.ABSENCE,
            context={"pedagogist": absence.pedagogist, "absence": absence, "days": days},
            concerns=absence,
            url=_week_plan_url(first),
            dedupe_key=f"{template}:{absence.pk}:{user_id}",
        )


def _week_plan_url(day: date) -> str:
    year, week, _weekday = (day - timedelta(days=day.weekday())).isocalendar()
    return reverse("week_plan", args=[year, week])
