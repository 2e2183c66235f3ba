from celery import shared_task

from institutioner import services


@shared_task
def sessions_clear_expired() -> int:
    """Hourly: remove sessions whose idle time has run out (they hold who was signed in)."""
    return services.sessions_clear_expired()


# Nobody waits for these results: the outbox row records what happened.
@shared_task(ignore_result=True)
def notifications_send(notification_id: int) -> bool:
    """Send one e-mail from the outbox, queued after the commit that created it."""
    return services.notification_send(notification_id=notification_id)


@shared_task(ignore_result=True)
def notifications_send_pending() -> int:
    """Every minute: send what the per-message task missed (broker down, worker lost)."""
    return services.notifications_send_pending()
