"""In Chromium: a leader meets a reminder under the bell on a phone, opens it, and switches off
that kind of e-mail; the administration reads the health page and changes a reminder's time."""

import re
from datetime import timedelta

from django.utils import timezone
from django_celery_beat.models import PeriodicTask
from playwright.sync_api import expect

from forloeb.models import EvaluationKind
from forloeb.reminders import rules as reminders
from institutioner.models import Heartbeat, Notification, NotificationKind, NotificationOptOut
from tests.e2e.conftest import log_in, serious_accessibility_violations
from tests.factories import PASSWORD
from tests.indsats.helpers import accept, agreement_in_force, make_request


def test_a_leader_opens_a_reminder_and_switches_off_its_e_mail(
    page, live_server, world, console_errors
):
    req = make_request(world, submit=True)
    accept(world, req)
    course = agreement_in_force(world, req)[0].course
    Notification.objects.update(read_at=timezone.now())
    course.evaluations.filter(kind=EvaluationKind.MIDWAY).delete()
    course.evaluations.create(
        kind=EvaluationKind.MIDWAY, due_on=timezone.localdate() + timedelta(days=3)
    )
    assert reminders.evaluations_due(now=timezone.now()) == 2
    page.set_viewport_size({"width": 390, "height": 844})

    log_in(page, live_server.url, "lene@example.dk", PASSWORD)
    # The bell is visible without opening the menu, with the unread count said in words.
    bell = page.get_by_role("link", name=re.compile(r"^Notifikationer 1 ulæst$"))
    expect(bell).to_be_visible()
    bell.click()
    expect(page.get_by_role("heading", name="Notifikationer")).to_be_visible()
    assert serious_accessibility_violations(page) == []
    page.get_by_role("link", name=re.compile("midtvejsevaluering", re.I)).click()
    expect(page).to_have_url(re.compile(rf"/forloeb/{course.pk}/$"))
    # The bell itself (the user menu's item of the same name is in the collapsed menu, and
    # counts as visible while the page's styles are still loading on a busy machine).
    expect(page.locator("header a.notification-bell")).to_have_accessible_name("Notifikationer")

    page.goto(f"{live_server.url}/notifikationer/indstillinger/")
    page.get_by_label("Påmindelse: evalueringer der nærmer sig eller er overskredet").uncheck()
    page.get_by_role("button", name="Gem").click()
    expect(page.get_by_text("Dit valg af e-mails er gemt.")).to_be_visible()
    assert list(NotificationOptOut.objects.values_list("user__email", "kind")) == [
        ("lene@example.dk", NotificationKind.EVALUATION_REMINDER)
    ]
    assert serious_accessibility_violations(page) == []
    assert console_errors == []


def test_the_administration_changes_when_week_sheets_are_reminded(
    page, live_server, world, console_errors
):
    Heartbeat.objects.create(name="worker", at=timezone.now())
    log_in(page, live_server.url, "frida@example.dk", PASSWORD)
    page.get_by_role("button", name=re.compile("Frida Forvaltning")).click()
    page.get_by_role("link", name="Drift og påmindelser").click()
    expect(page.get_by_role("heading", name="Drift og påmindelser")).to_be_visible()
    expect(page.get_by_text("Svarer", exact=True)).to_be_visible()
    assert serious_accessibility_violations(page) == []
    # On a phone the wide table scrolls in its own box; the page itself does not scroll sideways.
    page.set_viewport_size({"width": 390, "height": 844})
    for path in ("/drift/", "/timer/godkendelse/"):
        page.goto(live_server.url + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + "/drift/")

    page.get_by_role(
        "link", name=re.compile(r"Ændr tidspunkt\s*: Ugeskema ikke indsendt på ugens sidste")
    ).click()
    page.get_by_label("Klokkeslæt").fill("13:00")
    page.get_by_label("Lørdag").uncheck()
    page.get_by_label("Søndag").uncheck()
    page.get_by_role("button", name="Gem").click()
    expect(page.get_by_text(re.compile(r"er gemt: 13:00, mandag til fredag"))).to_be_visible()
    task = PeriodicTask.objects.get(name="reminders-week-sheets")
    assert (task.crontab.hour, task.crontab.minute, task.crontab.day_of_week) == (
        "13",
        "0",
        "1,2,3,4,5",
    )
    assert console_errors == []
