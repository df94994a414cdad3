"""The public enquiry form is limited per address by core.limits, in the cache, like every other
public form (ADR-033, ADR-073): the keyed hash of the address each enquiry kept for counting is
no longer needed, so it is no longer stored."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("volunteers", "0005_records_outlive_their_volunteer"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="volunteer", name="volunteer_enquiry_idx"),
        migrations.RemoveField(model_name="volunteer", name="enquiry_source"),
    ]
