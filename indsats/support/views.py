from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from indsats import access
from indsats.models import (
    AgendaItemStatus,
    AssessmentKind,
    SupportEventKind,
    SupportOutcome,
    SupportStatus,
)
from indsats.support import files, services
from indsats.support.forms import (
    AnswerForm,
    AskForm,
    DocumentForm,
    PersonForm,
    SupportFilter,
    SupportForm,
    WithdrawForm,
)
from indsats.support.middleware import upload_too_big
from indsats.supportmeetings import selectors as meeting_selectors
from institutioner import paging
from institutioner.accesslog import services as access_log
from institutioner.errors import StateError
from institutioner.forms import add_errors, client_token_address, client_token_in_address


@login_required
def support_list(request):
    user = request.user
    if not access.sees_support_list(user):
        raise Http404
    # The last day of each ending in the same query: "Granted, ends on …" needs no query a row.
    applications = (
        access.support_applications_for(user)
        .select_related("institution", "group")
        .with_ending_day()
    )
    filterset = None
    if access.works_with_support(user):
        # The administration's and the committee's work list: a case retention emptied while it
        # was still open is no work (indsats/models.py, `in_work`).
        applications = applications.in_work()
        filterset = SupportFilter(request.GET, queryset=applications)
        if filterset.is_valid():
            applications = filterset.qs
        else:
            # A value the filter does not know (an old bookmark, an institution since removed):
            # the field says so, rather than the list only saying there are no applications.
            applications = applications.none()
            for name in filterset.form.errors:
                if name in filterset.form.fields:
                    attrs = filterset.form.fields[name].widget.attrs
                    attrs["class"] = f"{attrs.get('class', '')} is-invalid".strip()
                    attrs["aria-invalid"] = "true"
                    attrs["aria-describedby"] = f"id_{name}_error"
    page = paging.page_of(applications.order_by("-created_at", "-pk"), request)
    # The list names each child on it: the access-log row names each application shown.
    access_log.shown(request, page.object_list)
    return render(
        request,
        "indsats/support/support_list.html",
        {
            "applications": page.object_list,
            "page": page,
            "page_query": paging.page_query(request),
            "filter": filterset,
            "can_create": access.can_apply_for_support(user),
        },
    )


