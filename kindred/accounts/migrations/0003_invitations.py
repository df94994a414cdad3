"""Invitations: someone is asked to take a role and becomes a member only when they accept
(ADR-071)."""

import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

ROLES = [
    ("coordinator", "Coordinator"),
    ("volunteer", "Peer supporter or befriender"),
    ("facilitator", "Group facilitator"),
    ("safeguarding_lead", "Safeguarding lead"),
    ("referrer", "Referrer"),
    ("commissioner", "Commissioner"),
    ("organisation_admin", "Organisation admin"),
    ("network_admin", "Network admin"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_memberships_by_reach"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Invitation",
            fields=[
                (
                    "id",
                    models.UUIDField(
                        default=uuid.uuid4, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                ("full_name", models.CharField(max_length=200)),
                ("email", models.EmailField(max_length=254)),
                ("role", models.CharField(choices=ROLES, max_length=32)),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("pending", "Waiting for them to accept"),
                            ("accepted", "Accepted"),
                            ("declined", "Declined"),
                            ("withdrawn", "Withdrawn"),
                        ],
                        default="pending",
                        max_length=12,
                    ),
                ),
                ("expires_at", models.DateTimeField()),
                ("decided_at", models.DateTimeField(blank=True, null=True)),
                (
                    "invited_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="invitations_sent",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "organisation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="invitations",
                        to="accounts.organisation",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="invitations",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={"ordering": ["-created_at"]},
        ),
        migrations.AddConstraint(
            model_name="invitation",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status", "pending")),
                fields=("organisation", "user", "role"),
                name="one_pending_invitation_per_role",
            ),
        ),
    ]
