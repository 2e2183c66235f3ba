from django.utils.translation import gettext_lazy as _

from institutioner import access
from institutioner.menu import MenuEntry, register

register(
    MenuEntry(
        label=_("Access log"),
        url_name="access_log_search",
        visible=access.can_search_access_log,
        active_on=(
            "access_log_search",
            "access_request_list",
            "access_request_detail",
        ),
        order=90,
    )
)
