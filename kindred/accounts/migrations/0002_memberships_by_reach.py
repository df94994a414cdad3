"""Roles that reach across a network (network admin, commissioner) are held in the network, not in
one of its organisations (ADR-070). Existing ones move to their organisation's network; one held
in an organisation outside any network moves to a new network of just that organisation, so that
its holder sees exactly what they saw before."""

import django.db.models.deletion
from django.db import migrations, models

NETWORK_ROLES = ["commissioner", "network_admin"]


def move_network_roles_to_networks(apps, schema_editor):
    Membership = apps.get_model("accounts", "Membership")
    Network = apps.get_model("accounts", "Network")
    for membership in Membership.objects.filter(
        role__in=NETWORK_ROLES, organisation__isnull=False
    ).select_related("organisation"):
        organisation = membership.organisation
        if organisation.network_id is None:
            slug, n = organisation.slug, 1
            while Network.objects.filter(slug=slug).exists():
                n += 1
                slug = f"{organisation.slug}-{n}"
            organisation.network = Network.objects.create(slug=slug, name=organisation.name)
            organisation.save(update_fields=["network"])
        same = Membership.objects.filter(
            user_id=membership.user_id, network_id=organisation.network_id, role=membership.role
        ).first()
        if same is not None:  # the same role held at two organisations of one network
            if membership.is_active and not same.is_active:
                same.is_active = True
                same.save(update_fields=["is_active"])
            membership.delete()
            continue
        membership.network_id = organisation.network_id
        membership.organisation = None
        membership.save(update_fields=["network", "organisation"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="membership",
            options={"ordering": ["organisation__name", "network__name", "role"]},
        ),
        migrations.AddField(
            model_name="membership",
            name="network",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="memberships",
                to="accounts.network",
            ),
        ),
        migrations.AlterField(
            model_name="membership",
            name="organisation",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="memberships",
                to="accounts.organisation",
            ),
        ),
        migrations.RunPython(move_network_roles_to_networks, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="membership",
            constraint=models.UniqueConstraint(
                condition=models.Q(("network__isnull", False)),
                fields=("user", "network", "role"),
                name="one_network_membership_per_role",
            ),
        ),
        migrations.AddConstraint(
            model_name="membership",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("network__isnull", False),
                        ("organisation__isnull", True),
                        ("role__in", NETWORK_ROLES),
                    ),
                    models.Q(
                        ("network__isnull", True),
                        ("organisation__isnull", False),
                        models.Q(("role__in", NETWORK_ROLES), _negated=True),
                    ),
                    _connector="OR",
                ),
                name="membership_reach_matches_role",
            ),
        ),
    ]
