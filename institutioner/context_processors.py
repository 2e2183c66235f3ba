from django.conf import settings

from institutioner import access

# Pages under "Hours" in the menu (the forloeb app's hour logging).
HOURS_URL_NAMES = (
    "hours",
    "week_sheet",
    "week_sheet_of",
    "hours_approval",
    "hours_delivered",
)


def navigation(request):
    user = request.user
    return {
        "is_administration": access.is_administration(user),
        "can_manage_master_data": access.can_manage_master_data(user),
        "hours_url_names": HOURS_URL_NAMES,
        "can_see_hours": user.is_authenticated and user.role != "staff",
        "lockout_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }
