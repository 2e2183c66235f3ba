"""The requests' part of an access request (indsigt), registered with the organisation's
registry (institutioner/accessrequests/sections.py) from IndsatsConfig.ready().

A person's requests are those they wrote, and as a leader those of the institutions they lead.
Other people appear only by name where they acted in that case (who decided, who took part).
"""

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from indsats.models import Allocation, IntakeMeeting, InterventionRequest, RequestEvent
from institutioner import access
from institutioner.accessrequests.sections import Section, register
from institutioner.models import User

CHUNK = 1000


def requests_of(person: User) -> QuerySet[InterventionRequest]:
    """The requests the person wrote, or leads as a leader of their institution."""
    mine = Q(created_by=person)
    if access.is_leader(person):
        mine |= Q(institution__memberships__user=person)
    return InterventionRequest.objects.filter(
        pk__in=InterventionRequest.objects.filter(mine).values("pk")
    )


def _requests(person: User):
    rows = requests_of(person).select_related("institution", "group", "created_by")
    for req in rows.order_by("created_at", "pk").iterator(chunk_size=CHUNK):
        yield {
            "id": req.pk,
            "institution": req.institution.name,
            "group": req.group.name if req.group else "",
            "status": str(req.get_status_display()),
            "need": req.need,
            "tried_already": req.tried_already,
            "age_group": str(req.get_age_group_display()),
            "group_size": req.group_size,
            "wished_start": req.wished_start,
            "wished_weeks": req.wished_weeks,
            "wished_weekdays": req.weekday_labels,
            "wished_time_from": req.wished_time_from,
            "wished_time_to": req.wished_time_to,
            "contact_name": req.contact_name,
            "contact_phone": req.contact_phone,
            "contact_email": req.contact_email,
            "created_by": req.created_by.name,
            "created": req.created_at,
            "submitted": req.submitted_at,
            "decided": req.decided_at,
        }


def _events(person: User):
    rows = RequestEvent.objects.filter(request__in=requests_of(person)).select_related("actor")
    for event in rows.order_by("request_id", "created_at", "pk").iterator(chunk_size=CHUNK):
        yield {
            "request": event.request_id,
            "time": event.created_at,
            "event": str(event.get_kind_display()),
            "by": event.actor.name if event.actor else "",
            "message": event.message,
        }


def _allocations(person: User):
    rows = Allocation.objects.filter(pedagogist__user=person).select_related("request__institution")
    for allocation in rows.order_by("created_at", "pk").iterator(chunk_size=CHUNK):
        yield {
            "request": allocation.request_id,
            "institution": allocation.request.institution.name,
            "weekly_hours": allocation.weekly_hours,
            "reason": allocation.reason,
            "created": allocation.created_at,
        }


def _meetings(person: User):
    rows = IntakeMeeting.objects.filter(participants=person).select_related("request__institution")
    for meeting in rows.order_by("starts_at", "pk").iterator(chunk_size=CHUNK):
        yield {
            "request": meeting.request_id,
            "institution": meeting.request.institution.name,
            "starts": meeting.starts_at,
            "ends": meeting.ends_at,
            "place": meeting.place,
            "status": str(meeting.get_status_display()),
        }


register(
    Section(
        key="requests",
        title=_("Requests for intervention"),
        columns=(
            ("id", _("Number")),
            ("institution", _("Institution")),
            ("group", _("Group")),
            ("status", _("Status")),
            ("need", _("The need")),
            ("tried_already", _("What has been tried already")),
            ("age_group", _("Age of the children")),
            ("group_size", _("Number of children")),
            ("wished_start", _("Wished start")),
            ("wished_weeks", _("Wished length (weeks)")),
            ("wished_weekdays", _("Wished weekdays")),
            ("wished_time_from", _("From (time of day)")),
            ("wished_time_to", _("To (time of day)")),
            ("contact_name", _("Contact person")),
            ("contact_phone", _("Contact phone")),
            ("contact_email", _("Contact e-mail")),
            ("created_by", _("Created by")),
            ("created", _("Created")),
            ("submitted", _("Submitted")),
            ("decided", _("Decided")),
        ),
        rows=_requests,
        count=lambda person: requests_of(person).count(),
        order=20,
    ),
    Section(
        key="request_events",
        title=_("What happened to the requests"),
        columns=(
            ("request", _("Request")),
            ("time", _("Time")),
            ("event", _("Event")),
            ("by", _("By")),
            ("message", _("Message")),
        ),
        rows=_events,
        count=lambda person: RequestEvent.objects.filter(request__in=requests_of(person)).count(),
        order=21,
    ),
    Section(
        key="allocations",
        title=_("Requests the person was assigned to"),
        columns=(
            ("request", _("Request")),
            ("institution", _("Institution")),
            ("weekly_hours", _("Hours a week")),
            ("reason", _("Reason for the choice")),
            ("created", _("Created")),
        ),
        rows=_allocations,
        count=lambda person: Allocation.objects.filter(pedagogist__user=person).count(),
        order=22,
    ),
    Section(
        key="intake_meetings",
        title=_("Intake meetings the person took part in"),
        columns=(
            ("request", _("Request")),
            ("institution", _("Institution")),
            ("starts", _("Starts")),
            ("ends", _("Ends")),
            ("place", _("Place")),
            ("status", _("Status")),
        ),
        rows=_meetings,
        count=lambda person: IntakeMeeting.objects.filter(participants=person).count(),
        order=23,
    ),
)
