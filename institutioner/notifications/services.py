"""Queueing messages in the outbox and the in-app inbox; sending.py delivers them."""

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any, cast

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.template import Context, TemplateDoesNotExist, engines
from django.template.backends.django import DjangoTemplates
from django.utils import timezone, translation

from institutioner.broker import broker_publish_connection
from institutioner.models import (
    Notification,
    NotificationKind,
    NotificationOptOut,
    NotificationStatus,
    StoredFile,
    User,
)
from institutioner.notifications import kinds
from institutioner.notifications.sending import forget_unreachable
from institutioner.notifications.tasks import notifications_send

logger = logging.getLogger(__name__)


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
    attachment_file: StoredFile | None = None,
    dedupe_key: str = "",
    kind: str = "",
    concerns: models.Model | None = None,
    url: str = "",
    app_only: bool = False,
) -> Notification | None:
    """Put a message to `recipient` in the outbox; it is e-mailed after the surrounding commit
    and shown under the person's notifications in the app.

    Call it inside the transaction of the change it tells about: if that rolls back, so does the
    message. Returns None, and queues nothing, for an inactive recipient or when a message with
    the same non-empty `dedupe_key` was queued before (a reminder goes out once). If the person
    switched off e-mail of this `kind`, the row is kept for the app only and no e-mail goes.
    `concerns` is the object the message is about; `url` the page it opens (by default the
    object's own page). A document kept once (`attachment_file`, see institutioner/files/) is
    attached when the e-mail is sent, not copied into the row. `app_only`: shown in the app and
    never e-mailed (an answer to something that was only said on a page, not e-mailed).
    """
    if not recipient.is_active:
        return None
    if dedupe_key and Notification.objects.filter(dedupe_key=dedupe_key).exists():
        return None
    kind = kind or kinds.kind_of(template)
    rendered = email_render(template=template, context={**context, "recipient": recipient})
    if not url and concerns is not None and hasattr(concerns, "get_absolute_url"):
        url = concerns.get_absolute_url()
    emailed = not app_only and (
        kind == NotificationKind.SYSTEM
        or not NotificationOptOut.objects.filter(user=recipient, kind=kind).exists()
    )
    notification = Notification(
        recipient=recipient,
        email=recipient.email,
        template=template,
        kind=kind,
        subject=rendered.subject,
        body_text=rendered.body_text,
        body_html=rendered.body_html,
        url=url,
        status=NotificationStatus.PENDING if emailed else NotificationStatus.IN_APP,
    )
    if concerns is not None:
        notification.content_type = ContentType.objects.get_for_model(concerns)
        notification.object_id = concerns.pk
    if attachment is not None:
        notification.attachment_name = attachment.name
        notification.attachment_mimetype = attachment.mimetype
        if isinstance(attachment.content, bytes):
            notification.attachment_binary = attachment.content
        else:
            notification.attachment_content = attachment.content
    notification.attachment_file = attachment_file
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
    if emailed:
        notification_id = notification.pk
        transaction.on_commit(lambda: notification_enqueue(notification_id=notification_id))
    return notification


def notification_queue_many(
    *,
    recipients: Iterable[User],
    template: str,
    context: Mapping[str, Any],
    attachment: EmailAttachment | None = None,
    attachment_file: StoredFile | None = None,
    dedupe_key: str = "",
    kind: str = "",
    concerns: models.Model | None = None,
    url: str = "",
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
            attachment_file=attachment_file,
            dedupe_key=f"{dedupe_key}:{recipient.pk}" if dedupe_key else "",
            kind=kind,
            concerns=concerns,
            url=url,
        )
        if notification is not None:
            queued.append(notification)
    return queued


def notification_enqueue(*, notification_id: int) -> None:
    """Hand the notification to a worker. Never raises: the sweep sends what this could not.

    It runs after the commit of a web request; a broker that is down must not turn a saved
    change into an error page.
    """
    try:
        with broker_publish_connection() as connection:
            notifications_send.apply_async((notification_id,), connection=connection)
    except Exception:
        logger.warning(
            "Could not hand notification %s to the broker; the periodic sweep will send it.",
            notification_id,
            exc_info=True,
        )


