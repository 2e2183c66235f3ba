"""Every write of the visitation meetings: planning, the agenda, deciding.

Each transition checks the current state (StateError with a Danish message if wrong), locks the
row, saves, writes a SupportEvent with the acting user, and queues the e-mails in the same
transaction (the outbox sends them after commit).
"""

import hashlib
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from indsats.models import (
    GRANTING_OUTCOMES,
    LETTER_OUTCOMES,
    SUPPORT_IN_FORCE,
    AgendaItem,
    AgendaItemStatus,
    AgendaPurpose,
    SupportApplication,
    SupportDecision,
    SupportEvent,
    SupportEventKind,
    SupportKind,
    SupportOutcome,
    SupportStatus,
    VisitationMeeting,
    VisitationMeetingStatus,
)
from indsats.support import periods
from indsats.supportmeetings import calendar, documents, selectors
from institutioner.errors import StateError
from institutioner.models import NotificationKind, User
from institutioner.notifications.services import EmailAttachment, notification_queue_many
from institutioner.retention.services import text_anonymise
from institutioner.textlimits import LINE, MEDIUM, check_lengths
from institutioner.validators import validate_no_cpr_child, validate_no_cpr_plain


def next_meeting(on=None) -> VisitationMeeting | None:
    """The first planned meeting whose application deadline has not passed on `on` (today)."""
    day = on or timezone.localdate()
    return (
        VisitationMeeting.objects.filter(
            status=VisitationMeetingStatus.PLANNED,
            application_deadline__gte=day,
            starts_at__date__gte=day,
        )
        .order_by("starts_at", "pk")
        .first()
    )


@transaction.atomic
def agenda_place(
    *,
    application: SupportApplication,
    actor: User | None,
    purpose: str = AgendaPurpose.NEW,
    meeting: VisitationMeeting | None = None,
) -> AgendaItem | None:
    """Puts an application on `meeting`'s agenda, or on the next meeting's whose deadline has
    not passed. Returns the item, or None when no meeting is planned yet (the application then
    waits, and is put on the agenda when the administration plans the next meeting).

    `actor` is who chose the meeting; None when the rules placed it (submitted, answered, or
    in time for a meeting being planned): the history then says it was done automatically.

    An application already waiting on an agenda stays where it is (the item is returned)."""
    waiting = (
        AgendaItem.objects.select_for_update()
        .filter(application=application, status=AgendaItemStatus.WAITING)
        .first()
    )
    if waiting is not None:
        return waiting
    meeting = meeting or next_meeting()
    if meeting is None:
        return None
    item = AgendaItem.objects.create(meeting=meeting, application=application, purpose=purpose)
    SupportEvent.objects.create(
        application=application,
        kind=SupportEventKind.ON_AGENDA,
        actor=actor,
        from_status=application.status,
        to_status=application.status,
        message=(
            _("Put on the agenda of %(meeting)s automatically.")
            if actor is None
            else _("On the agenda of %(meeting)s.")
        )
        % {"meeting": meeting},
    )
    return item


@transaction.atomic
def agenda_take_off(*, application: SupportApplication, awaiting_info: bool = False) -> int:
    """Takes an application off the agenda it waits on (withdrawn, or `awaiting_info`: a
    question was asked and it waits for the answer); returns how many items."""
    status = AgendaItemStatus.AWAITING_INFO if awaiting_info else AgendaItemStatus.REMOVED
    return AgendaItem.objects.filter(
        application=application, status=AgendaItemStatus.WAITING
    ).update(status=status)


# --- Planning the meetings ------------------------------------------------------------------------


def _lock_meeting(meeting_id: int) -> VisitationMeeting:
    return VisitationMeeting.objects.select_for_update(of=("self",)).get(pk=meeting_id)


def _check_times(starts_at: datetime, ends_at: datetime, deadline: date) -> None:
    """Every refusal of the times together, by field (as the form tells them)."""
    errors: dict[str, str] = {}
    if starts_at <= timezone.now():
        errors["date"] = _("The meeting cannot be in the past.")
    elif starts_at > timezone.now() + timedelta(days=366):
        errors["date"] = _("The meeting can be at most a year ahead.")
    if ends_at <= starts_at:
        errors["end"] = _("The meeting must end after it starts.")
    # Strictly before: an application submitted on the meeting's day cannot be read for it.
    if deadline >= timezone.localtime(starts_at).date():
        errors["application_deadline"] = _("The application deadline must be before the meeting.")
    if errors:
        raise ValidationError(errors)


