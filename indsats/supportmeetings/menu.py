"""This room's entry in the main menu, registered from IndsatsConfig.ready()."""

from django.utils.translation import gettext_lazy as _

from indsats import access
from institutioner.menu import MenuEntry, register

register(
    MenuEntry(
        _("Visitation meetings"),
        "visitation_meeting_list",
        visible=access.works_with_support,
        active_on=(
            "visitation_meeting_list",
            "visitation_meeting_detail",
            "visitation_meeting_create",
            "visitation_meeting_edit",
        ),
        order=26,
    ),
)
