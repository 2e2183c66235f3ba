"""The week sheet, the approval of months, the hours delivered and the exports."""

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import Min, Q, Sum
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from forloeb import access
from forloeb.hours import export, services
from forloeb.hours import weeks as hours
from forloeb.hours.forms import ExportPeriodForm, PeriodForm, WeekForm
from forloeb.models import HourCategory, HourEntry, HourExportStatus, SheetStatus, WeekSheet
from institutioner import access as org_access
from institutioner import paging
from institutioner.accesslog import services as access_log
from institutioner.errors import StateError
from institutioner.files.services import stored_file_bytes
from institutioner.history import history_rows
from institutioner.inputs import whole_number
from institutioner.models import Pedagogist


def _monday(year: int, week: int) -> date:
    if not 2000 <= year <= 2100:
        raise Http404
    try:
        return date.fromisocalendar(year, week, 1)
    except ValueError:
        raise Http404 from None


def _week_url(name: str, monday: date, *args) -> str:
    year, week, _day = monday.isocalendar()
    return reverse(name, args=[*args, year, week])


@login_required
def hours_home(request):
    """ "Timer" in the menu: the pedagogist's own week, the administration's approval, and the
    hours delivered for everyone else."""
    if access.keeps_week_sheets(request.user):
        return redirect(_week_url("week_sheet", hours.this_monday()))
    if access.can_approve_hours(request.user):
        return redirect("hours_approval")
    if not access.can_see_hours(request.user):
        raise Http404
    return redirect("hours_delivered")


def _week_context(pedagogist: Pedagogist, monday: date, grid: hours.Grid) -> dict:
    previous, following = monday - timedelta(weeks=1), monday + timedelta(weeks=1)
    first, last = hours.first_allowed_monday(), hours.last_allowed_monday()
    too_far, too_old = monday > last, monday < first
    status = grid.sheet.status if grid.sheet else SheetStatus.OPEN
    # A week outside the range that was never saved is not "open": it cannot be filled in.
    shows_status = grid.sheet is not None or not (too_far or too_old)
    return {
        "pedagogist": pedagogist,
        "monday": monday,
        "sunday": monday + timedelta(days=6),
        "label": hours.week_label(monday),
        "grid": grid,
        "status": status,
        "status_label": SheetStatus(status).label if shows_status else "",
        "too_far": too_far,
        "too_old": too_old,
        "is_this_week": monday == hours.this_monday(),
        "warnings": hours.grid_warnings(pedagogist, grid),
        "can_submit": monday <= hours.this_monday(),
        "categories": hours.CATEGORIES,
        "previous_week": previous if previous >= first else None,
        "next_week": following if following <= last else None,
    }


@login_required
def week_sheet(request, year: int, week: int):
    pedagogist = access.get_own_pedagogist(request.user)
    monday = _monday(year, week)
    grid = hours.week_grid(pedagogist, monday, copy_previous=request.GET.get("kopi") == "1")
    context = _week_context(pedagogist, monday, grid)
    editable = (
        context["status"] == SheetStatus.OPEN and not context["too_far"] and not context["too_old"]
    )
    changed_meanwhile = ""
    if request.method == "POST":
        form = WeekForm(request.POST, grid=grid)
        submit = request.POST.get("action") == "submit"
        if form.is_valid():
            try:
                services.week_save(
                    actor=request.user,
                    pedagogist=pedagogist,
                    monday=monday,
                    values=form.values(),
                    note=form.cleaned_data["note"],
                    submit=submit,
                    expected_stamp=form.cleaned_data["sheet_stamp"],
                )
            except services.WeekChangedMeanwhile as error:
                # Keep what was typed; a second Save now means "mine, knowing about the other".
                # Said above the form, not as a field error: no field is wrong.
                data = request.POST.copy()
                data["sheet_stamp"] = hours.saved_stamp(pedagogist, monday)
                form = WeekForm(data, grid=grid)
                form.is_valid()
                changed_meanwhile = error.message
            except StateError as error:
                messages.error(request, error.message)
                return redirect(request.path)
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                if submit:
                    messages.success(
                        request, _("%(week)s is submitted.") % {"week": context["label"]}
                    )
                else:
                    messages.success(request, _("The week is saved."))
                return redirect(request.path)
    else:
        form = WeekForm(grid=grid)
    context.update(
        {
            "form": form,
            "editable": editable,
            "own": True,
            "changed_meanwhile": changed_meanwhile,
        }
    )
    return render(request, "forloeb/hours/week_sheet.html", context)