def _calendar_attachment(meeting: VisitationMeeting, *, cancelled: bool = False, members=None):
    method = "CANCEL" if cancelled else "REQUEST"
    return EmailAttachment(
        name="visitationsmoede.ics",
        mimetype=f"text/calendar; method={method}; charset=UTF-8",
        content=calendar.visitation_ics(meeting, cancelled=cancelled, members=members),
    )


def _notify_members(meeting: VisitationMeeting, template: str, **extra) -> None:
    cancelled = meeting.status == VisitationMeetingStatus.CANCELLED
    notification_queue_many(
        recipients=list(meeting.members.all()),
        template=template,
        kind=NotificationKind.VISITATION_MEETINGS,
        context={"meeting": meeting, **extra},
        attachment=_calendar_attachment(meeting, cancelled=cancelled),
        concerns=meeting,
    )


def _waiting_applications(deadline: date) -> list[SupportApplication]:
    """Submitted applications that wait on no agenda and came in by the deadline."""
    waiting = AgendaItem.objects.filter(application=OuterRef("pk"), status=AgendaItemStatus.WAITING)
    return list(
        SupportApplication.objects.in_work()
        .filter(status=SupportStatus.SUBMITTED, submitted_at__date__lte=deadline)
        .exclude(Exists(waiting))
        .annotate(decided_before=Exists(SupportDecision.objects.filter(application=OuterRef("pk"))))
        .order_by("submitted_at", "pk")
    )


@transaction.atomic
def meeting_plan(
    *,
    actor: User,
    starts_at: datetime,
    ends_at: datetime,
    place: str,
    application_deadline: date,
    members: list[User],
    client_token=None,
) -> VisitationMeeting:
    """Plans a meeting, puts every submitted application that waits on no agenda and came in by
    the deadline on its agenda, and invites the committee. The same form posted twice (a double
    click, two tabs: the same `client_token`) plans one meeting and sends one invitation."""
    if client_token is not None:
        existing = VisitationMeeting.objects.filter(client_token=client_token).first()
        if existing is not None:
            if existing.created_by_id != actor.pk:
                raise StateError(_("This form has already been used. Open a new form."))
            return existing
    validate_no_cpr_plain(place)
    _check_times(starts_at, ends_at, application_deadline)
    meeting = VisitationMeeting(
        starts_at=starts_at,
        ends_at=ends_at,
        place=place,
        application_deadline=application_deadline,
        created_by=actor,
        client_token=client_token,
    )
    meeting.full_clean(exclude=["created_by", "client_token"])
    try:
        with transaction.atomic():
            meeting.save()
    except IntegrityError:
        # The same form saved at the same moment by a second request.
        existing = VisitationMeeting.objects.filter(client_token=client_token).first()
        if client_token is None or existing is None or existing.created_by_id != actor.pk:
            raise
        return existing
    meeting.members.set(members)
    for application in _waiting_applications(application_deadline):
        agenda_place(
            application=application,
            actor=None,  # the deadline's rule, not a choice: logged as automatic
            meeting=meeting,
            purpose=AgendaPurpose.ANSWERED
            if getattr(application, "decided_before", False)
            else AgendaPurpose.NEW,
        )
    _notify_members(meeting, "visitation_planned")
    return meeting


class MeetingChangedMeanwhile(StateError):
    """The meeting was saved elsewhere (another tab or person) after the form was opened."""


def meeting_stamp(meeting: VisitationMeeting) -> str:
    """What a change form keeps of the meeting as it was opened: every saved value it shows (the
    sequence alone would miss a change made outside the form)."""
    members = sorted(meeting.members.values_list("pk", flat=True))
    parts = [
        meeting.status,
        str(meeting.sequence),
        meeting.starts_at.astimezone(UTC).isoformat(),
        meeting.ends_at.astimezone(UTC).isoformat(),
        meeting.place,
        meeting.application_deadline.isoformat(),
        ",".join(str(pk) for pk in members),
    ]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]


def _when_and_where(meeting: VisitationMeeting) -> str:
    start = timezone.localtime(meeting.starts_at)
    return _("%(day)s, %(start)s–%(end)s, %(place)s") % {
        "day": formats.date_format(start, "l j. F Y"),
        "start": formats.time_format(start, "H:i"),
        "end": formats.time_format(timezone.localtime(meeting.ends_at), "H:i"),
        "place": meeting.place,
    }


@transaction.atomic
def _refuse_if_decided(meeting: VisitationMeeting, doing: str) -> None:
    """A meeting where applications have been decided has been held in part: its decisions and
    letters name its day, so it is neither moved nor cancelled (its waiting items can be moved
    on the board, and the meeting marked held)."""
    decided = meeting.items.filter(status=AgendaItemStatus.DECIDED).count()
    if decided:
        raise StateError(
            ngettext(
                "%(n)s application on the meeting has been decided, and its decision and letter "
                "name the meeting's day: the meeting cannot be %(doing)s. Move its waiting "
                "applications to another meeting instead, and mark it held.",
                "%(n)s applications on the meeting have been decided, and their decisions and "
                "letters name the meeting's day: the meeting cannot be %(doing)s. Move its "
                "waiting applications to another meeting instead, and mark it held.",
                decided,
            )
            % {"n": decided, "doing": doing}
        )


def meeting_move(
    *,
    actor: User,
    meeting_id: int,
    starts_at: datetime,
    ends_at: datetime,
    place: str,
    application_deadline: date,
    members: list[User],
    expected_stamp: str = "",
) -> VisitationMeeting:
    """Changes the time, place, deadline or committee; the invitations are sent again with the
    same UID and a higher SEQUENCE (members taken off get a cancellation). `expected_stamp` is
    `meeting_stamp()` when the form was opened: if the meeting was saved since (another tab,
    another person), nothing is overwritten and nobody is told."""
    validate_no_cpr_plain(place)
    meeting = _lock_meeting(meeting_id)
    if meeting.status != VisitationMeetingStatus.PLANNED:
        raise StateError(_("The meeting is %(status)s and cannot be changed.") % _status(meeting))
    if (starts_at, ends_at) != (meeting.starts_at, meeting.ends_at):
        _refuse_if_decided(meeting, pgettext("the meeting cannot be", "moved"))
    if expected_stamp and expected_stamp != meeting_stamp(meeting):
        raise MeetingChangedMeanwhile(
            _(
                "The meeting was changed by someone else, or in another tab, after you opened "
                "this form, so your changes are not saved and nobody has been told. It is now: "
                "%(now)s. What you typed is still in the form below: check it, and save again "
                "to replace the meeting with it."
            )
            % {"now": _when_and_where(meeting)}
        )
    _check_times(starts_at, ends_at, application_deadline)
    removed = set(meeting.members.all()) - set(members)
    meeting.starts_at, meeting.ends_at, meeting.place = starts_at, ends_at, place
    meeting.application_deadline = application_deadline
    meeting.sequence += 1
    meeting.full_clean(exclude=["created_by"])
    meeting.save(
        update_fields=["starts_at", "ends_at", "place", "application_deadline", "sequence"]
    )
    meeting.members.set(members)
    _notify_members(meeting, "visitation_moved")
    if removed:
        notification_queue_many(
            recipients=list(removed),
            template="visitation_removed",
            kind=NotificationKind.VISITATION_MEETINGS,
            context={"meeting": meeting},
            attachment=_calendar_attachment(meeting, cancelled=True, members=removed),
            concerns=meeting,
        )
    return meeting


def _status(meeting: VisitationMeeting) -> dict:
    return {"status": meeting.get_status_display().lower()}


def _following_meeting(meeting: VisitationMeeting) -> VisitationMeeting | None:
    """The next planned meeting after `meeting` (the deadline no longer matters: the items were
    in time for the cancelled one): where its waiting applications go when it is cancelled or
    held without deciding them (None: they wait for a new meeting). The board names it as the
    first of selectors.other_planned_meetings."""
    return (
        VisitationMeeting.objects.filter(
            status=VisitationMeetingStatus.PLANNED, starts_at__gt=timezone.now()
        )
        .exclude(pk=meeting.pk)
        .order_by("starts_at", "pk")
        .first()
    )


def _move_item(item: AgendaItem, target: VisitationMeeting | None, actor: User | None) -> None:
    item.status = AgendaItemStatus.MOVED
    item.save(update_fields=["status"])
    application = item.application
    if target is None:
        message = _("Taken off the agenda of %(meeting)s; waits for the next meeting.") % {
            "meeting": item.meeting
        }
    else:
        AgendaItem.objects.create(meeting=target, application=application, purpose=item.purpose)
        message = _("Moved from %(old)s to %(new)s.") % {"old": item.meeting, "new": target}
    SupportEvent.objects.create(
        application=application,
        kind=SupportEventKind.MOVED,
        actor=actor,
        from_status=application.status,
        to_status=application.status,
        message=message,
    )


