"""This room's entry in the main menu, registered from ForloebConfig.ready()."""

from django.utils.translation import gettext_lazy as _

from institutioner import access as org_access
from institutioner.menu import MenuEntry, register


def _sees_allocation(user) -> bool:
    """The administration sees every institution's figures, a leader those of their own."""
    return org_access.is_administration(user) or org_access.is_leader(user)


register(
    MenuEntry(
        _("Allocation"),
        "dashboard_districts",
        visible=_sees_allocation,
        active_on=(
            "dashboard_districts",
            "dashboard_institutions",
            "dashboard_pedagogists",
            "dashboard_flow",
        ),
        order=40,
    )
)
