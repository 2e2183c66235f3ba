from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from indsats import access, hooks
from indsats.models import (
    Agreement,
    MeetingStatus,
    RequestStatus,
)
from indsats.requests import calendar, selectors, services
from indsats.requests.filters import TriageFilter
from indsats.requests.forms import (
    AcceptForm,
    AskInfoForm,
    MeetingCancelForm,
    MeetingForm,
    RejectForm,
    RequestForm,
    WithdrawForm,
)
from institutioner import paging
from institutioner.accesslog import services as access_log
from institutioner.errors import StateError
from institutioner.forms import add_errors, client_token_address, client_token_in_address
from institutioner.inputs import whole_numbers


def _shown_again_on_error(view):
    """An action that shows its page again at its own address when the form is refused (a
    missing reason, a CPR number): reloaded, or opened after a login, it sends the person to
    that page (the view redirects a GET), not to the "use the button" page of an address that
    only takes a POST. As the agreement's sign and decline addresses."""
    return require_http_methods(["GET", "HEAD", "POST"])(view)


@login_required
def request_list(request):
    requests = selectors.with_list_relations(access.requests_for(request.user)).order_by(
        "-created_at", "-pk"
    )
    page = paging.page_of(requests, request)
    return render(
        request,
        "indsats/requests/request_list.html",
        {
            "requests": page.object_list,
            "page": page,
            "page_query": paging.page_query(request),
            "can_create": access.can_create_request(request.user),
        },
    )


@login_required
def request_create(request):
    if not access.can_create_request(request.user):
        raise Http404
    return _new_request(request)


@login_required
def request_copy(request, pk: int):
    """A new draft's form filled in from a withdrawn or rejected request; nothing is saved until
    the leader saves it, as a new request (the copied one is left as it is)."""
    source = access.get_request_for_leader(request.user, pk)
    if not access.can_copy_request(request.user, source):
        messages.error(
            request, _("Only a withdrawn or rejected request can be copied into a new draft.")
        )
        return redirect("request_detail", pk=source.pk)
    return _new_request(request, source=source)


def _new_request(request, *, source=None):
    """The form for a new draft (empty, or a copy of `source`) and its save."""
    if request.method != "POST":
        # The form's token is in the page's address, so Back and save finds the first draft.
        token = client_token_in_address(request)
        if token is None:
            return redirect(client_token_address(request))
        initial = selectors.copy_initial(source) if source is not None else {}
        form = RequestForm(user=request.user, initial={**initial, "client_token": token})
    else:
        form = RequestForm(request.POST, user=request.user)
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
            add_errors(form, error)
        else:
            if created:
                messages.success(
                    request,
                    _("The request is saved as a draft. Submit it when it is ready."),
                )
            else:
                # Saved again (a double click, or Back and save): the draft the form made.
                messages.info(
                    request, _("The form was already saved; this is the draft it became.")
                )
            return redirect("request_detail", pk=req.pk)
    return render(
        request,
        "indsats/requests/request_form.html",
        {
            "form": form,
            "req": None,
            "source": source,
            # The copied request's wished start has passed: the form leaves it for a new day.
            "source_start_passed": source is not None
            and source.wished_start < timezone.localdate(),
        },
    )


@login_required
def request_edit(request, pk: int):
    req = access.get_request_for_leader(request.user, pk)
    if not req.is_editable:
        messages.error(request, _("The request can no longer be changed."))
        return redirect("request_detail", pk=req.pk)
    asked = selectors.last_question(req) if req.status == RequestStatus.NEEDS_INFO else None
    answer = None
    if req.status == RequestStatus.NEEDS_INFO:
        answer = asked.answer.message if asked and asked.answer else ""
    form = RequestForm(request.POST or None, instance=req, user=request.user, answer=answer)
    if request.method == "POST" and form.is_valid():
        try:
            services.request_update(
                actor=request.user,
                request_id=req.pk,
                data=form.cleaned_data,
                answer=form.cleaned_data.get("answer", ""),
            )
        except StateError as error:
            # Shown above the form, which keeps what was typed (to copy elsewhere if needed).
            form.add_error(None, error.message)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Your changes are saved."))
            return redirect("request_detail", pk=req.pk)
    return render(
        request,
        "indsats/requests/request_form.html",
        {"form": form, "req": req, "question": asked.question if asked else None},
    )


