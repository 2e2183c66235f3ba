from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import migrations, models

BATCH = 2000


def held_on_the_day_recorded(apps, schema_editor):
    """Evaluations recorded before the field existed were held, as far as anyone wrote down, on
    the day they were recorded: the Copenhagen calendar day of completed_at. Their history rows
    as well, so the next correction does not show the day as a change from nothing."""
    zone = ZoneInfo(settings.TIME_ZONE)
    for name in ("Evaluation", "HistoricalEvaluation"):
        model = apps.get_model("forloeb", name)
        pk = "history_id" if name.startswith("Historical") else "id"
        rows = model.objects.filter(status="completed", completed_at__isnull=False).order_by(pk)
        batch = []
        for row in rows.only(pk, "completed_at").iterator(chunk_size=BATCH):
            row.held_on = row.completed_at.astimezone(zone).date()
            batch.append(row)
            if len(batch) == BATCH:
                model.objects.bulk_update(batch, ["held_on"])
                batch = []
        model.objects.bulk_update(batch, ["held_on"])


class Migration(migrations.Migration):
    """The day an evaluation was held, which the person recording it gives (often days before
    it is written down). Existing completed evaluations get the day they were recorded; then
    the database makes sure every completed evaluation has one and a planned one has none."""

    dependencies = [
        ("forloeb", "0025_evaluation_updated_at"),
    ]

    operations = [
        migrations.AddField(
            model_name="evaluation",
            name="held_on",
            field=models.DateField(blank=True, null=True, verbose_name="held on"),
        ),
        migrations.AddField(
            model_name="historicalevaluation",
            name="held_on",
            field=models.DateField(blank=True, null=True, verbose_name="held on"),
        ),
        migrations.RunPython(held_on_the_day_recorded, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="evaluation",
            constraint=models.CheckConstraint(
                condition=models.Q(status="planned", held_on__isnull=True)
                | models.Q(status="completed", held_on__isnull=False),
                name="evaluation_completed_has_held_on",
            ),
        ),
    ]
