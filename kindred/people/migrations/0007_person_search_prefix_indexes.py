"""Prefix indexes for searching people by the start of a name or postcode on PostgreSQL (ADR-100).

A search word matches the start of a given, family or preferred name or of the postcode, in any
case: UPPER(column) LIKE 'WORD%'. A B-tree index on UPPER(column) with text_pattern_ops serves
that as a range, whatever the database's collation, and its statistics tell the planner how many
people a common surname has, so it reads those few hundred and sorts them rather than walking the
name index past tens of thousands of others (at 50,000 people a common surname walked 39,600).
The trigram indexes of migration 0003 stay for now (nothing else uses them; dropping them is a
separate decision). SQLite needs nothing: it stays the small, zero-setup default.
"""

from django.db import migrations

COLUMNS = ("given_name", "family_name", "preferred_name", "postcode")


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS person_org_{column}_prefix_idx ON people_person "
            f"(organisation_id, (UPPER({column}::text)) text_pattern_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS person_org_{column}_prefix_idx")


class Migration(migrations.Migration):
    dependencies = [("people", "0006_person_merged_into")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
