from celery import shared_task

from institutioner.accessrequests import build


@shared_task(name="institutioner.tasks.access_request_build")
def access_request_build_task(request_id: int) -> bool:
    """Thin: `build` makes the ZIP once, however often the task runs."""
    return build.access_request_build(request_id=request_id)
