"""Celery finds an app's tasks in its `tasks` module; the rooms keep them."""

from institutioner.accessrequests.tasks import *  # noqa: F403
from institutioner.notifications.tasks import *  # noqa: F403
from institutioner.operations.tasks import *  # noqa: F403
from institutioner.retention.tasks import *  # noqa: F403
