import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    """An evaluation's last save, to refuse a correction opened before another one was saved.
    Existing rows get the time of the migration: a form opened before it is not told about a
    save it cannot know of, and one opened after it compares with this time."""

    dependencies = [
        ("forloeb", "0024_plan_change_lapsed"),
    ]

    operations = [
        migrations.AddField(
            model_name="evaluation",
            name="updated_at",
            field=models.DateTimeField(
                auto_now=True, default=django.utils.timezone.now, verbose_name="updated"
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="historicalevaluation",
            name="updated_at",
            field=models.DateTimeField(
                blank=True,
                default=django.utils.timezone.now,
                editable=False,
                verbose_name="updated",
            ),
            preserve_default=False,
        ),
    ]
