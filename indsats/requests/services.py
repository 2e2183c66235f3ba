"""Every write of the request flow: one function per action.

Each transition checks the current state (StateError with a Danish message if wrong), locks the
row, saves with update_fields, writes a RequestEvent with the acting user, and queues the e-mails
in the same transaction (the outbox sends them after commit).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from indsats import access as request_access
from indsats.models import (
    Allocation,
    EventKind,
    IntakeMeeting,
    InterventionRequest,
    MeetingStatus,
    RequestEvent,
    RequestFocusLevel,
    RequestStatus,
    RequestTheme,
)
from indsats.requests import calendar, selectors
from institutioner import access
from institutioner.errors import StateError
from institutioner.models import Notification, NotificationKind, Pedagogist, User
from institutioner.notifications.services import (
    EmailAttachment,
    notification_queue,
    notification_queue_many,
    notifications_done,
)
from institutioner.retention.services import text_anonymise
from institutioner.selectors import administration_people
from institutioner.textlimits import LINE, MEDIUM, check_lengths
from institutioner.validators import validate_no_cpr, validate_no_cpr_plain

REQUEST_FIELDS = [
    "institution",
    "group",
    "need",
    "age_group",
    "group_size",
    "tried_already",
    "wished_start",
    "wished_weeks",
    "wished_weekdays",
    "wished_time_from",
    "wished_time_to",
    "contact_name",
    "contact_phone",
    "contact_email",
]


def _lock_request(request_id: int) -> InterventionRequest:
    return (
        InterventionRequest.objects.select_for_update(of=("self",))
        .select_related("institution", "group", "created_by")
        .get(pk=request_id)
    )


def _require(
    req: InterventionRequest, allowed: tuple[str, ...], message: str, *, target: str = ""
) -> None:
    if req.status in allowed:
        return
    if req.status == target:
        # A second click or a second tab: say what has already happened.
        raise StateError(
            _("The request is already %(status)s.") % {"status": req.get_status_display().lower()}
        )
    raise StateError(message % {"status": req.get_status_display().lower()})


def _event(req, *, kind, actor, from_status="", message="") -> RequestEvent:
    # Questions, reasons and answers are free text too: no CPR numbers, whoever calls.
    validate_no_cpr(message)
    return RequestEvent.objects.create(
        request=req,
        kind=kind,
        actor=actor,
        from_status=from_status,
        to_status=req.status,
        message=message,
    )


def _set_choices(req: InterventionRequest, focus_levels, themes) -> None:
    req.focus_levels.all().delete()
    req.themes.all().delete()
    RequestFocusLevel.objects.bulk_create(
        RequestFocusLevel(request=req, level=level) for level in focus_levels
    )
    RequestTheme.objects.bulk_create(RequestTheme(request=req, theme=theme) for theme in themes)


def _check_leader_scope(actor: User, data: dict) -> None:
    if not request_access.can_create_request(actor):
        raise StateError(_("Only a leader of the institution can request an intervention."))
    if not access.institutions_for(actor).filter(pk=data["institution"].pk).exists():
        raise StateError(_("You can only request an intervention for your own institutions."))
    group = data.get("group")
    if group is not None and group.institution_id != data["institution"].pk:
        raise ValidationError({"group": _("The group does not belong to the institution.")})


@transaction.atomic
def request_create(*, actor: User, data: dict, client_token) -> tuple[InterventionRequest, bool]:
    """Create a draft. The same form posted twice (double click, two tabs) creates one request."""
    existing = InterventionRequest.objects.filter(client_token=client_token).first()
    if existing is not None:
        if existing.created_by_id != actor.pk:
            raise StateError(_("This form has already been used. Open a new form."))
        return existing, False
    _check_leader_scope(actor, data)
    req = InterventionRequest(
        created_by=actor, client_token=client_token, **{f: data[f] for f in REQUEST_FIELDS}
    )
    req.full_clean(exclude=["client_token"])
    try:
        with transaction.atomic():
            req.save()
    except IntegrityError:
        # The same form posted twice at the same moment: the other post won; show its request.
        existing = InterventionRequest.objects.filter(client_token=client_token).first()
        if existing is None or existing.created_by_id != actor.pk:
            raise
        return existing, False
    _set_choices(req, data["focus_levels"], data["themes"])
    _event(req, kind=EventKind.CREATED, actor=actor)
    return req, True


@transaction.atomic
def request_update(
    *, actor: User, request_id: int, data: dict, answer: str = ""
) -> InterventionRequest:
    """Save the leader's changes. `answer`: the answer to the administration's question, while
    the request waits for one; kept in the request's history when it is new or changed."""
    check_lengths(answer=(answer, MEDIUM))
    try:
        validate_no_cpr(answer)
    except ValidationError as error:
        raise ValidationError({"answer": error.messages}) from None
    req = _lock_request(request_id)
    _require(
        req,
        (RequestStatus.DRAFT, RequestStatus.NEEDS_INFO),
        _("The request is %(status)s and can no longer be changed."),
    )
    _check_leader_scope(actor, data)
    # "Save" with nothing changed (e.g. only to look again) writes nothing: no "Changed" in the
    # history the administration reads.
    before = [getattr(req, field) for field in REQUEST_FIELDS]
    chosen = (
        sorted(req.focus_levels.values_list("level", flat=True)),
        sorted(req.themes.values_list("theme", flat=True)),
    )
    for field in REQUEST_FIELDS:
        setattr(req, field, data[field])
    req.full_clean()
    changed = [getattr(req, field) for field in REQUEST_FIELDS] != before or chosen != (
        sorted(data["focus_levels"]),
        sorted(data["themes"]),
    )
    if changed:
        req.save(update_fields=[*REQUEST_FIELDS, "updated_at"])
        _set_choices(req, data["focus_levels"], data["themes"])
    if req.status == RequestStatus.NEEDS_INFO:
        if changed:
            _event(req, kind=EventKind.UPDATED, actor=actor, from_status=req.status)
        asked = selectors.last_question(req)
        given = asked.answer.message if asked and asked.answer else ""
        if answer.strip() and answer.strip() != given:
            _event(
                req,
                kind=EventKind.INFO_GIVEN,
                actor=actor,
                from_status=req.status,
                message=answer.strip(),
            )
    return req


