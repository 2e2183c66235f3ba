"""A pedagogist's attachments may not add up to more than 100 % on any day.

A check constraint sees one row, so on PostgreSQL a trigger checks the sum across rows. It locks the
pedagogist's row first, so two attachments saved at the same moment cannot both slip under the
limit. The admin form checks the same rule first (Assignment.clean) to give a Danish message; the
trigger is the backstop for every other writer. On SQLite (the laptop demo) only the form checks.
No data moves.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION institutioner_assignment_share_limit() RETURNS trigger AS $$
DECLARE
    peak numeric;
BEGIN
    PERFORM 1 FROM institutioner_pedagogist WHERE id = NEW.pedagogist_id FOR UPDATE;
    SELECT max(total) INTO peak FROM (
        SELECT (
            SELECT sum(b.share) FROM institutioner_assignment b
            WHERE b.pedagogist_id = NEW.pedagogist_id
              AND b.valid_from <= d.day
              AND (b.valid_to IS NULL OR b.valid_to >= d.day)
        ) AS total
        FROM (
            SELECT greatest(a.valid_from, NEW.valid_from) AS day
            FROM institutioner_assignment a
            WHERE a.pedagogist_id = NEW.pedagogist_id
              AND (a.valid_to IS NULL OR a.valid_to >= NEW.valid_from)
              AND (NEW.valid_to IS NULL OR a.valid_from <= NEW.valid_to)
        ) AS d
    ) AS totals;
    IF peak > 100 THEN
        RAISE EXCEPTION 'assignment_share_limit: pedagogist % would be at % %%', NEW.pedagogist_id, peak
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER assignment_share_limit
AFTER INSERT OR UPDATE OF pedagogist_id, share, valid_from, valid_to ON institutioner_assignment
FOR EACH ROW EXECUTE FUNCTION institutioner_assignment_share_limit();
"""

DROP = """
DROP TRIGGER IF EXISTS assignment_share_limit ON institutioner_assignment;
DROP FUNCTION IF EXISTS institutioner_assignment_share_limit();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("institutioner", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
