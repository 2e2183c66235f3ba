"""How and when the signer proved who they were (a password, or a fresh login at the
municipality's identity provider). Old signatures keep both empty; no data moves.

Adding columns makes SQLite rebuild the signature table, which it refuses while triggers (the
immutability rules of 0003 and any later ones) name it: those triggers are kept as they are,
dropped around the change and made again from their own SQL. PostgreSQL adds the columns in
place, and its triggers stay.
"""

from django.db import migrations, models

_SAVED: dict[str, list[tuple[str, str]]] = {}


def sqlite_set_triggers_aside(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
            "AND sql LIKE '%indsats_signature%'"
        )
        triggers = cursor.fetchall()
    _SAVED[connection.alias] = triggers
    for name, _sql in triggers:
        schema_editor.execute(f'DROP TRIGGER IF EXISTS "{name}"', params=None)


def sqlite_put_triggers_back(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "sqlite":
        return
    for _name, sql in _SAVED.pop(connection.alias, []):
        schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("indsats", "0010_retention_past_signed_versions"),
    ]

    operations = [
        migrations.RunPython(sqlite_set_triggers_aside, sqlite_put_triggers_back),
        migrations.AddField(
            model_name="signature",
            name="authenticated_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="authenticated"),
        ),
        migrations.AddField(
            model_name="signature",
            name="authenticated_by",
            field=models.CharField(
                blank=True,
                choices=[
                    ("password", "password"),
                    ("oidc", "the municipality's login (OpenID Connect)"),
                    ("saml", "the municipality's login (SAML)"),
                ],
                max_length=10,
                verbose_name="authenticated by",
            ),
        ),
        migrations.RunPython(sqlite_put_triggers_back, sqlite_set_triggers_aside),
    ]
