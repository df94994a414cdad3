"""Issue 11: a relationship's history takes the shape of every workflow's history
(kindred.core.transitions.TransitionRecord: from_state, to_state, a note of any length), columns
renamed and widened with every row kept; contacts, concerns, supporters and reminders are kept
when anything they hang on is removed (PROTECT, nothing cascades); and the link from a supporter
to the match that introduced them stops being relationships' to hold (ADR-086): its reverse name
is freed here so that matching can hold the link (matching 0006, copied by 0007) before this
app drops its column (0005)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("matching", "0005_pairs_of_supporters_and_network_sharing"),
        ("relationships", "0003_history_keeps_its_parent"),
    ]

    operations = [
        migrations.RenameField(
            model_name="statuschange", old_name="from_status", new_name="from_state"
        ),
        migrations.RenameField(
            model_name="statuschange", old_name="to_status", new_name="to_state"
        ),
        migrations.AlterField(
            model_name="statuschange",
            name="from_state",
            field=models.CharField(blank=True, max_length=32),
        ),
        migrations.AlterField(
            model_name="statuschange",
            name="to_state",
            field=models.CharField(max_length=32),
        ),
        migrations.AlterField(
            model_name="statuschange",
            name="note",
            field=models.TextField(blank=True),
        ),
        migrations.AlterField(
            model_name="contact",
            name="relationship",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="contacts",
                to="relationships.relationship",
            ),
        ),
        migrations.AlterField(
            model_name="concern",
            name="relationship",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="concerns",
                to="relationships.relationship",
            ),
        ),
        migrations.AlterField(
            model_name="concern",
            name="contact",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="concerns",
                to="relationships.contact",
            ),
        ),
        migrations.AlterField(
            model_name="quietreminder",
            name="relationship",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="quiet_reminders",
                to="relationships.relationship",
            ),
        ),
        migrations.AlterField(
            model_name="supporter",
            name="relationship",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="supporter_links",
                to="relationships.relationship",
            ),
        ),
        migrations.AlterField(
            model_name="supporter",
            name="match",
            field=models.OneToOneField(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="matching.match",
            ),
        ),
    ]
