"""The week plan and the pedagogists' absence."""

from dataclasses import replace
from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from forloeb import access
from forloeb.models import AbsenceRepeat, CalendarFeed, FeedScope, PlanChangeKind
from forloeb.plan import selectors as plan_selectors
from forloeb.plan import services
from forloeb.plan.calendar import area_feed, feed_ics
from forloeb.plan.forms import (
    AbsenceForm,
    AbsenceShortenForm,
    PlanChangeDeclineForm,
    PlanChangeForm,
)
from forloeb.plan.weekplan import week_plan as build_week_plan
from indsats import access as indsats_access
from institutioner import paging
from institutioner.accesslog import services as access_log
from institutioner.errors import StateError
from institutioner.forms import add_errors
from institutioner.inputs import whole_number
from institutioner.models import Assignment, District, Pedagogist

# The administration's week plan: pedagogists to a page.
PLAN_PER_PAGE = 20


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
    page = districts = district = None
    if scope.pedagogist_ids is None and scope.institution_ids is None:
        # The administration sees everyone: a page of pedagogists at a time (at a large
        # municipality's size the whole area's week was 580 KB), by name, and a district's
        # pedagogists (attached to one of its institutions in the week) when one is chosen.
        districts = list(District.objects.order_by("name").values_list("pk", "name"))
        district = whole_number(request.GET.get("distrikt"))
        if district not in {pk for pk, _name in districts}:
            district = None
        people = Pedagogist.objects.filter(user__is_active=True).order_by("user__name", "pk")
        if district is not None:
            people = people.filter(
                pk__in=Assignment.objects.filter(
                    institution__district_id=district, valid_from__lte=monday + timedelta(days=4)
                )
                .not_ended(monday)
                .values("pedagogist_id")
            )
        page = paging.page_of(people.values_list("pk", flat=True), request, PLAN_PER_PAGE)
        scope = replace(scope, pedagogist_ids=list(page.object_list))
    # The week links keep the district and the page.
    query = f"?{request.GET.urlencode()}" if page is not None and request.GET else ""
    return render(
        request,
        "forloeb/plan/week_plan.html",
        {
            "monday": monday,
            "week_number": monday.isocalendar()[1],
            "friday": monday + timedelta(days=4),
            "previous_url": _week_url(monday - timedelta(weeks=1)) + query,
            "next_url": _week_url(monday + timedelta(weeks=1)) + query,
            "people": build_week_plan(scope, monday),
            "scope": scope,
            "can_record_absence": access.can_record_absence(request.user),
            "page": page,
            "page_query": paging.page_query(request),
            "districts": districts,
            "district": district,
        },
    )


@login_required
def absence_list(request):
    if not access.can_record_absence(request.user):
        raise Http404
    since = timezone.localdate() - timedelta(days=31)
    absences = list(
        access.absences_for(request.user)
        .filter(cancelled_at__isnull=True)
        .touching(since, date.max)
        .order_by("starts_on", "pedagogist__user__name")
    )
    today = timezone.localdate()
    for absence in absences:
        # One over, or partly over, can be cancelled too (recorded by mistake): the button says
        # what that does to the days past.
        absence.is_over = plan_selectors.last_day_of(absence) < today  # type: ignore[attr-defined]
        absence.has_begun = absence.starts_on < today  # type: ignore[attr-defined]
        # A single day, or a single repetition, has nothing to shorten: it is cancelled.
        absence.can_shorten = (  # type: ignore[attr-defined]
            absence.ends_on > absence.starts_on
            if absence.repeat_until is None
            else absence.starts_on
            + timedelta(days=7 if absence.repeat == AbsenceRepeat.WEEKLY else 14)
            <= absence.repeat_until
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
                _("The absence is recorded; the leaders of the affected institutions are told.")
                if getattr(absence, "leaders_told", 0)
                else _(
                    "The absence is recorded. It touches no practice days, so no leaders "
                    "have been told."
                ),
            )
            # The administration is told of each meeting (forloeb/plan/meetings.py); one who
            # moves meetings herself (triage) is the one to move it.
            own = indsats_access.can_triage(request.user)
            for meeting in getattr(absence, "meetings", []):
                messages.warning(
                    request,
                    (
                        _(
                            "The absence falls on the intake meeting %(day)s %(from)s–%(to)s at "
                            "%(place)s; it should be moved."
                        )
                        if own
                        else _(
                            "The absence falls on the intake meeting %(day)s %(from)s–%(to)s at "
                            "%(place)s; it should be moved, and the administration has been told."
                        )
                    )
                    % {
                        "day": date_format(timezone.localtime(meeting.starts_at), "l j. F"),
                        "from": f"{timezone.localtime(meeting.starts_at):%H:%M}",
                        "to": f"{timezone.localtime(meeting.ends_at):%H:%M}",
                        "place": meeting.request.institution.name,
                    },
                )
            return redirect(
                _week_url(absence.starts_on - timedelta(days=absence.starts_on.weekday()))
            )
    return render(request, "forloeb/plan/absence_form.html", {"form": form})


