from celery import shared_task

from institutioner.accessrequests import services


@shared_task(name="institutioner.tasks.access_request_build")
def access_request_build_task(request_id: int) -> bool:
    """Thin: the service makes the ZIP once, however often the task runs."""
    return services.access_request_build(request_id=request_id)
