"""This room's entry in the main menu, registered from ForloebConfig.ready()."""

from django.utils.translation import gettext_lazy as _

from forloeb import access
from institutioner.menu import MenuEntry, register

register(
    MenuEntry(
        _("Allocation"),
        "dashboard_districts",
        visible=access.can_see_dashboards,
        active_on=(
            "dashboard_districts",
            "dashboard_institutions",
            "dashboard_pedagogists",
            "dashboard_flow",
            "dashboard_effect",
            "year_report_list",
            "year_report_status",
        ),
        order=40,
    )
)
