"""Notifications in the app (everyone) and the health page with the schedules (administration)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_celery_beat.models import PeriodicTask

from institutioner import access, health, schedules, services
from institutioner.forms import NotificationSettingsForm, ScheduleForm
from institutioner.models import KINDS_BY_ROLE, Notification, NotificationOptOut

PAGE_SIZE = 25


@login_required
def notification_list(request):
    """The person's own notifications, newest first; "mark all as read" is a POST."""
    if request.method == "POST":
        marked = services.notification_mark_read(user=request.user)
        if marked:
            messages.success(
                request,
                ngettext(
                    "%(n)s notification marked as read.",
                    "%(n)s notifications marked as read.",
                    marked,
                )
                % {"n": marked},
            )
        return redirect("notifications")
    mine = Notification.objects.filter(recipient=request.user).only(
        "pk", "subject", "body_text", "created_at", "read_at", "url", "kind", "status"
    )
    page = Paginator(mine.order_by("-created_at", "-pk"), PAGE_SIZE).get_page(
        request.GET.get("side")
    )
    return render(request, "institutioner/notifications.html", {"page": page})


@login_required
def notification_open(request, pk: int):
    """Open a notification: it counts as read and leads to the page it is about."""
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    services.notification_mark_read(user=request.user, notification_id=notification.pk)
    if notification.url and url_has_allowed_host_and_scheme(
        notification.url, allowed_hosts={request.get_host()}
    ):
        return redirect(notification.url)
    return redirect(f"{_list_url()}#notifikation-{notification.pk}")


def _list_url() -> str:
    return reverse("notifications")


@login_required
def notification_settings(request):
    kinds = KINDS_BY_ROLE.get(request.user.role, ())
    off = set(NotificationOptOut.objects.filter(user=request.user).values_list("kind", flat=True))
    form = NotificationSettingsForm(
        request.POST or None, kinds=kinds, initial={"emailed": [k for k in kinds if k not in off]}
    )
    if request.method == "POST" and form.is_valid():
        services.notification_preferences_save(
            user=request.user, emailed_kinds=form.cleaned_data["emailed"]
        )
        messages.success(request, _("Your choice of e-mails is saved."))
        return redirect("notification_settings")
    return render(
        request, "institutioner/notification_settings.html", {"form": form, "kinds": kinds}
    )


def _administration_only(request) -> None:
    if not access.is_administration(request.user):
        raise Http404


@login_required
def operations(request):
    """The health page: broker, worker, schedules (with their times) and the outbox."""
    _administration_only(request)
    if request.method == "POST":
        if request.POST.get("action") != "retry":
            raise Http404
        ids = [int(v) for v in request.POST.getlist("notifikation") if v.isdigit()]
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
    return render(request, "institutioner/operations.html", {"health": state})


@login_required
def schedule_edit(request, pk: int):
    _administration_only(request)
    task = get_object_or_404(
        PeriodicTask.objects.select_related("crontab"),
        pk=pk,
        name__in=[s.name for s in schedules.SCHEDULES if s.editable],
    )
    schedule = schedules.BY_NAME[task.name]
    crontab = task.crontab
    initial = {"enabled": task.enabled}
    if crontab is not None:
        hours = sorted(int(h) for h in _parse(crontab.hour, 24))
        minutes = sorted(int(m) for m in _parse(crontab.minute, 60))
        initial["at"] = f"{hours[0]:02d}:{minutes[0]:02d}" if hours and minutes else ""
        initial["weekdays"] = [str(d) for d in sorted(_parse(crontab.day_of_week, 7))]
    form = ScheduleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        at = form.cleaned_data["at"]
        with transaction.atomic():
            task = PeriodicTask.objects.select_for_update().get(pk=task.pk)
            task.crontab = schedules.crontab_for(
                hour=str(at.hour), minute=str(at.minute), day_of_week=form.day_of_week()
            )
            task.enabled = form.cleaned_data["enabled"]
            # The beat notices the change at its next look at the table (within about a minute).
            task.save()
        if task.enabled:
            text = _("The time of “%(name)s” is saved: %(when)s.")
        else:
            text = _("“%(name)s” is switched off and sends nothing until it is switched on again.")
        messages.success(request, text % {"name": schedule.label, "when": health.describe(task)})
        return redirect("operations")
    return render(
        request,
        "institutioner/schedule_edit.html",
        {"form": form, "task": task, "schedule": schedule},
    )


def _parse(value: str, size: int) -> set[int]:
    from celery.schedules import crontab_parser

    return crontab_parser(size).parse(value)
