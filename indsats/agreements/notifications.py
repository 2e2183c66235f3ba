"""The kinds of message this room sends, registered from IndsatsConfig.ready()."""

from institutioner.models import NotificationKind, Role
from institutioner.notifications import kinds

kinds.register(
    NotificationKind.AGREEMENTS,
    roles=(Role.LEADER, Role.PEDAGOGIST, Role.ADMINISTRATION),
    template_prefixes=("agreement_",),
)
# A new version that moves the course's weekdays or times tells the leaders.
kinds.register(NotificationKind.COURSE_PLAN_CHANGED, roles=(Role.LEADER,))