@transaction.atomic
def meeting_cancel(*, actor: User, meeting_id: int, reason: str = "") -> VisitationMeeting:
    """Cancels a planned meeting: its waiting items move to the next planned meeting (or wait
    for the next one to be planned), and the committee gets a cancellation. The returned meeting
    has `moved_to` (the meeting the items went to, or None) and `moved_count`. The reason is
    optional, as for an intake meeting: the committee is told of the cancellation anyway."""
    check_lengths(reason=(reason, LINE))
    validate_no_cpr_plain(reason)
    meeting = _lock_meeting(meeting_id)
    if meeting.status != VisitationMeetingStatus.PLANNED:
        if meeting.status == VisitationMeetingStatus.CANCELLED:
            raise StateError(_("The meeting is already cancelled."))
        raise StateError(_("The meeting is %(status)s and cannot be cancelled.") % _status(meeting))
    _refuse_if_decided(meeting, pgettext("the meeting cannot be", "cancelled"))
    meeting.status = VisitationMeetingStatus.CANCELLED
    meeting.sequence += 1
    meeting.save(update_fields=["status", "sequence"])
    target = _following_meeting(meeting)
    items = (
        AgendaItem.objects.select_for_update(of=("self",))
        .filter(meeting=meeting, status=AgendaItemStatus.WAITING)
        .select_related("application", "meeting")
    )
    moved = 0
    for item in items:
        _move_item(item, target, actor)
        moved += 1
    # What happened to the agenda, for the page's message and the committee's e-mail.
    setattr(meeting, "moved_to", target if moved else None)  # noqa: B010
    setattr(meeting, "moved_count", moved)  # noqa: B010
    _notify_members(
        meeting, "visitation_cancelled", reason=reason, moved_to=target, moved_count=moved
    )
    return meeting


class UndecidedItems(StateError):
    """A meeting to be marked as held still has applications waiting for a decision."""


@transaction.atomic
def meeting_mark_held(
    *, actor: User, meeting_id: int, move_undecided: bool = False
) -> VisitationMeeting:
    """Marks a meeting that has started as held. While applications on its agenda wait for a
    decision, that is refused (UndecidedItems, naming them), unless `move_undecided`: then they
    move to the next planned meeting (or wait for a new one), as when a meeting is cancelled.
    The returned meeting has `moved_to` and `moved_count`."""
    meeting = _lock_meeting(meeting_id)
    if meeting.status != VisitationMeetingStatus.PLANNED:
        raise StateError(
            _("The meeting is %(status)s and cannot be marked as held.") % _status(meeting)
        )
    if meeting.starts_at > timezone.now():
        raise StateError(_("The meeting has not started yet."))
    undecided = list(
        AgendaItem.objects.select_for_update(of=("self",))
        .filter(meeting=meeting, status=AgendaItemStatus.WAITING)
        .select_related("application__institution", "meeting")
        .order_by("added_at", "pk")
    )
    target = None
    if undecided and not move_undecided:
        raise UndecidedItems(
            ngettext(
                "%(items)s on the agenda has no decision yet. Decide it first, or move it to "
                "the next meeting.",
                "%(items)s on the agenda have no decision yet. Decide them first, or move them "
                "to the next meeting.",
                len(undecided),
            )
            % {"items": ", ".join(str(item.application) for item in undecided)}
        )
    if undecided:
        target = _following_meeting(meeting)
        for item in undecided:
            _move_item(item, target, actor)
    meeting.status = VisitationMeetingStatus.HELD
    meeting.save(update_fields=["status"])
    setattr(meeting, "moved_to", target)  # noqa: B010
    setattr(meeting, "moved_count", len(undecided))  # noqa: B010
    return meeting


@transaction.atomic
def agenda_move(*, actor: User, item_id: int, meeting_id: int) -> AgendaItem:
    """Moves a waiting agenda item to another planned meeting's agenda."""
    item = (
        AgendaItem.objects.select_for_update(of=("self",))
        .select_related("meeting", "application")
        .get(pk=item_id)
    )
    if item.status != AgendaItemStatus.WAITING:
        raise StateError(
            _("The application is no longer waiting on this agenda (%(status)s).")
            % {"status": item.get_status_display().lower()}
        )
    target = VisitationMeeting.objects.filter(pk=meeting_id).first()
    if target is None or target.status != VisitationMeetingStatus.PLANNED:
        raise StateError(_("An application can only be moved to a planned meeting."))
    if target.pk == item.meeting_id:
        raise StateError(_("The application is already on that meeting's agenda."))
    if target.starts_at <= timezone.now():
        raise StateError(_("An application can only be moved to a coming meeting."))
    _move_item(item, target, actor)
    return AgendaItem.objects.get(application=item.application, status=AgendaItemStatus.WAITING)


