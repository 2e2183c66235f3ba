"""This room's entry in the main menu, registered from ForloebConfig.ready()."""

from django.utils.translation import gettext_lazy as _

from institutioner.menu import MenuEntry, register

register(MenuEntry(_("Courses"), "course_list", order=30))
