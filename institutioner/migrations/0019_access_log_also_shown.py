"""The access log's rows name the other objects a page showed beside its own (the support
applications on a visitation meeting's board, in its PDFs and in a decision letter), so a search
by object finds the read under each of them.

A nullable column in the same row: a page still costs one INSERT, the existing rows stay as they
are (PostgreSQL adds a NULL column without touching them, so the append-only trigger of 0010
never fires; SQLite adds it with ALTER TABLE and keeps its trigger), and the retention purge
deletes it with the row. On PostgreSQL a GIN index answers "which rows showed application 12"
(`also_shown @> '{"indsats.supportapplication": [12]}'`).
"""

from django.db import migrations, models

POSTGRES = """
CREATE INDEX accesslog_also_shown_gin ON institutioner_accesslogentry
USING gin (also_shown jsonb_path_ops);
"""

POSTGRES_DROP = "DROP INDEX IF EXISTS accesslog_also_shown_gin;"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES, params=None)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("institutioner", "0018_support_applications"),
    ]

    operations = [
        migrations.AddField(
            model_name="accesslogentry",
            name="also_shown",
            field=models.JSONField(blank=True, null=True, verbose_name="also shown"),
        ),
        migrations.RunPython(create, drop),
    ]
