"""Every write of the request flow: one function per action.

Each transition checks the current state (StateError with a Danish message if wrong), locks the
row, saves with update_fields, writes a RequestEvent with the acting user, and queues the e-mails
in the same transaction (the outbox sends them after commit).
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from indsats import calendar, hooks, pdf, selectors
from indsats.models import (
    Agreement,
    AgreementVersion,
    Allocation,
    EventKind,
    IntakeMeeting,
    InterventionRequest,
    MeetingStatus,
    Method,
    PracticeRole,
    RequestEvent,
    RequestFocusLevel,
    RequestStatus,
    RequestTheme,
    Signature,
    SignerRole,
    VersionStatus,
    Weekday,
)
from institutioner import access
from institutioner.errors import StateError
from institutioner.models import NotificationKind, Pedagogist, Role, User, format_decimal
from institutioner.services import EmailAttachment, notification_queue, notification_queue_many
from institutioner.validators import validate_no_cpr

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
    if actor.role != Role.LEADER:
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
def request_update(*, actor: User, request_id: int, data: dict) -> InterventionRequest:
    req = _lock_request(request_id)
    _require(
        req,
        (RequestStatus.DRAFT, RequestStatus.NEEDS_INFO),
        _("The request is %(status)s and can no longer be changed."),
    )
    _check_leader_scope(actor, data)
    for field in REQUEST_FIELDS:
        setattr(req, field, data[field])
    req.full_clean()
    req.save(update_fields=[*REQUEST_FIELDS, "updated_at"])
    _set_choices(req, data["focus_levels"], data["themes"])
    if req.status == RequestStatus.NEEDS_INFO:
        _event(req, kind=EventKind.UPDATED, actor=actor, from_status=req.status)
    return req


def _administration() -> list[User]:
    return list(User.objects.filter(role=Role.ADMINISTRATION, is_active=True))


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
        recipients=_administration(),
        template="request_submitted",
        context={"req": req, "again": again},
        concerns=req,
        url=reverse("triage_detail", args=[req.pk]),
    )
    return req


@transaction.atomic
def request_withdraw(*, actor: User, request_id: int, reason: str = "") -> InterventionRequest:
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
            recipients=_administration(),
            template="request_withdrawn",
            context={"req": req},
            concerns=req,
        )
    return req


@transaction.atomic
def request_ask_info(*, actor: User, request_id: int, question: str) -> InterventionRequest:
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
    capacity = selectors.free_capacity(
        [c.pedagogist for c in choices], start=req.wished_start, end=req.wished_end
    )
    warnings = []
    for choice in choices:
        name = choice.pedagogist.user.name
        if choice.pedagogist.pk not in fixed:
            warnings.append(
                _("%(name)s is not the institution's permanently attached pedagogist.")
                % {"name": name}
            )
        left = capacity[choice.pedagogist.pk] - choice.weekly_hours
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
    req = _lock_request(request_id)
    _require(
        req,
        (RequestStatus.SUBMITTED,),
        _("The request is %(status)s and cannot be accepted."),
        target=RequestStatus.ACCEPTED,
    )
    if not choices:
        raise ValidationError({"pedagogists": _("Choose at least one pedagogist.")})
    # Lock the pedagogists so two acceptances at once cannot both use the same free hours.
    list(Pedagogist.objects.select_for_update().filter(pk__in=[c.pedagogist.pk for c in choices]))
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
    Allocation.objects.bulk_create(allocations)
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


# --- Samarbejdsaftale ----------------------------------------------------------------------------

TEXT_FIELDS = ("background", "participants", "leadership_commitment")


def canonical_content(content: dict) -> str:
    """The content as one stable text: the same content always gives the same bytes."""
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def content_hash(content: dict) -> str:
    return hashlib.sha256(canonical_content(content).encode("utf-8")).hexdigest()


def version_hash(*, agreement_id: int, number: int, content: dict) -> str:
    """The SHA-256 a version is signed and verified by: its content together with which
    agreement and which version it is, so two versions never share a hash."""
    return content_hash({"agreement": agreement_id, "version": number, "content": content})


def _pedagogists_of(req: InterventionRequest) -> list[Pedagogist]:
    return [a.pedagogist for a in req.allocations.select_related("pedagogist__user")]


def agreement_content_from_request(req: InterventionRequest) -> dict:
    """A first draft from the accepted request and the triage (hours, pedagogists)."""
    allocations = list(req.allocations.select_related("pedagogist__user"))
    hours = max((a.weekly_hours for a in allocations), default=Decimal("0"))
    weeks = req.wished_weeks
    start, end = req.wished_start, req.wished_end
    midway = (
        start + timedelta(weeks=weeks // 2)
        if weeks >= settings.AGREEMENT_MIDWAY_MIN_WEEKS
        else None
    )
    return {
        "institution": req.institution.name,
        "group": req.group.name if req.group else "",
        "background": req.need,
        "goals": [
            {"text": "", "focus_level": level.level, "indicator": ""}
            for level in req.focus_levels.all()[:1]
        ],
        "methods": [Method.CO_PRACTICE.value],
        "practice_roles": [PracticeRole.BESIDE.value],
        "participants": req.contact_name,
        "pedagogists": [
            {"id": a.pedagogist_id, "name": a.pedagogist.user.name} for a in allocations
        ],
        "days_per_week": max(1, len(req.wished_weekdays)),
        "hours_per_week": str(hours),
        "weekdays": sorted(req.wished_weekdays),
        "time_from": req.wished_time_from.strftime("%H:%M") if req.wished_time_from else "",
        "time_to": req.wished_time_to.strftime("%H:%M") if req.wished_time_to else "",
        "starts_on": start.isoformat(),
        "ends_on": end.isoformat(),
        "midway_evaluation_on": midway.isoformat() if midway else None,
        "final_evaluation_on": end.isoformat(),
        "leadership_commitment": "",
        "parent_meetings": False,
    }


def agreement_content_validate(content: dict, req: InterventionRequest) -> None:
    """The rules a version must keep, whoever writes it. Danish messages, per field."""
    errors: dict[str, list[str]] = {}

    def error(field, message):
        errors.setdefault(field, []).append(message)

    for field in TEXT_FIELDS:
        try:
            validate_no_cpr(content.get(field, ""))
        except ValidationError as exc:
            error(field, exc.messages[0])
    for goal in content.get("goals", []):
        try:
            validate_no_cpr(goal.get("text", "") + " " + goal.get("indicator", ""))
        except ValidationError as exc:
            error("goals", exc.messages[0])
    if not [g for g in content.get("goals", []) if g.get("text", "").strip()]:
        error("goals", _("Write at least one goal."))
    if not content.get("methods"):
        error("methods", _("Choose at least one method."))
    start = date.fromisoformat(content["starts_on"])
    end = date.fromisoformat(content["ends_on"])
    today = timezone.localdate()
    if not today - timedelta(days=730) <= start <= today + timedelta(days=730):
        error("starts_on", _("The start must lie within two years from today."))
        raise ValidationError(errors)
    if end < start:
        error("ends_on", _("The end cannot be before the start."))
    elif end > start + timedelta(days=730):
        error("ends_on", _("An agreement can run for at most two years; adjust it to go on."))
        raise ValidationError(errors)
    final = content.get("final_evaluation_on")
    if not final:
        error("final_evaluation_on", _("A final evaluation date is required."))
    elif not start <= date.fromisoformat(final) <= end + timedelta(weeks=4):
        error(
            "final_evaluation_on", _("The final evaluation must lie in the period or just after.")
        )
    midway = content.get("midway_evaluation_on")
    if midway and not start <= date.fromisoformat(midway) <= end:
        error("midway_evaluation_on", _("The midway evaluation must lie in the period."))
    hours = Decimal(content["hours_per_week"])
    if hours <= 0:
        error("hours_per_week", _("Hours a week must be more than 0."))
    for pedagogist in _pedagogists_of(req):
        if hours > pedagogist.weekly_hours:
            error(
                "hours_per_week",
                _("%(name)s has %(hours)s contracted hours a week; the agreement asks more.")
                % {"name": pedagogist.user.name, "hours": format_decimal(pedagogist.weekly_hours)},
            )
    if errors:
        raise ValidationError(errors)


def _lock_version(version_id: int) -> AgreementVersion:
    return (
        AgreementVersion.objects.select_for_update(of=("self",))
        .select_related("agreement__request__institution", "agreement__request__group")
        .get(pk=version_id)
    )


def _version_event(version, kind, actor, message=""):
    req = version.agreement.request
    return _event(req, kind=kind, actor=actor, from_status=req.status, message=message)


@transaction.atomic
def agreement_create(*, actor: User, request_id: int) -> Agreement:
    req = _lock_request(request_id)
    _require(
        req,
        (RequestStatus.ACCEPTED,),
        _("The request is %(status)s; an agreement needs an accepted request."),
    )
    if Agreement.objects.filter(request=req).exists():
        raise StateError(_("The request already has an agreement."))
    agreement = Agreement.objects.create(request=req, created_by=actor)
    AgreementVersion.objects.create(
        agreement=agreement, content=agreement_content_from_request(req), created_by=actor
    )
    _event(req, kind=EventKind.AGREEMENT_STARTED, actor=actor, from_status=req.status)
    return agreement


def frozen_message(version: AgreementVersion) -> str:
    if version.status == VersionStatus.SENT:
        return _(
            "This version is sent for signature and cannot be changed. To change it, decline "
            "to sign it (with a reason); it then becomes a draft again."
        )
    return _("This version is signed and cannot be changed. Make an adjustment instead.")


@transaction.atomic
def agreement_draft_update(
    *, actor: User, version_id: int, content: dict, expected_stamp: str = ""
) -> AgreementVersion:
    """Save a draft. `expected_stamp` is the draft's updated_at when the editor opened it: if
    someone else has saved since, nothing is overwritten."""
    version = _lock_version(version_id)
    if version.status != VersionStatus.DRAFT:
        raise StateError(frozen_message(version))
    if expected_stamp and version.updated_at.isoformat() != expected_stamp:
        raise StateError(
            _(
                "Someone else has saved the draft since you opened it, so your changes are not "
                "saved. Copy what you wrote, open the draft again and add it there."
            )
        )
    agreement_content_validate(content, version.agreement.request)
    version.content = content
    version.save(update_fields=["content", "updated_at"])
    return version


def signer_slots(version: AgreementVersion) -> list[tuple[str, SignerRole, str]]:
    """(slot, role, who) for every signature the version needs."""
    slots: list[tuple[str, SignerRole, str]] = [
        ("leader", SignerRole.LEADER, str(_("The institution's leader")))
    ]
    for pedagogist in version.content.get("pedagogists", []):
        slots.append((f"pedagogist:{pedagogist['id']}", SignerRole.PEDAGOGIST, pedagogist["name"]))
    if settings.AGREEMENT_ADMINISTRATION_SIGNS:
        slots.append(("administration", SignerRole.ADMINISTRATION, str(_("The administration"))))
    return slots


def _signers(version: AgreementVersion) -> list[User]:
    req = version.agreement.request
    leaders = list(
        User.objects.filter(
            role=Role.LEADER, is_active=True, memberships__institution=req.institution
        )
    )
    ids = [p["id"] for p in version.content.get("pedagogists", [])]
    pedagogists = [p.user for p in Pedagogist.objects.filter(pk__in=ids).select_related("user")]
    admins = _administration() if settings.AGREEMENT_ADMINISTRATION_SIGNS else []
    return leaders + pedagogists + admins


def missing_signers(version: AgreementVersion) -> list[User]:
    """The people who could still sign a slot nobody has signed (every leader of the
    institution while the leader's slot is open)."""
    signed = set(version.signatures.values_list("slot", flat=True))
    leader_of = {version.agreement.request.institution_id}
    missing = []
    for user in _signers(version):
        slot = slot_for(user, version, leader_of=leader_of if user.role == Role.LEADER else None)
        if slot is not None and slot[0] not in signed:
            missing.append(user)
    return missing


def _parties(version: AgreementVersion) -> list[User]:
    return list({u.pk: u for u in _signers(version) + _administration()}.values())


def slot_for(
    user: User, version: AgreementVersion, *, leader_of: set[int] | None = None
) -> tuple[str, str] | None:
    """The place this person signs in, if any. `leader_of` (the ids of the institutions the
    person leads) saves a query per version when many are checked."""
    req = version.agreement.request
    if user.role == Role.LEADER:
        if leader_of is None:
            leader_of = set(user.memberships.values_list("institution_id", flat=True))
        return ("leader", SignerRole.LEADER) if req.institution_id in leader_of else None
    if user.role == Role.PEDAGOGIST and hasattr(user, "pedagogist"):
        ids = {p["id"] for p in version.content.get("pedagogists", [])}
        if user.pedagogist.pk in ids:
            return f"pedagogist:{user.pedagogist.pk}", SignerRole.PEDAGOGIST
    if settings.AGREEMENT_ADMINISTRATION_SIGNS and access.is_administration(user):
        return "administration", SignerRole.ADMINISTRATION
    return None


@transaction.atomic
def agreement_send_for_signature(*, actor: User, version_id: int) -> AgreementVersion:
    version = _lock_version(version_id)
    if version.status != VersionStatus.DRAFT:
        raise StateError(_("Only a draft can be sent for signature."))
    agreement_content_validate(version.content, version.agreement.request)
    last = version.agreement.versions.exclude(number=None).aggregate(n=Max("number"))["n"] or 0
    version.number = last + 1
    version.status = VersionStatus.SENT
    version.content_hash = version_hash(
        agreement_id=version.agreement_id, number=version.number, content=version.content
    )
    version.starts_on = date.fromisoformat(version.content["starts_on"])
    version.ends_on = date.fromisoformat(version.content["ends_on"])
    version.hours_per_week = Decimal(version.content["hours_per_week"])
    version.sent_at = timezone.now()
    version.save(
        update_fields=[
            "number",
            "status",
            "content_hash",
            "starts_on",
            "ends_on",
            "hours_per_week",
            "sent_at",
            "updated_at",
        ]
    )
    _version_event(
        version, EventKind.AGREEMENT_SENT, actor, _("Version %(n)s.") % {"n": version.number}
    )
    notification_queue_many(
        recipients=_signers(version),
        template="agreement_sent",
        context={"version": version, "req": version.agreement.request},
        concerns=version,
    )
    return version


@transaction.atomic
def agreement_sign(*, actor: User, version_id: int, password: str) -> Signature:
    """Sign with the password entered again. Two people signing at once both count, once each:
    the version row is locked, so they sign one after the other."""
    if not actor.check_password(password):
        raise ValidationError({"password": _("The password is not correct.")})
    version = _lock_version(version_id)
    if version.status == VersionStatus.DRAFT:
        raise StateError(_("This version is a draft; it cannot be signed until it is sent."))
    if version.status in (VersionStatus.IN_FORCE, VersionStatus.SUPERSEDED):
        raise StateError(_("This version is already signed by everyone; there is nothing to sign."))
    mine = slot_for(actor, version)
    if mine is None:
        raise StateError(_("You are not among those who sign this agreement."))
    slot, role = mine
    if version.signatures.filter(slot=slot).exists():
        raise StateError(_("This version has already been signed in your place."))
    signature = Signature.objects.create(
        version=version, slot=slot, role=role, user=actor, content_hash=version.content_hash
    )
    _version_event(
        version,
        EventKind.AGREEMENT_SIGNED,
        actor,
        _("Version %(n)s signed as %(role)s.")
        % {"n": version.number, "role": signature.get_role_display().lower()},
    )
    needed = {s for s, _role, _who in signer_slots(version)}
    # Only signatures of exactly this content count.
    signed = set(
        version.signatures.filter(content_hash=version.content_hash).values_list("slot", flat=True)
    )
    if needed <= signed:
        _agreement_put_in_force(version, actor)
    return signature


PLAN_KEYS = ("weekdays", "time_from", "time_to")


def _plan(version: AgreementVersion) -> tuple:
    """The weekdays and times of day the course runs on, as the agreement says."""
    return tuple(
        sorted(version.content.get(key) or [])
        if key == "weekdays"
        else (version.content.get(key) or "")
        for key in PLAN_KEYS
    )


def _notify_plan_changed(previous: AgreementVersion, version: AgreementVersion) -> None:
    """The institution's leaders hear at once when the course's weekdays or times change."""
    req = version.agreement.request
    leaders = User.objects.filter(
        role=Role.LEADER, is_active=True, memberships__institution=req.institution
    ).distinct()
    notification_queue_many(
        recipients=list(leaders),
        template="course_plan_changed",
        kind=NotificationKind.COURSE_PLAN_CHANGED,
        context={
            "req": req,
            "version": version,
            "before": _plan_text(previous),
            "after": _plan_text(version),
        },
        concerns=version,
        dedupe_key=f"course-plan-changed:{version.pk}",
    )


def _plan_text(version: AgreementVersion) -> str:
    weekdays, time_from, time_to = _plan(version)
    names = [str(Weekday(day).label).lower() for day in weekdays]
    days = ", ".join(names) if names else _("no fixed weekdays")
    if time_from and time_to:
        return _("%(days)s, %(start)s-%(end)s") % {"days": days, "start": time_from, "end": time_to}
    return days


def _agreement_put_in_force(version: AgreementVersion, actor: User) -> None:
    now = timezone.now()
    previous = (
        AgreementVersion.objects.select_for_update(of=("self",))
        .filter(agreement=version.agreement, status=VersionStatus.IN_FORCE)
        .first()
    )
    if previous is not None:
        previous.status = VersionStatus.SUPERSEDED
        previous.superseded_at = now
        previous.save(update_fields=["status", "superseded_at", "updated_at"])
    version.status = VersionStatus.IN_FORCE
    version.in_force_at = now
    version.save(update_fields=["status", "in_force_at", "updated_at"])
    _version_event(
        version, EventKind.AGREEMENT_IN_FORCE, actor, _("Version %(n)s.") % {"n": version.number}
    )
    hooks.agreement_in_force(version=version, actor=actor)
    if previous is not None and _plan(previous) != _plan(version):
        _notify_plan_changed(previous, version)
    pdf_bytes = pdf.agreement_pdf(version)
    notification_queue_many(
        recipients=_parties(version),
        template="agreement_in_force",
        context={"version": version, "req": version.agreement.request, "previous": previous},
        concerns=version,
        attachment=EmailAttachment(
            name=f"samarbejdsaftale-{version.agreement.request_id}-v{version.number}.pdf",
            mimetype="application/pdf",
            content=pdf_bytes,
        ),
    )


@transaction.atomic
def agreement_decline(*, actor: User, version_id: int, reason: str) -> AgreementVersion:
    version = _lock_version(version_id)
    if version.status != VersionStatus.SENT:
        raise StateError(_("Only a version sent for signature can be declined."))
    if slot_for(actor, version) is None:
        raise StateError(_("You are not among those who sign this agreement."))
    if not reason.strip():
        raise ValidationError({"reason": _("Write why you decline to sign.")})
    validate_no_cpr(reason)
    number = version.number
    version.signatures.all().delete()
    version.status = VersionStatus.DRAFT
    version.number = None
    version.content_hash = ""
    version.sent_at = None
    version.save(update_fields=["status", "number", "content_hash", "sent_at", "updated_at"])
    _version_event(
        version,
        EventKind.AGREEMENT_DECLINED,
        actor,
        _("Version %(n)s declined: %(reason)s") % {"n": number, "reason": reason},
    )
    notification_queue_many(
        recipients=[u for u in _parties(version) if u.pk != actor.pk],
        template="agreement_declined",
        context={
            "version": version,
            "req": version.agreement.request,
            "reason": reason,
            "by": actor,
        },
        concerns=version,
    )
    return version


@transaction.atomic
def agreement_adjust(*, actor: User, agreement_id: int) -> AgreementVersion:
    """Justering: a new draft from the version in force; signed, it supersedes the old one."""
    agreement = Agreement.objects.select_for_update().get(pk=agreement_id)
    if agreement.versions.filter(status__in=[VersionStatus.DRAFT, VersionStatus.SENT]).exists():
        raise StateError(_("A version is already being worked on. Finish or decline it first."))
    current = agreement.versions.filter(status=VersionStatus.IN_FORCE).first()
    if current is None:
        raise StateError(_("Only an agreement in force can be adjusted."))
    draft = AgreementVersion.objects.create(
        agreement=agreement, content=dict(current.content), created_by=actor
    )
    _version_event(draft, EventKind.AGREEMENT_ADJUSTING, actor)
    return draft
