"""This room's entry in the main menu, registered from IndsatsConfig.ready()."""

from django.utils.translation import gettext_lazy as _

from indsats import access
from institutioner.menu import MenuEntry, register

register(
    MenuEntry(
        _("Compensatory support"),
        "support_list",
        visible=access.follows_support,
        active_on=(
            "support_list",
            "support_create",
            "support_detail",
            "support_edit",
            "support_document_create",
        ),
        order=25,
    ),
)
