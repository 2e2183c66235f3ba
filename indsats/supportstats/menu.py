"""This room's entry in the main menu, registered from IndsatsConfig.ready()."""

from django.utils.translation import gettext_lazy as _

from indsats import access
from institutioner.menu import MenuEntry, register

register(
    MenuEntry(
        _("Support statistics"),
        "support_statistics",
        visible=access.works_with_support,
        order=42,
    ),
)
