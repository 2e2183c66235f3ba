from django.conf import settings
from django.utils.functional import SimpleLazyObject

from institutioner import access, menu
from institutioner.models import Notification
from institutioner.sso import selectors as sso_selectors


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
        # With LOCAL_PASSWORDS=false only the break-glass accounts get a reset e-mail: the
        # lockout and reset pages offer everyone else the municipality's login instead.
        "local_passwords": settings.LOCAL_PASSWORDS,
        "identity_login_methods": SimpleLazyObject(sso_selectors.login_methods),
    }


def _unread(user) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient=user).unread().count()