def passed_wished_start(req: InterventionRequest) -> str:
    """Why a draft cannot be submitted as it is (its wished start has passed), or "". Shown on
    the draft's page before the leader presses "Send", and the reason `request_submit` refuses."""
    if req.status != RequestStatus.DRAFT or req.wished_start >= timezone.localdate():
        return ""
    return _(
        "The wished start, %(day)s, has passed. Edit the request and choose a new day before you "
        "submit it."
    ) % {"day": date_format(req.wished_start, "j. F Y")}


def unanswered_question(req: InterventionRequest) -> str:
    """Why a request sent back for more information cannot be submitted again yet (the
    administration's latest question has no answer in the request's history), or "". Shown on
    the request's page in place of "Submit again", and the reason `request_submit` refuses."""
    if req.status != RequestStatus.NEEDS_INFO:
        return ""
    asked = selectors.last_question(req)
    if asked is None or asked.answer is not None:
        return ""
    return _(
        "The administration's question (see the history below) is not answered yet. Press "
        "“Change”, write your answer in the field “Your answer to the administration's "
        "question” and save; then submit the request again."
    )


@transaction.atomic
def request_submit(*, actor: User, request_id: int) -> InterventionRequest:
    req = _lock_request(request_id)
    _require(
        req,
        (RequestStatus.DRAFT, RequestStatus.NEEDS_INFO),
        _("The request is %(status)s and cannot be submitted."),
        target=RequestStatus.SUBMITTED,
    )
    before = req.status
    # A draft saved weeks ago can hold a wished start that has passed since: the form keeps a
    # day it did not change, so the leader is asked for a new day here rather than the
    # administration receiving a request to start in the past. A request sent back for more
    # information keeps its day: it was sent in time and is in the administration's hands.
    passed = passed_wished_start(req)
    if passed:
        raise StateError(passed)
    # Sent back with a question: submitted again once the leader has answered it, so the
    # administration does not get the request back with its question open.
    unanswered = unanswered_question(req)
    if unanswered:
        raise StateError(unanswered)
    req.status = RequestStatus.SUBMITTED
    fields = ["status", "updated_at"]
    if req.submitted_at is None:
        req.submitted_at = timezone.now()
        fields.append("submitted_at")
    req.save(update_fields=fields)
    again = before == RequestStatus.NEEDS_INFO
    _event(
        req,
        kind=EventKind.RESUBMITTED if again else EventKind.SUBMITTED,
        actor=actor,
        from_status=before,
    )
    notification_queue_many(
        recipients=administration_people(),
        template="request_submitted",
        context={"req": req, "again": again},
        concerns=req,
        url=reverse("triage_detail", args=[req.pk]),
    )
    return req


