"""Issue 11 (ADR-086): every link from a supporter to the match that introduced them, copied from
relationships' old column (`Supporter.match`) to matching's (`Match.supporter_link`), and back
if this is undone."""

from django.db import migrations


def copy_links_to_matches(apps, schema_editor):
    Supporter = apps.get_model("relationships", "Supporter")
    Match = apps.get_model("matching", "Match")
    links = Supporter.objects.filter(match__isnull=False).values_list("pk", "match_id")
    for supporter_id, match_id in list(links):
        Match.objects.filter(pk=match_id).update(supporter_link_id=supporter_id)


def copy_links_back_to_supporters(apps, schema_editor):
    Supporter = apps.get_model("relationships", "Supporter")
    Match = apps.get_model("matching", "Match")
    links = Match.objects.filter(supporter_link__isnull=False).values_list(
        "pk", "supporter_link_id"
    )
    for match_id, supporter_id in list(links):
        Supporter.objects.filter(pk=supporter_id).update(match_id=match_id)


class Migration(migrations.Migration):
    dependencies = [
        ("matching", "0006_match_points_at_its_supporter"),
        ("relationships", "0004_history_on_core_transitions_and_records_kept"),
    ]

    operations = [
        migrations.RunPython(copy_links_to_matches, copy_links_back_to_supporters),
    ]
