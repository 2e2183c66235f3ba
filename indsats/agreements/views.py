from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import authenticate
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from indsats import access, hooks
from indsats.agreements import documents, pdf, selectors, services
from indsats.agreements.forms import (
    AgreementForm,
    DeclineForm,
    GoalFormSet,
    SignForm,
    agreement_content,
    agreement_initial,
)
from indsats.models import (
    Agreement,
    AgreementVersion,
    Allocation,
    EventKind,
    VersionStatus,
)
from institutioner.accesslog import services as access_log
from institutioner.errors import StateError
from institutioner.forms import add_errors
from institutioner.history import history_rows
from institutioner.sso import selectors as sso_selectors
from institutioner.sso import services as sso_services


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
    # Also when a refused signature or decline shows the page again (its access-log row).
    access_log.shown(request, agreement)
    user = request.user
    versions = list(agreement.versions.prefetch_related("signatures__user").order_by("-pk"))
    open_version = next((v for v in versions if v.status in ("draft", "sent")), None)
    in_force = next((v for v in versions if v.status == "in_force"), None)
    slot = selectors.slot_for(user, open_version) if open_version else None
    can_edit = access.can_edit_agreement(user, agreement.request)
    # Once the work under it has ended, nothing is adjusted, sent or signed any more.
    finished = hooks.agreement_finished(agreement_id=agreement.pk)
    # Those who work on or sign the open version see it; everyone else sees what is in force.
    if open_version and (can_edit or slot or not in_force):
        shown = open_version
    else:
        shown = in_force or (versions[0] if versions else None)
    signed_slots = {s.slot for s in open_version.signatures.all()} if open_version else set()
    numbered = [v for v in versions if v.number]
    declined = declined_version = None
    if open_version and open_version.status == VersionStatus.DRAFT:
        # A draft made when its predecessor was declined: say so, with the signer's reason.
        before = next((v for v in versions if v.pk < open_version.pk), None)
        if before is not None and before.status == VersionStatus.DECLINED:
            declined_version = before
            declined = (
                agreement.request.events.filter(kind=EventKind.AGREEMENT_DECLINED)
                .select_related("actor")
                .order_by("-created_at")
                .first()
            )
    sign_with_login = sso_selectors.logged_in_with_identity_provider(request)
    content = shown.parsed if shown else None
    response = render(
        request,
        "indsats/agreements/agreement_detail.html",
        {
            "agreement": agreement,
            "req": agreement.request,
            "versions": versions,
            "shown": shown,
            "view": content.display() if content else None,
            # Until it is signed, those who write and sign it see hours the plan cannot hold.
            "hours_warning": (
                content.hours_beyond_plan() if content and shown is open_version else None
            ),
            "rows": selectors.signature_rows(shown) if shown else [],
            "open_version": open_version,
            "in_force": in_force,
            "can_edit": can_edit and not finished,
            "can_see_history": access.can_see_agreement_history(user),
            "finished": finished,
            "declined": declined,
            "declined_version": declined_version,
            "pending_other": open_version if shown is not open_version else None,
            "can_sign": bool(
                not finished
                and open_version
                and open_version.status == "sent"
                and slot
                and slot[0] not in signed_slots
            ),
            "can_decline": bool(open_version and open_version.status == "sent" and slot),
            "has_signed": bool(slot and slot[0] in signed_slots),
            "sign_form": sign_form or SignForm(),
            "sign_with_login": sign_with_login,
            "fresh_login": bool(
                open_version
                and sso_services.fresh_authentication_pending(
                    request, purpose=_sign_purpose(open_version)
                )
            ),
            "decline_form": decline_form or DeclineForm(),
            "decline_open": decline_form is not None,
            "compare": numbered[:2] if len(numbered) >= 2 else None,
        },
    )
    if sign_with_login:
        sso_selectors.allow_forms_to_provider(response)
    return response


@login_required
def agreement_detail(request, pk: int):
    agreement = access.get_agreement_for(request.user, pk)
    access_log.shown(request, agreement)
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
    initial, goals = agreement_initial(version.parsed)
    initial["version_stamp"] = version.updated_at.isoformat()
    form = AgreementForm(request.POST or None, initial=initial)
    goal_forms = GoalFormSet(request.POST or None, initial=goals, prefix="goals")
    if request.method == "POST" and form.is_valid() and goal_forms.is_valid():
        content = agreement_content(form, goal_forms, version.parsed)
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
            add_errors(form, error)
        else:
            messages.success(request, _("The draft is saved."))
            return redirect("agreement_detail", pk=agreement.pk)
    return render(
        request,
        "indsats/agreements/agreement_form.html",
        {"form": form, "goal_forms": goal_forms, "agreement": agreement, "req": agreement.request},
    )