@transaction.atomic
def request_withdraw(*, actor: User, request_id: int, reason: str = "") -> InterventionRequest:
    check_lengths(reason=(reason, MEDIUM))
    req = _lock_request(request_id)
    if req.status == RequestStatus.ACCEPTED:
        raise StateError(
            _("An accepted request cannot be withdrawn here. Contact the administration.")
        )
    _require(
        req,
        (RequestStatus.DRAFT, RequestStatus.SUBMITTED, RequestStatus.NEEDS_INFO),
        _("The request is %(status)s and cannot be withdrawn."),
        target=RequestStatus.WITHDRAWN,
    )
    before = req.status
    req.status = RequestStatus.WITHDRAWN
    req.save(update_fields=["status", "updated_at"])
    _event(req, kind=EventKind.WITHDRAWN, actor=actor, from_status=before, message=reason)
    if before != RequestStatus.DRAFT:
        notification_queue_many(
            recipients=administration_people(),
            template="request_withdrawn",
            context={"req": req},
            concerns=req,
        )
    return req


@transaction.atomic
def request_draft_delete(*, actor: User, request_id: int) -> None:
    """The leader deletes a draft she no longer wants, with its history: it was never
    submitted, so nobody else has seen it (as a support application's draft). A draft is not
    withdrawn from its page; the service still allows it for callers that do."""
    req = _lock_request(request_id)
    if req.status != RequestStatus.DRAFT or req.submitted_at is not None:
        raise StateError(
            _("The request is %(status)s; only a draft can be deleted.")
            % {"status": req.get_status_display().lower()}
        )
    if not request_access.can_change_request(actor, req) or not (
        access.institutions_for(actor).filter(pk=req.institution_id).exists()
    ):
        raise StateError(_("You can only delete drafts of your own institutions."))
    _draft_remove(req)


def _draft_remove(req: InterventionRequest) -> None:
    pk = req.pk
    req.events.all().delete()
    req.delete()
    InterventionRequest.history.filter(id=pk).delete()


@transaction.atomic
def request_ask_info(*, actor: User, request_id: int, question: str) -> InterventionRequest:
    check_lengths(question=(question, MEDIUM))
    req = _lock_request(request_id)
    _require(
        req,
        (RequestStatus.SUBMITTED,),
        _("The request is %(status)s; you cannot ask about it now."),
    )
    if not question.strip():
        raise ValidationError({"question": _("Write what you need to know.")})
    before = req.status
    req.status = RequestStatus.NEEDS_INFO
    req.save(update_fields=["status", "updated_at"])
    _event(req, kind=EventKind.INFO_REQUESTED, actor=actor, from_status=before, message=question)
    notification_queue(
        recipient=req.created_by,
        template="request_info_requested",
        context={"req": req, "question": question},
        concerns=req,
    )
    return req


@transaction.atomic
def request_reject(*, actor: User, request_id: int, reason: str) -> InterventionRequest:
    check_lengths(reason=(reason, MEDIUM))
    req = _lock_request(request_id)
    _require(
        req,
        (RequestStatus.SUBMITTED, RequestStatus.NEEDS_INFO),
        _("The request is %(status)s and cannot be rejected."),
        target=RequestStatus.REJECTED,
    )
    if not reason.strip():
        raise ValidationError({"reason": _("Write why the request is rejected.")})
    before = req.status
    req.status = RequestStatus.REJECTED
    req.decided_at = timezone.now()
    req.save(update_fields=["status", "decided_at", "updated_at"])
    _event(req, kind=EventKind.REJECTED, actor=actor, from_status=before, message=reason)
    notification_queue(
        recipient=req.created_by,
        template="request_rejected",
        context={"req": req, "reason": reason},
        concerns=req,
    )
    return req


@dataclass(frozen=True)
class AllocationChoice:
    pedagogist: Pedagogist
    weekly_hours: Decimal


class AllocationNeedsReason(ValidationError):
    """The choice breaks a rule of thumb; it may stand, but only with a written reason."""

    def __init__(self, warnings: list[str]):
        super().__init__({"reason": warnings})
        self.warnings = warnings


