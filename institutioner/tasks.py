from celery import shared_task

from institutioner import services


@shared_task
def sessions_clear_expired() -> int:
    """Hourly: remove sessions whose idle time has run out (they hold who was signed in)."""
    deleted = services.sessions_clear_expired()
    services.heartbeat_beat(name="schedule:clear-expired-sessions", detail=str(deleted))
    return deleted


# Nobody waits for these results: the outbox row records what happened.
@shared_task(ignore_result=True)
def notifications_send(notification_id: int) -> bool:
    """Send one e-mail from the outbox, queued after the commit that created it."""
    return services.notification_send(notification_id=notification_id)


@shared_task(ignore_result=True)
def notifications_send_pending() -> int:
    """Every minute: send what the per-message task missed (broker down, worker lost)."""
    sent = services.notifications_send_pending()
    services.heartbeat_beat(name="schedule:send-pending-notifications", detail=str(sent))
    return sent


@shared_task(ignore_result=True)
def worker_heartbeat() -> None:
    """Every minute: the health page sees that beat, broker and worker all work."""
    services.heartbeat_beat(name="worker")
