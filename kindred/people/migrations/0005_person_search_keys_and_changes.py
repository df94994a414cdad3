"""Changing a person's details, and finding them by phone, email, NHS number or postcode (ADR-089).

- `PersonChange`: the append-only history of changes to a person's details, before and after.
- `Person.phone_digits`: the phone number as one string of digits (`identifiers.phone_key`), so
  that "0161 496 0000", "01614960000" and "+44 161 496 0000" find each other; filled here for
  the records already held, then kept by people.services.
- Indexes that make a search by phone, postcode or email (any case) a look-up within the
  organisation, not a scan of it.
"""

import uuid

import django.db.models.deletion
import django.db.models.functions.text
from django.conf import settings
from django.db import migrations, models

from kindred.people.identifiers import phone_key

BATCH = 2_000


def fill_phone_digits(apps, schema_editor):
    Person = apps.get_model("people", "Person")
    batch = []
    for person in Person.objects.exclude(phone="").only("pk", "phone").iterator(BATCH):
        person.phone_digits = phone_key(person.phone)
        batch.append(person)
        if len(batch) == BATCH:
            Person.objects.bulk_update(batch, ["phone_digits"])
            batch = []
    Person.objects.bulk_update(batch, ["phone_digits"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_password_links"),
        ("people", "0004_one_person_per_nhs_number"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="PersonChange",
            fields=[
                (
                    "id",
                    models.UUIDField(
                        default=uuid.uuid4, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                ("occurred_at", models.DateTimeField()),
                ("by_label", models.CharField(max_length=254)),
                ("before", models.JSONField(default=dict)),
                ("after", models.JSONField(default=dict)),
                ("reason", models.CharField(blank=True, max_length=200)),
            ],
            options={
                "ordering": ["-occurred_at"],
            },
        ),
        migrations.AddField(
            model_name="person",
            name="phone_digits",
            field=models.CharField(blank=True, default="", editable=False, max_length=32),
        ),
        migrations.RunPython(fill_phone_digits, migrations.RunPython.noop, elidable=False),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(
                fields=["organisation", "phone_digits"], name="person_org_phone_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(fields=["organisation", "postcode"], name="person_org_postcode_idx"),
        ),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(
                models.F("organisation"),
                django.db.models.functions.text.Upper("email"),
                name="person_org_email_idx",
            ),
        ),
        migrations.AddField(
            model_name="personchange",
            name="by_user",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="personchange",
            name="person",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="changes",
                to="people.person",
            ),
        ),
        migrations.AddIndex(
            model_name="personchange",
            index=models.Index(fields=["person", "-occurred_at"], name="personchange_person_idx"),
        ),
    ]