def allocation_warnings(req: InterventionRequest, choices: list[AllocationChoice]) -> list[str]:
    fixed = {a.pedagogist_id for a in selectors.fixed_assignments(req.institution)}
    start, end = selectors.wished_weeks(req)
    capacity = selectors.free_capacity([c.pedagogist for c in choices], start=start, end=end)
    warnings = []
    for choice in choices:
        name = choice.pedagogist.user.name
        if choice.pedagogist.pk not in fixed:
            warnings.append(
                _("%(name)s is not the institution's permanently attached pedagogist.")
                % {"name": name}
            )
        left = capacity[choice.pedagogist.pk].free_hours - choice.weekly_hours
        if left < 0:
            warnings.append(
                _("%(name)s would be over-allocated by %(hours)s hours a week in the period.")
                % {"name": name, "hours": f"{-left:.2f}".replace(".", ",")}
            )
    return warnings


@transaction.atomic
def request_accept(
    *, actor: User, request_id: int, choices: list[AllocationChoice], reason: str = ""
) -> InterventionRequest:
    check_lengths(reason=(reason, MEDIUM))
    req = _lock_request(request_id)
    _require(
        req,
        (RequestStatus.SUBMITTED,),
        _("The request is %(status)s and cannot be accepted."),
        target=RequestStatus.ACCEPTED,
    )
    if not choices:
        raise ValidationError({"pedagogists": _("Choose at least one pedagogist.")})
    # Lock the pedagogists so two acceptances at once cannot both use the same free hours, and
    # their users, so someone deactivated at this moment is not assigned after all.
    locked = list(
        Pedagogist.objects.select_for_update()
        .filter(pk__in=[c.pedagogist.pk for c in choices])
        .values_list("user__is_active", "user__name")
    )
    gone = [name for active, name in locked if not active]
    if gone:
        raise ValidationError(
            {
                "pedagogists": _("%(names)s no longer works here and cannot be assigned.")
                % {"names": ", ".join(gone)}
            }
        )
    warnings = allocation_warnings(req, choices)
    if warnings and not reason.strip():
        raise AllocationNeedsReason(warnings)
    before = req.status
    req.status = RequestStatus.ACCEPTED
    req.decided_at = timezone.now()
    req.save(update_fields=["status", "decided_at", "updated_at"])
    allocations = [
        Allocation(request=req, pedagogist=c.pedagogist, weekly_hours=c.weekly_hours, reason=reason)
        for c in choices
    ]
    for allocation in allocations:
        allocation.full_clean(exclude=["request"])
    # One by one with history (bulk_create writes none), so the assignments keep who and when.
    bulk_create_with_history(allocations, Allocation, default_user=actor)
    names = ", ".join(c.pedagogist.user.name for c in choices)
    message = _("Assigned: %(names)s.") % {"names": names}
    if reason.strip():
        message = f"{message} {reason.strip()}"
    _event(req, kind=EventKind.ACCEPTED, actor=actor, from_status=before, message=message)
    notification_queue(
        recipient=req.created_by,
        template="request_accepted",
        context={"req": req, "names": names},
        concerns=req,
    )
    for choice in choices:
        notification_queue(
            recipient=choice.pedagogist.user,
            template="request_assigned",
            context={"req": req, "weekly_hours": choice.weekly_hours},
            concerns=req,
        )
    return req


def _meeting_attachment(
    meeting: IntakeMeeting, *, cancelled: bool | None = None, participants=None
) -> EmailAttachment:
    if cancelled is None:
        cancelled = meeting.status == MeetingStatus.CANCELLED
    method = "CANCEL" if cancelled else "REQUEST"
    return EmailAttachment(
        name="indsatsmoede.ics",
        mimetype=f"text/calendar; method={method}; charset=UTF-8",
        content=calendar.meeting_ics(meeting, cancelled=cancelled, participants=participants),
    )


def _notify_meeting(meeting: IntakeMeeting, template: str, **extra) -> None:
    attachment = _meeting_attachment(meeting)
    notification_queue_many(
        recipients=list(meeting.participants.all()),
        template=template,
        context={"meeting": meeting, "req": meeting.request, **extra},
        attachment=attachment,
        concerns=meeting,
    )


def _check_meeting_times(starts_at: datetime, ends_at: datetime) -> None:
    if starts_at <= timezone.now():
        raise ValidationError({"starts_at": _("The meeting cannot be in the past.")})
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("The meeting must end after it starts.")})
    if starts_at > timezone.now() + timedelta(days=366):
        raise ValidationError({"starts_at": _("The meeting can be at most a year ahead.")})