@require_POST
@login_required
def agreement_send(request, pk: int):
    version = access.get_version_for(request.user, pk)
    if not access.can_edit_agreement(request.user, version.agreement.request):
        raise Http404
    try:
        sent = services.agreement_send_for_signature(actor=request.user, version_id=version.pk)
    except StateError as error:
        messages.error(request, error.message)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The agreement is sent for signature; the signers are told."))
        # Sent all the same: the signers decide, but they should know.
        for line in getattr(sent, "plan_clashes", []):
            messages.warning(
                request,
                _("%(clash)s. Check the weekdays and times before it is signed.") % {"clash": line},
            )
    return redirect("agreement_detail", pk=version.agreement_id)


# Signing and declining show the agreement's page again at their own address when refused (a
# wrong password, a missing reason). Reloaded, or opened again after a login, that address is
# the agreement's page, not the "use the button" page of an address that only takes a POST.
@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def agreement_sign(request, pk: int):
    version = access.get_version_for(request.user, pk)
    if request.method != "POST":
        return redirect("agreement_detail", pk=version.agreement_id)
    if sso_selectors.logged_in_with_identity_provider(request):
        return _sign_after_fresh_login(request, version)
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
            add_errors(form, error)
            return _agreement_page(request, version.agreement, sign_form=form)
        else:
            messages.success(request, _("You have signed the agreement."))
            return redirect("agreement_detail", pk=version.agreement_id)
    return _agreement_page(request, version.agreement, sign_form=form)


def _sign_purpose(version) -> str:
    return f"sign:{version.pk}"


def _sign_after_fresh_login(request, version):
    """Whoever logged in at the municipality signs by logging in there again (there is no
    password here to ask for): first the provider, then "Underskriv nu" back on the page."""
    agreement_url = reverse("agreement_detail", kwargs={"pk": version.agreement_id})
    fresh = sso_services.fresh_authentication_take(request, purpose=_sign_purpose(version))
    if fresh is None:
        query = urlencode({"reauth": _sign_purpose(version), "next": agreement_url})
        return redirect(sso_selectors.reauthentication_url(request) + "?" + query)
    try:
        services.agreement_sign(actor=request.user, version_id=version.pk, fresh=fresh)
    except StateError as error:
        messages.error(request, error.message)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("You have signed the agreement."))
    return redirect(agreement_url)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def agreement_decline(request, pk: int):
    version = access.get_version_for(request.user, pk)
    if request.method != "POST":
        return redirect("agreement_detail", pk=version.agreement_id)
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
    access_log.shown(request, version)
    if version.status == VersionStatus.IN_FORCE:
        content = documents.signed_pdf_bytes(version)  # the copy the e-mails carried
    else:
        content = pdf.agreement_pdf(version)  # a draft, or superseded with its mark
    response = HttpResponse(content, content_type="application/pdf")
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
        "indsats/agreements/agreement_diff.html",
        {
            "agreement": agreement,
            "before": before,
            "after": after,
            "differences": before.parsed.differences(after.parsed),
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
        "indsats/agreements/agreement_verify.html",
        {"version": version, "content_hash": content_hash, "in_scope": in_scope},
    )


@login_required
def agreement_history(request, pk: int):
    """What the database keeps of the agreement, its versions and the request's assignments, for
    the administration."""
    agreement = access.get_agreement_for(request.user, pk)
    if not access.can_see_agreement_history(request.user):
        raise Http404
    rows = history_rows(
        Agreement.history.filter(id=agreement.pk),
        (
            AgreementVersion.history.filter(agreement_id=agreement.pk),
            lambda record: (
                str(_("version %(n)s") % {"n": record.number}) if record.number else str(_("draft"))
            ),
        ),
        (
            Allocation.history.filter(request_id=agreement.request_id),
            lambda record: record.pedagogist.user.name,
        ),
    )
    return render(
        request,
        "indsats/agreements/agreement_history.html",
        {"agreement": agreement, "req": agreement.request, "rows": rows},
    )
