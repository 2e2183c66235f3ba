"""This room's entry in the main menu, registered from ForloebConfig.ready()."""

from django.utils.translation import gettext_lazy as _

from forloeb import access
from institutioner.menu import MenuEntry, register

register(
    MenuEntry(
        _("Lasting change"),
        "follow_up_list",
        visible=access.can_see_follow_ups,
        active_on=("follow_up_list", "follow_up_answer"),
        order=35,
    )
)