@login_required
def support_create(request):
    if not access.can_apply_for_support(request.user):
        raise Http404
    if request.method != "POST":
        # The form's token is in the page's address, so Back and save finds the first draft.
        token = client_token_in_address(request)
        if token is None:
            return redirect(client_token_address(request))
        form = SupportForm(user=request.user, initial={"client_token": token})
    else:
        form = SupportForm(request.POST, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            application, created = services.support_create(
                actor=request.user,
                data=form.cleaned_data,
                client_token=form.cleaned_data["client_token"],
            )
        except StateError as error:
            form.add_error(None, error.message)
        except ValidationError as error:
            add_errors(form, error)
        else:
            if created:
                messages.success(
                    request,
                    _(
                        "The application is saved as a draft. Attach the assessments, then "
                        "submit it."
                    ),
                )
            else:
                # Saved again (a double click, or Back and save): the draft the form made.
                messages.info(
                    request, _("The form was already saved; this is the draft it became.")
                )
            return redirect("support_detail", pk=application.pk)
    return render(request, "indsats/support/support_form.html", {"form": form, "application": None})


@login_required
def support_edit(request, pk: int):
    application = access.get_support_for_leader(request.user, pk)
    if not application.is_editable:
        messages.error(request, _("The application can no longer be changed."))
        return redirect("support_detail", pk=application.pk)
    form = SupportForm(request.POST or None, instance=application, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.support_update(
                actor=request.user,
                application_id=application.pk,
                data=form.cleaned_data,
                expected_stamp=form.cleaned_data.get("stamp") or "",
            )
        except services.SupportChangedMeanwhile as error:
            # Keep what was typed; a second save now means "mine, knowing about the other
            # change" (the stamp is the application's as it is now).
            posted = request.POST.copy()
            application.refresh_from_db()
            posted["stamp"] = services.support_stamp(application)
            form = SupportForm(posted, instance=application, user=request.user)
            form.is_valid()
            form.add_error(None, error.message)
        except StateError as error:
            form.add_error(None, error.message)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Your changes are saved."))
            return redirect("support_detail", pk=application.pk)
    access_log.shown(request, application)
    return render(
        request,
        "indsats/support/support_form.html",
        {"form": form, "application": application},
    )


@login_required
def support_detail(request, pk: int):
    application = access.get_support_for(request.user, pk)
    return _detail_page(request, application)


def _detail_page(request, application, **forms):
    user = request.user
    # The page shows the child's data, also when a form on it is shown again with its errors.
    access_log.shown(request, application)
    documents = list(application.documents.select_related("uploaded_by"))
    attached = {document.kind for document in documents}
    agenda = list(application.agenda_items.select_related("meeting").order_by("-added_at", "-pk"))
    # A moved item names where it went: the item put on an agenda after it (the list is newest
    # first), or that it waits for a new meeting.
    newer = None
    for item in agenda:
        setattr(item, "moved_to", newer.meeting if newer is not None else None)  # noqa: B010
        newer = item
    decisions = list(application.decisions.select_related("decided_by", "agenda_item__meeting"))
    # An ended case: its status and its last grant name the ending's last day (no query more).
    endings = [d for d in decisions if d.outcome == SupportOutcome.ENDED]
    application.__dict__["ending_day"] = endings[-1].period_end if endings else None
    meeting_selectors.mark_ended_grant(application, decisions[::-1])
    can_add_person = access.can_add_support_person(user)
    question = None
    if application.status == SupportStatus.NEEDS_INFO:
        question = (
            application.events.filter(kind=SupportEventKind.QUESTION)
            .select_related("actor")
            .order_by("-created_at", "-pk")
            .first()
        )
    context = {
        "application": application,
        "documents": documents,
        "required": [
            {"label": AssessmentKind(kind).label, "attached": kind in attached}
            for kind in application.required_assessments
        ],
        "missing": services.missing_for_submission(application) if application.is_editable else [],
        "events": application.events.select_related("actor"),
        "earlier": application.earlier_interventions.select_related("institution", "group"),
        "agenda": agenda,
        "waiting_item": next(
            (item for item in agenda if item.status == AgendaItemStatus.WAITING), None
        ),
        "decisions": decisions,
        "added_people": application.added_people.order_by("name"),
        "question": question,
        "can_edit": access.can_change_support(user, application),
        "can_submit": access.can_submit_support(user, application),
        "can_answer": access.can_answer_support(user, application),
        "can_withdraw": access.can_withdraw_support(user, application),
        "can_delete": access.can_delete_support_draft(user, application),
        "can_ask": access.can_ask_support(user, application),
        "can_add_person": can_add_person and application.status != SupportStatus.DRAFT,
        "withdraw_form": forms.get("withdraw_form") or WithdrawForm(),
        "answer_form": forms.get("answer_form") or AnswerForm(),
        "ask_form": forms.get("ask_form") or AskForm(),
        "person_form": forms.get("person_form") or PersonForm(application=application)
        if can_add_person
        else None,
        "open_form": next(iter(forms), ""),
    }
    return render(request, "indsats/support/support_detail.html", context)


def _done(request, application, action, success: str):
    try:
        action()
    except StateError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, success)
    return redirect("support_detail", pk=application.pk)


@require_POST
@login_required
def support_submit(request, pk: int):
    application = access.get_support_for_leader(request.user, pk)
    return _done(
        request,
        application,
        lambda: services.support_submit(actor=request.user, application_id=application.pk),
        _(
            "The application is submitted. The administration and the visitation committee "
            "have been told."
        ),
    )


def _text_action(request, application, *, form, key, call, success):
    """Withdraw, answer and ask: one text, one service call, the page again on errors (with
    what was written)."""
    if form.is_valid():
        try:
            call(form.cleaned_data)
        except StateError as error:
            messages.error(request, error.message)
            return redirect("support_detail", pk=application.pk)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, success)
            return redirect("support_detail", pk=application.pk)
    return _detail_page(request, application, **{key: form})


@require_POST
@login_required
def support_withdraw(request, pk: int):
    application = access.get_support_for_leader(request.user, pk)
    return _text_action(
        request,
        application,
        form=WithdrawForm(request.POST),
        key="withdraw_form",
        call=lambda data: services.support_withdraw(
            actor=request.user, application_id=application.pk, reason=data["reason"]
        ),
        success=_("The application is withdrawn."),
    )