@require_POST
@login_required
def week_reopen(request, year: int, week: int):
    pedagogist = access.get_own_pedagogist(request.user)
    monday = _monday(year, week)
    try:
        services.week_reopen(actor=request.user, pedagogist=pedagogist, monday=monday)
    except StateError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The week is open again. Submit it when it is right."))
    return redirect(_week_url("week_sheet", monday))


@login_required
def week_sheet_of(request, pk: int, year: int, week: int):
    """The administration reads a pedagogist's week (read only)."""
    pedagogist = access.get_pedagogist_for_week_sheets(request.user, pk)
    access_log.shown(request, pedagogist)
    monday = _monday(year, week)
    grid = hours.week_grid(pedagogist, monday)
    context = _week_context(pedagogist, monday, grid)
    context.update({"form": WeekForm(grid=grid), "editable": False, "own": False})
    if access.can_see_week_sheet_history(request.user):
        sheet_ids = list(
            WeekSheet.objects.filter(pedagogist=pedagogist, week_start=monday).values_list(
                "pk", flat=True
            )
        )
        context["history_rows"] = history_rows(
            WeekSheet.history.filter(id__in=sheet_ids),
            (
                HourEntry.history.filter(sheet_id__in=sheet_ids),
                lambda record: record.get_category_display(),
            ),
        )
    return render(request, "forloeb/hours/week_sheet.html", context)


def _month(value: str | None, user, bounds) -> tuple[int, int] | None:
    """The month "2026-11" from the query string, None if wrong. Without one: the oldest month
    with a week waiting for approval, or else last month."""
    if not value:
        oldest = (
            access.week_sheets_for(user)
            .filter(status=SheetStatus.SUBMITTED)
            .order_by("week_start")
            .values_list("week_start", flat=True)
            .first()
        )
        if oldest is not None:
            return hours.month_of_week(oldest)
        last = timezone.localdate().replace(day=1) - timedelta(days=1)
        return last.year, last.month
    year_part, _dash, month_part = value.partition("-")
    year, month = whole_number(year_part), whole_number(month_part)
    if year is None or month is None or not 1 <= month <= 12:
        return None
    earliest, latest = bounds
    if not earliest <= (year, month) <= latest:
        # A month written right but outside the months there can be anything in (2027-06,
        # 1990-01): the page says which months there are, not how to write one.
        raise _MonthOutOfRange
    return year, month


class _MonthOutOfRange(Exception):
    pass


def _month_range_text(bounds) -> str:
    (first_year, first_month), (last_year, last_month) = bounds
    return _("Choose a month from %(earliest)s to %(latest)s.") % {
        "earliest": date_format(date(first_year, first_month, 1), "F Y"),
        "latest": date_format(date(last_year, last_month, 1), "F Y"),
    }


