import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

# Every task notes what it runs, for the health page (institutioner/operations/tracking.py).
app = Celery("indsatsteam", task_cls="institutioner.operations.tracking:TrackedTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