@require_POST
@login_required
def absence_cancel(request, pk: int):
    absence = access.get_absence_for(request.user, pk)
    try:
        absence = services.absence_cancel(actor=request.user, absence_id=absence.pk)
    except StateError as error:
        messages.error(request, str(error))
    else:
        if getattr(absence, "leaders_told", 0):
            done = _("The absence is cancelled; the leaders are told.")
        elif getattr(absence, "was_over", False):
            done = _(
                "The absence is cancelled. It was over, so no one has been told; the week plan "
                "and the dashboards no longer count it."
            )
        else:
            done = _(
                "The absence is cancelled. It touched no practice days ahead, so no leaders "
                "have been told."
            )
        messages.success(request, done)
        _freed_messages(request, absence)
    return redirect("absence_list")


def _freed_messages(request, absence) -> None:
    """After days of an absence are given back (cancelled or shortened): the saved week sheets
    with days past that keep their hours, the intake meetings that can be held as planned."""
    saved = getattr(absence, "saved_weeks", [])
    if saved:
        # Those sheets keep what was saved on them (hours once prefilled less the absence).
        weeks = "; ".join(
            _("week %(week)s, %(year)s")
            % {"week": monday.isocalendar()[1], "year": monday.isocalendar()[0]}
            for monday in saved
        )
        messages.info(
            request,
            ngettext(
                "The week sheet for %(weeks)s is already saved and keeps its hours; check "
                "them if the absence was taken off them.",
                "The week sheets for %(weeks)s are already saved and keep their hours; "
                "check them if the absence was taken off them.",
                len(saved),
            )
            % {"weeks": weeks},
        )
    for meeting in getattr(absence, "meetings_cleared", []):
        messages.info(
            request,
            _(
                "The intake meeting %(day)s %(from)s–%(to)s at %(place)s can be held as "
                "planned; the administration has been told."
            )
            % {
                "day": date_format(timezone.localtime(meeting.starts_at), "l j. F"),
                "from": f"{timezone.localtime(meeting.starts_at):%H:%M}",
                "to": f"{timezone.localtime(meeting.ends_at):%H:%M}",
                "place": meeting.request.institution.name,
            },
        )


@login_required
def absence_shorten(request, pk: int):
    """A shorter period for a recorded absence (she came back early): the days given back are
    free again, and whoever a cancel would tell of them is told."""
    absence = access.get_absence_for(request.user, pk)
    access_log.shown(request, absence)
    if absence.cancelled_at is not None:
        messages.info(request, _("This absence has already been cancelled."))
        return redirect("absence_list")
    form = AbsenceShortenForm(request.POST or None, absence=absence)
    if request.method == "POST" and form.is_valid():
        try:
            absence = services.absence_shorten(
                actor=request.user, absence_id=absence.pk, data=form.shorten_input()
            )
        except ValidationError as error:
            add_errors(form, error)
        except StateError as error:
            messages.info(request, error.message)
            return redirect("absence_list")
        else:
            messages.success(
                request,
                _("The absence is shortened; the leaders are told which days she comes after all.")
                if getattr(absence, "leaders_told", 0)
                else _(
                    "The absence is shortened. The days given back hold no practice days ahead, "
                    "so no leaders have been told."
                ),
            )
            _freed_messages(request, absence)
            return redirect("absence_list")
    return render(
        request,
        "forloeb/plan/absence_shorten.html",
        {"form": form, "absence": absence, "today": timezone.localdate()},
    )


# --- One-off changes to a course's plan (the form sits on the course's page) --------------------


