"""The week plan and the pedagogists' absence."""

from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from forloeb import access
from forloeb.plan import services
from forloeb.plan.forms import AbsenceForm
from forloeb.plan.weekplan import week_plan as build_week_plan
from institutioner.errors import StateError
from institutioner.forms import add_errors


def _monday(year: int, week: int) -> date:
    if not 2000 <= year <= 2100:
        raise Http404
    try:
        return date.fromisocalendar(year, week, 1)
    except ValueError:
        raise Http404 from None


def _week_url(monday: date) -> str:
    year, week, _day = monday.isocalendar()
    return reverse("week_plan", args=[year, week])


@login_required
def plan_home(request):
    """ "Plan" in the menu: this week's plan."""
    access.week_plan_scope_for(request.user)
    today = timezone.localdate()
    return redirect(_week_url(today - timedelta(days=today.weekday())))


@login_required
def week_plan(request, year: int, week: int):
    scope = access.week_plan_scope_for(request.user)
    monday = _monday(year, week)
    return render(
        request,
        "forloeb/plan/week_plan.html",
        {
            "monday": monday,
            "week_number": monday.isocalendar()[1],
            "friday": monday + timedelta(days=4),
            "previous_url": _week_url(monday - timedelta(weeks=1)),
            "next_url": _week_url(monday + timedelta(weeks=1)),
            "people": build_week_plan(scope, monday),
            "scope": scope,
            "can_record_absence": access.can_record_absence(request.user),
        },
    )


@login_required
def absence_list(request):
    if not access.can_record_absence(request.user):
        raise Http404
    since = timezone.localdate() - timedelta(days=31)
    absences = (
        access.absences_for(request.user)
        .filter(cancelled_at__isnull=True)
        .touching(since, date.max)
        .order_by("starts_on", "pedagogist__user__name")
    )
    return render(request, "forloeb/plan/absence_list.html", {"absences": absences})


@login_required
def absence_create(request):
    if not access.can_record_absence(request.user):
        raise Http404
    pedagogists = access.absence_pedagogists_for(request.user)
    form = AbsenceForm(request.POST or None, pedagogists=pedagogists)
    if request.method == "POST" and form.is_valid():
        try:
            absence = services.absence_record(
                actor=request.user,
                pedagogist_id=form.cleaned_data["pedagogist"].pk,
                data=form.absence_input(),
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request,
                _("The absence is recorded; the leaders of the affected institutions are told."),
            )
            return redirect(_week_url(absence.starts_on - timedelta(days=absence.starts_on.weekday())))
    return render(request, "forloeb/plan/absence_form.html", {"form": form})


@require_POST
@login_required
def absence_cancel(request, pk: int):
    absence = access.get_absence_for(request.user, pk)
    try:
        services.absence_cancel(actor=request.user, absence_id=absence.pk)
    except StateError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The absence is cancelled; the leaders are told."))
    return redirect("absence_list")
