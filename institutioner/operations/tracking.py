"""Every task says what it is doing, so the health page can name the task a stuck worker is in.

config/celery.py makes `TrackedTask` the base of every task. Before a task runs, the worker
process writes a `Heartbeat` row `task:<host>:<pid>` with the task's name and the time; after,
it empties the name. A worker that stops sending its every-minute heartbeat is then reported
with what it was doing (health.py), and a task running longer than the late limit is reported
even while other processes keep the heartbeat going.
"""

import os
import socket

from celery import Task


def process_name() -> str:
    # Imported here: Celery loads this class when it builds its first task, which may be
    # before Django's apps (and so the models) are ready.
    from institutioner.models import HEARTBEAT_TASK_PREFIX

    return f"{HEARTBEAT_TASK_PREFIX}{socket.gethostname()}:{os.getpid()}"


class TrackedTask(Task):
    def __call__(self, *args, **kwargs):
        if self.request.is_eager:
            # Run in the caller's own process (tests, `task_always_eager`): nothing to report.
            return super().__call__(*args, **kwargs)
        from institutioner.operations import services

        services.heartbeat_task_started(process=process_name(), task=self.name)
        try:
            return super().__call__(*args, **kwargs)
        finally:
            services.heartbeat_task_finished(process=process_name())
