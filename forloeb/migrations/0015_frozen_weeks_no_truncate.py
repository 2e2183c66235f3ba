"""TRUNCATE of week sheets and hour entries is refused (institutioner_refuse_truncate, see
institutioner 0011): approved weeks are a record that no statement empties at once. Triggers of
their own, beside 0004's row triggers. PostgreSQL only (SQLite has no TRUNCATE)."""

from django.db import migrations

POSTGRES = """
CREATE TRIGGER week_sheet_no_truncate
BEFORE TRUNCATE ON forloeb_weeksheet
FOR EACH STATEMENT EXECUTE FUNCTION institutioner_refuse_truncate();

CREATE TRIGGER hour_entry_no_truncate
BEFORE TRUNCATE ON forloeb_hourentry
FOR EACH STATEMENT EXECUTE FUNCTION institutioner_refuse_truncate();
"""

POSTGRES_DROP = """
DROP TRIGGER IF EXISTS hour_entry_no_truncate ON forloeb_hourentry;
DROP TRIGGER IF EXISTS week_sheet_no_truncate ON forloeb_weeksheet;
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES, params=None)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("forloeb", "0014_calendar_feeds"),
        ("institutioner", "0014_refuse_truncate"),
    ]

    operations = [migrations.RunPython(create, drop)]
