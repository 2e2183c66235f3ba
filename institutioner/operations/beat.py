"""The beat's scheduler: django-celery-beat's, writing each schedule's last run sooner."""

from django_celery_beat.schedulers import DatabaseScheduler


class Scheduler(DatabaseScheduler):
    # Celery writes the schedules' "last run" to the database every 3 minutes by default; the
    # health page shows it, so write it every 20 seconds (a handful of small UPDATEs).
    sync_every = 20