@transaction.atomic
def meeting_plan(
    *,
    actor: User,
    request_id: int,
    starts_at: datetime,
    ends_at: datetime,
    place: str,
    participants: list[User],
    other_participants: str = "",
) -> IntakeMeeting:
    req = _lock_request(request_id)
    _require(
        req,
        (RequestStatus.ACCEPTED,),
        _("The request is %(status)s; an intake meeting needs an accepted request."),
    )
    if req.meetings.filter(status=MeetingStatus.PLANNED).exists():
        raise StateError(_("An intake meeting is already planned. Move it instead."))
    _check_meeting_times(starts_at, ends_at)
    meeting = IntakeMeeting(
        request=req,
        starts_at=starts_at,
        ends_at=ends_at,
        place=place,
        other_participants=other_participants,
        created_by=actor,
    )
    meeting.full_clean(exclude=["request", "created_by"])
    meeting.save()
    meeting.participants.set(participants)
    _event(
        req,
        kind=EventKind.MEETING_PLANNED,
        actor=actor,
        from_status=req.status,
        message=_meeting_summary(meeting),
    )
    _notify_meeting(meeting, "meeting_planned")
    return meeting


def _meeting_summary(meeting: IntakeMeeting) -> str:
    start = timezone.localtime(meeting.starts_at)
    end = timezone.localtime(meeting.ends_at)
    return f"{start:%d.%m.%Y} kl. {start:%H.%M}–{end:%H.%M}, {meeting.place}"


def _lock_meeting(meeting_id: int) -> IntakeMeeting:
    return (
        IntakeMeeting.objects.select_for_update(of=("self",))
        .select_related("request__institution", "request__group")
        .get(pk=meeting_id)
    )


@transaction.atomic
def meeting_move(
    *,
    actor: User,
    meeting_id: int,
    starts_at: datetime,
    ends_at: datetime,
    place: str,
    participants: list[User],
    other_participants: str = "",
) -> IntakeMeeting:
    meeting = _lock_meeting(meeting_id)
    if meeting.status != MeetingStatus.PLANNED:
        raise StateError(_("The meeting is cancelled and cannot be moved. Plan a new one."))
    _check_meeting_times(starts_at, ends_at)
    removed = set(meeting.participants.all()) - set(participants)
    old_start = meeting.starts_at
    meeting.starts_at, meeting.ends_at, meeting.place = starts_at, ends_at, place
    meeting.other_participants = other_participants
    meeting.sequence += 1
    meeting.full_clean(exclude=["request", "created_by"])
    meeting.save(update_fields=["starts_at", "ends_at", "place", "other_participants", "sequence"])
    meeting.participants.set(participants)
    _event(
        meeting.request,
        kind=EventKind.MEETING_MOVED,
        actor=actor,
        from_status=meeting.request.status,
        message=_meeting_summary(meeting),
    )
    _notify_meeting(meeting, "meeting_moved")
    if removed:
        # Those taken off the meeting get a cancellation for their calendar.
        notification_queue_many(
            recipients=list(removed),
            template="meeting_removed",
            context={"meeting": meeting, "req": meeting.request, "when": old_start},
            attachment=_meeting_attachment(meeting, cancelled=True, participants=removed),
            concerns=meeting,
        )
    return meeting


@transaction.atomic
def meeting_cancel(*, actor: User, meeting_id: int, reason: str = "") -> IntakeMeeting:
    # Refused whole, never cut: the message goes to every participant as written.
    check_lengths(reason=(reason, LINE))
    validate_no_cpr_plain(reason)
    meeting = _lock_meeting(meeting_id)
    if meeting.status != MeetingStatus.PLANNED:
        raise StateError(_("The meeting is already cancelled."))
    meeting.status = MeetingStatus.CANCELLED
    meeting.sequence += 1
    meeting.save(update_fields=["status", "sequence"])
    _event(
        meeting.request,
        kind=EventKind.MEETING_CANCELLED,
        actor=actor,
        from_status=meeting.request.status,
        message=reason,
    )
    _notify_meeting(meeting, "meeting_cancelled", reason=reason, when=meeting.starts_at)
    return meeting


