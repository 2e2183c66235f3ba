"""The plan's kinds of message, registered from ForloebConfig.ready()."""

from institutioner.models import NotificationKind, Role
from institutioner.notifications import kinds

kinds.register(
    NotificationKind.ABSENCE,
    roles=(Role.LEADER,),
    template_prefixes=("absence_recorded", "absence_cancelled", "absence_clash_cleared"),
)
kinds.register(
    NotificationKind.PLAN_CHANGE,
    roles=(Role.LEADER, Role.PEDAGOGIST),
    template_prefixes=("plan_change_",),
)
