"""The plan's word on intake meetings: a participant recorded absent at the meeting's time.

The meeting stays planned (moving it is the administration's), but wherever it is shown the
people at it are told that it should be moved (`meeting_absence_warnings`, registered with
indsats/hooks.py's `on_meeting_warnings`), the leaders are told in the absence's message, the
administration gets a message per meeting with the same lines (`tell_administration`, through
indsats' `meeting_move_needed_notify`), and the week plan marks it. When the absence is
cancelled and nobody at the meeting is absent any more, the administration told it should be
moved is told it can be held as planned (`tell_administration_clear`). The kind of absence is
never named: leaders read these too."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from forloeb.models import Absence
from forloeb.plan.selectors import _overlap, absence_days, absences_between, last_day_of
from indsats.models import IntakeMeeting, MeetingStatus
from indsats.requests import services as requests_services
from institutioner import access
from institutioner.models import User


def _local(moment: datetime) -> tuple[date, time]:
    local = timezone.localtime(moment)
    return local.date(), local.time().replace(second=0, microsecond=0)


def absence_at_meeting(absence: Absence, starts_at: datetime, ends_at: datetime) -> bool:
    """Whether the absence covers (part of) the meeting's time."""
    day, clock = _local(starts_at)
    _end_day, end_clock = _local(ends_at)
    return bool(absence_days(absence, day, day)) and _overlap(
        absence.time_from, absence.time_to, clock, end_clock
    )


@dataclass(frozen=True)
class AbsentParticipant:
    user_id: int
    name: str
    absence: Absence


def absent_participants(meetings: list) -> dict[int, list[AbsentParticipant]]:
    """For each planned meeting, the participating pedagogists recorded absent at its time.
    Two queries."""
    planned = [m for m in meetings if m.status == MeetingStatus.PLANNED]
    if not planned:
        return {}
    rows = list(
        IntakeMeeting.participants.through.objects.filter(
            intakemeeting_id__in=[m.pk for m in planned], user__pedagogist__isnull=False
        ).values_list("intakemeeting_id", "user_id", "user__name", "user__pedagogist")
    )
    if not rows:
        return {}
    days = [timezone.localtime(m.starts_at).date() for m in planned]
    absences = absences_between({row[3] for row in rows}, min(days), max(days))
    if not absences:
        return {}
    by_id = {m.pk: m for m in planned}
    found: dict[int, list[AbsentParticipant]] = defaultdict(list)
    for meeting_id, user_id, name, pedagogist_id in sorted(rows, key=lambda r: (r[0], r[2])):
        meeting = by_id[meeting_id]
        for absence in absences:
            if absence.pedagogist_id == pedagogist_id and absence_at_meeting(
                absence, meeting.starts_at, meeting.ends_at
            ):
                found[meeting_id].append(AbsentParticipant(user_id, name, absence))
                break
    return dict(found)


def meeting_absence_warnings(*, meetings: list, viewer=None) -> dict[int, list[str]]:
    """One Danish line per absent participant of each planned meeting, for the meeting's card
    (start page, the request's page, triage). Two queries."""
    warnings: dict[int, list[str]] = {}
    for meeting_id, absent in absent_participants(meetings).items():
        lines = []
        for person in absent:
            absence = person.absence
            times = {
                "name": person.name,
                "from": f"{absence.time_from:%H:%M}" if absence.time_from else "",
                "to": f"{absence.time_to:%H:%M}" if absence.time_to else "",
            }
            yourself = viewer is not None and viewer.pk == person.user_id
            if absence.time_from is None or absence.time_to is None:
                line = (
                    _("You are recorded absent that day – the meeting should be moved.")
                    if yourself
                    else _("%(name)s is absent that day – the meeting should be moved.")
                )
            else:
                line = (
                    _(
                        "You are recorded absent %(from)s–%(to)s that day – the meeting should "
                        "be moved."
                    )
                    if yourself
                    else _(
                        "%(name)s is absent %(from)s–%(to)s that day – the meeting should be moved."
                    )
                )
            lines.append(line % times)
        if viewer is not None and not access.is_administration(viewer):
            # Moving it is the administration's: the others are told it is in hand, not left
            # with something they cannot do. After the last line, in the same warning box (the
            # text outside the f-string: xgettext does not look inside one).
            in_hand = _("The administration sees this too and moves the meeting.")
            lines[-1] = f"{lines[-1]} {in_hand}"
        warnings[meeting_id] = lines
    return warnings


def meetings_in_absence(absence: Absence, *, first: date) -> list[IntakeMeeting]:
    """The planned intake meetings from `first` that the absence's pedagogist takes part in
    and the absence covers (at their time), in order. One query."""
    last = last_day_of(absence)
    if last < first:
        return []
    begin = timezone.make_aware(datetime.combine(max(first, absence.starts_on), time.min))
    end = timezone.make_aware(datetime.combine(last + timedelta(days=1), time.min))
    meetings = (
        IntakeMeeting.objects.filter(
            status=MeetingStatus.PLANNED,
            starts_at__gte=begin,
            starts_at__lt=end,
            participants__pedagogist=absence.pedagogist_id,
        )
        .select_related("request__institution", "request__group")
        .order_by("starts_at", "pk")
        .distinct()
    )
    return [m for m in meetings if absence_at_meeting(absence, m.starts_at, m.ends_at)]


def tell_administration(absence: Absence, meetings: list[IntakeMeeting], *, actor: User) -> int:
    """One message to the administration (all but `actor`, who recorded it and saw it on the
    page) for each planned intake meeting the new absence falls on, with the lines the
    meeting shows wherever it is shown; the number of meetings told of. Two queries for the
    lines, then the messages."""
    lines = meeting_absence_warnings(meetings=meetings)
    told = 0
    for meeting in meetings:
        if requests_services.meeting_move_needed_notify(
            meeting=meeting,
            reasons=lines.get(meeting.pk, []),
            key=f"absence-{absence.pk}",
            actor=actor,
        ):
            told += 1
    return told


def tell_administration_clear(
    absence: Absence, meetings: list[IntakeMeeting], *, actor: User
) -> list[IntakeMeeting]:
    """After the absence is cancelled: for each of the planned meetings it fell on where no
    participant is absent any more (another absence still there keeps it to be moved), the
    administration, told it should be moved because of this absence, is told it can be held as
    planned (all but `actor`, who cancelled it). The meetings told of. Two queries for who is
    still absent, then the messages."""
    still_absent = absent_participants(meetings)
    reasons = [
        _("%(name)s is no longer recorded absent at the meeting's time.")
        % {"name": absence.pedagogist.user.name}
    ]
    return [
        meeting
        for meeting in meetings
        if meeting.pk not in still_absent
        and requests_services.meeting_move_not_needed_notify(
            meeting=meeting, reasons=reasons, key=f"absence-{absence.pk}", actor=actor
        )
    ]
