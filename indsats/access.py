"""Who may see which requests and meetings, built on institutioner.access's scopes.

Outside a person's scope everything answers 404.
"""

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import pgettext_lazy

from indsats.models import (
    Agreement,
    AgreementVersion,
    Allocation,
    FocusLevel,
    IntakeMeeting,
    InterventionRequest,
    InterventionRequestQuerySet,
    MeetingStatus,
    RequestStatus,
    SupportApplication,
    SupportApplicationQuerySet,
    SupportDocument,
    SupportKind,
    SupportStatus,
    VisitationMeeting,
)
from institutioner import access
from institutioner.accesslog import rules as log
from institutioner.models import User


def requests_for(user: User) -> InterventionRequestQuerySet:
    """Administration: every request that has been submitted (drafts stay the leader's own).
    Leader: their institutions' requests. Staff: those, but not drafts. Pedagogist: the
    requests they are assigned to or invited to a meeting about."""
    qs = InterventionRequest.objects.all()
    if not user.is_authenticated or not user.is_active:
        return qs.none()
    if access.is_administration(user):
        return qs.exclude(status=RequestStatus.DRAFT)
    if access.is_leader(user):
        return qs.filter(institution__in=access.institutions_for(user))
    if access.is_staff_member(user):
        return qs.filter(institution__in=access.institutions_for(user)).exclude(
            status=RequestStatus.DRAFT
        )
    if access.is_pedagogist(user):
        # Two subqueries rather than joins: no DISTINCT, and the database reads the person's
        # own allocations and meetings instead of joining every request to every allocation.
        allocated = Allocation.objects.filter(pedagogist__user=user).values("request_id")
        invited = IntakeMeeting.objects.filter(
            participants=user, status=MeetingStatus.PLANNED
        ).values("request_id")
        return qs.filter(Q(pk__in=allocated) | Q(pk__in=invited))
    return qs.none()


def get_request_for(user: User, pk) -> InterventionRequest:
    try:
        return requests_for(user).select_related("institution__district", "group").get(pk=pk)
    except InterventionRequest.DoesNotExist:
        raise Http404 from None


def can_create_request(user: User) -> bool:
    """A leader requests interventions for their own institutions (the form offers only those)."""
    return access.is_leader(user)


def follows_requests(user: User) -> bool:
    """The institution's leaders and staff follow their requests on the start page."""
    return access.is_leader(user) or access.is_staff_member(user)


def get_request_for_leader(user: User, pk) -> InterventionRequest:
    """Changing, submitting and withdrawing are for the leaders of the institution."""
    if not can_create_request(user):
        raise Http404
    return get_request_for(user, pk)


def can_change_request(user: User, req: InterventionRequest) -> bool:
    """Changing and submitting: the institution's leaders, while the request is editable."""
    return can_create_request(user) and req.is_editable


def can_withdraw_request(user: User, req: InterventionRequest) -> bool:
    return can_create_request(user) and req.status in (
        RequestStatus.DRAFT,
        RequestStatus.SUBMITTED,
        RequestStatus.NEEDS_INFO,
    )


# A withdrawn or rejected request can be started again: copied into a new draft (the leader
# withdrew it by mistake, or tries again later). Not one that retention has emptied.
COPYABLE_STATUSES = (RequestStatus.WITHDRAWN, RequestStatus.REJECTED)


def can_copy_request(user: User, req: InterventionRequest) -> bool:
    """Copying into a new draft: the institution's leaders (as making a request), from a
    withdrawn or rejected request whose text retention has not removed."""
    return (
        can_create_request(user) and req.status in COPYABLE_STATUSES and req.anonymised_at is None
    )


def assigned_requests_for(user: User) -> QuerySet[InterventionRequest]:
    """The requests a pedagogist is assigned to (their interventions); none for anyone else."""
    if not access.is_pedagogist(user):
        return InterventionRequest.objects.none()
    return InterventionRequest.objects.filter(allocations__pedagogist__user=user)


def can_triage(user: User) -> bool:
    return access.is_administration(user)


def get_request_for_triage(user: User, pk) -> InterventionRequest:
    if not can_triage(user):
        raise Http404
    return get_request_for(user, pk)


