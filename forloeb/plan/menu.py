"""This room's entry in the main menu, registered from ForloebConfig.ready()."""

from django.utils.translation import pgettext_lazy

from forloeb import access
from institutioner.menu import MenuEntry, register

register(
    MenuEntry(
        pgettext_lazy("menu", "Plan"),
        "plan",
        visible=access.can_see_week_plan,
        active_on=("plan", "week_plan", "absence_list", "absence_create", "calendar_feeds"),
        order=45,
    )
)
