"""What happened to a volunteer is kept when someone tries to remove them (issue 11): their DBS
checks, training, check-ins, requests for support, hours, expenses and journey now PROTECT the
volunteer instead of going with them (stage history already did, 0003).

Who was at a supervision session was the ManyToMany's own table, whose rows Django removes with
a volunteer. It becomes the explicit `SupervisionAttendance` model over the same table (same
name, columns, ids and unique pair), so only Django's idea of it changes: nothing is copied and
the database is not touched. `on_delete` lives in Django, not in the database, so none of these
changes alters a table either."""

import django.db.models.deletion
from django.db import migrations, models


def _protect(model_name, related_name):
    return migrations.AlterField(
        model_name=model_name,
        name="volunteer",
        field=models.ForeignKey(
            on_delete=django.db.models.deletion.PROTECT,
            related_name=related_name,
            to="volunteers.volunteer",
        ),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("volunteers", "0004_stage_change_is_a_transition_record"),
    ]

    operations = [
        _protect("dbscheck", "dbs_checks"),
        _protect("trainingrecord", "training"),
        _protect("wellbeingcheckin", "check_ins"),
        _protect("supportrequest", "support_requests"),
        _protect("volunteerhours", "hours"),
        _protect("expense", "expenses"),
        _protect("journeyevent", "journey"),
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="SupervisionAttendance",
                    fields=[
                        ("id", models.BigAutoField(primary_key=True, serialize=False)),
                        (
                            "session",
                            models.ForeignKey(
                                db_column="supervisionsession_id",
                                on_delete=django.db.models.deletion.CASCADE,
                                to="volunteers.supervisionsession",
                            ),
                        ),
                        (
                            "volunteer",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                to="volunteers.volunteer",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "volunteers_supervisionsession_volunteers",
                        "unique_together": {("session", "volunteer")},
                    },
                ),
                migrations.AlterField(
                    model_name="supervisionsession",
                    name="volunteers",
                    field=models.ManyToManyField(
                        related_name="supervision_sessions",
                        through="volunteers.SupervisionAttendance",
                        to="volunteers.volunteer",
                    ),
                ),
            ],
        ),
    ]
