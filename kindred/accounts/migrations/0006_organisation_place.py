# Where an organisation is based and the support it offers, for routing referrals sent to a
# network's front door (ADR-092). Database defaults keep older writers' inserts working.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_organisation_is_nhs"),
    ]

    operations = [
        migrations.AddField(
            model_name="organisation",
            name="base_easting",
            field=models.IntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="organisation",
            name="base_northing",
            field=models.IntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="organisation",
            name="base_postcode",
            field=models.CharField(blank=True, db_default="", default="", max_length=8),
        ),
        migrations.AddField(
            model_name="organisation",
            name="support_offered",
            field=models.JSONField(blank=True, db_default=[], default=list),
        ),
        migrations.AddConstraint(
            model_name="organisation",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("base_easting__isnull", True), ("base_northing__isnull", True)),
                    models.Q(("base_easting__isnull", False), ("base_northing__isnull", False)),
                    _connector="OR",
                ),
                name="organisation_place_has_both_coordinates",
            ),
        ),
    ]
