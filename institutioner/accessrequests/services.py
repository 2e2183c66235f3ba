"""Access requests: asked for by the data protection officer, made by a worker (the making
is `build.access_request_build`, which the task calls)."""

import logging
from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet

from institutioner import access
from institutioner.accesslog.services import access_log_record
from institutioner.accessrequests import package
from institutioner.accessrequests.build import access_request_build  # noqa: F401 (the write)
from institutioner.accessrequests.sections import Child
from institutioner.accessrequests.tasks import access_request_build_task
from institutioner.files.services import stored_files_delete
from institutioner.models import (
    AccessAction,
    AccessRequest,
    AccessRequestStatus,
    User,
    export_kept_since_expression,
)
from institutioner.onejob import unfinished_or_new

logger = logging.getLogger(__name__)


def access_request_create(
    *,
    actor: User,
    subject: User | None = None,
    child: Child | None = None,
    client_address: str | None = None,
) -> AccessRequest:
    """Ask for everything about `subject`, or about a `child` (the name and birth date the
    support applications use). The export is logged now, as an export by `actor` concerning the
    person (so the ZIP's own log section shows it) or naming the child in its query, and made
    after the commit.

    While `actor`'s request about the same person or child is still waiting or being made,
    asking again answers with that one (institutioner/onejob.py)."""
    if not access.can_make_access_requests(actor):
        raise PermissionDenied
    if (subject is None) == (child is None):
        raise ValueError("An access request is about a person or a child.")
    unfinished = AccessRequest.objects.filter(
        requested_by=actor, status__in=(AccessRequestStatus.QUEUED, AccessRequestStatus.RUNNING)
    )
    if child is not None:
        fields = {"child_name": child.name, "child_birth_date": child.birth_date}
        unfinished = unfinished.filter(child_birth_date=child.birth_date)
        concerns: list[int] = []
        query = f"barn={child.name}, født={child.birth_date:%d.%m.%Y}"
    else:
        assert subject is not None
        fields = {"subject": subject}
        unfinished = unfinished.filter(subject=subject)
        concerns = [subject.pk]
        query = f"person={subject.pk}"

    def make() -> AccessRequest:
        request = AccessRequest.objects.create(requested_by=actor, **fields)
        access_log_record(
            user=actor,
            action=AccessAction.EXPORT,
            obj=request,
            concerns=concerns,
            query=query,
            client_address_value=client_address,
            url_name="access_request_create",
        )
        transaction.on_commit(lambda: access_request_enqueue(request_id=request.pk))
        return request

    if child is None:
        return unfinished_or_new(actor, unfinished, make)
    # "oscar  bech " is the Oscar Bech asked for a moment ago: the running request answers,
    # under the name as first typed. The names are compared here, holding the actor's row as
    # unfinished_or_new does, so two requests at once still cannot both find none.
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=actor.pk).first()
        same = [
            pk
            for pk, name in unfinished.values_list("pk", "child_name")
            if same_child_name(name, child.name)
        ]
        return unfinished_or_new(actor, unfinished.filter(pk__in=same), make)


def same_child_name(one: str, other: str) -> bool:
    """The same name but for case and spaces (surrounding, or two where one was meant)."""
    return " ".join(one.split()).casefold() == " ".join(other.split()).casefold()


def child_has_data(child: Child) -> bool:
    """Whether any section about children holds a row about `child`."""
    return package.rows_expected(child) > 0


def access_request_enqueue(*, request_id: int) -> None:
    """Hand the job to a worker. A broker that is down leaves it waiting: the page offers to
    start it again."""
    try:
        access_request_build_task.delay(request_id)
    except Exception:
        logger.warning("Could not queue access request %s.", request_id, exc_info=True)


def access_request_restart(*, actor: User, request_id: int) -> AccessRequest:
    """Start a failed or stuck job again (same request, same log row)."""
    if not access.can_make_access_requests(actor):
        raise PermissionDenied
    with transaction.atomic():
        request = AccessRequest.objects.select_for_update().get(pk=request_id)
        if request.status != AccessRequestStatus.DONE:
            request.status = AccessRequestStatus.QUEUED
            request.error = ""
            request.rows_done = 0
            request.save(update_fields=["status", "error", "rows_done"])
            transaction.on_commit(lambda: access_request_enqueue(request_id=request.pk))
    return request


def access_requests_old(*, before: datetime) -> QuerySet:
    """The ids of the access requests kept since before `before` (asked for, or last made,
    then: `export_kept_since`), oldest first."""
    return (
        AccessRequest.objects.alias(
            kept_since=export_kept_since_expression("requested_at", "started_at", "finished_at")
        )
        .filter(kept_since__lt=before)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def access_requests_purge(*, before: datetime) -> int:
    """Retention: access requests kept since before `before` go, each with its ZIP (the person
    has had it; its texts and log rows may since have been anonymised or deleted). The access
    log keeps that it was made. Returns how many requests went."""
    ids = list(access_requests_old(before=before))
    AccessRequest.objects.filter(pk__in=ids).delete()
    # The ZIP is kept as the request's document; the row pointed at it, so it goes after.
    stored_files_delete(model=AccessRequest, object_ids=ids)
    return len(ids)
