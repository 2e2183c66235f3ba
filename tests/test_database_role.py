"""The application's database role (deploy/postgres/app-role.psql, run as it is here) reads and
writes rows and can do nothing else: it cannot disable a trigger, truncate, alter, drop or
create a table, or switch triggers off with session_replication_role."""

import re
import uuid
from pathlib import Path

import pytest
from django.db import DatabaseError, connection, transaction

from institutioner.models import Heartbeat

ROOT = Path(__file__).resolve().parent.parent


def _psql(text: str, **values: str) -> str:
    """psql's variables: :"name" an identifier, :'name' a literal."""
    text = re.sub(r"^\s*--.*$", "", text, flags=re.MULTILINE)
    text = re.sub(r':"(\w+)"', lambda m: connection.ops.quote_name(values[m.group(1)]), text)
    return re.sub(r":'(\w+)'", lambda m: "'" + values[m.group(1)].replace("'", "''") + "'", text)


REFUSED = [
    "ALTER TABLE indsats_signature DISABLE TRIGGER ALL",
    "ALTER TABLE indsats_agreementversion DISABLE TRIGGER agreement_version_frozen",
    "DROP TRIGGER signature_frozen ON indsats_signature",
    "TRUNCATE indsats_signature",
    "TRUNCATE forloeb_hourentry",
    "SET session_replication_role = replica",
    "ALTER TABLE institutioner_heartbeat ADD COLUMN x integer",
    "DROP TABLE institutioner_heartbeat",
    "CREATE TABLE sneaky (id integer)",
]


def test_the_app_role_reads_and_writes_rows_and_nothing_more(db, postgres):
    role = f"indsats_app_test_{uuid.uuid4().hex[:10]}"
    sql = _psql(
        (ROOT / "deploy" / "postgres" / "app-role.psql").read_text(),
        app_role=role,
        app_password=uuid.uuid4().hex,
        owner=connection.settings_dict["USER"] or "postgres",
        dbname=connection.settings_dict["NAME"],
    )
    # All inside the test's transaction: the role and its grants vanish with its rollback.
    with connection.cursor() as cursor:
        cursor.execute(sql)
        cursor.execute(f"SET LOCAL ROLE {connection.ops.quote_name(role)}")
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        assert cursor.fetchone() == (False,)
    Heartbeat.objects.create(name="role-test", at="2026-01-01T00:00:00Z")
    assert Heartbeat.objects.filter(name="role-test").update(detail="ok") == 1
    Heartbeat.objects.filter(name="role-test").delete()

    for statement in REFUSED:
        with (
            pytest.raises(DatabaseError, match=r"permission denied|must be owner"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement)
