"""Access requests (indsigt): ask for one, follow its progress, download the ZIP."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from institutioner import access, paging
from institutioner.accesslog.services import client_address, shown
from institutioner.accessrequests import services
from institutioner.accessrequests.forms import AccessRequestForm, ChildAccessRequestForm
from institutioner.accessrequests.sections import Child
from institutioner.files.services import stored_file_bytes
from institutioner.models import AccessRequestStatus

PAGE_SIZE = 25


def _list(request, form, child_form=None, status=200):
    if not access.can_make_access_requests(request.user):
        raise Http404
    requests = access.access_requests_for(request.user)
    page = paging.page_of(requests, request, PAGE_SIZE)
    return render(
        request,
        "institutioner/accessrequests/list.html",
        {"form": form, "child_form": child_form or ChildAccessRequestForm(), "page": page},
        status=status,
    )


@require_GET
@login_required
def access_request_list(request):
    if not access.can_make_access_requests(request.user):
        raise Http404
    return _list(request, AccessRequestForm(user=request.user))


@require_POST
@login_required
def access_request_create(request):
    if not access.can_make_access_requests(request.user):
        raise Http404
    if request.POST.get("about") == "child":
        child_form = ChildAccessRequestForm(request.POST)
        child = None
        if child_form.is_valid():
            child = Child(
                name=child_form.cleaned_data["child_name"],
                birth_date=child_form.cleaned_data["child_birth_date"],
            )
            if not services.child_has_data(child):
                child_form.add_error(
                    None,
                    _(
                        "The system holds nothing about a child with that name and birth date: "
                        "no application for compensatory support names them. Check the spelling "
                        "and the date against the application."
                    ),
                )
        if child is None or child_form.errors:
            return _list(request, AccessRequestForm(user=request.user), child_form, status=400)
        made = services.access_request_create(
            actor=request.user, child=child, client_address=client_address(request)
        )
    else:
        form = AccessRequestForm(request.POST, user=request.user)
        if not form.is_valid():
            return _list(request, form, status=400)
        made = services.access_request_create(
            actor=request.user,
            subject=form.cleaned_data["person"],
            client_address=client_address(request),
        )
    messages.success(
        request, _("The access request is being made. This page shows how far it has come.")
    )
    return redirect(made)


@require_GET
@login_required
def access_request_detail(request, pk: int):
    made = access.get_access_request_for(request.user, pk)
    shown(request, made)
    return render(
        request,
        "institutioner/accessrequests/detail.html",
        {
            "access_request": made,
            "working": made.status in (AccessRequestStatus.QUEUED, AccessRequestStatus.RUNNING),
            "may_restart": made.status != AccessRequestStatus.DONE,
            "retention_days": settings.RETENTION_EXPORT_DAYS,
        },
    )


@require_POST
@login_required
def access_request_restart(request, pk: int):
    made = access.get_access_request_for(request.user, pk)
    services.access_request_restart(actor=request.user, request_id=made.pk)
    messages.success(request, _("The access request is being made again."))
    return redirect(made)


@require_GET
@login_required
def access_request_download(request, pk: int):
    made = access.get_access_request_for(request.user, pk)
    if made.status != AccessRequestStatus.DONE or made.file_id is None or made.file is None:
        messages.info(request, _("The access request is not ready yet."))
        return redirect(made)
    shown(request, made)
    response = HttpResponse(stored_file_bytes(file_id=made.file_id), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{made.file.name}"'
    return response
