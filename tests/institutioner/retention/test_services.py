"""The retention run's own parts: the access log and the outbox, the dry run, the schedule."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import DatabaseError, transaction
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from indsats.requests import services as requests_services
from institutioner.models import AccessAction, AccessLogEntry, Heartbeat, Notification
from institutioner.operations.schedules import by_name, schedules_install
from institutioner.retention import registry, services, tasks
from tests.indsats.helpers import make_request
from tests.retention_helpers import request_back


def _old_log(world, *, days_ago: int) -> AccessLogEntry:
    return AccessLogEntry.objects.create(
        user=world.administrator,
        action=AccessAction.VIEW,
        url_name="request_detail",
        at=timezone.now() - timedelta(days=days_ago),
    )


def _notification(*, days_ago: int) -> Notification:
    return Notification.objects.create(
        email="lene@example.dk",
        template="request_submitted",
        subject="Anmodning modtaget",
        body_text="Kære Lene",
        created_at=timezone.now() - timedelta(days=days_ago),
    )


def test_old_access_log_rows_go_and_the_database_still_refuses_other_deletes(world, postgres):
    old = _old_log(world, days_ago=2 * 366)
    kept = _old_log(world, days_ago=700)
    reports = {r.step.name: r for r in services.retention_run(now=timezone.now())}
    assert reports["access-log"].done == 1
    assert list(AccessLogEntry.objects.values_list("pk", flat=True)) == [kept.pk]
    assert not AccessLogEntry.objects.filter(pk=old.pk).exists()
    with pytest.raises(DatabaseError, match="access_log_append_only"), transaction.atomic():
        AccessLogEntry.objects.filter(pk=kept.pk).delete()
    with pytest.raises(DatabaseError, match="access_log_append_only"), transaction.atomic():
        AccessLogEntry.objects.filter(pk=kept.pk).update(url_name="x")


def test_notifications_go_after_a_year(world):
    old = _notification(days_ago=370)
    kept = _notification(days_ago=300)
    reports = {r.step.name: r for r in services.retention_run(now=timezone.now())}
    assert reports["notifications"].done == 1
    assert list(Notification.objects.values_list("pk", flat=True)) == [kept.pk]
    assert not Notification.objects.filter(pk=old.pk).exists()


def test_the_periods_come_from_the_settings(settings):
    settings.RETENTION_NOTIFICATION_YEARS = 3
    step = next(s for s in registry.all_steps() if s.name == "notifications")
    now = timezone.now()
    assert registry.cutoff(step, now=now).year == now.year - 3


def test_the_dry_run_lists_per_kind_in_danish_and_changes_nothing(world, postgres):
    req = make_request(world, submit=True, need="Mads bider.")
    requests_services.request_reject(
        actor=world.administrator, request_id=req.pk, reason="Dækket af sprogforløbet."
    )
    request_back(req.pk, timedelta(days=400))
    notification = _notification(days_ago=400)
    log = _old_log(world, days_ago=800)
    out = StringIO()
    call_command("retention", "--dry-run", stdout=out)
    text = out.getvalue()
    assert "Tørkørsel" in text
    assert "Afviste og tilbagetrukne anmodninger" in text
    assert f"1 ville blive anonymiseret\n  id: {req.pk}" in text
    assert f"id: {notification.pk}" in text and f"id: {log.pk}" in text
    assert "ville blive slettet" in text
    req.refresh_from_db()
    assert req.need == "Mads bider." and req.anonymised_at is None
    assert Notification.objects.filter(pk=notification.pk).exists()
    assert AccessLogEntry.objects.filter(pk=log.pk).exists()


def test_the_command_runs_and_the_health_page_shows_the_last_run(world):
    _notification(days_ago=400)
    out = StringIO()
    call_command("retention", stdout=out)
    assert "0 anonymiseret, 1 slettet" in out.getvalue()
    assert Heartbeat.objects.get(name="schedule:retention").detail == "0 anonymiseret, 1 slettet"


def test_the_nightly_schedule_is_installed_and_its_task_runs(world, client):
    schedule = by_name("retention")
    PeriodicTask.objects.filter(name="retention").delete()
    schedules_install()
    task = PeriodicTask.objects.get(name="retention")
    assert task.task == "institutioner.tasks.retention_run" == schedule.task
    assert (task.crontab.hour, task.crontab.minute) == ("3", "30")
    _notification(days_ago=400)
    assert tasks.retention_run() == 1
    assert Heartbeat.objects.get(name="schedule:retention").detail == "0 anonymiseret, 1 slettet"
    client.force_login(world.administrator)
    html = client.get(reverse("operations")).content.decode()
    assert "Opbevaring: anonymisér og slet" in html
    assert "0 anonymiseret, 1 slettet" in html


def test_the_preview_page_shows_counts_per_kind_and_changes_nothing(world, client, postgres):
    req = make_request(world, submit=True, need="Mads bider.")
    requests_services.request_reject(
        actor=world.administrator, request_id=req.pk, reason="Dækket af sprogforløbet."
    )
    request_back(req.pk, timedelta(days=400))
    old = [_notification(days_ago=days).pk for days in (400, 500)]
    url = reverse("retention_preview")
    for outsider in (world.leader, world.pedagogist.user):
        client.force_login(outsider)
        assert client.get(url).status_code == 404
    client.force_login(world.administrator)
    response = client.get(url)
    assert response.status_code == 200
    rows = {str(row["label"]): row for row in response.context["rows"]}
    assert rows["Afviste og tilbagetrukne anmodninger"]["count"] == 1
    assert rows["Afviste og tilbagetrukne anmodninger"]["anonymises"]
    notifications = next(row for label, row in rows.items() if "ail" in label or "eskeder" in label)
    assert notifications["count"] == 2 and not notifications["anonymises"]  # only the old two
    assert response.context["total"] == sum(row["count"] for row in rows.values()) >= 3
    body = response.content.decode()
    assert "anonymiseret" in body and "slettet" in body and "1 år" in body and "Antal" in body
    assert "Mads bider." not in body  # counts only
    assert client.post(url).status_code == 405
    req.refresh_from_db()
    assert req.need == "Mads bider." and req.anonymised_at is None
    assert Notification.objects.filter(pk__in=old).count() == 2
    # The health page links to it.
    assert url in client.get(reverse("operations")).content.decode()
