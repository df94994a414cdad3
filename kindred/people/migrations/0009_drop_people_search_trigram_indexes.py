"""Drop the trigram indexes of migration 0003 on PostgreSQL (ADR-128).

The people list now searches by the start of a name or postcode, served by the prefix indexes of
migration 0007 (ADR-100); nothing reads the four GIN trigram indexes any more, and every new
person (every referral of someone new) paid for keeping each of them up to date. The pg_trgm
extension is left installed: dropping an extension is the database owner's decision. Reversing
this migration makes the indexes again. SQLite never had them.
"""

from django.db import migrations

COLUMNS = ("given_name", "family_name", "preferred_name", "postcode")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS people_person_{column}_trgm")


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for column in COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS people_person_{column}_trgm ON people_person "
            f"USING gin ((UPPER({column}::text)) gin_trgm_ops)"
        )


class Migration(migrations.Migration):
    dependencies = [("people", "0008_home_panel_indexes")]

    operations = [migrations.RunPython(drop, create, elidable=False)]
