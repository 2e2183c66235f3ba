"""Planned meetings whose application deadline is on (or after) the meeting's day, as the
planning form allowed before: an application submitted on the meeting's day cannot be read for
it, and editing such a meeting is refused until the deadline is moved. Their deadline becomes
the day before the meeting's day (Danish time). Meetings that have begun, been held or been
cancelled keep theirs.
Forward only."""

from datetime import timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import migrations
from django.utils import timezone


def forward(apps, schema_editor):
    VisitationMeeting = apps.get_model("indsats", "VisitationMeeting")
    zone = ZoneInfo(settings.TIME_ZONE)
    for meeting in VisitationMeeting.objects.filter(status="planned", starts_at__gt=timezone.now()).iterator(chunk_size=500):
        day = meeting.starts_at.astimezone(zone).date()
        if meeting.application_deadline >= day:
            VisitationMeeting.objects.filter(pk=meeting.pk).update(
                application_deadline=day - timedelta(days=1)
            )


class Migration(migrations.Migration):
    dependencies = [
        ("indsats", "0019_agenda_items_taken_off_for_a_question"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
