"""Issue 11: a goal's history takes the shape of every workflow's history
(kindred.core.transitions.TransitionRecord: from_state, to_state, a note of any length); the
columns are renamed and widened, every row kept."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("wellbeing", "0002_history_keeps_its_parent"),
    ]

    operations = [
        migrations.RenameField(
            model_name="goalchange", old_name="from_status", new_name="from_state"
        ),
        migrations.RenameField(model_name="goalchange", old_name="to_status", new_name="to_state"),
        migrations.AlterField(
            model_name="goalchange",
            name="from_state",
            field=models.CharField(blank=True, max_length=32),
        ),
        migrations.AlterField(
            model_name="goalchange",
            name="to_state",
            field=models.CharField(max_length=32),
        ),
        migrations.AlterField(
            model_name="goalchange",
            name="note",
            field=models.TextField(blank=True),
        ),
    ]
