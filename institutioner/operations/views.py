from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django_celery_beat.models import PeriodicTask

from institutioner import access
from institutioner.inputs import whole_numbers
from institutioner.models import ScheduleChange
from institutioner.notifications import services
from institutioner.operations import health, schedules
from institutioner.operations import services as operations_services
from institutioner.operations.forms import ScheduleForm
from institutioner.retention import services as retention_services
from institutioner.retention.registry import retention_period


def _administration_only(request) -> None:
    if not access.can_see_operations(request.user):
        raise Http404


@login_required
def operations(request):
    """The health page: broker, worker, schedules (with their times) and the outbox."""
    _administration_only(request)
    if request.method == "POST":
        if request.POST.get("action") != "retry":
            raise Http404
        ids = whole_numbers(request.POST.getlist("notifikation"))
        count = services.notifications_retry_failed(actor=request.user, ids=ids or None)
        if count:
            messages.success(
                request,
                ngettext(
                    "%(n)s e-mail is queued to be sent again.",
                    "%(n)s e-mails are queued to be sent again.",
                    count,
                )
                % {"n": count},
            )
        else:
            messages.info(request, _("There were no failed e-mails to send again."))
        return redirect("operations")
    state = health.health()
    return render(request, "institutioner/operations/operations.html", {"health": state})


@login_required
@require_safe
def retention_preview(request):
    """What the nightly retention run would anonymise or delete if it ran now (the dry run of
    `manage.py retention`), per kind of data: counts only, nothing is changed and no one's data
    is shown."""
    if not access.can_see_retention(request.user):
        raise Http404
    now = timezone.now()
    rows = [
        {
            "label": report.step.label,
            "period": retention_period(report.step),
            "before": timezone.localtime(report.before).date(),
            "count": report.count,
            "anonymises": report.anonymises,
        }
        for report in retention_services.retention_report(now=now)
    ]
    return render(
        request,
        "institutioner/operations/retention_preview.html",
        {
            "rows": rows,
            "now": now,
            "total": sum(row["count"] for row in rows),
            "can_see_operations": access.can_see_operations(request.user),
        },
    )


@login_required
def schedule_edit(request, pk: int):
    _administration_only(request)
    task = get_object_or_404(
        PeriodicTask.objects.select_related("crontab"),
        pk=pk,
        name__in=[s.name for s in schedules.all_schedules() if s.editable],
    )
    schedule = schedules.by_name(task.name)
    crontab = task.crontab
    initial = {"enabled": task.enabled}
    if crontab is not None:
        hours = sorted(int(h) for h in _parse(crontab.hour, 24))
        minutes = sorted(int(m) for m in _parse(crontab.minute, 60))
        initial["at"] = f"{hours[0]:02d}:{minutes[0]:02d}" if hours and minutes else ""
        initial["weekdays"] = [str(d) for d in sorted(_parse(crontab.day_of_week, 7))]
    form = ScheduleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        task = operations_services.schedule_change(
            actor=request.user,
            task_id=task.pk,
            at=form.cleaned_data["at"],
            day_of_week=form.day_of_week(),
            enabled=form.cleaned_data["enabled"],
        )
        if task.enabled:
            text = _("The time of “%(name)s” is saved: %(when)s.")
        else:
            text = _("“%(name)s” is switched off and sends nothing until it is switched on again.")
        messages.success(request, text % {"name": schedule.label, "when": health.describe(task)})
        return redirect("operations")
    return render(
        request,
        "institutioner/operations/schedule_edit.html",
        {
            "form": form,
            "task": task,
            "schedule": schedule,
            "changes": ScheduleChange.objects.filter(schedule=task.name).select_related("actor")[
                :10
            ],
        },
    )


def _parse(value: str, size: int) -> set[int]:
    from celery.schedules import crontab_parser

    return crontab_parser(size).parse(value)


@require_safe
@never_cache
def healthz(request):
    """Readiness, for load balancers and docker-compose: 200 "ok" when every required service
    (the database, and Redis when there is one) answers within its short timeout; otherwise
    503 with one line per service saying which failed. Never touches the session."""
    checks = health.readiness()
    failed = [name for name, detail in checks if detail != "ok"]
    if not failed:
        return HttpResponse("ok", content_type="text/plain; charset=utf-8")
    lines = [f"unavailable: {', '.join(failed)}", *(f"{name}: {detail}" for name, detail in checks)]
    response = HttpResponse(
        "\n".join(lines) + "\n", content_type="text/plain; charset=utf-8", status=503
    )
    response["Retry-After"] = str(settings.RETRY_AFTER_SECONDS)
    return response


@require_safe
@never_cache
def healthz_live(request):
    """Liveness: the process answers requests. Asks no other service, so an orchestrator does
    not restart healthy web processes because the database is away."""
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")
