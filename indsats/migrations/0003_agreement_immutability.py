"""Signed agreement versions are immutable, in the database itself.

- A version in force or superseded keeps its content, hash, number, period and hours; its status
  may only move on to "superseded"; it cannot be deleted.
- A version sent for signature keeps its content unless it goes back to draft (declined).
- Signatures are never changed, and cannot be deleted once their version is signed.

Triggers for PostgreSQL and SQLite; the error text starts with "agreement_version_frozen" or
"signature_frozen". On SQLite (the laptop demo) only changes are refused, not deletes: Django's
test database flush deletes row by row there, while PostgreSQL truncates. No data moves.
"""

from django.db import migrations

CHANGED = " OR ".join(
    f"NEW.{c} IS DISTINCT FROM OLD.{c}"
    for c in ("content", "content_hash", "number", "starts_on", "ends_on", "hours_per_week", "agreement_id")
)
SIGNED_CHANGED = CHANGED + " OR " + " OR ".join(
    f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in ("sent_at", "in_force_at")
)

POSTGRES = f"""
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

CREATE TRIGGER agreement_version_frozen
BEFORE UPDATE OR DELETE ON indsats_agreementversion
FOR EACH ROW EXECUTE FUNCTION indsats_agreement_version_frozen();

CREATE OR REPLACE FUNCTION indsats_signature_frozen() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        RAISE EXCEPTION 'signature_frozen: signatures are never changed'
            USING ERRCODE = 'check_violation';
    END IF;
    IF EXISTS (
        SELECT 1 FROM indsats_agreementversion v
        WHERE v.id = OLD.version_id AND v.status IN ('in_force', 'superseded')
    ) THEN
        RAISE EXCEPTION 'signature_frozen: the version is signed'
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN OLD;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER signature_frozen
BEFORE UPDATE OR DELETE ON indsats_signature
FOR EACH ROW EXECUTE FUNCTION indsats_signature_frozen();
"""

POSTGRES_DROP = """
DROP TRIGGER IF EXISTS agreement_version_frozen ON indsats_agreementversion;
DROP FUNCTION IF EXISTS indsats_agreement_version_frozen();
DROP TRIGGER IF EXISTS signature_frozen ON indsats_signature;
DROP FUNCTION IF EXISTS indsats_signature_frozen();
"""

SQLITE_CHANGED = CHANGED.replace("IS DISTINCT FROM", "IS NOT")
SQLITE_SIGNED_CHANGED = SIGNED_CHANGED.replace("IS DISTINCT FROM", "IS NOT")

SQLITE = [
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
    """
    CREATE TRIGGER agreement_version_unsent_with_signatures
    BEFORE UPDATE ON indsats_agreementversion
    WHEN OLD.status = 'sent' AND NEW.status = 'draft'
        AND EXISTS (SELECT 1 FROM indsats_signature WHERE version_id = OLD.id)
    BEGIN SELECT RAISE(ABORT, 'agreement_version_frozen: the version still has signatures'); END;
    """,
    """
    CREATE TRIGGER signature_frozen_update BEFORE UPDATE ON indsats_signature
    BEGIN SELECT RAISE(ABORT, 'signature_frozen: signatures are never changed'); END;
    """,
]

SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS agreement_version_unsent_with_signatures",
    "DROP TRIGGER IF EXISTS agreement_version_frozen_signed",
    "DROP TRIGGER IF EXISTS agreement_version_frozen_sent",
    "DROP TRIGGER IF EXISTS signature_frozen_update",
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
    dependencies = [("indsats", "0002_agreements")]

    operations = [migrations.RunPython(create, drop)]