def meeting_move_needed_notify(
    *, meeting: IntakeMeeting, reasons: list[str], key: str, actor: User | None = None
) -> list[Notification]:
    """Tell the administration, which moves intake meetings, that a planned one should be
    moved and why: `reasons` are Danish lines from whoever knows (a higher app, such as the
    plan's `meeting_warnings` lines for a participant recorded absent at its time). One message
    per meeting and `key` (e.g. the absence that caused it) to each of the administration but
    `actor`, who saw it on the page; in the app, and by e-mail unless the person switched the
    kind (Intake meetings) off. It links to the request's triage page, where the meeting is
    moved. Runs inside the caller's transaction; returns the messages queued."""
    if meeting.status != MeetingStatus.PLANNED or not reasons:
        return []
    recipients = [
        person for person in administration_people() if actor is None or person.pk != actor.pk
    ]
    return notification_queue_many(
        recipients=recipients,
        template="meeting_move_needed",
        kind=NotificationKind.MEETINGS,
        context={"meeting": meeting, "req": meeting.request, "reasons": reasons},
        concerns=meeting,
        url=reverse("triage_detail", args=[meeting.request_id]),
        dedupe_key=f"meeting-move-needed:{meeting.pk}:{key}",
    )


def meeting_move_not_needed_notify(
    *, meeting: IntakeMeeting, reasons: list[str], key: str, actor: User | None = None
) -> list[Notification]:
    """What `meeting_move_needed_notify` said with `key` no longer holds (e.g. the absence was
    cancelled) and the caller knows of nothing else that should move the meeting: the
    administration, told it should be moved, is told once that it can be held as planned, with
    `reasons` (Danish lines from the caller), and the messages that it should be moved are marked
    read. To each of the administration but `actor`, who did it; nothing when no message with
    `key` was sent or the meeting is no longer planned. Runs inside the caller's transaction;
    returns the messages queued."""
    if meeting.status != MeetingStatus.PLANNED:
        return []
    told = Notification.objects.filter(
        template="meeting_move_needed",
        dedupe_key__startswith=f"meeting-move-needed:{meeting.pk}:{key}:",
    )
    if not told.exists():
        return []
    notifications_done(concerns=meeting, templates=["meeting_move_needed"])
    recipients = [
        person for person in administration_people() if actor is None or person.pk != actor.pk
    ]
    return notification_queue_many(
        recipients=recipients,
        template="meeting_move_not_needed",
        kind=NotificationKind.MEETINGS,
        context={"meeting": meeting, "req": meeting.request, "reasons": reasons},
        concerns=meeting,
        url=reverse("triage_detail", args=[meeting.request_id]),
        dedupe_key=f"meeting-move-not-needed:{meeting.pk}:{key}",
    )


# --- Retention ----------------------------------------------------------------------------------

ENDED_STATUSES = (RequestStatus.REJECTED, RequestStatus.WITHDRAWN)


def request_anonymise(*, request_id: int) -> bool:
    """Retention: the request without free text, names, e-mail or phone: the need, what was
    tried, the contact person, the reasons and questions of its events, the triage's reasons
    and its meetings' place and other participants, in the rows and in their history. Its
    institution, group, status, dates, focus levels, themes and pedagogists stay (the flow and
    allocation figures count them). Runs inside the caller's transaction (one per case);
    returns False if it was anonymised already."""
    req = _lock_request(request_id)
    if req.anonymised_at is not None:
        return False
    text_anonymise(
        InterventionRequest,
        where={"id": req.pk},
        replace=("need", "tried_already", "contact_name"),
        clear=("contact_phone", "contact_email"),
    )
    text_anonymise(RequestEvent, where={"request_id": req.pk}, replace=("message",))
    text_anonymise(Allocation, where={"request_id": req.pk}, replace=("reason",))
    text_anonymise(
        IntakeMeeting, where={"request_id": req.pk}, replace=("place", "other_participants")
    )
    rows = InterventionRequest.objects.filter(pk=req.pk)
    rows.update(anonymised_at=timezone.now())
    return True


def request_draft_expire(*, request_id: int) -> bool:
    """Retention: a draft nobody touched for the period goes, with its events and history, as
    the leader's own "Slet kladden" would take it (it was never submitted: nobody else has seen
    it). Runs inside the caller's transaction (one per case); returns False if it is no longer
    a never-submitted draft."""
    req = _lock_request(request_id)
    if req.status != RequestStatus.DRAFT or req.submitted_at is not None:
        return False
    _draft_remove(req)
    return True
