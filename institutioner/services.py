"""Writes that matter in the organisation app. One function per action."""

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, cast

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template import Context, TemplateDoesNotExist, engines
from django.template.backends.django import DjangoTemplates
from django.utils import timezone, translation

from institutioner.models import Notification, NotificationStatus, User

logger = logging.getLogger(__name__)

# After this many failed attempts a notification is marked failed and no longer retried.
NOTIFICATION_MAX_ATTEMPTS = 5


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


@dataclass(frozen=True)
class EmailAttachment:
    """A file sent with a notification: text (.ics invitations) or bytes (PDF agreements).

    `mimetype` may carry parameters, e.g. `text/calendar; method=REQUEST`.
    """

    name: str
    mimetype: str
    content: str | bytes


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    body_text: str
    body_html: str


def email_render(*, template: str, context: Mapping[str, Any]) -> RenderedEmail:
    """Render `emails/<template>_subject.txt`, `_body.txt` and, if it exists, `_body.html`.

    The subject becomes one line. Rendered in Danish whoever triggered it: a task has no request
    to take the language from.
    """
    with translation.override("da"):
        subject = _render(f"emails/{template}_subject.txt", context, autoescape=False)
        body_text = _render(f"emails/{template}_body.txt", context, autoescape=False)
        try:
            body_html = _render(f"emails/{template}_body.html", context, autoescape=True)
        except TemplateDoesNotExist:
            body_html = ""
    return RenderedEmail(
        subject=" ".join(subject.split()), body_text=body_text, body_html=body_html
    )


def _render(name: str, context: Mapping[str, Any], *, autoescape: bool) -> str:
    # Plain text is never HTML-escaped, so "Sol & Måne" does not arrive as "Sol &amp; Måne", even
    # where a template forgets `{% autoescape off %}` (subjects usually do).
    engine = cast(DjangoTemplates, engines["django"]).engine
    # Links in e-mails are absolute: a task has no request to take the host from.
    values = {"site_url": settings.SITE_URL, **context}
    return engine.get_template(name).render(Context(values, autoescape=autoescape))


def notification_queue(
    *,
    recipient: User,
    template: str,
    context: Mapping[str, Any],
    attachment: EmailAttachment | None = None,
    dedupe_key: str = "",
) -> Notification | None:
    """Put an e-mail to `recipient` in the outbox; it is sent after the surrounding commit.

    Call it inside the transaction of the change it tells about: if that rolls back, so does the
    message. Returns None, and queues nothing, for an inactive recipient or when a message with
    the same non-empty `dedupe_key` was queued before (a reminder goes out once).
    """
    if not recipient.is_active:
        return None
    if dedupe_key and Notification.objects.filter(dedupe_key=dedupe_key).exists():
        return None
    rendered = email_render(template=template, context={**context, "recipient": recipient})
    notification = Notification(
        recipient=recipient,
        email=recipient.email,
        template=template,
        subject=rendered.subject,
        body_text=rendered.body_text,
        body_html=rendered.body_html,
    )
    if attachment is not None:
        notification.attachment_name = attachment.name
        notification.attachment_mimetype = attachment.mimetype
        if isinstance(attachment.content, bytes):
            notification.attachment_binary = attachment.content
        else:
            notification.attachment_content = attachment.content
    if dedupe_key:
        notification.dedupe_key = dedupe_key
        try:
            # A savepoint, so that losing the race to a concurrent transaction with the same key
            # leaves the caller's transaction usable.
            with transaction.atomic():
                notification.save()
        except IntegrityError:
            if Notification.objects.filter(dedupe_key=dedupe_key).exists():
                return None
            raise
    else:
        notification.save()
    notification_id = notification.pk
    transaction.on_commit(lambda: notification_enqueue(notification_id=notification_id))
    return notification


def notification_queue_many(
    *,
    recipients: Iterable[User],
    template: str,
    context: Mapping[str, Any],
    attachment: EmailAttachment | None = None,
    dedupe_key: str = "",
) -> list[Notification]:
    """The same message to several people, each their own row; returns the rows queued.

    A `dedupe_key` is made per person (`<key>:<user id>`), and a person listed twice gets one.
    """
    queued = []
    seen: set[int] = set()
    for recipient in recipients:
        if recipient.pk in seen:
            continue
        seen.add(recipient.pk)
        notification = notification_queue(
            recipient=recipient,
            template=template,
            context=context,
            attachment=attachment,
            dedupe_key=f"{dedupe_key}:{recipient.pk}" if dedupe_key else "",
        )
        if notification is not None:
            queued.append(notification)
    return queued


def notification_enqueue(*, notification_id: int) -> None:
    """Hand the notification to a worker. Never raises: the sweep sends what this could not.

    It runs after the commit of a web request; a broker that is down must not turn a saved
    change into an error page.
    """
    # Imported here because tasks.py imports this module.
    from institutioner.tasks import notifications_send

    try:
        notifications_send.delay(notification_id)
    except Exception:
        logger.warning(
            "Could not hand notification %s to the broker; the periodic sweep will send it.",
            notification_id,
            exc_info=True,
        )


def notification_send(*, notification_id: int) -> bool:
    """Send a pending notification; True if it went. A second run sends nothing.

    The row stays locked while the mail is handed over, so a task and the sweep running at the
    same moment cannot both send it (on SQLite, which has no row locks, they could: embedded
    development only). A failure from the mail server is counted and kept, never raised.
    """
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(skip_locked=True)
            .filter(pk=notification_id, status=NotificationStatus.PENDING)
            .first()
        )
        if notification is None:
            return False
        message = EmailMultiAlternatives(
            subject=notification.subject,
            body=notification.body_text,
            to=[notification.email],
            # Asks out-of-office responders not to answer (RFC 3834).
            headers={"Auto-Submitted": "auto-generated"},
        )
        if notification.body_html:
            message.attach_alternative(notification.body_html, "text/html")
        if notification.attachment_name:
            binary = notification.attachment_binary
            message.attach(
                notification.attachment_name,
                bytes(binary) if binary is not None else notification.attachment_content,
                _without_charset(notification.attachment_mimetype),
            )
        try:
            message.send()
        except Exception as exc:
            notification.attempts += 1
            notification.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            if notification.attempts >= NOTIFICATION_MAX_ATTEMPTS:
                notification.status = NotificationStatus.FAILED
            notification.save(update_fields=["attempts", "last_error", "status"])
            logger.warning(
                "Sending notification %s failed (attempt %s).",
                notification.pk,
                notification.attempts,
                exc_info=True,
            )
            return False
        notification.status = NotificationStatus.SENT
        notification.sent_at = timezone.now()
        notification.save(update_fields=["status", "sent_at"])
        return True


def _without_charset(mimetype: str) -> str:
    """`text/calendar; method=REQUEST; charset=UTF-8` → `text/calendar; method=REQUEST`.

    Django adds the charset it encodes a text attachment in; a second one would contradict it.
    """
    parts = [part.strip() for part in mimetype.split(";")]
    return "; ".join(
        [parts[0], *(p for p in parts[1:] if p and not p.lower().startswith("charset="))]
    )


def notifications_send_pending() -> int:
    """Send every pending notification, oldest first; returns how many went."""
    pending = (
        Notification.objects.filter(status=NotificationStatus.PENDING)
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)
    )
    return sum(notification_send(notification_id=pk) for pk in list(pending))
