"""Approved weeks are immutable, in the database itself.

- An approved week sheet is never changed (status, note, week, pedagogist) and never deleted.
- Hours of an approved week are never added, changed or deleted.

Triggers for PostgreSQL and SQLite; the error text starts with "week_sheet_approved". On SQLite
(the laptop demo) only inserts and changes are refused, not deletes: Django's test database flush
deletes row by row there, while PostgreSQL truncates. No data moves.
"""

from django.db import migrations

POSTGRES = """
CREATE OR REPLACE FUNCTION forloeb_week_sheet_frozen() RETURNS trigger AS $$
BEGIN
    IF OLD.status = 'approved' THEN
        RAISE EXCEPTION 'week_sheet_approved: week sheet % is approved', OLD.id
            USING ERRCODE = 'check_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER week_sheet_frozen
BEFORE UPDATE OR DELETE ON forloeb_weeksheet
FOR EACH ROW EXECUTE FUNCTION forloeb_week_sheet_frozen();

CREATE OR REPLACE FUNCTION forloeb_hour_entry_frozen() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND EXISTS (
        SELECT 1 FROM forloeb_weeksheet s WHERE s.id = OLD.sheet_id AND s.status = 'approved'
    ) THEN
        RAISE EXCEPTION 'week_sheet_approved: the hours of week sheet % are approved', OLD.sheet_id
            USING ERRCODE = 'check_violation';
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND EXISTS (
        SELECT 1 FROM forloeb_weeksheet s WHERE s.id = NEW.sheet_id AND s.status = 'approved'
    ) THEN
        RAISE EXCEPTION 'week_sheet_approved: week sheet % is approved', NEW.sheet_id
            USING ERRCODE = 'check_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER hour_entry_frozen
BEFORE INSERT OR UPDATE OR DELETE ON forloeb_hourentry
FOR EACH ROW EXECUTE FUNCTION forloeb_hour_entry_frozen();
"""

POSTGRES_DROP = """
DROP TRIGGER IF EXISTS week_sheet_frozen ON forloeb_weeksheet;
DROP FUNCTION IF EXISTS forloeb_week_sheet_frozen();
DROP TRIGGER IF EXISTS hour_entry_frozen ON forloeb_hourentry;
DROP FUNCTION IF EXISTS forloeb_hour_entry_frozen();
"""

SQLITE = [
    """
    CREATE TRIGGER week_sheet_frozen BEFORE UPDATE ON forloeb_weeksheet
    WHEN OLD.status = 'approved'
    BEGIN SELECT RAISE(ABORT, 'week_sheet_approved: the week sheet is approved'); END;
    """,
    """
    CREATE TRIGGER hour_entry_frozen_insert BEFORE INSERT ON forloeb_hourentry
    WHEN EXISTS (SELECT 1 FROM forloeb_weeksheet WHERE id = NEW.sheet_id AND status = 'approved')
    BEGIN SELECT RAISE(ABORT, 'week_sheet_approved: the week sheet is approved'); END;
    """,
    """
    CREATE TRIGGER hour_entry_frozen_update BEFORE UPDATE ON forloeb_hourentry
    WHEN EXISTS (
        SELECT 1 FROM forloeb_weeksheet
        WHERE id IN (OLD.sheet_id, NEW.sheet_id) AND status = 'approved'
    )
    BEGIN SELECT RAISE(ABORT, 'week_sheet_approved: the week sheet is approved'); END;
    """,
]

SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS week_sheet_frozen",
    "DROP TRIGGER IF EXISTS hour_entry_frozen_insert",
    "DROP TRIGGER IF EXISTS hour_entry_frozen_update",
]


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE:
            schema_editor.execute(statement, params=None)


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_DROP, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE_DROP:
            schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("forloeb", "0003_week_sheets")]

    operations = [migrations.RunPython(create, drop)]
