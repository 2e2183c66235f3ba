"""Approved weeks stay immutable until their retention ends; then their note, and nothing else,
may be anonymised.

This replaces the function `forloeb_week_sheet_frozen` of migration 0004 (same name, same
trigger) with one that lets exactly one change of an approved week through: its note becomes
empty or "[anonymiseret]", every other column as it was, when the transaction has set
`forloeb.retention_before` (`SET LOCAL` by forloeb.hours.services.week_sheet_anonymise, with the
retention cut-off date), that date lies at least 365 days back, and the week ended before it.
Deletion and every other change stay refused; the hours' trigger is untouched.

On SQLite (the laptop demo, no session settings) the same change passes for a week that ended
more than a year ago. No data moves.
"""

from django.db import migrations

OTHER = " OR ".join(
    f"NEW.{c} IS DISTINCT FROM OLD.{c}"
    for c in (
        "status",
        "week_start",
        "pedagogist_id",
        "submitted_at",
        "approved_at",
        "approved_by_id",
        "created_at",
    )
)
NOTE_ANONYMISED = "NEW.note IN ('', '[anonymiseret]')"

POSTGRES = f"""
CREATE OR REPLACE FUNCTION forloeb_week_sheet_frozen() RETURNS trigger AS $$
DECLARE
    retention_before date;
BEGIN
    IF OLD.status = 'approved' THEN
        IF TG_OP = 'UPDATE' AND {NOTE_ANONYMISED} AND NOT ({OTHER}) THEN
            retention_before := NULLIF(
                current_setting('forloeb.retention_before', true), ''
            )::date;
            IF retention_before IS NOT NULL AND retention_before <= current_date - 365
                AND OLD.week_start + 7 <= retention_before THEN
                RETURN NEW;
            END IF;
        END IF;
        RAISE EXCEPTION 'week_sheet_approved: week sheet % is approved', OLD.id
            USING ERRCODE = 'check_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
"""

POSTGRES_BEFORE = """
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
"""

SQLITE_OTHER = OTHER.replace("IS DISTINCT FROM", "IS NOT")

SQLITE = [
    "DROP TRIGGER IF EXISTS week_sheet_frozen",
    f"""
    CREATE TRIGGER week_sheet_frozen BEFORE UPDATE ON forloeb_weeksheet
    WHEN OLD.status = 'approved' AND NOT (
        {NOTE_ANONYMISED} AND NOT ({SQLITE_OTHER})
        AND date(OLD.week_start, '+7 days') <= date('now', '-1 year')
    )
    BEGIN SELECT RAISE(ABORT, 'week_sheet_approved: the week sheet is approved'); END;
    """,
]

SQLITE_BEFORE = [
    "DROP TRIGGER IF EXISTS week_sheet_frozen",
    """
    CREATE TRIGGER week_sheet_frozen BEFORE UPDATE ON forloeb_weeksheet
    WHEN OLD.status = 'approved'
    BEGIN SELECT RAISE(ABORT, 'week_sheet_approved: the week sheet is approved'); END;
    """,
]


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE:
            schema_editor.execute(statement, params=None)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_BEFORE, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE_BEFORE:
            schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("forloeb", "0008_retention_anonymised_at")]

    operations = [migrations.RunPython(forward, backward)]