def _month_bounds(user) -> tuple[tuple[int, int], tuple[int, int]]:
    """The months there can be anything to approve in: from January of the first week sheet's
    year (this year's if there is none) to next month. A month such as 2099-01 was shown as
    if it were one, empty, with every week "not submitted"."""
    today = timezone.localdate()
    first = access.week_sheets_for(user).aggregate(first=Min("week_start"))["first"]
    return ((first or today).year, 1), (today.year + today.month // 12, today.month % 12 + 1)


def _shift_month(year: int, month: int, step: int) -> str:
    month += step
    year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    return f"{year:04d}-{month:02d}"


@login_required
def hours_approval(request):
    """The administration's month: each pedagogist's weeks with status and hours, and the
    approval of the month once every week is submitted."""
    if not access.can_approve_hours(request.user):
        raise Http404
    bounds = _month_bounds(request.user)
    try:
        chosen = _month(
            request.POST.get("maaned") or request.GET.get("maaned"), request.user, bounds
        )
    except _MonthOutOfRange:
        messages.error(request, _month_range_text(bounds))
        return redirect("hours_approval")
    if chosen is None:
        messages.error(request, _("Choose a month as year and month, e.g. 2026-11."))
        return redirect("hours_approval")
    year, month = chosen
    if request.method == "POST":
        pedagogist_id = whole_number(request.POST.get("paedagog"))
        if pedagogist_id is None:
            raise Http404
        pedagogist = access.get_pedagogist_for_week_sheets(request.user, pedagogist_id)
        try:
            approved = services.month_approve(
                actor=request.user, pedagogist=pedagogist, year=year, month=month
            )
        except StateError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)s week of %(name)s is approved.",
                    "%(count)s weeks of %(name)s are approved.",
                    len(approved),
                )
                % {"name": pedagogist.user.name, "count": len(approved)},
            )
        # Back to the page the approval was made on.
        side = whole_number(request.POST.get("side"))
        page_part = f"&side={side}" if side and side > 1 else ""
        return redirect(f"{reverse('hours_approval')}?maaned={year:04d}-{month:02d}{page_part}")
    mondays = hours.weeks_of_month(year, month)
    # 50 pedagogists to a page, by name, the month kept in the page links.
    page = paging.page_of(
        org_access.pedagogists_for(request.user)
        .select_related("user")
        .order_by("user__name", "pk"),
        request,
    )
    pedagogists = list(page.object_list)
    sheets = (
        access.week_sheets_for(request.user)
        .filter(week_start__in=mondays, pedagogist__in=pedagogists)
        .annotate(
            total=Sum("entries__hours"),
            practice=Sum("entries__hours", filter=Q(entries__category=HourCategory.PRACTICE)),
        )
        .values("pk", "pedagogist_id", "week_start", "status", "total", "practice", "note")
    )
    by_key = {(s["pedagogist_id"], s["week_start"]): s for s in sheets}
    rows = []
    for pedagogist in pedagogists:
        weeks = []
        statuses = []
        total = practice = Decimal("0")
        for monday in mondays:
            sheet = by_key.get((pedagogist.pk, monday))
            weeks.append(
                {
                    "monday": monday,
                    "sheet": sheet,
                    "status_label": SheetStatus(sheet["status"]).label if sheet else "",
                    "url": _week_url("week_sheet_of", monday, pedagogist.pk),
                }
            )
            statuses.append(sheet["status"] if sheet else None)
            if sheet:
                total += sheet["total"] or 0
                practice += sheet["practice"] or 0
        rows.append(
            {
                "pedagogist": pedagogist,
                "weeks": weeks,
                "total": total,
                "practice_share": round(practice * 100 / total) if total else None,
                "approved": all(s == SheetStatus.APPROVED for s in statuses),
                "ready": all(s in (SheetStatus.SUBMITTED, SheetStatus.APPROVED) for s in statuses)
                and SheetStatus.SUBMITTED in statuses,
            }
        )
    return render(
        request,
        "forloeb/hours/approval.html",
        {
            "rows": rows,
            "mondays": [(m, m.isocalendar()[1]) for m in mondays],
            "month": date(year, month, 1),
            "month_value": f"{year:04d}-{month:02d}",
            "previous_month": _shift_month(year, month, -1),
            "next_month": _shift_month(year, month, 1),
            "has_previous": (year, month) > bounds[0],
            "has_next": (year, month) < bounds[1],
            "page": page,
            "page_query": f"maaned={year:04d}-{month:02d}",
        },
    )


def _period_is_valid(form: PeriodForm) -> bool:
    """The dates are good (another filter of the form may still be wrong)."""
    form.is_valid()
    return not any(name in form.errors for name in ("fra", "til", NON_FIELD_ERRORS))


