"""Whether an organisation is an NHS body (ADR-091): only NHS bodies show the NHS identity.
Existing NHS teams and GP practices are NHS bodies; charities, neighbourhood networks and
councils are not. The operator changes it with `kindred organisation update --nhs/--not-nhs`."""

from django.db import migrations, models

NHS_KINDS = ["gp_practice", "nhs"]


def mark_nhs_bodies(apps, schema_editor):
    Organisation = apps.get_model("accounts", "Organisation")
    Organisation.objects.filter(kind__in=NHS_KINDS).update(is_nhs=True)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_password_links"),
    ]

    operations = [
        migrations.AddField(
            model_name="organisation",
            name="is_nhs",
            field=models.BooleanField(db_default=False, default=False, verbose_name="NHS body"),
        ),
        migrations.RunPython(mark_nhs_bodies, migrations.RunPython.noop),
    ]