def meetings_for(user: User) -> QuerySet[IntakeMeeting]:
    qs = IntakeMeeting.objects.all()
    if not user.is_authenticated or not user.is_active:
        return qs.none()
    if access.is_administration(user):
        return qs
    if follows_requests(user):
        return qs.filter(request__in=requests_for(user))
    return qs.filter(participants=user)


def get_meeting_for(user: User, pk) -> IntakeMeeting:
    try:
        return (
            meetings_for(user).select_related("request__institution", "request__group").get(pk=pk)
        )
    except IntakeMeeting.DoesNotExist:
        raise Http404 from None


def get_meeting_for_triage(user: User, pk) -> IntakeMeeting:
    if not can_triage(user):
        raise Http404
    return get_meeting_for(user, pk)


def agreements_for(user: User) -> QuerySet[Agreement]:
    """An agreement is seen by whoever sees its request (the institution's staff included)."""
    return Agreement.objects.filter(request__in=requests_for(user))


def get_agreement_for(user: User, pk) -> Agreement:
    try:
        return (
            agreements_for(user)
            .select_related("request__institution__district", "request__group")
            .get(pk=pk)
        )
    except Agreement.DoesNotExist:
        raise Http404 from None


def get_version_for(user: User, pk) -> AgreementVersion:
    try:
        return AgreementVersion.objects.select_related(
            "agreement__request__institution", "agreement__request__group"
        ).get(pk=pk, agreement__in=agreements_for(user))
    except AgreementVersion.DoesNotExist:
        raise Http404 from None


def can_edit_agreement(user: User, req: InterventionRequest) -> bool:
    """The administration and the assigned pedagogists write the agreement; leaders sign it."""
    if access.is_administration(user):
        return True
    return access.is_pedagogist(user) and req.allocations.filter(pedagogist__user=user).exists()


def may_sign_agreements(user: User) -> bool:
    """Leaders, pedagogists and the administration sign agreements (which place each signs in
    is `indsats.agreements.selectors.slot_for`)."""
    return access.is_leader(user) or access.is_pedagogist(user) or can_triage(user)


def can_see_agreement_history(user: User) -> bool:
    """The stored history of an agreement, its versions and assignments: the administration."""
    return access.can_see_history(user)


# --- Kompenserende støtte (child data) ------------------------------------------------------------


def works_with_support(user: User) -> bool:
    """The administration and the visitation role (småbørnskonsulent, committee members): they
    read every submitted support application, plan the visitation meetings and decide."""
    return access.is_administration(user) or access.is_consultant(user)


def support_applications_for(user: User) -> SupportApplicationQuerySet:
    """Administration and the visitation role: every application that has been submitted at
    some point (one never submitted stays the institution's own, whatever its status). Leader:
    their institutions' applications. A team pedagogist: only the cases they have been added
    to. Staff and everyone else: none."""
    qs = SupportApplication.objects.all()
    if not user.is_authenticated or not user.is_active:
        return qs.none()
    if works_with_support(user):
        return qs.filter(submitted_at__isnull=False)
    if access.is_leader(user):
        return qs.filter(institution__in=access.institutions_for(user))
    if access.is_pedagogist(user):
        return qs.filter(added_people=user, submitted_at__isnull=False)
    return qs.none()


def get_support_for(user: User, pk) -> SupportApplication:
    try:
        return (
            support_applications_for(user)
            .select_related("institution__district", "group", "created_by")
            .get(pk=pk)
        )
    except SupportApplication.DoesNotExist:
        raise Http404 from None


def can_apply_for_support(user: User) -> bool:
    """A leader applies for their own institutions, with the småbørnskonsulent."""
    return access.is_leader(user)


def follows_support(user: User) -> bool:
    """Who has a Kompenserende støtte page at all (the menu asks this)."""
    return works_with_support(user) or access.is_leader(user)


def get_support_for_leader(user: User, pk) -> SupportApplication:
    """The leader's own application, to change, submit, withdraw or answer; 404 for others."""
    if not can_apply_for_support(user):
        raise Http404
    return get_support_for(user, pk)


def support_documents_for(user: User) -> QuerySet[SupportDocument]:
    return SupportDocument.objects.filter(
        application__in=support_applications_for(user)
    ).select_related("application")


def get_support_document_for(user: User, pk) -> SupportDocument:
    try:
        return support_documents_for(user).get(pk=pk)
    except SupportDocument.DoesNotExist:
        raise Http404 from None


