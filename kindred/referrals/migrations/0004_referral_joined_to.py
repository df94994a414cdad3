"""A repeat referral can be joined to the open referral it repeats (ADR-090): a new final status,
"joined", and the referral it was joined to. Existing referrals are none of these."""

from django.db import migrations, models
from django.db.models import Q


class Migration(migrations.Migration):
    dependencies = [("referrals", "0003_referral_history_on_core_transitions")]

    operations = [
        migrations.AddField(
            model_name="referral",
            name="joined_to",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=models.deletion.PROTECT,
                related_name="repeats",
                to="referrals.referral",
            ),
        ),
        migrations.AlterField(
            model_name="referral",
            name="status",
            field=models.CharField(
                choices=[
                    ("received", "Received"),
                    ("accepted", "Accepted"),
                    ("declined", "Declined"),
                    ("waiting", "Waiting for a match or place"),
                    ("started", "Support started"),
                    ("closed", "Closed"),
                    ("joined", "Joined to an open referral"),
                ],
                default="received",
                max_length=10,
            ),
        ),
        migrations.AddConstraint(
            model_name="referral",
            constraint=models.CheckConstraint(
                condition=Q(status="joined", joined_to__isnull=False)
                | (~Q(status="joined") & Q(joined_to__isnull=True)),
                name="referral_joined_names_the_open_one",
            ),
        ),
    ]