def _period(
    request,
    form_class=PeriodForm,
    *,
    default: tuple[date, date] | None = None,
    fallback: str | None = None,
    **form_kwargs,
) -> tuple[PeriodForm, date, date]:
    """The chosen period, or `default` (the last eight weeks up to this one). A missing date is
    found from the other (a period as long as the default, or up to the default's end), and the
    date boxes show the dates used. A bad period keeps what was typed and says that the
    default is shown instead."""
    if default is None:
        default = (
            hours.this_monday() - timedelta(weeks=7),
            hours.this_monday() + timedelta(days=6),
        )
    default_start, default_end = default
    data = request.GET.copy() if request.GET else None
    form = form_class(data, initial={"fra": default_start, "til": default_end}, **form_kwargs)
    if data is not None and _period_is_valid(form):
        start, end = form.cleaned_data["fra"], form.cleaned_data["til"]
        if start is None and end is not None:
            start = end - (default_end - default_start)
        start = start or default_start
        end = end or max(start, default_end)
        if end < start:
            form.add_error(None, _("The end of the period is before its start."))
        elif form.MAX_WEEKS is not None and (end - start).days > form.MAX_WEEKS * 7:
            form.add_error(None, _("Choose a period of at most two years."))
        else:
            data["fra"], data["til"] = start.isoformat(), end.isoformat()
            return form, start, end
    if data is not None:
        form.add_error(None, fallback or _("The table shows the last eight weeks instead."))
        for name, value in (("fra", default_start), ("til", default_end)):
            if not data.get(name):
                data[name] = value.isoformat()
    return form, default_start, default_end


@login_required
def hours_delivered(request):
    """Hours delivered per course and week, on the courses the person may see: a leader sees
    their institutions' courses and nothing of the pedagogists' other work."""
    if not access.can_see_hours(request.user):
        raise Http404
    form, start, end = _period(request)
    mondays = hours.weeks_between(start, end)
    courses = access.courses_for(request.user)
    # The courses with hours delivered in the weeks or an agreement running in them, 50 to a
    # page (counted and cut in the database; the agreed hours are read for the page's rows
    # only), then the page's hours.
    listed = hours.with_agreed(
        courses.filter(hours.delivered_in(mondays) | hours.agreed_in(mondays[0], mondays[-1]))
    ).order_by("agreement__request__institution__name", "pk")
    page = paging.page_of(listed, request)
    shown = list(page.object_list)
    cells = hours.delivered(courses.filter(pk__in=[c.pk for c in shown]), mondays) if shown else {}
    totals: dict[int, Decimal] = defaultdict(Decimal)
    rows = []
    for course in shown:
        week_cells = []
        for monday in mondays:
            cell = cells.get((course.pk, monday))
            week_cells.append(cell)
            if cell:
                totals[course.pk] += cell["total"]
        rows.append(
            {
                "course": course,
                "label": hours.course_label(course),
                "detail": hours.course_detail(course),
                "cells": week_cells,
                "total": totals[course.pk],
            }
        )
    query = paging.page_query(request)  # the exports take the period, not the page
    return render(
        request,
        "forloeb/hours/delivered.html",
        {
            "form": form,
            "rows": rows,
            "mondays": [(m, m.isocalendar()[1]) for m in mondays],
            "query": query,
            "start": start,
            "end": end,
            "page": page,
            "page_query": paging.page_query(request),
        },
    )


def _export_period(request) -> tuple[date, date] | None:
    """The period of an export (any length); None after saying that the export was not made
    (the page it returns to says what is wrong with the period, beside the form)."""
    form, start, end = _period(request, ExportPeriodForm)
    if form.is_bound and not form.is_valid():
        messages.error(request, _("Choose a valid period: the export was not made."))
        return None
    return start, end


def _back_to_delivered(request):
    return redirect(f"{reverse('hours_delivered')}?{request.GET.urlencode()}")


