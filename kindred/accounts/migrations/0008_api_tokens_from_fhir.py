# API tokens move from the FHIR app to accounts, where the FHIR and JSON APIs can both use them
# (ADR-119). This step changes only Django's idea of where the model lives: the table
# (fhir_apitoken) and every row stay exactly as they are; 0009 renames the table and adds scopes.

import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0007_duty_professional_role"),
        ("fhir", "0002_network_tokens"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ApiToken",
                    fields=[
                        (
                            "id",
                            models.UUIDField(
                                default=uuid.uuid4,
                                editable=False,
                                primary_key=True,
                                serialize=False,
                            ),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        ("name", models.CharField(max_length=200)),
                        (
                            "practice_ods",
                            models.CharField(
                                blank=True,
                                help_text="Concerns for the GP about this practice's patients are shared with this token",
                                max_length=12,
                                verbose_name="ODS code of the practice using it",
                            ),
                        ),
                        ("prefix", models.CharField(max_length=16)),
                        ("token_hash", models.CharField(max_length=64, unique=True)),
                        ("revoked_at", models.DateTimeField(blank=True, null=True)),
                        ("last_used_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "created_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "network",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="api_tokens",
                                to="accounts.network",
                            ),
                        ),
                        (
                            "organisation",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="api_tokens",
                                to="accounts.organisation",
                            ),
                        ),
                    ],
                    options={
                        "ordering": ["-created_at"],
                        "db_table": "fhir_apitoken",
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(
                                    models.Q(
                                        ("network__isnull", True), ("organisation__isnull", False)
                                    ),
                                    models.Q(
                                        ("network__isnull", False), ("organisation__isnull", True)
                                    ),
                                    _connector="OR",
                                ),
                                name="api_token_for_organisation_or_network",
                            ),
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
