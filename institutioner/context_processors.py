from django.conf import settings

from institutioner import access


def navigation(request):
    user = request.user
    return {
        "is_administration": access.is_administration(user),
        "can_manage_master_data": access.can_manage_master_data(user),
        "lockout_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }
