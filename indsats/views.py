from django.contrib import messages
from django.contrib.auth import authenticate
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from indsats import access, calendar, pdf, selectors, services
from indsats.filters import TriageFilter
from indsats.forms import (
    AcceptForm,
    AgreementForm,
    AskInfoForm,
    DeclineForm,
    GoalFormSet,
    MeetingForm,
    RejectForm,
    RequestForm,
    SignForm,
    WithdrawForm,
    agreement_content,
    agreement_initial,
)
from indsats.models import (
    Agreement,
    AgreementVersion,
    EventKind,
    MeetingStatus,
    RequestStatus,
    VersionStatus,
)
from institutioner.errors import StateError
from institutioner.models import Role


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


# --- The leader's requests ---------------------------------------------------------------------


@login_required
def request_list(request):
    requests = selectors.with_list_relations(access.requests_for(request.user)).order_by(
        "-created_at"
    )
    return render(
        request,
        "indsats/request_list.html",
        {"requests": requests, "can_create": request.user.role == Role.LEADER},
    )


@login_required
def request_create(request):
    if request.user.role != Role.LEADER:
        raise Http404
    form = RequestForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            req, created = services.request_create(
                actor=request.user,
                data=form.cleaned_data,
                client_token=form.cleaned_data["client_token"],
            )
        except StateError as error:
            messages.error(request, error.message)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            if created:
                messages.success(
                    request,
                    _("The request is saved as a draft. Submit it when it is ready."),
                )
            return redirect("request_detail", pk=req.pk)
    return render(request, "indsats/request_form.html", {"form": form, "req": None})