@login_required
def hours_export(request, fmt: str):
    """The hours of a period as CSV (streamed from the database) or Excel (in the request when
    small, otherwise the page that builds it in the background)."""
    if fmt not in ("csv", "xlsx") or not access.can_see_hours(request.user):
        raise Http404
    period = _export_period(request)
    if period is None:
        return _back_to_delivered(request)
    start, end = period
    entries = export.entries_between(access.hour_entries_for(request.user), start, end)
    name = f"timer-{start:%Y-%m-%d}-{end:%Y-%m-%d}"
    if fmt == "csv":
        return export.as_csv(entries, name)
    if entries.count() > settings.HOURS_EXPORT_XLSX_INLINE_ROWS:
        query = urlencode({"fra": start.isoformat(), "til": end.isoformat()})
        return redirect(f"{reverse('hours_export_new')}?{query}")
    return export.as_xlsx(entries, name)


@login_required
def hours_export_new(request):
    """A large Excel export: how many rows, and the button that hands it to the worker."""
    if not access.can_see_hours(request.user):
        raise Http404
    if request.method == "POST":
        form = ExportPeriodForm(request.POST)
        if not form.is_valid() or not form.cleaned_data["fra"] or not form.cleaned_data["til"]:
            messages.error(request, _("Choose a valid period."))
            return redirect("hours_delivered")
        try:
            started = services.hour_export_start(
                actor=request.user, start=form.cleaned_data["fra"], end=form.cleaned_data["til"]
            )
        except StateError as error:
            messages.error(request, error.message)
            return redirect("hours_delivered")
        return redirect("hours_export_status", started.pk)
    period = _export_period(request)
    if period is None:
        return _back_to_delivered(request)
    start, end = period
    rows = export.entries_between(access.hour_entries_for(request.user), start, end).count()
    return render(
        request,
        "forloeb/hours/export_new.html",
        {
            "start": start,
            "end": end,
            "rows": rows,
            "too_many": rows > settings.HOURS_EXPORT_XLSX_INLINE_ROWS,
            "limit": settings.HOURS_EXPORT_XLSX_INLINE_ROWS,
            "recent": access.hour_exports_for(request.user)[:5],
        },
    )


def _export_gone(request):
    """An export that is not there, or not the person's: still a 404, the same for both (it
    tells nobody whether someone else's exists), but saying that a finished export is deleted
    after its days, as the notification that it was ready still links here."""
    return render(
        request,
        "forloeb/hours/export_gone.html",
        {
            "retention_days": settings.RETENTION_EXPORT_DAYS,
            "can_export": access.can_see_hours(request.user),
        },
        status=404,
    )


@login_required
def hours_export_status(request, pk: int):
    """The export's progress; the page reloads itself until the file is ready."""
    try:
        hour_export = access.get_hour_export_for(request.user, pk)
    except Http404:
        return _export_gone(request)
    if request.method == "POST":
        try:
            services.hour_export_restart(actor=request.user, export=hour_export)
        except StateError as error:
            messages.error(request, error.message)
        return redirect("hours_export_status", hour_export.pk)
    # A build stopped mid-way (a killed worker, a lost database) is failed, not reloaded forever.
    if hour_export.status == HourExportStatus.RUNNING and services.hour_exports_interrupted(
        export_ids=[hour_export.pk]
    ):
        hour_export.refresh_from_db()
    waiting = hour_export.status in (HourExportStatus.WAITING, HourExportStatus.RUNNING)
    stale = (
        hour_export.status == HourExportStatus.WAITING
        and timezone.now() - hour_export.created_at > timedelta(minutes=5)
    )
    return render(
        request,
        "forloeb/hours/export_status.html",
        {
            "export": hour_export,
            "waiting": waiting,
            "stale": stale,
            "retention_days": settings.RETENTION_EXPORT_DAYS,
        },
    )


@login_required
def hours_export_download(request, pk: int):
    try:
        hour_export = access.get_hour_export_for(request.user, pk)
    except Http404:
        return _export_gone(request)
    if hour_export.file_id is None:
        raise Http404
    response = HttpResponse(
        stored_file_bytes(file_id=hour_export.file_id), content_type=export.XLSX_TYPE
    )
    response["Content-Disposition"] = f'attachment; filename="{hour_export.file_name}"'
    return response
