# The API token model now lives in accounts (accounts 0008, ADR-119). Only Django's record of
# the model goes from here: the table and its rows are kept, and accounts 0009 renames it.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("fhir", "0002_network_tokens"),
        ("accounts", "0008_api_tokens_from_fhir"),
        ("referrals", "0009_api_token_in_accounts"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="ApiToken")],
            database_operations=[],
        ),
    ]
