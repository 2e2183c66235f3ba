"""Notifications in the app (everyone) and the health page with the schedules (administration)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from institutioner import access, paging
from institutioner.models import Notification, NotificationOptOut
from institutioner.notifications import services
from institutioner.notifications.forms import NotificationSettingsForm

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
    page = paging.page_of(mine.order_by("-created_at", "-pk"), request, PAGE_SIZE)
    return render(request, "institutioner/notifications/notification_list.html", {"page": page})


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
    kinds = access.notification_kinds_for(request.user)
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
        request, "institutioner/notifications/settings.html", {"form": form, "kinds": kinds}
    )
