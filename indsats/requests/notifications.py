"""The kinds of message this room sends, registered from IndsatsConfig.ready()."""

from institutioner.models import NotificationKind, Role
from institutioner.notifications import kinds

kinds.register(
    NotificationKind.REQUESTS,
    roles=(Role.LEADER, Role.PEDAGOGIST, Role.ADMINISTRATION),
    template_prefixes=("request_",),
)
kinds.register(
    NotificationKind.MEETINGS,
    roles=(Role.LEADER, Role.PEDAGOGIST, Role.ADMINISTRATION, Role.STAFF),
    template_prefixes=("meeting_",),
)