def can_plan_visitation(user: User) -> bool:
    """The administration plans the visitation meetings and their agendas."""
    return access.is_administration(user)


def can_decide_support(user: User) -> bool:
    """The administration and the committee's members decide at the meeting."""
    return works_with_support(user)


def visitation_meetings_for(user: User) -> QuerySet[VisitationMeeting]:
    if works_with_support(user):
        return VisitationMeeting.objects.all()
    return VisitationMeeting.objects.none()


def get_visitation_meeting_for(user: User, pk) -> VisitationMeeting:
    try:
        return visitation_meetings_for(user).get(pk=pk)
    except VisitationMeeting.DoesNotExist:
        raise Http404 from None


def sees_support_list(user: User) -> bool:
    """The support list: who follows support, and the pedagogists (their added cases)."""
    return follows_support(user) or access.is_pedagogist(user)


def can_change_support(user: User, application: SupportApplication) -> bool:
    """Changing and attaching: the institution's leaders, while the application is editable."""
    return can_apply_for_support(user) and application.is_editable


def can_submit_support(user: User, application: SupportApplication) -> bool:
    return can_apply_for_support(user) and application.status == SupportStatus.DRAFT


def can_answer_support(user: User, application: SupportApplication) -> bool:
    return can_apply_for_support(user) and application.status == SupportStatus.NEEDS_INFO


def can_withdraw_support(user: User, application: SupportApplication) -> bool:
    """Withdrawing is for a submitted application; a draft is deleted instead."""
    return can_apply_for_support(user) and application.status in (
        SupportStatus.SUBMITTED,
        SupportStatus.NEEDS_INFO,
    )


def can_delete_support_draft(user: User, application: SupportApplication) -> bool:
    return can_apply_for_support(user) and application.status == SupportStatus.DRAFT


def can_ask_support(user: User, application: SupportApplication) -> bool:
    """The administration and the visitation role ask the leader outside a meeting."""
    return works_with_support(user) and application.status == SupportStatus.SUBMITTED


def can_add_support_person(user: User) -> bool:
    """The administration adds a team pedagogist to a case."""
    return access.is_administration(user)


def get_support_for_team(user: User, pk) -> SupportApplication:
    """Asking the leader and adding people: the administration and the visitation role."""
    if not works_with_support(user):
        raise Http404
    return get_support_for(user, pk)


def sees_requests(user: User) -> bool:
    """The requests' menu entry: everyone but the visitation role, whose list would be empty."""
    return not access.is_consultant(user)


# --- The access log -------------------------------------------------------------------------------


def _request_people(req: InterventionRequest) -> list[int]:
    """A request concerns the leader who wrote it."""
    return [req.created_by_id]


def _agreement_people(agreement: Agreement) -> list[int]:
    """An agreement concerns the leader who asked for it and the pedagogists allocated to its
    request, who write and sign it: each finds the reads under "Hvem har set mine
    oplysninger". One query (the allocations), on the request's index."""
    pedagogists = Allocation.objects.filter(request_id=agreement.request_id).values_list(
        "pedagogist__user_id", flat=True
    )
    return [*_request_people(agreement.request), *sorted(set(pedagogists))]


def _support_people(application: SupportApplication) -> list[int]:
    """An application concerns the leader who wrote it (the child is no user of the system)."""
    return [application.created_by_id]


def _agenda_applications(meeting: VisitationMeeting) -> list[int]:
    """The applications whose child data a visitation meeting's board or file shows (the view
    sets `shown_items`, already loaded): the row is found by each of them."""
    return [item.application_id for item in getattr(meeting, "shown_items", [])]


# What the board, its PDFs and a decision letter show of the children: the log finds these reads
# under each support application too, not only under the meeting or the decision.
_AGENDA_SHOWN = {
    "also_shown_model": "indsats.SupportApplication",
    "also_shown": _agenda_applications,
}


def _agenda_people(meeting: VisitationMeeting) -> list[int]:
    """A visitation meeting's board concerns the authors of the applications it shows (the
    view sets `shown_items`, already loaded)."""
    return sorted({item.application.created_by_id for item in getattr(meeting, "shown_items", [])})


