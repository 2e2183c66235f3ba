"""The kinds of message this room sends, registered from IndsatsConfig.ready()."""

from institutioner.models import NotificationKind, Role
from institutioner.notifications import kinds

# The committee's invitations (plan, change, cancel).
kinds.register(
    NotificationKind.VISITATION_MEETINGS,
    roles=(Role.CONSULTANT, Role.ADMINISTRATION),
    template_prefixes=("visitation_",),
)
# The decision, to the institution's leaders.
kinds.register(
    NotificationKind.SUPPORT, roles=(Role.LEADER,), template_prefixes=("support_decided",)
)
# The re-visitation reminder (a reminder rule), to the administration.
kinds.register(NotificationKind.SUPPORT_REVISIT, roles=(Role.ADMINISTRATION,))
