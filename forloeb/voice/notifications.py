"""The voice's kind of message, registered from ForloebConfig.ready()."""

from institutioner.models import NotificationKind, Role
from institutioner.notifications import kinds

kinds.register(
    NotificationKind.RATING_INVITATION, roles=(Role.STAFF,), template_prefixes=("rating_",)
)
