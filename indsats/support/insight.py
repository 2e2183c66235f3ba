"""The support applications' part of an access request (indsigt), registered with the
organisation's registry (institutioner/accessrequests/sections.py) from IndsatsConfig.ready().

A person's applications are those they wrote, and as a leader those of the institutions they
lead. The child's data (name, birth date, needs, documents, the case's messages) is not the
leader's personal data and is left out: the leader sees it in the case itself.
"""

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from indsats.models import SupportApplication, SupportEvent
from institutioner import access
from institutioner.accessrequests.sections import Section, register
from institutioner.models import User

CHUNK = 1000


def applications_of(person: User) -> QuerySet[SupportApplication]:
    mine = Q(created_by=person)
    if access.is_leader(person):
        mine |= Q(institution__memberships__user=person)
    return SupportApplication.objects.filter(
        pk__in=SupportApplication.objects.filter(mine).values("pk")
    )


def _applications(person: User):
    rows = applications_of(person).select_related("institution", "group", "created_by")
    for application in rows.order_by("created_at", "pk").iterator(chunk_size=CHUNK):
        yield {
            "id": application.pk,
            "kind": str(application.get_kind_display()),
            "institution": application.institution.name,
            "group": application.group.name if application.group else "",
            "status": str(application.get_status_display()),
            "hours_per_week": application.hours_per_week,
            "period_start": application.period_start,
            "period_end": application.period_end,
            "created_by": application.created_by.name,
            "created": application.created_at,
            "submitted": application.submitted_at,
            "decided": application.decided_at,
        }


def _events(person: User):
    rows = SupportEvent.objects.filter(
        Q(actor=person) | Q(application__in=applications_of(person))
    ).select_related("actor")
    for event in rows.order_by("application_id", "created_at", "pk").iterator(chunk_size=CHUNK):
        yield {
            "application": event.application_id,
            "time": event.created_at,
            "event": str(event.get_kind_display()),
            "by": event.actor.name if event.actor else "",
        }


register(
    Section(
        key="support_applications",
        title=_("Applications for compensatory support"),
        columns=(
            ("id", _("Number")),
            ("kind", _("Kind of application")),
            ("institution", _("Institution")),
            ("group", _("Group")),
            ("status", _("Status")),
            ("hours_per_week", _("Hours a week")),
            ("period_start", _("From")),
            ("period_end", _("To")),
            ("created_by", _("Created by")),
            ("created", _("Created")),
            ("submitted", _("Submitted")),
            ("decided", _("Decided")),
        ),
        rows=_applications,
        count=lambda person: applications_of(person).count(),
        order=30,
    ),
    Section(
        key="support_events",
        title=_("What happened to the support applications"),
        columns=(
            ("application", _("Application")),
            ("time", _("Time")),
            ("event", _("Event")),
            ("by", _("By")),
        ),
        rows=_events,
        count=lambda person: SupportEvent.objects.filter(
            Q(actor=person) | Q(application__in=applications_of(person))
        ).count(),
        order=31,
    ),
)
