"""The kinds of reminder the rules send, registered from ForloebConfig.ready()."""

from institutioner.models import NotificationKind, Role
from institutioner.notifications import kinds

kinds.register(NotificationKind.REQUEST_WAITING, roles=(Role.ADMINISTRATION,))
kinds.register(
    NotificationKind.SIGNATURE_REMINDER,
    roles=(Role.LEADER, Role.PEDAGOGIST, Role.ADMINISTRATION),
)
kinds.register(NotificationKind.EVALUATION_REMINDER, roles=(Role.LEADER, Role.PEDAGOGIST))
kinds.register(NotificationKind.COURSE_ENDING, roles=(Role.PEDAGOGIST, Role.ADMINISTRATION))
kinds.register(NotificationKind.WEEK_SHEET_REMINDER, roles=(Role.PEDAGOGIST,))
kinds.register(NotificationKind.FOLLOW_UP_REMINDER, roles=(Role.LEADER,))
