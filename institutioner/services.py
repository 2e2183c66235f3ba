"""Writes that matter in the organisation app. One function per action."""

import logging

from axes.utils import reset as axes_reset
from django.contrib.sessions.models import Session
from django.utils import timezone

logger = logging.getLogger(__name__)


def user_touch_last_login(sender, user, **kwargs) -> None:
    """Note the login time without a save(), so the user's history only shows real changes."""
    now = timezone.now()
    type(user)._default_manager.filter(pk=user.pk).update(last_login=now)
    user.last_login = now


def axes_username(request, credentials) -> str:
    """The e-mail address a login attempt is counted under, lower-cased (LENE@ is lene@)."""
    source = credentials if credentials else getattr(request, "POST", {})
    return str(source.get("username", "") or "").strip().lower()


def user_lift_lockout(*, user) -> None:
    """A password reset proves who the person is; their login lockout goes with it."""
    axes_reset(username=user.email)


def sessions_clear_expired() -> int:
    """Delete sessions past their expiry; returns how many. Running it twice deletes nothing new."""
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted
