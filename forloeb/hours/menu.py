"""This room's entry in the main menu, registered from ForloebConfig.ready()."""

from django.utils.translation import gettext_lazy as _

from forloeb import access
from institutioner.menu import MenuEntry, register

register(
    MenuEntry(
        _("Hours"),
        "hours",
        visible=access.can_see_hours,
        active_on=("hours", "week_sheet", "week_sheet_of", "hours_approval", "hours_delivered"),
        order=50,
    )
)