# --- Re-visitation --------------------------------------------------------------------------------

# A granted case is offered for re-visitation this many weeks before its date.
REVISIT_WEEKS = 8


def revisits_due(*, weeks: int = REVISIT_WEEKS, on: date | None = None):
    """Cases in force whose re-visitation date is within `weeks` weeks (or passed) and that wait
    on no agenda."""
    day = on or timezone.localdate()
    waiting = AgendaItem.objects.filter(application=OuterRef("pk"), status=AgendaItemStatus.WAITING)
    return (
        SupportApplication.objects.in_force()
        .in_work()
        .filter(revisit_on__lte=day + timedelta(weeks=weeks))
        .exclude(Exists(waiting))
        .select_related("institution")
        .order_by("revisit_on", "pk")
    )


@transaction.atomic
def revisit_place(*, actor: User, application_id: int, meeting_id: int | None = None) -> AgendaItem:
    """Puts a case in force on a meeting's agenda for re-visitation (given, or the next)."""
    application = (
        SupportApplication.objects.select_for_update(of=("self",))
        .select_related("institution")
        .get(pk=application_id)
    )
    if application.status not in SUPPORT_IN_FORCE:
        raise StateError(
            _("The application is %(status)s; only granted support is re-visited.")
            % {"status": application.get_status_display().lower()}
        )
    if AgendaItem.objects.filter(application=application, status=AgendaItemStatus.WAITING).exists():
        raise StateError(_("The case is already on an agenda."))
    meeting = None
    if meeting_id is not None:
        meeting = VisitationMeeting.objects.filter(pk=meeting_id).first()
        if meeting is None or meeting.status != VisitationMeetingStatus.PLANNED:
            raise StateError(_("A case can only be put on a planned meeting's agenda."))
    else:
        meeting = next_meeting()
        if meeting is None:
            raise StateError(_("No visitation meeting is planned. Plan one first."))
    item = agenda_place(
        application=application, actor=actor, purpose=AgendaPurpose.REVISIT, meeting=meeting
    )
    assert item is not None
    return item


# --- Deciding -------------------------------------------------------------------------------------


def decisions_open_at(meeting: VisitationMeeting) -> str:
    """When the meeting's decisions can be saved (its start), in Danish: "17.12.2026 kl. 09:00"."""
    start = timezone.localtime(meeting.starts_at)
    return _("%(day)s at %(time)s") % {
        "day": formats.date_format(start, "SHORT_DATE_FORMAT"),
        "time": formats.time_format(start, "H:i"),
    }


STATUS_AFTER: dict[str, str] = {
    SupportOutcome.GRANTED: SupportStatus.GRANTED,
    SupportOutcome.PARTLY_GRANTED: SupportStatus.PARTLY_GRANTED,
    SupportOutcome.REJECTED: SupportStatus.REJECTED,
    SupportOutcome.MORE_INFO: SupportStatus.NEEDS_INFO,
    SupportOutcome.ENDED: SupportStatus.ENDED,
}
# Outcomes of a re-visitation, and of a new application (or its answered questions).
REVISIT_OUTCOMES = (SupportOutcome.EXTENDED, SupportOutcome.ENDED)
FIRST_OUTCOMES = (
    SupportOutcome.GRANTED,
    SupportOutcome.PARTLY_GRANTED,
    SupportOutcome.REJECTED,
    SupportOutcome.MORE_INFO,
)


def grant_in_force(application: SupportApplication) -> SupportDecision | None:
    """The last granting decision of a case (granted, partly granted or extended): the hours
    and period a re-visitation starts from."""
    # The board prefetches them (newest first): no query per re-visitation item.
    prefetched = getattr(application, "granting_decisions", None)
    if prefetched is not None:
        return prefetched[0] if prefetched else None
    return (
        SupportDecision.objects.filter(application=application, outcome__in=GRANTING_OUTCOMES)
        .order_by("-decided_at", "-pk")
        .first()
    )


