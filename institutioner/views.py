from axes.helpers import get_client_ip_address
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from institutioner import access, selectors, services, startpage, throttle
from institutioner.accesslog import services as access_log
from institutioner.forms import PasswordResetByEmailForm
from institutioner.sso import oidc
from institutioner.sso import selectors as sso_selectors


@login_required
def start(request):
    user = request.user
    page = access.start_page_for(user)
    if page == "administration":
        return render(
            request,
            "institutioner/start_administration.html",
            {
                "overviews": selectors.district_overviews(user=user),
                "start_sections": startpage.sections_for(request),
            },
        )
    if page == "pedagogist":
        pedagogist = getattr(user, "pedagogist", None)
        assignments = (
            selectors.assignments_of_pedagogist(user=user, pedagogist=pedagogist)
            if pedagogist
            else []
        )
        return render(
            request,
            "institutioner/start_pedagogist.html",
            {
                "pedagogist": pedagogist,
                "assignments": assignments,
                "start_sections": startpage.sections_for(request),
            },
        )
    if page == "consultant":
        return render(
            request,
            "institutioner/start_sections.html",
            {"start_sections": startpage.sections_for(request)},
        )
    return render(
        request,
        "institutioner/start_leader.html",
        {
            "institutions": selectors.institutions_with_groups(user=user),
            "start_sections": startpage.sections_for(request),
        },
    )


@login_required
def institution_detail(request, pk: int):
    institution = access.get_institution_for(request.user, pk)
    assignments = list(selectors.institution_assignments(institution=institution))
    # A name links to the pedagogist's page only for whom that page opens (the same rule as its
    # view): a pedagogist sees her attached colleagues' names, not a link that answers 404.
    openable = set(
        access.pedagogists_for(request.user)
        .filter(pk__in=[assignment.pedagogist_id for assignment in assignments])
        .values_list("pk", flat=True)
    )
    return render(
        request,
        "institutioner/institution_detail.html",
        {
            "institution": institution,
            "groups": institution.groups.order_by("name"),
            "leaders": selectors.institution_leaders(institution=institution),
            "assignments": assignments,
            "openable_pedagogists": openable,
        },
    )


@login_required
def district_detail(request, pk: int):
    district = access.get_district_for(request.user, pk)
    [overview] = selectors.district_overviews(user=request.user, district_id=district.pk)
    return render(request, "institutioner/district_detail.html", {"overview": overview})


@login_required
def pedagogist_detail(request, pk: int):
    pedagogist = access.get_pedagogist_for(request.user, pk)
    access_log.shown(request, pedagogist)
    assignments = selectors.assignments_of_pedagogist(user=request.user, pedagogist=pedagogist)
    return render(
        request,
        "institutioner/pedagogist_detail.html",
        {
            "pedagogist": pedagogist,
            "competences": pedagogist.competences.all(),
            "assignments": assignments,
        },
    )


def _address(request) -> str:
    # The same address axes counts under (it knows the proxies in front of the app).
    return get_client_ip_address(request) or "unknown"


class LoginView(auth_views.LoginView):
    """Django's login, slowed per address and for the whole site once too many logins fail
    (axes alone counts one e-mail at one address)."""

    def post(self, request, *args, **kwargs):
        address = _address(request)
        if throttle.is_reached(throttle.login_failures_per_address(), address) or (
            throttle.is_reached(throttle.login_failures_everywhere())
        ):
            form = self.get_form()
            form.errors.clear()
            if settings.LOCAL_PASSWORDS:
                message = _(
                    "Too many failed logins. Wait %(minutes)s minutes and try again, or choose "
                    "“Forgot your password?”."
                )
            else:
                # Only the break-glass accounts get a reset e-mail: no "Forgot your password?".
                message = _(
                    "Too many failed logins. Wait %(minutes)s minutes and try again, or log in "
                    "with the municipality's login."
                )
            form.add_error(None, message % {"minutes": settings.THROTTLE_MINUTES})
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["login_methods"] = sso_selectors.login_methods(
            next_url=self.get_redirect_url() or ""
        )
        context["passwords_for_everyone"] = settings.LOCAL_PASSWORDS
        return context

    def form_invalid(self, form):
        address = _address(self.request)
        throttle.count(throttle.login_failures_per_address(), address)
        throttle.count(throttle.login_failures_everywhere())
        return super().form_invalid(form)


class PasswordResetView(auth_views.PasswordResetView):
    """Django's password reset, with a limit on the e-mails it sends per address, per e-mail
    and for the whole site (each request sent one e-mail, without end). The e-mail goes through
    the outbox (institutioner.forms.PasswordResetForm, which PasswordResetByEmailForm extends)."""

    form_class = PasswordResetByEmailForm

    def form_valid(self, form):
        address = _address(self.request)
        email = form.cleaned_data["email"].strip().lower()
        limits = [
            (throttle.resets_per_address(), address),
            (throttle.resets_per_email(), email),
            (throttle.resets_everywhere(), "all"),
        ]
        if any(throttle.is_reached(limit, who) for limit, who in limits):
            form.add_error(
                None,
                _(
                    "Too many requests for a new password. Wait %(minutes)s minutes and try "
                    "again; an e-mail already sent is still valid."
                )
                % {"minutes": settings.THROTTLE_MINUTES},
            )
            return self.render_to_response(self.get_context_data(form=form), status=429)
        for limit, who in limits:
            throttle.count(limit, who)
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Choosing a new password from the e-mailed link also lifts a login lockout."""

    def form_valid(self, form):
        response = super().form_valid(form)
        services.user_lift_lockout(user=form.user)
        return response


class LogoutView(auth_views.LogoutView):
    """POST logs out; a GET (a typed or bookmarked address) asks to confirm with a button."""

    http_method_names = ["get", "post", "options"]

    def get(self, request, *args, **kwargs):
        return render(request, "registration/logout_confirm.html")

    def post(self, request, *args, **kwargs):
        # Asked before the session (which holds the ID token) ends.
        at_provider = oidc.logout_url(request)
        response = super().post(request, *args, **kwargs)
        return HttpResponseRedirect(at_provider) if at_provider else response


@require_GET
def favicon(request):
    """Browsers ask for /favicon.ico whatever the page says (the admin's pages say nothing)."""
    return redirect(static("favicon.svg"), permanent=True)
