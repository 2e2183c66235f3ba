"""One background job per person and purpose at a time: an access request, an hour export, a
yearly report. While the person's job is still waiting or being made, asking again (a double
click, a second tab, two scripted requests at once) answers with that job; the person's own
row is locked first, so two requests at once cannot both find none and both make one."""

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TypeVar

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from institutioner.models import User

Job = TypeVar("Job")


def unfinished_or_new(actor: User, unfinished: QuerySet, make: Callable[[], Job]) -> Job:
    """The newest of `unfinished` (the actor's jobs of this purpose still waiting or running),
    or what `make()` makes, in one transaction holding the actor's row."""
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=actor.pk).first()
        job = unfinished.order_by("-pk").first()
        return job if job is not None else make()


# Clocks of the worker (which stamps `started_at`) and of the web may differ a little.
STOPPED_MARGIN = timedelta(minutes=1)


def stopped_if_started_before(time_limit: int | None = None) -> datetime:
    """A job whose build began before this moment is no longer being built, whatever its row
    says: the task's hard time limit (`time_limit`, a task's own; else CELERY_TASK_TIME_LIMIT,
    which the build tasks use) has ended the process. A worker that was killed, or lost the
    database, mid-build could not say so itself."""
    limit = time_limit or settings.CELERY_TASK_TIME_LIMIT
    return timezone.now() - timedelta(seconds=limit) - STOPPED_MARGIN
