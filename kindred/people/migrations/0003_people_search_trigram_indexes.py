"""Trigram indexes for searching people by part of a name or postcode on PostgreSQL.

The people list searches with case-insensitive "contains" (UPPER(column) LIKE UPPER('%word%')),
which no B-tree index can serve: at a million people it was a sequential scan. GIN trigram
indexes on the same expressions serve it. pg_trgm is a trusted extension (PostgreSQL 13+), so
the database owner can create it. SQLite needs nothing: it stays the small, zero-setup default.
"""

from django.db import migrations

COLUMNS = ("given_name", "family_name", "preferred_name", "postcode")


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for column in COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS people_person_{column}_trgm ON people_person "
            f"USING gin ((UPPER({column}::text)) gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS people_person_{column}_trgm")


class Migration(migrations.Migration):
    dependencies = [("people", "0002_person_details_and_consents")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
