from django.conf import settings
from django.utils.functional import SimpleLazyObject

from institutioner import access, menu
from institutioner.models import Notification


def navigation(request):
    user = request.user
    return {
        # Counted only when a template asks (the bell in the menu): one query, on an index.
        "unread_notifications": SimpleLazyObject(lambda: _unread(user)),
        "can_see_operations": access.can_see_operations(user),
        "can_manage_master_data": access.can_manage_master_data(user),
        "can_see_own_access_log": access.can_see_own_access_log(user),
        # The entries higher apps registered (institutioner/menu.py), those this person sees.
        "menu_entries": SimpleLazyObject(lambda: menu.entries_for(user)),
        "lockout_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }


def _unread(user) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient=user).unread().count()
