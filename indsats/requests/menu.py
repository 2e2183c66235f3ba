"""This room's entries in the main menu, registered from IndsatsConfig.ready()."""

from django.utils.translation import gettext_lazy as _

from indsats import access
from institutioner.menu import MenuEntry, register

register(
    MenuEntry(_("Triage"), "triage_queue", visible=access.can_triage, order=10),
    MenuEntry(_("Requests"), "request_list", visible=access.sees_requests, order=20),
)
