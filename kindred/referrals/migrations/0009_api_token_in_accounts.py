# The API token model moved from the FHIR app to accounts (ADR-119): the foreign keys now name
# accounts.ApiToken. Its table is unchanged here, so the database is untouched.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0008_api_tokens_from_fhir"),
        ("referrals", "0008_referral_inbox_and_overdue_order_indexes"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="referral",
                    name="api_token",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="accounts.apitoken",
                    ),
                ),
                migrations.AlterField(
                    model_name="networkreferral",
                    name="api_token",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="accounts.apitoken",
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
