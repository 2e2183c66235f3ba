"""This room's entry in the main menu, registered from ForloebConfig.ready()."""

from django.utils.translation import gettext_lazy as _

from forloeb import access
from institutioner.menu import MenuEntry, register

register(MenuEntry(_("Courses"), "course_list", visible=access.can_have_courses, order=30))
