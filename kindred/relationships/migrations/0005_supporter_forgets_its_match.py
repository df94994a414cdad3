"""Issue 11 (ADR-086): matching now holds the link from a match to the supporter it introduced
(matching 0007 copied every link across), so relationships no longer points at a higher app's
table."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("matching", "0007_copy_supporter_links_to_matches"),
        ("relationships", "0004_history_on_core_transitions_and_records_kept"),
    ]

    operations = [
        migrations.RemoveField(model_name="supporter", name="match"),
    ]
