"""StageChange is built on core's TransitionRecord (ADR-083): its columns take the shared names
(from_stage -> from_state, to_stage -> to_state, by -> by_user), the states are 32 characters
like every workflow's, and the note is a text field. Renaming and retyping columns rewrites no
row (the table takes INSERT only, ADR-080), so every stage change stays as it was, with its id."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("volunteers", "0003_history_keeps_its_parent"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameField(
            model_name="stagechange", old_name="from_stage", new_name="from_state"
        ),
        migrations.RenameField(model_name="stagechange", old_name="to_stage", new_name="to_state"),
        migrations.RenameField(model_name="stagechange", old_name="by", new_name="by_user"),
        migrations.AlterField(
            model_name="stagechange",
            name="from_state",
            field=models.CharField(blank=True, max_length=32),
        ),
        migrations.AlterField(
            model_name="stagechange",
            name="to_state",
            field=models.CharField(max_length=32),
        ),
        migrations.AlterField(
            model_name="stagechange",
            name="by_user",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AlterField(
            model_name="stagechange",
            name="note",
            field=models.TextField(blank=True),
        ),
    ]
