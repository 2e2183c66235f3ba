"""The yearly report for the committee: choose a year, follow the build, download the PDF."""

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from forloeb import access
from forloeb.models import HourExportStatus
from forloeb.yearreport import services
from forloeb.yearreport.forms import YearForm
from institutioner.errors import StateError
from institutioner.files.services import stored_file_bytes


@login_required
def year_report_list(request):
    """The kept reports and the form that asks the worker for a new one."""
    access.year_report_institutions_for(request.user)  # 404 outside the administration
    form = YearForm(request.POST or None, initial={"year": timezone.localdate().year - 1})
    if request.method == "POST" and form.is_valid():
        try:
            report = services.year_report_start(actor=request.user, year=form.cleaned_data["year"])
        except StateError as error:
            form.add_error("year", error.message)
        else:
            return redirect("year_report_status", report.pk)
    return render(
        request,
        "forloeb/yearreport/list.html",
        {
            "form": form,
            "reports": access.year_reports_for(request.user)[:20],
            "can_see_pedagogist_dashboard": access.can_see_pedagogist_dashboard(request.user),
            "can_make_year_reports": access.can_make_year_reports(request.user),
        },
    )


@login_required
def year_report_status(request, pk: int):
    """The report's progress; the page reloads itself until the PDF is ready."""
    report = access.get_year_report_for(request.user, pk)
    if request.method == "POST":
        try:
            services.year_report_restart(actor=request.user, report=report)
        except StateError as error:
            messages.error(request, error.message)
        return redirect("year_report_status", report.pk)
    # A build stopped mid-way (a killed worker, a lost database) is failed, not reloaded forever.
    if report.status == HourExportStatus.RUNNING and services.year_reports_interrupted(
        report_ids=[report.pk]
    ):
        report.refresh_from_db()
    waiting = report.status in (HourExportStatus.WAITING, HourExportStatus.RUNNING)
    stale = report.status == HourExportStatus.WAITING and (
        timezone.now() - report.created_at > timedelta(minutes=5)
    )
    return render(
        request,
        "forloeb/yearreport/status.html",
        {
            "report": report,
            "waiting": waiting,
            "stale": stale,
            "retention_days": settings.RETENTION_EXPORT_DAYS,
        },
    )


@login_required
def year_report_download(request, pk: int):
    report = access.get_year_report_for(request.user, pk)
    if report.file_id is None:
        raise Http404
    response = HttpResponse(
        stored_file_bytes(file_id=report.file_id), content_type=services.PDF_TYPE
    )
    response["Content-Disposition"] = f'attachment; filename="{report.file_name}"'
    return response
