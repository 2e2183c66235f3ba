"""Signed agreement versions stay immutable until their retention ends; then their content, and
nothing else, may be anonymised.

This replaces the function `indsats_agreement_version_frozen` of migration 0003 (same name, same
trigger) with one that lets exactly one change through: a version that is sent, in force or
superseded may have its `content` changed, with every other column as it was, when

- the transaction has set `indsats.retention_before` (`SET LOCAL` by
  indsats.agreements.services.agreement_anonymise, with the retention cut-off date),
- that date lies at least 365 days back (no period shorter than a year, whatever a caller sets),
- and the version's agreement ended before it: its `ended_on` (the course was closed), or, when
  it has none, the last day of its last version.

Deletion stays refused. On SQLite (the laptop demo, no session settings) the same change passes
when the request is already anonymised and the agreement ended more than a year ago. Signatures
are untouched (their trigger stays). No data moves.
"""

from django.db import migrations

OTHER = " OR ".join(
    f"NEW.{c} IS DISTINCT FROM OLD.{c}"
    for c in (
        "content_hash",
        "number",
        "starts_on",
        "ends_on",
        "hours_per_week",
        "agreement_id",
        "sent_at",
        "in_force_at",
        "status",
        "superseded_at",
    )
)
CHANGED = " OR ".join(
    f"NEW.{c} IS DISTINCT FROM OLD.{c}"
    for c in ("content", "content_hash", "number", "starts_on", "ends_on", "hours_per_week", "agreement_id")
)
SIGNED_CHANGED = CHANGED + " OR " + " OR ".join(
    f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in ("sent_at", "in_force_at")
)

LAST_DAY = """
    SELECT COALESCE(
        a.ended_on,
        (SELECT max(v.ends_on) FROM indsats_agreementversion v WHERE v.agreement_id = a.id)
    ) FROM indsats_agreement a WHERE a.id = OLD.agreement_id
"""

POSTGRES = f"""
CREATE OR REPLACE FUNCTION indsats_agreement_version_frozen() RETURNS trigger AS $$
DECLARE
    retention_before date;
    last_day date;
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.status <> 'draft' THEN
            RAISE EXCEPTION 'agreement_version_frozen: version % cannot be deleted', OLD.id
                USING ERRCODE = 'check_violation';
        END IF;
        RETURN OLD;
    END IF;
    -- Retention: past its period, a frozen version's content may be anonymised, nothing else.
    IF OLD.status <> 'draft' AND NOT ({OTHER}) THEN
        retention_before := NULLIF(current_setting('indsats.retention_before', true), '')::date;
        IF retention_before IS NOT NULL AND retention_before <= current_date - 365 THEN
            {LAST_DAY.strip()} INTO last_day;
            IF last_day IS NOT NULL AND last_day < retention_before THEN
                RETURN NEW;
            END IF;
        END IF;
    END IF;
    IF OLD.status IN ('in_force', 'superseded') AND (
        {SIGNED_CHANGED}
        OR (NEW.status <> OLD.status AND NEW.status <> 'superseded')
        OR (OLD.superseded_at IS NOT NULL AND NEW.superseded_at IS DISTINCT FROM OLD.superseded_at)
    ) THEN
        RAISE EXCEPTION 'agreement_version_frozen: version % is signed', OLD.id
            USING ERRCODE = 'check_violation';
    END IF;
    IF OLD.status = 'sent' AND NEW.status <> 'draft' AND ({CHANGED}) THEN
        RAISE EXCEPTION 'agreement_version_frozen: version % is sent for signature', OLD.id
            USING ERRCODE = 'check_violation';
    END IF;
    IF OLD.status = 'sent' AND NEW.status = 'draft' AND EXISTS (
        SELECT 1 FROM indsats_signature s WHERE s.version_id = OLD.id
    ) THEN
        RAISE EXCEPTION 'agreement_version_frozen: version % still has signatures', OLD.id
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
"""