@login_required
def request_edit(request, pk: int):
    req = access.get_request_for_leader(request.user, pk)
    if not req.is_editable:
        messages.error(request, _("The request can no longer be changed."))
        return redirect("request_detail", pk=req.pk)
    form = RequestForm(request.POST or None, instance=req, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.request_update(actor=request.user, request_id=req.pk, data=form.cleaned_data)
        except StateError as error:
            # Shown above the form, which keeps what was typed (to copy elsewhere if needed).
            form.add_error(None, error.message)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Your changes are saved."))
            return redirect("request_detail", pk=req.pk)
    question = (
        req.events.filter(kind=EventKind.INFO_REQUESTED).order_by("-created_at").first()
        if req.status == RequestStatus.NEEDS_INFO
        else None
    )
    return render(
        request, "indsats/request_form.html", {"form": form, "req": req, "question": question}
    )


@login_required
def request_detail(request, pk: int):
    return _request_page(request, access.get_request_for(request.user, pk))


def _request_page(request, req, *, withdraw_form=None):
    user = request.user
    is_leader = user.role == Role.LEADER
    context = {
        "req": req,
        "events": req.events.select_related("actor"),
        "allocations": req.allocations.select_related("pedagogist__user"),
        "meetings": req.meetings.order_by("-starts_at").prefetch_related("participants"),
        "can_edit": is_leader and req.is_editable,
        "can_submit": is_leader and req.is_editable,
        "can_withdraw": is_leader
        and req.status in (RequestStatus.DRAFT, RequestStatus.SUBMITTED, RequestStatus.NEEDS_INFO),
        "can_triage": access.can_triage(user),
        "withdraw_form": withdraw_form or WithdrawForm(),
        "withdraw_open": withdraw_form is not None,
        "agreement": Agreement.objects.filter(request=req).first(),
        "can_start_agreement": req.status == RequestStatus.ACCEPTED
        and access.can_edit_agreement(user, req),
    }
    return render(request, "indsats/request_detail.html", context)


@require_POST
@login_required
def request_submit(request, pk: int):
    req = access.get_request_for_leader(request.user, pk)
    try:
        services.request_submit(actor=request.user, request_id=req.pk)
    except StateError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The request is submitted. The administration has been told."))
    return redirect("request_detail", pk=req.pk)


@require_POST
@login_required
def request_withdraw(request, pk: int):
    req = access.get_request_for_leader(request.user, pk)
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        return _request_page(request, req, withdraw_form=form)
    try:
        services.request_withdraw(
            actor=request.user, request_id=req.pk, reason=form.cleaned_data["reason"]
        )
    except StateError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The request is withdrawn."))
    return redirect("request_detail", pk=req.pk)


# --- Triage (the administration) ---------------------------------------------------------------


@login_required
def triage_queue(request):
    if not access.can_triage(request.user):
        raise Http404
    filterset = TriageFilter(request.GET, queryset=access.requests_for(request.user))
    rows = selectors.triage_rows(filterset.qs) if filterset.is_valid() else []
    return render(request, "indsats/triage_queue.html", {"filter": filterset, "rows": rows})


def _triage_page(request, req, **forms):
    fixed_ids = {a.pedagogist_id for a in selectors.fixed_assignments(req.institution)}
    accept_form = forms.get("accept_form") or AcceptForm(initial={"weekly_hours": "6"})
    if accept_form.is_bound:
        checked_ids = {int(v) for v in request.POST.getlist("pedagogists") if v.isdigit()}
    else:
        checked_ids = fixed_ids
    context = {
        "req": req,
        "capacity": selectors.capacity_by_pedagogist(req),
        "fixed_ids": fixed_ids,
        "checked_ids": checked_ids,
        "events": req.events.select_related("actor"),
        "allocations": req.allocations.select_related("pedagogist__user"),
        "meetings": req.meetings.order_by("-starts_at").prefetch_related("participants"),
        "accept_form": accept_form,
        "reject_form": forms.get("reject_form") or RejectForm(),
        "ask_form": forms.get("ask_form") or AskInfoForm(),
        "warnings": forms.get("warnings", []),
        "recent": selectors.recent_interventions(req),
        "can_decide": req.status == RequestStatus.SUBMITTED,
        "can_plan": req.status == RequestStatus.ACCEPTED
        and not req.meetings.filter(status=MeetingStatus.PLANNED).exists(),
    }
    return render(request, "indsats/triage_detail.html", context)


@login_required
def triage_detail(request, pk: int):
    req = access.get_request_for_triage(request.user, pk)
    return _triage_page(request, req)


@require_POST
@login_required
def triage_accept(request, pk: int):
    req = access.get_request_for_triage(request.user, pk)
    form = AcceptForm(request.POST)
    if form.is_valid():
        choices = [
            services.AllocationChoice(pedagogist=p, weekly_hours=form.cleaned_data["weekly_hours"])
            for p in form.cleaned_data["pedagogists"]
        ]
        try:
            services.request_accept(
                actor=request.user,
                request_id=req.pk,
                choices=choices,
                reason=form.cleaned_data["reason"],
            )
        except StateError as error:
            messages.error(request, error.message)
            return redirect("triage_detail", pk=req.pk)
        except services.AllocationNeedsReason as needs_reason:
            form.add_error("reason", _("Write a reason to go ahead with this choice."))
            return _triage_page(request, req, accept_form=form, warnings=needs_reason.warnings)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The request is accepted and the pedagogists are told."))
            return redirect("triage_detail", pk=req.pk)
    return _triage_page(request, req, accept_form=form)


def _triage_text_action(request, pk, *, form_class, form_key, field, action, done):
    """Reject and ask-for-information: one text, one service call, the page again on errors."""
    req = access.get_request_for_triage(request.user, pk)
    form = form_class(request.POST)
    if not form.is_valid():
        return _triage_page(request, req, **{form_key: form})
    try:
        action(actor=request.user, request_id=req.pk, **{field: form.cleaned_data[field]})
    except StateError as error:
        messages.error(request, error.message)
    except ValidationError as error:
        _add_errors(form, error)
        return _triage_page(request, req, **{form_key: form})
    else:
        messages.success(request, done)
    return redirect("triage_detail", pk=req.pk)


@require_POST
@login_required
def triage_reject(request, pk: int):
    return _triage_text_action(
        request,
        pk,
        form_class=RejectForm,
        form_key="reject_form",
        field="reason",
        action=services.request_reject,
        done=_("The request is rejected and the leader is told."),
    )


@require_POST
@login_required
def triage_ask_info(request, pk: int):
    return _triage_text_action(
        request,
        pk,
        form_class=AskInfoForm,
        form_key="ask_form",
        field="question",
        action=services.request_ask_info,
        done=_("The leader has been asked for more information."),
    )


# --- Intake meetings ---------------------------------------------------------------------------


@login_required
def meeting_create(request, pk: int):
    req = access.get_request_for_triage(request.user, pk)
    if req.status != RequestStatus.ACCEPTED:
        messages.error(request, _("An intake meeting needs an accepted request."))
        return redirect("triage_detail", pk=req.pk)
    if req.meetings.filter(status=MeetingStatus.PLANNED).exists():
        messages.error(request, _("An intake meeting is already planned. Move it instead."))
        return redirect("triage_detail", pk=req.pk)
    initial = {
        "place": req.institution.name,
        "participants": [req.created_by]
        + [a.pedagogist.user for a in req.allocations.select_related("pedagogist__user")],
    }
    return _meeting_form_page(
        request,
        req,
        None,
        initial,
        save=lambda fields: services.meeting_plan(actor=request.user, request_id=req.pk, **fields),
        done=_("The intake meeting is planned and the invitations sent."),
    )


def _meeting_form_page(request, req, meeting, initial, *, save, done):
    """Plan and move share the form: its fields go to the service, errors stay on the form."""
    form = MeetingForm(request.POST or None, req=req, initial=initial)
    if request.method == "POST" and form.is_valid():
        fields = {
            "starts_at": form.cleaned_data["starts_at"],
            "ends_at": form.cleaned_data["ends_at"],
            "place": form.cleaned_data["place"],
            "participants": list(form.cleaned_data["participants"]),
            "other_participants": form.cleaned_data["other_participants"],
        }
        try:
            save(fields)
        except StateError as error:
            messages.error(request, error.message)
            return redirect("triage_detail", pk=req.pk)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, done)
            return redirect("triage_detail", pk=req.pk)
    return render(
        request, "indsats/meeting_form.html", {"form": form, "req": req, "meeting": meeting}
    )


