"""Issue 11 (ADR-086): the link between an accepted match and the supporter it introduced moves
from relationships (a lower app, which held `Supporter.match`) to matching: `Match.supporter_link`
points at `relationships.Supporter`. 0007 copies each existing link across (in a migration of its
own: PostgreSQL refuses to alter a table in the transaction that changed its rows while foreign
key checks are pending), before relationships 0005 drops the old column. Conflicts, rejections,
matches and network sharing decisions are kept when what they hang on is removed (PROTECT)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("matching", "0005_pairs_of_supporters_and_network_sharing"),
        ("people", "0002_person_details_and_consents"),
        ("referrals", "0001_referrals_history_and_gp_concerns"),
        ("relationships", "0004_history_on_core_transitions_and_records_kept"),
        ("volunteers", "0002_monthly_wellbeing_prompt"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="match",
            name="supporter_link",
            field=models.OneToOneField(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="match",
                to="relationships.supporter",
            ),
        ),
        migrations.AlterField(
            model_name="match",
            name="organisation",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="matches",
                to="accounts.organisation",
            ),
        ),
        migrations.AlterField(
            model_name="conflict",
            name="organisation",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="matching_conflicts",
                to="accounts.organisation",
            ),
        ),
        migrations.AlterField(
            model_name="conflict",
            name="person",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="matching_conflicts",
                to="people.person",
            ),
        ),
        migrations.AlterField(
            model_name="conflict",
            name="volunteer",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="matching_conflicts",
                to="volunteers.volunteer",
            ),
        ),
        migrations.AlterField(
            model_name="rejection",
            name="organisation",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="match_rejections",
                to="accounts.organisation",
            ),
        ),
        migrations.AlterField(
            model_name="rejection",
            name="referral",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="match_rejections",
                to="referrals.referral",
            ),
        ),
        migrations.AlterField(
            model_name="rejection",
            name="volunteer",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="match_rejections",
                to="volunteers.volunteer",
            ),
        ),
        migrations.AlterField(
            model_name="networksharing",
            name="organisation",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="matching_sharing",
                to="accounts.organisation",
            ),
        ),
        migrations.AlterField(
            model_name="conflict",
            name="recorded_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AlterField(
            model_name="match",
            name="accepted_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AlterField(
            model_name="networksharing",
            name="changed_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AlterField(
            model_name="rejection",
            name="rejected_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
    ]
