"""Number and hash the audit entries written before the chain existed, chain by chain in the
order they happened (occurred_at, then id), and record each chain's head (ADR-080).

This is the one migration that changes audit entries, so it takes the append-only triggers off
core_auditevent first (0002's and ADR-080's), as the table's owner, inside this migration's
transaction; they are put back at its end, and again after every migrate.
"""

from django.db import migrations

from kindred.core import append_only
from kindred.core.audit_chain import GENESIS, chain_key, link_hash

TABLE = "core_auditevent"
BATCH = 1000


def _drop_triggers(schema_editor):
    vendor = schema_editor.connection.vendor
    names = [f"{TABLE}_no_{event}" for event in ("update", "delete", "truncate")]
    if vendor == "postgresql":
        for name in [append_only.OLD_POSTGRES_TRIGGER, *names]:
            schema_editor.execute(f'DROP TRIGGER IF EXISTS "{name}" ON "{TABLE}"')
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {append_only.OLD_POSTGRES_FUNCTION}()")
    elif vendor == "sqlite":
        for name in names:  # 0002's SQLite trigger had the first of these names
            schema_editor.execute(f'DROP TRIGGER IF EXISTS "{name}"')


def chain_entries(apps, schema_editor):
    _drop_triggers(schema_editor)
    AuditEvent = apps.get_model("core", "AuditEvent")
    AuditChainHead = apps.get_model("core", "AuditChainHead")
    organisations = (
        AuditEvent.objects.order_by().values_list("organisation_id", flat=True).distinct()
    )
    for organisation_id in list(organisations):
        events = AuditEvent.objects.filter(organisation_id=organisation_id)
        if organisation_id is None:
            events = AuditEvent.objects.filter(organisation__isnull=True)
        previous, sequence, batch = GENESIS, 0, []
        for event in events.order_by("occurred_at", "id").iterator(chunk_size=BATCH):
            sequence += 1
            event.sequence = sequence
            event.previous_hash = previous
            event.entry_hash = previous = link_hash(previous, event)
            batch.append(event)
            if len(batch) == BATCH:
                AuditEvent.objects.bulk_update(batch, ["sequence", "previous_hash", "entry_hash"])
                batch = []
        if batch:
            AuditEvent.objects.bulk_update(batch, ["sequence", "previous_hash", "entry_hash"])
        AuditChainHead.objects.create(
            chain=chain_key(organisation_id),
            organisation_id=organisation_id,
            sequence=sequence,
            entry_hash=previous,
        )
    append_only.install_triggers(schema_editor.connection)


def unchain_entries(apps, schema_editor):
    _drop_triggers(schema_editor)
    apps.get_model("core", "AuditChainHead").objects.all().delete()
    apps.get_model("core", "AuditEvent").objects.update(
        sequence=None, previous_hash="", entry_hash=""
    )


class Migration(migrations.Migration):
    dependencies = [("core", "0003_audit_hash_chain")]
    operations = [migrations.RunPython(chain_entries, unchain_entries)]
