from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views.decorators.http import require_GET

from institutioner import access, selectors, services, startpage


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
    assignments = selectors.institution_assignments(institution=institution)
    return render(
        request,
        "institutioner/institution_detail.html",
        {
            "institution": institution,
            "groups": institution.groups.order_by("name"),
            "leaders": selectors.institution_leaders(institution=institution),
            "assignments": assignments,
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


@require_GET
def favicon(request):
    """Browsers ask for /favicon.ico whatever the page says (the admin's pages say nothing)."""
    return redirect(static("favicon.svg"), permanent=True)
