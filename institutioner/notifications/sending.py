"""Sending the outbox: one message at a time, claimed under a row lock, retried after a backoff.

The per-message task and the beat's sweep (tasks.py) call these; queueing a message is in
services.py, which hands it to the task after the commit.
"""

import contextlib
import logging
import smtplib
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import connection as db_connection
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from institutioner.files.services import stored_file_bytes
from institutioner.models import (
    NOTIFICATION_REFUSED_PREFIX,
    Notification,
    NotificationStatus,
    StoredFile,
)

# After this many failed attempts a notification is marked failed and no longer retried; the
# administration can send it again from the health page. A refusal for good (a 5xx reply) fails
# it at once. Between attempts the wait doubles from
# one minute up to two hours: 1 + 2 + 4 + ... + 64 minutes covers a mail server away for two hours.
NOTIFICATION_MAX_ATTEMPTS = 8

logger = logging.getLogger(__name__)

NOTIFICATION_BACKOFF_FIRST = timedelta(minutes=1)


NOTIFICATION_BACKOFF_MAX = timedelta(hours=2)


def notification_backoff(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th failure: 1, 2, 4 ... minutes, at most 2 hours."""
    return min(NOTIFICATION_BACKOFF_FIRST * 2 ** max(attempts - 1, 0), NOTIFICATION_BACKOFF_MAX)


def _due(now) -> Q:
    return Q(status=NotificationStatus.PENDING) & (
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    )


class MailServerUnreachable(Exception):
    """The mail server could not be reached or stopped answering (refused, timed out, hung up):
    the attempt was counted on the message, and the rest of a sweep waits for the next one."""


def notification_send(*, notification_id: int, connection=None) -> bool:
    """Send a pending notification whose time has come; True if it went. A second run sends
    nothing, and neither does a run before the backoff after a failure has passed.

    Claiming is atomic: the row is locked (`SELECT ... FOR UPDATE SKIP LOCKED`) while the mail is
    handed over and marked sent in the same transaction, so a task and the sweep, or two workers,
    cannot both send it; a second one skips the locked row. A worker killed while sending holds
    no lock any more (the database ends its session and rolls back), so the row is pending again
    and the sweep sends it. On SQLite, which has no row locks, the claim is not atomic and takes
    no transaction (`_claim`): embedded development only. A failure from the mail server is
    counted, kept and retried after a backoff (a refusal for good fails at once), never raised.

    The duplicate window is as narrow as SMTP allows: the row is marked sent and committed as
    soon as the mail server has accepted the message (its "250" after DATA), before QUIT, which
    only follows the commit. What can still send a message twice: a worker killed, or a database
    lost, in the moment between the server's "250" and the commit (README: Reliability).

    With a `connection` (the sweep's, kept open for all its messages) the connection is left
    open, and a mail server that cannot be reached raises MailServerUnreachable after the
    attempt is counted; the caller closes it.
    """
    if connection is not None:
        with _claim():
            sent, unreachable = _send_claimed(notification_id, connection)
        # Raised after the commit, which keeps the counted attempt.
        if unreachable:
            raise MailServerUnreachable(unreachable)
        return sent
    if _known_unreachable():
        # The mail server failed a moment ago: the message stays pending, its attempts as they
        # were, and the sweep (which tries the server once a minute) sends it.
        logger.info(
            "Notification %s waits for the sweep: the mail server is away.", notification_id
        )
        return False
    connection = get_connection()
    unreachable = ""
    try:
        with _claim():
            sent, unreachable = _send_claimed(notification_id, connection)
        return sent
    finally:
        if unreachable:
            _remember_unreachable(unreachable)
            abandon(connection)
        _close(connection)


def _claim():
    """The transaction that claims a message while it is handed over. On PostgreSQL its row lock
    is the claim. SQLite (the embedded demo) has no row locks, and its transaction (BEGIN
    IMMEDIATE, config/settings.py) takes the whole database's write lock: held while a hanging
    mail server is waited for, every page that saves anything would wait with it, up to
    EMAIL_TIMEOUT. There each write is its own short transaction instead."""
    if db_connection.features.has_select_for_update:
        return transaction.atomic()
    return contextlib.nullcontext()


# A mail server that could not be reached is remembered this long, so the per-message tasks of
# a burst of e-mails do not each wait EMAIL_TIMEOUT for it: they leave their messages to the
# sweep, which tries the server again once a minute.
UNREACHABLE_KEY = "notifications:mail-server-unreachable"
UNREACHABLE_SECONDS = 60


def _known_unreachable() -> bool:
    try:
        return bool(cache.get(UNREACHABLE_KEY))
    except Exception:
        return False  # without the cache, every task tries the server itself


def forget_unreachable() -> None:
    try:
        cache.delete(UNREACHABLE_KEY)
    except Exception as exc:
        logger.info("Could not forget the mail server's failure: %s", exc)


def _remember_unreachable(why: str) -> None:
    try:
        cache.set(UNREACHABLE_KEY, why or "unreachable", UNREACHABLE_SECONDS)
    except Exception as exc:
        logger.info("Could not remember the mail server's failure: %s", exc)


def _close(connection) -> None:
    # QUIT, after the commit: a server that never answers it costs EMAIL_TIMEOUT, not a
    # second copy of the message.
    try:
        connection.close()
    except Exception as exc:
        logger.info("Closing the mail connection failed: %s: %s", type(exc).__name__, exc)


def abandon(connection) -> None:
    """Drop a connection to a mail server that stopped answering without saying QUIT, which
    would wait another EMAIL_TIMEOUT for its answer."""
    smtp = getattr(connection, "connection", None)
    if smtp is not None:
        try:
            smtp.close()
        except Exception as exc:
            logger.info("Dropping the mail connection failed: %s: %s", type(exc).__name__, exc)
        connection.connection = None


def connection_failure(exc: BaseException) -> bool:
    """True for a failure of the mail server as a whole rather than of this message: it could
    not be reached, timed out, hung up or would not greet. The next message would fail the same
    way. A reply about the message (a 4xx or 5xx to the sender, a recipient or the content) is
    not one."""
    if isinstance(exc, smtplib.SMTPConnectError | smtplib.SMTPServerDisconnected):
        return True
    if isinstance(exc, smtplib.SMTPException):
        return False
    return isinstance(exc, OSError)  # refused, reset, timed out, no route, name not found


def _send_claimed(notification_id: int, connection) -> tuple[bool, str]:
    """(sent, why the mail server could not be reached or "")."""
    notification = (
        Notification.objects.select_for_update(skip_locked=True)
        .filter(_due(timezone.now()), pk=notification_id)
        .first()
    )
    if notification is None:
        return False, ""
    message = EmailMultiAlternatives(
        subject=notification.subject,
        body=notification.body_text,
        to=[notification.email],
        connection=connection,
        headers={
            # Asks out-of-office responders not to answer (RFC 3834).
            "Auto-Submitted": "auto-generated",
            # The same id every attempt: should a message ever be handed over twice (a worker
            # killed after the mail server took it, before the row was marked), receiving
            # servers and mail programs can see it is one message.
            "Message-ID": f"<notification-{notification.pk}@{_message_domain()}>",
        },
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
    opening = False
    try:
        if notification.attachment_file_id is not None:
            # Made here, in the worker, the first time any e-mail needs it; kept after.
            file = StoredFile.objects.get(pk=notification.attachment_file_id)
            content = stored_file_bytes(file_id=file.pk)
            message.attach(file.name, content, _without_charset(file.mimetype))
        # Opened here, so that sending leaves it open: the backend would QUIT right after
        # the message otherwise, before the row is marked. (The sweep's is open already.)
        opening = True
        connection.open()
        opening = False
        message.send()
    except Exception as exc:
        notification.attempts += 1
        refusal = permanent_refusal(exc)
        if refusal:
            notification.last_error = f"{NOTIFICATION_REFUSED_PREFIX}{refusal}"[:2000]
        else:
            notification.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        if refusal or notification.attempts >= NOTIFICATION_MAX_ATTEMPTS:
            notification.status = NotificationStatus.FAILED
            notification.next_attempt_at = None
        else:
            notification.next_attempt_at = timezone.now() + notification_backoff(
                notification.attempts
            )
        notification.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])
        # What a mail server does (refuses, times out, hangs up) is expected: one line. Anything
        # else is a fault here and keeps its traceback.
        expected = isinstance(exc, OSError)
        logger.warning(
            "Sending notification %s failed (attempt %s): %s: %s",
            notification.pk,
            notification.attempts,
            type(exc).__name__,
            exc,
            exc_info=not expected,
        )
        if opening or connection_failure(exc):
            return False, f"{type(exc).__name__}: {exc}"
        return False, ""
    notification.status = NotificationStatus.SENT
    notification.sent_at = timezone.now()
    notification.next_attempt_at = None
    notification.save(update_fields=["status", "sent_at", "next_attempt_at"])
    return True, ""


def permanent_refusal(exc: BaseException) -> str:
    """The mail server's words when it refused the message for good (a 5xx reply: no such
    mailbox, rejected as spam, not allowed to relay), or "" for a failure worth retrying (a 4xx
    reply, a timeout, a lost connection)."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        replies = list(exc.recipients.items())
        if replies and all(500 <= code < 600 for _address, (code, _reply) in replies):
            return "; ".join(
                f"{code} {_text(text)} ({address})" for address, (code, text) in replies
            )
        return ""
    if isinstance(exc, smtplib.SMTPResponseException) and 500 <= exc.smtp_code < 600:
        return f"{exc.smtp_code} {_text(exc.smtp_error)}"
    return ""


def _text(reply: bytes | str) -> str:
    return reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)


