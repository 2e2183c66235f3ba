"""The re-visitation reminder: granted support due within 4 weeks, on no agenda → the
administration, once per case and date."""

from datetime import timedelta

from django.utils import timezone

from forloeb.reminders import rules as reminders
from forloeb.reminders.tasks import run_all
from indsats.models import AgendaItem, SupportApplication, SupportStatus
from indsats.supportmeetings import services
from institutioner.models import Notification, NotificationKind
from tests.indsats.supportmeetings.helpers import grant, make_application, plan


def test_granted_cases_due_for_revisitation_are_reminded_once(world, consultant):
    due = make_application(world, child="Emil Eksempel")
    not_yet = make_application(world, child="Anna Andersen")
    plan(world)
    today = timezone.localdate()
    grant(
        world,
        AgendaItem.objects.get(application=due),
        period_start=today + timedelta(days=14),
        revisit_on=today + timedelta(days=20),
    )
    grant(world, AgendaItem.objects.get(application=not_yet), revisit_on=today + timedelta(days=60))
    now = timezone.now()
    assert reminders.support_revisits_due(now=now) == 1
    assert reminders.support_revisits_due(now=now) == 0
    assert run_all(now=now)["reminders-support-revisits"] == 0
    (row,) = Notification.objects.filter(template="reminder_support_revisit")
    assert row.recipient == world.administrator and row.kind == NotificationKind.SUPPORT_REVISIT
    assert f"Ansøgning nr. {due.pk} (Børnehuset Mariehønen, Frøen)" in row.subject
    assert "Emil" not in row.subject and "Emil" not in row.body_text
    # On an agenda: no reminder; the other case when its time comes, and once.
    later = now + timedelta(days=40)
    second = plan(world, days=30, deadline_days=20)
    services.revisit_place(
        actor=world.administrator, application_id=not_yet.pk, meeting_id=second.pk
    )
    assert reminders.support_revisits_due(now=later) == 0
    # Cases not in force are not reminded.
    SupportApplication.objects.filter(pk=due.pk).update(status=SupportStatus.ENDED)
    Notification.objects.all().delete()
    assert reminders.support_revisits_due(now=later) == 0
