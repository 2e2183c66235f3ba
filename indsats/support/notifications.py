"""The kinds of message this room sends, registered from IndsatsConfig.ready()."""

from institutioner.models import NotificationKind, Role
from institutioner.notifications import kinds

kinds.register(
    NotificationKind.SUPPORT,
    roles=(Role.LEADER, Role.PEDAGOGIST, Role.ADMINISTRATION, Role.CONSULTANT),
    template_prefixes=("support_",),
)