def notifications_retry_failed(*, actor: User, ids: Iterable[int] | None = None) -> int:
    """The administration sends failed notifications again (after the mail server is mended).

    Returns how many were put back in the queue; they go after the commit.
    """
    with transaction.atomic():
        failed = Notification.objects.select_for_update().filter(status=NotificationStatus.FAILED)
        if ids is not None:
            failed = failed.filter(pk__in=list(ids))
        chosen = list(failed.values_list("pk", flat=True))
        Notification.objects.filter(pk__in=chosen).update(
            # Due from now: the health page counts its waiting time from here.
            status=NotificationStatus.PENDING,
            attempts=0,
            next_attempt_at=timezone.now(),
        )
        for pk in chosen:
            transaction.on_commit(partial(notification_enqueue, notification_id=pk))
    # The administration says the mail server is mended: its remembered failure is forgotten,
    # so the messages go now rather than with the next sweep.
    forget_unreachable()
    logger.info("%s sent %s failed notifications again.", actor, len(chosen))
    return len(chosen)


def notification_mark_read(
    *,
    user: User,
    notification_id: int | None = None,
    kind: str | None = None,
    url: str | None = None,
) -> int:
    """Mark one of the person's notifications, those of a kind about a page (a reminder that
    is done with), or all of them, as read; returns how many."""
    unread = Notification.objects.filter(recipient=user).unread()
    if notification_id is not None:
        unread = unread.filter(pk=notification_id)
    if kind is not None:
        unread = unread.filter(kind=kind)
    if url is not None:
        unread = unread.filter(url=url)
    return unread.update(read_at=timezone.now())


def notifications_done(
    *, concerns: models.Model, templates: Iterable[str], recipients: Iterable[User] | None = None
) -> int:
    """What the messages of `templates` about `concerns` asked for is done (signed, declined,
    superseded): they are marked as read, for `recipients` or everyone they went to, so no stale
    request stays unread. Returns how many."""
    unread = Notification.objects.unread().filter(
        content_type=ContentType.objects.get_for_model(concerns),
        object_id=concerns.pk,
        template__in=list(templates),
    )
    if recipients is not None:
        unread = unread.filter(recipient__in=[person.pk for person in recipients])
    return unread.update(read_at=timezone.now())


def notifications_open_again(
    *, concerns: models.Model, templates: Iterable[str], recipients: Iterable[User]
) -> int:
    """What the messages of `templates` about `concerns` asked of `recipients` is asked again
    (a closed course was opened, so its agreement can be signed again): they are unread once
    more, so the request is back on the person's list. Returns how many."""
    return (
        Notification.objects.filter(
            content_type=ContentType.objects.get_for_model(concerns),
            object_id=concerns.pk,
            template__in=list(templates),
            recipient__in=[person.pk for person in recipients],
        )
        .exclude(read_at=None)
        .update(read_at=None)
    )


def notification_preferences_save(*, user: User, emailed_kinds: Iterable[str]) -> None:
    """Keep e-mail for `emailed_kinds`; switch it off for every other kind of the person's role.
    Kinds outside the role are left as they are."""
    wanted = set(emailed_kinds)
    choosable = set(kinds.kinds_for_role(user.role))
    off = choosable - wanted
    with transaction.atomic():
        NotificationOptOut.objects.filter(user=user, kind__in=choosable - off).delete()
        existing = set(NotificationOptOut.objects.filter(user=user).values_list("kind", flat=True))
        NotificationOptOut.objects.bulk_create(
            NotificationOptOut(user=user, kind=k) for k in sorted(off - existing)
        )


def notifications_withhold_for(*, user: User) -> int:
    """Keep the pending e-mails of a person who has left in the app only; returns how many.

    Their address may already belong to no one (or be passed on to a successor); the rows stay,
    as the record of what was to be said, and the sending sweep no longer sees them.
    """
    return Notification.objects.filter(recipient=user, status=NotificationStatus.PENDING).update(
        status=NotificationStatus.IN_APP, next_attempt_at=None
    )