@login_required
def plan_change_create(request, pk: int):
    """The form (also on the course's page): the pedagogist and the administration change the
    plan, a leader proposes. A refused change comes back here with what was typed."""
    course = access.get_course_for(request.user, pk)
    direct = access.can_change_plan(request.user, course)
    if not direct and not access.can_propose_plan_change(request.user, course):
        raise Http404
    ended_on = plan_selectors.period_ended_on(course)
    if ended_on is not None:
        # Every date would be refused: the form is not offered (the course page says why).
        messages.info(request, services.period_ended_text(ended_on))
        return redirect(reverse("course_detail", args=[course.pk]) + "#planens-aendringer")
    form = PlanChangeForm(request.POST or None, prefix="plan")
    if request.method == "POST" and form.is_valid():
        try:
            change = services.plan_change_make(
                actor=request.user,
                course_id=course.pk,
                data=form.change_input(),
                proposal=not direct,
            )
        except ValidationError as error:
            add_errors(form, error)
        except StateError as error:
            messages.error(request, error.message)
            return redirect("course_detail", pk=course.pk)
        else:
            messages.success(
                request,
                _("The change is in the plan; the institution's leaders are told.")
                if direct
                else _("Your proposal is sent to the pedagogist."),
            )
            _warn_clashes(request, change)
            return redirect(reverse("course_detail", args=[course.pk]) + "#planens-aendringer")
    return render(
        request,
        "forloeb/plan/change_form.html",
        {"course": course, "req": course.agreement.request, "form": form, "direct": direct},
    )


def _warn_clashes(request, change) -> None:
    """The day put in the plan has a pedagogist elsewhere at the same time: say where."""
    for line in getattr(change, "clashes", []):
        messages.warning(request, line)


def _answered_url(request, change) -> str:
    """Where an answer to a proposal goes back to: the start page it was given on, or the
    course's page. Only these two (never an address sent with the form)."""
    if request.POST.get("back") == "start":
        return reverse("start")
    return reverse("course_detail", args=[change.course_id]) + "#planens-aendringer"


def _decide(request, pk: int, decide, done: str):
    change = access.get_plan_change_to_decide(request.user, pk)
    try:
        decided = decide(actor=request.user, change_id=change.pk)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except StateError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)
        _warn_clashes(request, decided)
    return redirect(_answered_url(request, change))


@require_POST
@login_required
def plan_change_accept(request, pk: int):
    return _decide(
        request,
        pk,
        services.plan_change_accept,
        _("The change is in the plan; the leaders are told."),
    )


@require_POST
@login_required
def plan_change_decline(request, pk: int):
    """Decline a leader's proposal, with why if the pedagogist writes it (the course page's
    form). A reason that is refused (too long, a CPR number) comes back on a page of its own
    with what was typed and the message under it."""
    change = access.get_plan_change_to_decide(request.user, pk)
    form = PlanChangeDeclineForm(request.POST)
    if form.is_valid():
        try:
            services.plan_change_decline(
                actor=request.user, change_id=change.pk, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            add_errors(form, error)
        except StateError as error:
            messages.error(request, error.message)
            return redirect(_answered_url(request, change))
        else:
            messages.success(request, _("The proposal is declined; the leader is told."))
            return redirect(_answered_url(request, change))
    return render(
        request,
        "forloeb/plan/decline_form.html",
        {
            "change": change,
            "course": change.course,
            "form": form,
            "back": "start" if request.POST.get("back") == "start" else "",
        },
    )


@require_POST
@login_required
def plan_change_withdraw(request, pk: int):
    change = access.get_plan_change_to_withdraw(request.user, pk)
    try:
        change = services.plan_change_withdraw(
            actor=request.user, change_id=change.pk, seen_status=change.status
        )
    except StateError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _withdrawn_message(change))
    return redirect(reverse("course_detail", args=[change.course_id]) + "#planens-aendringer")


def _withdrawn_message(change) -> str:
    """What taking a change back did: a leader's proposal is withdrawn and the plan never
    changed; a change in the plan is undone, and its days are as agreed again."""
    if change.was_proposal:
        return _("The proposal is withdrawn; the plan is unchanged.")
    days = {
        "day": f"{change.day or change.new_day:%d.%m.%Y}",
        "new_day": f"{change.new_day:%d.%m.%Y}" if change.new_day else "",
    }
    if change.kind == PlanChangeKind.CANCEL:
        return _("The change is undone: %(day)s is a practice day again, as agreed.") % days
    if change.kind == PlanChangeKind.EXTRA:
        return _("The change is undone: the extra day %(day)s is out of the plan.") % days
    if change.day == change.new_day:
        return (
            _("The change is undone: the practice day %(day)s has its agreed times again.") % days
        )
    return (
        _("The change is undone: the practice day is on %(day)s again, as agreed, not %(new_day)s.")
        % days
    )


# --- Calendar subscriptions ---------------------------------------------------------------------


def _feed_url(request, feed) -> str:
    return request.build_absolute_uri(reverse("calendar_feed", args=[feed.pk, feed.secret]))


@login_required
def calendar_feeds(request):
    """The person's subscription addresses: her plan, her institutions', the area's."""
    choices = access.feed_choices_for(request.user)
    if not choices:
        raise Http404
    live = {
        (f.scope, f.institution_id): f
        for f in CalendarFeed.objects.filter(user=request.user, revoked_at__isnull=True)
    }
    rows = []
    for scope, institution in choices:
        feed = live.get((scope, institution.pk if institution else None))
        rows.append(
            {
                "scope": scope,
                "label": _feed_label(scope),
                "institution": institution,
                "feed": feed,
                "url": _feed_url(request, feed) if feed else "",
                # The same address for a calendar program to subscribe to at a click.
                "webcal": _feed_url(request, feed)
                .replace("https://", "webcal://", 1)
                .replace("http://", "webcal://", 1)
                if feed
                else "",
            }
        )
    return render(request, "forloeb/plan/calendar_feeds.html", {"rows": rows})


@require_POST
@login_required
def calendar_feed_make(request):
    scope = request.POST.get("scope", "")
    institution_id = whole_number(request.POST.get("institution"))
    if not access.can_subscribe(request.user, scope, institution_id):
        raise Http404
    had_one = services.live_feeds(
        actor=request.user, scope=scope, institution_id=institution_id
    ).exists()
    if had_one and request.POST.get("confirmed") != "yes":
        # A new address ends the one calendars use now: asked first, on a page of its own
        # (no script needed), as the QA found it gone at a click.
        institution = next(
            (
                place
                for choice, place in access.feed_choices_for(request.user)
                if choice == scope and (place.pk if place else None) == institution_id
            ),
            None,
        )
        return render(
            request,
            "forloeb/plan/calendar_feed_confirm.html",
            {
                "scope": scope,
                "label": _feed_label(scope),
                "institution": institution,
                "institution_id": institution_id,
            },
        )
    services.calendar_feed_make(actor=request.user, scope=scope, institution_id=institution_id)
    if had_one:
        messages.success(
            request,
            _("The new address is ready. An address you made before no longer works."),
        )
    else:
        messages.success(request, _("The address is ready."))
    return redirect("calendar_feeds")


def _feed_label(scope: str) -> str:
    """The heading of a calendar: "Institutionens plan: Børnehuset Mariehønen" (the name
    follows), not "En institutions plan: ..."."""
    if scope == FeedScope.INSTITUTION:
        return _("The institution's plan")
    return str(FeedScope(scope).label)


@require_POST
@login_required
def calendar_feed_revoke(request, pk: int):
    feed = access.get_own_feed(request.user, pk)
    if feed.revoked_at is not None:
        messages.info(request, _("This subscription was already stopped."))
        return redirect("calendar_feeds")
    if request.POST.get("confirmed") != "yes":
        # Stopping ends the address every subscribed calendar uses: asked first, as a new
        # address is (calendar_feed_make), on a page of its own.
        return render(
            request,
            "forloeb/plan/calendar_feed_stop_confirm.html",
            {"feed": feed, "label": _feed_label(feed.scope), "institution": feed.institution},
        )
    services.calendar_feed_revoke(actor=request.user, feed_id=feed.pk)
    messages.success(request, _("The subscription is stopped; the address no longer works."))
    return redirect("calendar_feeds")


def calendar_feed(request, pk: int, secret: str):
    """The calendar itself, read by calendar programs without a login: the address is the key."""
    feed = access.get_feed_by_address(pk, secret)
    scope = access.feed_scope_for(feed)
    if scope is None:
        raise Http404
    # The row in the access log names whose feed was read, never the secret of its address.
    request.user = feed.user
    if request.resolver_match is not None:
        request.resolver_match.kwargs.pop("secret", None)
    # The area's is the same for every subscriber and takes seconds to build on a large
    # municipality: from the shared cache, which the worker keeps fresh (plan/calendar.py).
    body = area_feed(feed, scope) if feed.scope == FeedScope.AREA else feed_ics(feed, scope)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    return response
