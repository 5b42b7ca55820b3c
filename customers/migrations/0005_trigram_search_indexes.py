"""Indexed substring search for the Customers page and `/v1/customers` (SPEC §11): pg_trgm GIN indexes on
the customer's company name and its tenant's domain.

Django spells `icontains`/`istartswith` on PostgreSQL as `UPPER(col::text) LIKE UPPER(%s)`, so the
indexes are on that expression. On SQLite (the single-machine runtime) this migration does nothing: its
lists are small, and a LIKE scan is the sensible fallback there."""

from django.db import migrations

INDEXES = [
    ("customers_company_name_trgm", "customers_customeraccount", "company_name"),
    ("tenants_default_domain_trgm", "tenants_tenant", "default_domain"),
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, column in INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ((UPPER({column}::text)) gin_trgm_ops)"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0004_customerinvitation_token_invitation"),
        ("tenants", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
