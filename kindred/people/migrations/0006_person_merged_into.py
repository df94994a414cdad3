"""A person record can be merged into another record of the same person (ADR-090): it becomes a
tombstone that points at the record that stays, says when, and holds no NHS number (the record
that stays took it). Existing records are none of these, so nothing is changed or copied."""

from django.db import migrations, models
from django.db.models import F, Q


class Migration(migrations.Migration):
    dependencies = [("people", "0005_person_search_keys_and_changes")]

    operations = [
        migrations.AddField(
            model_name="person",
            name="merged_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="person",
            name="merged_into",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=models.deletion.PROTECT,
                related_name="merged_records",
                to="people.person",
            ),
        ),
        migrations.AddConstraint(
            model_name="person",
            constraint=models.CheckConstraint(
                condition=Q(merged_into__isnull=True, merged_at__isnull=True)
                | Q(merged_into__isnull=False, merged_at__isnull=False, nhs_number=""),
                name="person_tombstone_complete",
            ),
        ),
        migrations.AddConstraint(
            model_name="person",
            constraint=models.CheckConstraint(
                condition=~Q(merged_into=F("id")), name="person_not_merged_into_itself"
            ),
        ),
    ]
