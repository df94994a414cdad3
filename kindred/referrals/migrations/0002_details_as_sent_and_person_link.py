"""Referrals keep the person as they were sent, the referrer's own consent answers, and how the
person record was chosen (ADR-075); a referral's history can no longer be deleted with it.

Existing referrals: a person's first referral is taken to be the one that made their record, so
it gets that record's details (as they were then sent) and the share-with-referrer answer in
force; any later referral of the same person was linked automatically before this change, so it
is marked 'probably the same person: not yet confirmed' for a coordinator to look at, and keeps
no details (nothing was stored of what it said)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

SENT_FIELDS = (
    "given_name",
    "family_name",
    "preferred_name",
    "nhs_number",
    "address",
    "postcode",
    "phone",
    "email",
    "gp_practice_ods",
)


def backfill(apps, schema_editor):
    Referral = apps.get_model("referrals", "Referral")
    Consent = apps.get_model("people", "Consent")
    seen: set = set()
    for referral in Referral.objects.select_related("person").order_by("person_id", "received_at"):
        person = referral.person
        if person.pk in seen:
            referral.person_link = "probable"
            referral.save(update_fields=["person_link"])
            continue
        seen.add(person.pk)
        sent = {name: getattr(person, name) for name in SENT_FIELDS}
        sent["date_of_birth"] = person.date_of_birth.isoformat() if person.date_of_birth else None
        share = (
            Consent.objects.filter(person=person, kind="share_with_referrer")
            .order_by("-recorded_at")
            .values_list("given", flat=True)
            .first()
        )
        referral.person_as_sent = sent
        referral.person_link = "new"
        referral.consent_share_with_referrer = share
        referral.save(
            update_fields=["person_as_sent", "person_link", "consent_share_with_referrer"]
        )


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0004_one_person_per_nhs_number"),
        ("referrals", "0001_referrals_history_and_gp_concerns"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="referral",
            name="consent_contact",
            field=models.BooleanField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="referral",
            name="consent_evaluation",
            field=models.BooleanField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="referral",
            name="consent_share_with_referrer",
            field=models.BooleanField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="referral",
            name="person_as_sent",
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.AddField(
            model_name="referral",
            name="person_confirmed_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="referral",
            name="person_confirmed_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="referral",
            name="person_link",
            field=models.CharField(
                choices=[
                    ("new", "A new record was made from this referral"),
                    ("same_nhs_number", "Linked by the same NHS number: not yet confirmed"),
                    (
                        "probable",
                        "Probably the same person (name, date of birth and postcode): not yet confirmed",
                    ),
                    ("confirmed", "Confirmed by a coordinator"),
                ],
                default="new",
                max_length=20,
            ),
        ),
        migrations.AddField(
            model_name="referral",
            name="possible_duplicate",
            field=models.ForeignKey(
                blank=True,
                help_text="A record with the same name, date of birth and postcode but another NHS number",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="people.person",
            ),
        ),
        migrations.AlterField(
            model_name="referralevent",
            name="referral",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="history",
                to="referrals.referral",
            ),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