@login_required
def meeting_edit(request, pk: int):
    meeting = access.get_meeting_for_triage(request.user, pk)
    req = meeting.request
    if meeting.status != MeetingStatus.PLANNED:
        messages.error(request, _("The meeting is cancelled and cannot be moved. Plan a new one."))
        return redirect("triage_detail", pk=req.pk)

    start, end = timezone.localtime(meeting.starts_at), timezone.localtime(meeting.ends_at)
    initial = {
        "date": start.date(),
        "start": start.time(),
        "end": end.time(),
        "place": meeting.place,
        "participants": list(meeting.participants.all()),
        "other_participants": meeting.other_participants,
    }
    return _meeting_form_page(
        request,
        req,
        meeting,
        initial,
        save=lambda fields: services.meeting_move(
            actor=request.user, meeting_id=meeting.pk, **fields
        ),
        done=_("The meeting is moved and the participants are told."),
    )


@require_POST
@login_required
def meeting_cancel(request, pk: int):
    meeting = access.get_meeting_for_triage(request.user, pk)
    try:
        services.meeting_cancel(
            actor=request.user, meeting_id=meeting.pk, reason=request.POST.get("reason", "")[:500]
        )
    except StateError as error:
        messages.error(request, error.message)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The meeting is cancelled and the participants are told."))
    return redirect("triage_detail", pk=meeting.request_id)


