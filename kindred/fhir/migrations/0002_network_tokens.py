# A token for a network's front door: exactly one of organisation and network (ADR-092).

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("fhir", "0001_api_tokens"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="network",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="api_tokens",
                to="accounts.network",
            ),
        ),
        migrations.AlterField(
            model_name="apitoken",
            name="organisation",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="api_tokens",
                to="accounts.organisation",
            ),
        ),
        migrations.AddConstraint(
            model_name="apitoken",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("network__isnull", True), ("organisation__isnull", False)),
                    models.Q(("network__isnull", False), ("organisation__isnull", True)),
                    _connector="OR",
                ),
                name="api_token_for_organisation_or_network",
            ),
        ),
    ]
