"""Notifications in the app, e-mail settings, and the administration's health page."""

import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from config.celery import app
from institutioner.models import (
    Heartbeat,
    Notification,
    NotificationKind,
    NotificationOptOut,
    NotificationStatus,
)
from institutioner.notifications.kinds import kinds_for_role
from institutioner.operations import schedules
from institutioner.operations.schedules import all_schedules, schedules_install


@pytest.fixture(autouse=True)
def eager_celery():
    # Messages queued after commit are sent in the test's own thread, not left in Redis.
    before = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = before


def _note(person, subject, url="", **kwargs):
    return Notification.objects.create(
        recipient=person,
        email=person.email,
        template="notification_test",
        subject=subject,
        body_text=f"Brødtekst: {subject}",
        url=url,
        status=kwargs.pop("status", NotificationStatus.SENT),
        sent_at=kwargs.pop("sent_at", timezone.now()),
        **kwargs,
    )


def test_a_person_sees_their_own_notifications_and_the_unread_count(client, world):
    mine = _note(world.leader, "Evaluering om 3 dage", url="/forloeb/")
    _note(world.leader, "Læst besked", read_at=timezone.now())
    _note(world.administrator, "Ikke Lenes")
    client.force_login(world.leader)

    html = client.get(reverse("notifications")).content.decode()
    assert "Evaluering om 3 dage" in html
    assert "Læst besked" in html
    assert "Ikke Lenes" not in html
    # The bell in the menu: one unread, said in words for screen readers.
    assert '1<span class="visually-hidden"> ulæst</span>' in html

    response = client.get(reverse("notification_open", args=[mine.pk]))
    assert response.status_code == 302
    assert response["Location"] == "/forloeb/"
    mine.refresh_from_db()
    assert mine.read_at is not None
    html = client.get(reverse("notifications")).content.decode()
    assert "ulæst</span>" not in html


