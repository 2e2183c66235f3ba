"""More gaps the database closes around signed agreement versions (#22), in triggers of their
own beside those of 0003 (which stay as they are):

- No signature is added to a version that is already signed by everyone (in force or
  superseded): "signature_on_signed_version".
- A version is superseded only by a successor: at commit (a deferred constraint trigger, so the
  order of the two updates in one transaction does not matter) a superseded version must have a
  later version of the same agreement that is in force or superseded itself:
  "version_superseded_without_successor".
- TRUNCATE of versions and signatures is refused (institutioner_refuse_truncate, see
  institutioner 0011).

On SQLite (the laptop demo) only the first is enforced: SQLite has no deferred triggers and no
TRUNCATE.
"""

from django.db import migrations

POSTGRES = """
CREATE OR REPLACE FUNCTION indsats_signature_on_signed_version() RETURNS trigger AS $$
BEGIN
    IF EXISTS (
        SELECT 1 FROM indsats_agreementversion v
        WHERE v.id = NEW.version_id AND v.status IN ('in_force', 'superseded')
    ) THEN
        RAISE EXCEPTION 'signature_on_signed_version: version % is already signed', NEW.version_id
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER signature_on_signed_version
BEFORE INSERT ON indsats_signature
FOR EACH ROW EXECUTE FUNCTION indsats_signature_on_signed_version();

CREATE OR REPLACE FUNCTION indsats_version_superseded_needs_successor() RETURNS trigger AS $$
BEGIN
    IF NEW.status = 'superseded' AND NOT EXISTS (
        SELECT 1 FROM indsats_agreementversion later
        WHERE later.agreement_id = NEW.agreement_id
          AND later.id <> NEW.id
          AND later.number > NEW.number
          AND later.status IN ('in_force', 'superseded')
    ) THEN
        RAISE EXCEPTION 'version_superseded_without_successor: version % has no signed successor',
            NEW.id USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE CONSTRAINT TRIGGER version_superseded_needs_successor
AFTER INSERT OR UPDATE OF status ON indsats_agreementversion
DEFERRABLE INITIALLY DEFERRED
FOR EACH ROW EXECUTE FUNCTION indsats_version_superseded_needs_successor();

CREATE TRIGGER agreement_version_no_truncate
BEFORE TRUNCATE ON indsats_agreementversion
FOR EACH STATEMENT EXECUTE FUNCTION institutioner_refuse_truncate();

CREATE TRIGGER signature_no_truncate
BEFORE TRUNCATE ON indsats_signature
FOR EACH STATEMENT EXECUTE FUNCTION institutioner_refuse_truncate();
"""

POSTGRES_DROP = """
DROP TRIGGER IF EXISTS signature_no_truncate ON indsats_signature;
DROP TRIGGER IF EXISTS agreement_version_no_truncate ON indsats_agreementversion;
DROP TRIGGER IF EXISTS version_superseded_needs_successor ON indsats_agreementversion;
DROP FUNCTION IF EXISTS indsats_version_superseded_needs_successor();
DROP TRIGGER IF EXISTS signature_on_signed_version ON indsats_signature;
DROP FUNCTION IF EXISTS indsats_signature_on_signed_version();
"""

SQLITE = """
CREATE TRIGGER signature_on_signed_version BEFORE INSERT ON indsats_signature
WHEN EXISTS (
    SELECT 1 FROM indsats_agreementversion
    WHERE id = NEW.version_id AND status IN ('in_force', 'superseded')
)
BEGIN SELECT RAISE(ABORT, 'signature_on_signed_version: the version is already signed'); END;
"""

SQLITE_DROP = "DROP TRIGGER IF EXISTS signature_on_signed_version"


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES, params=None)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE, params=None)


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_DROP, params=None)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("indsats", "0011_signature_authentication"),
        ("institutioner", "0014_refuse_truncate"),
    ]

    operations = [migrations.RunPython(create, drop)]