@require_POST
@login_required
def support_draft_delete(request, pk: int):
    application = access.get_support_for_leader(request.user, pk)
    try:
        services.support_draft_discard(actor=request.user, application_id=application.pk)
    except StateError as error:
        messages.error(request, error.message)
        return redirect("support_detail", pk=application.pk)
    messages.success(request, _("The draft is deleted with its documents."))
    return redirect("support_list")


@require_POST
@login_required
def support_answer(request, pk: int):
    application = access.get_support_for_leader(request.user, pk)
    return _text_action(
        request,
        application,
        form=AnswerForm(request.POST),
        key="answer_form",
        call=lambda data: services.support_answer(
            actor=request.user, application_id=application.pk, answer=data["answer"]
        ),
        success=_("Your answer is sent and the application is submitted again."),
    )


@require_POST
@login_required
def support_ask(request, pk: int):
    application = access.get_support_for_team(request.user, pk)
    return _text_action(
        request,
        application,
        form=AskForm(request.POST),
        key="ask_form",
        call=lambda data: services.support_ask(
            actor=request.user, application_id=application.pk, question=data["question"]
        ),
        success=_("The question is sent to the leader."),
    )


@require_POST
@login_required
def support_person_add(request, pk: int):
    if not access.can_add_support_person(request.user):
        raise Http404
    application = access.get_support_for(request.user, pk)
    form = PersonForm(request.POST, application=application)
    return _text_action(
        request,
        application,
        form=form,
        key="person_form",
        call=lambda data: services.support_person_add(
            actor=request.user, application_id=application.pk, person=data["person"]
        ),
        success=_("The pedagogist is added to the case and has been told."),
    )


@login_required
@csrf_exempt
def support_document_create(request, pk: int):
    """CSRF is checked below, once the size is known: a far too large upload is refused before
    its body (and the token in it) is read (indsats/support/middleware.py)."""
    application = access.get_support_for_leader(request.user, pk)
    if request.method == "POST" and upload_too_big(request):
        form = DocumentForm(missing=_missing(application))
        return _document_page(
            request, application, form, status=413, refused=files.too_big_message()
        )
    return _document_create(request, application)


def _missing(application) -> tuple[str, ...]:
    attached = set(application.documents.values_list("kind", flat=True))
    return tuple(kind for kind in application.required_assessments if kind not in attached)


@csrf_protect
def _document_create(request, application):
    if not application.is_editable:
        messages.error(request, _("Documents can no longer be attached to the application."))
        return redirect("support_detail", pk=application.pk)
    form = DocumentForm(request.POST or None, request.FILES or None, missing=_missing(application))
    if request.method == "POST" and form.is_valid():
        try:
            services.support_document_add(
                actor=request.user,
                application_id=application.pk,
                kind=form.cleaned_data["kind"],
                upload=form.cleaned_data["file"],
            )
        except StateError as error:
            # The storage failed (or the state changed): the form keeps the chosen kind.
            form.add_error(None, error.message)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The document is attached."))
            return redirect("support_detail", pk=application.pk)
    return _document_page(request, application, form)


def _document_page(request, application, form, status=200, refused=""):
    access_log.shown(request, application)
    return render(
        request,
        "indsats/support/document_form.html",
        {
            "application": application,
            "form": form,
            "max_bytes": settings.SUPPORT_DOCUMENT_MAX_BYTES,
            "refused": refused,
        },
        status=status,
    )


@require_POST
@login_required
def support_document_delete(request, pk: int):
    if not access.can_apply_for_support(request.user):
        raise Http404
    document = access.get_support_document_for(request.user, pk)
    return _done(
        request,
        document.application,
        lambda: services.support_document_remove(actor=request.user, document_id=document.pk),
        _("The document is removed."),
    )


@login_required
def support_document_download(request, pk: int):
    document = access.get_support_document_for(request.user, pk)
    try:
        handle = document.file.open("rb")
        # Fetch it now (S3 fetches lazily), so a failing store is a message, not a broken file.
        handle.read(0)
    except Exception:
        services.logger.exception("The support document %s could not be read.", document.pk)
        messages.error(request, _("The file could not be fetched right now. Try again."))
        return redirect("support_detail", pk=document.application_id)
    access_log.shown(request, document)
    response = FileResponse(
        handle,
        as_attachment=True,
        # Documents kept before names were made to match their type get the right ending too.
        filename=files.typed_name(document.name, document.mimetype),
        content_type=document.mimetype,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
