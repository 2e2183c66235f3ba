from django.conf import settings
from django.utils.functional import SimpleLazyObject

from institutioner import access
from institutioner.models import Notification

# Pages under "Hours" in the menu (the forloeb app's hour logging).
HOURS_URL_NAMES = (
    "hours",
    "week_sheet",
    "week_sheet_of",
    "hours_approval",
    "hours_delivered",
)

# Pages under "Allocation" (the forloeb app's dashboards).
DASHBOARD_URL_NAMES = (
    "dashboard_districts",
    "dashboard_institutions",
    "dashboard_pedagogists",
    "dashboard_flow",
)


def navigation(request):
    user = request.user
    return {
        # Counted only when a template asks (the bell in the menu): one query, on an index.
        "unread_notifications": SimpleLazyObject(lambda: _unread(user)),
        "is_administration": access.is_administration(user),
        "can_manage_master_data": access.can_manage_master_data(user),
        "hours_url_names": HOURS_URL_NAMES,
        "dashboard_url_names": DASHBOARD_URL_NAMES,
        "can_see_hours": user.is_authenticated and user.role != "staff",
        "lockout_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }


def _unread(user) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
