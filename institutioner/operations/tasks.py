from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from institutioner import services as institutioner_services
from institutioner.operations import services as operations_services


@shared_task(name="institutioner.tasks.sessions_clear_expired")
def sessions_clear_expired() -> int:
    """Hourly: remove sessions whose idle time has run out (they hold who was signed in)."""
    deleted = institutioner_services.sessions_clear_expired()
    operations_services.heartbeat_beat(name="schedule:clear-expired-sessions", detail=str(deleted))
    return deleted


@shared_task(name="institutioner.tasks.worker_heartbeat", ignore_result=True)
def worker_heartbeat() -> None:
    """Every minute: the health page sees that beat, broker and worker all work."""
    operations_services.heartbeat_beat(name="worker")
    # Rows of worker processes gone (restarted, killed) a day ago tell nothing any more.
    operations_services.heartbeats_forget_processes(older_than=timezone.now() - timedelta(days=1))