def test_someone_elses_notification_is_404_and_stays_unread(client, world):
    theirs = _note(world.administrator, "Til Frida")
    client.force_login(world.leader)
    assert client.get(reverse("notification_open", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_a_link_to_another_site_is_not_followed(client, world):
    note = _note(world.leader, "Mærkeligt link", url="https://example.com/")
    client.force_login(world.leader)
    response = client.get(reverse("notification_open", args=[note.pk]))
    assert response["Location"] == f"/notifikationer/#notifikation-{note.pk}"


def test_mark_all_as_read(client, world):
    for n in range(3):
        _note(world.leader, f"Besked {n}")
    other = _note(world.administrator, "Fridas")
    client.force_login(world.leader)
    response = client.post(reverse("notifications"), follow=True)
    assert "3 notifikationer er markeret som læst." in response.content.decode()
    assert not Notification.objects.filter(recipient=world.leader, read_at__isnull=True).exists()
    other.refresh_from_db()
    assert other.read_at is None


@pytest.mark.parametrize("extra", [1, 40])
def test_the_query_count_of_the_list_does_not_grow(client, world, django_assert_num_queries, extra):
    for n in range(extra):
        _note(world.leader, f"Ekstra {n}", read_at=timezone.now() if n % 2 else None)
    client.force_login(world.leader)
    # session, user, the page's count and rows, the unread count in the menu; session save (3)
    with django_assert_num_queries(8):
        response = client.get(reverse("notifications"))
    assert response.status_code == 200
    # The rows counted are the rows shown: the 25 newest.
    shown = {int(n) for n in re.findall(r"Ekstra (\d+)", response.content.decode())}
    assert shown == set(range(max(0, extra - 25), extra))


def test_the_list_pages(client, world):
    for n in range(30):
        _note(world.leader, f"Besked {n:02d}")
    client.force_login(world.leader)
    html = client.get(reverse("notifications")).content.decode()
    assert "Besked 29" in html
    assert "Besked 04" not in html  # the 25 newest on page 1
    assert "Side 1 af 2" in html
    html = client.get(reverse("notifications") + "?side=2").content.decode()
    assert "Besked 04" in html
    # A page that is not a number, or past the end, shows a page rather than an error.
    assert client.get(reverse("notifications") + "?side=x").status_code == 200
    assert client.get(reverse("notifications") + "?side=99").status_code == 200


def test_e_mail_can_be_switched_off_per_kind(client, world):
    client.force_login(world.leader)
    html = client.get(reverse("notification_settings")).content.decode()
    assert "Påmindelse: evalueringer der nærmer sig eller er overskredet" in html
    # Only the kinds a leader gets; messages from the system cannot be switched off.
    assert "Påmindelse: anmodninger der venter på visitation" not in html
    assert "Påmindelse: ugeskema ikke indsendt" not in html
    assert 'value="system"' not in html
    kinds = list(kinds_for_role("leader"))
    keep = [k for k in kinds if k != NotificationKind.EVALUATION_REMINDER]
    response = client.post(reverse("notification_settings"), {"emailed": keep}, follow=True)
    assert "Dit valg af e-mails er gemt." in response.content.decode()
    off = NotificationOptOut.objects.filter(user=world.leader).values_list("kind", flat=True)
    assert list(off) == [NotificationKind.EVALUATION_REMINDER]
    # A kind outside the role is an error in Danish, and nothing is changed.
    response = client.post(
        reverse("notification_settings"), {"emailed": [*kinds, NotificationKind.REQUEST_WAITING]}
    )
    assert "Vælg blandt de viste slags." in response.content.decode()
    assert NotificationOptOut.objects.filter(user=world.leader).count() == 1
    client.post(reverse("notification_settings"), {"emailed": kinds})
    assert not NotificationOptOut.objects.filter(user=world.leader).exists()


def test_staff_choose_only_meetings(client, world):
    client.force_login(world.staff)
    html = client.get(reverse("notification_settings")).content.decode()
    assert "Indsatsmøder" in html
    assert "Samarbejdsaftaler" not in html


@pytest.fixture
def healthy(world):
    now = timezone.now()
    Heartbeat.objects.create(name="worker", at=now)
    for schedule in all_schedules():
        Heartbeat.objects.create(name=f"schedule:{schedule.name}", at=now, detail="0")
    return now


def test_the_health_page_shows_failures_and_sends_them_again(
    client, world, healthy, mailoutbox, django_capture_on_commit_callbacks
):
    failed = _note(
        world.leader,
        "Kunne ikke sendes",
        created_at=timezone.now() - timedelta(hours=1),
        status=NotificationStatus.FAILED,
        sent_at=None,
        attempts=8,
        last_error="SMTPServerDisconnected: Connection unexpectedly closed",
    )
    client.force_login(world.administrator)
    html = client.get(reverse("operations")).content.decode()
    assert "SMTPServerDisconnected: Connection unexpectedly closed" in html
    assert "E-mails der ikke kunne sendes: 1" in html
    assert "Evalueringer inden for 7 dage eller overskredne" in html

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("operations"), {"action": "retry", "notifikation": [failed.pk]}, follow=True
        )
    html = response.content.decode()
    assert "1 e-mail sendes igen." in html
    # Sent again just now: not an e-mail that has waited long (it was created an hour ago).
    assert "har ventet i udbakken" not in html
    failed.refresh_from_db()
    assert failed.status == NotificationStatus.SENT
    assert [m.to for m in mailoutbox] == [["lene@example.dk"]]


def test_the_health_command_exits_1_on_a_problem_and_0_when_all_runs(world, healthy, capsys):
    call_command("health")
    out = capsys.readouterr().out
    assert "Alt kører." in out
    assert "[reminders-week-sheets]: 14:00, hver dag" in out

    Heartbeat.objects.filter(name="worker").update(at=healthy - timedelta(minutes=30))
    with pytest.raises(CommandError) as error:
        call_command("health")
    assert error.value.returncode == 1
    assert "Intet livstegn fra baggrundsprocessen" in str(error.value)


def test_a_schedule_that_did_not_run_is_late(world, healthy):
    from institutioner.operations.health import health

    task = PeriodicTask.objects.get(name="reminders-evaluations")
    # It runs at 07:00 every day. The beat sent it two days ago and the worker has no record
    # of running it since.
    PeriodicTask.objects.filter(pk=task.pk).update(last_run_at=healthy - timedelta(days=2))
    Heartbeat.objects.filter(name="schedule:reminders-evaluations").update(
        at=healthy - timedelta(days=2)
    )
    state = {row.schedule.name: row for row in health(now=healthy).schedules}
    assert state["reminders-evaluations"].late
    assert not state["reminders-week-sheets"].late


def test_the_administration_changes_a_reminders_time(client, world):
    task = PeriodicTask.objects.get(name="reminders-week-sheets")
    client.force_login(world.administrator)
    url = reverse("schedule_edit", args=[task.pk])
    html = client.get(url).content.decode()
    assert 'value="14:00"' in html

    # A bad time keeps the weekdays that were ticked and says what is wrong, in Danish.
    response = client.post(url, {"enabled": "on", "at": "25:99", "weekdays": ["4", "5"]})
    html = response.content.decode()
    assert "Skriv tidspunktet som timer og minutter, fx 14:00." in html
    checked = re.findall(r'value="(\d)"\s+id="id_weekdays_\d"\s+checked', html)
    assert checked == ["4", "5"]
    response = client.post(url, {"enabled": "on", "at": "13:30"})
    assert "Vælg mindst én ugedag." in response.content.decode()

    response = client.post(
        url, {"enabled": "on", "at": "13:30", "weekdays": ["4", "5"]}, follow=True
    )
    task.refresh_from_db()
    assert (task.crontab.hour, task.crontab.minute, task.crontab.day_of_week) == ("13", "30", "4,5")
    assert task.crontab.timezone.key == "Europe/Copenhagen"
    assert "13:30, tors, fre" in response.content.decode()

    # Installing again (after the next migrate) keeps the administration's time.
    assert schedules_install() == 0
    task.refresh_from_db()
    assert task.crontab.hour == "13"

    # The technical every-minute jobs are not edited here.
    sweep = PeriodicTask.objects.get(name="send-pending-notifications")
    assert client.get(reverse("schedule_edit", args=[sweep.pk])).status_code == 404


@pytest.mark.parametrize("failures", [1, 15])
def test_the_health_page_query_count_does_not_grow(
    client, world, healthy, django_assert_num_queries, failures
):
    for n in range(failures):
        _note(
            world.leader,
            f"Fejl {n}",
            status=NotificationStatus.FAILED,
            sent_at=None,
            attempts=8,
            last_error="SMTPServerDisconnected",
        )
    client.force_login(world.administrator)
    # session, user; schedules, heartbeats, outbox counts, failures (with recipients);
    # unread notifications; session save (3)
    with django_assert_num_queries(10):
        response = client.get(reverse("operations"))
    assert response.status_code == 200
    html = response.content.decode()
    shown = {int(n) for n in re.findall(r"Fejl (\d+)", html)}
    assert shown == set(range(failures))
    assert html.count('<th scope="row" class="fw-normal">') == len(schedules.all_schedules())
