"""Concerns move to the safeguarding app (issue 16; ADR-105). Nothing is lost:

1. each relationships.Concern is copied to safeguarding.Concern with the same id, as a case:
   kind, words, raiser and dates kept; one answered is closed, its response its outcome (with
   its acknowledgement and closure on the timeline and in the history); one not answered is
   still raised, due for acknowledgement at once (the sweep escalates it);
2. the relationship and contact it came from are kept in relationships.ConcernLink (same id);
3. only then is relationships.Concern removed. The reverse copies everything back (and leaves
   the cases where they are, so that running it forwards again finds them)."""

import uuid

import django.db.models.deletion
from django.db import migrations, models

#: Concerns raised before there were levels: a safeguarding concern is taken as high (reaches a
#: lead within the hour), a request for crisis follow-up too.
LEVEL = "high"
MOVED_BY = "Kindred (concern moved from relationships)"


def forwards(apps, schema_editor):
    Old = apps.get_model("relationships", "Concern")
    Link = apps.get_model("relationships", "ConcernLink")
    New = apps.get_model("safeguarding", "Concern")
    Entry = apps.get_model("safeguarding", "Entry")
    Change = apps.get_model("safeguarding", "StatusChange")
    for old in Old.objects.select_related("relationship", "raised_by").order_by("created_at"):
        if New.objects.filter(pk=old.id).exists():
            # Moved before (this migration was reversed and run again): only the link is back.
            Link.objects.create(
                id=old.id, concern_id=old.id, relationship_id=old.relationship_id,
                contact_id=old.contact_id,
            )  # fmt: skip
            continue
        answered = old.acknowledged_at is not None
        raiser = old.raised_by
        new = New.objects.create(
            id=old.id,
            organisation_id=old.organisation_id,
            person_id=old.relationship.person_id,
            about="",
            source="contact" if old.contact_id else "relationship",
            kind=old.kind,
            level=LEVEL,
            status="closed" if answered else "raised",
            detail=old.detail or "(no words were recorded)",
            raised_at=old.created_at,
            raised_by_id=old.raised_by_id,
            raised_by_label=(raiser.full_name or raiser.email) if raiser else "",
            acknowledge_by=old.created_at,
            acknowledged_at=old.acknowledged_at,
            acknowledged_by_id=old.acknowledged_by_id,
            closed_at=old.acknowledged_at,
            outcome=old.response,
        )
        New.objects.filter(pk=new.pk).update(created_at=old.created_at)
        Change.objects.create(
            id=uuid.uuid4(), concern=new, from_state="", to_state="raised",
            occurred_at=old.created_at, by_user_id=old.raised_by_id,
            by_label=new.raised_by_label or MOVED_BY,
        )  # fmt: skip
        if answered:
            for step, to in (("raised", "acknowledged"), ("acknowledged", "closed")):
                Change.objects.create(
                    id=uuid.uuid4(), concern=new, from_state=step, to_state=to,
                    occurred_at=old.acknowledged_at, by_user_id=old.acknowledged_by_id,
                    by_label=MOVED_BY, note="Responded to before concerns became cases",
                )  # fmt: skip
            Entry.objects.create(
                id=uuid.uuid4(), concern=new, kind="closed", text=old.response,
                occurred_at=old.acknowledged_at, by_user_id=old.acknowledged_by_id,
                by_label=MOVED_BY,
            )  # fmt: skip
        Link.objects.create(
            id=old.id, concern_id=old.id, relationship_id=old.relationship_id,
            contact_id=old.contact_id,
        )  # fmt: skip


def backwards(apps, schema_editor):
    Old = apps.get_model("relationships", "Concern")
    Link = apps.get_model("relationships", "ConcernLink")
    for link in Link.objects.select_related("concern"):
        concern = link.concern
        Old.objects.create(
            id=concern.id,
            organisation_id=concern.organisation_id,
            relationship_id=link.relationship_id,
            contact_id=link.contact_id,
            kind=concern.kind,
            detail=concern.detail,
            raised_by_id=concern.raised_by_id,
            acknowledged_at=concern.acknowledged_at,
            acknowledged_by_id=concern.acknowledged_by_id,
            response=concern.outcome,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("relationships", "0006_notes_for_supporters"),
        ("safeguarding", "0001_concerns_cases_timeline_arrangements"),
    ]

    operations = [
        migrations.CreateModel(
            name="ConcernLink",
            fields=[
                (
                    "id",
                    models.UUIDField(
                        default=uuid.uuid4, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "concern",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="relationship_link",
                        to="safeguarding.concern",
                    ),
                ),
                (
                    "contact",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="concern_links",
                        to="relationships.contact",
                    ),
                ),
                (
                    "relationship",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="concern_links",
                        to="relationships.relationship",
                    ),
                ),
            ],
            options={"ordering": ["-created_at"]},
        ),
        migrations.RunPython(forwards, backwards),
        migrations.DeleteModel(name="Concern"),
    ]
