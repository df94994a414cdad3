"""A referral's history is built on core's TransitionRecord (ADR-083): its status columns are
renamed to the shared `from_state` and `to_state` and take core's length. Columns are renamed and
widened only: no row is rewritten (the table is append-only, ADR-080), and every step already
recorded keeps its values."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("referrals", "0002_details_as_sent_and_person_link"),
    ]

    operations = [
        migrations.RenameField(
            model_name="referralevent", old_name="from_status", new_name="from_state"
        ),
        migrations.RenameField(
            model_name="referralevent", old_name="to_status", new_name="to_state"
        ),
        migrations.AlterField(
            model_name="referralevent",
            name="from_state",
            field=models.CharField(blank=True, max_length=32),
        ),
        migrations.AlterField(
            model_name="referralevent",
            name="to_state",
            field=models.CharField(max_length=32),
        ),
    ]
