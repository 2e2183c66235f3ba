"""Writes that matter in the organisation app. One function per action."""

import logging
from importlib import import_module

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from institutioner import access
from institutioner.models import User
from institutioner.notifications.services import notification_queue, notifications_withhold_for

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


def password_reset_queue(*, user: User, context: dict) -> None:
    """The password-reset e-mail goes through the outbox like every other: the page answers at
    once whatever the mail server does, and a failure is retried and shown on the health page
    (Django would send it inside the request and lose it on an error)."""
    with transaction.atomic():
        notification_queue(recipient=user, template="password_reset", context=context)


def user_lift_lockout(*, user) -> None:
    """A password reset proves who the person is; their login lockout goes with it."""
    axes_reset(username=user.email)


def sessions_clear_expired() -> int:
    """Delete sessions past their expiry; returns how many. Running it twice deletes nothing new."""
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted


# django-simple-history keeps a change reason of at most this many characters.
REASON_MAX_LENGTH = 100


def sessions_end_for(*, user: User) -> int:
    """End every open session of one person at once; returns how many.

    Sessions are found in the database (the `db` and `cached_db` engines keep them there) and
    deleted through the configured engine's store, so a cached copy goes with its row.
    """
    engine = import_module(settings.SESSION_ENGINE)
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get(SESSION_KEY)) == str(user.pk):
            engine.SessionStore(session_key=session.session_key).delete()
            ended += 1
    return ended


def _reason(reason: str) -> str:
    reason = " ".join(reason.split())
    if not reason:
        raise ValidationError(_("Write why."))
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError(_("Write at most %(max)d characters.") % {"max": REASON_MAX_LENGTH})
    return reason


def user_deactivate(*, actor: User | None, user_id: int, reason: str) -> User:
    """A person leaves: their access ends at once, open sessions included.

    Nothing they did is deleted; their signatures, notes, hours and history keep their name. The
    history row names the acting person and the reason. Pending e-mails to them are kept in the
    app only. `actor=None` is the municipality's identity provider saying the person has left
    its groups (institutioner.sso); a superuser (the break-glass account) is never deactivated so.
    """
    if actor is not None and not access.can_manage_master_data(actor):
        raise PermissionDenied
    reason = _reason(reason)
    if actor is not None and actor.pk == user_id:
        raise ValidationError(_("You cannot deactivate yourself."))
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user_id)
        if user.is_superuser and (actor is None or not actor.is_superuser):
            raise PermissionDenied
        if not user.is_active:
            raise ValidationError(_("%(name)s is already inactive.") % {"name": user.name})
        user.is_active = False
        user._history_user = actor  # type: ignore[attr-defined]
        user._change_reason = reason  # type: ignore[attr-defined]
        user.save(update_fields=["is_active"])
        sessions_end_for(user=user)
        notifications_withhold_for(user=user)
    logger.info("user %s deactivated by %s", user.pk, actor.pk if actor else "identity provider")
    return user


def user_reactivate(*, actor: User, user_id: int, reason: str) -> User:
    """A person who left comes back: they may log in again, with the memberships they had."""
    if not access.can_manage_master_data(actor):
        raise PermissionDenied
    reason = _reason(reason)
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user_id)
        if user.is_superuser and not actor.is_superuser:
            raise PermissionDenied
        if user.is_active:
            raise ValidationError(_("%(name)s is already active.") % {"name": user.name})
        user.is_active = True
        user._history_user = actor  # type: ignore[attr-defined]
        user._change_reason = reason  # type: ignore[attr-defined]
        user.save(update_fields=["is_active"])
    logger.info("user %s reactivated by %s", user.pk, actor.pk)
    return user