@login_required
def request_detail(request, pk: int):
    req = access.get_request_for(request.user, pk)
    access_log.shown(request, req)
    return _request_page(request, req)


def _request_page(request, req, *, withdraw_form=None):
    # Also when a refused POST shows the page again: its access-log row says whom it concerns.
    access_log.shown(request, req)
    user = request.user
    unanswered = services.unanswered_question(req)
    context = {
        "req": req,
        "events": req.events.select_related("actor"),
        "allocations": req.allocations.select_related("pedagogist__user"),
        "meetings": hooks.with_meeting_warnings(
            req.meetings.order_by("-starts_at").prefetch_related("participants"), viewer=user
        ),
        "can_edit": access.can_change_request(user, req),
        # Not while the administration's question waits for an answer: the page says so.
        "can_submit": access.can_change_request(user, req) and not unanswered,
        "unanswered_question": unanswered,
        "wished_start_passed": services.passed_wished_start(req),
        "can_withdraw": access.can_withdraw_request(user, req),
        "can_copy": access.can_copy_request(user, req),
        "can_triage": access.can_triage(user),
        "withdraw_form": withdraw_form or WithdrawForm(),
        "withdraw_open": withdraw_form is not None,
        "agreement": Agreement.objects.filter(request=req).first(),
        "can_start_agreement": req.status == RequestStatus.ACCEPTED
        and access.can_edit_agreement(user, req),
    }
    return render(request, "indsats/requests/request_detail.html", context)


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
def request_draft_delete(request, pk: int):
    req = access.get_request_for_leader(request.user, pk)
    try:
        services.request_draft_delete(actor=request.user, request_id=req.pk)
    except StateError as error:
        messages.error(request, error.message)
        return redirect("request_detail", pk=req.pk)
    messages.success(request, _("The draft is deleted."))
    return redirect("request_list")


@_shown_again_on_error
@login_required
def request_withdraw(request, pk: int):
    req = access.get_request_for_leader(request.user, pk)
    if request.method != "POST":
        return redirect("request_detail", pk=req.pk)
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


@login_required
def triage_queue(request):
    if not access.can_triage(request.user):
        raise Http404
    # A waiting request retention has emptied is no work: left out of the list and its counts.
    filterset = TriageFilter(request.GET, queryset=access.requests_for(request.user).in_work())
    # Oldest first, 50 to a page: the page's ids first, then its rows with their capacity.
    # What the list shows is counted with those of it that wait for triage and for the leader
    # (the heading says each), in one query that is also the pages' count.
    valid = filterset.is_valid()
    counts = (
        selectors.triage_counts(filterset.qs)
        if valid
        else {"shown": 0, "submitted": 0, "needs_info": 0}
    )
    ordered = filterset.qs.order_by("submitted_at", "pk") if valid else None
    page = paging.page_of(
        ordered.values_list("pk", flat=True) if ordered is not None else [],
        request,
        count=counts["shown"],
    )
    rows = (
        selectors.triage_rows(access.requests_for(request.user).filter(pk__in=list(page)))
        if page.object_list
        else []
    )
    return render(
        request,
        "indsats/requests/triage_queue.html",
        {
            "filter": filterset,
            "rows": rows,
            "page": page,
            "counts": counts,
            "page_query": paging.page_query(request),
        },
    )


def _triage_page(request, req, **forms):
    # Also when a refused POST shows the page again: its access-log row says whom it concerns.
    access_log.shown(request, req)
    fixed_ids = {a.pedagogist_id for a in selectors.fixed_assignments(req.institution)}
    accept_form = forms.get("accept_form") or AcceptForm(initial={"weekly_hours": "6"})
    if accept_form.is_bound:
        checked_ids = set(whole_numbers(request.POST.getlist("pedagogists")))
    else:
        checked_ids = fixed_ids
    context = {
        "req": req,
        "capacity": selectors.capacity_by_pedagogist(req),
        "fixed_ids": fixed_ids,
        "checked_ids": checked_ids,
        "events": req.events.select_related("actor"),
        "allocations": req.allocations.select_related("pedagogist__user"),
        "meetings": hooks.with_meeting_warnings(
            req.meetings.order_by("-starts_at").prefetch_related("participants"),
            viewer=request.user,
        ),
        "accept_form": accept_form,
        "reject_form": forms.get("reject_form") or RejectForm(),
        "ask_form": forms.get("ask_form") or AskInfoForm(),
        "warnings": forms.get("warnings", []),
        # A refused cancellation: its meeting's form again, with what was written.
        "cancel_form": forms.get("cancel_form") or MeetingCancelForm(),
        "cancel_meeting_id": forms.get("cancel_meeting_id"),
        "recent": selectors.recent_interventions(req),
        "asked": selectors.last_question(req),
        "notes": hooks.triage_notes(requests=[req]).get(req.pk, []),
        "can_decide": req.status == RequestStatus.SUBMITTED,
        "can_plan": req.status == RequestStatus.ACCEPTED
        and not req.meetings.filter(status=MeetingStatus.PLANNED).exists(),
    }
    return render(request, "indsats/requests/triage_detail.html", context)


@login_required
def triage_detail(request, pk: int):
    req = access.get_request_for_triage(request.user, pk)
    access_log.shown(request, req)
    return _triage_page(request, req)


@_shown_again_on_error
@login_required
def triage_accept(request, pk: int):
    req = access.get_request_for_triage(request.user, pk)
    if request.method != "POST":
        return redirect("triage_detail", pk=req.pk)
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
            add_errors(form, error)
        else:
            messages.success(request, _("The request is accepted and the pedagogists are told."))
            return redirect("triage_detail", pk=req.pk)
    return _triage_page(request, req, accept_form=form)


def _triage_text_action(request, pk, *, form_class, form_key, field, action, done):
    """Reject and ask-for-information: one text, one service call, the page again on errors."""
    req = access.get_request_for_triage(request.user, pk)
    if request.method != "POST":
        return redirect("triage_detail", pk=req.pk)
    form = form_class(request.POST)
    if not form.is_valid():
        return _triage_page(request, req, **{form_key: form})
    try:
        action(actor=request.user, request_id=req.pk, **{field: form.cleaned_data[field]})
    except StateError as error:
        messages.error(request, error.message)
    except ValidationError as error:
        add_errors(form, error)
        return _triage_page(request, req, **{form_key: form})
    else:
        messages.success(request, done)
    return redirect("triage_detail", pk=req.pk)


@_shown_again_on_error
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


@_shown_again_on_error
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
            saved = save(fields)
        except StateError as error:
            messages.error(request, error.message)
            return redirect("triage_detail", pk=req.pk)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, done)
            # Planned or moved onto a participant's recorded absence (a higher app knows the
            # plan): said now, while the one who moves meetings is at it.
            for line in hooks.meeting_warnings(meetings=[saved], viewer=request.user).get(
                saved.pk, []
            ):
                messages.warning(request, line)
            return redirect("triage_detail", pk=req.pk)
    return render(
        request,
        "indsats/requests/meeting_form.html",
        {"form": form, "req": req, "meeting": meeting},
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


@_shown_again_on_error
@login_required
def meeting_cancel(request, pk: int):
    meeting = access.get_meeting_for_triage(request.user, pk)
    if request.method != "POST":
        return redirect("triage_detail", pk=meeting.request_id)
    form = MeetingCancelForm(request.POST)
    if form.is_valid():
        try:
            services.meeting_cancel(
                actor=request.user, meeting_id=meeting.pk, reason=form.cleaned_data["reason"]
            )
        except StateError as error:
            messages.error(request, error.message)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The meeting is cancelled and the participants are told."))
            return redirect("triage_detail", pk=meeting.request_id)
    if form.errors:
        # The text stays, with the message beside it.
        return _triage_page(
            request, meeting.request, cancel_form=form, cancel_meeting_id=meeting.pk
        )
    return redirect("triage_detail", pk=meeting.request_id)


@login_required
def meeting_ics(request, pk: int):
    meeting = access.get_meeting_for(request.user, pk)
    access_log.shown(request, meeting)
    response = HttpResponse(
        calendar.meeting_ics(meeting), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="indsatsmoede-{meeting.pk}.ics"'
    return response
