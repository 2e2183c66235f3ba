from celery import shared_task

from institutioner import services


@shared_task
def sessions_clear_expired() -> int:
    """Hourly: remove sessions whose idle time has run out (they hold who was signed in)."""
    return services.sessions_clear_expired()