@login_required
def meeting_ics(request, pk: int):
    meeting = access.get_meeting_for(request.user, pk)
    response = HttpResponse(
        calendar.meeting_ics(meeting), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="indsatsmoede-{meeting.pk}.ics"'
    return response


# --- Samarbejdsaftale ----------------------------------------------------------------------------


@require_POST
@login_required
def agreement_start(request, pk: int):
    req = access.get_request_for(request.user, pk)
    if not access.can_edit_agreement(request.user, req):
        raise Http404
    try:
        agreement = services.agreement_create(actor=request.user, request_id=req.pk)
    except StateError as error:
        messages.error(request, error.message)
        return redirect("request_detail", pk=req.pk)
    messages.success(request, _("A draft agreement has been made from the request. Fill it in."))
    return redirect("agreement_edit", pk=agreement.versions.get().pk)


def _agreement_page(request, agreement, *, sign_form=None, decline_form=None):
    user = request.user
    versions = list(agreement.versions.prefetch_related("signatures__user").order_by("-pk"))
    open_version = next((v for v in versions if v.status in ("draft", "sent")), None)
    in_force = next((v for v in versions if v.status == "in_force"), None)
    slot = services.slot_for(user, open_version) if open_version else None
    can_edit = access.can_edit_agreement(user, agreement.request)
    # Those who work on or sign the open version see it; everyone else sees what is in force.
    if open_version and (can_edit or slot or not in_force):
        shown = open_version
    else:
        shown = in_force or (versions[0] if versions else None)
    signed_slots = {s.slot for s in open_version.signatures.all()} if open_version else set()
    numbered = [v for v in versions if v.number]
    declined = None
    if open_version and open_version.status == VersionStatus.DRAFT:
        declined = (
            agreement.request.events.filter(kind=EventKind.AGREEMENT_DECLINED)
            .select_related("actor")
            .order_by("-created_at")
            .first()
        )
        if declined and declined.created_at < open_version.created_at:
            declined = None
    return render(
        request,
        "indsats/agreement_detail.html",
        {
            "agreement": agreement,
            "req": agreement.request,
            "versions": versions,
            "shown": shown,
            "view": selectors.agreement_view(shown.content) if shown else None,
            "rows": selectors.signature_rows(shown) if shown else [],
            "open_version": open_version,
            "in_force": in_force,
            "can_edit": can_edit,
            "declined": declined,
            "pending_other": open_version if shown is not open_version else None,
            "can_sign": bool(
                open_version
                and open_version.status == "sent"
                and slot
                and slot[0] not in signed_slots
            ),
            "can_decline": bool(open_version and open_version.status == "sent" and slot),
            "sign_form": sign_form or SignForm(),
            "decline_form": decline_form or DeclineForm(),
            "decline_open": decline_form is not None,
            "compare": numbered[:2] if len(numbered) >= 2 else None,
        },
    )


@login_required
def agreement_detail(request, pk: int):
    agreement = access.get_agreement_for(request.user, pk)
    return _agreement_page(request, agreement)


@login_required
def agreement_edit(request, pk: int):
    version = access.get_version_for(request.user, pk)
    agreement = version.agreement
    if not access.can_edit_agreement(request.user, agreement.request):
        raise Http404
    if version.status != VersionStatus.DRAFT and request.method != "POST":
        messages.error(request, services.frozen_message(version))
        return redirect("agreement_detail", pk=agreement.pk)
    initial, goals = agreement_initial(version.content)
    initial["version_stamp"] = version.updated_at.isoformat()
    form = AgreementForm(request.POST or None, initial=initial)
    goal_forms = GoalFormSet(request.POST or None, initial=goals, prefix="goals")
    if request.method == "POST" and form.is_valid() and goal_forms.is_valid():
        content = agreement_content(form, goal_forms, version.content)
        try:
            services.agreement_draft_update(
                actor=request.user,
                version_id=version.pk,
                content=content,
                expected_stamp=form.cleaned_data["version_stamp"],
            )
        except StateError as error:
            # Shown above the form, which keeps what was typed.
            form.add_error(None, error.message)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The draft is saved."))
            return redirect("agreement_detail", pk=agreement.pk)
    return render(
        request,
        "indsats/agreement_form.html",
        {"form": form, "goal_forms": goal_forms, "agreement": agreement, "req": agreement.request},
    )


@require_POST
@login_required
def agreement_send(request, pk: int):
    version = access.get_version_for(request.user, pk)
    if not access.can_edit_agreement(request.user, version.agreement.request):
        raise Http404
    try:
        services.agreement_send_for_signature(actor=request.user, version_id=version.pk)
    except StateError as error:
        messages.error(request, error.message)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The agreement is sent for signature; the signers are told."))
    return redirect("agreement_detail", pk=version.agreement_id)


@require_POST
@login_required
def agreement_sign(request, pk: int):
    version = access.get_version_for(request.user, pk)
    form = SignForm(request.POST)
    if form.is_valid() and (
        authenticate(request, username=request.user.email, password=form.cleaned_data["password"])
        is None
    ):
        # Through authenticate(), so wrong passwords count towards the login lockout.
        form.add_error("password", _("The password is not correct."))
    if form.is_valid():
        try:
            services.agreement_sign(
                actor=request.user, version_id=version.pk, password=form.cleaned_data["password"]
            )
        except StateError as error:
            messages.error(request, error.message)
        except ValidationError as error:
            _add_errors(form, error)
            return _agreement_page(request, version.agreement, sign_form=form)
        else:
            messages.success(request, _("You have signed the agreement."))
            return redirect("agreement_detail", pk=version.agreement_id)
    return _agreement_page(request, version.agreement, sign_form=form)


@require_POST
@login_required
def agreement_decline(request, pk: int):
    version = access.get_version_for(request.user, pk)
    form = DeclineForm(request.POST)
    if form.is_valid():
        try:
            services.agreement_decline(
                actor=request.user, version_id=version.pk, reason=form.cleaned_data["reason"]
            )
        except StateError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("You have declined to sign; the version is a draft again."))
        return redirect("agreement_detail", pk=version.agreement_id)
    messages.error(request, _("The signature was not declined; see the reason field below."))
    return _agreement_page(request, version.agreement, decline_form=form)


