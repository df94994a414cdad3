"""Every audit entry now has its place in a chain, and no place is taken twice (ADR-080)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("core", "0004_chain_existing_audit_entries")]

    operations = [
        migrations.AlterField(
            model_name="auditevent",
            name="sequence",
            field=models.PositiveBigIntegerField(editable=False),
        ),
        migrations.AddConstraint(
            model_name="auditevent",
            constraint=models.UniqueConstraint(
                condition=models.Q(organisation__isnull=False),
                fields=("organisation", "sequence"),
                name="audit_sequence_once_per_organisation",
            ),
        ),
        migrations.AddConstraint(
            model_name="auditevent",
            constraint=models.UniqueConstraint(
                condition=models.Q(organisation__isnull=True),
                fields=("sequence",),
                name="audit_sequence_once_without_organisation",
            ),
        ),
    ]
