# API tokens' table takes the accounts app's name (every row kept; foreign keys follow the
# rename), and tokens gain scopes (ADR-119). Every token made before scopes was a FHIR token, so
# each keeps exactly what it could do: "referrals:write". None is widened without someone asking.

from django.db import migrations, models

REFERRALS_WRITE = "referrals:write"


def existing_tokens_send_referrals(apps, schema_editor):
    ApiToken = apps.get_model("accounts", "ApiToken")
    ApiToken.objects.all().update(scopes=[REFERRALS_WRITE])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0008_api_tokens_from_fhir"),
        ("fhir", "0003_api_token_moved_to_accounts"),
    ]

    operations = [
        migrations.AlterModelTable(name="apitoken", table=None),
        migrations.AddField(
            model_name="apitoken",
            name="scopes",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.RunPython(existing_tokens_send_referrals, migrations.RunPython.noop),
    ]