@require_POST
@login_required
def agreement_adjust(request, pk: int):
    agreement = access.get_agreement_for(request.user, pk)
    if not access.can_edit_agreement(request.user, agreement.request):
        raise Http404
    try:
        draft = services.agreement_adjust(actor=request.user, agreement_id=agreement.pk)
    except StateError as error:
        messages.error(request, error.message)
        return redirect("agreement_detail", pk=agreement.pk)
    messages.success(
        request, _("A new draft is made from the version in force. Change it and send it.")
    )
    return redirect("agreement_edit", pk=draft.pk)


@login_required
def agreement_pdf(request, pk: int):
    version = access.get_version_for(request.user, pk)
    response = HttpResponse(pdf.agreement_pdf(version), content_type="application/pdf")
    name = f"samarbejdsaftale-{version.agreement.request_id}"
    name += f"-v{version.number}" if version.number else "-kladde"
    response["Content-Disposition"] = f'inline; filename="{name}.pdf"'
    return response


@login_required
def agreement_diff(request, pk: int):
    agreement = access.get_agreement_for(request.user, pk)
    numbered: dict[int, AgreementVersion] = {
        v.number: v for v in agreement.versions.exclude(number=None) if v.number is not None
    }
    if len(numbered) < 2:
        raise Http404
    newest = sorted(numbered)[-2:]
    try:
        before = numbered[int(request.GET.get("fra") or newest[0])]
        after = numbered[int(request.GET.get("til") or newest[1])]
    except (KeyError, ValueError):
        raise Http404 from None
    return render(
        request,
        "indsats/agreement_diff.html",
        {
            "agreement": agreement,
            "before": before,
            "after": after,
            "differences": selectors.version_differences(before.content, after.content),
            "numbers": sorted(numbered),
        },
    )


def agreement_verify(request, content_hash: str):
    """Public: does this SHA-256 belong to a signed version? Content only for people in scope."""
    version = (
        AgreementVersion.objects.filter(content_hash=content_hash.lower())
        .exclude(content_hash="")
        .select_related("agreement__request__institution")
        .first()
    )
    in_scope = bool(
        version
        and request.user.is_authenticated
        and access.agreements_for(request.user).filter(pk=version.agreement_id).exists()
    )
    return render(
        request,
        "indsats/agreement_verify.html",
        {"version": version, "content_hash": content_hash, "in_scope": in_scope},
    )