# The pages of requests, meetings and agreements that show personal data, and what their
# access-log rows say (institutioner/accesslog/rules.py); registered from IndsatsConfig.ready().
# Whom a row concerns is read from columns the page's access helper already joined: no query.
ACCESS_LOG = {
    "request_list": log.search(title=pgettext_lazy("access log page", "Requests")),
    "request_detail": log.view(
        "indsats.InterventionRequest",
        concerns=_request_people,
        title=pgettext_lazy("access log page", "Request"),
    ),
    "request_edit": log.view(
        "indsats.InterventionRequest", title=pgettext_lazy("access log page", "Editing a request")
    ),
    "triage_queue": log.search(title=pgettext_lazy("access log page", "Triage queue")),
    "triage_detail": log.view(
        "indsats.InterventionRequest",
        concerns=_request_people,
        title=pgettext_lazy("access log page", "Triage of a request"),
    ),
    "meeting_create": log.view(
        "indsats.InterventionRequest",
        title=pgettext_lazy("access log page", "Planning an intake meeting"),
    ),
    "meeting_edit": log.view(
        "indsats.IntakeMeeting", title=pgettext_lazy("access log page", "Moving an intake meeting")
    ),
    "meeting_ics": log.download(
        "indsats.IntakeMeeting",
        concerns=lambda meeting: _request_people(meeting.request),
        title=pgettext_lazy("access log page", "Intake meeting's calendar invitation"),
    ),
    "agreement_detail": log.view(
        "indsats.Agreement",
        concerns=_agreement_people,
        title=pgettext_lazy("access log page", "Collaboration agreement"),
    ),
    "agreement_diff": log.view(
        "indsats.Agreement",
        title=pgettext_lazy("access log page", "Agreement: changes between versions"),
    ),
    "agreement_history": log.view(
        "indsats.Agreement", title=pgettext_lazy("access log page", "Agreement's history")
    ),
    "agreement_edit": log.view(
        "indsats.AgreementVersion", title=pgettext_lazy("access log page", "Editing an agreement")
    ),
    # POST actions whose refusals show the request, triage or agreement page again.
    "request_withdraw": log.view(
        "indsats.InterventionRequest",
        concerns=_request_people,
        title=pgettext_lazy("access log page", "Withdrawing a request"),
    ),
    "triage_accept": log.view(
        "indsats.InterventionRequest",
        concerns=_request_people,
        title=pgettext_lazy("access log page", "Triage: accepting"),
    ),
    "triage_reject": log.view(
        "indsats.InterventionRequest",
        concerns=_request_people,
        title=pgettext_lazy("access log page", "Triage: rejecting"),
    ),
    "triage_ask_info": log.view(
        "indsats.InterventionRequest",
        concerns=_request_people,
        title=pgettext_lazy("access log page", "Triage: asking for more information"),
    ),
    "meeting_cancel": log.view(
        "indsats.IntakeMeeting",
        concerns=_request_people,
        title=pgettext_lazy("access log page", "Cancelling an intake meeting"),
    ),
    "agreement_sign": log.view(
        "indsats.AgreementVersion",
        concerns=_agreement_people,
        title=pgettext_lazy("access log page", "Signing an agreement"),
    ),
    "agreement_decline": log.view(
        "indsats.AgreementVersion",
        concerns=_agreement_people,
        title=pgettext_lazy("access log page", "Declining an agreement"),
    ),
    "agreement_pdf": log.download(
        "indsats.AgreementVersion",
        concerns=lambda version: _agreement_people(version.agreement),
        title=pgettext_lazy("access log page", "Agreement (PDF)"),
    ),
    # --- Kompenserende støtte: the applications (indsats/support/) ---
    # The list names each child on the page: the row is found by each application on it.
    "support_list": log.search(
        also_shown_model="indsats.SupportApplication",
        also_shown=lambda applications: [application.pk for application in applications],
        title=pgettext_lazy("access log page", "Support applications"),
    ),
    "support_detail": log.view(
        "indsats.SupportApplication",
        concerns=_support_people,
        title=pgettext_lazy("access log page", "Support application"),
    ),
    "support_edit": log.view(
        "indsats.SupportApplication",
        title=pgettext_lazy("access log page", "Editing a support application"),
    ),
    "support_document_create": log.view(
        "indsats.SupportApplication",
        title=pgettext_lazy("access log page", "Adding a document to a support application"),
    ),
    # POST actions whose errors show the case page again (with the child's data).
    "support_withdraw": log.view(
        "indsats.SupportApplication",
        concerns=_support_people,
        title=pgettext_lazy("access log page", "Withdrawing a support application"),
    ),
    "support_answer": log.view(
        "indsats.SupportApplication",
        concerns=_support_people,
        title=pgettext_lazy("access log page", "Answering about a support application"),
    ),
    "support_ask": log.view(
        "indsats.SupportApplication",
        concerns=_support_people,
        title=pgettext_lazy("access log page", "Asking about a support application"),
    ),
    "support_person_add": log.view(
        "indsats.SupportApplication",
        concerns=_support_people,
        title=pgettext_lazy("access log page", "Adding a person to a support application"),
    ),
    # The document is the child's data: the row names its application too, so the child's
    # access request and the search by the application find the download.
    "support_document_download": log.download(
        "indsats.SupportDocument",
        concerns=lambda document: _support_people(document.application),
        also_shown_model="indsats.SupportApplication",
        also_shown=lambda document: [document.application_id],
        title=pgettext_lazy("access log page", "Support application's document"),
    ),
    # --- indsats/supportmeetings/: the visitation meetings (the board and its files show the
    # child data of every application on the agenda; the rows name each application's author).
    "visitation_meeting_list": log.search(
        title=pgettext_lazy("access log page", "Visitation meetings")
    ),
    "visitation_meeting_detail": log.view(
        "indsats.VisitationMeeting",
        concerns=lambda meeting: _agenda_people(meeting),
        title=pgettext_lazy("access log page", "Visitation meeting"),
        **_AGENDA_SHOWN,
    ),
    "visitation_meeting_edit": log.view(
        "indsats.VisitationMeeting",
        title=pgettext_lazy("access log page", "Editing a visitation meeting"),
    ),
    # A decision or a cancel reason with errors shows the whole board again.
    "agenda_item_decide": log.view(
        "indsats.VisitationMeeting",
        concerns=lambda meeting: _agenda_people(meeting),
        title=pgettext_lazy("access log page", "Deciding an agenda item"),
        detail=pgettext_lazy("access log page", "agenda item no. %(item_id)s"),
        **_AGENDA_SHOWN,
    ),
    "visitation_meeting_cancel": log.view(
        "indsats.VisitationMeeting",
        concerns=lambda meeting: _agenda_people(meeting),
        title=pgettext_lazy("access log page", "Cancelling a visitation meeting"),
        **_AGENDA_SHOWN,
    ),
    "visitation_meeting_agenda_pdf": log.download(
        "indsats.VisitationMeeting",
        concerns=lambda meeting: _agenda_people(meeting),
        title=pgettext_lazy("access log page", "Visitation meeting's agenda (PDF)"),
        **_AGENDA_SHOWN,
    ),
    "visitation_meeting_minutes_pdf": log.download(
        "indsats.VisitationMeeting",
        concerns=lambda meeting: _agenda_people(meeting),
        title=pgettext_lazy("access log page", "Visitation meeting's minutes (PDF)"),
        **_AGENDA_SHOWN,
    ),
    "visitation_meeting_ics": log.download(
        "indsats.VisitationMeeting",
        title=pgettext_lazy("access log page", "Visitation meeting's calendar invitation"),
    ),
    "support_decision_letter": log.download(
        "indsats.SupportDecision",
        concerns=lambda decision: [decision.application.created_by_id],
        also_shown_model="indsats.SupportApplication",
        also_shown=lambda decision: [decision.application_id],
        title=pgettext_lazy("access log page", "Decision letter (PDF)"),
    ),
}


# The Danish names of the filters the request, triage and support lists take (the access log).
ACCESS_LOG_QUERY_KEYS = {
    "status": log.QueryKey(
        pgettext_lazy("access log filter", "status"),
        {**dict(SupportStatus.choices), **dict(RequestStatus.choices)},
    ),
    "kind": log.QueryKey(
        pgettext_lazy("access log filter", "kind of application"), dict(SupportKind.choices)
    ),
    "focus_level": log.QueryKey(
        pgettext_lazy("access log filter", "focus level"), dict(FocusLevel.choices)
    ),
    "waiting_days": log.QueryKey(pgettext_lazy("access log filter", "waited at least (days)")),
    # An agenda item's number in the address of its decision or move page.
    "item_id": log.QueryKey(pgettext_lazy("access log filter", "agenda item"), number=True),
}