def _message_domain() -> str:
    address = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip(" >")
    return address or "indsatsteam.localhost"


def _without_charset(mimetype: str) -> str:
    """`text/calendar; method=REQUEST; charset=UTF-8` → `text/calendar; method=REQUEST`.

    Django adds the charset it encodes a text attachment in; a second one would contradict it.
    """
    parts = [part.strip() for part in mimetype.split(";")]
    return "; ".join(
        [parts[0], *(p for p in parts[1:] if p and not p.lower().startswith("charset="))]
    )


SWEEP_LOCK_KEY = "notifications-send-pending:lock"


def _sweep_lock_seconds() -> int:
    # As long as a task may run at all (the hard time limit stops it): a sweep whose worker was
    # killed holds the lock no longer than that.
    return int(settings.CELERY_TASK_TIME_LIMIT)


def notifications_send_pending() -> int:
    """Send every pending notification whose time has come, oldest first; returns how many went.

    Runs every minute from the beat: it sends what the per-message task never got (broker down
    when the change was saved, worker killed) and the retries after a backoff.

    One sweep at a time: a sweep still running when the next begins (a slow mail server) holds
    a lock in the cache, and the next one returns at once. The lock lasts at most the task's
    time limit, so a killed sweep does not hold it longer. All messages go over one SMTP
    connection. At the first failure of the mail server as a whole (it cannot be reached, times
    out or hangs up) the sweep stops: that message's attempt is counted as usual (its backoff
    begins), the rest are not tried, keep their attempts and are sent by a later sweep. A
    failure of one message (a 4xx or 5xx reply about it) does not stop the sweep.
    """
    token = uuid.uuid4().hex
    try:
        locked = cache.add(SWEEP_LOCK_KEY, token, _sweep_lock_seconds())
    except Exception as exc:
        # Without the cache the row locks still keep each message to one sender.
        logger.warning("No sweep lock (the cache failed: %s); sending anyway.", exc)
        locked, token = True, ""
    if not locked:
        logger.info("The previous sweep of the outbox is still running; this one is skipped.")
        return 0
    try:
        sent = _send_pending()
        if sent:
            # The server answers again: the per-message tasks may try it themselves.
            forget_unreachable()
        return sent
    finally:
        if token:
            try:
                if cache.get(SWEEP_LOCK_KEY) == token:
                    cache.delete(SWEEP_LOCK_KEY)
            except Exception as exc:
                logger.warning("Could not release the sweep lock: %s", exc)


def _send_pending() -> int:
    pending = list(
        Notification.objects.filter(_due(timezone.now()))
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)
    )
    if not pending:
        return 0
    sent = 0
    connection = get_connection()
    try:
        for pk in pending:
            try:
                if notification_send(notification_id=pk, connection=connection):
                    sent += 1
            except MailServerUnreachable as exc:
                _remember_unreachable(str(exc))
                logger.warning(
                    "The mail server cannot be reached (%s); %s e-mails wait for the next sweep.",
                    exc,
                    len(pending) - pending.index(pk) - 1,
                )
                abandon(connection)
                break
    finally:
        _close(connection)
    return sent
