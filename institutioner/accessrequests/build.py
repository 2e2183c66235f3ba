"""Making an access request's ZIP: the write the worker's task does (tasks.py)."""

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from institutioner.accessrequests import package
from institutioner.files.services import file_slug, stored_file_save
from institutioner.models import AccessRequest, AccessRequestStatus
from institutioner.notifications.services import notification_queue

PRODUCER = "access_request"
ERROR_MAX = AccessRequest._meta.get_field("error").max_length


def _progress(request_id: int):
    def advance(rows: int) -> None:
        if rows:
            AccessRequest.objects.filter(pk=request_id).update(rows_done=F("rows_done") + rows)

    return advance


def access_request_build(*, request_id: int) -> bool:
    """Make the ZIP. Idempotent: a finished request is left as it is. The rows are read outside
    one long transaction, and progress is saved as it goes so the requester sees it; the file
    and the finished state are saved together at the end. Returns whether it made the file."""
    request = AccessRequest.objects.select_related("subject", "requested_by").get(pk=request_id)
    if request.status == AccessRequestStatus.DONE:
        return False
    AccessRequest.objects.filter(pk=request_id).update(
        status=AccessRequestStatus.RUNNING,
        started_at=timezone.now(),
        rows_done=0,
        rows_total=package.rows_expected(package.subject_of(request)),
        error="",
    )
    try:
        with package.access_request_zip(request, _progress(request_id)) as zipped:
            data = zipped.read()
    except Exception as error:
        AccessRequest.objects.filter(pk=request_id).update(
            status=AccessRequestStatus.FAILED, error=f"{type(error).__name__}: {error}"[:ERROR_MAX]
        )
        raise
    who = request.subject.name if request.subject is not None else request.child_name
    name = f"indsigt-{file_slug(who) or 'person'}-{request.pk}.zip"
    with transaction.atomic():
        locked = AccessRequest.objects.select_for_update().get(pk=request_id)
        if locked.status == AccessRequestStatus.DONE:
            return False
        locked.file = stored_file_save(
            producer=PRODUCER, concerns=locked, name=name, mimetype="application/zip", data=data
        )
        locked.status = AccessRequestStatus.DONE
        locked.finished_at = timezone.now()
        locked.rows_done = F("rows_total")
        locked.save(update_fields=["file", "status", "finished_at", "rows_done"])
        notification_queue(
            recipient=locked.requested_by,
            template="access_request_ready",
            context={"access_request": locked},
            concerns=locked,
            dedupe_key=f"access-request-ready:{locked.pk}",
        )
    return True
