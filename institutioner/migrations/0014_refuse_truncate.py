"""TRUNCATE of a table whose rows are a record (the access log here; signed agreements and
approved weeks in the apps above) is refused by the database.

A TRUNCATE is not a row operation: the row triggers that keep signed and append-only rows as
they are never see it. This statement trigger refuses it unless the session has set
`institutioner.allow_truncate` to 'on'. Only the test database sets that (tests/conftest.py:
Django's flush between tests truncates); a production database never does, and its application
role has no TRUNCATE privilege in the first place (README: Reliability). The error text starts
with "truncate_refused". PostgreSQL only: SQLite has no TRUNCATE.

The function is generic so that the apps above use it for their own tables.
"""

from django.db import migrations

POSTGRES = """
CREATE OR REPLACE FUNCTION institutioner_refuse_truncate() RETURNS trigger AS $$
BEGIN
    IF coalesce(current_setting('institutioner.allow_truncate', true), '') = 'on' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'truncate_refused: % is a record and is never emptied at once', TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER access_log_no_truncate
BEFORE TRUNCATE ON institutioner_accesslogentry
FOR EACH STATEMENT EXECUTE FUNCTION institutioner_refuse_truncate();
"""

POSTGRES_DROP = """
DROP TRIGGER IF EXISTS access_log_no_truncate ON institutioner_accesslogentry;
DROP FUNCTION IF EXISTS institutioner_refuse_truncate();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES, params=None)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("institutioner", "0013_notification_kind_plan_change")]

    operations = [migrations.RunPython(create, drop)]
