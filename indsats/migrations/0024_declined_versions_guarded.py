"""A declined agreement version (kept as it was sent since 0023) is guarded in the database like
a signed one: it is the record of what was sent and declined, and nothing moves it on.

- Its content, hash, number, period, hours, agreement and times are never changed, and its status
  stays "declined" (it is never sent, signed, put in force or made a draft again). Retention may
  still anonymise its content, as for every frozen version (migration 0010's rule, unchanged).
- No signature is added to it, and (on PostgreSQL) the signatures it had are not deleted.

This replaces the functions `indsats_agreement_version_frozen` (0010) and
`indsats_signature_frozen` (0003) and `indsats_signature_on_signed_version` (0012), same names and
triggers, each with the declined case added. On SQLite (the laptop demo) two triggers of their own
do the same for changes and new signatures (SQLite's flush deletes row by row, so deletes stay
allowed there, as in 0003). No data moves.
"""

from django.db import migrations

COLUMNS = ("content", "content_hash", "number", "starts_on", "ends_on", "hours_per_week", "agreement_id")
OTHER = " OR ".join(
    f"NEW.{c} IS DISTINCT FROM OLD.{c}"
    for c in (*COLUMNS[1:], "sent_at", "in_force_at", "status", "superseded_at")
)
CHANGED = " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in COLUMNS)
SIGNED_CHANGED = CHANGED + " OR " + " OR ".join(
    f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in ("sent_at", "in_force_at")
)
DECLINED_CHANGED = SIGNED_CHANGED + " OR " + " OR ".join(
    f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in ("status", "superseded_at")
)

LAST_DAY = """
    SELECT COALESCE(
        a.ended_on,
        (SELECT max(v.ends_on) FROM indsats_agreementversion v WHERE v.agreement_id = a.id)
    ) FROM indsats_agreement a WHERE a.id = OLD.agreement_id
"""


def _version_function(declined: bool) -> str:
    declined_rule = (
        f"""
    IF OLD.status = 'declined' AND ({DECLINED_CHANGED}) THEN
        RAISE EXCEPTION 'agreement_version_frozen: version % is declined', OLD.id
            USING ERRCODE = 'check_violation';
    END IF;"""
        if declined
        else ""
    )
    return f"""
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
    END IF;{declined_rule}
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


def _signature_functions(declined: bool) -> str:
    kept = "'in_force', 'superseded', 'declined'" if declined else "'in_force', 'superseded'"
    declined_rule = (
        """
    IF EXISTS (
        SELECT 1 FROM indsats_agreementversion v
        WHERE v.id = NEW.version_id AND v.status = 'declined'
    ) THEN
        RAISE EXCEPTION 'signature_on_declined_version: version % is declined', NEW.version_id
            USING ERRCODE = 'check_violation';
    END IF;"""
        if declined
        else ""
    )
    return f"""
CREATE OR REPLACE FUNCTION indsats_signature_frozen() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        RAISE EXCEPTION 'signature_frozen: signatures are never changed'
            USING ERRCODE = 'check_violation';
    END IF;
    IF EXISTS (
        SELECT 1 FROM indsats_agreementversion v
        WHERE v.id = OLD.version_id AND v.status IN ({kept})
    ) THEN
        RAISE EXCEPTION 'signature_frozen: the version is signed'
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN OLD;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION indsats_signature_on_signed_version() RETURNS trigger AS $$
BEGIN
    IF EXISTS (
        SELECT 1 FROM indsats_agreementversion v
        WHERE v.id = NEW.version_id AND v.status IN ('in_force', 'superseded')
    ) THEN
        RAISE EXCEPTION 'signature_on_signed_version: version % is already signed', NEW.version_id
            USING ERRCODE = 'check_violation';
    END IF;{declined_rule}
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
"""


SQLITE_OTHER = OTHER.replace("IS DISTINCT FROM", "IS NOT")
SQLITE_DECLINED_CHANGED = DECLINED_CHANGED.replace("IS DISTINCT FROM", "IS NOT")
# Migration 0010's retention exception, as on the other SQLite triggers.
SQLITE_RETENTION = f"""(
        NOT ({SQLITE_OTHER})
        AND (
            SELECT r.anonymised_at FROM indsats_interventionrequest r
            JOIN indsats_agreement a ON a.request_id = r.id WHERE a.id = OLD.agreement_id
        ) IS NOT NULL
        AND ({LAST_DAY.strip()}) < date('now', '-1 year')
    )"""

SQLITE = [
    f"""
    CREATE TRIGGER agreement_version_frozen_declined BEFORE UPDATE ON indsats_agreementversion
    WHEN OLD.status = 'declined' AND ({SQLITE_DECLINED_CHANGED}) AND NOT {SQLITE_RETENTION}
    BEGIN SELECT RAISE(ABORT, 'agreement_version_frozen: the version is declined'); END;
    """,
    """
    CREATE TRIGGER signature_on_declined_version BEFORE INSERT ON indsats_signature
    WHEN EXISTS (
        SELECT 1 FROM indsats_agreementversion WHERE id = NEW.version_id AND status = 'declined'
    )
    BEGIN SELECT RAISE(ABORT, 'signature_on_declined_version: the version is declined'); END;
    """,
]

SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS agreement_version_frozen_declined",
    "DROP TRIGGER IF EXISTS signature_on_declined_version",
]


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(_version_function(declined=True), params=None)
        schema_editor.execute(_signature_functions(declined=True), params=None)
    elif vendor == "sqlite":
        for statement in SQLITE:
            schema_editor.execute(statement, params=None)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        # The functions of 0010, 0003 and 0012, as they were.
        schema_editor.execute(_version_function(declined=False), params=None)
        schema_editor.execute(_signature_functions(declined=False), params=None)
    elif vendor == "sqlite":
        for statement in SQLITE_DROP:
            schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("indsats", "0023_version_declined_and_question_answered")]

    operations = [migrations.RunPython(forward, backward)]
