from celery import shared_task

from institutioner.notifications import sending
from institutioner.operations import services as operations_services


# Nobody waits for these results: the outbox row records what happened.
@shared_task(name="institutioner.tasks.notifications_send", ignore_result=True)
def notifications_send(notification_id: int) -> bool:
    """Send one e-mail from the outbox, queued after the commit that created it."""
    return sending.notification_send(notification_id=notification_id)


@shared_task(name="institutioner.tasks.notifications_send_pending", ignore_result=True)
def notifications_send_pending() -> int:
    """Every minute: send what the per-message task missed (broker down, worker lost)."""
    sent = sending.notifications_send_pending()
    operations_services.heartbeat_beat(name="schedule:send-pending-notifications", detail=str(sent))
    return sent
