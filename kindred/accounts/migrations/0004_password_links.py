# Password links that store only a hash of their token (ADR-073).

import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_invitations"),
    ]

    operations = [
        migrations.CreateModel(
            name="PasswordLink",
            fields=[
                (
                    "id",
                    models.UUIDField(
                        default=uuid.uuid4, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "purpose",
                    models.CharField(
                        choices=[("set_up", "First set-up"), ("reset", "Reset")], max_length=16
                    ),
                ),
                (
                    "base_url",
                    models.CharField(help_text="The site the link points to", max_length=300),
                ),
                (
                    "token_hash",
                    models.CharField(
                        blank=True,
                        db_index=True,
                        help_text="SHA-256 of the token; blank until sent",
                        max_length=64,
                    ),
                ),
                ("expires_at", models.DateTimeField(blank=True, null=True)),
                ("used_at", models.DateTimeField(blank=True, null=True)),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="password_links",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["-created_at"],
            },
        ),
    ]