# Migration 0003's function, to go back to.
POSTGRES_BEFORE = f"""
CREATE OR REPLACE FUNCTION indsats_agreement_version_frozen() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.status <> 'draft' THEN
            RAISE EXCEPTION 'agreement_version_frozen: version % cannot be deleted', OLD.id
                USING ERRCODE = 'check_violation';
        END IF;
        RETURN OLD;
    END IF;
    IF OLD.status IN ('in_force', 'superseded') AND (
        {SIGNED_CHANGED}
        OR (NEW.status <> OLD.status AND NEW.status <> 'superseded')
        OR (OLD.superseded_at IS NOT NULL AND NEW.superseded_at IS DISTINCT FROM OLD.superseded_at)
    ) THEN
        RAISE EXCEPTION 'agreement_version_frozen: version % is signed', OLD.id
            USING ERRCODE = 'check_violation';
    END IF;
    IF OLD.status = 'sent' AND NEW.status <> 'draft' AND ({CHANGED}) THEN
        RAISE EXCEPTION 'agreement_version_frozen: version % is sent for signature', OLD.id
            USING ERRCODE = 'check_violation';
    END IF;
    IF OLD.status = 'sent' AND NEW.status = 'draft' AND EXISTS (
        SELECT 1 FROM indsats_signature s WHERE s.version_id = OLD.id
    ) THEN
        RAISE EXCEPTION 'agreement_version_frozen: version % still has signatures', OLD.id
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
"""

SQLITE_OTHER = OTHER.replace("IS DISTINCT FROM", "IS NOT")
SQLITE_CHANGED = CHANGED.replace("IS DISTINCT FROM", "IS NOT")
SQLITE_SIGNED_CHANGED = SIGNED_CHANGED.replace("IS DISTINCT FROM", "IS NOT")
SQLITE_RETENTION = f"""(
        NOT ({SQLITE_OTHER})
        AND (
            SELECT r.anonymised_at FROM indsats_interventionrequest r
            JOIN indsats_agreement a ON a.request_id = r.id WHERE a.id = OLD.agreement_id
        ) IS NOT NULL
        AND ({LAST_DAY.strip()}) < date('now', '-1 year')
    )"""

SQLITE = [
    "DROP TRIGGER IF EXISTS agreement_version_frozen_signed",
    "DROP TRIGGER IF EXISTS agreement_version_frozen_sent",
    f"""
    CREATE TRIGGER agreement_version_frozen_signed BEFORE UPDATE ON indsats_agreementversion
    WHEN OLD.status IN ('in_force', 'superseded') AND (
        {SQLITE_SIGNED_CHANGED}
        OR (NEW.status <> OLD.status AND NEW.status <> 'superseded')
        OR (OLD.superseded_at IS NOT NULL AND NEW.superseded_at IS NOT OLD.superseded_at)
    ) AND NOT {SQLITE_RETENTION}
    BEGIN SELECT RAISE(ABORT, 'agreement_version_frozen: the version is signed'); END;
    """,
    f"""
    CREATE TRIGGER agreement_version_frozen_sent BEFORE UPDATE ON indsats_agreementversion
    WHEN OLD.status = 'sent' AND NEW.status <> 'draft' AND ({SQLITE_CHANGED})
        AND NOT {SQLITE_RETENTION}
    BEGIN SELECT RAISE(ABORT, 'agreement_version_frozen: the version is sent for signature'); END;
    """,
]

SQLITE_BEFORE = [
    "DROP TRIGGER IF EXISTS agreement_version_frozen_signed",
    "DROP TRIGGER IF EXISTS agreement_version_frozen_sent",
    f"""
    CREATE TRIGGER agreement_version_frozen_signed BEFORE UPDATE ON indsats_agreementversion
    WHEN OLD.status IN ('in_force', 'superseded') AND (
        {SQLITE_SIGNED_CHANGED}
        OR (NEW.status <> OLD.status AND NEW.status <> 'superseded')
        OR (OLD.superseded_at IS NOT NULL AND NEW.superseded_at IS NOT OLD.superseded_at)
    )
    BEGIN SELECT RAISE(ABORT, 'agreement_version_frozen: the version is signed'); END;
    """,
    f"""
    CREATE TRIGGER agreement_version_frozen_sent BEFORE UPDATE ON indsats_agreementversion
    WHEN OLD.status = 'sent' AND NEW.status <> 'draft' AND ({SQLITE_CHANGED})
    BEGIN SELECT RAISE(ABORT, 'agreement_version_frozen: the version is sent for signature'); END;
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
    dependencies = [("indsats", "0009_retention_anonymised_at")]

    operations = [migrations.RunPython(forward, backward)]
