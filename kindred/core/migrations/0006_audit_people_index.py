"""On PostgreSQL, an index for "which list pages showed this person": a person's audit trail
looks for their id in `detail -> 'people'` (`people.services.people_viewed`), which without it
reads every entry of the organisation. SQLite has no JSON index; it stays for small sites."""

from django.db import migrations

CREATE = (
    "CREATE INDEX IF NOT EXISTS audit_people_gin ON core_auditevent "
    "USING gin ((detail -> 'people') jsonb_path_ops)"
)
DROP = "DROP INDEX IF EXISTS audit_people_gin"


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("core", "0005_audit_sequence_required")]
    operations = [migrations.RunPython(forward, backward)]
