# Referrals sent to a network's front door, kept as sent until a network admin routes them (ADR-092).

import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("fhir", "0002_network_tokens"),
        ("referrals", "0004_referral_joined_to"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="NetworkReferral",
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
                    "channel",
                    models.CharField(
                        choices=[
                            ("referrer_form", "Referrer's form"),
                            ("coordinator_form", "Coordinator's form"),
                            ("self_referral", "Self-referral form"),
                            ("fhir", "From a clinical system (FHIR)"),
                        ],
                        max_length=20,
                    ),
                ),
                (
                    "source",
                    models.CharField(
                        choices=[
                            ("gp", "GP"),
                            ("practice_nurse", "Practice nurse"),
                            ("community_matron", "Community matron"),
                            ("mental_health_team", "Mental health team"),
                            ("job_centre", "Job centre"),
                            ("family_or_friend", "Family or friend"),
                            ("member", "Another member"),
                            ("self", "Themselves"),
                            ("other", "Other"),
                        ],
                        max_length=30,
                    ),
                ),
                ("person_as_sent", models.JSONField(default=dict)),
                ("consent_contact", models.BooleanField(blank=True, null=True)),
                ("consent_share_with_referrer", models.BooleanField(blank=True, null=True)),
                ("consent_evaluation", models.BooleanField(blank=True, null=True)),
                ("details_as_sent", models.JSONField(default=dict)),
                (
                    "wants",
                    models.CharField(
                        choices=[
                            ("group", "A group"),
                            ("one_to_one", "One-to-one support"),
                            ("befriending", "Befriending"),
                            ("crisis", "Crisis support"),
                            ("not_sure", "Not sure"),
                        ],
                        max_length=20,
                    ),
                ),
                ("external_system", models.CharField(blank=True, max_length=300)),
                ("external_id", models.CharField(blank=True, max_length=200)),
                ("received_at", models.DateTimeField()),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("received", "Waiting to be sent to an organisation"),
                            ("routed", "Sent to an organisation"),
                            ("declined", "Declined by the network"),
                        ],
                        default="received",
                        max_length=10,
                    ),
                ),
                ("decided_at", models.DateTimeField(blank=True, null=True)),
                ("decline_reason", models.TextField(blank=True)),
                ("signposted_to", models.CharField(blank=True, max_length=300)),
                (
                    "api_token",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="fhir.apitoken",
                    ),
                ),
                (
                    "decided_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "network",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="network_referrals",
                        to="accounts.network",
                    ),
                ),
                (
                    "referral",
                    models.OneToOneField(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="network_referral",
                        to="referrals.referral",
                    ),
                ),
                (
                    "routed_to",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="accounts.organisation",
                    ),
                ),
            ],
            options={
                "ordering": ["received_at"],
            },
        ),
        migrations.CreateModel(
            name="NetworkReferralEvent",
            fields=[
                (
                    "id",
                    models.UUIDField(
                        default=uuid.uuid4, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                ("from_state", models.CharField(blank=True, max_length=32)),
                ("to_state", models.CharField(max_length=32)),
                ("occurred_at", models.DateTimeField()),
                ("by_label", models.CharField(max_length=254)),
                ("note", models.TextField(blank=True)),
                (
                    "by_user",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "network_referral",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="history",
                        to="referrals.networkreferral",
                    ),
                ),
            ],
            options={
                "ordering": ["occurred_at"],
            },
        ),
        migrations.AddIndex(
            model_name="networkreferral",
            index=models.Index(
                fields=["network", "status", "received_at"], name="netref_network_status_idx"
            ),
        ),
        migrations.AddConstraint(
            model_name="networkreferral",
            constraint=models.UniqueConstraint(
                condition=models.Q(("external_id", ""), _negated=True),
                fields=("network", "external_system", "external_id"),
                name="network_referral_unique_external_id",
            ),
        ),
        migrations.AddConstraint(
            model_name="networkreferral",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("referral__isnull", False),
                        ("routed_to__isnull", False),
                        ("status", "routed"),
                    ),
                    models.Q(
                        models.Q(("status", "routed"), _negated=True),
                        ("referral__isnull", True),
                        ("routed_to__isnull", True),
                    ),
                    _connector="OR",
                ),
                name="network_referral_routed_has_referral",
            ),
        ),
        migrations.AddIndex(
            model_name="networkreferralevent",
            index=models.Index(fields=["network_referral", "occurred_at"], name="netref_event_idx"),
        ),
    ]
