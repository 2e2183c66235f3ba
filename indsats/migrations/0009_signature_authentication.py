"""How and when the signer proved who they were (a password, or a fresh login at the
municipality's identity provider). Old signatures keep both empty; no data moves.

Adding columns makes SQLite rebuild the signature table, which its immutability triggers (0003)
refuse while they name it: they are dropped around the change and made again. PostgreSQL adds
the columns in place, and its triggers stay.
"""

from importlib import import_module

from django.db import migrations, models

immutability = import_module("indsats.migrations.0003_agreement_immutability")


def sqlite_drop(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in immutability.SQLITE_DROP:
            schema_editor.execute(statement, params=None)


def sqlite_create(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in immutability.SQLITE:
            schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("indsats", "0008_danish_names_in_stamdata"),
    ]

    operations = [
        migrations.RunPython(sqlite_drop, sqlite_create),
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
        migrations.RunPython(sqlite_create, sqlite_drop),
    ]