def stop_bounds(application: SupportApplication) -> tuple[date, date]:
    """The days an ending can name as the last day of support: from today (support is not
    stopped back in time) to the end of the grant in force (an ending does not lengthen it).
    A grant that has already run out gives its own last day only."""
    today = timezone.localdate()
    grant = grant_in_force(application)
    if grant is None or grant.period_end is None:
        return today, today + timedelta(days=periods.PERIOD_DAYS_AHEAD)
    return min(today, grant.period_end), grant.period_end


def default_stop(application: SupportApplication) -> date:
    """The day an ending proposes: the end of the current month (support stops at a month's
    end, so the institution can plan), within `stop_bounds`."""
    earliest, latest = stop_bounds(application)
    today = timezone.localdate()
    month_end = (today.replace(day=1) + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    return max(earliest, min(month_end, latest))


def _check_stop(application: SupportApplication, stops_on: date | None) -> dict[str, str]:
    earliest, latest = stop_bounds(application)
    if stops_on is None:
        return {"stops_on": _("Choose the last day with support.")}
    if latest < timezone.localdate() and stops_on != latest:
        return {
            "stops_on": _("The support in force ran out on %(day)s; an ending names that day.")
            % {"day": _day(latest)}
        }
    if stops_on < earliest:
        return {
            "stops_on": _("The support cannot stop before today (%(day)s).")
            % {"day": _day(earliest)}
        }
    if stops_on > latest:
        return {
            "stops_on": _("The support in force ends %(day)s; an ending cannot be later than that.")
            % {"day": _day(latest)}
        }
    return {}


def _day(day: date) -> str:
    return formats.date_format(day, "SHORT_DATE_FORMAT")


def earliest_start(item: AgendaItem) -> date:
    """The first day a grant decided on `item` can start: the meeting's day (the committee does
    not grant support back in time), and for an extension the day after the grant in force ends
    (the two never overlap)."""
    earliest = timezone.localdate(item.meeting.starts_at)
    if item.purpose == AgendaPurpose.REVISIT:
        grant = grant_in_force(item.application)
        if grant is not None and grant.period_end is not None:
            earliest = max(earliest, grant.period_end + timedelta(days=1))
    return earliest


def _check_start(item: AgendaItem, outcome: str, period_start: date) -> str | None:
    """A grant starts on the meeting's day or later, at most a year ahead (the application's
    bound); an extension at the earliest the day after the grant in force ends."""
    meeting_day = timezone.localdate(item.meeting.starts_at)
    earliest = earliest_start(item)
    if outcome == SupportOutcome.EXTENDED and period_start < earliest and earliest > meeting_day:
        return _(
            "An extension can start on %(day)s at the earliest: the day after the support in "
            "force ends."
        ) % {"day": _day(earliest)}
    if period_start < meeting_day:
        return _("A grant cannot start before the meeting's day (%(day)s).") % {
            "day": _day(meeting_day)
        }
    latest = meeting_day + timedelta(days=periods.PERIOD_DAYS_AHEAD)
    if outcome != SupportOutcome.EXTENDED and period_start > latest:
        return _("A grant can start at most a year after the meeting (by %(day)s).") % {
            "day": _day(latest)
        }
    return None


def _check_extension(
    application: SupportApplication, period_start: date | None, period_end: date | None
) -> dict[str, str]:
    """An extension runs beyond the grant in force (its start: _check_start)."""
    grant = grant_in_force(application)
    if grant is None or grant.period_end is None:
        return {}
    errors = {}
    if period_end and period_end <= grant.period_end:
        errors["period_end"] = _(
            "An extension must run beyond the support in force, which ends %(day)s."
        ) % {"day": _day(grant.period_end)}
    return errors


def _check_decision(
    item: AgendaItem,
    outcome: str,
    hours_per_week: Decimal | None,
    period_start: date | None,
    period_end: date | None,
    revisit_on: date | None,
    reasons: str,
    stops_on: date | None = None,
) -> None:
    errors = decision_errors(
        item, outcome, hours_per_week, period_start, period_end, revisit_on, reasons, stops_on
    )
    if errors:
        raise ValidationError(errors)


def decision_errors(
    item: AgendaItem,
    outcome: str,
    hours_per_week: Decimal | None,
    period_start: date | None,
    period_end: date | None,
    revisit_on: date | None,
    reasons: str,
    stops_on: date | None = None,
) -> dict[str, str]:
    """Every refusal of a decision at once, by field (the form shows them all together; the
    service raises them together)."""
    if outcome not in SupportOutcome.values:
        return {"outcome": _("Choose a decision.")}
    if item.purpose == AgendaPurpose.REVISIT and outcome not in REVISIT_OUTCOMES:
        return {"outcome": _("A re-visitation extends or ends the support.")}
    if item.purpose != AgendaPurpose.REVISIT and outcome not in FIRST_OUTCOMES:
        return {"outcome": _("Only support in force can be extended or ended.")}
    errors: dict[str, str] = {}
    if not (reasons or "").strip():
        errors["reasons"] = _("Give the reasons for the decision.")
    else:
        try:
            check_lengths(reasons=(reasons, MEDIUM))
            validate_no_cpr_child(reasons)
        except ValidationError as error:
            errors["reasons"] = error.messages[0]
    if outcome == SupportOutcome.ENDED:
        errors.update(_check_stop(item.application, stops_on))
    if outcome in GRANTING_OUTCOMES:
        if item.application.kind == SupportKind.SUPPORT_HOURS and not hours_per_week:
            errors["hours_per_week"] = _("A grant of support hours needs the hours a week.")
        if item.application.kind != SupportKind.SUPPORT_HOURS and hours_per_week is not None:
            errors["hours_per_week"] = periods.special_place_hours()
        elif hours_per_week is not None and not (Decimal(0) < hours_per_week <= Decimal(40)):
            errors["hours_per_week"] = _("The hours a week must be above 0 and at most 40.")
        applied = item.application.hours_per_week
        if (
            outcome == SupportOutcome.PARTLY_GRANTED
            and hours_per_week is not None
            and applied is not None
            and hours_per_week >= applied
        ):
            errors["hours_per_week"] = _(
                "A partial grant gives fewer hours than the %(hours)s a week applied for."
            ) % {"hours": formats.number_format(applied, decimal_pos=1)}
        if period_start is None:
            errors["period_start"] = _("A grant needs a period.")
        if period_end is None:
            errors["period_end"] = _("A grant needs a period.")
        meeting_day = timezone.localdate(item.meeting.starts_at)
        if period_start and (message := _check_start(item, outcome, period_start)):
            errors["period_start"] = message
        if period_start and period_end and period_end < period_start:
            errors["period_end"] = _("The period must end on or after its start.")
        elif period_end and period_end < meeting_day:
            errors["period_end"] = _("The period is over before the meeting.")
        elif period_end and (
            message := periods.too_long(period_start or earliest_start(item), period_end)
        ):
            # As the application: at most two years, re-visited long before. Without a start
            # (none typed, or one the form refused), from the earliest the grant can start: an
            # end more than two years after that is too long whatever the start, and is told
            # together with the missing start.
            errors["period_end"] = message
        if revisit_on is None:
            errors["revisit_on"] = _("A grant needs a re-visitation date.")
        elif period_end and revisit_on > period_end:
            errors["revisit_on"] = _("The re-visitation must be before the period ends.")
        elif period_start and revisit_on < period_start:
            errors["revisit_on"] = _("The re-visitation must be within the period.")
        elif revisit_on < meeting_day:
            errors["revisit_on"] = _("The re-visitation cannot be before the meeting.")
        if outcome == SupportOutcome.EXTENDED:
            for field, message in _check_extension(
                item.application, period_start, period_end
            ).items():
                errors.setdefault(field, message)
    return errors


@transaction.atomic
def support_decide(
    *,
    actor: User,
    item_id: int,
    outcome: str,
    reasons: str,
    hours_per_week: Decimal | None = None,
    period_start: date | None = None,
    period_end: date | None = None,
    revisit_on: date | None = None,
    stops_on: date | None = None,
    meeting_id: int | None = None,
) -> SupportDecision:
    """The committee's decision on one agenda item. Two members saving at once give one
    decision: the item is locked, and the decision is unique per item.

    A grant keeps the hours, period and re-visitation date; an ending keeps only `stops_on`,
    the last day with support (as its `period_end`: the dashboards and the statistics count
    the grant until then); the other outcomes keep none of them."""
    item = (
        AgendaItem.objects.select_for_update(of=("self",))
        .select_related("meeting", "application__institution")
        .filter(pk=item_id)
        .first()
    )
    if item is None:
        raise StateError(_("The application is not on this meeting's agenda."))
    if meeting_id is not None and item.meeting_id != meeting_id:
        raise StateError(_("The application is not on this meeting's agenda."))
    if item.meeting.status == VisitationMeetingStatus.CANCELLED:
        raise StateError(_("The meeting is cancelled; decide the application at another one."))
    if item.status == AgendaItemStatus.DECIDED:
        raise StateError(_("The application has already been decided at this meeting."))
    if item.status == AgendaItemStatus.MOVED:
        raise StateError(_("The application has been moved to another meeting."))
    if item.status == AgendaItemStatus.AWAITING_INFO:
        raise StateError(
            _("The application has been taken off the agenda to wait for more information.")
        )
    if item.status != AgendaItemStatus.WAITING:
        raise StateError(_("The application has been taken off the agenda (withdrawn)."))
    if item.meeting.starts_at > timezone.now():
        # A decision is made at the meeting: not weeks before it, with a letter saying so.
        raise StateError(
            _("The meeting has not started yet; its decisions can be saved from %(when)s.")
            % {"when": decisions_open_at(item.meeting)}
        )
    application = item.application
    expected = (
        SUPPORT_IN_FORCE if item.purpose == AgendaPurpose.REVISIT else (SupportStatus.SUBMITTED,)
    )
    if application.status not in expected:
        raise StateError(
            _("The application is %(status)s and cannot be decided now.")
            % {"status": application.get_status_display().lower()}
        )
    _check_decision(
        item, outcome, hours_per_week, period_start, period_end, revisit_on, reasons, stops_on
    )
    granting = outcome in GRANTING_OUTCOMES
    if outcome == SupportOutcome.ENDED:
        period_end = stops_on
    try:
        with transaction.atomic():
            decision = SupportDecision.objects.create(
                application=application,
                agenda_item=item,
                outcome=outcome,
                hours_per_week=hours_per_week if granting else None,
                period_start=period_start if granting else None,
                period_end=period_end if granting or outcome == SupportOutcome.ENDED else None,
                revisit_on=revisit_on if granting else None,
                reasons=reasons.strip(),
                decided_by=actor,
            )
    except IntegrityError:
        raise StateError(_("The application has already been decided at this meeting.")) from None
    item.status = AgendaItemStatus.DECIDED
    item.save(update_fields=["status"])
    from_status = application.status
    application.status = STATUS_AFTER.get(outcome, application.status)
    application.decided_at = decision.decided_at
    application.revisit_on = revisit_on if granting else None
    application.save(update_fields=["status", "decided_at", "revisit_on", "updated_at"])
    SupportEvent.objects.create(
        application=application,
        kind=SupportEventKind.DECIDED,
        actor=actor,
        from_status=from_status,
        to_status=application.status,
        message=f"{decision.get_outcome_display()}: {decision.reasons}",
    )
    if outcome == SupportOutcome.MORE_INFO:
        SupportEvent.objects.create(
            application=application,
            kind=SupportEventKind.QUESTION,
            actor=actor,
            from_status=from_status,
            to_status=application.status,
            message=decision.reasons,
        )
    if outcome in LETTER_OUTCOMES:
        # The letter is made after commit, by whoever first asks for it (institutioner/files/).
        documents.decision_letter(decision)
    # The subject names the application and the institution, never the child.
    url = selectors.support_url(application) or reverse("start")
    context = {"app": application, "decision": decision, "url": url}
    if outcome in LETTER_OUTCOMES:
        # A decision tells how to complain, in the e-mail as in the letter (the e-mails are
        # Danish whoever decides).
        with translation.override("da"):
            context["complaint_guide"] = selectors.complaint_guide()
    notification_queue_many(
        recipients=list(User.objects.leaders_of(application.institution_id)),
        template="support_decided",
        kind=NotificationKind.SUPPORT,
        context=context,
        url=url,
    )
    return decision


# --- Retention ---------------------------------------------------------------------------------


def visitation_meeting_anonymise(*, meeting_id: int) -> bool:
    """Retention: the meeting's general minutes (free text that may name the children of its
    cases) become `[anonymiseret]`, in the row and in its history, whose change reasons go too.
    Its date, place, status and members stay. Runs inside the caller's transaction; False if it
    was anonymised already."""
    meeting = _lock_meeting(meeting_id)
    if meeting.anonymised_at is not None:
        return False
    text_anonymise(VisitationMeeting, where={"id": meeting.pk}, replace=("minutes",))
    VisitationMeeting.objects.filter(pk=meeting.pk).update(anonymised_at=timezone.now())
    return True
