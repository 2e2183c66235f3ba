"""The organisation's part of an access request: the person, where they belong, the messages
sent to them and the access-log rows about them. Registered from InstitutionerConfig.ready()."""

from django.utils.translation import gettext_lazy as _

from institutioner.accesslog.selectors import (
    also_shown_labels,
    object_label,
    page_text,
    query_text,
)
from institutioner.accessrequests.sections import Section, register
from institutioner.models import (
    AccessLogEntry,
    Assignment,
    Membership,
    Notification,
    NotificationOptOut,
    Pedagogist,
    User,
)

CHUNK = 1000


def _profile(person: User):
    yield {
        "id": person.pk,
        "name": person.name,
        "email": person.email,
        "phone": person.phone,
        "role": str(person.get_role_display()),
        "active": person.is_active,
        "created": person.date_joined,
        "last_login": person.last_login,
    }


def _pedagogist(person: User):
    for pedagogist in Pedagogist.objects.filter(user=person).prefetch_related("competences"):
        yield {
            "title": str(pedagogist.get_title_display()),
            "weekly_hours": pedagogist.weekly_hours,
            "competences": [competence.name for competence in pedagogist.competences.all()],
        }


def _memberships(person: User):
    memberships = Membership.objects.filter(user=person).select_related("institution__district")
    for membership in memberships.order_by("institution__name"):
        yield {
            "institution": membership.institution.name,
            "district": membership.institution.district.name,
        }


def _assignments(person: User):
    assignments = Assignment.objects.filter(pedagogist__user=person).select_related("institution")
    for assignment in assignments.order_by("valid_from"):
        yield {
            "institution": assignment.institution.name,
            "function": str(assignment.get_function_display()),
            "share": assignment.share,
            "from": assignment.valid_from,
            "to": assignment.valid_to,
        }


def _notifications(person: User):
    notifications = Notification.objects.filter(recipient=person).order_by("created_at", "pk")
    for note in notifications.iterator(chunk_size=CHUNK):
        yield {
            "created": note.created_at,
            "kind": str(note.get_kind_display()),
            "email": note.email,
            "subject": note.subject,
            "text": note.body_text,
            "status": str(note.get_status_display()),
            "sent": note.sent_at,
            "read": note.read_at,
        }


def _opt_outs(person: User):
    for opt_out in NotificationOptOut.objects.filter(user=person).order_by("kind"):
        yield {"kind": str(opt_out.get_kind_display()), "since": opt_out.created_at}


def _object(row) -> str:
    """ "Anmodning om indsats nr. 1", as the log's page names it; a row about no single object
    (a search, an export) says what it was: "Søgning i opslagsloggen"."""
    return object_label(row) or page_text(row)


def _looked_up(person: User):
    """Who looked at the person's things: the looker's name and role belong to the answer (the
    person has a right to know who looked), their e-mail and address do not, nor the other
    applications a visitation meeting's board showed beside the person's (other people's cases;
    the row names the meeting)."""
    rows = AccessLogEntry.objects.concerning(person.pk).select_related("user")
    for row in rows.order_by("at", "pk").iterator(chunk_size=CHUNK):
        yield {
            "time": row.at,
            "by": row.user.name if row.user else "",
            "by_role": str(row.user.get_role_display()) if row.user else "",
            "action": str(row.get_action_display()),
            "page": page_text(row),
            "object": _object(row),
            "filters": query_text(row.query),
        }


def _own_look_ups(person: User):
    """What the person looked at, with the other objects the page showed (the applications on a
    visitation meeting's board); whom those pages concerned is left out (other people)."""
    rows = AccessLogEntry.objects.filter(user=person).order_by("at", "pk")
    for row in rows.iterator(chunk_size=CHUNK):
        yield {
            "time": row.at,
            "action": str(row.get_action_display()),
            "page": page_text(row),
            "object": _object(row),
            "also_shown": "; ".join(also_shown_labels(row)),
            "filters": query_text(row.query),
            "address": row.client_address,
        }


register(
    Section(
        key="profile",
        title=_("Profile"),
        columns=(
            ("id", _("Number")),
            ("name", _("Name")),
            ("email", _("E-mail")),
            ("phone", _("Phone")),
            ("role", _("Role")),
            ("active", _("Active")),
            ("created", _("Created")),
            ("last_login", _("Last login")),
        ),
        rows=_profile,
        count=lambda person: 1,
        order=10,
    ),
    Section(
        key="pedagogist",
        title=_("As a pedagogist"),
        columns=(
            ("title", _("Title")),
            ("weekly_hours", _("Weekly contracted hours")),
            ("competences", _("Competences")),
        ),
        rows=_pedagogist,
        count=lambda person: Pedagogist.objects.filter(user=person).count(),
        order=11,
    ),
    Section(
        key="memberships",
        title=_("Institutions"),
        columns=(("institution", _("Institution")), ("district", _("District"))),
        rows=_memberships,
        count=lambda person: Membership.objects.filter(user=person).count(),
        order=12,
    ),
    Section(
        key="assignments",
        title=_("Permanent attachments"),
        columns=(
            ("institution", _("Institution")),
            ("function", _("Function")),
            ("share", _("Share (%)")),
            ("from", _("From")),
            ("to", _("To")),
        ),
        rows=_assignments,
        count=lambda person: Assignment.objects.filter(pedagogist__user=person).count(),
        order=13,
    ),
    Section(
        key="notifications",
        title=_("Notifications sent to the person"),
        columns=(
            ("created", _("Created")),
            ("kind", _("Kind")),
            ("email", _("E-mail")),
            ("subject", _("Subject")),
            ("text", _("Text")),
            ("status", _("Status")),
            ("sent", _("Sent")),
            ("read", _("Read")),
        ),
        rows=_notifications,
        count=lambda person: Notification.objects.filter(recipient=person).count(),
        order=80,
    ),
    Section(
        key="email_settings",
        title=_("E-mails switched off"),
        columns=(("kind", _("Kind")), ("since", _("Since"))),
        rows=_opt_outs,
        count=lambda person: NotificationOptOut.objects.filter(user=person).count(),
        order=81,
    ),
    Section(
        key="access_log",
        title=_("Who has looked at the person's data"),
        columns=(
            ("time", _("Time")),
            ("by", _("Looked up by")),
            ("by_role", _("Role")),
            ("action", _("Action")),
            ("page", _("Page")),
            ("object", _("Object")),
            ("filters", _("Search terms and filters")),
        ),
        rows=_looked_up,
        count=lambda person: AccessLogEntry.objects.concerning(person.pk).count(),
        order=90,
    ),
    Section(
        key="own_look_ups",
        title=_("The person's own look-ups"),
        columns=(
            ("time", _("Time")),
            ("action", _("Action")),
            ("page", _("Page")),
            ("object", _("Object")),
            ("also_shown", _("Also shown")),
            ("filters", _("Search terms and filters")),
            ("address", _("Client address")),
        ),
        rows=_own_look_ups,
        count=lambda person: AccessLogEntry.objects.filter(user=person).count(),
        order=91,
    ),
)
