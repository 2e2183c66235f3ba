"""The support applications' part of an access request (indsigt), registered with the
organisation's registry (institutioner/accessrequests/sections.py) from IndsatsConfig.ready().

A person's applications are those they wrote, and as a leader those of the institutions they
lead. The child's data (name, birth date, needs, documents, the case's messages) is not the
leader's personal data and is left out: the leader sees it in the case itself.
"""

from functools import partial

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from indsats.models import (
    SupportApplication,
    SupportApplicationQuerySet,
    SupportDecision,
    SupportDocument,
    SupportEvent,
)
from institutioner import access
from institutioner.accesslog.selectors import page_text
from institutioner.accessrequests.sections import CHILD, Child, Section, register
from institutioner.models import AccessLogEntry, User

CHUNK = 1000


def applications_of(person: User) -> SupportApplicationQuerySet:
    mine = Q(created_by=person)
    if access.is_leader(person):
        mine |= Q(institution__memberships__user=person)
    return SupportApplication.objects.filter(
        pk__in=SupportApplication.objects.filter(mine).values("pk")
    )


def _applications(person: User):
    # The status as the pages show it ("Granted, ends on …" while an ending's support runs).
    rows = (
        applications_of(person)
        .select_related("institution", "group", "created_by")
        .with_ending_day()
    )
    for application in rows.order_by("created_at", "pk").iterator(chunk_size=CHUNK):
        yield {
            "id": application.pk,
            "kind": str(application.get_kind_display()),
            "institution": application.institution.name,
            "group": application.group.name if application.group else "",
            "status": str(application.status_label),
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


# --- About a child ----------------------------------------------------------------------------
# A custody holder may ask what is held about their child: the applications that name the child
# (by name, without regard to case, and birth date), with everything written about the child in
# them, the decisions, the documents (listed, and a copy of each), what happened, the agenda
# items and who has read them (the access log's rows about these applications).


def _same_name(name: str) -> str:
    return " ".join(name.split()).casefold()


def applications_about(child: Child) -> SupportApplicationQuerySet:
    """The applications that name the child: the birth date the same, and the name without
    regard to case and spaces (typed "Emil  Eksempel " in an application is Emil Eksempel).
    The birth date leaves a handful of applications, whose names are compared here."""
    name = _same_name(child.name)
    born = SupportApplication.objects.filter(child_birth_date=child.birth_date)
    ids = [pk for pk, typed in born.values_list("pk", "child_name") if _same_name(typed) == name]
    return SupportApplication.objects.filter(pk__in=ids)


def _about(model, child: Child) -> QuerySet:
    """The rows of `model` (decisions, documents, events) about the child's applications."""
    return model.objects.filter(application__in=applications_about(child))


def _child_applications(child: Child):
    rows = (
        applications_about(child)
        .select_related("institution", "group", "created_by")
        .with_ending_day()
    )
    for application in rows.order_by("created_at", "pk").iterator(chunk_size=CHUNK):
        yield {
            "id": application.pk,
            "kind": str(application.get_kind_display()),
            "child_name": application.child_name,
            "child_birth_date": application.child_birth_date,
            "institution": application.institution.name,
            "group": application.group.name if application.group else "",
            "everyday_needs": application.everyday_needs,
            "tried_already": application.tried_already,
            "hours_per_week": application.hours_per_week,
            "period_start": application.period_start,
            "period_end": application.period_end,
            "custody_consent": str(application.get_custody_consent_display()),
            "single_consent_reason": application.single_consent_reason,
            "status": str(application.status_label),
            "created_by": application.created_by.name,
            "created": application.created_at,
            "submitted": application.submitted_at,
            "decided": application.decided_at,
            "revisit_on": application.revisit_on,
        }


def _child_decisions(child: Child):
    rows = _about(SupportDecision, child)
    for decision in (
        rows.select_related("decided_by").order_by("decided_at", "pk").iterator(chunk_size=CHUNK)
    ):
        yield {
            "application": decision.application_id,
            "decided": decision.decided_at,
            "outcome": str(decision.get_outcome_display()),
            "hours_per_week": decision.hours_per_week,
            "period_start": decision.period_start,
            "period_end": decision.period_end,
            "revisit_on": decision.revisit_on,
            "reasons": decision.reasons,
            "decided_by": decision.decided_by.name if decision.decided_by else "",
        }


def document_path(document: SupportDocument) -> str:
    """Where a document's copy lies in the ZIP: by application, its number first (two
    documents may carry the same name), the name as uploaded without path separators."""
    name = document.name.replace("/", "_").replace("\\", "_").strip(". ") or "dokument"
    folder = gettext("documents")
    return f"{folder}/{document.application_id}/{document.pk}-{name}"


def _documents_about(child: Child) -> QuerySet[SupportDocument]:
    return _about(SupportDocument, child).order_by("uploaded_at", "pk")


def _child_documents(child: Child):
    rows = _documents_about(child).select_related("uploaded_by")
    for document in rows.iterator(chunk_size=CHUNK):
        yield {
            "application": document.application_id,
            "kind": str(document.get_kind_display()),
            "name": document.name,
            "size": document.size,
            "uploaded": document.uploaded_at,
            "uploaded_by": document.uploaded_by.name if document.uploaded_by else "",
            "file": document_path(document),
        }


def _child_document_files(child: Child):
    """The documents themselves, for the ZIP: the stored file of each, opened when copied."""
    for document in _documents_about(child).only("pk", "application_id", "name", "file"):
        yield document_path(document), partial(document.file.open, "rb")


def _child_events(child: Child):
    rows = _about(SupportEvent, child)
    for event in (
        rows.select_related("actor")
        .order_by("application_id", "created_at", "pk")
        .iterator(chunk_size=CHUNK)
    ):
        yield {
            "application": event.application_id,
            "time": event.created_at,
            "event": str(event.get_kind_display()),
            "message": event.message,
            "by": event.actor.name if event.actor else "",
        }


APPLICATION = "indsats.supportapplication"


def _child_reads(child: Child, ids: list[int] | None = None) -> QuerySet[AccessLogEntry]:
    """The access log's rows about the child's applications: each application's own page, and
    the pages that showed it beside their own object (a meeting's board, its PDFs, a letter)."""
    if ids is None:
        ids = list(applications_about(child).values_list("pk", flat=True))
    rows = AccessLogEntry.objects.none()
    for pk in ids:
        rows = rows | AccessLogEntry.objects.showing(APPLICATION, pk)
    return rows


def _child_access_log(child: Child):
    ids = list(applications_about(child).values_list("pk", flat=True))
    application_type = ContentType.objects.get_for_model(SupportApplication)
    rows = _child_reads(child, ids).select_related("user", "content_type")
    for entry in rows.order_by("at", "pk").iterator(chunk_size=CHUNK):
        shown = set((entry.also_shown or {}).get(APPLICATION, []))
        if entry.content_type_id == application_type.pk:
            shown.add(entry.object_id)
        yield {
            "applications": sorted(pk for pk in shown if pk in ids),
            "time": entry.at,
            "by": entry.user.name if entry.user else "",
            "action": str(entry.get_action_display()),
            "page": page_text(entry),
        }


register(
    Section(
        key="child_support_applications",
        title=_("Applications for compensatory support naming the child"),
        columns=(
            ("id", _("Number")),
            ("kind", _("Kind of application")),
            ("child_name", _("The child's name")),
            ("child_birth_date", _("The child's birth date")),
            ("institution", _("Institution")),
            ("group", _("Group")),
            ("everyday_needs", _("What the child needs help with in everyday life")),
            ("tried_already", _("What has been tried already")),
            ("hours_per_week", _("Hours a week")),
            ("period_start", _("From")),
            ("period_end", _("To")),
            ("custody_consent", _("Consent of the custody holders")),
            ("single_consent_reason", _("Why only one consent")),
            ("status", _("Status")),
            ("created_by", _("Created by")),
            ("created", _("Created")),
            ("submitted", _("Submitted")),
            ("decided", _("Decided")),
            ("revisit_on", _("Re-visitation")),
        ),
        rows=_child_applications,
        count=lambda child: applications_about(child).count(),
        order=10,
        about=CHILD,
    ),
    Section(
        key="child_support_decisions",
        title=_("The visitation committee's decisions"),
        columns=(
            ("application", _("Application")),
            ("decided", _("Decided")),
            ("outcome", _("Decision")),
            ("hours_per_week", _("Hours a week")),
            ("period_start", _("From")),
            ("period_end", _("To")),
            ("revisit_on", _("Re-visitation")),
            ("reasons", _("Reasons")),
            ("decided_by", _("Decided by")),
        ),
        rows=_child_decisions,
        count=lambda child: _about(SupportDecision, child).count(),
        order=11,
        about=CHILD,
    ),
    Section(
        key="child_support_documents",
        title=_("Documents attached to the applications"),
        columns=(
            ("application", _("Application")),
            ("kind", _("Document")),
            ("name", _("File name")),
            ("size", _("Size (bytes)")),
            ("uploaded", _("Uploaded")),
            ("uploaded_by", _("Uploaded by")),
            ("file", _("The document in this ZIP")),
        ),
        rows=_child_documents,
        count=lambda child: _about(SupportDocument, child).count(),
        order=12,
        about=CHILD,
        files=_child_document_files,
    ),
    Section(
        key="child_support_events",
        title=_("What happened to the applications"),
        columns=(
            ("application", _("Application")),
            ("time", _("Time")),
            ("event", _("Event")),
            ("message", _("Message")),
            ("by", _("By")),
        ),
        rows=_child_events,
        count=lambda child: _about(SupportEvent, child).count(),
        order=13,
        about=CHILD,
    ),
    Section(
        key="child_access_log",
        title=_("Who has read the applications"),
        columns=(
            ("applications", _("Applications")),
            ("time", _("Time")),
            ("by", _("By")),
            ("action", _("Action")),
            ("page", _("Page")),
        ),
        rows=_child_access_log,
        count=lambda child: _child_reads(child).count(),
        order=14,
        about=CHILD,
    ),
)
