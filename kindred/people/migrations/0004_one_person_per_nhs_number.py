"""One person record per NHS number in each organisation, and consents kept when a person is.

Before the constraint is added, existing records are checked: if any organisation already holds
two records with the same NHS number, the migration stops with a message saying how many and
where (record ids, never names or numbers), so that a coordinator can merge them first. It never
drops or changes a record to make the constraint fit. Demo and new sites have none (ADR-074).
"""

from django.db import migrations, models
from django.db.models import Count, Q


class DuplicateNhsNumbers(Exception):
    pass


def refuse_duplicates(apps, schema_editor):
    Person = apps.get_model("people", "Person")
    clashes = list(
        Person.objects.exclude(nhs_number="")
        .values("organisation_id", "nhs_number")
        .annotate(records=Count("id"))
        .filter(records__gt=1)
        .order_by("organisation_id")[:20]
    )
    if not clashes:
        return
    lines = []
    for clash in clashes:
        ids = Person.objects.filter(
            organisation_id=clash["organisation_id"], nhs_number=clash["nhs_number"]
        ).values_list("id", flat=True)
        lines.append(
            f"organisation {clash['organisation_id']}: records {', '.join(str(i) for i in ids)}"
        )
    raise DuplicateNhsNumbers(
        "Some organisations hold more than one record with the same NHS number, so the rule "
        "'one record per NHS number' cannot be added yet. Merge or correct these records, then "
        "run the migration again:\n  " + "\n  ".join(lines)
    )


class Migration(migrations.Migration):
    dependencies = [("people", "0003_people_search_trigram_indexes")]

    operations = [
        migrations.RunPython(refuse_duplicates, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="person",
            constraint=models.UniqueConstraint(
                condition=~Q(nhs_number=""),
                fields=("organisation", "nhs_number"),
                name="person_unique_nhs_number",
            ),
        ),
        migrations.AlterField(
            model_name="consent",
            name="person",
            field=models.ForeignKey(
                on_delete=models.deletion.PROTECT,
                related_name="consents",
                to="people.person",
            ),
        ),
    ]
